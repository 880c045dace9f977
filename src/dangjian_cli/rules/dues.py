"""dues — every 正式党员/预备党员 whose relation is here pays 党费 for every month in the branch.

No parameters. A payment row may cover one month or a prepaid range (2024-01~2024-06).

Credit: member-months paid ÷ member-months owed (open months count once paid).

  - kind: dues
"""

from __future__ import annotations

from dangjian_cli.ledger.vocab import DUES_PAYING_CATEGORIES
from dangjian_cli.periods import Month
from dangjian_cli.rules.base import Finding, Outcome, RuleParams, Tally

KIND = "dues"


class Params(RuleParams):
    pass


def evaluate(ledger, window, params: Params, indicator) -> Outcome:
    payers = [m for m in ledger.members if m.category in DUES_PAYING_CATEGORIES and m.relation_here]
    months = window.periods("month", ledger.branch.established)
    paid: dict[str, set[int]] = {}  # member → month indexes covered by a payment made by as-of
    for row in ledger.dues:
        if row.paid is None or row.paid <= window.as_of:
            paid.setdefault(row.name, set()).update(range(row.first.index, row.last.index + 1))
    tally = Tally()
    for member in payers:
        covered = paid.get(member.name, set())
        missed = []
        for period in months:
            if not member.present_during(period.start, period.end):
                continue
            if Month.of(period.start).index in covered:
                tally.hit()
            elif window.is_due(period):
                missed.append(period.label)
        if missed:
            tally.miss(Finding(f"{member.name} 未缴党费：{'、'.join(missed)}（{len(missed)} 个月）", subject=member.name,
                               period=missed[0] if len(missed) == 1 else None), units=len(missed))
    return tally.outcome(f"党费 {tally.met}/{tally.due} 人·月")
