"""share — the share of committee members whose 组织关系 is in this branch.

Parameters:
  of  committee_here

Credit: that share; no committee registered → not applicable. A committee member missing from the
roster does not count as here.

  - kind: share
    of: committee_here
"""

from __future__ import annotations

from typing import Literal

from dangjian_cli.rules.base import Finding, Outcome, RuleParams, ratio

KIND = "share"


class Params(RuleParams):
    of: Literal["committee_here"]


def evaluate(ledger, window, params: Params, indicator) -> Outcome:
    committee = ledger.branch.committee
    if not committee:
        return Outcome(credit=None, working="未登记班子成员，不适用")
    day = window.effective_end
    findings = []
    here = 0
    for person in committee:
        member = ledger.member(person.name)
        if member is None:
            findings.append(Finding(f"班子成员{person.name}（{person.role}）不在党员名册中", subject=person.name))
        elif not member.relation_here or not member.present_on(day):
            findings.append(Finding(f"班子成员{person.name}（{person.role}）组织关系不在本支部", subject=person.name,
                                    record=member.source))
        else:
            here += 1
    for f in findings:
        f.weight, f.units = ratio(1, len(committee)), 1
    return Outcome(credit=ratio(here, len(committee)), working=f"班子成员组织关系在本支部 {here}/{len(committee)} 人",
                   findings=findings, missed=len(findings))
