"""frequency — a meeting or activity must be held at least `min` times in every period.

Parameters:
  event      one canonical meeting type, or a list (any of them counts; a record counts once per period)
  every      month | quarter | half | year
  min        times per period (default 1)
  per_group  true: every 党小组 must meet in every period (no 党小组 → not applicable)
  lecturer   secretary: only meetings whose 讲课人 is the branch secretary count
  topic_any  keywords: only meetings whose 主题 contains one of them count

Credit: met periods ÷ (met + missed) periods; open periods count once already met, else are pending.

  - kind: frequency
    label: 支部委员会每月1次
    event: 支部委员会
    every: month
"""

from __future__ import annotations

from typing import Literal, NamedTuple, Optional, Union

from pydantic import field_validator

from dangjian_cli.ledger.vocab import MEETING_TYPES
from dangjian_cli.periods import MONTHS_PER, PERIOD_NAMES_ZH, PERIOD_UNITS_ZH
from dangjian_cli.rules.base import (Finding, GapItem, Outcome, RuleParams, Tally, derived, evidence_problems,
                                     unusable_files)

KIND = "frequency"

MeetingType = Literal[tuple(MEETING_TYPES)]  # type: ignore[valid-type]


class Params(RuleParams):
    event: Union[MeetingType, list[MeetingType]]
    every: Literal["month", "quarter", "half", "year"]
    min: int = 1
    per_group: bool = False
    lecturer: Optional[Literal["secretary"]] = None
    topic_any: Optional[list[str]] = None

    @field_validator("event")
    @classmethod
    def _as_list(cls, value):
        return [value] if isinstance(value, str) else value

    @field_validator("min")
    @classmethod
    def _positive(cls, value):
        if value < 1:
            raise ValueError("min 应为正整数")
        return value


def event_label(params: Params) -> str:
    return "/".join(params.event)


def condition_label(params: Params) -> str | None:
    parts = []
    if params.lecturer == "secretary":
        parts.append("讲课人=书记")
    if params.topic_any:
        parts.append("主题含: " + "/".join(params.topic_any))
    return "；".join(parts) or None


def meetings_in_window_by_type(ledger, start, end) -> dict[str, list]:
    """Meeting type → the meetings of that type dated `start`…`end`, in ledger order; for `derived`."""
    found: dict[str, list] = {}
    for meeting in ledger.meetings:
        if start <= meeting.date <= end:
            types = meeting.types
            for kind in (types if len(types) == 1 else set(types)):  # a meeting listed once per type
                found.setdefault(kind, []).append(meeting)
    return found


class _Rule(NamedTuple):
    """A rule's parameters as plain values, with its texts: reading pydantic fields is slow, and every branch asks."""

    events: list[str]
    every: str
    minimum: int
    per_group: bool
    by_secretary: bool
    topic_any: list[str] | None
    label: str
    condition: str | None
    units: str


def _rule(params: Params) -> _Rule:
    """For `derived`: once per rule."""
    units = f"个（党小组×{PERIOD_NAMES_ZH[params.every]}）" if params.per_group else PERIOD_UNITS_ZH[params.every]
    return _Rule(params.event, params.every, params.min, params.per_group, params.lecturer == "secretary",
                 params.topic_any, event_label(params), condition_label(params), units)


def evaluate(ledger, window, params: Params, indicator) -> Outcome:
    events, every, minimum, per_group, by_secretary, topic_any, label, condition, units = derived(params, _rule)
    secretary = ledger.branch.secretary if by_secretary else None

    by_type = derived(ledger, meetings_in_window_by_type, window.start, window.effective_end)
    if len(events) == 1:
        held = by_type.get(events[0], ())
    else:  # a meeting of several of the events counts once
        merged = {}
        for event in events:
            for meeting in by_type.get(event, ()):
                merged[id(meeting)] = meeting
        held = list(merged.values())
    if by_secretary:
        held = [m for m in held if secretary is not None and m.lecturer == secretary]
    if topic_any:
        held = [m for m in held if any(k in (m.topic or "") for k in topic_any)]
    if per_group:
        groups = list(ledger.branch.groups)
        if not groups:
            return Outcome(credit=None, working=f"{label}：未设党小组，不适用")
    else:
        groups = [None]

    periods = window.periods(every, ledger.branch.established)
    count = len(periods)
    held_in = [0] * count  # meetings held in each period
    held_by_group: dict[str, list[int]] = {}  # the same, per meeting group
    if periods:
        # the periods are consecutive and aligned, `step` months each: a meeting's period follows from its month
        step = MONTHS_PER[every]
        first = periods[0].start
        first_month = first.year * 12 + first.month
        for meeting in held:
            day = meeting.date
            position = (day.year * 12 + day.month - first_month) // step
            if 0 <= position < count:
                held_in[position] += 1
                if per_group:
                    held_by_group.setdefault(meeting.group, [0] * count)[position] += 1

    tally = Tally()
    met = 0
    gaps, pending = [], []
    for group in groups:
        counts = held_in if group is None else held_by_group.get(group, [0] * count)
        if min(counts, default=minimum) >= minimum:  # the usual case: every period met
            met += count
            continue
        for period, held_count in zip(periods, counts):
            if held_count >= minimum:
                met += 1
                continue
            item = GapItem(label, period, group, condition, minimum, held_count)
            if window.is_due(period):
                where = f"{group} " if group else ""
                extra = f"（{condition}）" if condition else ""
                tally.miss(Finding(f"{where}{period.label} 未按要求召开{label}{extra}：应≥{minimum}次，实际{held_count}次",
                                   period=period.label, subject=group))
                gaps.append(item)
            else:
                pending.append(item)
    tally.hit(met)
    unusable = derived(ledger, unusable_files)["meetings"]
    if unusable:  # the held meetings' unusable minutes, in ledger order
        counted = {id(meeting) for meeting in held}
        for meeting, _ in unusable:
            if id(meeting) in counted:
                counted.discard(id(meeting))  # once per meeting, however many of its files are unusable
                tally.other.extend(evidence_problems(meeting.source, meeting.minutes, f"{meeting.date} {label}"))
    if condition and by_secretary and secretary is None:
        tally.other.append(Finding("未登记书记，无法认定书记讲党课", kind="note"))
    working = f"{label} {tally.met}/{tally.due} {units}"
    if pending:
        working += f"，{len(pending)} 个进行中"
    return tally.outcome(working, gaps, pending)
