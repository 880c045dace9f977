"""training — named people attend at least `min` trainings every year.

Parameters:
  who            secretary (书记) | instructor (党建工作指导员) | party_workers (党务工作者)
  training_kind  only trainings of this kind count: 集中培训 | 网络培训 | 任职培训 (default: any)
  min            trainings per person per year (default 1)
  every          year

Credit: share of (person × year) that met the minimum; no such person → not applicable.

  - kind: training
    who: secretary
    training_kind: 集中培训
    min: 1
    every: year
"""

from __future__ import annotations

from typing import Literal, Optional

from dangjian_cli.rules.base import (Finding, Outcome, RuleParams, Tally, derived, evidence_problems,
                                     unusable_files)

KIND = "training"
WHO_ZH = {"secretary": "书记", "instructor": "党建工作指导员", "party_workers": "党务工作者"}


class Params(RuleParams):
    who: Literal["secretary", "instructor", "party_workers"]
    training_kind: Optional[Literal["集中培训", "网络培训", "任职培训"]] = None
    min: int = 1
    every: Literal["year"] = "year"


def people(branch, who: str) -> list[str]:
    if who == "secretary":
        return [branch.secretary] if branch.secretary else []
    if who == "instructor":
        return [branch.instructor] if branch.instructor else []
    return list(branch.party_workers)


def evaluate(ledger, window, params: Params, indicator) -> Outcome:
    role = WHO_ZH[params.who]
    names = people(ledger.branch, params.who)
    if not names:
        return Outcome(credit=None, working=f"未登记{role}，不适用")
    kind = params.training_kind or "培训"
    attended = [t for t in ledger.trainings if window.counts(t.date)
                and (params.training_kind is None or t.kind == params.training_kind)]
    tally = Tally()
    pending = 0
    for name in names:
        for period in window.periods(params.every, ledger.branch.established):
            count = sum(1 for t in attended if t.name == name and period.contains(t.date))
            if count >= params.min:
                tally.hit()
            elif window.is_due(period):
                tally.miss(Finding(f"{role}{name} {period.label} 参加{kind} {count} 次，应≥{params.min}次",
                                   period=period.label, subject=name))
            else:
                pending += 1
    unusable = derived(ledger, unusable_files)["trainings"]
    if unusable:  # the named people's trainings with unusable files, in ledger order
        counted = {id(t) for t in attended if t.name in names}
        for t, _ in unusable:
            if id(t) in counted:
                counted.discard(id(t))  # once per training, however many of its files are unusable
                tally.other.extend(evidence_problems(t.source, t.evidence, f"{t.name}的培训"))
    working = f"{role}{kind} {tally.met}/{tally.due} 人·年" + (f"，{pending} 个进行中" if pending else "")
    return tally.outcome(working)
