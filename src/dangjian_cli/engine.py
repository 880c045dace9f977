"""The engine walks the rubric, applies each rule to the ledger, and rounds and rates. Pure: no I/O.

It knows no indicator by number: points, periods, texts and rules all come from the rubric.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Callable, Iterable, NamedTuple

from dangjian_cli.memo import remember
from dangjian_cli.ledger.models import Ledger, Waiver
from dangjian_cli.periods import Window
from dangjian_cli.result import AreaResult, IndicatorResult, Result, RuleResult, number, scaled
from dangjian_cli.rubric import Area, Indicator, Rubric, Rule, Veto
from dangjian_cli.rules import RULES
from dangjian_cli.rules.base import (Finding, GapItem, IndicatorRef, derived, members_present_on, ratio,
                                     unusable_evidence)
from dangjian_cli.rules.count import counted
from dangjian_cli.rules.term import expiry


def evaluate(rubric: Rubric, ledger: Ledger, window: Window, waivers: Iterable[Waiver] = ()) -> Result:
    gaps: dict[tuple, GapItem] = {}
    pending: dict[tuple, GapItem] = {}
    waiver_notices: list[Finding] = []
    by_indicator = _waivers_by_indicator(rubric, [*ledger.waivers, *waivers], window, waiver_notices)
    areas = []
    for area, plans in derived(rubric, _plan, ledger.branch.type):
        results = []
        points = maximum = Decimal(0)
        for plan in plans:
            result, outcomes = _indicator(plan, ledger, window, by_indicator.get(plan.indicator.id), waiver_notices)
            results.append(result)
            if result.points is not None:
                points += result.points
                maximum += result.max
            for outcome in outcomes:
                if outcome.gaps:
                    for item in outcome.gaps:
                        gaps.setdefault(item.key, item)
                if outcome.pending:
                    for item in outcome.pending:
                        pending.setdefault(item.key, item)
        if area.bonus:
            points = min(points, area.points)
            maximum = area.points
        areas.append(AreaResult(area.id, points, maximum, area.points, area.bonus, results))

    total = sum((a.points for a in areas), Decimal(0))
    maximum = sum((a.max for a in areas if not a.bonus), Decimal(0))
    vetoes = [(i.id, i.veto) for a in areas for i in a.indicators
              if i.veto is not None and i.credit is not None and i.credit < 1]
    if any(v.effect == "zero" for _, v in vetoes):
        total = Decimal(0)
    percent = (total / maximum * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if maximum else Decimal(0)
    rating = _rating(rubric, percent, [v for _, v in vetoes])
    return Result(
        branch={"name": ledger.branch.name, "path": ledger.path},
        rubric={"id": rubric.id, "title": rubric.title,
                "tiers": [{"label": t.label, "min": number(t.min)} for t in rubric.tiers], "unrated": rubric.unrated},
        window=window.to_dict(),
        total=total, max=maximum, percent=percent, rating=rating, areas=areas,
        gaps=sorted(gaps.values(), key=_gap_order), pending=sorted(pending.values(), key=_gap_order),
        notices=notices(ledger, window) + waiver_notices,
        vetoed_by=[ident for ident, _ in vetoes],
        vetoes=[{"indicator": ident, "effect": v.effect, "cap": v.cap} for ident, v in vetoes],
        profile=profile(ledger, window),
    )


def _gap_order(gap: GapItem) -> tuple:
    return gap.period.start, gap.period.end, gap.event, gap.group or "", gap.condition or ""


def _rating(rubric: Rubric, percent: Decimal, vetoes: list[Veto]) -> str | None:
    """The highest tier reached, then 一票否决: withhold it, or cap it at a lower tier."""
    if any(v.effect == "withhold" for v in vetoes):
        return None
    labels = [t.label for t in rubric.tiers]  # highest first
    reached = next((t.label for t in rubric.tiers if percent >= t.min), None)
    for veto in vetoes:
        if reached is not None and veto.effect == "cap" and labels.index(reached) < labels.index(veto.cap):
            reached = veto.cap
    return reached


def _waivers_by_indicator(rubric: Rubric, waivers: list[Waiver], window: Window,
                          notices_out: list[Finding]) -> dict[str, list[Waiver]]:
    if not waivers:
        return {}
    known = {i.id for i in rubric.indicators()}
    found: dict[str, list[Waiver]] = {}
    for waiver in waivers:
        if waiver.indicator not in known:
            notices_out.append(Finding(f"豁免指向不存在的指标“{waiver.indicator}”（{waiver.source}），未采用", kind="note",
                                       record=waiver.source))
        else:
            found.setdefault(waiver.indicator, []).append(waiver)
    return found


def _describe_waiver(waiver: Waiver) -> str:
    return f"豁免：{waiver.reason}（{waiver.approved_by}批准，有效期至 {waiver.expires}）"


def _rule_waiver(rule_waivers: list[Waiver], rule: Rule, position: int, siblings: tuple[Rule, ...]):
    for waiver in rule_waivers:
        wanted = waiver.rule.strip()
        same_kind = [r for r in siblings if r.kind == wanted]
        if wanted in (rule.label, str(position)) or (len(same_kind) == 1 and same_kind[0] is rule):
            return waiver
    return None


class _IndicatorPlan(NamedTuple):
    """What scoring one indicator needs that does not depend on the ledger: made once per rubric and branch type."""

    indicator: Indicator
    ref: IndicatorRef
    rules: tuple[tuple[Rule, Callable | None], ...]  # (rule, its kind's evaluate, or None: n/a to the branch type)
    not_applicable: str  # the working of a rule n/a to the branch type
    scores: dict  # (credit numerator, denominator) → (points, "points/max", status): the same few for every branch


def _plan(rubric: Rubric, branch_type: str) -> tuple[tuple[Area, tuple[_IndicatorPlan, ...]], ...]:
    """The rubric's areas with their indicator plans, for `derived`: once per rubric and branch type."""
    return tuple(
        (area, tuple(
            _IndicatorPlan(indicator, IndicatorRef(indicator.id, indicator.points),
                           tuple((rule, RULES[rule.kind].evaluate if rule.applies_to(branch_type) else None)
                                 for rule in indicator.rules),
                           f"不适用于{branch_type}", {})
            for indicator in area.indicators))
        for area in rubric.areas)


