"""The synthetic ledger generator (dangjian_cli.synth) and the bundled examples it builds.

Besides determinism and file shape, these tests hold an independent, deliberately simple reading of the
default rubric's record requirements (``unmet_units``) so that "a complete branch satisfies every rule" and
"a gap knob removes exactly the named unit" are checked without the scoring engine.
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib.util
import re
from pathlib import Path

import openpyxl
import pytest
import yaml

from dangjian_cli import synth
from dangjian_cli.synth import BranchSpec, build_ledger, generate, random_spec, write_branch

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
STEMS = ("members", "meetings", "trainings", "dues", "documents", "facilities", "honors")


def _load_build_examples():
    spec = importlib.util.spec_from_file_location("build_examples", EXAMPLES / "build_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_examples = _load_build_examples()


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def xlsx_rows(path: Path) -> tuple[list[str], list[dict]]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    headers = list(rows[0])
    out = []
    for row in rows[1:]:
        record = {}
        for header, value in zip(headers, row):
            if isinstance(value, dt.datetime):
                value = value.date()
            if value is not None:
                record[header] = value
        out.append(record)
    return headers, out


# ---------------------------------------------------------------------------------------------------------
# An independent check of the default rubric's record requirements


def _periods(kind: str, year: int):
    step = {"month": 1, "quarter": 3, "half": 6, "year": 12}[kind]
    for first in range(1, 13, step):
        last = first + step - 1
        label = {"month": f"{year}-{first:02d}", "quarter": f"{year}-Q{(first + 2) // 3}",
                 "half": f"{year}-H{(first + 5) // 6}", "year": str(year)}[kind]
        yield label, dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


FREQUENCY = [
    ("支部委员会", "month", False), ("集中学习", "month", False), ("党小组会", "month", True),
    ("支部党员大会", "quarter", False), ("党课", "quarter", False), ("组织生活会", "quarter", False),
    ("党务公开", "quarter", False), ("服务活动", "quarter", False), ("谈心谈话", "quarter", False),
    ("党员信息更新", "quarter", False), ("廉政教育", "half", False), ("创先争优", "year", False),
    ("民主评议党员", "year", False),
]


def unmet_units(ledger: synth.Ledger) -> set[tuple]:
    """Units of the default rubric's record rules that the generated content does not satisfy."""
    spec = ledger.spec
    branch = yaml.safe_load(ledger.branch_yaml)
    groups = branch["groups"] or []
    secretary = next(c["name"] for c in branch["committee"] if c["role"] == "书记")
    files = ledger.files
    unmet: set[tuple] = set()

    events = []
    for row in ledger.tables["meetings"]:
        types = {synth._TYPE_ALIASES.get(t, t) for t in re.split(r"[、,，+/]", row["类型"])}
        assert types <= set(synth.MEETING_TYPES), row
        for path in row["纪要"].split("；"):
            assert path in files or path in spec.missing_files, path
        events.append((row["日期"], types, row.get("党小组"), row.get("讲课人"), row["主题"]))

    frequency = list(FREQUENCY) + ([("民主生活会", "year", False)] if spec.type == "党委" else [])
    for year in spec.years:
        for kind, every, per_group in frequency:
            for label, start, end in _periods(every, year):
                if start < spec.established:
                    continue
                for group in (groups if per_group else [None]):
                    if not any(kind in t and start <= d <= end and (group is None or g == group)
                               for d, t, g, _, _ in events):
                        unmet.add(("meeting", kind, label, group or ""))
        if dt.date(year, 1, 1) >= spec.established:
            if not any("党课" in t and d.year == year and lec == secretary for d, t, _, lec, _ in events):
                unmet.add(("lecturer", "党课", str(year)))
            if not any(t & {"集中学习", "廉政教育"} and d.year == year
                       and ("廉洁自律准则" in topic or "纪律处分条例" in topic) for d, t, _, _, topic in events):
                unmet.add(("topic", "廉洁自律准则/纪律处分条例", str(year)))

    # dues: every 正式/预备党员 here, every month they are in the branch
    members = ledger.tables["members"]
    paid = set()
    for row in ledger.tables["dues"]:
        assert row["证明材料"] in files
        parts = re.split(r"~|至", row["月份"])
        first = dt.date.fromisoformat(parts[0] + "-01")
        last = dt.date.fromisoformat(parts[-1] + "-01")
        month = first
        while month <= last:
            paid.add((row["姓名"], f"{month:%Y-%m}"))
            month = (month + dt.timedelta(days=32)).replace(day=1)
    for m in members:
        if m["类别"] not in ("正式党员", "预备党员") or m["组织关系在本支部"] != "是":
            continue
        for year in spec.years:
            for month in range(1, 13):
                first = dt.date(year, month, 1)
                last = dt.date(year, month, calendar.monthrange(year, month)[1])
                if (m["入党日期"] is None or m["入党日期"] <= last) and (m.get("转出日期") is None or m["转出日期"] >= first):
                    if (m["姓名"], f"{year}-{month:02d}") not in paid:
                        unmet.add(("dues", m["姓名"], f"{year}-{month:02d}"))

    # documents
    docs = [(d["类别"], d["年度"]) for d in ledger.tables["documents"] if d["文件"] in files]
    for kind in ("成立批复", *synth._RULES, *synth._REGISTERS):
        if not any(k == kind for k, _ in docs):
            unmet.add(("document", kind, ""))
    for year in spec.years:
        for kind in ("年度工作计划", "教育培训计划", "发展党员计划", "党风廉政教育计划", "年度总结"):
            if (kind, year) not in docs:
                unmet.add(("document", kind, str(year)))

    # facilities, committee approvals, people
    for row in ledger.tables["facilities"]:
        if not (row["是否具备"] == "是" and row["实景图片"] in files):
            unmet.add(("photo", row["项目"]))
    for c in branch["committee"]:
        if c["role"] in ("书记", "副书记") and c.get("approval") not in files:
            unmet.add(("approval", c["role"]))
    names = {m["姓名"]: m for m in members}
    for c in branch["committee"]:
        assert names[c["name"]]["组织关系在本支部"] == "是"
    formal_here = [m for m in members if m["类别"] == "正式党员" and m["组织关系在本支部"] == "是"
                   and m.get("转出日期") is None]
    if len(formal_here) < 3:
        unmet.add(("count", "formal_members_here"))
    if not branch.get("party_workers"):
        unmet.add(("count", "party_workers"))
    start = branch["term"]["start"]
    if synth._add_years(start, branch["term"]["years"]) <= dt.date(max(spec.years), 12, 31):
        unmet.add(("term",))

    # trainings
    for year in spec.years:
        rows = [t for t in ledger.tables["trainings"] if t["日期"].year == year and t["证明材料"] in files]
        if not any(t["姓名"] == secretary and t["类型"] == "集中培训" for t in rows):
            unmet.add(("training", "secretary", str(year)))
        if branch.get("instructor") and sum(t["姓名"] == branch["instructor"] for t in rows) < 2:
            unmet.add(("training", "instructor", str(year)))

    # honours (in the window, or before it for 示范点/党建品牌)
    levels = ["镇街级", "区县级", "市级", "省级", "国家级"]
    first_day = dt.date(min(spec.years), 1, 1)
    last_day = dt.date(max(spec.years), 12, 31)
    honors = [h for h in ledger.tables["honors"] if h["证明材料"] in files]

    def has(kind: str, min_level: str | None = None, before_ok: bool = False) -> bool:
        return any(h["类别"] == kind and h["日期"] <= last_day and (before_ok or h["日期"] >= first_day)
                   and (min_level is None or levels.index(h["级别"]) >= levels.index(min_level)) for h in honors)

    if not (has("批示表扬", "市级") or has("媒体报道", "省级") or has("示范点", "镇街级", True)):
        unmet.add(("honor", "30"))
    if not has("表彰", "市级"):
        unmet.add(("honor", "31"))
    if not has("党建品牌", None, True):
        unmet.add(("honor", "32"))
    if not has("文章发表", "省级"):
        unmet.add(("honor", "33"))

    sa = yaml.safe_load(ledger.self_assessment_yaml)
    assert {k: v["score"] for k, v in sa.items()} == {"4": 2, "5": 4, "12": 2}
    for item in sa.values():
        assert item["evidence"] and all(p in files for p in item["evidence"])
    return unmet


