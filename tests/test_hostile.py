"""Hostile input: YAML bombs, xlsx traps, evidence paths that escape, precise errors, nothing written.

Every hostile file is built here in code (tests/hostile_files.py) — no stored binaries. Each must end in
exit 2 with a Chinese message naming the file, within seconds; the worst are run in a child process
whose wall time and peak RSS are measured (LEDGER.md, CLI.md; docs/security.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import hostile_files as h
from conftest import write_branch
from dangjian_cli.cli import app
from dangjian_cli.errors import InputErrors
from dangjian_cli.ledger import load
from dangjian_cli.options import atomic_write

runner = CliRunner()
WINDOW = ["--year", "2024", "--as-of", "2025-01-15"]
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
SECONDS = 5.0  # in-process budget for one refusal (they take milliseconds; CI machines are slow)
RSS_MB = 500


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def assert_refused(result, file: str, *fragments: str, started: float | None = None) -> str:
    """Exit 2, a Chinese one-paragraph message on stderr naming ``file``, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    err = result.stderr
    assert file in err, err
    assert CHINESE.search(err)
    assert "Traceback" not in result.output and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    if started is not None:
        assert time.perf_counter() - started < SECONDS
    return err


# ---------------------------------------------------------------------------------------------------------
# the YAML corpus

YAML_CORPUS = {
    "billion-laughs": (h.billion_laughs(), "锚点"),
    "alias-in-merge-key": (h.alias_key_bomb(), "锚点"),
    "deep-nesting": (h.deep_nesting(), "嵌套"),
    "too-many-nodes": (h.too_many_nodes(), "过多"),
    "oversized": (h.oversized(), "文件过大"),
    "duplicate-key": ("- 姓名: 张三\n  类别: 正式党员\n  姓名: 李四\n", "重复"),
    "two-documents": ("- {姓名: 张三, 类别: 正式党员}\n---\n- {姓名: 李四, 类别: 正式党员}\n", "一个 YAML 文档"),
    "not-utf8": (b"- \xff\xfe\xfd: \x81\x30\n".decode("latin-1").encode("latin-1") + b"\x80\xff", "编码"),
    "syntax-error": ("- {姓名: 张三, 类别: [正式党员\n", "格式错误"),
    "tab-indent": ("- 姓名: 张三\n\t类别: 正式党员\n", "格式错误"),
    "complex-key": ("- ? [a, b]\n  : 1\n", "键"),
    "null-byte": ("- 姓名: 张三\x00\n", "格式错误"),
}


def _write(path: Path, content) -> None:
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)


@pytest.mark.parametrize("case", sorted(YAML_CORPUS))
@pytest.mark.parametrize("target", ["members.yaml", "branch.yaml"])
def test_yaml_corpus_exits_2_naming_the_file(tmp_path, case, target):
    content, fragment = YAML_CORPUS[case]
    if target == "branch.yaml" and case in ("alias-in-merge-key",):
        content = "name: &n 支部\ntype: 党支部\nunit: *n\n"
    folder = write_branch(tmp_path / "b")
    _write(folder / target, content)
    for command in (["score", folder, *WINDOW], ["validate", folder]):
        started = time.perf_counter()
        err = assert_refused(run(*command), target, started=started)
        if not (target == "branch.yaml" and case == "complex-key"):
            assert fragment in err, err


@pytest.mark.parametrize("target", ["meetings.yaml", "self_assessment.yaml", "waivers.yaml", "dues.yml"])
def test_billion_laughs_in_every_yaml_file(tmp_path, target):
    folder = write_branch(tmp_path / "b")
    _write(folder / target, h.billion_laughs())
    started = time.perf_counter()
    assert_refused(run("score", folder, *WINDOW), target, "锚点", started=started)


def test_billion_laughs_as_waivers_option_and_rubric(tmp_path):
    folder = write_branch(tmp_path / "b")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(h.billion_laughs(), encoding="utf-8")
    assert_refused(run("score", folder, *WINDOW, "--waivers", bomb), "bomb.yaml", "锚点")
    assert_refused(run("score", folder, *WINDOW, "--rubric", bomb), "bomb.yaml", "锚点")
    assert_refused(run("rubric", "check", bomb), "bomb.yaml", "锚点")


