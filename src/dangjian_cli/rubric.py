"""The rubric is data: load a rubric YAML, validate it against the rule kinds, refuse what does not add up."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from dangjian_cli.errors import InputError, InputErrors

BUILTIN_IDS = ("dongguan-5star",)


def builtin_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "rubric_data", here.parents[1] / "rubric"):
        if candidate.is_dir():
            return candidate
    return here / "rubric_data"


def builtin_rubrics() -> dict[str, Path]:
    return {p.stem: p for p in sorted(builtin_dir().glob("*.yaml"))}


@dataclass(frozen=True)
class Rule:
    kind: str
    label: str
    branch_types: tuple[str, ...] | None
    params: object  # the rule module's validated Params

    def applies_to(self, branch_type: str) -> bool:
        from dangjian_cli.ledger.vocab import BRANCH_TYPE_FALLBACK

        if self.branch_types is None or branch_type in self.branch_types:
            return True
        return BRANCH_TYPE_FALLBACK.get(branch_type) in self.branch_types


@dataclass(frozen=True)
class Veto:
    """一票否决: what an indicator below full credit does to the whole result."""

    effect: str = "withhold"  # withhold (no rating) | cap (rating at most `cap`) | zero (total 0)
    cap: str | None = None


VETO_EFFECTS = ("withhold", "cap", "zero")


@dataclass(frozen=True)
class Indicator:
    id: str
    area: str
    points: Decimal
    standard: str
    check: str
    rules: tuple[Rule, ...]
    veto: Veto | None = None
    deduct: Decimal | None = None  # 扣分制: points lost per missed unit, down to 0


@dataclass(frozen=True)
class Area:
    id: str
    points: Decimal
    indicators: tuple[Indicator, ...]
    bonus: bool = False


@dataclass(frozen=True)
class Tier:
    label: str
    min: Decimal


@dataclass(frozen=True)
class Rubric:
    id: str
    title: str
    source: str
    total: Decimal
    tiers: tuple[Tier, ...]
    areas: tuple[Area, ...]
    path: str
    unrated: str = "未达等级"  # what to print when no tier is reached (五星级 rubric: 未达星级)

    def indicators(self):
        for area in self.areas:
            yield from area.indicators


def resolve(name_or_path: str | None) -> Path:
    if not name_or_path:
        name_or_path = BUILTIN_IDS[0]
    builtins = builtin_rubrics()
    if name_or_path in builtins:
        return builtins[name_or_path]
    path = Path(name_or_path)
    if path.is_file():
        return path
    known = "、".join(builtins) or "（无）"
    raise InputErrors([InputError(file=str(name_or_path), message=f"找不到评分标准：既不是内置标准（{known}），也不是文件")])


def load(name_or_path: str | None = None) -> Rubric:
    from dangjian_cli.ledger.yaml_source import YamlList, YamlMap, read_yaml

    path = resolve(name_or_path)
    display = path.name
    data = read_yaml(path, display)
    problems: list[InputError] = []

    def fail(message: str, line: int | None = None) -> None:
        problems.append(InputError(file=display, message=message, line=line))

    if not isinstance(data, YamlMap):
        raise InputErrors([InputError(file=display, message="评分标准应为 YAML 映射（id、title、areas …）")])

    def number(mapping, key: str, where: str, required: bool = True) -> Decimal | None:
        raw = mapping.get(key)
        if raw is None:
            if required:
                fail(f"{where}缺少 {key}", mapping.line)
            return None
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0:
            fail(f"{where}的 {key}“{raw}”不是非负数", mapping.line_of(key))
            return None
        return value

    def text(mapping, key: str, where: str, required: bool = True) -> str:
        raw = mapping.get(key)
        if raw is None or not isinstance(raw, str):
            if required:
                fail(f"{where}缺少文字项 {key}", mapping.line)
            return ""
        return raw.strip()

    tiers = []
    for item in data.get("tiers") or []:
        if isinstance(item, YamlMap):
            tiers.append(Tier(label=text(item, "label", "等级"), min=number(item, "min", "等级") or Decimal(0)))
        else:
            fail("tiers 的每一项应为 {label, min}", getattr(data.get("tiers"), "line", None))
    tiers.sort(key=lambda t: t.min, reverse=True)
    tier_labels = [t.label for t in tiers]

    areas = []
    seen_ids: set[str] = set()
    raw_areas = data.get("areas")
    if not isinstance(raw_areas, YamlList) or not raw_areas:
        fail("缺少 areas（评定项目列表）", data.line)
        raw_areas = []
    for raw_area in raw_areas:
        if not isinstance(raw_area, YamlMap):
            fail("areas 的每一项应为映射", raw_areas.line)
            continue
        area_id = text(raw_area, "id", "评定项目")
        where_area = f"评定项目「{area_id}」"
        area_points = number(raw_area, "points", where_area) or Decimal(0)
        bonus = str(raw_area.get("bonus") or "").strip().lower() in ("true", "yes", "是", "1")
        indicators = []
        for raw_ind in raw_area.get("indicators") or []:
            if not isinstance(raw_ind, YamlMap):
                fail(f"{where_area}的指标应为映射", raw_area.line)
                continue
            ind_id = text(raw_ind, "id", where_area)
            where = f"{where_area}指标 {ind_id}"
            if ind_id in seen_ids:
                fail(f"指标编号 {ind_id} 重复", raw_ind.line)
            seen_ids.add(ind_id)
            veto = _load_veto(raw_ind, where, fail)
            deduct = number(raw_ind, "deduct", where, required=False)
            rules = []
            raw_rules = raw_ind.get("rules")
            if not isinstance(raw_rules, YamlList) or not raw_rules:
                fail(f"{where}没有规则（rules）", raw_ind.line)
                raw_rules = []
            for position, raw_rule in enumerate(raw_rules, 1):
                rule = _load_rule(raw_rule, f"{where}规则 {position}", fail)
                if rule is not None:
                    if deduct is not None and rule.kind == "manual":
                        fail(f"{where}：扣分制（deduct）指标不能使用 manual 规则", raw_ind.line_of("deduct"))
                    rules.append(rule)
            indicators.append(Indicator(
                id=ind_id, area=area_id, points=number(raw_ind, "points", where) or Decimal(0),
                standard=text(raw_ind, "standard", where), check=text(raw_ind, "check", where, required=False),
                rules=tuple(rules), veto=veto, deduct=deduct,
            ))
        indicator_sum = sum((i.points for i in indicators), Decimal(0))
        if not bonus and indicator_sum != area_points:
            fail(f"{where_area}的指标分值合计 {indicator_sum}，与该项目分值 {area_points} 不符", raw_area.line)
        if bonus and indicator_sum < area_points:
            fail(f"加分项目「{area_id}」的指标分值合计 {indicator_sum}，低于其上限 {area_points}", raw_area.line)
        areas.append(Area(id=area_id, points=area_points, indicators=tuple(indicators), bonus=bonus))

    for indicator in (i for a in areas for i in a.indicators):
        if indicator.veto and indicator.veto.effect == "cap" and indicator.veto.cap not in tier_labels:
            fail(f"指标 {indicator.id} 的一票否决 cap“{indicator.veto.cap}”不是已定义的等级（{'、'.join(tier_labels) or '无'}）")
    total = number(data, "total", "评分标准")
    base_sum = sum((a.points for a in areas if not a.bonus), Decimal(0))
    if total is not None and base_sum != total:
        fail(f"各评定项目分值合计 {base_sum}，与总分 {total} 不符", data.line_of("total"))
    rubric_id = text(data, "id", "评分标准")
    if problems:
        raise InputErrors(problems)
    return Rubric(id=rubric_id, title=text(data, "title", "评分标准"), source=text(data, "source", "", required=False),
                  total=total or Decimal(0), tiers=tuple(tiers), areas=tuple(areas), path=str(path),
                  unrated=text(data, "unrated", "", required=False) or "未达等级")


_TRUE = ("true", "yes", "是", "1")


def _load_veto(raw_ind, where: str, fail) -> Veto | None:
    from dangjian_cli.ledger.yaml_source import YamlMap

    raw = raw_ind.get("veto")
    if raw is None:
        return None
    if isinstance(raw, str):
        if raw.strip().lower() in _TRUE:
            return Veto()
        if raw.strip().lower() in ("false", "no", "否", "0"):
            return None
    if isinstance(raw, YamlMap):
        effect = str(raw.get("effect") or "withhold").strip()
        unknown = set(raw) - {"effect", "cap"}
        if effect not in VETO_EFFECTS or unknown:
            fail(f"{where}的 veto 无效：effect 可选 {'、'.join(VETO_EFFECTS)}，cap 为等级名", raw.line)
            return None
        if effect == "cap" and not raw.get("cap"):
            fail(f"{where}的 veto 为 cap 时须给出 cap（最高可评等级）", raw.line)
            return None
        return Veto(effect=effect, cap=str(raw.get("cap")).strip() if raw.get("cap") else None)
    fail(f"{where}的 veto 应为 true，或 {{effect: withhold|cap|zero, cap: 等级}}", raw_ind.line_of("veto"))
    return None


_PYDANTIC_ZH = {
    "extra_forbidden": "未知参数",
    "missing": "缺少参数",
    "literal_error": "取值无效",
    "int_parsing": "应为整数",
    "bool_parsing": "应为 true/false",
    "list_type": "应为列表",
    "string_type": "应为文字",
}


def _load_rule(raw_rule, where: str, fail) -> Rule | None:
    from pydantic import ValidationError

    from dangjian_cli.ledger.yaml_source import YamlMap
    from dangjian_cli.rules import RULES

    if not isinstance(raw_rule, YamlMap):
        fail(f"{where}应为映射（kind: …）")
        return None
    kind = (raw_rule.get("kind") or "").strip() if isinstance(raw_rule.get("kind"), str) else ""
    module = RULES.get(kind)
    if module is None:
        fail(f"{where}：未知的规则类型“{kind}”（可用：{'、'.join(RULES)}）", raw_rule.line)
        return None
    try:
        params = module.Params.model_validate(dict(raw_rule))
    except ValidationError as exc:
        for err in exc.errors():
            location = ".".join(str(p) for p in err["loc"])
            key = str(err["loc"][0]) if err["loc"] else ""
            reason = _PYDANTIC_ZH.get(err["type"], err["msg"])
            if err["type"] == "literal_error":
                allowed = err.get("ctx", {}).get("expected", "")
                reason += f"“{err.get('input')}”（可选：{allowed}）"
            fail(f"{where}（{kind}）参数 {location}：{reason}", raw_rule.line_of(key) if key in raw_rule else raw_rule.line)
        return None
    label = params.label or kind
    return Rule(kind=kind, label=label, branch_types=tuple(params.branch_types) if params.branch_types else None,
                params=params)
