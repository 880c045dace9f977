"""honors — at least one qualifying honour with an existing certificate/photo/article.

Parameters:
  any_of  list of {kind, min_level}: kind 批示表扬|媒体报道|示范点|表彰|党建品牌|文章发表,
          min_level 国家级|省级|市级|区县级|镇街级 (optional: any level)

Credit: 1 if any qualifying honour is dated in the window (示范点 and 党建品牌 also count when
dated before it: they are standing titles), else 0.

  - kind: honors
    any_of:
      - {kind: 表彰, min_level: 市级}
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

from dangjian_cli.ledger.models import all_ok
from dangjian_cli.ledger.vocab import HONOR_KINDS, HONOR_LEVEL_RANK, HONOR_LEVELS
from dangjian_cli.rules.base import Finding, Outcome, RuleParams, evidence_problems

KIND = "honors"
STANDING_KINDS = ("示范点", "党建品牌")

HonorKind = Literal[tuple(HONOR_KINDS)]  # type: ignore[valid-type]
HonorLevel = Literal[tuple(HONOR_LEVELS)]  # type: ignore[valid-type]


class Qualifier(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: HonorKind
    min_level: Optional[HonorLevel] = None

    def describe(self) -> str:
        return f"{self.kind}（{self.min_level}及以上）" if self.min_level else self.kind

    def matches(self, honor) -> bool:
        if honor.kind != self.kind:
            return False
        if self.min_level is None:
            return True
        return honor.level is not None and HONOR_LEVEL_RANK[honor.level] >= HONOR_LEVEL_RANK[self.min_level]


class Params(RuleParams):
    any_of: list[Qualifier]


def evaluate(ledger, window, params: Params, indicator) -> Outcome:
    wanted = "或".join(q.describe() for q in params.any_of)
    findings = []
    for honor in ledger.honors:
        if not any(q.matches(honor) for q in params.any_of):
            continue
        named = f"{honor.kind}《{honor.title}》" if honor.title and "《" not in honor.title else f"{honor.kind}{honor.title or ''}"
        if honor.date is None:
            findings.append(Finding(f"{named}未填写日期，不计", kind="note", record=honor.source))
            continue
        in_time = window.counts(honor.date) or (honor.kind in STANDING_KINDS and honor.date <= window.effective_end)
        if not in_time:
            continue
        if all_ok(honor.evidence):
            return Outcome.binary(True, f"{honor.kind}：{honor.title or ''}（{honor.level or ''}，{honor.date}）")
        problems = evidence_problems(honor.source, honor.evidence, named)
        findings.extend(problems or [Finding(f"{named}未提供证明材料，不计", kind="evidence",
                                             record=honor.source)])
    outcome = Outcome.binary(False, f"无{wanted}", Finding(f"评定期内没有符合条件的荣誉：{wanted}", subject=wanted))
    outcome.findings.extend(findings)
    return outcome
