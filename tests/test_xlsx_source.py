"""xlsx reading: values and row numbers, dates, and every refusal of the pre-parse guard.

Every workbook is built here, in code, into tmp_path — no stored binaries.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dangjian_cli
from dangjian_cli.errors import InputErrors
from dangjian_cli.ledger import xlsx_source
from dangjian_cli.ledger.xlsx_source import guard_xlsx, read_first_sheet

CHINESE = re.compile(r"[\u4e00-\u9fff]")
NAME = "members.xlsx"
MARCH_15 = dt.date(2024, 3, 15)
SERIAL_MARCH_15 = 45366  # 2024-03-15 in the 1900 date system

# ---------------------------------------------------------------------------------------------------------
# building workbooks

import hostile_files as h  # noqa: E402  (zips built by hand, for the fast-path refusals)
from hostile_files import CONTENT_TYPES, ROOT_RELS  # noqa: E402  (the same minimal package parts)

WS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"


def workbook_xml(sheets: list[tuple[str, str]], pr: str = "") -> str:
    entries = "".join(f'<sheet name="{name}" sheetId="{i + 1}" r:id="{rid}"/>' for i, (name, rid) in enumerate(sheets))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"{pr}<sheets>{entries}</sheets></workbook>"
    )


def workbook_rels(targets: dict[str, str]) -> str:
    entries = "".join(f'<Relationship Id="{rid}" Type="{WS_TYPE}" Target="{t}"/>' for rid, t in targets.items())
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{entries}</Relationships>'
    )


def sheet_xml(data: str, dimension: str | None = None, prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'{prolog}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{data}</sheetData></worksheet>"
    )


def raw_xlsx(path: Path, sheet: str | bytes, *, extra: dict | None = None, workbook: str | None = None,
             rels: str | None = None, sheet_part: str = "xl/worksheets/sheet1.xml") -> Path:
    """A minimal workbook whose first sheet is ``sheet`` (XML text), written part by part."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", workbook or workbook_xml([("Sheet1", "rId1")]))
        z.writestr("xl/_rels/workbook.xml.rels", rels or workbook_rels({"rId1": "worksheets/sheet1.xml"}))
        z.writestr(sheet_part, sheet)
        for name, content in (extra or {}).items():
            z.writestr(name, content)
    return path


def inline(text: str) -> str:
    return f'<is><t>{text}</t></is>'


def styled_numbers(path: Path, formats: list, value=SERIAL_MARCH_15) -> Path:
    """Column A: the format's label; column B: ``value`` in that number format.

    A format is a format code (str) or a built-in numFmtId (int). openpyxl cannot assign a bare built-in
    id such as 31, so those cells get a placeholder code that is then swapped for the id in styles.xml.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["格式", "值"])
    for i, fmt in enumerate(formats, start=2):
        ws.cell(row=i, column=1, value=str(fmt))
        cell = ws.cell(row=i, column=2, value=value)
        cell.number_format = fmt if isinstance(fmt, str) else f"PLACEHOLDER{fmt}"
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/styles.xml":
                text = data.decode()
                custom = dict(re.findall(r'<numFmt numFmtId="(\d+)" formatCode="PLACEHOLDER(\d+)"\s*/>', text))
                text = re.sub(r'<numFmt numFmtId="\d+" formatCode="PLACEHOLDER\d+"\s*/>', "", text)
                for custom_id, builtin_id in custom.items():
                    text = text.replace(f'numFmtId="{custom_id}"', f'numFmtId="{builtin_id}"')
                data = text.encode()
            zout.writestr(info, data)
    return path


def patch_headers(path: Path, part: str, fmt: str, local_at: int, central_at: int, value: int) -> None:
    """Write ``value`` into the local and central headers of ``part`` (offsets from each header's start)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        struct.pack_into(fmt, data, z.getinfo(part).header_offset + local_at, value)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_len] == part.encode():
            struct.pack_into(fmt, data, at + central_at, value)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def set_declared_size(path: Path, part: str, size: int) -> None:
    """Make the local and central headers of ``part`` lie about its uncompressed size."""
    patch_headers(path, part, "<I", 22, 24, size)


def refused(path: Path, name: str = NAME) -> InputErrors:
    """Reading must raise InputErrors quickly, each naming the file with a Chinese message."""
    started = time.perf_counter()
    with pytest.raises(InputErrors) as caught:
        read_first_sheet(path, name)
    assert time.perf_counter() - started < 2.0
    errors = caught.value.errors
    assert errors
    for error in errors:
        assert error.file == name
        assert CHINESE.search(error.message), error.message
    return caught.value


@pytest.fixture
def no_calamine(monkeypatch):
    """Fail the test if python-calamine is asked to open anything (the guard must refuse first)."""
    import python_calamine

    calls = []

    class Forbidden:
        @classmethod
        def from_filelike(cls, *args, **kwargs):
            calls.append(args)
            raise RuntimeError("forbidden")

        from_path = from_object = from_filelike

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Forbidden)
    yield
    assert not calls, "the guard let this file through to calamine"


# ---------------------------------------------------------------------------------------------------------
# values and row numbers