def _indicator(plan: _IndicatorPlan, ledger: Ledger, window: Window, waivers: list[Waiver] | None,
               notices_out: list[Finding]):
    indicator = plan.indicator
    waived_rules: dict[int, Waiver] = {}  # rule position (1-based) → the waiver that takes it out
    if waivers:
        active = [w for w in waivers if w.expires >= window.as_of]
        expired_notes = [Finding(f"指标 {indicator.id} 的豁免（{w.reason}）已于 {w.expires} 到期，不再适用",
                                 kind="note", record=w.source) for w in waivers if w.expires < window.as_of]
        notices_out.extend(expired_notes)
        whole = next((w for w in active if not w.rule), None)
        if whole is not None:
            result = IndicatorResult(
                id=indicator.id, area=indicator.area, standard=indicator.standard, check=indicator.check,
                max=indicator.points, points=None, credit=None, status="waived", rules=[],
                findings=[Finding(_describe_waiver(whole) + "；不计入得分和满分", kind="note", record=whole.source)],
                working=_describe_waiver(whole), veto=indicator.veto, deduct=indicator.deduct,
            )
            return result, []
        rule_waivers = [w for w in active if w.rule]
        if rule_waivers:
            for position, rule in enumerate(indicator.rules, 1):
                waiver = _rule_waiver(rule_waivers, rule, position, indicator.rules)
                if waiver is not None:
                    waived_rules[position] = waiver

    ref = plan.ref
    rule_results, outcomes, applicable, findings, workings = [], [], [], [], []
    manual = False
    for position, (rule, evaluate_rule) in enumerate(plan.rules, 1):
        waiver = waived_rules.get(position) if waived_rules else None
        if waiver is not None:
            result = RuleResult(rule.kind, rule.label, False, None, f"{rule.label}：{_describe_waiver(waiver)}", [],
                                waived=True)
            rule_results.append(result)
            workings.append(result.working)
            continue
        if evaluate_rule is None:
            rule_results.append(RuleResult(rule.kind, rule.label, False, None, plan.not_applicable, []))
            continue
        outcome = evaluate_rule(ledger, window, rule.params, ref)
        outcomes.append(outcome)
        credit = outcome.credit
        # positional (kind, label, applicable, credit, working, findings, missed, waived, met, params): keyword
        # passing made this call a noticeable share of a scoring run
        result = RuleResult(rule.kind, rule.label, credit is not None, credit, outcome.working, outcome.findings,
                            outcome.missed, False, outcome.met, rule.params)
        rule_results.append(result)
        if outcome.findings:
            findings += outcome.findings
        if credit is not None:
            applicable.append(result)
            workings.append(outcome.working)
            manual = manual or rule.kind == "manual"

    if waivers:
        used = {id(w) for w in waived_rules.values()}
        for waiver in rule_waivers:
            if id(waiver) not in used:
                notices_out.append(Finding(
                    f"豁免指向指标 {indicator.id} 中不存在的规则“{waiver.rule}”（{waiver.source}），未采用",
                    kind="note", record=waiver.source))
        findings += expired_notes
        if rule_waivers:
            findings += [Finding(r.working + "；该规则不计分", kind="note") for r in rule_results if r.waived]
    return _scored(plan, rule_results, applicable, findings, workings, manual), outcomes


