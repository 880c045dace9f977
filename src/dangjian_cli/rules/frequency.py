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

from bisect import bisect_right
from operator import attrgetter
from typing import Literal, Optional, Union

from pydantic import field_validator

from dangjian_cli.ledger.vocab import MEETING_TYPES
from dangjian_cli.periods import PERIOD_NAMES_ZH, PERIOD_UNITS_ZH
from dangjian_cli.rules.base import (Finding, GapItem, Outcome, RuleParams, Tally, derived, evidence_problems,
                                     with_unusable_evidence)

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


_start = attrgetter("start")


def meetings_by_type(ledger) -> dict[str, list]:
    """Meeting type → the meetings of that type, in ledger order."""
    found: dict[str, list] = {}
    for meeting in ledger.meetings:
        for kind in set(meeting.types):
            found.setdefault(kind, []).append(meeting)
    return found


def evaluate(ledger, window, params: Params, indicator) -> Outcome:
    events, every, minimum, per_group = params.event, params.every, params.min, params.per_group
    by_secretary = params.lecturer == "secretary"
    label = event_label(params)
    condition = condition_label(params)
    secretary = ledger.branch.secretary if by_secretary else None

    if len(events) == 1:
        candidates = derived(ledger, meetings_by_type).get(events[0], [])
    else:  # a meeting of several of the events counts once
        wanted = set(events)
        candidates = [m for m in ledger.meetings if not wanted.isdisjoint(m.types)]
    start, end = window.start, window.effective_end
    held = [m for m in candidates if start <= m.date <= end]
    if by_secretary:
        held = [m for m in held if secretary is not None and m.lecturer == secretary]
    if params.topic_any:
        held = [m for m in held if any(k in (m.topic or "") for k in params.topic_any)]
    if per_group:
        groups = list(ledger.branch.groups)
        if not groups:
            return Outcome(credit=None, working=f"{label}：未设党小组，不适用")
    else:
        groups = [None]

    periods = window.periods(every, ledger.branch.established)
    held_in = [0] * len(periods)  # meetings held in each period
    held_by_group: dict[str, list[int]] = {}  # the same, per meeting group
    for meeting in held:
        day = meeting.date
        position = bisect_right(periods, day, key=_start) - 1
        if position >= 0 and day <= periods[position].end:
            held_in[position] += 1
            if per_group:
                held_by_group.setdefault(meeting.group, [0] * len(periods))[position] += 1

    tally = Tally()
    met = 0
    gaps, pending = [], []
    for group in groups:
        counts = held_in if group is None else held_by_group.get(group, [0] * len(periods))
        if min(counts, default=minimum) >= minimum:  # the usual case: every period met
            met += len(counts)
            continue
        for period, count in zip(periods, counts):
            if count >= minimum:
                met += 1
                continue
            item = GapItem(label, period, group, condition, minimum, count)
            if window.is_due(period):
                where = f"{group} " if group else ""
                extra = f"（{condition}）" if condition else ""
                tally.miss(Finding(f"{where}{period.label} 未按要求召开{label}{extra}：应≥{minimum}次，实际{count}次",
                                   period=period.label, subject=group))
                gaps.append(item)
            else:
                pending.append(item)
    tally.hit(met)
    flagged = derived(ledger, with_unusable_evidence)
    for meeting in held:
        if id(meeting) in flagged:
            tally.other.extend(evidence_problems(meeting.source, meeting.minutes, f"{meeting.date} {label}"))
    if condition and by_secretary and secretary is None:
        tally.other.append(Finding("未登记书记，无法认定书记讲党课", kind="note"))
    units = f"个（党小组×{PERIOD_NAMES_ZH[every]}）" if per_group else PERIOD_UNITS_ZH[every]
    working = f"{label} {tally.met}/{tally.due} {units}"
    if pending:
        working += f"，{len(pending)} 个进行中"
    return tally.outcome(working, gaps=gaps, pending=pending)
