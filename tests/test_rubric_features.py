"""Optional rubric features (SCORING.md, issue 6): veto effects, 扣分制, tiers, waivers (豁免)."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

import pytest
import yaml

from conftest import write_branch
from dangjian_cli import engine, rubric
from dangjian_cli.errors import InputErrors
from dangjian_cli.ledger import load
from dangjian_cli.ledger.loader import load_waivers
from dangjian_cli.periods import Month, Window

YEAR_2024 = Window(Month(2024, 1), Month(2024, 12), dt.date(2025, 1, 15))

TIERED = """
    id: t
    title: 测试
    total: 10
    tiers: [{label: 三星级, min: 60}, {label: 四星级, min: 75}, {label: 五星级, min: 90}]
    areas:
      - id: 甲
        points: 10
        indicators:
          - {id: "1", points: 8, standard: a, check: b, rules: [{kind: count, of: party_workers, min: 1}]}
          - id: "2"
            points: 2
            standard: a
            check: b
            VETO
            rules: [{kind: frequency, label: 支委会每月, event: 支部委员会, every: month}]
    """


def rubric_file(tmp_path, veto_line: str = "", body: str = TIERED):
    path = tmp_path / "r.yaml"
    path.write_text(textwrap.dedent(body).replace("VETO", veto_line), encoding="utf-8")
    return rubric.load(str(path))


def committee_months(months):
    return [{"日期": f"2024-{m:02d}-05", "类型": "支委会"} for m in months]


@pytest.mark.parametrize("veto, total, rating", [
    ("", Decimal("9.83"), "五星级"),
    ("veto: true", Decimal("9.83"), None),
    ("veto: {effect: withhold}", Decimal("9.83"), None),
    ("veto: {effect: cap, cap: 三星级}", Decimal("9.83"), "三星级"),
    ("veto: {effect: zero}", Decimal(0), None),
])
def test_veto_effects(tmp_path, veto, total, rating):
    loaded = rubric_file(tmp_path, veto)
    folder = write_branch(tmp_path / "b", meetings=committee_months(range(1, 12)))  # December missed
    result = engine.evaluate(loaded, load(folder), YEAR_2024)
    assert result.total == total and result.rating == rating
    assert result.vetoed_by == (["2"] if veto else [])


def test_veto_without_effect_when_full(tmp_path):
    loaded = rubric_file(tmp_path, "veto: {effect: zero}")
    folder = write_branch(tmp_path / "b", meetings=committee_months(range(1, 13)))
    result = engine.evaluate(loaded, load(folder), YEAR_2024)
    assert result.total == 10 and result.rating == "五星级" and result.vetoed_by == []


def test_deduction_mode(tmp_path):
    loaded = rubric_file(tmp_path, "deduct: 0.5")
    folder = write_branch(tmp_path / "b", meetings=committee_months([1, 2, 3, 4, 5, 6, 7, 8, 9]))
    result = engine.evaluate(loaded, load(folder), YEAR_2024)
    two = result.indicators[1]
    assert two.points == Decimal("0.5")  # 3 missed × 0.5 from 2
    assert "扣分制" in two.working
    assert [two.finding_points(f) for f in two.findings if f.kind == "gap"] == [Decimal("0.5")] * 3
    folder = write_branch(tmp_path / "c", meetings=[])
    result = engine.evaluate(loaded, load(folder), YEAR_2024)
    assert result.indicators[1].points == 0  # 扣完为止: never below zero


@pytest.mark.parametrize("bad, message", [
    ("veto: {effect: explode}", "veto 无效"),
    ("veto: {effect: cap, cap: 七星级}", "不是已定义的等级"),
    ("deduct: -1", "不是非负数"),
])
def test_bad_feature_settings_are_refused(tmp_path, bad, message):
    with pytest.raises(InputErrors) as caught:
        rubric_file(tmp_path, bad)
    assert any(message in str(e) for e in caught.value.errors)


def write_waivers(folder, rows):
    (folder / "waivers.yaml").write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")


def test_waived_indicator_is_shown_and_left_out(tmp_path):
    folder = write_branch(tmp_path / "b")
    write_waivers(folder, [{"指标": "33", "理由": "本年度无省级刊物征稿", "批准人": "市律师行业党委", "有效期至": "2025-03-31"}])
    result = engine.evaluate(rubric.load(None), load(folder), YEAR_2024)
    waived = next(i for i in result.indicators if i.id == "33")
    assert waived.status == "waived" and waived.points is None
    assert "豁免：本年度无省级刊物征稿（市律师行业党委批准，有效期至 2025-03-31）" in waived.working
    assert result.max == 98
    data = result.to_dict()
    assert next(i for i in data["indicators"] if i["id"] == "33")["status"] == "waived"


def test_waived_rule_and_expired_waiver(tmp_path):
    folder = write_branch(tmp_path / "b")
    write_waivers(folder, [
        {"indicator": "19", "rule": "2", "reason": "支委会换届", "approved_by": "党委", "expires": "2025-12-31"},
        {"indicator": "31", "reason": "旧豁免", "approved_by": "党委", "expires": "2024-12-31"},
        {"indicator": "99", "reason": "打错了", "approved_by": "党委", "expires": "2025-12-31"},
    ])
    result = engine.evaluate(rubric.load(None), load(folder), YEAR_2024)
    nineteen = next(i for i in result.indicators if i.id == "19")
    assert [r.waived for r in nineteen.rules] == [False, True, False, False]
    assert nineteen.status != "waived" and "豁免：支委会换届" in nineteen.working
    assert not any(g.event == "支部委员会" for g in result.gaps)
    thirty_one = next(i for i in result.indicators if i.id == "31")
    assert thirty_one.status == "fail"
    assert any("已于 2024-12-31 到期，不再适用" in f.message for f in thirty_one.findings)
    assert any("不存在的指标“99”" in n.message for n in result.notices)


def test_waivers_file_errors(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("- {指标: '1', 理由: x}\n", encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        load_waivers(path)
    assert any("批准人" in str(e) for e in caught.value.errors)
    assert any("有效期至" in str(e) for e in caught.value.errors)
