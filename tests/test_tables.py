"""parse_sheet (a column at a time) must agree with parse_row (a row at a time) on values and on errors."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian_cli.errors import ErrorCollector
from dangjian_cli.ledger import specs
from dangjian_cli.ledger.tables import RawRow, parse_row, parse_sheet
from dangjian_cli.ledger.xlsx_source import cell_value, column_letter

# What calamine hands over, including the values that are equal across types (True == 1 == 1.0)
CELLS = st.sampled_from([
    None, "", "  ", True, False, 0, 1, 2, 1.5, -3, "1", "0", "是", "否", "abc", "2025-03", "2025-01~2025-03",
    dt.date(2025, 3, 4), dt.datetime(2025, 3, 4, 0, 0), dt.datetime(2025, 3, 4, 5, 6), dt.time(3, 4),
    "支委会", "支委会、党课", "党员大会", "张三", "evidence/a.pdf", "evidence/a.pdf；evidence/b.pdf", 10**13,
])

SPECS = [specs.MEMBERS, specs.MEETINGS, specs.DUES, specs.TRAININGS, specs.DOCUMENTS, specs.FACILITIES,
         specs.HONORS]


def row_by_row(spec, rows):
    """The reference: what the loader did before parsing by column."""
    errors = ErrorCollector()
    header_row, header = rows[0]
    index = {f.name: header.index(f.label) for f in spec.fields if f.label in header}
    letters = {name: column_letter(i) for name, i in index.items()}
    out = []
    for number, cells in rows[1:]:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        raw = RawRow(f"x.xlsx 第{number}行", number, None,
                     {name: cells[i] if i < len(cells) else None for name, i in index.items()}, letters)
        values = parse_row(spec, raw, "x.xlsx", errors, "表")
        if values is not None:
            out.append((raw.source, values))
    return out, [str(e) for e in errors.errors]


def by_column(spec, rows):
    errors = ErrorCollector()
    out = [(raw.source, {name: value for name, value in values.items() if value is not None})  # None: empty cell
           for raw, values in parse_sheet(spec, "表", rows, "x.xlsx", errors).rows()]
    return out, [str(e) for e in errors.errors]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.sampled_from(SPECS), st.data())
def test_column_parse_matches_row_parse(spec, data):
    header = [f.label for f in spec.fields]
    width = len(header)
    body = data.draw(st.lists(st.lists(CELLS, min_size=0, max_size=width), min_size=0, max_size=8))
    if data.draw(st.booleans()):  # as the xlsx reader hands them over: every row as wide as the widest
        body = [cells + [None] * (width - len(cells)) for cells in body]
    rows = [(1, header)] + [(n + 2, cells) for n, cells in enumerate(body)]
    assert by_column(spec, rows) == row_by_row(spec, rows)


def as_calamine_gives(cell):
    """A ledger value in the form calamine hands it over: "" for an empty cell, a float for every number."""
    if cell is None:
        return ""
    return float(cell) if cell.__class__ is int else cell


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.sampled_from(SPECS), st.data())
def test_cells_as_calamine_gives_them_parse_as_their_ledger_values(spec, data):
    """parse_sheet converts each distinct raw value (cell_value); the result is that of the converted rows."""
    header = [f.label for f in spec.fields]
    width = len(header)
    raw_cells = st.one_of(CELLS.map(as_calamine_gives), st.sampled_from([dt.timedelta(hours=36), 3.0, 0.0, ""]))
    body = data.draw(st.lists(st.lists(raw_cells, min_size=width, max_size=width), min_size=0, max_size=8))
    raw_rows = [(1, header)] + [(n + 2, cells) for n, cells in enumerate(body)]
    converted = [(n, [cell_value(c) for c in cells]) for n, cells in raw_rows]
    assert by_column(spec, raw_rows) == row_by_row(spec, converted)


def test_true_and_one_in_one_column_are_parsed_apart():
    header = [f.label for f in specs.DUES.fields]
    amount = header.index("金额")
    rows = [(1, header)]
    for n, value in enumerate([1, True, 1, False, 0], start=2):
        cells = ["张三", "2025-01", None, None, None]
        cells[amount] = value
        rows.append((n, cells))
    values, errors = by_column(specs.DUES, rows)
    assert [source for source, _ in values] == ["x.xlsx 第2行", "x.xlsx 第4行", "x.xlsx 第6行"]
    assert len(errors) == 2 and "第3行" not in errors[0] and "C3" in errors[0] and "C5" in errors[1]
    assert (values, errors) == row_by_row(specs.DUES, rows)


# ─── the loader around it: file lookup and evidence resolution from folder listings ──────────────────────

from conftest import write_branch  # noqa: E402

from dangjian_cli.errors import InputErrors  # noqa: E402
from dangjian_cli.ledger import load  # noqa: E402


def test_record_file_names_match_without_case_when_no_exact_name(tmp_path):
    folder = write_branch(tmp_path / "b", members=None)
    (folder / "Members.YAML").write_text("- 姓名: 张书记\n  类别: 正式党员\n", encoding="utf-8")
    assert [m.name for m in load(folder).members] == ["张书记"]


def test_two_spellings_of_one_record_file_are_ambiguous(tmp_path):
    folder = write_branch(tmp_path / "b", members=None)
    for name in ("Members.yaml", "MEMBERS.yaml"):
        (folder / name).write_text("- 姓名: 张书记\n  类别: 正式党员\n", encoding="utf-8")
    try:
        load(folder)
    except InputErrors as exc:
        assert "同一份台账有多个文件" in exc.summary()
    else:
        raise AssertionError("two spellings of members must be refused")


def test_a_record_file_that_is_a_folder_is_not_a_record_file(tmp_path):
    folder = write_branch(tmp_path / "b")
    (folder / "meetings.xlsx").mkdir()
    assert load(folder).meetings == ()


def test_evidence_through_a_linked_folder_inside_the_branch(tmp_path):
    folder = write_branch(tmp_path / "b", files=["evidence/2025/纪要.pdf"], meetings=[
        {"日期": "2025-01-05", "类型": "支委会", "纪要": "evidence/本年/纪要.pdf；evidence/本年/没有.pdf"}])
    (folder / "evidence" / "本年").symlink_to(folder / "evidence" / "2025", target_is_directory=True)
    minutes = load(folder).meetings[0].minutes
    assert [(e.path, e.status) for e in minutes] == [("evidence/本年/纪要.pdf", "ok"),
                                                      ("evidence/本年/没有.pdf", "missing")]


def test_evidence_folder_names_are_matched_as_they_are_written_in_the_folder(tmp_path):
    folder = write_branch(tmp_path / "b", files=["evidence/会议/纪要.pdf"], meetings=[
        {"日期": "2025-01-05", "类型": "支委会", "纪要": "Evidence/会议/纪要.pdf"},
        {"日期": "2025-02-05", "类型": "支委会", "纪要": "evidence/会议/纪要.pdf"}])
    assert [m.minutes[0].status for m in load(folder).meetings] == ["missing", "ok"]
