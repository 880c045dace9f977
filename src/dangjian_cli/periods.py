"""Calendar periods and the assessment window (SCORING.md: "Assessment window and periods")."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Iterator, Literal

PeriodKind = Literal["month", "quarter", "half", "year"]
PERIOD_KINDS: tuple[str, ...] = ("month", "quarter", "half", "year")
PERIOD_NAMES_ZH = {"month": "月", "quarter": "季度", "half": "半年", "year": "年"}
PERIOD_UNITS_ZH = {"month": "个月", "quarter": "个季度", "half": "个半年", "year": "年"}
MONTHS_PER = {"month": 1, "quarter": 3, "half": 6, "year": 12}


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def next(self) -> "Month":
        return Month(self.year + (self.month == 12), self.month % 12 + 1)

    @cached_property  # the ledger shares one Month among its 党费 rows, which ask for it row by row
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def of(cls, day: dt.date) -> "Month":
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    kind: str
    label: str

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def period_of(kind: str, first: Month) -> Period:
    """The period of `kind` that starts at month `first` (which must be a valid start)."""
    last = Month(first.year, first.month + MONTHS_PER[kind] - 1)
    if kind == "month":
        label = str(first)
    elif kind == "quarter":
        label = f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    elif kind == "half":
        label = f"{first.year}-H{(first.month - 1) // 6 + 1}"
    else:
        label = str(first.year)
    return Period(first.first_day, last.last_day, kind, label)


def periods_within(kind: str, first: Month, last: Month) -> Iterator[Period]:
    """Every calendar period of `kind` lying entirely between months `first` and `last`."""
    step = MONTHS_PER[kind]
    index = first.index
    # advance to the first month that starts a period of this kind
    while index % step:
        index += 1
    while index + step - 1 <= last.index:
        yield period_of(kind, Month(index // 12, index % 12 + 1))
        index += step


@dataclass(frozen=True)
class Window:
    """The assessment window: whole months `first`…`last`, judged as of `as_of` ("now")."""

    first: Month
    last: Month
    as_of: dt.date

    # cached: rules ask for these for every record they look at
    @cached_property
    def start(self) -> dt.date:
        return self.first.first_day

    @cached_property
    def end(self) -> dt.date:
        return self.last.last_day

    @cached_property
    def effective_end(self) -> dt.date:
        """Records dated after as-of do not exist yet."""
        return min(self.end, self.as_of)

    def counts(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.effective_end

    def periods(self, kind: str, established: dt.date | None = None) -> list[Period]:
        """In-scope periods that have started: inside the window, the branch existing on day one."""
        started = self._started.get(kind)
        if started is None:
            started = self._started[kind] = tuple(
                p for p in periods_within(kind, self.first, self.last) if p.start <= self.as_of)
        if established is None or not started or established <= started[0].start:  # in date order: all of them
            return list(started)
        return [p for p in started if established <= p.start]

    @cached_property
    def _started(self) -> dict[str, tuple[Period, ...]]:
        """kind → the periods of that kind inside the window that have started (memo: every rule asks)."""
        return {}

    def is_due(self, period: Period) -> bool:
        return period.end <= self.as_of

    def years(self) -> list[int]:
        return list(range(self.first.year, self.last.year + 1))

    def to_dict(self) -> dict:
        return dict(self._as_dict)

    @cached_property
    def _as_dict(self) -> dict:
        """Memo: every result asks for it; to_dict hands out copies."""
        return {"from": str(self.first), "to": str(self.last), "as_of": self.as_of.isoformat()}
