"""committee — the named roles are filled and approved by the superior, with the approval on file.

Parameters:
  roles  committee roles (书记, 副书记 …)

Credit: share of role holders with an approval date and an existing approval file. A role other
than 书记 that the branch does not have is left out; a missing 书记 is unmet.

  - kind: committee
    roles: [书记, 副书记]
"""

from __future__ import annotations

from typing import Literal

from dangjian_cli.ledger.models import all_ok
from dangjian_cli.ledger.vocab import COMMITTEE_ROLES
from dangjian_cli.rules.base import Finding, Outcome, RuleParams, Tally, evidence_problems

KIND = "committee"

Role = Literal[tuple(COMMITTEE_ROLES)]  # type: ignore[valid-type]


class Params(RuleParams):
    roles: list[Role]


def evaluate(ledger, window, params: Params, indicator) -> Outcome:
    tally = Tally()
    for role in params.roles:
        holders = ledger.branch.holders(role)
        if not holders:
            if role == "书记":
                tally.miss(Finding("未设书记（branch.yaml 的 committee 中没有 role: 书记）", subject=role))
            continue
        for person in holders:
            who = f"{role}{person.name}"
            if person.approved is None or person.approved > window.as_of:
                tally.miss(Finding(f"{who}未登记上级批准日期（approved）", subject=person.name, record=person.source))
            elif not person.approval:
                tally.miss(Finding(f"{who}未提供上级批复文件（approval）", subject=person.name, record=person.source))
            elif not all_ok(person.approval):
                problems = evidence_problems(person.source, person.approval, f"{who}的批复")
                tally.miss(Finding(f"{who}的批复文件缺失：{'、'.join(p.file for p in problems)}", subject=person.name,
                                   record=person.source, file=problems[0].file))
            else:
                tally.hit()
    return tally.outcome(f"{'、'.join(params.roles)}经上级批准 {tally.met}/{tally.due} 人")