def test_duplicate_key_names_the_key_and_both_lines(tmp_path):
    folder = write_branch(tmp_path / "b")
    (folder / "members.yaml").write_text(
        "- 姓名: 张三\n  类别: 正式党员\n- 姓名: 李四\n  类别: 正式党员\n  手机: '13800000000'\n  类别: 预备党员\n",
        encoding="utf-8")
    err = assert_refused(run("validate", folder), "members.yaml")
    assert "类别" in err and "第 6 行" in err and "第 4 行" in err


def test_yaml_tags_are_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    folder = write_branch(tmp_path / "b", members=None)
    (folder / "members.yaml").write_text(
        f"- 姓名: 张三\n  类别: 正式党员\n  单位职务: !!python/object/apply:os.system ['touch {marker}']\n",
        encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        load(folder)
    assert not marker.exists()
    assert [(e.line, e.field) for e in caught.value.errors] == [(3, "单位职务")]
    (folder / "members.yaml").write_text(
        "- 姓名: !!python/name:os.system 张三\n  类别: !!str 正式党员\n  单位职务: !!binary 5byg5LiJ\n", encoding="utf-8")
    member = load(folder).members[0]
    assert (member.name, member.category, member.job) == ("张三", "正式党员", "5byg5LiJ")  # the text typed


def test_text_fields_keep_what_the_user_typed(tmp_path):
    """YAML 1.1 would turn these into false, 83, 750, 1000.0, inf …; a name or phone must stay text."""
    spellings = ["no", "yes", "on", "off", "0123", "12:30", "1e3", "0x1F", "0o17", ".inf", "1_000", "2024-03-15",
                 "+86", "0.50"]
    members = "".join(f"- 姓名: {s}\n  类别: 正式党员\n  手机: {s}\n  单位职务: {s}\n" for s in spellings)
    folder = write_branch(tmp_path / "b", members=None)
    (folder / "members.yaml").write_text(members, encoding="utf-8")
    (folder / "branch.yaml").write_text("name: 0123\ntype: 党支部\nphone: 076922881234\nparty_workers: [no, 12:30]\n",
                                        encoding="utf-8")
    ledger = load(folder)
    assert [m.name for m in ledger.members] == spellings
    assert [m.phone for m in ledger.members] == spellings
    assert [m.job for m in ledger.members] == spellings
    assert ledger.branch.name == "0123" and ledger.branch.phone == "076922881234"
    assert ledger.branch.party_workers == ("no", "12:30")


def test_nested_value_in_a_text_field_is_an_error_not_a_python_repr(tmp_path):
    folder = write_branch(tmp_path / "b", members=[{"姓名": ["张三", "李四"], "类别": "正式党员"},
                                                     {"姓名": "王五", "类别": {"a": 1}}])
    with pytest.raises(InputErrors) as caught:
        load(folder)
    errors = caught.value.errors
    assert [(e.line, e.field) for e in errors] == [(1, "姓名"), (6, "类别")]  # the key's line
    assert all("列表" in e.message for e in errors)


# ---------------------------------------------------------------------------------------------------------
# the xlsx corpus, end to end (the guard's own unit tests are in test_xlsx_source.py)


def _members_xlsx(folder: Path) -> Path:
    (folder / "members.yaml").unlink()
    return folder / "members.xlsx"


def _truncated(path: Path) -> None:
    h.raw_xlsx(path, h.members_sheet())
    path.write_bytes(path.read_bytes()[:-60])


def _corrupt_part(path: Path) -> None:
    h.raw_xlsx(path, h.members_sheet("".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(5, 300))))
    data = bytearray(path.read_bytes())
    at = data.find(h.SHEET_PART.encode()) + len(h.SHEET_PART) + 40
    data[at:at + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))


def _bomb(lie: bool):
    def build(path: Path) -> None:
        h.write_zip(path, h.workbook_parts(h.members_sheet())[:-1] + [h.bomb_part(h.SHEET_PART, lie=lie)])
    return build


def _shared_strings_bomb(path: Path) -> None:
    h.raw_xlsx(path, h.members_sheet(), extra=[h.bomb_part("xl/sharedStrings.xml")])


def _small_bomb(declared: int):
    def build(path: Path) -> None:
        h.write_zip(path, h.workbook_parts(h.members_sheet())[:-1] + [h.small_bomb_part(h.SHEET_PART, declared)])
    return build


