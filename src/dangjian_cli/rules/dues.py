"""dues — every 正式党员/预备党员 whose relation is here pays 党费 for every month in the branch.

No parameters. A payment row may cover one month or a prepaid range (2024-01~2024-06).

Credit: member-months paid ÷ member-months owed (open months count once paid).

  - kind: dues
"""

from __future__ import annotations

from collections import defaultdict

from dangjian_cli.ledger.vocab import DUES_PAYING_CATEGORIES
from dangjian_cli.periods import Month
from dangjian_cli.rules.base import Finding, Outcome, RuleParams, Tally, derived

KIND = "dues"


class Params(RuleParams):
    pass


def evaluate(ledger, window, params: Params, indicator) -> Outcome:
    payers = [m for m in ledger.members if m.category in DUES_PAYING_CATEGORIES and m.relation_here]
    months = window.periods("month", ledger.branch.established)
    as_of = window.as_of
    paid: defaultdict[str, set[int]] = defaultdict(set)  # member → month indexes covered by a payment made by as-of
    for row in ledger.dues:
        day, first, last = row.paid, row.first, row.last  # read once: record fields are slow to read
        if day is None or day <= as_of:
            if last is first:  # one month, the common row: no range to spell out
                paid[row.name].add(first.index)
            else:
                paid[row.name].update(range(first.index, last.index + 1))
    # months is the last len(months) started months of the window: the slots depend on that count alone
    slots, every_month, slot_of = derived(window, _month_slots, len(months))
    tally = Tally()
    for member in payers:
        present = _slots_present(member, months, slots)
        here = every_month if present is slots else {index for _, index, _ in present}
        unpaid = here.difference(paid.get(member.name, ()))
        tally.hit(len(here) - len(unpaid))
        if not unpaid:  # paid up for every month here
            continue
        missed = [label for label, due in map(slot_of.__getitem__, sorted(unpaid)) if due]  # in month order
        if missed:
            tally.miss(Finding(f"{member.name} 未缴党费：{'、'.join(missed)}（{len(missed)} 个月）", subject=member.name,
                               period=missed[0] if len(missed) == 1 else None), units=len(missed))
    return tally.outcome(f"党费 {tally.met}/{tally.due} 人·月")


def _month_slots(window, count: int):
    """For the last `count` started months of `window`, for `derived`: their slots (label, month index, due),
    the set of their month indexes, and month index → (label, due)."""
    months = window.periods("month")
    slots = [(period.label, Month.of(period.start).index, window.is_due(period))
             for period in months[len(months) - count:]]
    return slots, {index for _, index, _ in slots}, {index: (label, due) for label, index, due in slots}


def _slots_present(member, months, slots):
    """The slots of the months `member` belongs to the branch in. Membership is one span (joined … left): present
    in the first and the last month means present in every month between, which spares the month-by-month test."""
    if months and member.present_during(months[0].start, months[0].end) \
            and member.present_during(months[-1].start, months[-1].end):
        return slots
    return [slot for slot, month in zip(slots, months) if member.present_during(month.start, month.end)]
