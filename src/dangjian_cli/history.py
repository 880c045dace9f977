"""动态管理: the same branch scored year by year (trend) and two years compared (diff). Pure."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from dangjian_cli.periods import Month, Window
from dangjian_cli.result import Result, number

_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


def year_window(year: int, as_of: dt.date) -> Window:
    return Window(Month(year, 1), Month(year, 12), as_of)


def score_years(rubric, ledger, years: list[int], as_of: dt.date, waivers=()) -> list[tuple[int, Result]]:
    from dangjian_cli import engine

    return [(year, engine.evaluate(rubric, ledger, year_window(year, as_of), waivers)) for year in years]


def _gap_messages(result: Result, indicator_id: str) -> dict[str, str]:
    """A year's gap findings for one indicator, keyed with the year blanked so that years compare."""
    indicator = next(i for i in result.indicators if i.id == indicator_id)
    return {_YEAR.sub("YYYY", f.message): f.message for f in indicator.findings if f.kind == "gap"}


@dataclass
class Change:
    indicator: str
    area: str
    before: Decimal | None
    after: Decimal | None
    status_before: str
    status_after: str
    working_before: str
    working_after: str
    resolved: list[str]
    new: list[str]

    @property
    def delta(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    def to_dict(self) -> dict:
        return {"indicator": self.indicator, "area": self.area, "from": number(self.before), "to": number(self.after),
                "delta": number(self.delta), "status_from": self.status_before, "status_to": self.status_after,
                "working_from": self.working_before, "working_to": self.working_after,
                "resolved": self.resolved, "new": self.new}


def compare(before: Result, after: Result) -> list[Change]:
    """Indicators whose points, status or gaps changed from one result to the next."""
    changes = []
    earlier = {i.id: i for i in before.indicators}
    for ind in after.indicators:
        old = earlier.get(ind.id)
        if old is None:
            continue
        old_gaps, new_gaps = _gap_messages(before, ind.id), _gap_messages(after, ind.id)
        if old.points == ind.points and old.status == ind.status and old_gaps.keys() == new_gaps.keys():
            continue
        resolved = [old_gaps[k] for k in sorted(old_gaps.keys() - new_gaps.keys())]
        new = [new_gaps[k] for k in sorted(new_gaps.keys() - old_gaps.keys())]
        changes.append(Change(ind.id, ind.area, old.points, ind.points, old.status, ind.status, old.working,
                              ind.working, resolved, new))
    return changes


def regressions(scored: list[tuple[int, Result]]) -> list[tuple[int, Change]]:
    """Per year, the indicators that lost points against the year before."""
    found = []
    for (_, before), (year, after) in zip(scored, scored[1:]):
        for change in compare(before, after):
            if change.delta is not None and change.delta < 0:
                found.append((year, change))
    return found


def summary(result: Result) -> dict:
    return {"total": number(result.total), "max": number(result.max), "percent": number(result.percent),
            "rating": result.rating, "areas": [a.to_dict() for a in result.areas]}


def trend_data(scored: list[tuple[int, Result]]) -> dict:
    first = scored[0][1]
    return {
        "branch": first.branch,
        "rubric": first.rubric,
        "years": [{"year": year, **summary(result)} for year, result in scored],
        "regressions": [{"year": year, **change.to_dict()} for year, change in regressions(scored)],
    }


def diff_data(before_year: int, before: Result, after_year: int, after: Result) -> dict:
    return {
        "branch": after.branch,
        "rubric": after.rubric,
        "from": {"year": before_year, **summary(before)},
        "to": {"year": after_year, **summary(after)},
        "changes": [c.to_dict() for c in compare(before, after)],
    }


def parse_years(text: str) -> list[int]:
    """'2022-2024' or '2022,2023,2024' → [2022, 2023, 2024]."""
    from dangjian_cli.errors import UsageError

    text = text.strip()
    m = re.fullmatch(r"(\d{4})\s*[-~至]\s*(\d{4})", text)
    if m:
        first, last = int(m.group(1)), int(m.group(2))
        if last < first or last - first > 30:
            raise UsageError(f"--years {text}：年份范围无效")
        return list(range(first, last + 1))
    parts = [p for p in re.split(r"[,，\s]+", text) if p]
    if parts and all(re.fullmatch(r"\d{4}", p) for p in parts):
        return sorted({int(p) for p in parts})
    raise UsageError(f"--years {text}：应写作 2022-2024 或 2022,2023,2024")