def _entity(path: Path) -> None:
    sst = (h.XML_HEAD + h.BILLION_LAUGHS_DTD.replace("worksheet", "sst")
           + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&d;</t></si></sst>')
    h.raw_xlsx(path, h.members_sheet(), extra=[h.deflated("xl/sharedStrings.xml", sst)])


XLSX_CORPUS = {
    "not-a-zip": lambda p: p.write_text("姓名,类别\n张三,正式党员\n", encoding="utf-8"),
    "empty": lambda p: p.write_bytes(b""),
    "truncated": _truncated,
    "corrupt-part": _corrupt_part,
    "password-protected": lambda p: p.write_bytes(h.encrypted_xlsx_bytes()),
    "dtd-in-sheet": lambda p: h.raw_xlsx(p, h.members_sheet(prolog=h.BILLION_LAUGHS_DTD)),
    "entity-in-shared-strings": _entity,
    "zip-bomb-1gib-lying-header": _bomb(lie=True),
    "zip-bomb-1gib-honest-header": _bomb(lie=False),
    "shared-strings-bomb": _shared_strings_bomb,
    "small-bomb-lying-header": _small_bomb(declared=1000),
    "small-bomb-declared-at-the-limit": _small_bomb(declared=64 * 1024 * 1024),
    "cell-at-xfd1048576": lambda p: h.raw_xlsx(p, h.far_cell_sheet()),
    "formula-without-cached-value": lambda p: h.raw_xlsx(
        p, h.members_sheet('<row r="5"><c r="A5"><f>CONCAT("a","b")</f></c><c r="B5" t="inlineStr"><is><t>正式党员</t>'
                           "</is></c></row>")),
}


@pytest.mark.parametrize("case", sorted(XLSX_CORPUS))
def test_xlsx_corpus_exits_2_naming_the_file(tmp_path, case):
    folder = write_branch(tmp_path / "b")
    path = _members_xlsx(folder)
    XLSX_CORPUS[case](path)
    if case.startswith("zip-bomb"):
        assert path.stat().st_size < 1_200_000  # about 1 MB on disk, 1 GiB inflated
    if case == "cell-at-xfd1048576":
        assert len(h.far_cell_sheet().encode()) <= 5 * 1024  # a 5 KB sheet
    for command in (["score", folder, *WINDOW], ["validate", folder]):
        started = time.perf_counter()
        assert_refused(run(*command), "members.xlsx", started=started)


def test_xlsx_refusal_in_one_file_does_not_hide_errors_in_others(tmp_path):
    folder = write_branch(tmp_path / "b", meetings=[{"日期": "2024-02-30", "类型": "支委会"}])
    XLSX_CORPUS["cell-at-xfd1048576"](_members_xlsx(folder))
    (folder / "dues.xlsx").write_bytes(h.encrypted_xlsx_bytes())
    result = run("validate", folder)
    assert result.exit_code == 2 and "发现 3 处问题" in result.stderr
    for name in ("members.xlsx", "dues.xlsx", "meetings.yaml"):
        assert name in result.stderr


# ---------------------------------------------------------------------------------------------------------
# the worst of them in a child process: wall time and peak RSS

WORST = {
    "yaml-billion-laughs": ("members.yaml", lambda p: p.write_text(h.billion_laughs(), encoding="utf-8")),
    "yaml-too-many-nodes": ("members.yaml", lambda p: p.write_text(h.too_many_nodes(), encoding="utf-8")),
    "yaml-deep-nesting": ("members.yaml", lambda p: p.write_text(h.deep_nesting(), encoding="utf-8")),
    "yaml-oversized": ("members.yaml", lambda p: p.write_bytes(h.oversized())),
    "xlsx-zip-bomb-1gib": ("members.xlsx", _bomb(lie=True)),
    "xlsx-shared-strings-bomb-1gib": ("members.xlsx", _shared_strings_bomb),
    "xlsx-small-bomb-declared-64mib": ("members.xlsx", _small_bomb(declared=64 * 1024 * 1024)),
    "xlsx-cell-at-xfd1048576": ("members.xlsx", XLSX_CORPUS["cell-at-xfd1048576"]),
    "xlsx-billion-laughs-dtd": ("members.xlsx", XLSX_CORPUS["dtd-in-sheet"]),
}


@pytest.mark.parametrize("case", sorted(WORST))
def test_worst_hostile_files_in_a_child_process(tmp_path, case):
    target, build = WORST[case]
    folder = write_branch(tmp_path / "b")
    if target.endswith(".xlsx"):
        _members_xlsx(folder)
    build(folder / target)
    for command in ("score", "validate"):
        done = h.run_dj_measured([command, folder, *(WINDOW if command == "score" else [])], timeout=120)
        print(f"{case:32s} {command:8s} {done.seconds:5.2f} s  {done.peak_rss_mb:6.1f} MB")
        assert done.returncode == 2, done.stderr
        assert done.peak_rss_mb > 0
        assert target in done.stderr and "Traceback" not in done.stderr
        assert done.seconds < 15, done.seconds  # "within seconds", with room for a slow CI machine
        assert done.peak_rss_mb < RSS_MB, done.peak_rss_mb


# ---------------------------------------------------------------------------------------------------------
# values that used to crash the engine or hang (found by the fuzz tests and by hand)


@pytest.mark.parametrize("records, fragment", [
    ({"meetings": [{"日期": "2024-03-01", "类型": "支委会", "应到": "1e999999999"}]}, "数值过大"),
    ({"trainings": [{"姓名": "张书记", "日期": "2024-03-01", "学时": "9e99"}]}, "数值过大"),
    ({"branch": {"term": {"start": "2024-01-01", "years": 999999999999}}}, "任期年限"),
    ({"branch": {"term": {"start": "2024-01-01", "years": 0}}}, "任期年限"),
    ({"meetings": [{"日期": "9999-12-31", "类型": "支委会"}]}, "年份超出范围"),
    ({"branch": {"established": "0001-01-01"}}, "年份超出范围"),
    ({"dues": [{"姓名": "张书记", "月份": "0000-01"}]}, "年份超出范围"),
    ({"documents": [{"类别": "年度总结", "年度": "9999"}]}, "年份超出范围"),
])
def test_extreme_values_are_input_errors(tmp_path, records, fragment):
    folder = write_branch(tmp_path / "b", **records)
    started = time.perf_counter()
    assert_refused(run("score", folder, *WINDOW), ".yaml", fragment, started=started)


def test_extreme_excel_dates_are_input_errors(tmp_path):
    import datetime as dt

    folder = write_branch(tmp_path / "b", meetings=None)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["日期", "类型"])
    ws.append([dt.datetime(9999, 12, 31), "支委会"])
    ws.append([dt.datetime(1899, 12, 31), "党课"])
    wb.save(folder / "meetings.xlsx")
    result = run("validate", folder)
    assert result.exit_code == 2 and "发现 2 处问题" in result.stderr
    assert "单元格 A2" in result.stderr and "单元格 A3" in result.stderr