# ---------------------------------------------------------------------------------------------------------
# Completeness and gap knobs


def test_complete_branch_satisfies_every_rule():
    ledger = build_ledger(build_examples.five_star_spec())
    assert ledger.dropped == []
    assert unmet_units(ledger) == set()
    # what the brief promises about the complete example
    dues_months = [r["月份"] for r in ledger.tables["dues"]]
    assert any("~" in m or "至" in m for m in dues_months)
    assert sum(m["类别"] in ("正式党员", "预备党员") for m in ledger.tables["members"]) >= 10
    multi = [r["类型"] for r in ledger.tables["meetings"] if "、" in r["类型"]]
    assert "组织生活会、民主评议党员" in multi


@pytest.mark.parametrize("index", range(1, 41))
def test_varied_branches_without_gaps_are_complete(index):
    spec = random_spec(index, seed=3, random_gap_rate=0.0)
    ledger = build_ledger(spec)
    assert ledger.dropped == []
    assert unmet_units(ledger) == set()


def test_multi_year_branch_is_complete():
    spec = BranchSpec(years=(2023, 2024, 2025), groups=3, formal=20, probationary=2, left_members=1, seed=11)
    ledger = build_ledger(spec)
    assert unmet_units(ledger) == set()
    assert "转出日期" in ledger.headers("members")


