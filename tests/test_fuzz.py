"""Fuzzing the loaders: random garbage and mutated real files give a clean load or InputErrors, nothing else.

Inputs: random bytes as any record file; text mutations of real YAML (the examples' branch.yaml and
self_assessment.yaml, full record files); byte mutations of real small xlsx files; mutations of the XML
inside a real xlsx, re-zipped with valid checksums so that they reach the reader; random cell values
written with openpyxl under the real headers. A clean load is also scored (every built-in rubric rule)
and rendered as JSON and Markdown, which is where bad values used to surface.

Deterministic and bounded for CI: ``derandomize=True``, no example database, ``max_examples`` 150 per
test, no deadline; the whole file takes well under a minute on two cores.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import shutil
import re
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import hostile_files as h
from conftest import write_branch
from dangjian_cli import engine
from dangjian_cli import rubric as rubric_mod
from dangjian_cli.errors import InputErrors
from dangjian_cli.ledger import load, specs, vocab
from dangjian_cli.periods import Month, Window
from dangjian_cli.render.json_report import gaps_csv, score_json
from dangjian_cli.render.markdown import render as render_markdown

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
WINDOW = Window(Month(2024, 1), Month(2024, 12), dt.date(2025, 1, 15))
FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])
RUBRIC = rubric_mod.load(None)


def check(folder: Path, markdown: bool = False) -> str:
    """Load ``folder``: InputErrors (each naming its file, in Chinese) or a ledger that scores and renders.

    The Markdown report (with its work plan) takes ~0.1 s to render, so only some tests ask for it."""
    try:
        ledger = load(folder)
    except InputErrors as exc:
        assert exc.errors
        for error in exc.errors:
            assert error.file, error
            assert CHINESE.search(error.message), error
            str(error), error.to_dict()
        exc.summary()
        return "errors"
    result = engine.evaluate(RUBRIC, ledger, WINDOW)
    score_json(result)
    gaps_csv(result)
    if markdown:
        render_markdown(result)
    return "clean"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A valid YAML branch with a record of every kind; each example overwrites one of its files."""
    folder = write_branch(
        tmp_path_factory.mktemp("fuzz") / "b",
        branch={"groups": ["第一党小组"], "phone": "0769-22881234"},
        members=[{"姓名": "张书记", "类别": "正式党员", "入党日期": "2010-05-01", "党小组": "第一党小组"},
                 {"姓名": "李干事", "类别": "预备党员", "身份证号": "441900199001011234", "手机": "13812345678"}],
        meetings=[{"日期": "2024-03-05", "类型": "支委会、党课", "讲课人": "张书记", "纪要": "evidence/批复.pdf"}],
        trainings=[{"姓名": "张书记", "日期": "2024-04-01", "类型": "集中培训", "学时": 8}],
        dues=[{"姓名": "张书记", "月份": "2024-01~2024-06", "金额": 50}],
        documents=[{"类别": "年度工作计划", "年度": 2024, "文件": "evidence/批复.pdf"}],
        facilities=[{"项目": "党旗", "是否具备": "是"}],
        honors=[{"日期": "2024-06-01", "类别": "表彰", "级别": "市级"}],
    )
    assert check(folder) == "clean"
    return folder


def _only(folder: Path, name: str) -> Path:
    """Remove the other forms of ``name``'s records, so the written file is the one read."""
    stem = name.split(".")[0]
    for suffix in (".yaml", ".yml", ".xlsx"):
        other = folder / f"{stem}{suffix}"
        if other.name != name and other.exists():
            other.unlink()
    return folder / name


def _restore(folder: Path, name: str, original: dict[str, bytes]) -> None:
    stem = name.split(".")[0]
    for suffix in (".yaml", ".yml", ".xlsx"):
        path = folder / f"{stem}{suffix}"
        if path.exists():
            path.unlink()
    for file_name, data in original.items():
        if file_name.split(".")[0] == stem:
            (folder / file_name).write_bytes(data)


