"""Reports a branch hands in and works from: the 申报表 workbook, the markdown report, and the planner.

Fixtures are built in code: a complete 2025 台账 and the same 台账 with planted gaps (YAML, under tmp_path).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from dangjian_cli import engine, ledger, rubric
from dangjian_cli.cli import app
from dangjian_cli.options import window_from_options
from dangjian_cli.render import planner
from dangjian_cli.render.markdown import render as render_markdown
from dangjian_cli.render.xlsx import workbook_bytes

YEAR = 2025
AS_OF = "2026-01-15"
NAME = "东莞市明德律师事务所党支部"
PHONE = "13812345678"
ID_NUMBER = "441900198001011234"
GROUPS = ("第一党小组", "第二党小组")


# ─── fixtures ──────────────────────────────────────────────────────────────────────────────────────────


def _dump(folder: Path, name: str, data) -> None:
    (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def build_branch(folder: Path, gaps: bool = False) -> Path:
    """A 2025 台账 that scores 100; with `gaps`, the same with known holes (see the asserts below)."""
    folder.mkdir(parents=True, exist_ok=True)

    def ev(relative: str) -> str:
        path = folder / "evidence" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        return f"evidence/{relative}"

    _dump(folder, "branch.yaml", {
        "name": NAME, "type": "党支部", "parent": "中共东莞市律师行业委员会", "unit": "东莞市明德律师事务所",
        "town": "南城街道", "established": "2018-05-10", "term": {"start": "2024-03-01", "years": 3},
        "committee": [{"name": "张明", "role": "书记", "approved": "2024-03-20", "approval": ev("批复/书记.pdf")},
                      {"name": "李华", "role": "组织委员"}, {"name": "王芳", "role": "宣传委员"}],
        "groups": list(GROUPS), "instructor": "陈建国", "party_workers": ["李华"], "phone": "0769-22123456"})
    people = [("张明", GROUPS[0]), ("李华", GROUPS[0]), ("王芳", GROUPS[0]), ("赵强", GROUPS[1]),
              ("刘洋", GROUPS[1]), ("孙丽", GROUPS[1])]
    members = [{"name": n, "category": "正式党员", "group": g, "joined": "2010-07-01"} for n, g in people]
    members[0].update(phone=PHONE, id_number=ID_NUMBER)
    members += [{"name": "周杰", "category": "预备党员", "group": GROUPS[1], "joined": "2025-03-01"},
                {"name": "吴敏", "category": "发展对象"}, {"name": "郑爽", "category": "入党积极分子"}]
    _dump(folder, "members.yaml", members)

    meetings = []

    def held(day: str, kind: str, **extra) -> None:
        meetings.append({"date": day, "type": kind, "minutes": ev(f"纪要/{day}-{kind}{extra.get('group', '')}.pdf"),
                         **extra})

    for m in range(1, 13):
        if not (gaps and m in (7, 9)):  # gappy: no 支部委员会 in 2025-07 and 2025-09
            held(f"{YEAR}-{m:02d}-05", "支部委员会")
        for g in GROUPS:
            held(f"{YEAR}-{m:02d}-10", "党小组会", group=g)
        held(f"{YEAR}-{m:02d}-15", "集中学习", topic="学习《中国共产党廉洁自律准则》" if m == 3 else "理论学习")
    for q in range(4):
        month = q * 3 + 2
        held(f"{YEAR}-{month:02d}-20", "支部党员大会+组织生活会")
        held(f"{YEAR}-{month:02d}-21", "党课", lecturer="张明")
        held(f"{YEAR}-{month:02d}-22", "党务公开")
        if not (gaps and q == 1):  # gappy: no 服务活动 in 2025-Q2
            held(f"{YEAR}-{month:02d}-23", "服务活动")
        held(f"{YEAR}-{month:02d}-24", "谈心谈话")
        held(f"{YEAR}-{month:02d}-25", "党员信息更新")
    held(f"{YEAR}-04-18", "廉政教育", topic="纪律处分条例")
    if not gaps:  # gappy: no 廉政教育 in 2025-H2
        held(f"{YEAR}-10-18", "廉政教育", topic="廉洁自律准则")
    held(f"{YEAR}-12-18", "民主评议党员")
    held(f"{YEAR}-11-08", "创先争优")
    _dump(folder, "meetings.yaml", meetings)
    trainings = [
        {"name": "陈建国", "date": f"{YEAR}-04-12", "title": "指导员培训", "kind": "集中培训", "evidence": ev("培训/2.pdf")},
        {"name": "陈建国", "date": f"{YEAR}-09-12", "title": "指导员培训", "kind": "网络培训", "evidence": ev("培训/3.pdf")}]
    if not gaps:  # gappy: the secretary missed his 2025 集中培训
        trainings.append({"name": "张明", "date": f"{YEAR}-05-12", "title": "书记培训班", "kind": "集中培训",
                          "evidence": ev("培训/1.pdf")})
    _dump(folder, "trainings.yaml", trainings)
    dues = []
    for member in members[:7]:
        last = 9 if gaps and member["name"] == "刘洋" else 12  # gappy: 刘洋 owes 2025-10…12
        dues.append({"name": member["name"], "month": f"{YEAR}-01~{YEAR}-{last:02d}", "amount": 30,
                     "paid": f"{YEAR}-01-10"})
    _dump(folder, "dues.yaml", dues)
    documents = []
    for kind in ["学习制度", "三会一课制度", "组织生活会制度", "民主评议制度", "党务公开制度", "民主监督制度",
                 "联系服务群众制度", "党费管理制度", "会议记录簿", "党员花名册", "入党积极分子花名册", "流动党员花名册",
                 "考勤册", "成立批复"]:
        if not (gaps and kind == "党务公开制度"):  # gappy: no 党务公开制度
            documents.append({"kind": kind, "title": kind, "file": ev(f"文件/{kind}.pdf")})
    for kind in ["年度工作计划", "教育培训计划", "发展党员计划", "党风廉政教育计划", "年度总结"]:
        if not (gaps and kind in ("年度总结", "党风廉政教育计划")):  # gappy: neither
            documents.append({"kind": kind, "title": f"{YEAR}年{kind}", "year": YEAR, "file": ev(f"文件/{kind}.pdf")})
    _dump(folder, "documents.yaml", documents)
    facilities = []
    for item in ["党组织牌匾", "办公室", "办公设备", "公示栏", "党旗", "党徽", "宣传栏", "通讯员", "微信公众号关注",
                 "组织架构上墙", "信访举报公布"]:
        if gaps and item == "公示栏":  # gappy: 公示栏 without its photo
            facilities.append({"item": item, "present": "是"})
        else:
            facilities.append({"item": item, "present": "是", "evidence": ev(f"阵地/{item}.jpg")})
    _dump(folder, "facilities.yaml", facilities)
    honors = [{"date": "2023-06-01", "kind": "示范点", "level": "镇街级", "title": "南城街道党建示范点",
               "recipient": "组织", "evidence": ev("荣誉/示范点.jpg")},
              {"date": "2022-07-01", "kind": "党建品牌", "level": "市级", "title": "明德护航",
               "recipient": "组织", "evidence": ev("荣誉/品牌.jpg")},
              {"date": f"{YEAR}-09-01", "kind": "文章发表", "level": "省级", "title": "律师行业党建调研",
               "recipient": "张明", "evidence": ev("荣誉/文章.pdf")}]
    if not gaps:  # gappy: no 市级表彰 in 2025
        honors.append({"date": f"{YEAR}-06-28", "kind": "表彰", "level": "市级", "title": "东莞市先进基层党组织",
                       "recipient": "组织", "evidence": ev("荣誉/表彰.jpg")})
    _dump(folder, "honors.yaml", honors)
    assessment = {"4": {"score": 2, "evidence": [ev("自评/4.pdf")]}, "12": {"score": 2, "evidence": [ev("自评/12.pdf")]}}
    if not gaps:  # gappy: indicator 5 not self-assessed
        assessment["5"] = {"score": 4, "evidence": [ev("自评/5.pdf")]}
    _dump(folder, "self_assessment.yaml", assessment)
    return folder


def score(folder: Path, as_of: str = AS_OF):
    return engine.evaluate(rubric.load(None), ledger.load(folder), window_from_options(YEAR, None, None, as_of))


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    return {"complete": build_branch(root / "complete"), "gappy": build_branch(root / "gappy", gaps=True)}


@pytest.fixture(scope="module")
def complete(folders):
    return score(folders["complete"])


@pytest.fixture(scope="module")
def gappy(folders):
    return score(folders["gappy"])


def open_workbook(result):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(workbook_bytes(result)))


def cents(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


# ─── the fixtures score as intended ────────────────────────────────────────────────────────────────────


def test_fixtures_score_as_planted(complete, gappy):
    assert complete.total == 100 and complete.rating == "五星级"
    assert gappy.rating is None and gappy.total < 90
    lost = {i.id for i in gappy.indicators if i.points != i.max}
    assert lost == {"3", "5", "11", "13", "15", "19", "22", "24", "25", "27", "31"}


# ─── the workbook ──────────────────────────────────────────────────────────────────────────────────────


def test_workbook_has_the_four_sheets(complete):
    wb = open_workbook(complete)
    assert wb.sheetnames == ["申报表", "评定标准", "问题清单", "下一步"]


def test_申报表_is_laid_out_like_附件2(complete):
    ws = open_workbook(complete)["申报表"]
    assert ws["A1"].value == "东莞市社会组织“五星级党组织”申报表"
    assert "A1:D1" in {str(r) for r in ws.merged_cells.ranges}
    labels = {ws.cell(row=r, column=c).value: (r, c) for r in range(1, ws.max_row + 1) for c in (1, 3)}

    def right_of(label):
        r, c = labels[label]
        return ws.cell(row=r, column=c + 1).value

    assert right_of("党组织名称（全称）") == NAME
    assert right_of("申报星级") == "五星级"
    assert right_of("党员人数") == complete.profile["party_members"] == 7  # 6 正式 + 1 预备, from the roster
    assert right_of("党组织成立时间").date() == dt.date(2018, 5, 10)
    assert right_of("党组织负责人") == "张明"
    honours = right_of("受表彰情况")
    assert "东莞市先进基层党组织" in honours and "明德护航" in honours
    for area in ("班子建设", "队伍建设", "阵地建设", "制度建设", "廉政建设", "品牌建设"):
        r, _ = labels[f"{area}情况"]
        summary = ws.cell(row=r, column=2).value
        assert f"B{r}:D{r}" in {str(m) for m in ws.merged_cells.ranges}
        assert "本项自评" in summary and summary.count("\n") >= 2
    assert "队伍建设情况" in labels and "党员7人" in ws.cell(row=labels["队伍建设情况"][0], column=2).value
    assert "各镇街（园区）、市直管党组织意见" in labels
    # borders, CJK font, print setup
    assert ws["B3"].border.left.style == "thin" and ws["D5"].border.bottom.style == "thin"
    assert ws["B3"].font.name == "宋体"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0


def _indicator_rows(ws):
    rows = []
    for r in range(1, ws.max_row + 1):
        number = ws.cell(row=r, column=2).value
        if isinstance(number, int):
            rows.append(r)
    return rows


@pytest.mark.parametrize("which", ["complete", "gappy"])
def test_评定标准_is_附件1_self_scored(which, request):
    result = request.getfixturevalue(which)
    ws = open_workbook(result)["评定标准"]
    assert [ws.cell(row=3, column=c).value for c in range(1, 8)] == [
        "评定项目", "序号", "评定标准", "检查内容", "分值", "自评分", "扣分原因"]
    rows = _indicator_rows(ws)
    assert [ws.cell(row=r, column=2).value for r in rows] == list(range(1, 34))
    by_id = {i.id: i for i in result.indicators}
    for r in rows:
        ind = by_id[str(ws.cell(row=r, column=2).value)]
        assert ws.cell(row=r, column=3).value == ind.standard
        assert cents(ws.cell(row=r, column=5).value) == ind.max
        assert cents(ws.cell(row=r, column=6).value) == ind.points
        reason = ws.cell(row=r, column=7).value
        assert ind.working in reason
        for f in ind.findings:
            if f.kind == "gap":
                assert f.message in reason
    self_scores = sum(cents(ws.cell(row=r, column=6).value) for r in rows)
    assert self_scores == result.total  # 自评分 sum = total
    assert sum(cents(ws.cell(row=r, column=5).value) for r in rows) == 100
    total_row = rows[-1] + 1
    assert ws.cell(row=total_row, column=1).value == "合计"
    assert cents(ws.cell(row=total_row, column=6).value) == result.total
    assert cents(ws.cell(row=total_row, column=5).value) == result.max
    # the area column is merged over each area's indicators, with its points as in 附件1
    assert ws["A4"].value.startswith("一、班子建设") and "20分" in ws["A4"].value
    assert "A4:A9" in {str(m) for m in ws.merged_cells.ranges}
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4


def test_问题清单_lists_every_gap_with_points_and_what_to_do(gappy):
    ws = open_workbook(gappy)["问题清单"]
    assert [ws.cell(row=3, column=c).value for c in range(1, 10)] == [
        "序号", "指标", "评定项目", "存在问题", "期间/人员/文件", "扣分", "能否补救", "整改措施", "期限"]
    expected = [(i, f) for i in gappy.indicators for f in i.findings if f.kind == "gap"]
    rows = list(range(4, 4 + len(expected)))
    assert [ws.cell(row=r, column=1).value for r in rows] == list(range(1, len(expected) + 1))
    for r, (ind, f) in zip(rows, expected):
        assert str(ws.cell(row=r, column=2).value) == ind.id
        assert f.message in ws.cell(row=r, column=4).value
        assert cents(ws.cell(row=r, column=6).value) == ind.finding_points(f)
        assert ws.cell(row=r, column=8).value  # what to do
    total = rows[-1] + 1
    assert ws.cell(row=total, column=1).value == "扣分合计"
    assert cents(ws.cell(row=total, column=6).value) == sum(ind.finding_points(f) for ind, f in expected)
    texts = {r: ws.cell(row=r, column=4).value for r in rows}
    july = next(r for r, t in texts.items() if "2025-07" in t and "支部委员会" in t)
    assert ws.cell(row=july, column=7).value == "已过期"
    assert "期间：2025-07" in ws.cell(row=july, column=5).value
    photo = next(r for r, t in texts.items() if "公示栏" in t)
    assert ws.cell(row=photo, column=7).value == "可立即整改"
    dues = next(r for r, t in texts.items() if "刘洋" in t)
    assert "人员/事项：刘洋" in ws.cell(row=dues, column=5).value
    # the fixes of the smallest plan are starred
    starred = [r for r in rows if ws.cell(row=r, column=4).value.startswith("★")]
    assert len(starred) == len(planner.plan(gappy).main.fixes)


def test_下一步_has_the_plan_and_a_radar_chart(gappy):
    data = workbook_bytes(gappy)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = z.read(charts[0]).decode("utf-8")
        assert "drawing" in z.read("xl/worksheets/_rels/sheet4.xml.rels").decode("utf-8")  # on sheet 下一步
    assert "radarChart" in xml and xml.count("<ser>") == 2  # 得分 against 满分
    ws = open_workbook(gappy)["下一步"]
    values = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    plan = planner.plan(gappy)
    assert ws["A1"].value.startswith(f"距五星级还差 {planner_pts(plan.main.short)} 分")
    assert any(v.startswith(f"一、最少整改 {len(plan.main.fixes)} 项") for v in values)
    assert any("已过期、无法补救" in v for v in values)
    areas = [a.id for a in gappy.areas]
    assert all(a in values for a in areas)


def planner_pts(value) -> str:
    from dangjian_cli.render import fmt_points

    return fmt_points(value)


def test_workbook_never_shows_personal_identifiers(complete):
    wb = open_workbook(complete)
    text = "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    assert PHONE not in text and ID_NUMBER not in text and "22123456" not in text


# ─── the planner ───────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("maximum", [Decimal(m) / 4 for m in range(40, 401, 7)] + [Decimal("97"), Decimal("96.5")])
def test_needed_total_is_the_smallest_total_that_reaches_the_tier(maximum):
    needed = planner.needed_total(maximum, Decimal(90))
    assert planner.percent_of(needed, maximum) >= 90
    assert planner.percent_of(needed - Decimal("0.01"), maximum) < 90


def test_plan_of_a_complete_branch(complete):
    plan = planner.plan(complete)
    assert plan.main.reached and plan.main.short == 0 and plan.main.fixes == []
    assert plan.full.reached and plan.fixes == [] and plan.gaps == []


def test_plan_separates_what_can_still_be_fixed_from_what_is_lost(gappy):
    plan = planner.plan(gappy)
    state = {g.message: g.state for g in plan.gaps}
    assert state["2025-07 未按要求召开支部委员会：应≥1次，实际0次"] == planner.PAST
    assert state["2025-Q2 未按要求召开服务活动：应≥1次，实际0次"] == planner.PAST
    assert state["缺少2025年年度总结"] == planner.NOW  # a summary is written after its year
    assert state["缺少2025年党风廉政教育计划"] == planner.ARCHIVE  # a past year's plan cannot be written now
    assert state["缺少党务公开制度"] == planner.NOW
    assert state["“公示栏”未提供实景图片"] == planner.NOW
    assert state["指标 5 未自评（self_assessment.yaml 中没有此项）"] == planner.NOW
    assert state["评定期内没有符合条件的荣誉：表彰（市级及以上）"] == planner.PAST
    assert state["书记张明 2025 参加集中培训 0 次，应≥1次"] == planner.PAST
    july = next(g for g in plan.gaps if g.period == "2025-07")
    assert "不能补开" in july.action and "2026" in july.action
    # past groups: one per rule, with the periods
    committee = next(g for g in plan.lost if g.label == "支部委员会每月1次")
    assert committee.periods == ["2025-07", "2025-09"]
    assert plan.lost_points == sum(g.points for g in plan.gaps if g.state == planner.PAST)


def test_the_smallest_set_of_fixes_reaches_90_and_no_smaller_set_does(gappy):
    plan = planner.plan(gappy)
    target = plan.main
    assert target.label == "五星级" and not target.reached and target.reachable
    assert target.short == Decimal(90) - gappy.total
    scorer = planner._Scorer(gappy)
    _, _, percent, _ = scorer.score(gaps=[g for f in target.fixes for g in f.gaps])
    assert percent >= 90 and target.percent_after == percent
    for k in range(len(target.fixes)):
        for combo in itertools.combinations(plan.fixes, k):
            assert scorer.score(gaps=[g for f in combo for g in f.gaps])[2] < 90
    assert all(f.state in planner.FIXABLE for f in plan.fixes)
    gains = [f.gain for f in plan.fixes]
    assert gains == sorted(gains, reverse=True)
    assert not plan.full.reachable  # past periods cannot be made up
    assert plan.ceiling == gappy.total + sum(gains)


def test_doing_the_plan_gives_the_predicted_score(folders, gappy, tmp_path):
    """Carry out the smallest plan on a copy of the 台账 and score it again: dj agrees with the planner."""
    import shutil

    plan = planner.plan(gappy)
    titles = [f.title for f in plan.main.fixes]
    assert titles == ["指标 5 未自评（self_assessment.yaml 中没有此项）", "缺少2025年年度总结"]
    fixed = tmp_path / "fixed"
    shutil.copytree(folders["gappy"], fixed)
    (fixed / "evidence" / "自评").mkdir(exist_ok=True)
    (fixed / "evidence" / "自评" / "5.pdf").write_bytes(b"x")
    (fixed / "evidence" / "文件" / "年度总结.pdf").write_bytes(b"x")
    assessment = yaml.safe_load((fixed / "self_assessment.yaml").read_text(encoding="utf-8"))
    assessment["5"] = {"score": 4, "evidence": ["evidence/自评/5.pdf"]}
    _dump(fixed, "self_assessment.yaml", assessment)
    documents = yaml.safe_load((fixed / "documents.yaml").read_text(encoding="utf-8"))
    documents.append({"kind": "年度总结", "year": YEAR, "file": "evidence/文件/年度总结.pdf"})
    _dump(fixed, "documents.yaml", documents)
    after = score(fixed)
    assert after.total == plan.main.total_after and after.rating == "五星级"


def test_open_periods_get_a_deadline_and_a_risk(folders):
    result = score(folders["gappy"], as_of="2025-06-20")
    plan = planner.plan(result)
    service = next(u for u in plan.upcoming if u.item.event == "服务活动")
    assert service.item.period.label == "2025-Q2" and service.deadline == dt.date(2025, 6, 30)
    assert service.indicators == ["13", "24"]
    assert service.risk == Decimal("2.00")  # 13 falls to 1/2 of 3 points, 24 to 1.5 of 2
    assert any("尚未结束" in n for n in plan.notes)
    missed = plan.if_all_missed
    assert missed[0] < result.total


# ─── the markdown report ───────────────────────────────────────────────────────────────────────────────


def test_markdown_report_of_the_gappy_branch_shows_the_planner(gappy):
    text = render_markdown(gappy)
    plan = planner.plan(gappy)
    short = planner_pts(plan.main.short)
    assert f"## 距五星级还差 {short} 分" in text
    assert f"最少整改 {len(plan.main.fixes)} 项即可达到五星级" in text
    assert "| 1 | 指标 5 未自评" in text
    assert "### 已过期、无法补救" in text and "2025-07、2025-09" in text
    assert "### 全部可整改事项" in text and "### 暂不计入整改方案" in text
    for heading in ("## 各项目得分", "## 各指标得分与计算过程", "## 问题清单"):
        assert heading in text
    assert f"**总分：{planner_pts(gappy.total)} / 100" in text
    assert PHONE not in text and ID_NUMBER not in text


def test_markdown_report_of_the_complete_branch(complete):
    text = render_markdown(complete)
    assert "## 距五星级还差 0 分" in text and "已达到五星级" in text
    assert "没有发现扣分问题" in text


# ─── the command line ──────────────────────────────────────────────────────────────────────────────────


def test_dj_score_writes_each_report_atomically_outside_the_branch(folders, tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    folder = folders["gappy"]
    for name in ("申报表.xlsx", "report.md", "score.json"):
        result = runner.invoke(app, ["score", str(folder), "--year", str(YEAR), "--as-of", AS_OF, "-o", str(out / name)])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["report.md", "score.json", "申报表.xlsx"]  # no temp files
    assert zipfile.is_zipfile(out / "申报表.xlsx")
    assert "距五星级还差" in (out / "report.md").read_text(encoding="utf-8")
    assert json.loads((out / "score.json").read_text(encoding="utf-8"))["total"] == float(score(folder).total)
    inside = runner.invoke(app, ["score", str(folder), "--year", str(YEAR), "--as-of", AS_OF,
                                 "-o", str(folder / "申报表.xlsx")])
    assert inside.exit_code == 2 and not (folder / "申报表.xlsx").exists()
