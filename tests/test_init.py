"""dj init: a new branch folder whose templates follow the column specs, validate, and score."""

from __future__ import annotations

import datetime as dt
import json
import re

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from conftest import write_branch
from dangjian_cli import scaffold
from dangjian_cli.cli import app
from dangjian_cli.ledger import load, specs
from dangjian_cli.ledger.tables import column_letter
from dangjian_cli.ledger.xlsx_source import read_first_sheet

runner = CliRunner()
TODAY = dt.date(2026, 1, 15)  # examples then fall in December 2025


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """One folder made by scaffold.create with a fixed 'today' (the CLI uses the real one)."""
    folder = tmp_path_factory.mktemp("init") / "新支部"
    scaffold.create(folder, today=TODAY)
    return folder


def _columns(spec):
    return {f.name: column_letter(i) for i, f in enumerate(spec.fields)}


def _validations(ws) -> dict[str, object]:
    """Column letter → the list validation covering that column from row 2."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            m = re.fullmatch(r"([A-Z]+)2:\1(\d+)", rng)
            assert m, f"unexpected validation range {rng}"
            assert int(m.group(2)) >= 1000
            found[m.group(1)] = dv
    return found


def _list_values(wb, dv) -> list[str]:
    formula = dv.formula1
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    m = re.fullmatch(r"'?(.+?)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert m, formula
    sheet = wb[m.group(1)]
    assert sheet.sheet_state == "hidden"
    return [sheet[f"{m.group(2)}{r}"].value for r in range(int(m.group(3)), int(m.group(5)) + 1)]


# ---------------------------------------------------------------------------------------------------------
# the command


def test_init_cli_creates_a_folder_that_validates(tmp_path):
    folder = tmp_path / "新支部"
    result = run("init", folder)
    assert result.exit_code == 0, result.output
    assert "已新建" in result.stdout and "dj validate" in result.stdout
    for name in ("branch.yaml", "self_assessment.yaml", "evidence/README.txt",
                 *(f"{s.name}.xlsx" for s in specs.RECORD_TABLES)):
        assert (folder / name).is_file(), name
    for sub in scaffold.EVIDENCE_FOLDERS:
        assert (folder / "evidence" / sub).is_dir()
    checked = run("validate", folder)
    assert checked.exit_code == 0, checked.output
    assert "台账格式检查通过：某某律师事务所党支部" in checked.stdout


def test_fresh_folder_scores_low_with_a_long_todo_list(tmp_path):
    folder = tmp_path / "b"
    assert run("init", folder).exit_code == 0
    result = run("score", folder, "--year", "2025", "--as-of", "2026-01-15", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert 0 < data["total"] < 30
    assert data["five_star"] is False
    assert len(data["gaps"]) >= 20
    findings = [f for i in data["indicators"] for f in i["findings"]]
    assert len(findings) >= 30


def test_examples_count_in_the_month_before_today(fresh):
    result = run("score", fresh, "--year", "2025", "--as-of", "2026-01-15", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert 0 < data["total"] < 30
    gaps = data["gaps"]
    assert len(gaps) >= 20
    # the example 支部党员大会 (December 2025) meets Q4's requirement, so Q4 is not a gap
    meetings = [g for g in gaps if g["event"] == "支部党员大会"]
    assert {g["period"] for g in meetings} == {"2025-Q1", "2025-Q2", "2025-Q3"}
    # the example rows point at evidence that is not there yet: each is on the to-do list
    messages = " ".join(f["message"] for i in data["indicators"] for f in i["findings"])
    assert "evidence/会议记录/2025-12-" in messages
    assert "evidence/批复/书记批复.pdf" in messages
    # personal identifiers stay masked
    assert "441900198205160015" not in result.stdout and "13800138000" not in result.stdout


def test_init_refuses_a_non_empty_folder(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "members.xlsx").write_bytes(b"mine")
    result = run("init", folder)
    assert result.exit_code == 2
    assert "不是空的" in result.stderr
    assert "Traceback" not in result.output
    assert (folder / "members.xlsx").read_bytes() == b"mine"
    assert sorted(p.name for p in folder.iterdir()) == ["members.xlsx"]


def test_init_refuses_a_file_and_accepts_an_empty_folder(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x")
    result = run("init", target)
    assert result.exit_code == 2
    assert "不是文件夹" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("init", empty).exit_code == 0
    assert (empty / "branch.yaml").is_file()


def test_init_inside_an_existing_branch_folder(tmp_path):
    parent = write_branch(tmp_path / "branch")
    result = run("init", parent / "二支部" / "台账")
    assert result.exit_code == 0, result.output
    assert run("validate", parent / "二支部" / "台账").exit_code == 0
    assert run("validate", parent).exit_code == 0


# ---------------------------------------------------------------------------------------------------------
# the Excel templates


@pytest.mark.parametrize("spec", specs.RECORD_TABLES, ids=lambda s: s.name)
def test_template_layout(fresh, spec):
    wb = openpyxl.load_workbook(fresh / f"{spec.name}.xlsx")
    assert wb.sheetnames[:2] == [spec.title, scaffold.HELP_SHEET]
    assert all(ws.sheet_state == "hidden" for ws in wb.worksheets[2:])
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers == [f.label for f in spec.fields]  # plain labels: the loader reads them
    assert ws.freeze_panes == "A2"
    for f, cell in zip(spec.fields, ws[1]):
        assert cell.font.b
        assert cell.fill.fgColor.rgb == (scaffold.REQUIRED_FILL if f.required else scaffold.OPTIONAL_FILL)
        assert cell.comment is not None and ("【必填】" if f.required else "【选填】") in cell.comment.text
        width = ws.column_dimensions[column_letter(spec.fields.index(f))].width
        assert 8 <= width <= 60
    # exactly one example row, and it is marked as such
    assert ws.max_row == 2
    assert "示例" in ws["A2"].comment.text
    # 说明 explains every column and says the example row is a real record
    help_text = " ".join(str(c.value) for row in wb[scaffold.HELP_SHEET].iter_rows() for c in row if c.value)
    for f in spec.fields:
        assert f.label in help_text
    assert "示例记录" in help_text and "整行删除" in help_text


@pytest.mark.parametrize("spec", specs.RECORD_TABLES, ids=lambda s: s.name)
def test_dropdowns_on_every_enumerated_column(fresh, spec):
    wb = openpyxl.load_workbook(fresh / f"{spec.name}.xlsx")
    found = _validations(wb.worksheets[0])
    columns = _columns(spec)
    enumerated = {f.name for f in spec.fields if scaffold.choice_of(f) is not None}
    assert set(found) == {columns[name] for name in enumerated}
    for f in spec.fields:
        if f.name not in enumerated:
            continue
        dv = found[columns[f.name]]
        assert dv.type == "list"
        values = _list_values(wb, dv)
        assert values == list(scaffold.choice_of(f).values)
        for value in values:  # every value offered is one the loader accepts
            parsed = f.parse(value)
            assert parsed in (value, (value,)) or f.name in {"relation_here", "management", "investor", "mobile", "present"}
        if scaffold.choice_of(f).multiple:
            assert dv.errorStyle == "warning"  # several types in one cell must stay possible
        else:
            assert dv.errorStyle == "stop"


def test_the_expected_dropdowns_exist(fresh):
    expected = {
        "members": {"category", "gender", "relation_here", "management", "investor", "mobile"},
        "meetings": {"type"},
        "trainings": {"kind"},
        "documents": {"kind"},
        "facilities": {"item", "present"},
        "honors": {"kind", "level"},
    }
    for spec in specs.RECORD_TABLES:
        wb = openpyxl.load_workbook(fresh / f"{spec.name}.xlsx")
        found = set(_validations(wb.worksheets[0]))
        columns = _columns(spec)
        assert {columns[n] for n in expected.get(spec.name, set())} <= found, spec.name
    members = openpyxl.load_workbook(fresh / "members.xlsx").worksheets[0]
    assert _validations(members)["B"].formula1 == '"正式党员,预备党员,发展对象,入党积极分子"'
    assert _validations(members)["C"].formula1 == '"男,女"'
    # long lists live on the hidden sheet (inline lists are capped at 255 characters)
    meetings = openpyxl.load_workbook(fresh / "meetings.xlsx")
    formula = _validations(meetings.worksheets[0])["B"].formula1
    assert formula.startswith(f"'{scaffold.LISTS_SHEET}'!")
    assert "组织生活会" in _list_values(meetings, _validations(meetings.worksheets[0])["B"])


def test_cell_formats(fresh):
    ws = openpyxl.load_workbook(fresh / "members.xlsx").worksheets[0]
    cols = _columns(specs.MEMBERS)
    for name in ("id_number", "phone"):
        assert ws.column_dimensions[cols[name]].number_format == "@"
        cell = ws[f"{cols[name]}2"]
        assert cell.number_format == "@" and isinstance(cell.value, str)
    for name in ("birth", "joined", "confirmed", "left"):
        assert ws.column_dimensions[cols[name]].number_format == scaffold.DATE_FORMAT
    assert ws[f"{cols['birth']}2"].is_date
    dues = openpyxl.load_workbook(fresh / "dues.xlsx").worksheets[0]
    dcols = _columns(specs.DUES)
    assert dues.column_dimensions[dcols["month"]].number_format == "@"  # 2025-01~2025-06 must stay text
    assert isinstance(dues[f"{dcols['month']}2"].value, str)


def test_loader_reads_the_examples_back(fresh):
    dates = scaffold.Dates.around(TODAY)
    raw = read_first_sheet(fresh / "meetings.xlsx", "meetings.xlsx")
    assert raw.sheet == specs.MEETINGS.title
    date_cell = raw.values[1][1][0]
    assert isinstance(date_cell, dt.date) and not isinstance(date_cell, str)  # a real Excel date
    members_raw = read_first_sheet(fresh / "members.xlsx", "members.xlsx")
    id_cell = members_raw.values[1][1][[f.name for f in specs.MEMBERS.fields].index("id_number")]
    assert id_cell == "441900198205160015"  # text, every digit kept

    ledger = load(fresh)
    member, = ledger.members
    assert (member.name, member.category, member.gender) == (scaffold.SECRETARY, "正式党员", "男")
    assert member.id_number == "441900198205160015" and member.phone == "13800138000"
    assert member.joined == dt.date(2008, 7, 1) and member.relation_here is True and member.mobile is False
    meeting, = ledger.meetings
    assert meeting.date == dates.meeting == dt.date(2025, 12, 12)
    assert meeting.types == ("支部党员大会",) and (meeting.expected, meeting.present) == (5, 5)
    assert meeting.minutes[0].path.startswith("evidence/会议记录/") and meeting.minutes[0].status == "missing"
    training, = ledger.trainings
    assert training.kind == "集中培训" and training.date.year == 2025
    payment, = ledger.dues
    assert (str(payment.first), str(payment.last)) == ("2025-12", "2025-12") and payment.amount == 50
    document, = ledger.documents
    assert (document.kind, document.year) == ("年度工作计划", 2025)
    facility, = ledger.facilities
    assert (facility.item, facility.present) == ("党组织牌匾", True)
    honor, = ledger.honors
    assert (honor.kind, honor.level) == ("媒体报道", "镇街级")
    assert ledger.self_assessment == {}


def test_every_column_is_described():
    for spec in specs.RECORD_TABLES:
        described = scaffold.DESCRIPTIONS[spec.name]
        assert set(described) == {f.name for f in spec.fields}, spec.name
        assert set(scaffold.example_rows(TODAY)[spec.name]) <= set(described)


# ---------------------------------------------------------------------------------------------------------
# branch.yaml, self_assessment.yaml, evidence/


def test_branch_yaml_is_commented_and_valid(fresh):
    text = (fresh / "branch.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert set(data) == {"name", "type", "parent", "unit", "unit_type", "town", "established", "phone", "term",
                         "committee", "groups", "instructor", "party_workers"}
    assert data["type"] == "党支部" and data["groups"] == []
    assert data["committee"][0]["role"] == "书记" and data["committee"][0]["name"] == scaffold.SECRETARY
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            assert "#" in line, f"no comment on: {line}"
    branch = load(fresh).branch
    assert branch.name == "某某律师事务所党支部" and branch.secretary == scaffold.SECRETARY
    assert branch.term_start == branch.established and branch.term_years == 3
    assert branch.party_workers == (scaffold.PARTY_WORKER,)


def test_self_assessment_examples_load_once_uncommented(fresh, tmp_path):
    text = (fresh / "self_assessment.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text) is None  # comments only: nothing is claimed yet
    for ident in ("4", "5", "12"):
        assert f'# "{ident}":' in text
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith('# "'))
    # what the header tells the user to do: drop the leading "# " of each example line
    uncommented = "\n".join(lines[:first] + [line[2:] if line.startswith("# ") else line for line in lines[first:]])
    folder = tmp_path / "b"
    scaffold.create(folder, today=TODAY)
    (folder / "self_assessment.yaml").write_text(uncommented, encoding="utf-8")
    entries = load(folder).self_assessment
    assert set(entries) == {"4", "5", "12"}
    assert [entries[i].score for i in ("4", "5", "12")] == [2, 4, 2]  # the full points of each indicator
    assert all(e.evidence and e.evidence[0].path.startswith("evidence/自评/") for e in entries.values())


def test_evidence_readme(fresh):
    data = (fresh / "evidence" / "README.txt").read_bytes()
    text = data.decode("utf-8-sig")
    assert "证明材料" in text and "evidence/会议记录/" in text
    for sub in scaffold.EVIDENCE_FOLDERS:
        assert f"{sub}/" in text