def _scored(plan: _IndicatorPlan, rule_results: list[RuleResult], applicable: list[RuleResult],
            findings: list[Finding], workings: list[str], manual: bool) -> IndicatorResult:
    """The indicator's result from its rules' results: points, credit, status and working."""
    indicator = plan.indicator
    if not applicable:
        points, credit = None, None
        status = "waived" if any(r.waived for r in rule_results) else "n/a"
        shown = "不适用"
    else:
        if indicator.deduct is not None:
            missed = sum(r.missed for r in applicable)
            points = max(Decimal(0), indicator.points - indicator.deduct * missed)
            credit = Fraction(points) / Fraction(indicator.points) if indicator.points else Fraction(1)
        else:
            credit = applicable[0].credit if len(applicable) == 1 else _mean([r.credit for r in applicable])
        scores = plan.scores
        key = (credit.numerator, credit.denominator)
        score = scores.get(key)
        if score is None:
            score = remember(scores, key, _score(indicator, credit), 4096)
        status = "manual" if manual else score[2]
        if indicator.deduct is None:
            points, shown = score[0], score[1]
        else:  # 扣分制: the points come from the deduction, not from the credit
            shown = str(points) + "/" + str(indicator.points)
    working = workings[0] if len(workings) == 1 else "；".join(workings)
    if indicator.deduct is not None and applicable:
        working += f"；扣分制：每缺 1 次扣 {indicator.deduct} 分"
    # positional (id, area, standard, check, max, points, credit, status, rules, findings, working, veto, deduct):
    # keyword passing made this call a noticeable share of a scoring run
    return IndicatorResult(indicator.id, indicator.area, indicator.standard, indicator.check, indicator.points,
                           points, credit, status, rule_results, findings,
                           f"{working} → {shown}" if working else shown, indicator.veto, indicator.deduct)


def _score(indicator: Indicator, credit: Fraction) -> tuple[Decimal, str, str]:
    """(points, "points/max", status) for `credit`: functions of the credit alone, kept in the indicator's plan."""
    points = scaled(indicator.points, credit)
    numerator = credit.numerator  # integer tests: Fraction's == is slow, and credits are in lowest terms
    status = "pass" if numerator == credit.denominator else "fail" if numerator == 0 else "partial"
    return points, str(points) + "/" + str(indicator.points), status


def _mean(credits: list[Fraction]) -> Fraction:
    """The exact mean, normalised once: Fraction arithmetic normalises at every step and is slow."""
    fractions = [(c.numerator, c.denominator) for c in credits]
    denominator = math.lcm(*[d for _, d in fractions])
    return ratio(sum([n * (denominator // d) for n, d in fractions]), denominator * len(credits))


def notices(ledger: Ledger, window: Window) -> list[Finding]:
    """What dj reports beyond the points (SCORING.md): term, branch size, roster, evidence files."""
    found = []
    ends = expiry(ledger.branch)
    if ends is not None and ends <= window.end:
        found.append(Finding(f"班子任期已于 {ends} 届满，应按期换届", kind="note"))
    formal = counted(ledger, "formal_members_here", window.effective_end)
    if ledger.branch.type == "党支部" and formal < 3:
        found.append(Finding(f"组织关系在本支部的正式党员只有 {formal} 人（不足 3 人），宜组建联合党支部", kind="note"))
    for person in ledger.branch.committee:
        if ledger.member(person.name) is None:
            found.append(Finding(f"班子成员{person.name}（{person.role}）不在党员名册中", kind="note",
                                 subject=person.name))
    seen = set()
    for record, evidence in derived(ledger, unusable_evidence):
        source = record.source
        if (source, evidence.path) in seen:
            continue
        seen.add((source, evidence.path))
        what = "证明材料缺失" if evidence.status == "missing" else f"证明材料路径被拒绝（{evidence.reason}）"
        found.append(Finding(f"{what}：{evidence.path}（{source}）", kind="evidence", file=evidence.path, record=source))
    return found


def profile(ledger: Ledger, window: Window) -> dict:
    """Facts about the branch that reports (申报表, 统计表) show alongside the score."""
    day = window.effective_end
    by_category: dict[str, int] = {}
    for m in derived(ledger, members_present_on, day):
        by_category[m.category] = by_category.get(m.category, 0) + 1
    branch = ledger.branch
    return {
        "type": branch.type,
        "unit": branch.unit,
        "town": branch.town,
        "parent": branch.parent,
        "established": branch.established.isoformat() if branch.established else None,
        "secretary": branch.secretary,
        "members": by_category,
        "party_members": by_category.get("正式党员", 0) + by_category.get("预备党员", 0),
        "groups": list(branch.groups),
        "honors": [
            {"date": h.date.isoformat() if h.date else None, "kind": h.kind, "level": h.level, "title": h.title,
             "recipient": h.recipient}
            for h in ledger.honors if h.date is None or h.date <= day
        ],
    }