@pytest.fixture
def put(base):
    """put(name, bytes): write one file into the base branch, check the folder, restore it."""
    original = {p.name: p.read_bytes() for p in base.iterdir() if p.is_file()}

    def run(name: str, data: bytes, markdown: bool = False) -> str:
        path = _only(base, name)
        path.write_bytes(data)
        try:
            return check(base, markdown)
        finally:
            _restore(base, name, original)

    return run


RECORD_FILES = ["members", "meetings", "trainings", "dues", "documents", "facilities", "honors"]
YAML_ONLY = ["branch.yaml", "self_assessment.yaml", "waivers.yaml"]

# ---------------------------------------------------------------------------------------------------------
# random bytes


@FUZZ
@given(name=st.sampled_from([*YAML_ONLY, *(f"{r}.yaml" for r in RECORD_FILES), *(f"{r}.xlsx" for r in RECORD_FILES)]),
       data=st.one_of(st.binary(max_size=3000), st.text(max_size=1000).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_random_bytes_as_any_ledger_file(put, name, data):
    put(name, data)


# ---------------------------------------------------------------------------------------------------------
# YAML text mutations of real files

TOKENS = ["&a ", "*a", "<<: *a", "- ", ": ", "? ", "!!python/object/apply:os.system ['x'] ", "!!binary ", "!!int ",
          "%YAML 1.1\n", "---\n", "...\n", "{", "}", "[", "]", '"', "'", "#", "|\n", ">-\n", "\t", "\n", "  ",
          "~", "null", "no", "0123", "12:30", "1e999999999", "-1", "9999-12-31", "0001-01-01", "2024-02-30",
          "2024-01~2023-12", "\x00", "\ufeff", "\u202e", "\\", "..", "/etc/passwd", "C:\\x", "evidence/../x",
          "441900199001011234", "13812345678", "党小组会", "正式党员", "是", "√", "100000000000000000000",
          "NaN", ".inf", "\U0001F600", "\r\n", "\x1b[2J", "[/]", "%", "@", "`", "年度: 2024"]


SEEDS = [(example, name, (EXAMPLES / example / name).read_text(encoding="utf-8"))
         for example in ("five-star", "with-gaps", "needs-work") for name in ("branch.yaml", "self_assessment.yaml")]


@st.composite
def mutated_text(draw, text: str) -> str:
    for _ in range(draw(st.integers(1, 6))):
        lines = text.split("\n")
        op = draw(st.sampled_from(["insert", "delete", "replace", "dup-line", "swap-lines", "indent"]))
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        if op == "insert":
            piece = draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)))
            text = text[:at] + piece + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif op == "replace":
            piece = draw(st.sampled_from(TOKENS))
            text = text[:at] + piece + text[at + draw(st.integers(1, 12)):]
        else:
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "dup-line":
                lines.insert(j, lines[i])
            elif op == "swap-lines":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines[i] = draw(st.sampled_from([" ", "  ", "    ", "- ", "\t"])) + lines[i]
            text = "\n".join(lines)
    return text


@FUZZ
@given(data=st.data())
def test_yaml_text_mutations_of_the_examples(put, data):
    _, name, text = data.draw(st.sampled_from(SEEDS), label="seed")
    put(name, data.draw(mutated_text(text), label="mutated").encode("utf-8", "surrogatepass"), markdown=True)


@FUZZ
@given(data=st.data())
def test_yaml_text_mutations_of_record_files(put, base, data):
    record = data.draw(st.sampled_from(RECORD_FILES + ["waivers"]), label="record")
    if record == "waivers":
        text = ("- 指标: '1'\n  理由: 新成立\n  批准人: 上级党委\n  批准日期: 2024-01-01\n  有效期至: 2025-12-31\n")
    else:
        text = (base / f"{record}.yaml").read_text(encoding="utf-8")
    put(f"{record}.yaml", data.draw(mutated_text(text), label="mutated").encode("utf-8", "surrogatepass"))


# ---------------------------------------------------------------------------------------------------------
# byte mutations of real xlsx files