def test_values_types_and_row_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "党员名册"
    ws.append(["姓名", "年龄", "党费", "流动党员", "入党日期", "开会时间"])
    ws.append(["张三", 35, 12.5, True, dt.date(2010, 7, 1), dt.time(9, 30)])
    ws.append([])
    ws.append(["李四", None, 0, False, dt.datetime(2024, 3, 15, 14, 0), None])
    ws["A5"].number_format = "0.00"  # a formatted but empty cell: not data
    path = tmp_path / "members.xlsx"
    wb.save(path)

    data = read_first_sheet(path, NAME)

    assert data.sheet == "党员名册"
    assert data.values == [
        (1, ["姓名", "年龄", "党费", "流动党员", "入党日期", "开会时间"]),
        (2, ["张三", 35, 12.5, True, dt.date(2010, 7, 1), dt.time(9, 30)]),
        (3, [None] * 6),
        (4, ["李四", None, 0, False, dt.datetime(2024, 3, 15, 14, 0), None]),
    ]
    assert type(data.values[1][1][1]) is int  # 35, not 35.0: the same as YAML would give


def test_table_not_at_a1_keeps_spreadsheet_rows_and_columns(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"], ws["D3"] = "姓名", "类别"
    ws["C4"], ws["D4"] = "王五", "正式党员"
    ws["C7"] = "赵六"
    path = tmp_path / "t.xlsx"
    wb.save(path)

    rows = read_first_sheet(path, NAME).values

    assert [n for n, _ in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert rows[0] == (1, [None] * 4)
    assert rows[2] == (3, [None, None, "姓名", "类别"])
    assert rows[3] == (4, [None, None, "王五", "正式党员"])
    assert rows[6][1][2] == "赵六"  # C7


def test_empty_sheet_gives_no_rows(tmp_path):
    path = tmp_path / "e.xlsx"
    openpyxl.Workbook().save(path)
    assert read_first_sheet(path, NAME).values == []


def test_shared_strings_and_cells_without_r(tmp_path):
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           "<si><t>姓名</t></si><si><r><t>张</t></r><r><t>三</t></r></si></sst>")
    sheet = sheet_xml('<row><c t="s"><v>0</v></c></row><row><c t="s"><v>1</v></c><c><v>7</v></c></row>')
    path = raw_xlsx(tmp_path / "s.xlsx", sheet, extra={"xl/sharedStrings.xml": sst})
    assert read_first_sheet(path, NAME).values == [(1, ["姓名", None]), (2, ["张三", 7])]


# ---------------------------------------------------------------------------------------------------------
# dates

DATE_FORMATS = [
    "yyyy年m月d日",
    'yyyy"年"m"月"',
    'yyyy"年"m"月"d"日"',
    "yyyy/m/d",
    "yyyy/m/d;@",
    '[DBNum1][$-804]yyyy"年"m"月"d"日"',
    "yyyy-mm-dd",
    14,
    *range(27, 37),  # Chinese built-in formats (Excel/WPS zh-CN)
    *range(50, 59),
]


@pytest.fixture(scope="module")
def date_sheet(tmp_path_factory):
    path = styled_numbers(tmp_path_factory.mktemp("dates") / "dates.xlsx", DATE_FORMATS)
    return {row[0]: row[1] for _, row in read_first_sheet(path, NAME).values[1:]}


@pytest.mark.parametrize("fmt", DATE_FORMATS, ids=str)
def test_date_number_formats_give_dates(date_sheet, fmt):
    value = date_sheet[str(fmt)]
    assert isinstance(value, dt.date) and not isinstance(value, dt.datetime), (fmt, value)
    assert value == MARCH_15


def test_builtin_ids_really_are_in_styles_xml(tmp_path):
    # guard against the fixture silently writing custom formats instead of the built-in ids
    path = styled_numbers(tmp_path / "ids.xlsx", [31, 57])
    styles = zipfile.ZipFile(path).read("xl/styles.xml").decode()
    assert 'numFmtId="31"' in styles and 'numFmtId="57"' in styles
    assert "PLACEHOLDER" not in styles


@pytest.mark.parametrize(
    "fmt, value, expected",
    [("General", 2010, 2010), ("0", SERIAL_MARCH_15, SERIAL_MARCH_15), ("0.00", 3.5, 3.5), (2, 2010, 2010),
     ('0"岁"', 35, 35), ("#,##0.00", 1234.5, 1234.5), ('"第"0"名"', 3, 3)],
    ids=str,
)
def test_plain_numbers_stay_numbers(tmp_path, fmt, value, expected):
    rows = read_first_sheet(styled_numbers(tmp_path / "n.xlsx", [fmt], value=value), NAME).values
    got = rows[1][1][1]
    assert got == expected and type(got) is type(expected)


def test_text_that_looks_like_a_date_stays_text(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["2024-03-15", "2024年3月15日", "0123", "12:30"])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    assert read_first_sheet(path, NAME).values == [(1, ["2024-03-15", "2024年3月15日", "0123", "12:30"])]


def test_date1904_workbook(tmp_path):
    styles = ('<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="31"/></cellXfs></styleSheet>')
    path = raw_xlsx(
        tmp_path / "mac.xlsx",
        sheet_xml('<row r="1"><c r="A1" s="1"><v>43904</v></c></row>'),
        workbook=workbook_xml([("Sheet1", "rId1")], pr='<workbookPr date1904="1"/>'),
        extra={"xl/styles.xml": styles},
    )
    assert read_first_sheet(path, NAME).values == [(1, [MARCH_15])]


# ---------------------------------------------------------------------------------------------------------
# formulas and error values


def test_cached_formula_values_and_error_cells(tmp_path):
    sheet = sheet_xml(
        '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="e"><f>NA()</f><v>#N/A</v></c>'
        '<c r="C1" t="str"><f>IF(1,"","x")</f><v></v></c><c r="D1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>'
    )
    rows = read_first_sheet(raw_xlsx(tmp_path / "f.xlsx", sheet), NAME).values
    assert rows == [(1, [2, "#N/A", None, "ab"])]


def test_formula_without_cached_value_is_reported_per_cell(tmp_path, no_calamine):
    wb = openpyxl.Workbook()  # openpyxl writes formulas with an empty <v/>: never calculated
    ws = wb.active
    ws.title = "会议"
    ws.append(["应到", "实到", "比例"])
    ws.append([10, 9, "=B2/A2"])
    ws.append([10, 8, "=B3/A3"])
    path = tmp_path / "meetings.xlsx"
    wb.save(path)

    errors = refused(path, "meetings.xlsx").errors

    assert [(e.sheet, e.row, e.column) for e in errors] == [("会议", 2, "C"), ("会议", 3, "C")]
    assert "公式没有计算结果" in errors[0].message
    assert "C2" in str(errors[0])


def test_formula_without_v_element(tmp_path, no_calamine):
    sheet = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="B2"><f>A1*2</f></c></row>')
    errors = refused(raw_xlsx(tmp_path / "f.xlsx", sheet)).errors
    assert [(e.row, e.column) for e in errors] == [(2, "B")]


# ---------------------------------------------------------------------------------------------------------
# refusals: not an xlsx at all


def test_not_a_zip(tmp_path, no_calamine):
    path = tmp_path / NAME
    path.write_text("姓名,类别\n张三,正式党员\n", encoding="utf-8")
    assert "zip" in refused(path).errors[0].message


def test_empty_file(tmp_path, no_calamine):
    path = tmp_path / NAME
    path.write_bytes(b"")
    refused(path)


def test_ole_file_is_named_as_encrypted_or_old_xls(tmp_path, no_calamine):
    path = tmp_path / NAME
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4088)
    message = refused(path).errors[0].message
    assert "加密" in message and ".xls" in message