# ---------------------------------------------------------------------------------------------------------
# evidence paths


class OpenAudit:
    """Records every file the interpreter opens (sys.addaudithook cannot be removed, so it is shared)."""

    active: list | None = None
    installed = False

    @classmethod
    def start(cls) -> list:
        if not cls.installed:
            def hook(event, args):
                if cls.active is not None and event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
                    cls.active.append(os.fsdecode(args[0]))

            sys.addaudithook(hook)
            cls.installed = True
        cls.active = []
        return cls.active

    @classmethod
    def stop(cls) -> list:
        opened, cls.active = cls.active or [], None
        return opened


@pytest.fixture
def escaping_branch(tmp_path):
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.pdf").write_bytes(b"secret")
    (outside / "dir" / "x.pdf").write_bytes(b"secret")
    paths = {
        "absolute": str(outside / "secret.pdf"),
        "windows-drive": "C:\\Users\\张三\\纪要.pdf",
        "unc": "\\\\server\\share\\纪要.pdf",
        "home": "~/纪要.pdf",
        "dotdot": "evidence/../../outside/secret.pdf",
        "dotdot-backslash": "evidence\\..\\..\\outside\\secret.pdf",
        "link-to-file-outside": "evidence/link.pdf",
        "link-to-dir-outside": "evidence/linkdir/x.pdf",
        "nul": "evidence/a\x00b.pdf",
    }
    ok = {"windows-separators": "evidence\\会议\\纪要.pdf", "link-inside": "evidence/inside-link.pdf",
          "dot-segments": "./evidence/./会议/纪要.pdf"}
    folder = write_branch(tmp_path / "b", files=["evidence/会议/纪要.pdf"], meetings=[
        {"日期": f"2024-{n + 1:02d}-05", "类型": "支委会", "纪要": p} for n, p in enumerate([*paths.values(), *ok.values()])
    ])
    (folder / "evidence" / "link.pdf").symlink_to(outside / "secret.pdf")
    (folder / "evidence" / "linkdir").symlink_to(outside / "dir", target_is_directory=True)
    (folder / "evidence" / "inside-link.pdf").symlink_to(folder / "evidence" / "会议" / "纪要.pdf")
    return folder, outside, paths, ok


