"""The engine over whole rubrics: rounding, n/a, statuses, tiers, veto, bonus areas, gap de-duplication."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

import pytest

from conftest import write_branch
from dangjian_cli import engine, rubric
from dangjian_cli.errors import InputErrors
from dangjian_cli.ledger import load
from dangjian_cli.periods import Month, Window
from dangjian_cli.result import scaled

YEAR_2024 = Window(Month(2024, 1), Month(2024, 12), dt.date(2025, 1, 15))


def write_rubric(tmp_path, body: str):
    path = tmp_path / "r.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_half_up_rounding_in_decimal():
    from fractions import Fraction

    assert scaled(Decimal(5), Fraction(10, 12)) == Decimal("4.17")
    assert scaled(Decimal(3), Fraction(1, 8)) == Decimal("0.38")  # 0.375 → 0.38, never 0.37
    assert scaled(Decimal("2.5"), Fraction(1, 3)) == Decimal("0.83")


def test_not_applicable_indicator_leaves_max(tmp_path):
    path = write_rubric(tmp_path, """
        id: t
        title: 测试
        total: 10
        tiers: [{label: 五星级, min: 90}]
        areas:
          - id: 甲
            points: 10
            indicators:
              - {id: "1", points: 5, standard: a, check: b, rules: [{kind: frequency, event: 党小组会, every: month, per_group: true}]}
              - {id: "2", points: 5, standard: a, check: b, rules: [{kind: count, of: party_workers, min: 1}]}
        """)
    result = engine.evaluate(rubric.load(str(path)), load(write_branch(tmp_path / "b")), YEAR_2024)
    data = result.to_dict()
    assert data["indicators"][0]["points"] is None and data["indicators"][0]["status"] == "n/a"
    assert data["indicators"][0]["max"] == 5
    assert data["max"] == 5 and data["total"] == 5 and data["percent"] == 100
    assert data["rating"] == "五星级" and data["five_star"] is True
    assert data["areas"] == [{"id": "甲", "points": 5, "max": 5}]


def test_tiers_veto_and_bonus(tmp_path):
    path = write_rubric(tmp_path, """
        id: t
        title: 测试
        total: 10
        tiers: [{label: 三星级, min: 60}, {label: 五星级, min: 90}]
        areas:
          - id: 甲
            points: 10
            indicators:
              - {id: "1", points: 6, standard: a, check: b, rules: [{kind: count, of: party_workers, min: 1}]}
              - {id: "2", points: 4, standard: a, check: b, rules: [{kind: count, of: vice_secretaries, min: 1}]}
          - id: 加分
            points: 2
            bonus: true
            indicators:
              - {id: "3", points: 3, standard: a, check: b, rules: [{kind: count, of: party_workers, min: 1}]}
        """)
    result = engine.evaluate(rubric.load(str(path)), load(write_branch(tmp_path / "b")), YEAR_2024)
    # base 6/10 + bonus capped at 2 → 8 of max 10 → 80% → 三星级
    assert (result.total, result.max, result.percent) == (Decimal(8), Decimal(10), Decimal("80.00"))
    assert result.rating == "三星级" and not result.five_star
    assert result.areas[1].to_dict() == {"id": "加分", "points": 2, "max": 2, "bonus": True}

    vetoed = path.read_text(encoding="utf-8").replace('{id: "2", points: 4,', '{id: "2", veto: true, points: 4,')
    path.write_text(vetoed, encoding="utf-8")
    result = engine.evaluate(rubric.load(str(path)), load(write_branch(tmp_path / "b")), YEAR_2024)
    assert result.rating is None and result.vetoed_by == ["2"]


def test_statuses_and_working(tmp_path):
    folder = write_branch(tmp_path / "b", meetings=[{"日期": f"2024-{m:02d}-05", "类型": "支委会"} for m in range(1, 11)])
    result = engine.evaluate(rubric.load(None), load(folder), YEAR_2024)
    by_id = {i.id: i for i in result.indicators}
    assert by_id["7"].status == "pass" and by_id["7"].points == 3
    assert by_id["4"].status == "manual"
    assert by_id["31"].status == "fail"
    assert by_id["19"].status == "partial"
    assert "支部委员会 10/12 个月" in by_id["19"].working
    assert by_id["19"].working.endswith(f"→ {by_id['19'].points}/5")


def test_shared_gap_listed_once(tmp_path):
    result = engine.evaluate(rubric.load(None), load(write_branch(tmp_path / "b")), YEAR_2024)
    service = [g for g in result.gaps if g.event == "服务活动"]
    assert [g.period.label for g in service] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    starts = [(g.period.start, g.event) for g in result.gaps]
    assert [s[0] for s in starts] == sorted(s[0] for s in starts)


def test_party_committee_rules_apply_by_branch_type(tmp_path):
    folder = write_branch(tmp_path / "b", branch={"type": "联合党支部"})
    result = engine.evaluate(rubric.load(None), load(folder), YEAR_2024)
    nine = next(i for i in result.indicators if i.id == "9")
    assert [r.applicable for r in nine.rules] == [True, False]
    twenty = next(i for i in result.indicators if i.id == "20")
    assert [r.applicable for r in twenty.rules] == [True, False, False]


@pytest.mark.parametrize("mutation, message", [
    (("points: 5\n", "points: 6\n", 1), "指标分值合计"),
    (("kind: dues", "kind: duess", 1), "未知的规则类型“duess”"),
    (("event: 支部委员会", "event: 支部委员", 1), "取值无效“支部委员”"),
    (("    every: month", "    evry: month", 1), "未知参数"),
    (("total: 100", "total: 99", 1), "与总分 99 不符"),
])
def test_rubric_check_refuses_inconsistent_rubrics(tmp_path, mutation, message):
    text = rubric.resolve(None).read_text(encoding="utf-8")
    old, new, count = mutation
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        rubric.load(str(path))
    assert any(message in str(e) for e in caught.value.errors), [str(e) for e in caught.value.errors]
    assert all("bad.yaml" in str(e) for e in caught.value.errors)


def test_builtin_rubric_is_complete():
    loaded = rubric.load("dongguan-5star")
    indicators = list(loaded.indicators())
    assert [i.id for i in indicators] == [str(n) for n in range(1, 34)]
    assert [a.id for a in loaded.areas] == ["班子建设", "队伍建设", "阵地建设", "制度建设", "廉政建设", "品牌建设"]
    assert sum(i.points for i in indicators) == 100
    assert all(i.standard for i in indicators)


def test_scoring_one_ledger_again_gives_what_a_fresh_one_gives(tmp_path):
    """Rules share indexes derived from a ledger; nothing that depends on the window or the rubric may stick."""
    import gc

    from dangjian_cli.ledger.models import Waiver
    from dangjian_cli.rules import base

    folder = write_branch(tmp_path / "b", meetings=[{"日期": "2024-03-05", "类型": "支委会", "纪要": "evidence/无.pdf"},
                                                    {"日期": "2024-08-05", "类型": "支委会"}],
                          dues=[{"姓名": "张书记", "月份": "2024-01~2024-06"}])
    windows = [YEAR_2024, Window(Month(2024, 1), Month(2024, 12), dt.date(2024, 7, 1)),
               Window(Month(2024, 4), Month(2024, 9), dt.date(2025, 1, 15))]
    rubrics = [rubric.load(None), rubric.load("standardization")]
    waiver = Waiver(indicator="19", reason="因故", approved_by="上级", expires=dt.date(2030, 1, 1))
    shared = load(folder)
    for window in windows:
        for scored in rubrics:
            for waivers in ([], [waiver]):
                again = engine.evaluate(scored, shared, window, waivers).to_dict()
                fresh = engine.evaluate(scored, load(folder), window, waivers).to_dict()
                assert again == fresh
    key = id(shared)
    assert key in base._derived
    del shared
    gc.collect()
    assert key not in base._derived


def test_window_periods_are_fresh_lists_that_skip_periods_before_the_branch():
    window = Window(Month(2024, 1), Month(2024, 12), dt.date(2024, 8, 15))
    quarters = window.periods("quarter")
    assert [p.label for p in quarters] == ["2024-Q1", "2024-Q2", "2024-Q3"]
    quarters.clear()
    assert [p.label for p in window.periods("quarter")] == ["2024-Q1", "2024-Q2", "2024-Q3"]
    assert [p.label for p in window.periods("quarter", dt.date(2024, 1, 1))] == ["2024-Q1", "2024-Q2", "2024-Q3"]
    assert [p.label for p in window.periods("quarter", dt.date(2024, 1, 2))] == ["2024-Q2", "2024-Q3"]
    assert window.periods("quarter", dt.date(2025, 1, 1)) == []
    assert [p.label for p in window.periods("year")] == ["2024"]  # started, not yet due
    assert window == Window(Month(2024, 1), Month(2024, 12), dt.date(2024, 8, 15))  # memos leave equality alone
    assert hash(window) == hash(Window(Month(2024, 1), Month(2024, 12), dt.date(2024, 8, 15)))


def test_memoised_numbers_depend_on_the_value_only():
    from fractions import Fraction

    from dangjian_cli.result import number

    assert number(Decimal("5")) == 5 and isinstance(number(Decimal("5.00")), int)
    assert number(Decimal("4.165")) == 4.17 and number(Decimal("4.1650")) == 4.17
    assert number(None) is None
    assert scaled(Decimal("5"), Fraction(1, 3)) == scaled(Decimal("5.0"), Fraction(2, 6)) == Decimal("1.67")
    assert str(scaled(Decimal("5.0"), Fraction(1))) == "5.00"