def test_with_gaps_example_has_exactly_the_planted_gaps():
    spec = build_examples.with_gaps_spec()
    ledger = build_ledger(spec)
    planted = {("meeting", "支部委员会", "2025-07", ""), ("meeting", "党课", "2025-Q3", ""),
               ("dues", "吴嘉欣", "2025-09"), ("photo", "党旗")}
    assert unmet_units(ledger) == planted
    assert {str(g) for g in ledger.dropped} == {"meeting 支部委员会 2025-07", "meeting 党课 2025-Q3",
                                                "dues 吴嘉欣 2025-09", "photo 党旗"}
    # the photo path is written, the file is not
    flag = next(r for r in ledger.tables["facilities"] if r["项目"] == "党旗")
    assert flag["实景图片"] in ledger.referenced and flag["实景图片"] not in ledger.files
    # the secretary's yearly 党课 still exists, in another quarter
    secretary_lectures = [r for r in ledger.tables["meetings"] if r["类型"] == "党课" and r["讲课人"] == "李卫东"]
    assert secretary_lectures and all(r["日期"].month not in (7, 8, 9) for r in secretary_lectures)


def _meeting_units(ledger):
    units = []
    for r in ledger.tables["meetings"]:
        for t in re.split(r"[、,，+/]", r["类型"]):
            units.append((r["日期"], t, r.get("党小组")))
    return sorted(units, key=str)


