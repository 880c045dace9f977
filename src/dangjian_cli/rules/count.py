"""count — at least `min` people of a kind, counted on the earlier of the window's end and as-of.

Parameters:
  of   formal_members_here (正式党员, relation here) | party_workers (党务工作者) | vice_secretaries (副书记)
  min  the minimum

Credit: 1 if met, else 0.

  - kind: count
    of: formal_members_here
    min: 3
"""

from __future__ import annotations

from typing import Literal

from dangjian_cli.rules.base import Finding, Outcome, RuleParams, derived, members_present_on

KIND = "count"
OF_ZH = {"formal_members_here": "组织关系在本支部的正式党员", "party_workers": "党务工作者", "vice_secretaries": "副书记"}


class Params(RuleParams):
    of: Literal["formal_members_here", "party_workers", "vice_secretaries"]
    min: int


def counted(ledger, of: str, day) -> int:
    return derived(ledger, _count, of, day)


def _count(ledger, of: str, day) -> int:
    if of == "formal_members_here":
        return sum(1 for m in derived(ledger, members_present_on, day) if m.category == "正式党员" and m.relation_here)
    if of == "party_workers":
        return len(ledger.branch.party_workers)
    return len(ledger.branch.holders("副书记"))


def evaluate(ledger, window, params: Params, indicator) -> Outcome:
    day = window.effective_end
    number = counted(ledger, params.of, day)
    what = OF_ZH[params.of]
    working = f"{what} {number} 人（应≥{params.min}）"
    return Outcome.binary(number >= params.min, working,
                          Finding(f"{what}只有 {number} 人，应至少 {params.min} 人（截至 {day}）", subject=what))
