"""The one result object every renderer works from, and its JSON form (CLI.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

from dangjian_cli.rules.base import Finding, GapItem, ratio

CENT = Decimal("0.01")


def round_points(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def scaled(points: Decimal, credit: Fraction) -> Decimal:
    """points × credit, rounded half-up to 2 decimals, computed exactly."""
    return _scaled(points, credit.numerator, credit.denominator)


@lru_cache(maxsize=4096, typed=True)
def _scaled(points: Decimal, numerator: int, denominator: int) -> Decimal:
    """Shared: a function of the values alone, and the same few come up for every branch."""
    return round_points(points * Decimal(numerator) / Decimal(denominator))


@lru_cache(maxsize=4096, typed=True)
def number(value: Decimal | None):
    """Points for JSON: an int when whole. Memoised: a function of the value alone, and reports ask for the same
    few values over and over."""
    if value is None:
        return None
    value = round_points(value)
    return int(value) if value == value.to_integral_value() else float(value)


@lru_cache(maxsize=4096)
def _rounded(numerator: int, denominator: int) -> float:
    """round(float(Fraction(numerator, denominator)), 4), shared: rounding a float to digits is slow.
    (float() of a Fraction is this very division.)"""
    return round(numerator / denominator, 4)


@dataclass(slots=True)
class RuleResult:
    kind: str
    label: str
    applicable: bool
    credit: Fraction | None
    working: str
    findings: list[Finding]
    missed: int = 0
    waived: bool = False
    met: int | None = None  # met units where the rule counts units
    params: object = None  # the rule's validated parameters (rules.<kind>.Params)

    @property
    def due(self) -> int | None:
        return None if self.met is None else self.met + self.missed

    def to_dict(self) -> dict:
        credit = self.credit
        data = {"kind": self.kind, "label": self.label, "applicable": self.applicable,
                "credit": None if credit is None else _rounded(credit.numerator, credit.denominator),
                "working": self.working}
        if self.waived:
            data["waived"] = True
        return data


@dataclass(slots=True)
class IndicatorResult:
    id: str
    area: str
    standard: str
    check: str
    max: Decimal
    points: Decimal | None  # None: n/a
    credit: Fraction | None
    status: str  # pass | partial | fail | manual | n/a
    rules: list[RuleResult]
    findings: list[Finding]
    working: str
    veto: object = None  # rubric.Veto
    deduct: Decimal | None = None

    @property
    def lost(self) -> Decimal:
        return Decimal(0) if self.points is None else self.max - self.points

    def finding_points(self, finding: Finding) -> Decimal:
        """Points this finding costs: its share of its rule, over the indicator's applicable rules."""
        return self._finding_points(finding, sum(1 for r in self.rules if r.applicable))

    def _finding_points(self, finding: Finding, applicable: int) -> Decimal:
        if not applicable or self.points is None:
            return Decimal(0)
        if self.deduct is not None:
            return min(self.max, self.deduct * finding.units)
        weight = finding.weight
        return scaled(self.max, ratio(weight.numerator, weight.denominator * applicable))

    def to_dict(self) -> dict:
        applicable = sum(1 for r in self.rules if r.applicable) if self.findings else 0
        findings = []
        for f in self.findings:
            item = f.to_dict()
            if f.kind == "gap":
                item["points"] = number(self._finding_points(f, applicable))
            findings.append(item)
        return {"id": self.id, "area": self.area, "points": number(self.points), "max": number(self.max),
                "status": self.status, "working": self.working, "rules": [r.to_dict() for r in self.rules],
                "findings": findings}


@dataclass(slots=True)
class AreaResult:
    id: str
    points: Decimal
    max: Decimal
    nominal: Decimal
    bonus: bool
    indicators: list[IndicatorResult]

    def to_dict(self) -> dict:
        data = {"id": self.id, "points": number(self.points), "max": number(self.max)}
        if self.bonus:
            data["bonus"] = True
        return data


@dataclass(slots=True)
class Result:
    branch: dict
    rubric: dict
    window: dict
    total: Decimal
    max: Decimal
    percent: Decimal
    rating: str | None
    areas: list[AreaResult]
    gaps: list[GapItem]
    pending: list[GapItem]
    notices: list[Finding] = field(default_factory=list)
    vetoed_by: list[str] = field(default_factory=list)  # indicator ids whose 一票否决 took effect
    vetoes: list[dict] = field(default_factory=list)  # [{indicator, effect, cap}]
    profile: dict = field(default_factory=dict)

    @property
    def five_star(self) -> bool:
        return self.rating == "五星级"

    @property
    def indicators(self) -> list[IndicatorResult]:
        return [i for a in self.areas for i in a.indicators]

    def to_dict(self) -> dict:
        return {
            "branch": self.branch,
            "rubric": self.rubric,
            "window": self.window,
            "total": number(self.total),
            "max": number(self.max),
            "percent": number(self.percent),
            "rating": self.rating,
            "five_star": self.five_star,
            "vetoed_by": self.vetoed_by,
            "vetoes": self.vetoes,
            "areas": [a.to_dict() for a in self.areas],
            "indicators": [i.to_dict() for i in self.indicators],
            "gaps": [g.to_dict() for g in self.gaps],
            "pending": [g.to_dict() for g in self.pending],
            "notices": [n.to_dict() for n in self.notices],
            "profile": self.profile,
        }