def test_gap_knobs_remove_exactly_the_named_units():
    base = dict(groups=2, formal=12, seed=5)
    complete = build_ledger(BranchSpec(**base))
    gapped = build_ledger(BranchSpec(
        **base,
        missing_meetings=[("支部委员会", "2025-07"), ("党小组会:第一党小组", "2025-05"), ("组织生活会", "2025-Q4"),
                          ("廉政教育", "2025-H1")],
        unpaid_dues=[(complete.tables["members"][3]["姓名"], "2025-09")],
        missing_photos=["党旗", "宣传栏"],
        missing_documents=["年度总结:2025", "考勤册"],
    ))
    removed = set(_meeting_units(complete)) - set(_meeting_units(gapped))
    assert set(_meeting_units(gapped)) <= set(_meeting_units(complete))
    assert {(t, g, d.strftime("%Y-%m")) for d, t, g in removed} == {
        ("支部委员会", None, "2025-07"), ("党小组会", "第一党小组", "2025-05"), ("组织生活会", None, "2025-12"),
        ("廉政教育", None, "2025-05")}
    # the combined 组织生活会、民主评议党员 keeps its other type
    assert any(r["类型"] == "民主评议党员" and r["日期"].month == 12 for r in gapped.tables["meetings"])
    # nothing else changed
    for stem in ("members", "trainings", "facilities", "honors"):
        assert gapped.tables[stem] == complete.tables[stem]
    assert len(gapped.tables["dues"]) == len(complete.tables["dues"]) - 1
    assert [r for r in complete.tables["dues"] if r not in gapped.tables["dues"]] == [
        r for r in complete.tables["dues"] if r["姓名"] == complete.tables["members"][3]["姓名"]
        and r["月份"] == "2025-09"]
    lost_docs = [d for d in complete.tables["documents"] if d not in gapped.tables["documents"]]
    assert sorted((d["类别"], d["年度"]) for d in lost_docs) == [("年度总结", 2025), ("考勤册", 2025)]
    lost_files = set(complete.files) - set(gapped.files)
    assert {"evidence/阵地/党旗.png", "evidence/阵地/宣传栏.png"} <= lost_files
    assert all(p.startswith(("evidence/会议/", "evidence/阵地/", "evidence/计划总结/", "evidence/名册/"))
               for p in lost_files)
    unmet = unmet_units(gapped)
    assert ("topic", "廉洁自律准则/纪律处分条例", "2025") not in unmet  # still met by H2 and by 集中学习
    assert unmet == {
        ("meeting", "支部委员会", "2025-07", ""), ("meeting", "党小组会", "2025-05", "第一党小组"),
        ("meeting", "组织生活会", "2025-Q4", ""), ("meeting", "廉政教育", "2025-H1", ""),
        ("dues", complete.tables["members"][3]["姓名"], "2025-09"), ("photo", "党旗"), ("photo", "宣传栏"),
        ("document", "年度总结", "2025"), ("document", "考勤册", "")}


def test_secretary_lecture_knob_keeps_the_lectures():
    complete = build_ledger(BranchSpec(seed=4))
    gapped = build_ledger(BranchSpec(seed=4, missing_meetings=[("党课:书记", "2025")]))
    lectures = [r for r in gapped.tables["meetings"] if r["类型"] == "党课"]
    assert len(lectures) == 4 == len([r for r in complete.tables["meetings"] if r["类型"] == "党课"])
    assert unmet_units(gapped) == {("lecturer", "党课", "2025")}


def test_missing_files_knob():
    path = "evidence/制度/学习制度.pdf"
    ledger = build_ledger(BranchSpec(seed=4, missing_files=[path]))
    assert path in ledger.referenced and path not in ledger.files
    assert [str(g) for g in ledger.dropped] == [f"file {path}"]


@pytest.mark.parametrize("knobs", [
    dict(missing_meetings=[("周例会", "2025-07")]),
    dict(missing_meetings=[("党课", "2025-07")]),  # 党课 is held in the last month of each quarter
    dict(missing_meetings=[("党小组会:第九党小组", "2025-07")]),
    dict(missing_meetings=[("支部委员会", "2025-13")]),
    dict(unpaid_dues=[("不存在", "2025-03")]),
    dict(unpaid_dues=[("陈志明", "2025-Q1")]),
    dict(missing_photos=["党旗杆"]),
    dict(missing_documents=["工作方案"]),
    dict(missing_files=["evidence/nowhere.pdf"]),
])
def test_knobs_that_match_nothing_are_refused(knobs):
    with pytest.raises(ValueError):
        build_ledger(BranchSpec(secretary="陈志明", groups=1, seed=1, **knobs))


def test_random_gaps_are_the_dropped_units():
    spec = random_spec(7, seed=1, random_gap_rate=0.15)
    ledger = build_ledger(spec)
    assert ledger.dropped
    expected = set()
    for g in ledger.dropped:
        if g.kind == "meeting":
            expected.add(("meeting", g.what, g.period, g.group))
        elif g.kind == "dues":
            expected.add(("dues", g.what, g.period))
        elif g.kind == "photo":
            expected.add(("photo", g.what))
        elif g.kind == "lecturer":
            expected.add(("lecturer", "党课", g.period))
    kinds = ("meeting", "dues", "photo", "lecturer")
    assert {u for u in unmet_units(ledger) if u[0] in kinds} == expected
    assert build_ledger(random_spec(7, seed=1, random_gap_rate=0.15)).dropped == ledger.dropped


