"""What every rule kind shares: its parameter model, its outcome, its findings.

A rule kind is a module with ``KIND`` (its name in the rubric), ``Params`` (a pydantic model of
its parameters; the module docstring documents them for rubric authors) and a pure
``evaluate(ledger, window, params, indicator) -> Outcome``. No rule reads files or knows an
indicator by number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

from dangjian_cli.periods import Period

BranchType = Literal["党委", "党总支", "党支部", "联合党支部", "临时党支部"]


class RuleParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    label: Optional[str] = None
    branch_types: Optional[list[BranchType]] = None


@dataclass(frozen=True)
class IndicatorRef:
    """What a rule may know of the indicator it serves."""

    id: str
    points: Decimal


@dataclass
class Finding:
    message: str
    kind: str = "gap"  # gap | evidence | pending | note
    period: str | None = None
    subject: str | None = None  # person, item, document kind, group
    file: str | None = None
    record: str | None = None
    weight: Fraction = Fraction(0)  # share of the rule's units this finding stands for
    units: int = 0  # how many missed units it stands for (扣分制 deducts per unit)

    def to_dict(self) -> dict:
        data = {"message": self.message, "kind": self.kind}
        for key in ("period", "subject", "file", "record"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass(frozen=True)
class GapItem:
    """A required meeting/activity not held often enough in one period (the `dj gaps` row)."""

    event: str
    period: Period
    group: str | None
    condition: str | None
    required: int
    held: int

    @property
    def key(self) -> tuple:
        return (self.event, self.period.label, self.group, self.condition)

    def to_dict(self) -> dict:
        return {"event": self.event, "period": self.period.label, "group": self.group,
                "condition": self.condition, "required": self.required, "held": self.held}


@dataclass
class Outcome:
    credit: Fraction | None  # None: not applicable (no due-or-met units)
    working: str = ""
    findings: list[Finding] = field(default_factory=list)
    gaps: list[GapItem] = field(default_factory=list)
    pending: list[GapItem] = field(default_factory=list)
    missed: int = 0  # missed units, for 扣分制
    met: int | None = None  # met units, for rules that count units (frequency, documents …)

    @classmethod
    def binary(cls, met: bool, working: str, finding: "Finding | None" = None) -> "Outcome":
        """A rule that is simply met or not: credit 1, or 0 with one finding standing for the whole rule."""
        if met:
            return cls(credit=Fraction(1), working=working)
        findings = []
        if finding is not None:
            finding.weight, finding.units = Fraction(1), 1
            findings.append(finding)
        return cls(credit=Fraction(0), working=working, findings=findings, missed=1)


class Tally:
    """Counts met and missed units and keeps one finding per miss, weighted for the planner."""

    def __init__(self):
        self.met = 0
        self.missed = 0
        self.gap_findings: list[tuple[Finding, int]] = []
        self.other: list[Finding] = []

    def hit(self) -> None:
        self.met += 1

    def miss(self, finding: Finding, units: int = 1) -> None:
        """`finding` stands for `units` missed units (e.g. one member's several unpaid months)."""
        self.missed += units
        finding.units = units
        self.gap_findings.append((finding, units))

    @property
    def due(self) -> int:
        return self.met + self.missed

    def outcome(self, working: str, **extra) -> Outcome:
        if self.due == 0:
            return Outcome(credit=None, working=working, findings=self.other, **extra)
        for finding, units in self.gap_findings:
            finding.weight = Fraction(units, self.due)
        return Outcome(credit=Fraction(self.met, self.due), working=working,
                       findings=[f for f, _ in self.gap_findings] + self.other, missed=self.missed, met=self.met,
                       **extra)


def evidence_problems(record_source: str, evidence, what: str) -> list[Finding]:
    """Findings for referenced files that are missing or were rejected."""
    found = []
    for e in evidence:
        if e.status == "missing":
            found.append(Finding(f"{what}的证明材料缺失：{e.path}（{record_source}）", kind="evidence", file=e.path,
                                 record=record_source))
        elif e.status == "rejected":
            found.append(Finding(f"{what}的证明材料路径被拒绝：{e.path}，{e.reason}（{record_source}）", kind="evidence",
                                 file=e.path, record=record_source))
    return found