def test_escaping_evidence_paths_are_rejected_and_never_opened(escaping_branch):
    folder, outside, paths, ok = escaping_branch
    opened = OpenAudit.start()
    try:
        ledger = load(folder)
        result = run("score", folder, *WINDOW, "-f", "json")
    finally:
        OpenAudit.stop()
    statuses = [m.minutes[0].status for m in ledger.meetings]
    assert statuses == ["rejected"] * len(paths) + ["ok"] * len(ok), list(zip(statuses, [*paths, *ok]))
    assert ledger.meetings[len(paths)].minutes[0].path == "evidence/会议/纪要.pdf"  # `\` read as a separator
    real_outside = os.path.realpath(outside)
    assert not [p for p in opened if os.path.realpath(p).startswith(real_outside)], opened
    evidence = os.path.realpath(folder / "evidence")
    assert not [p for p in opened if os.path.realpath(p).startswith(evidence)], opened  # never, inside or out
    assert result.exit_code == 0, result.output
    messages = [f["message"] for i in json.loads(result.stdout)["indicators"] for f in i["findings"]]
    rejected = [m for m in messages if "路径被拒绝" in m]
    assert len(rejected) == len(paths), rejected
    for reason in ("绝对路径", "“..”", "链接指向支部文件夹之外"):
        assert any(reason in m for m in rejected), reason


def test_committee_approval_and_self_assessment_paths_are_checked_too(tmp_path):
    folder = write_branch(tmp_path / "b", branch={"committee": [
        {"name": "张书记", "role": "书记", "approved": "2024-01-10", "approval": "/etc/passwd"}]})
    (folder / "self_assessment.yaml").write_text("'33':\n  score: 1\n  evidence: ['..\\..\\x.pdf', 'C:/x.pdf']\n",
                                                 encoding="utf-8")
    ledger = load(folder)
    assert ledger.branch.committee[0].approval[0].status == "rejected"
    assert [e.status for e in ledger.self_assessment["33"].evidence] == ["rejected", "rejected"]


# ---------------------------------------------------------------------------------------------------------
# every loader error: file, sheet and cell (Excel) or line (YAML), field, in Chinese, with accepted values


