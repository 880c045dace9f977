"""The path to 五星级: which gaps to fix first, the fewest fixes that reach each tier, and what is lost for good.

Pure functions over a ``Result`` (no I/O, no ledger): the markdown report (距五星级还差 X 分) and the xlsx
workbook (问题清单, 下一步) both render the same ``Plan``.

Honest by construction:

* the target is the rubric's rule: ``percent = total ÷ max × 100`` (rounded half-up to 2 decimals) must reach
  the tier's minimum; ``max`` leaves out n/a indicators, so "还差 X 分" is measured on that maximum;
* a gap is *fixable* only if doing something now changes the score honestly: a missing document, photo,
  approval file, self-assessment or 党费 can be supplied; a meeting that was not held in a period that has
  ended cannot be made up (writing minutes afterwards would be a false record) — it is listed as lost, and
  the requirement counts again in the next period; a past year's plan can only be *registered* if it was
  really written at the time; honours depend on the superior and are never counted on;
* what a fix recovers is computed exactly, by re-scoring the indicator with the finding's share restored
  (the engine's own rounding), not by adding rounded numbers;
* the fewest fixes that reach a target: fixes are independent and each recovers a fixed amount, so taking
  them in order of points recovered gives the smallest count (the top k fixes recover the most any k can);
* periods still open (``pending``) carry a deadline: the end of the period, and what is lost if it passes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from dangjian_cli.result import scaled

NOW = "now"
ACTION = "action"
ARCHIVE = "archive"
IMPROVE = "improve"
EXTERNAL = "external"
PAST = "past"

STATE_ZH = {
    NOW: "可立即整改",
    ACTION: "可整改（需上级批复或人员调整）",
    ARCHIVE: "仅可补登记（当时确已形成的材料）",
    IMPROVE: "需改进工作（以实地核查为准）",
    EXTERNAL: "取决于上级评定",
    PAST: "已过期，无法补救",
}
STATE_SHORT = {NOW: "可立即整改", ACTION: "需上级/人员", ARCHIVE: "仅可补登记", IMPROVE: "需改进工作",
               EXTERNAL: "取决于上级", PAST: "已过期"}
FIXABLE = (NOW, ACTION)
SUMMARY_KINDS = ("年度总结", "述职报告")  # written after their year has ended
DEFAULT_TIERS = ({"label": "五星级", "min": 90},)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


# ─── data ──────────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class Gap:
    """One gap finding of one indicator: what it costs, whether it can still be fixed, and how."""

    indicator: object  # IndicatorResult
    rule: object | None  # RuleResult the finding came from
    finding: object  # Finding
    points: Decimal  # what the finding costs (IndicatorResult.finding_points)
    state: str
    action: str
    deadline: dt.date | None = None
    title: str | None = None  # what to show when the finding's own message would mislead

    @property
    def message(self) -> str:
        return self.finding.message

    @property
    def period(self) -> str:
        return self.finding.period or ""

    @property
    def subject(self) -> str:
        return self.finding.subject or ""

    @property
    def file(self) -> str:
        return self.finding.file or ""

    @property
    def record(self) -> str:
        return self.finding.record or ""


@dataclass
class Upcoming:
    """A required meeting/activity of a period that has not ended and is not yet held."""

    item: object  # GapItem
    indicators: list[str]
    deadline: dt.date
    gain: Decimal | None  # points gained now if held in time (None: cannot be estimated)
    risk: Decimal | None  # points lost if the period ends without it
    links: list = field(default_factory=list)  # [(IndicatorResult, RuleResult)]

    @property
    def title(self) -> str:
        g = self.item
        where = f"{g.group} " if g.group else ""
        extra = f"（{g.condition}）" if g.condition else ""
        times = f"，应≥{g.required}次、已{g.held}次" if g.required > 1 or g.held else ""
        return f"{where}{g.period.label} {g.event}{extra}{times}"


@dataclass
class Fix:
    """One thing to do. It may close gaps in several indicators (e.g. one 制度 serves #6 and #18)."""

    title: str
    action: str
    state: str
    gaps: list[Gap] = field(default_factory=list)
    upcoming: list[Upcoming] = field(default_factory=list)
    gain: Decimal = Decimal(0)  # points recovered if only this fix is made (exact)
    deadline: dt.date | None = None

    @property
    def indicators(self) -> list[str]:
        seen: list[str] = []
        for g in self.gaps:
            if g.indicator.id not in seen:
                seen.append(g.indicator.id)
        for u in self.upcoming:
            for i in u.indicators:
                if i not in seen:
                    seen.append(i)
        return seen

    @property
    def cost(self) -> Decimal:
        """What the gaps it closes cost, as reported per finding."""
        return sum((g.points for g in self.gaps), Decimal(0))


@dataclass
class LostGroup:
    """Gaps of one rule of one indicator that can no longer be made up (or depend on others)."""

    indicator: object
    label: str
    state: str
    gaps: list[Gap]
    advice: str

    @property
    def points(self) -> Decimal:
        return sum((g.points for g in self.gaps), Decimal(0))

    @property
    def periods(self) -> list[str]:
        return [g.period or g.subject or g.message for g in self.gaps]


@dataclass
class Target:
    label: str  # tier label, or 满分
    min_percent: Decimal
    needed: Decimal  # total needed on the current maximum
    short: Decimal  # 还差 X 分 (0 when reached)
    reached: bool
    reachable: bool
    fixes: list[Fix]  # the fewest fixes that reach it, in order
    total_after: Decimal
    percent_after: Decimal
    running: list[Decimal] = field(default_factory=list)  # total after each fix of `fixes`


@dataclass
class Plan:
    total: Decimal
    max: Decimal
    percent: Decimal
    rating: str | None
    gaps: list[Gap]  # every gap finding, in indicator order
    fixes: list[Fix]  # fixable now, ranked by points recovered
    held_back: list[Fix]  # archive / improve / external: shown, never counted on
    lost: list[LostGroup]  # past and external groups
    upcoming: list[Upcoming]
    targets: list[Target]  # the tiers, then 满分
    ceiling: Decimal  # the best total reachable with every fixable fix and every open period done
    ceiling_percent: Decimal
    lost_points: Decimal  # points in gaps that can no longer be made up
    held_points: Decimal  # points in gaps held back (archive / improve / external)
    notes: list[str]
    if_all_missed: tuple | None  # (total, max, percent, rating) if every open period ends without its meeting
    vetoed_by: list[str]
    routine: list[tuple[str, list[str]]] = field(default_factory=list)  # recurring duties: (label, indicators)

    @property
    def main(self) -> Target | None:
        """The top tier (五星级) target."""
        return self.targets[0] if self.targets and self.targets[0].label != "满分" else None

    @property
    def full(self) -> Target | None:
        return self.targets[-1] if self.targets and self.targets[-1].label == "满分" else None


# ─── helpers ───────────────────────────────────────────────────────────────────────────────────────────


def tiers(result) -> list[dict]:
    """The rubric's rating tiers, highest first (the result may carry them; the default is 五星级 ≥ 90)."""
    found = (result.rubric or {}).get("tiers") if isinstance(result.rubric, dict) else None
    items = list(found or DEFAULT_TIERS)
    return sorted(({"label": str(t["label"]), "min": Decimal(str(t["min"]))} for t in items),
                  key=lambda t: t["min"], reverse=True)


def percent_of(total: Decimal, maximum: Decimal) -> Decimal:
    if not maximum:
        return Decimal(0)
    return (total / maximum * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def needed_total(maximum: Decimal, min_percent: Decimal) -> Decimal:
    """The smallest total (in cents) whose percent, rounded as the engine rounds, reaches `min_percent`."""
    if not maximum:
        return Decimal(0)
    total = (min_percent * maximum / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    while percent_of(total, maximum) < min_percent:
        total += CENT
    while total > 0 and percent_of(total - CENT, maximum) >= min_percent:
        total -= CENT
    return total


_PERIOD_RE = re.compile(r"^(\d{4})(?:-(\d{2})|-Q([1-4])|-H([12]))?$")


def period_end(label: str | None) -> dt.date | None:
    """Last day of a period label: 2025-07, 2025-Q3, 2025-H2, 2025."""
    if not label:
        return None
    m = _PERIOD_RE.match(label.strip())
    if not m:
        return None
    year = int(m.group(1))
    if m.group(2):
        month = int(m.group(2))
    elif m.group(3):
        month = int(m.group(3)) * 3
    elif m.group(4):
        month = int(m.group(4)) * 6
    else:
        month = 12
    if not 1 <= month <= 12:
        return None
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _as_of(result) -> dt.date:
    return dt.date.fromisoformat(result.window["as_of"])


def _window_end(result) -> dt.date:
    return period_end(result.window["to"]) or _as_of(result)


def _frequency_units(rule) -> tuple[str, int, int, str, bool] | None:
    """(event label, met, due, period kind, per group) of a frequency rule."""
    if getattr(rule, "kind", None) != "frequency" or getattr(rule, "met", None) is None or rule.params is None:
        return None
    params = rule.params
    return "/".join(params.event), rule.met, rule.due, params.every, bool(params.per_group)


def _rule_of(indicator, finding):
    for rule in indicator.rules:
        if any(f is finding for f in rule.findings):
            return rule
    return None


# ─── classifying gaps ──────────────────────────────────────────────────────────────────────────────────


def classify(result, indicator, rule, finding) -> tuple[str, str]:
    """(state, what to do) for one gap finding."""
    kind = getattr(rule, "kind", None)
    msg = finding.message
    as_of = _as_of(result)
    window_closed = _window_end(result) <= as_of
    next_year = _window_end(result).year + 1
    subject = finding.subject or ""
    end = period_end(finding.period)
    open_period = end is not None and end > as_of

    if kind == "frequency":
        if open_period:
            return NOW, f"在 {end} 前按要求召开并登记会议台账"
        return PAST, (f"{finding.period or '该期'}已结束，不能补开（事后补写记录不符合实际）；"
                      f"今后按时开展，{next_year}年仍按此要求计分")
    if kind == "training":
        if open_period:
            return NOW, f"在 {end} 前参加培训并登记培训记录"
        return PAST, f"{finding.period or '该年度'}已结束，不能补训；{next_year}年按要求参加培训"
    if kind == "honors":
        others = [f for f in getattr(rule, "findings", ()) if f is not finding]
        files = [f.file for f in others if f.kind == "evidence" and f.file]
        if any(f.kind == "evidence" for f in others):
            where = "、".join(files) if files else "登记的证明材料"
            return NOW, f"荣誉已登记但证明材料缺失：补上证书、报道或文章文件（{where}），或更正路径"
        if any("未填写日期" in f.message for f in others):
            return NOW, "在荣誉台账（honors）填写该荣誉的日期（评定期内获得的才计分），并附证明材料"
        if window_closed:
            return PAST, f"本评定期已结束，无法补得；今后可争取{subject or '符合条件的荣誉'}"
        return EXTERNAL, f"争取{subject or '符合条件的荣誉'}并保存证书或报道（取决于上级评定，不计入整改方案）"
    if kind == "documents":
        name = msg.replace("缺少", "", 1) if msg.startswith("缺少") else (subject or "该文件")
        year = int(finding.period) if (finding.period or "").isdigit() else None
        if "未填写文件路径" in msg:
            how = f"在文件索引（documents）中为{name.split('已登记')[0]}填写文件路径"
        elif "文件缺失" in msg:
            how = f"把文件放到登记的位置（{finding.file or '见文件索引'}），或更正文件路径"
        elif "批复" in (subject or name):
            how = f"向上级党组织取得《{name}》（复印件或扫描件），放入台账文件夹并在文件索引（documents）登记"
        else:
            verb = ("建立" if any(k in (subject or name) for k in ("名册", "簿", "册")) else
                    "撰写" if any(k in (subject or name) for k in SUMMARY_KINDS) else "制定")
            how = f"{verb}《{name}》，把文件放入台账文件夹并在文件索引（documents）登记"
        if year is None or year >= as_of.year or (year == as_of.year - 1 and subject in SUMMARY_KINDS):
            return NOW, how
        return ARCHIVE, (f"{year}年已过：如当年确已制定，补登记归档即可；不能事后补写。"
                         f"{as_of.year}年的{subject or '文件'}应及时制定")
    if kind == "checklist":
        item = subject or "该项目"
        if "没有" in msg or "不具备" in msg:
            return NOW, f"配齐“{item}”，拍摄实景图片，在阵地清单（facilities）登记"
        if "未提供实景图片" in msg:
            return NOW, f"拍摄“{item}”实景图片，在阵地清单（facilities）的实景图片栏登记"
        return NOW, f"补上“{item}”的实景图片文件（{finding.file or '见阵地清单'}）或更正路径"
    if kind == "committee":
        if "文件缺失" in msg:
            return NOW, f"把上级批复文件放到登记的位置（{finding.file or '见 branch.yaml'}）或更正路径"
        if "未提供上级批复文件" in msg:
            return NOW, "把上级批复扫描件放入台账文件夹，在 branch.yaml 班子成员的 approval 登记"
        if "未设书记" in msg:
            return ACTION, "按程序选举书记并报上级党组织批准，在 branch.yaml 登记"
        return ACTION, "报上级党组织批准，在 branch.yaml 登记批准日期（approved）和批复文件（approval）"
    if kind == "count":
        if "党务工作者" in msg:
            return NOW, "明确至少 1 名党务工作者，在 branch.yaml 的 party_workers 登记"
        if "副书记" in msg:
            return ACTION, "配备专职副书记并报上级党组织批准"
        return ACTION, "组织关系转入本支部或转正，人数仍不足 3 人的宜与其他单位组建联合党支部"
    if kind == "share":
        return ACTION, "班子成员把组织关系转入本党组织（或按程序调整班子）"
    if kind == "dues":
        return NOW, f"{subject or '该党员'}补缴所欠党费，在党费台账（dues）登记缴纳日期"
    if kind == "manual":
        if "未自评" in msg:
            return NOW, f"在 self_assessment.yaml 填写指标 {indicator.id} 的自评分并附证明材料（得分以实地核查为准）"
        if "没有证明材料" in msg:
            return NOW, f"为指标 {indicator.id} 的自评补充证明材料（文件放入台账文件夹并登记路径）"
        if "证明材料" in msg:
            return NOW, f"补上指标 {indicator.id} 自评所列的证明材料文件（{finding.file or '见 self_assessment.yaml'}）"
        return IMPROVE, "改进该项工作，实地核查时说明情况；不要只改自评分"
    if kind == "term":
        return ACTION, "按期换届，在 branch.yaml 登记新一届任期"
    if open_period:
        return NOW, f"在 {end} 前完成：{msg}"
    return NOW, f"整改：{msg}"


# ─── exact re-scoring ──────────────────────────────────────────────────────────────────────────────────


class _Scorer:
    """Re-scores the result with some findings restored and some open periods held or missed."""

    def __init__(self, result):
        self.result = result
        self.units = {}
        for ind in result.indicators:
            for rule in ind.rules:
                parsed = _frequency_units(rule)
                if parsed:
                    self.units[id(rule)] = parsed

    def score(self, gaps=(), held=(), missed=()):
        """(total, max, percent, vetoed) after restoring `gaps` and holding/missing open periods."""
        restored: dict[int, Fraction] = {}
        for g in gaps:
            if g.rule is not None:
                restored[id(g.rule)] = restored.get(id(g.rule), Fraction(0)) + g.finding.weight
        extra: dict[int, list[int]] = {}
        for u, outcome in [(u, 1) for u in held] + [(u, 0) for u in missed]:
            for _, rule in u.links:
                counts = extra.setdefault(id(rule), [0, 0])
                counts[0] += outcome
                counts[1] += 1
        total = Decimal(0)
        maximum = Decimal(0)
        vetoed = False
        for area in self.result.areas:
            points = Decimal(0)
            area_max = Decimal(0)
            for ind in area.indicators:
                credits = []
                for rule in ind.rules:
                    credit = self._credit(rule, restored.get(id(rule)), extra.get(id(rule)))
                    if credit is not None:
                        credits.append(credit)
                if not credits:
                    continue
                credit = sum(credits, Fraction(0)) / len(credits)
                points += scaled(ind.max, credit)
                area_max += ind.max
                if getattr(ind, "veto", False) and credit < 1:
                    vetoed = True
            if area.bonus:
                points = min(points, area.max)
            else:
                maximum += area_max
            total += points
        return total, maximum, percent_of(total, maximum), vetoed

    def _credit(self, rule, restored, extra):
        if not rule.applicable and not extra:
            return None
        if extra and id(rule) in self.units:
            _, met, due, _, _ = self.units[id(rule)]
            dm, dd = extra
            fixed = (restored or 0) * due
            if due + dd == 0:
                return None
            return min(Fraction(1), Fraction(met + dm, 1) / (due + dd) + Fraction(fixed) / (due + dd))
        if rule.credit is None:
            return None
        return min(Fraction(1), rule.credit + (restored or 0))


# ─── the plan ──────────────────────────────────────────────────────────────────────────────────────────


def collect_gaps(result) -> list[Gap]:
    """Every gap finding (the ones that cost points), in indicator order, classified."""
    found = []
    for ind in result.indicators:
        for f in ind.findings:
            if f.kind != "gap":
                continue
            rule = _rule_of(ind, f)
            state, action = classify(result, ind, rule, f)
            end = period_end(f.period)
            deadline = end if end is not None and end > _as_of(result) and state in FIXABLE else None
            title = None
            if getattr(rule, "kind", None) == "honors" and state == NOW:
                title = next((o.message for o in rule.findings if o is not f and o.kind in ("evidence", "note")), None)
            found.append(Gap(ind, rule, f, ind.finding_points(f), state, action, deadline, title))
    return found


def _deficit(score) -> Decimal:
    """Points short of the maximum: the measure that stays right when an n/a indicator becomes applicable."""
    total, maximum, _, _ = score
    return maximum - total


def upcoming_items(result, scorer: _Scorer | None = None) -> list[Upcoming]:
    scorer = scorer or _Scorer(result)
    current = _deficit(scorer.score())
    items = []
    for g in result.pending:
        links = []
        for ind in result.indicators:
            for rule in ind.rules:
                parsed = scorer.units.get(id(rule))
                if parsed and parsed[0] == g.event and parsed[3] == g.period.kind and parsed[4] == (g.group is not None):
                    links.append((ind, rule))
        u = Upcoming(item=g, indicators=[i.id for i, _ in links], deadline=g.period.end, gain=None, risk=None,
                     links=links)
        if links:
            u.gain = max(Decimal(0), current - _deficit(scorer.score(held=[u])))
            u.risk = max(Decimal(0), _deficit(scorer.score(missed=[u])) - current)
        items.append(u)
    return items


def _fixes(result, gaps: list[Gap], upcoming: list[Upcoming], scorer: _Scorer) -> list[Fix]:
    """Fixable gaps merged into actions (same rule kind and message ⇒ one action), with their exact gain."""
    merged: dict[tuple, Fix] = {}
    for g in gaps:
        if g.state not in FIXABLE:
            continue
        key = (getattr(g.rule, "kind", None), g.message)
        fix = merged.get(key)
        if fix is None:
            fix = merged[key] = Fix(title=g.title or g.message, action=g.action, state=g.state, deadline=g.deadline)
        fix.gaps.append(g)
    fixes = list(merged.values())
    for u in upcoming:
        if u.gain:
            fixes.append(Fix(title=f"{u.title}（本期尚未结束）", action=f"在 {u.deadline} 前开展并登记会议/活动台账",
                             state=NOW, upcoming=[u], deadline=u.deadline))
    current = _deficit(scorer.score())
    for fix in fixes:
        fix.gain = current - _deficit(scorer.score(gaps=fix.gaps, held=fix.upcoming))
    order = {id(g): n for n, g in enumerate(gaps)}
    fixes.sort(key=lambda f: (-f.gain, f.state != NOW, f.deadline or dt.date.max,
                              min((order[id(g)] for g in f.gaps), default=len(order))))
    return [f for f in fixes if f.gain > 0]


def _held_back(gaps: list[Gap]) -> list[Fix]:
    found = []
    for g in gaps:
        if g.state in (ARCHIVE, IMPROVE, EXTERNAL):
            found.append(Fix(title=g.message, action=g.action, state=g.state, gaps=[g], gain=g.points))
    found.sort(key=lambda f: -f.gain)
    return found


def _lost_groups(gaps: list[Gap]) -> list[LostGroup]:
    groups: dict[tuple, LostGroup] = {}
    for g in gaps:
        if g.state not in (PAST, EXTERNAL):
            continue
        label = getattr(g.rule, "label", None) or g.message
        key = (g.indicator.id, label, g.state)
        if key not in groups:
            advice = g.action
            if getattr(g.rule, "kind", None) == "frequency":
                advice = g.action.split("；", 1)[-1]
            groups[key] = LostGroup(g.indicator, label, g.state, [], advice)
        groups[key].gaps.append(g)
    return list(groups.values())


def _target(label, min_percent, result, scorer, fixes, base) -> Target:
    total, maximum = result.total, result.max
    needed = needed_total(maximum, min_percent)
    reached = result.percent >= min_percent and not result.vetoed_by
    short = max(Decimal(0), needed - total)
    chosen: list[Fix] = []
    running: list[Decimal] = []
    after_total, after_percent = total, result.percent
    ok = reached
    if not reached:
        for fix in fixes:
            chosen.append(fix)
            after_total, _, after_percent, vetoed = scorer.score(
                gaps=[g for f in chosen for g in f.gaps], held=[u for f in chosen for u in f.upcoming])
            running.append(after_total)
            if after_percent >= min_percent and not vetoed:
                ok = True
                break
        if not ok:
            chosen, running = list(fixes), running
            after_total, after_percent = base
    return Target(label, min_percent, needed, short, reached, ok, chosen if not reached else [],
                  after_total, after_percent, running if not reached else [])


ROUTINE_KINDS = ("frequency", "training", "dues")


def routine(result) -> list[tuple[str, list[str]]]:
    """The recurring duties the rubric checks (meetings, trainings, 党费, yearly documents), to keep doing."""
    found: dict[str, list[str]] = {}
    for ind in result.indicators:
        for rule in ind.rules:
            if not rule.label or "不适用" in (rule.working or ""):
                continue
            if rule.kind in ROUTINE_KINDS or (rule.kind == "documents" and "每年" in rule.label):
                ids = found.setdefault(rule.label, [])
                if ind.id not in ids:
                    ids.append(ind.id)
    return list(found.items())


def plan(result) -> Plan:
    """The whole plan for one result."""
    scorer = _Scorer(result)
    gaps = collect_gaps(result)
    upcoming = upcoming_items(result, scorer)
    fixes = _fixes(result, gaps, upcoming, scorer)
    best_total, _, best_percent, _ = scorer.score(gaps=[g for f in fixes for g in f.gaps],
                                                 held=[u for f in fixes for u in f.upcoming])
    best_total = max(best_total, result.total)
    best_percent = max(best_percent, result.percent)
    base = (best_total, best_percent)
    targets = [_target(t["label"], t["min"], result, scorer, fixes, base) for t in tiers(result)]
    targets.append(_target("满分", HUNDRED, result, scorer, fixes, base))
    lost_points = sum((g.points for g in gaps if g.state == PAST), Decimal(0))
    held_points = sum((g.points for g in gaps if g.state in (ARCHIVE, IMPROVE, EXTERNAL)), Decimal(0))
    notes = []
    as_of, end = _as_of(result), _window_end(result)
    if end > as_of:
        notes.append(f"评定期至 {result.window['to']}，截至 {as_of} 尚未结束：此后到期的会议、活动、党费仍须按时完成，"
                     "否则到期后将计为缺失。")
    if result.vetoed_by:
        notes.append(f"指标 {'、'.join(result.vetoed_by)} 为一票否决项，未全部达标前不评星级。")
    if_all_missed = None
    if upcoming:
        missed_total, missed_max, missed_percent, vetoed = scorer.score(missed=upcoming)
        rating = None if vetoed else next((t["label"] for t in tiers(result) if missed_percent >= t["min"]), None)
        if_all_missed = (missed_total, missed_max, missed_percent, rating)
    return Plan(if_all_missed=if_all_missed, routine=routine(result), total=result.total, max=result.max, percent=result.percent, rating=result.rating, gaps=gaps,
                fixes=fixes, held_back=_held_back(gaps), lost=_lost_groups(gaps), upcoming=upcoming,
                targets=targets, ceiling=best_total, ceiling_percent=best_percent, lost_points=lost_points,
                held_points=held_points,
                notes=notes, vetoed_by=list(result.vetoed_by))
