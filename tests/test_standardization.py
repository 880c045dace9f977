"""The second built-in rubric: seed 000's 党建标准化 checklist (rubric/standardization.yaml).

A ledger holding every item of the checklist scores 100; removing one item costs exactly the points the
rubric's header promises (one point per item of 七个一 / 四个计划 / 五常 …).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conftest import write_branch
from dangjian_cli import engine, rubric
from dangjian_cli.cli import app
from dangjian_cli.ledger import load, vocab
from dangjian_cli.periods import Month, Window
from dangjian_cli.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
YEAR_2025 = Window(Month(2025, 1), Month(2025, 12), dt.date(2026, 1, 15))
runner = CliRunner()

SECRETARY = "张书记"
GROUPS = ["第一党小组", "第二党小组"]

# What the checklist asks for, written out so that a change of the rubric shows up here.
STANDING_DOCUMENTS = [
    "成立批复",
    # 三个名册
    "党员花名册", "入党积极分子花名册", "发展对象花名册",
    # 五套资料
    "党员学习资料", "党建活动资料", "党员党籍资料", "表彰奖励资料", "群众反映问题资料",
    # 六个记录 (“三会一课”记录 = 会议记录簿)
    "会议记录簿", "民主生活会记录", "谈心谈话记录", "提醒诫勉记录", "重要活动记录", "档案移交记录",
    # 制度
    "三会一课制度", "组织生活会制度", "民主评议制度", "学习制度", "联系服务群众制度", "民主监督制度",
    "党费管理制度", "党务公开制度",
]
FOUR_PLANS = ["年度工作计划", "发展党员计划", "教育培训计划", "党风廉政教育计划"]
YEARLY_DOCUMENTS = [*FOUR_PLANS, "年度总结", "述职报告"]

SEVEN_ONES = ["党组织牌匾", "办公室", "办公设备", "文件资料柜", "公示栏", "党建杂志", "桌牌胸牌", "公示牌", "党旗", "党徽"]
TEN_HAVES = ["党员活动室标志牌", "桌椅", "电视投影设备", "党旗", "党务流程", "入党誓词", "党员权利义务", "报刊书籍",
             "档案资料柜", "管理人员和制度"]
FACILITIES = list(dict.fromkeys([
    *SEVEN_ONES, *TEN_HAVES,
    "党员活动室", "宣传栏", "管理人员和制度",          # 四有 (办公室 is in 七个一)
    "党员形象墙", "通讯员", "微信公众号关注",           # 宣传“四有” (宣传栏 above)
    "党员示范岗", "党员责任区", "信访举报公布",
]))

# 五常: each at least once a quarter.
FIVE_CONSTANTS = {
    "主题党日": ("主题党日", "重温入党誓词"),
    "志愿服务": ("服务活动", "普法志愿服务进社区"),
    "互帮共建": ("互帮共建", "与社区党支部结对共建"),
    "三服务": ("服务活动", "为企业提供法律体检"),
    "学习交流": ("集中学习", "党员学习交流会"),
}


def full_meetings(drop: set[str] = frozenset()) -> list[dict]:
    """Every meeting/activity the checklist asks for in 2025; `drop` names types (or 五常 keys) to leave out."""
    rows = []

    def add(month: int, day: int, kind: str, topic: str = "", **extra):
        if kind not in drop:
            rows.append({"日期": f"2025-{month:02d}-{day:02d}", "类型": kind, "主题": topic, **extra})

    for month in range(1, 13):
        add(month, 5, "支部委员会", "研究本月工作")
        for group in GROUPS:
            add(month, 10, "党小组会", "学习讨论", 党小组=group)
        topic = "学习《中国共产党纪律处分条例》" if month == 3 else "学习党的二十大报告"
        add(month, 15, "集中学习", topic)
    for month in (3, 6, 9, 12):
        add(month, 18, "支部党员大会", "季度党员大会")
        add(month, 19, "党课", "书记讲党课", 讲课人=SECRETARY)
        add(month, 20, "组织生活会", "季度组织生活会")
        add(month, 21, "党员信息更新", "系统更新")
        add(month, 22, "谈心谈话", "谈心提醒")
        add(month, 23, "党务公开", "公开本季度党务")
        for key, (kind, topic) in FIVE_CONSTANTS.items():
            if key not in drop:
                add(month, 24, kind, topic)
    for month in (6, 12):
        add(month, 25, "廉政教育", "观看警示教育片")
    add(12, 26, "民主评议党员", "年度民主评议")
    add(7, 1, "创先争优", "评选优秀共产党员")
    return rows


def build(folder: Path, *, drop_meetings=frozenset(), drop_documents=frozenset(), drop_facilities=frozenset(),
          meetings=None) -> Path:
    documents = [{"类别": k, "标题": k, "文件": f"evidence/文件/{k}.pdf"} for k in STANDING_DOCUMENTS
                 if k not in drop_documents]
    documents += [{"类别": k, "年度": 2025, "标题": f"2025年{k}", "文件": f"evidence/文件/2025-{k}.pdf"}
                  for k in YEARLY_DOCUMENTS if k not in drop_documents]
    facilities = [{"项目": item, "是否具备": "是", "实景图片": f"evidence/阵地/{item}.jpg"} for item in FACILITIES
                  if item not in drop_facilities]
    trainings = [
        {"姓名": SECRETARY, "日期": "2025-04-10", "培训名称": "书记培训班", "类型": "集中培训"},
        {"姓名": "赵指导员", "日期": "2025-03-10", "培训名称": "指导员培训（一）", "类型": "集中培训"},
        {"姓名": "赵指导员", "日期": "2025-09-10", "培训名称": "指导员培训（二）", "类型": "网络培训"},
        {"姓名": "李干事", "日期": "2025-07-08", "培训名称": "党务工作者培训", "类型": "网络培训"},
    ]
    dues = [{"姓名": name, "月份": "2025-01~2025-12", "金额": 120, "缴纳日期": "2025-01-05"}
            for name in (SECRETARY, "李干事", "王律师")]
    self_assessment = {"3.1": {"score": 2, "evidence": ["evidence/自评/双向进入.pdf"], "note": "书记列席管理层会议"}}
    files = [d["文件"] for d in documents] + [f["实景图片"] for f in facilities] + ["evidence/自评/双向进入.pdf"]
    return write_branch(
        folder,
        branch={"groups": GROUPS, "instructor": "赵指导员"},
        files=files,
        meetings=meetings if meetings is not None else full_meetings(set(drop_meetings)),
        documents=documents, facilities=facilities, trainings=trainings, dues=dues,
        self_assessment=self_assessment,
    )


def score(folder: Path):
    return engine.evaluate(rubric.load("standardization"), load(folder), YEAR_2025)


def indicator_points(result) -> dict[str, Decimal]:
    return {i.id: i.points for a in result.areas for i in a.indicators}


@pytest.fixture(scope="module")
def full_points(tmp_path_factory):
    return indicator_points(score(build(tmp_path_factory.mktemp("full") / "branch")))


def lost(result, full_points) -> dict[str, Decimal]:
    """Indicator id → points lost against the full ledger (only the indicators that lost any)."""
    return {k: full_points[k] - v for k, v in indicator_points(result).items() if v != full_points[k]}


# ───────────────────────────── the rubric itself ─────────────────────────────

def test_rubric_loads_and_adds_up():
    loaded = rubric.load("standardization")
    assert loaded.id == "standardization"
    assert loaded.title == "东莞市社会组织党建标准化"
    assert loaded.total == 100
    assert [(a.id, a.points) for a in loaded.areas] == [
        ("班子建设标准化", 12), ("队伍建设标准化", 15), ("阵地建设标准化", 43), ("制度建设标准化", 20),
        ("廉政建设标准化", 10)]
    for area in loaded.areas:
        assert not area.bonus
        assert sum(i.points for i in area.indicators) == area.points
    assert [(t.label, t.min) for t in loaded.tiers] == [("优秀", 90), ("达标", 80)]
    indicators = list(loaded.indicators())
    assert len({i.id for i in indicators}) == len(indicators) == 31
    # ids are “条.序” of the seed's 18 articles, never a bare number (self_assessment keys of the other rubric)
    assert all(re.fullmatch(r"\d{1,2}\.\d", i.id) for i in indicators)
    assert all(i.standard and i.check and i.rules for i in indicators)
    # exactly one indicator needs on-site judgement
    assert [i.id for i in indicators if any(r.kind == "manual" for r in i.rules)] == ["3.1"]


def test_rubric_names_every_list_of_the_seed():
    standards = {i.id: i.standard for i in rubric.load("standardization").indicators()}
    for ident, phrase in {"7.1": "“四有”", "7.2": "“七个一”", "7.3": "“十有”", "8.1": "“五常”", "9.1": "“四有”",
                          "10.1": "“三个名册”", "10.2": "“四个计划”", "10.3": "“五套资料”",
                          "10.4": "“六个记录”", "11.1": "“三会一课”"}.items():
        assert phrase in standards[ident], ident


def test_cli_rubric_check_and_show():
    result = runner.invoke(app, ["rubric", "check", str(ROOT / "rubric" / "standardization.yaml")])
    assert result.exit_code == 0, result.output
    assert "31 项指标" in result.stdout and "总分 100" in result.stdout
    shown = runner.invoke(app, ["rubric", "show", "standardization"])
    assert shown.exit_code == 0, shown.output
    assert "东莞市社会组织党建标准化" in shown.stdout and "达标 ≥ 80" in shown.stdout
    data = json.loads(runner.invoke(app, ["rubric", "show", "standardization", "-f", "json"]).stdout)
    assert data["id"] == "standardization" and data["total"] == 100
    assert sum(i["points"] for a in data["areas"] for i in a["indicators"]) == 100


# ───────────────────────────── scoring a complete ledger ─────────────────────────────

def test_ledger_with_every_item_scores_100(tmp_path):
    result = score(build(tmp_path / "branch"))
    data = result.to_dict()
    assert data["total"] == 100 and data["max"] == 100 and data["percent"] == 100
    assert data["rating"] == "优秀" and data["five_star"] is False
    assert {i["id"]: i["status"] for i in data["indicators"] if i["status"] != "pass"} == {"3.1": "manual"}
    assert data["gaps"] == []


def test_cli_scores_with_the_builtin_id(tmp_path):
    folder = build(tmp_path / "branch")
    result = runner.invoke(app, ["score", str(folder), "--rubric", "standardization", "--year", "2025",
                                 "--as-of", "2026-01-15", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["rubric"]["id"], data["rubric"]["title"]) == ("standardization", "东莞市社会组织党建标准化")
    assert data["total"] == 100 and data["rating"] == "优秀"


# ───────────────────────────── what one missing item costs ─────────────────────────────

@pytest.mark.parametrize("item", ["党组织牌匾", "办公设备", "文件资料柜", "公示栏", "党建杂志"])
def test_one_of_seven_ones_costs_one_point(tmp_path, full_points, item):
    result = score(build(tmp_path / "b", drop_facilities={item}))
    assert lost(result, full_points) == {"7.2": 1}
    assert result.total == 99


def test_one_piece_of_the_seventh_one_costs_a_quarter(tmp_path, full_points):
    # 第七个“一”是一套：桌牌胸牌、公示牌、党旗、党徽
    for item in ("桌牌胸牌", "公示牌", "党徽"):
        assert lost(score(build(tmp_path / item, drop_facilities={item})), full_points) == {"7.2": Decimal("0.25")}


def test_items_on_several_lists_cost_on_each(tmp_path, full_points):
    # 党旗: 七个一 (¼ of the seventh “一”) and 十有 (有党旗悬挂, 0.5)
    assert lost(score(build(tmp_path / "a", drop_facilities={"党旗"})), full_points) == {
        "7.2": Decimal("0.25"), "7.3": Decimal("0.5")}
    # 办公室: 四有 (有党组织办公场所) and 七个一 (一间独立的办公室)
    assert lost(score(build(tmp_path / "b", drop_facilities={"办公室"})), full_points) == {"7.1": 1, "7.2": 1}
    # 管理人员和制度: 四有 (有运行管理机制) and 十有
    assert lost(score(build(tmp_path / "c", drop_facilities={"管理人员和制度"})), full_points) == {
        "7.1": 1, "7.3": Decimal("0.5")}


@pytest.mark.parametrize("item", ["党员活动室标志牌", "党务流程", "入党誓词", "档案资料柜"])
def test_one_of_ten_haves_costs_half_a_point(tmp_path, full_points, item):
    assert lost(score(build(tmp_path / "b", drop_facilities={item})), full_points) == {"7.3": Decimal("0.5")}


@pytest.mark.parametrize("plan", FOUR_PLANS)
def test_one_of_four_plans_costs_one_point(tmp_path, full_points, plan):
    result = score(build(tmp_path / "b", drop_documents={plan}))
    assert lost(result, full_points) == {"10.2": 1}
    assert result.total == 99


@pytest.mark.parametrize("activity", ["主题党日", "互帮共建", "志愿服务"])
def test_one_of_five_constants_costs_one_point(tmp_path, full_points, activity):
    result = score(build(tmp_path / "b", drop_meetings={activity}))
    assert lost(result, full_points) == {"8.1": 1}
    assert result.total == 99


def test_three_services_and_study_exchange_are_any_service_activity_and_any_study(tmp_path, full_points):
    # “三服务” is any 服务活动 (a 志愿服务 one included); “党员学习交流” is any 集中学习 (学习交流 is its alias):
    # leaving out the dedicated rows costs nothing while the 志愿服务 rows and the monthly 集中学习 remain …
    assert lost(score(build(tmp_path / "a", drop_meetings={"三服务", "学习交流"})), full_points) == {}
    # … and with no 服务活动 at all, both 志愿服务 and 三服务 are missing: 2 points.
    assert lost(score(build(tmp_path / "b", drop_meetings={"服务活动"})), full_points) == {"8.1": 2}


def test_one_missed_quarter_of_a_five_constants_activity_costs_a_quarter(tmp_path, full_points):
    meetings = [m for m in full_meetings() if not (m["类型"] == "互帮共建" and m["日期"].startswith("2025-06"))]
    result = score(build(tmp_path / "b", meetings=meetings))
    assert lost(result, full_points) == {"8.1": Decimal("0.25")}
    assert [(g.event, g.period.label) for g in result.gaps] == [("互帮共建", "2025-Q2")]


def test_volunteer_service_is_told_apart_by_its_topic(tmp_path, full_points):
    # LEDGER.md folds 志愿服务 into 服务活动: a 服务活动 whose 主题 lacks “志愿” is a 三服务 activity only.
    meetings = [dict(m, 主题="法律服务进社区") if m["类型"] == "服务活动" else m for m in full_meetings()]
    result = score(build(tmp_path / "b", meetings=meetings))
    assert lost(result, full_points) == {"8.1": 1}


@pytest.mark.parametrize("kind, indicator", [
    ("发展对象花名册", "10.1"), ("党员党籍资料", "10.3"), ("提醒诫勉记录", "10.4"), ("档案移交记录", "10.4")])
def test_one_register_material_or_record_costs_one_point(tmp_path, full_points, kind, indicator):
    assert lost(score(build(tmp_path / "b", drop_documents={kind})), full_points) == {indicator: 1}


def test_tiers(tmp_path):
    # without the 五套资料 and 六个记录 (11 points) the branch is 达标, not 优秀
    dropped = {"党员学习资料", "党建活动资料", "党员党籍资料", "表彰奖励资料", "群众反映问题资料", "会议记录簿",
               "民主生活会记录", "谈心谈话记录", "提醒诫勉记录", "重要活动记录", "档案移交记录"}
    result = score(build(tmp_path / "a", drop_documents=dropped))
    assert (result.total, result.rating) == (89, "达标")
    # … also without the 四个计划 (4), three 五常 activities (3) and four of the 十有 (2): exactly 80, still 达标
    less = {"drop_documents": dropped | set(FOUR_PLANS), "drop_meetings": {"主题党日", "互帮共建", "志愿服务"}}
    ten = {"党员活动室标志牌", "党务流程", "入党誓词", "档案资料柜"}
    result = score(build(tmp_path / "b", drop_facilities=ten, **less))
    assert (result.total, result.rating) == (80, "达标")
    # … and one 七个一 item less: below 80, no rating
    result = score(build(tmp_path / "c", drop_facilities=ten | {"党建杂志"}, **less))
    assert (result.total, result.rating) == (79, None)


def test_bundled_example_runs_under_the_standardization_rubric():
    result = runner.invoke(app, ["score", str(ROOT / "examples" / "five-star"), "--rubric", "standardization",
                                 "--year", "2025", "--as-of", "2026-01-15", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rubric"]["id"] == "standardization"
    assert 0 < data["total"] < 100  # the example predates the 标准化 items (五套资料, 七个一's 党建杂志 …)


# ───────────────────────────── the vocabulary additions ─────────────────────────────

# LEDGER.md's lists as they were before the 标准化 rubric: these must never disappear.
LEDGER_MEETING_TYPES = {
    "支部党员大会": ["党员大会", "支部大会"], "支部委员会": ["支委会", "支委会议", "党委会", "总支委员会"],
    "党小组会": [], "党课": [], "组织生活会": [], "民主生活会": [], "民主评议党员": ["民主评议"], "主题党日": [],
    "集中学习": ["学习", "党员学习"], "廉政教育": [], "谈心谈话": [], "党务公开": [],
    "服务活动": ["三服务", "志愿服务", "联系服务群众"], "创先争优": ["评优", "表彰活动"],
    "党员信息更新": ["信息更新", "系统更新"], "其他": [],
}
LEDGER_DOCUMENT_KINDS = [
    "学习制度", "三会一课制度", "组织生活会制度", "民主评议制度", "党务公开制度", "民主监督制度", "联系服务群众制度",
    "党费管理制度", "年度工作计划", "教育培训计划", "发展党员计划", "党风廉政教育计划", "会议记录簿", "党员花名册",
    "入党积极分子花名册", "流动党员花名册", "考勤册", "成立批复", "书记批复", "副书记批复", "年度总结", "述职报告", "其他",
]
LEDGER_FACILITY_ITEMS = [
    "党组织牌匾", "办公室", "办公设备", "文件资料柜", "公示栏", "党旗", "党徽", "党员活动室", "桌椅", "电视投影设备",
    "报刊书籍", "档案资料柜", "入党誓词", "党员权利义务", "宣传栏", "党员形象墙", "通讯员", "微信公众号关注",
    "组织架构上墙", "信访举报公布",
]


def test_vocabulary_only_grew():
    for canonical, aliases in LEDGER_MEETING_TYPES.items():
        assert canonical in vocab.MEETING_TYPES
        assert set(aliases) <= set(vocab.MEETING_TYPES[canonical]), canonical
    assert set(LEDGER_DOCUMENT_KINDS) <= set(vocab.DOCUMENT_KINDS)
    assert set(LEDGER_FACILITY_ITEMS) <= set(vocab.FACILITY_ITEMS)


@pytest.mark.parametrize("entries", [
    vocab.MEETING_TYPES, {k: [] for k in vocab.DOCUMENT_KINDS}, {k: [] for k in vocab.FACILITY_ITEMS}])
def test_no_spelling_names_two_values(entries):
    seen: dict[str, str] = {}
    for canonical, aliases in entries.items():
        for spelling in (canonical, *aliases):
            key = vocab.normalise(spelling)
            assert seen.setdefault(key, canonical) == canonical, f"{spelling}: {seen[key]} / {canonical}"
            assert not set(spelling) & set(vocab.MEETING_TYPE_SEPARATORS), spelling


def test_new_spellings_load(tmp_path):
    folder = write_branch(tmp_path / "b", meetings=[
        {"日期": "2025-03-01", "类型": "结对共建"},
        {"日期": "2025-03-02", "类型": "主题党日活动"},
        {"日期": "2025-03-03", "类型": "学习交流"},
        {"日期": "2025-03-04", "类型": "志愿服务活动、三服务主题活动"},
    ], documents=[{"类别": "发展对象花名册"}, {"类别": "群众反映问题资料"}, {"类别": "档案移交记录"}],
        facilities=[{"项目": "党建杂志", "是否具备": "是"}, {"项目": "桌牌胸牌", "是否具备": "否"}])
    ledger = load(folder)
    assert [m.types for m in ledger.meetings] == [("互帮共建",), ("主题党日",), ("集中学习",), ("服务活动",)]
    assert [d.kind for d in ledger.documents] == ["发展对象花名册", "群众反映问题资料", "档案移交记录"]
    assert [f.item for f in ledger.facilities] == ["党建杂志", "桌牌胸牌"]


# ───────────────────────────── docs/rubrics.md ─────────────────────────────

def test_docs_show_every_rule_kind_with_a_valid_example():
    text = (ROOT / "docs" / "rubrics.md").read_text(encoding="utf-8")
    examples: dict[str, int] = {}
    for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.S):
        data = yaml.safe_load(block)
        if isinstance(data, list) and data and isinstance(data[0], dict) and "kind" in data[0]:
            for raw in data:
                RULES[raw["kind"]].Params.model_validate(raw)
                examples[raw["kind"]] = examples.get(raw["kind"], 0) + 1
    for kind in RULES:
        assert f"### `{kind}`" in text, kind
        assert examples.get(kind), f"no YAML example for {kind}"


def test_docs_example_rubric_passes_the_check(tmp_path):
    text = (ROOT / "docs" / "rubrics.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.S) if b.startswith("id: ")]
    path = tmp_path / "my.yaml"
    path.write_text(block, encoding="utf-8")
    loaded = rubric.load(str(path))
    assert [a.bonus for a in loaded.areas] == [False, True]


def test_a_diligent_branch_checked_in_november_has_full_marks_on_what_is_due(tmp_path):
    window = Window(Month(2025, 1), Month(2025, 12), dt.date(2025, 11, 20))
    result = engine.evaluate(rubric.load("standardization"), load(build(tmp_path / "b")), window)
    assert result.percent == 100 and result.rating == "优秀"
    assert result.gaps == [] and result.pending  # December's meetings are not held yet: pending, never gaps