# ---------------------------------------------------------------------------------------------------------
# Files on disk


def test_generation_is_deterministic(tmp_path):
    spec = build_examples.five_star_spec()
    for fmt in ("yaml", "xlsx"):
        write_branch(tmp_path / f"a-{fmt}", spec, fmt)
        write_branch(tmp_path / f"b-{fmt}", spec, fmt)
        a, b = tree(tmp_path / f"a-{fmt}"), tree(tmp_path / f"b-{fmt}")
        assert a == b
        assert (f"members.{fmt}" in a) and ("branch.yaml" in a) and ("self_assessment.yaml" in a)
    other = build_ledger(BranchSpec(**{**spec.__dict__, "seed": 99}))
    assert other.tables["meetings"] != build_ledger(spec).tables["meetings"]


def test_xlsx_headers_and_cells(tmp_path):
    ledger = write_branch(tmp_path / "b", build_examples.five_star_spec())
    for stem in STEMS:
        wb = openpyxl.load_workbook(tmp_path / "b" / f"{stem}.xlsx")
        ws = wb.worksheets[0]
        headers = [c.value for c in ws[1]]
        assert headers == synth.TABLE_HEADERS[stem] == ledger.headers(stem)
        assert ws.max_row == len(ledger.tables[stem]) + 1
    members = openpyxl.load_workbook(tmp_path / "b" / "members.xlsx")
    assert members.sheetnames[0] == "党员名册"
    row = [c for c in members.worksheets[0][2]]
    cells = dict(zip(synth.TABLE_HEADERS["members"], row))
    assert cells["出生日期"].is_date and "年" in cells["出生日期"].number_format
    assert cells["入党日期"].is_date
    id_number, phone = cells["身份证号"].value, cells["手机"].value
    assert isinstance(id_number, str) and len(id_number) == 18 and id_number.startswith("4419")
    assert isinstance(phone, str) and re.fullmatch(r"1[3-9]\d{9}", phone)
    meetings = openpyxl.load_workbook(tmp_path / "b" / "meetings.xlsx").worksheets[0]
    assert meetings["A2"].is_date and meetings["A2"].number_format == "yyyy-mm-dd"
    dues = openpyxl.load_workbook(tmp_path / "b" / "dues.xlsx").worksheets[0]
    assert all(isinstance(c.value, str) for c in dues["B"][1:])  # 月份 as text
    assert all(c.is_date for c in dues["D"][1:])


def test_identity_numbers_are_valid_and_maskable():
    from dangjian_cli.masking import redact

    ledger = build_ledger(random_spec(2, seed=0, random_gap_rate=0))
    for m in ledger.tables["members"]:
        number = m["身份证号"]
        weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        assert number[-1] == "10X98765432"[sum(int(c) * w for c, w in zip(number, weights)) % 11]
        assert number[6:14] == m["出生日期"].strftime("%Y%m%d")
        assert (int(number[16]) % 2 == 1) == (m["性别"] == "男")
        assert number not in redact(f"{m['姓名']} {number} {m['手机']}")
        assert m["手机"] not in redact(f"{m['姓名']} {number} {m['手机']}")


def test_yaml_and_xlsx_forms_hold_the_same_content(tmp_path):
    spec = random_spec(5, seed=2, random_gap_rate=0.05)
    spec.cn_builtin_dates = False
    x = write_branch(tmp_path / "x", spec, "xlsx")
    y = write_branch(tmp_path / "y", spec, "yaml")
    tx, ty = tree(tmp_path / "x"), tree(tmp_path / "y")
    assert {k for k in tx if not k.endswith(".xlsx")} == {k for k in ty if not k.endswith(".yaml")} | {
        "branch.yaml", "self_assessment.yaml"}
    for stem in STEMS:
        if not x.tables[stem]:
            continue
        headers, rows = xlsx_rows(tmp_path / "x" / f"{stem}.xlsx")
        loaded = yaml.safe_load((tmp_path / "y" / f"{stem}.yaml").read_text(encoding="utf-8"))
        assert rows == loaded, stem
        assert headers == list(loaded[0].keys()) or set(loaded[0]) <= set(headers)
    assert y.dropped == x.dropped


