"""What every rule kind shares: its parameter model, its outcome, its findings.

A rule kind is a module with ``KIND`` (its name in the rubric), ``Params`` (a pydantic model of
its parameters; the module docstring documents them for rubric authors) and a pure
``evaluate(ledger, window, params, indicator) -> Outcome``. No rule reads files or knows an
indicator by number.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Callable, Literal, Optional, TypeVar

from pydantic import BaseModel, ConfigDict

from dangjian_cli.periods import Period

BranchType = Literal["党委", "党总支", "党支部", "联合党支部", "临时党支部"]
T = TypeVar("T")

# id(source) → (weak reference, {(build, args): value}); an entry goes with its source, before its id is reused
_derived: dict[int, tuple[weakref.ref, dict]] = {}


def derived(source, build: Callable[..., T], *args) -> T:
    """``build(source, *args)``, computed once per source object (a ledger, a rubric) and then shared.

    Ledgers and rubrics are immutable, so what is derived from one (meetings by type …) stays valid;
    it lives as long as its source. They are not hashable (dict and list fields), hence the identity
    key; `args` must be hashable. Rules use it to share indexes over the ledger they all score.
    """
    key = id(source)
    entry = _derived.get(key)
    if entry is None:
        entry = _derived[key] = (weakref.ref(source, lambda _, key=key: _derived.pop(key, None)), {})
    values = entry[1]
    try:
        return values[build, args]
    except KeyError:
        value = values[build, args] = build(source, *args)
        return value


@lru_cache(maxsize=4096)
def ratio(numerator: int, denominator: int) -> Fraction:
    """``Fraction(numerator, denominator)``, shared: Fractions are immutable, slow to make, and rules make the
    same few (credits, weights) over and over."""
    return Fraction(numerator, denominator)


def records_by(ledger, collection: str, key: str) -> dict[object, list]:
    """``ledger.<collection>`` grouped by each record's ``<key>``, in ledger order; for `derived` (read-only)."""
    found: dict[object, list] = {}
    for record in getattr(ledger, collection):
        found.setdefault(getattr(record, key), []).append(record)
    return found


def members_present_on(ledger, day) -> list:
    """The roster's members who belong to the branch on `day`, in roster order; for `derived`."""
    return [m for m in ledger.members if m.present_on(day)]


class RuleParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    label: Optional[str] = None
    branch_types: Optional[list[BranchType]] = None


@dataclass(frozen=True, slots=True)
class IndicatorRef:
    """What a rule may know of the indicator it serves."""

    id: str
    points: Decimal


@dataclass(slots=True)
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
        if self.period is not None:
            data["period"] = self.period
        if self.subject is not None:
            data["subject"] = self.subject
        if self.file is not None:
            data["file"] = self.file
        if self.record is not None:
            data["record"] = self.record
        return data


@dataclass(frozen=True, slots=True)
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


@dataclass(slots=True)
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
            return cls(credit=ratio(1, 1), working=working)
        findings = []
        if finding is not None:
            finding.weight, finding.units = ratio(1, 1), 1
            findings.append(finding)
        return cls(credit=ratio(0, 1), working=working, findings=findings, missed=1)


class Tally:
    """Counts met and missed units and keeps one finding per miss, weighted for the planner."""

    __slots__ = ("met", "missed", "gap_findings", "other")

    def __init__(self):
        self.met = 0
        self.missed = 0
        self.gap_findings: list[Finding] = []
        self.other: list[Finding] = []

    def hit(self, units: int = 1) -> None:
        self.met += units

    def miss(self, finding: Finding, units: int = 1) -> None:
        """`finding` stands for `units` missed units (e.g. one member's several unpaid months)."""
        self.missed += units
        finding.units = units
        self.gap_findings.append(finding)

    @property
    def due(self) -> int:
        return self.met + self.missed

    def outcome(self, working: str, gaps: list[GapItem] | None = None, pending: list[GapItem] | None = None) -> Outcome:
        # Outcome's fields passed by position (credit, working, findings, gaps, pending, missed, met): every rule
        # ends here, and keyword passing is a noticeable share of a scoring run
        met, missed = self.met, self.missed
        due = met + missed
        gaps = [] if gaps is None else gaps
        pending = [] if pending is None else pending
        if due == 0:
            return Outcome(None, working, self.other, gaps, pending, 0, None)
        gap_findings = self.gap_findings
        for finding in gap_findings:
            finding.weight = ratio(finding.units, due)
        return Outcome(ratio(met, due), working, gap_findings + self.other if self.other else gap_findings, gaps,
                       pending, missed, met)


def unusable_files(ledger) -> dict[str, list[tuple[object, object]]]:
    """Collection → (record, evidence) for each of its missing or rejected files, in file order; for `derived`.
    Rules look up their own collection (usually empty); notices take them all.

    Spelled out field by field: probing records for absent fields with getattr is slow (about 1 ms per branch,
    mostly the 党费 rows).
    """
    return {
        "committee": [(c, e) for c in ledger.branch.committee for e in c.approval if e.status != "ok"],
        "meetings": [(r, e) for r in ledger.meetings for e in r.minutes if e.status != "ok"],
        "trainings": [(r, e) for r in ledger.trainings for e in r.evidence if e.status != "ok"],
        "dues": [(r, e) for r in ledger.dues for e in r.evidence if e.status != "ok"],
        "documents": [(r, e) for r in ledger.documents for e in r.files if e.status != "ok"],
        "facilities": [(r, e) for r in ledger.facilities for e in r.evidence if e.status != "ok"],
        "honors": [(r, e) for r in ledger.honors for e in r.evidence if e.status != "ok"],
        "self_assessment": [(a, e) for a in ledger.self_assessment.values() for e in a.evidence if e.status != "ok"],
    }


def unusable_evidence(ledger) -> list[tuple[object, object]]:
    """(record, evidence) for every missing or rejected file, for `derived`: committee approvals, then
    meetings, trainings, dues, documents, facilities, honours and the self-assessment, each in file order."""
    return [pair for pairs in derived(ledger, unusable_files).values() for pair in pairs]


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
