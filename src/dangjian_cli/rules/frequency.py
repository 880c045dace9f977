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

from typing import Literal, Optional, Union

from pydantic import field_validator

from dangjian_cli.ledger.vocab import MEETING_TYPES
from dangjian_cli.periods import PERIOD_NAMES_ZH, PERIOD_UNITS_ZH
from dangjian_cli.rules.base import Finding, GapItem, Outcome, RuleParams, Tally, evidence_problems

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


def evaluate(ledger, window, params: Params, indicator) -> Outcome:
    events = set(params.event)
    label = event_label(params)
    unit = PERIOD_NAMES_ZH[params.every]
    secretary = ledger.branch.secretary
    condition = condition_label(params)

    def qualifies(meeting) -> bool:
        if not events.intersection(meeting.types) or not window.counts(meeting.date):
            return False
        if params.lecturer == "secretary" and (secretary is None or meeting.lecturer != secretary):
            return False
        if params.topic_any and not any(k in (meeting.topic or "") for k in params.topic_any):
            return False
        return True

    held = [m for m in ledger.meetings if qualifies(m)]
    if params.per_group:
        groups = list(ledger.branch.groups)
        if not groups:
            return Outcome(credit=None, working=f"{label}：未设党小组，不适用")
    else:
        groups = [None]

    tally = Tally()
    gaps, pending = [], []
    periods = window.periods(params.every, ledger.branch.established)
    for group in groups:
        for period in periods:
            count = sum(1 for m in held if period.contains(m.date) and (group is None or m.group == group))
            if count >= params.min:
                tally.hit()
                continue
            item = GapItem(label, period, group, condition, params.min, count)
            if window.is_due(period):
                where = f"{group} " if group else ""
                extra = f"（{condition}）" if condition else ""
                tally.miss(Finding(f"{where}{period.label} 未按要求召开{label}{extra}：应≥{params.min}次，实际{count}次",
                                   period=period.label, subject=group))
                gaps.append(item)
            else:
                pending.append(item)
    for meeting in held:
        tally.other.extend(evidence_problems(meeting.source, meeting.minutes, f"{meeting.date} {label}"))
    if condition and params.lecturer == "secretary" and secretary is None:
        tally.other.append(Finding("未登记书记，无法认定书记讲党课", kind="note"))
    units = f"个（党小组×{unit}）" if params.per_group else PERIOD_UNITS_ZH[params.every]
    working = f"{label} {tally.met}/{tally.due} {units}"
    if pending:
        working += f"，{len(pending)} 个进行中"
    return tally.outcome(working, gaps=gaps, pending=pending)