def _xlsx_seeds() -> list[tuple[str, bytes]]:
    seeds = [(name, (EXAMPLES / "five-star" / name).read_bytes()) for name in ("facilities.xlsx", "honors.xlsx",
                                                                             "trainings.xlsx")]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for part in h.workbook_parts(h.members_sheet()):
            z.writestr(part.name, zlib.decompress(part.raw, -15))
    seeds.append(("members.xlsx", buffer.getvalue()))
    return seeds


XLSX_SEEDS = _xlsx_seeds()


@st.composite
def mutated_bytes(draw, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate", "copy"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and data:
            data[at] = draw(st.sampled_from([0, 0xFF, 0x7F, 0x80, ord("<"), ord(">"), ord("&"), ord("9")]))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[at:]
        else:
            src = draw(st.integers(0, max(len(data) - 1, 0)))
            data[at:at] = data[src:src + draw(st.integers(1, 64))]
    return bytes(data)


@FUZZ
@given(data=st.data())
def test_byte_mutations_of_real_xlsx_files(put, data):
    name, seed = data.draw(st.sampled_from(XLSX_SEEDS), label="seed")
    put(name, data.draw(mutated_bytes(seed), label="mutated"))


XML_TOKENS = ["<", ">", "/>", "</c>", "</row>", '<c r="A1">', '<c r="XFD1048576">', '<c r="A100001">', '<row r="0">',
              '<row r="-1">', '<c r="">', '<c r="1A">', 't="s"', 't="e"', 't="b"', 't="d"', 't="str"',
              't="inlineStr"', "<v>", "</v>", "<v>1e308</v>", "<v>-1</v>", "<v>99999999</v>", "<v>NaN</v>",
              "<f>1+1</f>", "&amp;", "&lt;", "&#0;", "&#xFFFF;", "&bogus;", "<!DOCTYPE x>", "<![CDATA[x]]>",
              "<?pi x?>", "<!-- c -->", 's="999"', 's="-1"', 'numFmtId="14"', 'numFmtId="999"', "date1904=\"1\"",
              '<dimension ref="A1:XFD1048576"/>', "_x0000_", "_x001F_", '<si><t>x</t></si>', 'count="-5"']


@st.composite
def mutated_xml_workbook(draw, seed: bytes) -> bytes:
    """Mutate the text of one XML part, then re-zip with valid checksums so the reader gets to see it."""
    with zipfile.ZipFile(io.BytesIO(seed)) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
    xml_parts = sorted(n for n in parts if n.endswith(".xml") or n.endswith(".rels"))
    weights = [n for n in xml_parts if "sheet" in n or "sharedStrings" in n or "styles" in n or "workbook" in n]
    name = draw(st.sampled_from(weights or xml_parts))
    text = parts[name].decode("utf-8", "replace")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "digits"]))
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(XML_TOKENS)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 30)):]
        elif op == "replace":
            text = text[:at] + draw(st.sampled_from(XML_TOKENS)) + text[at + draw(st.integers(1, 10)):]
        else:  # change a number somewhere: row/column indexes, style ids, serial dates
            numbers = [m.span() for m in re.finditer(r"\d+", text)]
            if numbers:
                start, end = draw(st.sampled_from(numbers))
                value = draw(st.sampled_from(["0", "1", "2", "26", "27", "58", "200", "201", "16384", "100001",
                                             "1048576", "2958466", "4294967296", "-1", "99999999999999999999"]))
                text = text[:start] + value + text[end:]
    parts[name] = text.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for part_name, data in parts.items():
            z.writestr(part_name, data)
    return out.getvalue()


@FUZZ
@given(data=st.data())
def test_xml_mutations_inside_real_xlsx_files(put, data):
    name, seed = data.draw(st.sampled_from(XLSX_SEEDS), label="seed")
    put(name, data.draw(mutated_xml_workbook(seed), label="mutated"))


# ---------------------------------------------------------------------------------------------------------
# random cell values under the real headers, written with openpyxl