def _planted_errors(tmp_path) -> Path:
    folder = write_branch(tmp_path / "b", branch={"type": "党小组"}, members=None, meetings=[
        {"日期": "2024-02-30", "类型": "支委会"},
        {"日期": "2024-03-01", "类型": "茶话会"},
        {"日期": "2024-03-02", "类型": "党课", "应到": "十个"},
        {"类型": "党课"},
    ])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "党员名册"
    ws.append(["姓名", "类别", "性别", "入党日期", "流动党员"])
    ws.append(["张书记", "正式党员", "男", "2010-05-01", "否"])
    ws.append(["李干事", "路人", "男", "2010-05-01", "否"])
    ws.append(["王律师", "正式党员", "未知", 2010, "也许"])
    wb.save(folder / "members.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "月份", "金额"])
    ws.append(["张书记", "2024-13", "五十"])
    wb.save(folder / "dues.xlsx")
    (folder / "self_assessment.yaml").write_text("'33':\n  score: 1\n'33':\n  score: 2\n", encoding="utf-8")
    type_line = (folder / "branch.yaml").read_text(encoding="utf-8").splitlines().index("type: 党小组") + 1
    PLANTED[0] = ("branch.yaml", f"第 {type_line} 行", "类型", "可填")
    return folder


PLANTED = [  # (file, place, field, must contain)
    ("branch.yaml", "第 2 行", "类型", "可填"),
    ("members.xlsx", "单元格 B3", "类别", "可填"),
    ("members.xlsx", "单元格 C4", "性别", "可填"),
    ("members.xlsx", "单元格 D4", "入党日期", "2024-03-15"),
    ("members.xlsx", "单元格 E4", "流动党员", "可填"),
    ("meetings.yaml", "第 1 行", "日期", "不是存在的日期"),
    ("meetings.yaml", "第 4 行", "类型", "可填"),
    ("meetings.yaml", "第 7 行", "应到", "不是数字"),
    ("meetings.yaml", "第 8 行", "日期", "必填"),
    ("dues.xlsx", "单元格 B2", "月份", "月份不存在"),
    ("dues.xlsx", "单元格 C2", "金额", "不是数字"),
    ("self_assessment.yaml", "第 3 行", None, "重复"),
]


def test_validate_lists_every_error_with_its_place(tmp_path):
    folder = _planted_errors(tmp_path)
    result = run("validate", folder)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("  · ")]
    assert result.stderr.startswith(f"发现 {len(PLANTED)} 处问题"), result.stderr
    assert len(lines) == len(PLANTED)
    for file, place, field, fragment in PLANTED:
        matching = [line for line in lines if file in line and place in line and (field is None or f"字段「{field}」" in line)]
        assert len(matching) == 1, (file, place, field, lines)
        assert fragment in matching[0] and CHINESE.search(matching[0])
        if file.endswith(".xlsx"):
            assert "工作表「" in matching[0]
    # other commands give the first and say how many more there are
    first = run("score", folder, *WINDOW)
    assert first.exit_code == 2 and f"另有 {len(PLANTED) - 1} 处问题" in first.stderr


def test_every_input_error_object_carries_its_place(tmp_path):
    with pytest.raises(InputErrors) as caught:
        load(_planted_errors(tmp_path))
    for error in caught.value.errors:
        assert error.file and CHINESE.search(error.message)
        if error.file.endswith(".xlsx"):
            assert error.sheet and error.row and error.column and error.field, error
        else:
            assert error.line, error


# ---------------------------------------------------------------------------------------------------------
# nothing is ever written into a branch folder


def tree_state(folder: Path) -> dict:
    """Names, types, bytes and mtimes of everything under ``folder`` (folders too: a temp file that came
    and went changes its folder's mtime)."""
    state = {}
    for path in sorted([folder, *folder.rglob("*")]):
        st = path.lstat()
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            state[rel] = ("link", os.readlink(path), st.st_mtime_ns)
        elif path.is_dir():
            state[rel] = ("dir", st.st_mtime_ns)
        else:
            state[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size, st.st_mtime_ns)
    return state