def test_yaml_has_no_anchors_and_keeps_text(tmp_path):
    write_branch(tmp_path / "y", build_examples.five_star_spec(), "yaml")
    for path in (tmp_path / "y").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(^|\s)[&*]id\d+", text), path
    members = yaml.safe_load((tmp_path / "y" / "members.yaml").read_text(encoding="utf-8"))
    assert all(isinstance(m["手机"], str) and isinstance(m["身份证号"], str) for m in members)


def test_openpyxl_engine_writes_the_same_cells(tmp_path):
    spec = build_examples.with_gaps_spec()
    write_branch(tmp_path / "fast", spec)
    write_branch(tmp_path / "opx", spec, xlsx_engine="openpyxl")
    for stem in STEMS:
        assert xlsx_rows(tmp_path / "fast" / f"{stem}.xlsx") == xlsx_rows(tmp_path / "opx" / f"{stem}.xlsx")
    write_branch(tmp_path / "opx2", spec, xlsx_engine="openpyxl")
    assert tree(tmp_path / "opx") == tree(tmp_path / "opx2")  # deterministic too


def test_calamine_reads_dates_including_builtin_chinese_formats(tmp_path):
    calamine = pytest.importorskip("python_calamine")
    spec = build_examples.five_star_spec()
    spec.cn_builtin_dates = True
    ledger = write_branch(tmp_path / "b", spec)
    sheet = calamine.CalamineWorkbook.from_path(str(tmp_path / "b" / "members.xlsx")).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0] == ledger.headers("members")
    first = dict(zip(rows[0], rows[1]))
    assert first["出生日期"] == ledger.tables["members"][0]["出生日期"]
    assert first["身份证号"] == ledger.tables["members"][0]["身份证号"]


def test_empty_record_files_are_left_out(tmp_path):
    spec = BranchSpec(seed=1, random_gap_rate=1.0, formal=3, probationary=0, activists=0)
    ledger = write_branch(tmp_path / "b", spec)
    assert ledger.tables["honors"] == [] and not (tmp_path / "b" / "honors.xlsx").exists()
    assert (tmp_path / "b" / "members.xlsx").exists()


def test_write_branch_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.txt").write_text("x")
    with pytest.raises(FileExistsError):
        write_branch(tmp_path / "b", BranchSpec())


def test_generate_many(tmp_path):
    folders = generate(tmp_path / "r1", 8, seed=4)
    assert [f.name for f in folders] == [f"branch-{i:04d}" for i in range(1, 9)]
    again = generate(tmp_path / "r2", 8, seed=4)
    for a, b in zip(folders, again):
        assert tree(a) == tree(b)
    for folder in folders:
        branch = yaml.safe_load((folder / "branch.yaml").read_text(encoding="utf-8"))
        assert 0 <= len(branch["groups"]) <= 3
        _, members = xlsx_rows(folder / "members.xlsx")
        assert 3 <= sum(m["类别"] in ("正式党员", "预备党员") for m in members) <= 60
    sizes = set()
    for i in range(1, 200):
        spec = random_spec(i, seed=4)
        sizes.add(spec.formal + spec.probationary)
        assert 3 <= spec.formal + spec.probationary <= 60
        assert 0 <= len(synth._group_names(spec.groups)) <= 3
    assert min(sizes) <= 5 and max(sizes) >= 40


# ---------------------------------------------------------------------------------------------------------
# The bundled examples


@pytest.mark.parametrize("name", sorted(build_examples.EXAMPLES))
def test_examples_on_disk_match_build_examples(tmp_path, name):
    built = build_examples.build(tmp_path)[name]
    on_disk = EXAMPLES / name
    assert on_disk.is_dir(), "run: python examples/build_examples.py"
    assert tree(on_disk) == tree(tmp_path / name), "examples are stale; run: python examples/build_examples.py"
    for stem, count in built.row_counts.items():
        if count:
            _, rows = xlsx_rows(on_disk / f"{stem}.xlsx")
            assert len(rows) == count


def test_examples_are_small():
    size = sum(p.stat().st_size for p in EXAMPLES.rglob("*") if p.is_file())
    assert size < 1_000_000