def test_truncated_zip(tmp_path, no_calamine):
    whole = tmp_path / "whole.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名"])
    wb.save(whole)
    path = tmp_path / NAME
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    refused(path)


def test_zip_without_a_workbook(tmp_path, no_calamine):
    path = tmp_path / NAME
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    refused(path)


def test_damaged_part_data(tmp_path, no_calamine):
    path = raw_xlsx(tmp_path / NAME, sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>' * 50))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename)
    data[start + 5:start + 25] = b"\xff" * 20
    path.write_bytes(bytes(data))
    refused(path)


# ---------------------------------------------------------------------------------------------------------
# refusals: zip bombs and zip tricks

SIXTY_FIVE_MIB = 65 * 1024 * 1024


def test_zip_bomb_part_declared_over_64_mib(tmp_path, no_calamine):
    path = tmp_path / NAME
    raw_xlsx(path, sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xl/media/image1.png", bytes(SIXTY_FIVE_MIB))
    assert path.stat().st_size < 200_000  # ~65 KB on disk, 65 MiB inflated

    message = refused(path).errors[0].message
    assert "64 MiB" in message and "xl/media/image1.png" in message


def test_zip_bomb_with_lying_size_header(tmp_path, no_calamine):
    # sharedStrings.xml declares 1,000 bytes but inflates to 65 MiB: the real output is what counts
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>' + b" " * SIXTY_FIVE_MIB
    path = tmp_path / NAME
    raw_xlsx(path, sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xl/sharedStrings.xml", sst + b"</t></si></sst>")
    set_declared_size(path, "xl/sharedStrings.xml", 1000)
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/sharedStrings.xml").file_size == 1000

    message = refused(path).errors[0].message
    assert "64 MiB" in message and "sharedStrings" in message


def test_too_many_zip_parts(tmp_path, no_calamine):
    path = raw_xlsx(tmp_path / NAME, sheet_xml(""))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as z:
        for i in range(10_001):
            z.writestr(f"customXml/item{i}.xml", b"")
    assert "部件过多" in refused(path).errors[0].message


def test_duplicate_part_names_differing_only_in_case(tmp_path, no_calamine):
    path = raw_xlsx(tmp_path / NAME, sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'),
                    extra={"XL/Worksheets/Sheet1.xml": sheet_xml('<row r="1"><c r="XFD1048576"><v>1</v></c></row>')})
    assert "重名" in refused(path).errors[0].message


# ---------------------------------------------------------------------------------------------------------
# refusals: the used range (calamine aborts the whole process on these)

FAR_CELL_SHEET = sheet_xml(
    '<row r="1">' + "".join(f'<c r="{c}1" t="inlineStr">{inline("列" + c)}</c>' for c in "ABCDEFGH") + "</row>"
    + "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr">{inline("党员" + str(r))}</c><c r="B{r}"><v>{r}</v></c></row>'
              for r in range(2, 60))
    + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
)


def test_far_cell_sheet_is_small():
    assert 4_000 < len(FAR_CELL_SHEET.encode()) < 7_000  # a ~5 KB sheet


def test_one_cell_at_xfd1048576_is_refused_before_calamine(tmp_path, no_calamine):
    errors = refused(raw_xlsx(tmp_path / NAME, FAR_CELL_SHEET)).errors
    assert errors[0].row == 1048576 and errors[0].sheet == "Sheet1"
    assert "使用范围过大" in errors[0].message


def test_far_cell_without_row_number_is_refused(tmp_path, no_calamine):
    sheet = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row><c r="XFD1048576"><v>1</v></c></row>')
    errors = refused(raw_xlsx(tmp_path / NAME, sheet)).errors
    assert (errors[0].row, errors[0].column) == (1048576, "XFD")


def test_far_cell_refused_in_a_subprocess_that_survives(tmp_path):
    path = raw_xlsx(tmp_path / NAME, FAR_CELL_SHEET)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from dangjian_cli.errors import InputErrors\n"
        "from dangjian_cli.ledger.xlsx_source import read_first_sheet\n"
        "try:\n"
        f"    read_first_sheet(Path(sys.argv[1]), {NAME!r})\n"
        "except InputErrors as e:\n"
        "    print('REFUSED', e.errors[0].row)\n"
        "else:\n"
        "    print('READ')\n"
    )
    src = str(Path(dangjian_cli.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "REFUSED 1048576"


def test_declared_dimension_over_100000_rows(tmp_path, no_calamine):
    sheet = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>', dimension="A1:B100001")
    message = refused(raw_xlsx(tmp_path / NAME, sheet)).errors[0].message
    assert "A1:B100001" in message


def test_row_100001_is_refused(tmp_path, no_calamine):
    sheet = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="100001"><c r="A100001"><v>1</v></c></row>')
    assert refused(raw_xlsx(tmp_path / NAME, sheet)).errors[0].row == 100001


def test_column_201_is_refused_even_without_r(tmp_path, no_calamine):
    sheet = sheet_xml("<row>" + "<c><v>1</v></c>" * 201 + "</row>")
    errors = refused(raw_xlsx(tmp_path / NAME, sheet)).errors
    assert (errors[0].row, errors[0].column) == (1, "GS")


def test_limits_themselves_pass_the_guard(tmp_path):
    for far, row in (("GR10000", 10000), ("T100000", 100000)):  # last column, last row: each within 2 M cells
        sheet = sheet_xml(f'<row r="1"><c r="A1"><v>1</v></c></row><row r="{row}"><c r="{far}"><v>1</v></c></row>')
        guard_xlsx(raw_xlsx(tmp_path / NAME, sheet).read_bytes(), NAME)  # no error


def test_sparse_sheet_at_both_limits_is_refused_before_calamine(tmp_path, no_calamine):
    # calamine would build a dense 100,000 × 200 grid: ~1 GB and 9 s for two cells
    sheet = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="100000"><c r="GR100000"><v>1</v></c></row>',
                      dimension="A1:GR100000")
    assert "使用范围过大" in refused(raw_xlsx(tmp_path / NAME, sheet)).errors[0].message


# ---------------------------------------------------------------------------------------------------------
# refusals: DTDs, entities, encodings

BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)


def test_dtd_in_sheet(tmp_path, no_calamine):
    sheet = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row>', prolog=BILLION_LAUGHS)
    assert "DTD" in refused(raw_xlsx(tmp_path / NAME, sheet)).errors[0].message


def test_entity_declaration_in_shared_strings(tmp_path, no_calamine):
    sst = ('<?xml version="1.0"?>' + BILLION_LAUGHS.replace("worksheet", "sst")
           + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&c;</t></si></sst>')
    path = raw_xlsx(tmp_path / NAME, sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                    extra={"xl/sharedStrings.xml": sst})
    assert "DTD" in refused(path).errors[0].message


def test_utf16_sheet_is_refused(tmp_path, no_calamine):
    text = sheet_xml('<row r="1"><c r="XFD1048576"><v>1</v></c></row>').replace("UTF-8", "UTF-16")
    message = refused(raw_xlsx(tmp_path / NAME, text.encode("utf-16"))).errors[0].message
    assert "UTF-8" in message


# ---------------------------------------------------------------------------------------------------------
# which part is the first sheet


def test_first_sheet_found_through_workbook_relationships(tmp_path):
    workbook = workbook_xml([("名册", "rId7"), ("说明", "rId1")])
    rels = workbook_rels({"rId1": "worksheets/sheet1.xml", "rId7": "worksheets/data.xml"})
    far = sheet_xml('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    path = raw_xlsx(tmp_path / NAME, far, workbook=workbook, rels=rels,
                    extra={"xl/worksheets/data.xml": sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>')})
    data = read_first_sheet(path, NAME)
    assert data.sheet == "名册" and data.values == [(1, ["姓名"])]


def test_first_sheet_under_an_unusual_name_is_still_guarded(tmp_path, no_calamine):
    workbook = workbook_xml([("名册", "rId3")])
    rels = workbook_rels({"rId3": "/xl/worksheets/ledger.xml"})
    far = sheet_xml('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    path = raw_xlsx(tmp_path / NAME, sheet_xml(""), workbook=workbook, rels=rels,
                    extra={"xl/worksheets/ledger.xml": far})
    assert refused(path).errors[0].sheet == "名册"


# ---------------------------------------------------------------------------------------------------------
# the full scan follows calamine's reader exactly (checked against calamine itself on small sheets)

_cell = st.fixed_dictionaries({
    "r": st.booleans(),
    "col": st.integers(0, 12),
    "kind": st.sampled_from(["v", "is", "f"]),
    "comment": st.booleans(),
})
_row = st.fixed_dictionaries({
    "r": st.one_of(st.none(), st.integers(1, 25)),
    "cells": st.lists(_cell, max_size=6),
    "self_closing": st.booleans(),
})


def _layout_xml(rows: list[dict], prefix: str) -> str:
    parts = []
    row_number = 0  # mirrors nothing: only used to give explicit cell refs a plausible row
    for row in rows:
        row_number = row["r"] or row_number + 1
        attrs = f' r="{row["r"]}"' if row["r"] else ""
        if row["self_closing"] and not row["cells"]:
            parts.append(f"<{prefix}row{attrs}/>")
            continue
        parts.append(f"<{prefix}row{attrs}>")
        for cell in row["cells"]:
            ref = f' r="{openpyxl.utils.get_column_letter(cell["col"] + 1)}{row_number}"' if cell["r"] else ""
            body = {"v": f"<{prefix}v>1</{prefix}v>",
                    "is": f"<{prefix}is><{prefix}t>x</{prefix}t></{prefix}is>",
                    "f": f"<{prefix}f>1+1</{prefix}f><{prefix}v>2</{prefix}v>"}[cell["kind"]]
            if cell["comment"]:
                body = "<!-- <c r=\"ZZ9\"> -->" + body
            t = ' t="inlineStr"' if cell["kind"] == "is" else ""
            parts.append(f"<{prefix}c{ref}{t}>{body}</{prefix}c>")
        parts.append(f"</{prefix}row>")
    return "".join(parts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, max_size=8), prefix=st.sampled_from(["", "x:"]), chunk=st.integers(1, 97))
def test_full_scan_matches_calamine_positions(tmp_path, rows, prefix, chunk):
    import python_calamine

    xml = sheet_xml(_layout_xml(rows, prefix))
    if prefix:
        xml = xml.replace("<worksheet ", '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ')
        xml = xml.replace("</worksheet>", "</x:worksheet>").replace("<sheetData>", "<x:sheetData>")
        xml = xml.replace("</sheetData>", "</x:sheetData>")
    data = xml.encode()
    guard = xlsx_source._Guard(b"", NAME)
    whole = xlsx_source._SheetScanner(guard)
    whole.feed(data)
    whole.close()
    pieces = xlsx_source._SheetScanner(guard)  # the same bytes fed in small chunks
    for i in range(0, len(data), chunk):
        pieces.feed(data[i:i + chunk])
    pieces.close()
    assert (pieces.max_row, pieces.max_col, pieces.formula_cells) == (whole.max_row, whole.max_col, whole.formula_cells)

    path = raw_xlsx(tmp_path / "p.xlsx", xml)
    sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    end = sheet.end
    if end is None:
        assert whole.max_row == -1
    else:
        assert (whole.max_row, whole.max_col) == end  # every cell here has a value, so the extent is exact
    assert xlsx_source._quick_scan(data, guard) in (None, (whole.formula_cells, whole.error_cells))


def test_full_scan_is_used_for_comments_and_prefixes(tmp_path):
    sheet = sheet_xml('<!-- a note --><row r="1"><c r="A1"><v>1</v></c></row>'
                      '<row><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:v>2</x:v></x:c></row>')
    assert read_first_sheet(raw_xlsx(tmp_path / NAME, sheet), NAME).values == [(1, [1]), (2, [2])]


def test_cell_hidden_from_calamine_inside_a_cell_is_refused(tmp_path, no_calamine):
    # calamine would swallow the inner <row>/<c> inside <is>, so its position counting could drift from ours
    sheet = sheet_xml('<row r="1"><c t="inlineStr"><is><t>x</t><row r="1"></row></is></c></row>')
    assert "结构异常" in refused(raw_xlsx(tmp_path / NAME, sheet)).errors[0].message


# ---------------------------------------------------------------------------------------------------------
# the fast paths (a plain zip read directly, small parts inflated in one call, plain workbook XML, the
# usual sheet, stored parts for calamine) agree with the careful code they stand in for


def _members_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "党员名册"
    ws.append(["姓名", "类别", "入党日期", "党费"])
    for i in range(40):
        ws.append([f"党员{i}", "正式党员", dt.date(2010, 1, 1) + dt.timedelta(days=i), 12.5 * i])
    wb.save(path)
    return path


def _rezip(source: Path, target: Path, *, stored: bool = False, extra: bytes = b"", comment: bytes = b"",
           streamed: bool = False) -> bytes:
    """The same parts in another zip layout (stored, extra fields, a comment, data descriptors)."""
    out = io.BytesIO()

    class Unseekable(io.RawIOBase):  # zipfile then writes data descriptors after each part
        def writable(self):
            return True

        def write(self, b):
            return out.write(b)

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(Unseekable() if streamed else out, "w") as zout:
        for info in zin.infolist():
            new = zipfile.ZipInfo(info.filename, info.date_time)
            new.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            new.extra = extra
            zout.writestr(new, zin.read(info))
        zout.comment = comment
    target.write_bytes(out.getvalue())
    return out.getvalue()


def test_zip_layouts_read_alike(tmp_path):
    source = _members_workbook(tmp_path / "source.xlsx")
    expected = read_first_sheet(source, NAME)
    assert len(expected.rows) == 41
    layouts = {
        "stored": {"stored": True},
        "extra-field": {"extra": struct.pack("<HH", 0xCAFE, 4) + b"abcd"},
        "comment": {"comment": b"saved by a test"},
        "data-descriptors": {"streamed": True},
    }
    for name, options in layouts.items():
        path = tmp_path / f"{name}.xlsx"
        _rezip(source, path, **options)
        assert read_first_sheet(path, NAME) == expected, name


def test_calamine_reads_the_checked_parts_stored(tmp_path):
    # the bytes checked are the bytes calamine reads: every part the guard inflated goes to calamine
    # stored; the rest (and their entries) stay as they were
    data = _members_workbook(tmp_path / "m.xlsx").read_bytes()
    workbook = xlsx_source._Guard(data, NAME).run().workbook
    with zipfile.ZipFile(io.BytesIO(data)) as original, zipfile.ZipFile(io.BytesIO(workbook)) as copy:
        assert [i.filename for i in copy.infolist()] == [i.filename for i in original.infolist()]
        checked = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml"}
        for info in copy.infolist():
            assert copy.read(info) == original.read(info.filename)
            expected = zipfile.ZIP_STORED if info.filename in checked else original.getinfo(info.filename).compress_type
            assert info.compress_type == expected, info.filename


def test_unusual_zip_layouts_reach_calamine_as_they_are(tmp_path):
    source = _members_workbook(tmp_path / "source.xlsx")
    data = _rezip(source, tmp_path / "x.xlsx", extra=struct.pack("<HH", 0xCAFE, 0))
    assert xlsx_source._Guard(data, NAME).run().workbook is data


def test_small_part_lying_about_its_size_is_stopped_at_the_claim(tmp_path, no_calamine):
    for declared in (1000, 64 * 1024 * 1024):  # inflates to 64 MiB + 50 KiB from under 64 KiB
        path = h.write_zip(tmp_path / NAME, h.workbook_parts(h.members_sheet())[:-1]
                           + [h.small_bomb_part(h.SHEET_PART, declared)])
        message = refused(path).errors[0].message
        assert "64 MiB" in message and "sheet1.xml" in message


def test_small_part_inflating_past_its_claim_is_damaged(tmp_path, no_calamine):
    part = h.deflated(h.SHEET_PART, h.members_sheet("<row r='9'></row>" * 100))
    part.declared = part.size - 1
    path = h.write_zip(tmp_path / NAME, h.workbook_parts(h.members_sheet())[:-1] + [part])
    assert "无法解压" in refused(path).errors[0].message


def test_dtd_is_named_before_a_bad_checksum(tmp_path, no_calamine):
    part = h.deflated(h.SHEET_PART, h.members_sheet(prolog=h.BILLION_LAUGHS_DTD))
    part.crc ^= 1
    path = h.write_zip(tmp_path / NAME, h.workbook_parts(h.members_sheet())[:-1] + [part])
    assert "DTD" in refused(path).errors[0].message


def set_flags(path: Path, part: str, flags: int) -> None:
    """Set the general-purpose flags of ``part`` in its local and central headers."""
    patch_headers(path, part, "<H", 6, 8, flags)


@pytest.mark.parametrize("flags, method, fragment", [(0x801, 8, "被加密"), (0x800, 12, "不支持的压缩方式")])
def test_small_part_encrypted_or_in_another_method(tmp_path, no_calamine, flags, method, fragment):
    parts = h.workbook_parts(h.members_sheet())
    parts[-1].method = method
    path = h.write_zip(tmp_path / NAME, parts)
    set_flags(path, h.SHEET_PART, flags)
    assert fragment in refused(path).errors[0].message


@pytest.mark.parametrize("workbook, expected", [
    # a <sheet> in a comment or a processing instruction is not a sheet: the tokenizer decides
    (workbook_xml([("名册", "rId1")]).replace("<sheets>", '<!-- <sheet name="假" r:id="rId9"/> --><sheets>'), "名册"),
    (workbook_xml([("名册", "rId1")]).replace("<sheets>", '<?pi <sheet name="假" r:id="rId9"/>?><sheets>'), "名册"),
    (workbook_xml([("名册", "rId1")]).replace('"', "'"), "名册"),  # single quotes
    (workbook_xml([("名册", "rId1")]).replace("<sheet ", "<x:sheet xmlns:x='urn:x' "), "名册"),  # a prefix
    (workbook_xml([("名册", "rId1")]).replace("<sheets>", '<fileVersion a="<sheet name=&quot;假&quot;>"/><sheets>'),
     "名册"),  # '<' in a value
    (workbook_xml([("A&amp;B", "rId1")]), "A&B"),
])
def test_first_sheet_in_workbook_xml_of_any_shape(tmp_path, workbook, expected):
    path = raw_xlsx(tmp_path / NAME, sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'), workbook=workbook)
    assert read_first_sheet(path, NAME) == xlsx_source.SheetData(sheet=expected, rows=[(1, [1])])


@pytest.mark.parametrize("rels", [
    workbook_rels({"rId1": "worksheets/sheet1.xml"}).replace('"', "'"),
    workbook_rels({"rId1": "worksheets/nothing.xml"}).replace(  # a repeated Id: the last one wins
        "</Relationships>",
        f'<Relationship Id="rId1" Type="{WS_TYPE}" Target="worksheets/sheet1.xml"/></Relationships>'),
    workbook_rels({"rId1": "worksheets/sheet1.xml"}).replace(
        "</Relationships>", '<!-- <Relationship Id="rId1" Target="worksheets/x.xml"/> --></Relationships>'),
    workbook_rels({"rId10": "worksheets/x.xml", "rId1": "worksheets/sheet1.xml"}),
])
def test_first_sheet_relationship_in_rels_of_any_shape(tmp_path, rels):
    path = raw_xlsx(tmp_path / NAME, sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'), rels=rels)
    assert read_first_sheet(path, NAME).values == [(1, [1])]


@pytest.mark.parametrize("data, fragment", [
    ('<row r="1"><c r="A1"><v>1</v></c></row>', None),
    ('<row r="1"><c r="FZ9999"><v>1</v></c></row>', None),  # the edge of the usual sheet
    ('<row r="1"><c r="GA10000"><v>1</v></c></row>', None),  # past it: the references are read one by one
    ('<row r="1"><c r="A1"><v>1</v></c></row><row r="10000"><c r="GR10000"><v>1</v></c></row>', None),
    ('<row r="1"><c r="A1"><v>1</v></c></row><row r="10001"><c r="GR10001"><v>1</v></c></row>', "使用范围过大"),
    ('<row r="1"><c r="A1"><v>1</v></c></row><row r="1"><c r="GS1"><v>1</v></c></row>', "使用范围过大"),
    ('<row r="100001"><c r="A1"><v>1</v></c></row>', "使用范围过大"),
])
def test_usual_and_unusual_sheets_give_the_same_verdicts(tmp_path, data, fragment):
    path = raw_xlsx(tmp_path / NAME, sheet_xml(data))
    if fragment is None:
        read_first_sheet(path, NAME)
    else:
        assert fragment in refused(path).errors[0].message


@pytest.mark.parametrize("dimensions, fragment", [
    ('<dimension ref="A1:FZ9999"/>', None),
    ('<dimension ref="A1"/><dimension ref="A1:B2"/>', None),
    ('<dimension ref="A1"/><dimension ref="A1:B200000"/>', "A1:B200000"),  # every one is checked
    ('<dimension ref="A1:GS1"/>', "A1:GS1"),
])
def test_every_dimension_is_checked(tmp_path, dimensions, fragment):
    sheet = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>').replace("<sheetData>", dimensions + "<sheetData>")
    path = raw_xlsx(tmp_path / NAME, sheet)
    if fragment is None:
        assert read_first_sheet(path, NAME).values == [(1, [1])]
    else:
        assert fragment in refused(path).errors[0].message


_markup = st.lists(st.sampled_from([b"<?", b"?>", b"?", b"<", b"xml", b" ", b":", b"c ", b"row", b"f>", b":c",
                                    b"x:dimension ", b"<dimension", b' ref="A1"', b'"', b"a"]),
                   max_size=30).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(x=_markup)
def test_byte_shortcuts_match_their_definitions(x):
    declaration = x.startswith(b"<?", xlsx_source._Q_LEADING.match(x).end())
    assert xlsx_source._count_pi(x, declaration) == x.count(b"<?")
    assert xlsx_source._has_prefixed_tag(x) == (xlsx_source._Q_PREFIXED.search(x) is not None)
    found = xlsx_source._Q_DIMENSION.findall(x)
    assert xlsx_source._dimensions(x) == (found if len(found) == x.count(b"<dimension") else None)


def test_has_prefixed_tag_past_many_colons():
    many = b'<worksheet a:b="1:2:3:4:5:6:7:8:9"><sheetData>'
    assert not xlsx_source._has_prefixed_tag(many + b"<c/>")
    assert xlsx_source._has_prefixed_tag(many + b"<x:c/>")


def test_cell_values_as_yaml_would_give_them(tmp_path, monkeypatch):
    import python_calamine

    grid = [
        ["", "文字", 2.0, 2.5, -0.0, 2.0**53 - 1],
        [True, False, 0.0, 2.0**53, -(2.0**53), float("inf")],
        [dt.timedelta(hours=12), dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 9, 30), dt.time(9, 30), 7, ""],
        ["短行"],
        ["", "", "", "", "", ""],
    ]

    class Sheet:
        name = "名册"
        start = (1, 2)

        @staticmethod
        def to_python(skip_empty_area=True):
            return [list(row) for row in grid]

    class Workbook:
        @classmethod
        def from_filelike(cls, _):
            return cls()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def get_sheet_by_index(self, _):
            return Sheet()

    path = raw_xlsx(tmp_path / NAME, sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'))
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Workbook)
    data = read_first_sheet(path, NAME)

    lead = [None, None]
    assert [(n, [(type(v), v) for v in values]) for n, values in data.values] == [
        (1, [(type(None), None)] * 8),
        (2, [(type(v), v) for v in lead + [None, "文字", 2, 2.5, 0, 2**53 - 1]]),
        (3, [(type(v), v) for v in lead + [True, False, 0, 2.0**53, -(2.0**53), float("inf")]]),
        (4, [(type(v), v) for v in lead + [0.5, dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 9, 30),
                                            dt.time(9, 30), 7, None]]),
        (5, [(type(v), v) for v in lead + ["短行", None, None, None, None, None]]),
    ]  # the trailing empty row is dropped


def test_prolog_split_by_an_odd_deflate_stream_is_read_as_streamed(tmp_path, no_calamine):
    # empty deflate blocks fill the first 64 KiB: the streamed check's prolog then runs past 256 bytes
    # and sees the encoding of an over-long declaration; the one-call path must not miss it
    sheet = ('<?xml version="1.0"' + " " * 300 + 'encoding="UTF-16"?>' + h.SHEET_OPEN
             + '<row r="1"><c r="A1"><v>1</v></c></row>' + h.SHEET_CLOSE).encode()
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    empty_block = deflate.flush(zlib.Z_SYNC_FLUSH)
    start = deflate.compress(sheet[:100]) + deflate.flush(zlib.Z_SYNC_FLUSH)
    raw = (empty_block * ((65536 - len(start)) // len(empty_block)) + start
           + deflate.compress(sheet[100:]) + deflate.flush())
    assert len(zlib.decompressobj(-15).decompress(raw[:65536])) == 100
    part = h.Part(h.SHEET_PART, raw, zlib.crc32(sheet), len(sheet))
    path = h.write_zip(tmp_path / NAME, h.workbook_parts(h.members_sheet())[:-1] + [part])
    assert "UTF-8" in refused(path).errors[0].message


# ---------------------------------------------------------------------------------------------------------
# per-process memos (recurring parts, directory layouts) and the byte shortcuts of the sheet scan


_refs = st.lists(st.sampled_from([b"<c", b" ", b"r=", b'"', b"A", b"F", b"G", b"Z", b"a", b"0", b"1", b"9",
                                  b">", b"/", b"\t", b'r="', b"AB", b"GA"]), max_size=20).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(x=_refs)
def test_unusual_cell_pattern_matches_its_first_spelling(x):
    first = re.compile(rb'<c(?:[>/\t\r\n]| (?!r="(?:[A-F][A-Z]?+|[G-Z])[1-9][0-9]{0,3}+"))')
    assert [m.start() for m in xlsx_source._Q_UNUSUAL_CELL.finditer(x)] == [m.start() for m in first.finditer(x)]


_needles = st.sampled_from([(b"<f", 1), (b't="e"', 3), (b"<dimension", 1)])


@settings(max_examples=400, deadline=None)
@given(x=st.lists(st.sampled_from([b"<", b"f", b"t", b'="', b"e", b'"', b"<dimension", b"d", b"x", b"<f"]),
                  max_size=30).map(b"".join),
       needle=_needles, start=st.integers(0, 40), split=st.integers(-1, 40))
def test_occurs_is_find(x, needle, start, split):
    needle, rare = needle
    assert xlsx_source._occurs(x, needle, rare, start, split) == (x.find(needle, start) >= 0)


def _members_bytes(tmp_path, rows=40, title="党员名册") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(["姓名", "类别"])
    for i in range(rows):
        ws.append([f"党员{i}", "正式党员"])
    path = tmp_path / f"m{rows}.xlsx"
    wb.save(path)
    return path.read_bytes()


def _outcome(data: bytes):
    try:
        plan = xlsx_source._Guard(data, NAME).run()
    except InputErrors as exc:
        return [(e.message, e.sheet, e.row, e.column) for e in exc.errors]
    return plan.sheet, plan.error_cells, plan.workbook


def _cold(data: bytes):
    """The guard's outcome with every per-process memo empty (what the first file of a process gets)."""
    saved = [(memo, dict(memo)) for memo in (xlsx_source._checked_parts, xlsx_source._first_sheets,
                                             xlsx_source._sheet_targets, xlsx_source._sheet_keys,
                                             xlsx_source._directory_layouts)]
    try:
        for memo, _ in saved:
            memo.clear()
        return _outcome(data)
    finally:
        for memo, entries in saved:
            memo.clear()
            memo.update(entries)


def _with_styles(parts: dict, styles: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, styles if name == "xl/styles.xml" else body)
    return out.getvalue()


def test_memos_change_no_verdict(tmp_path):
    # files from one template: the second and later ones are read through the memos
    template = _members_bytes(tmp_path, 40)
    other = _members_bytes(tmp_path, 41)
    assert _outcome(template) == _cold(template)
    assert _outcome(other) == _cold(other)
    assert _outcome(other) == _outcome(other)
    # the same names and sizes, other stored bytes: each is checked again
    with zipfile.ZipFile(io.BytesIO(other)) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    styles = parts["xl/styles.xml"]
    assert len(styles) > 50
    same_size = styles.replace(b'"0"', b'"1"', 1)
    with_dtd = b"<!DOCTYPE a>" + styles
    assert same_size != styles and len(same_size) == len(styles)
    for changed in (same_size, with_dtd):
        data = _with_styles(parts, changed)
        assert _outcome(data) == _cold(data)
    assert "DTD" in _outcome(_with_styles(parts, with_dtd))[0][0]


@pytest.mark.parametrize("edit", ["crc", "size", "name", "comment", "version", "oversized"])
def test_known_directory_layout_reads_as_the_loop(tmp_path, edit):
    data = bytearray(_members_bytes(tmp_path, 40))
    assert _outcome(bytes(data)) == _cold(bytes(data))  # the layout is known from here on
    cd_offset = struct.unpack_from("<L", data, len(data) - 22 + 16)[0]
    at = data.find(b"PK\x01\x02", cd_offset + 46)  # the second entry
    name_len = struct.unpack_from("<H", data, at + 28)[0]
    if edit == "crc":
        data[at + 16] ^= 1
    elif edit == "size":
        struct.pack_into("<L", data, at + 24, struct.unpack_from("<L", data, at + 24)[0] + 1)
    elif edit == "name":
        data[at + 46] ^= 0x20  # the same length, another case
    elif edit == "comment":  # the name's last 4 bytes become a comment: the same directory size
        struct.pack_into("<HHH", data, at + 28, name_len - 4, 0, 4)
    elif edit == "version":
        data[at + 6] = 64
    else:
        struct.pack_into("<L", data, at + 24, 65 * 1024 * 1024)
    assert _outcome(bytes(data)) == _cold(bytes(data))
