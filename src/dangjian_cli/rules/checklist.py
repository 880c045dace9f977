"""checklist — 阵地 items that must be present and shown by an existing photo.

Parameters:
  items  facility items (LEDGER.md: 党组织牌匾、党旗 …)

Credit: share of the items marked 具备 whose 实景图片 exists.

  - kind: checklist
    items: [宣传栏, 通讯员, 微信公众号关注]
"""

from __future__ import annotations

from typing import Literal

from dangjian_cli.ledger.models import all_ok
from dangjian_cli.ledger.vocab import FACILITY_ITEMS
from dangjian_cli.rules.base import Finding, Outcome, RuleParams, Tally, derived, evidence_problems, records_by

KIND = "checklist"

FacilityItem = Literal[tuple(FACILITY_ITEMS)]  # type: ignore[valid-type]


class Params(RuleParams):
    items: list[FacilityItem]


def items_shown(ledger) -> set[str]:
    """The items with a row marked 具备 whose photos all exist; for `derived`."""
    return {f.item for f in ledger.facilities if f.present and all_ok(f.evidence)}


def evaluate(ledger, window, params: Params, indicator) -> Outcome:
    tally = Tally()
    by_item = derived(ledger, records_by, "facilities", "item")
    shown = derived(ledger, items_shown)
    for item in params.items:
        if item in shown:
            tally.hit()
            continue
        rows = by_item.get(item, [])
        present = [f for f in rows if f.present]
        if not rows:
            tally.miss(Finding(f"阵地清单中没有“{item}”", subject=item))
        elif not present:
            tally.miss(Finding(f"“{item}”登记为不具备", subject=item, record=rows[0].source))
        elif not any(f.evidence for f in present):
            tally.miss(Finding(f"“{item}”未提供实景图片", subject=item, record=present[0].source))
        else:
            problems = [p for f in present for p in evidence_problems(f.source, f.evidence, item)]
            files = "、".join(p.file for p in problems if p.file)
            tally.miss(Finding(f"“{item}”的实景图片缺失：{files}", subject=item, file=problems[0].file if problems else None,
                               record=present[0].source))
    return tally.outcome(f"阵地项目 {tally.met}/{tally.due} 项")
