"""manual — needs on-site judgement: the branch's 自评分 (self_assessment.yaml) with evidence.

No parameters. Credit: 自评分 ÷ the indicator's points, capped at 1; 0 without an entry (未自评),
without evidence, or when a listed evidence file is missing. Status `manual`: to be checked on site.

  - kind: manual
"""

from __future__ import annotations

from fractions import Fraction

from dangjian_cli.rules.base import Finding, Outcome, RuleParams, evidence_problems

KIND = "manual"


class Params(RuleParams):
    pass


def evaluate(ledger, window, params: Params, indicator) -> Outcome:
    entry = ledger.self_assessment.get(indicator.id)
    if entry is None:
        return Outcome(credit=Fraction(0), working="未自评",
                       findings=[Finding(f"指标 {indicator.id} 未自评（self_assessment.yaml 中没有此项）", weight=Fraction(1))])
    if not entry.evidence:
        return Outcome(credit=Fraction(0), working=f"自评 {entry.score} 分，无证明材料",
                       findings=[Finding(f"指标 {indicator.id} 的自评没有证明材料，不予计分", record=entry.source,
                                         weight=Fraction(1))])
    problems = evidence_problems(entry.source, entry.evidence, f"指标 {indicator.id} 的自评")
    if problems:
        problems[0].kind = "gap"
        problems[0].weight = Fraction(1)
        return Outcome(credit=Fraction(0), working=f"自评 {entry.score} 分，证明材料缺失", findings=problems)
    points = Fraction(indicator.points)
    score = Fraction(entry.score)
    findings = []
    if score > points:
        findings.append(Finding(f"自评分 {entry.score} 超过分值 {indicator.points}，按 {indicator.points} 计",
                                kind="note", record=entry.source))
        score = points
    if score < 0:
        score = Fraction(0)
    credit = score / points if points else Fraction(0)
    if credit < 1:
        findings.append(Finding(f"自评 {entry.score} 分（满分 {indicator.points}）", weight=1 - credit, record=entry.source))
    return Outcome(credit=credit, working=f"自评 {entry.score}/{indicator.points} 分（待实地核查）", findings=findings)