@pytest.fixture
def branch_tree(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(EXAMPLES / "five-star", root / "五星", symlinks=True)
    yaml_branch = write_branch(root / "片区" / "yaml支部", meetings=[{"日期": "2024-03-01", "类型": "支委会"}],
                               waivers=[{"指标": "1", "理由": "新成立", "批准人": "上级党委", "有效期至": "2025-12-31"}])
    broken = write_branch(root / "坏的")
    (broken / "members.yaml").write_text(h.billion_laughs(), encoding="utf-8")
    time.sleep(0.01)
    return root, [root / "五星", yaml_branch, broken]


def test_no_command_writes_into_a_branch_folder(branch_tree, tmp_path, monkeypatch):
    root, (excel, yaml_branch, broken) = branch_tree
    out = tmp_path / "out"
    (tmp_path / "link-into-branch").symlink_to(excel, target_is_directory=True)
    commands = []
    for folder in (excel, yaml_branch, broken):
        commands += [
            ["score", folder, *WINDOW], ["score", folder, *WINDOW, "-f", "json"],
            ["score", folder, *WINDOW, "-f", "markdown", "--fail-under", "99"],
            ["score", folder, *WINDOW, "-o", out / "r.md"], ["score", folder, *WINDOW, "-o", out / "r.json"],
            ["score", folder, *WINDOW, "-o", out / "r.xlsx"],
            ["gaps", folder, "--since", "2024-01", "--as-of", "2025-01-15"],
            ["gaps", folder, *WINDOW, "-f", "json"], ["gaps", folder, *WINDOW, "-f", "csv"],
            ["validate", folder],
            ["trend", folder, "--years", "2023-2024", "--as-of", "2025-01-15"],
            ["trend", folder, "--years", "2023-2024", "--as-of", "2025-01-15", "-f", "json"],
            ["diff", folder, "--from", "2023", "--to", "2024", "--as-of", "2025-01-15"],
            ["diff", folder, "--from", "2023", "--to", "2024", "--as-of", "2025-01-15", "-f", "json"],
            ["init", folder],  # refused: not empty
            ["score", folder, *WINDOW, "-o", folder / "r.md"],  # refused: inside
            ["score", folder, *WINDOW, "-o", folder / "evidence" / "新建" / "r.xlsx"],  # refused: inside
        ]
    commands += [
        ["score", excel, *WINDOW, "-o", tmp_path / "link-into-branch" / "r.json"],  # refused: through a link
        ["rubric", "show"], ["rubric", "check", "dongguan-5star"], ["init", out / "新支部"],
        ["batch", root, *WINDOW, "-j", "2", "-f", "json"], ["batch", root, *WINDOW, "-f", "markdown"],
        ["batch", root, *WINDOW, "-f", "junit", "-o", out / "s.xlsx", "-o", out / "s.json", "-o", out / "s.md",
         "-o", out / "s.xml", "--out-dir", out / "each"],
        ["batch", root, *WINDOW, "--out-dir", excel / "reports"],  # refused: inside a branch
        ["batch", root, *WINDOW, "-o", yaml_branch / "统计表.xlsx"],  # refused: inside a branch
    ]
    refusals = 0
    for command in commands:
        before = {str(f): tree_state(f) for f in (excel, yaml_branch, broken)}
        result = run(*command)
        assert "Traceback" not in result.output
        after = {str(f): tree_state(f) for f in (excel, yaml_branch, broken)}
        assert after == before, command
        assert result.exit_code in (0, 1, 2), (command, result.output)
        if command[1] == broken or command[0] == "init" and command[1] != out / "新支部":
            assert result.exit_code == 2, command
        refusals += "不能把报告写进" in result.stderr
    # -o inside each readable branch (twice; the broken one fails on its input first), through a link,
    # batch -o/--out-dir inside a branch
    assert refusals == 2 * 2 + 3
    # the refusals really were refusals, and the reports really were written
    assert run("score", excel, *WINDOW, "-o", excel / "r.md").exit_code == 2
    assert {p.name for p in out.iterdir()} >= {"r.md", "r.json", "r.xlsx", "s.xlsx", "s.json", "s.md", "s.xml",
                                               "each", "新支部"}
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]

    # a relative -o from inside the branch folder
    monkeypatch.chdir(excel)
    before = tree_state(excel)
    result = run("score", ".", *WINDOW, "-o", "报告.md")
    assert result.exit_code == 2 and "不能把报告写进" in result.stderr
    assert tree_state(excel) == before


def test_report_writes_are_atomic(tmp_path, monkeypatch):
    target = tmp_path / "reports" / "r.json"
    atomic_write(target, b"old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, b"new" * 1000)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in target.parent.iterdir()) == ["r.json"]  # no temp file left behind
    monkeypatch.undo()
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["r.json"]


def test_atomic_write_does_not_follow_a_planted_temp_link(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep")
    target = tmp_path / "out" / "r.md"
    target.parent.mkdir()
    (target.parent / f".r.md.{os.getpid()}.tmp").symlink_to(victim)
    atomic_write(target, b"report")
    assert victim.read_bytes() == b"keep" and target.read_bytes() == b"report"


# ---------------------------------------------------------------------------------------------------------
# rich markup in user text: printed as typed, never interpreted


@pytest.mark.parametrize("command", [["score"], ["gaps", "--since", "2024-01"], ["trend", "--years", "2023-2024"],
                                     ["diff", "--from", "2023", "--to", "2024"]])
def test_rich_markup_in_a_branch_name_is_printed_not_interpreted(tmp_path, command):
    folder = write_branch(tmp_path / "b", branch={"name": "[/]第一[bold]支部[/i]"})
    result = run(command[0], folder, *command[1:], "--as-of", "2025-01-15")
    assert result.exit_code in (0, 1), result.output
    assert "[/]第一[bold]支部[/i]" in result.stdout