SPECS = {spec.name: spec for spec in specs.RECORD_TABLES}
VALID_TEXT = sorted({*vocab.MEETING_TYPES, *vocab.MEMBER_CATEGORIES, *vocab.TRAINING_KINDS, *vocab.HONOR_KINDS,
                     *vocab.HONOR_LEVELS, *vocab.DOCUMENT_KINDS, *vocab.FACILITY_ITEMS, "是", "否", "√", "男", "女",
                     "张书记", "李干事", "第一党小组", "2024-03-15", "2024/3/5", "2024年3月15日", "2024-03",
                     "2024-01~2024-06", "2024-01至2024-12", "evidence/批复.pdf", "evidence\\批复.pdf", "../x",
                     "/etc/passwd", "441900199001011234", "13812345678", "8元", "1.5学时", "2024年度"})
SAFE_CHARS = st.characters(blacklist_categories=("Cs", "Cc"))  # openpyxl refuses control characters
CELL = st.one_of(
    st.none(),
    st.sampled_from(VALID_TEXT),
    st.text(SAFE_CHARS, max_size=20),
    st.integers(-10**20, 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from([dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 9, 30), dt.time(12, 30)]),
)


@st.composite
def sheet(draw):
    spec = SPECS[draw(st.sampled_from(sorted(SPECS)))]
    labels = [f.label for f in spec.fields] + [a for f in spec.fields for a in f.aliases[:1]] + ["备注", "", "序号"]
    headers = draw(st.lists(st.sampled_from(labels), min_size=1, max_size=len(spec.fields) + 2))
    if draw(st.booleans()):  # mostly the real header row in order, so that rows get parsed
        headers = [f.label for f in spec.fields]
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(headers) + 2), max_size=6))
    return spec.name, headers, rows


@FUZZ
@given(data=sheet())
def test_random_cells_under_real_headers(put, data):
    name, headers, rows = data
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    put(f"{name}.xlsx", buffer.getvalue())


@FUZZ
@given(data=sheet(), style=st.sampled_from(["block", "flow"]))
def test_random_values_as_yaml_records(put, data, style):
    name, headers, rows = data
    records = []
    for row in rows:
        record = {}
        for header, value in zip(headers, row):
            record.setdefault(header, value.isoformat() if isinstance(value, dt.time) else value)
        records.append(record)
    text = yaml.safe_dump(records, allow_unicode=True, default_flow_style=(style == "flow"), sort_keys=False)
    assume(len(text) < 100_000)
    put(f"{name}.yaml", text.encode("utf-8"), markdown=True)


# ---------------------------------------------------------------------------------------------------------
# hostile values in every field of an otherwise valid ledger (YAML), so that most loads are clean and the
# value reaches the rules: huge numbers, far dates, long ranges, NUL bytes, escaping paths …

HOSTILE_VALUES = [
    "1e999999999", "-1e999999999", "1e-999999999", "9e99", "NaN", "sNaN", "Infinity", "-0", "0", "-1", "0.001",
    "999999999999", "4294967296", "9999-12-31", "0001-01-01", "1900-01-01", "2999-12-31", "9999-12", "0000-01",
    "1900-01", "2024-02-30", "2024-02-29", "2023-02-29", "2024-01~9999-12", "1900-01~2999-12", "2024-12~2024-01",
    "2024-01~2024-06~2024-12", "２０２４－０３－１５", "２０２４年３月", "2024年13月", "2024.3.15", "\x00",
    "evidence/a\x00b.pdf", "a\x00/b.pdf", "../x", "evidence/../../x", "/etc/passwd", "C:\\x", "\\\\srv\\x", "~",
    "evidence/" + "a" * 300, "a/" * 2000, "[/]", "\x1b[2J", "x" * 100_000, "441900199001011234", "13812345678",
    "是", "否", "√", "党课、党课、党课", "、、、", "+", "/", "支委会+党课/主题党日", "1e3", "0x10", "  ", "第一党小组",
    "张书记", "正式党员", "书记", "党委", "年度工作计划", "党旗", "表彰", "国家级", "2024", "2024年度", "20240315",
]
VALUE = st.one_of(
    st.sampled_from(HOSTILE_VALUES), st.text(max_size=30), st.integers(-10**30, 10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
    st.lists(st.sampled_from(HOSTILE_VALUES[:20]), max_size=3),
    st.dictionaries(st.sampled_from(["a", "score", "名称"]), st.sampled_from(HOSTILE_VALUES[:10]), max_size=2),
)
BRANCH_KEYS = [["name"], ["type"], ["parent"], ["established"], ["phone"], ["groups"], ["party_workers"],
               ["instructor"], ["term"], ["term", "start"], ["term", "years"], ["committee"],
               ["committee", 0, "name"], ["committee", 0, "role"], ["committee", 0, "approved"],
               ["committee", 0, "approval"]]


def _base_records(base: Path) -> dict[str, object]:
    records = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in base.glob("*.yaml")}
    records["self_assessment"] = {"33": {"score": 1, "evidence": ["evidence/批复.pdf"], "note": "说明"}}
    records["waivers"] = [{"指标": "1", "理由": "新成立", "批准人": "上级党委", "批准日期": "2024-01-01",
                           "有效期至": "2025-12-31"}]
    return records


TARGETS = (
    [("branch", key) for key in BRANCH_KEYS]
    + [(spec.name, [0, f.label]) for spec in specs.RECORD_TABLES for f in spec.fields]
    + [("self_assessment", ["33", key]) for key in ("score", "evidence", "note")]
    + [("self_assessment", ["33"])]
    + [("waivers", [0, f.label]) for f in specs.WAIVERS.fields]
)


def _set(tree, path, value) -> None:
    for step in path[:-1]:
        if not isinstance(tree, (dict, list)):
            return  # an earlier change replaced this branch of the tree with a scalar
        tree = tree[step]
    if isinstance(tree, (dict, list)):
        tree[path[-1]] = value


def _write_records(base: Path, records: dict, only: set[str] | None = None) -> Path:
    """The base branch with ``records`` as its YAML files (only the files named in ``only``, if given)."""
    folder = base.parent / "values"
    if not folder.exists():
        shutil.copytree(base, folder, ignore=lambda d, names: [n for n in names if n.endswith(".yaml")])
        only = None
    for file, data in records.items():
        if only is None or file in only:
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
            (folder / f"{file}.yaml").write_text(text, encoding="utf-8")
    return folder


@FUZZ
@given(changes=st.lists(st.tuples(st.sampled_from(TARGETS), VALUE), min_size=1, max_size=3))
def test_hostile_values_in_every_field(base, changes):
    records = copy.deepcopy(_base_records(base))
    for (file, path), value in changes:
        _set(records[file], path, value)
    check(_write_records(base, records))


SWEEP_VALUES = ["1e999999999", "999999999999", "-1", "NaN", "9999-12-31", "0001-01-01", "2024-01~9999-12",
                "evidence/a\x00b.pdf", "a\x00/b.pdf", "x" * 10_000, ["a", ["b"]], {"a": "1"}, True]


def test_every_hostile_value_in_every_field(base):
    """Not random: each of the worst values in each field, one at a time (most loads are clean)."""
    outcomes = {"clean": 0, "errors": 0}
    failures = []
    original = _base_records(base)
    _write_records(base, original)
    for file, path in TARGETS:
        for value in SWEEP_VALUES:
            records = {**original, file: copy.deepcopy(original[file])}
            _set(records[file], path, value)
            try:
                outcomes[check(_write_records(base, records, only={file}))] += 1
            except Exception as exc:  # collected, so that one run lists every field that fails
                failures.append((file, path, str(value)[:30], f"{type(exc).__name__}: {exc}"))
        _write_records(base, original, only={file})
    assert failures == []
    assert outcomes["clean"] > 100 and outcomes["errors"] > 300, outcomes
