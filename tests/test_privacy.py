"""Personal data: no 身份证号 or phone number ever appears in full in any output (CLI.md, LEDGER.md).

The numbers are read from the bundled examples' own members.xlsx and branch.yaml; then every output of
every command is searched for them: stdout, stderr, and each report file (.md, .json, .xml, and the
.xlsx reports' cell values and raw XML parts), including ``dj batch`` and its ``--out-dir`` reports.
A second ledger plants the same numbers where they do reach the output (the branch name, evidence paths,
a misplaced column echoed in an error message) to prove the masking, not the absence, is what is tested.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import write_branch
from dangjian_cli.cli import app
from dangjian_cli.masking import redact

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NAMES = ("five-star", "with-gaps", "needs-work")
WINDOW = ["--year", "2024", "--as-of", "2025-01-15"]


def example_numbers(folder: Path) -> dict[str, set[str]]:
    """The 身份证号 and phone numbers stored in an example (members.xlsx, branch.yaml)."""
    wb = openpyxl.load_workbook(folder / "members.xlsx", read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    header = [str(h) for h in rows[0]]
    ids = {str(r[header.index("身份证号")]).strip() for r in rows[1:] if r[header.index("身份证号")]}
    phones = {str(r[header.index("手机")]).strip() for r in rows[1:] if r[header.index("手机")]}
    branch = yaml.safe_load((folder / "branch.yaml").read_text(encoding="utf-8"))
    if branch.get("phone"):
        phones.add(str(branch["phone"]))
    return {"id": ids, "phone": phones}


ALL_NUMBERS = {name: example_numbers(EXAMPLES / name) for name in NAMES}


def test_the_examples_really_hold_personal_numbers():
    for name, numbers in ALL_NUMBERS.items():
        assert len(numbers["id"]) >= 5 and all(re.fullmatch(r"\d{17}[\dX]", n) for n in numbers["id"]), name
        assert len(numbers["phone"]) >= 5, name


def variants(number: str) -> set[str]:
    """The number as stored, and its digits alone (0769-22881234 → 076922881234)."""
    return {number, re.sub(r"\D", "", number)}


def leaks(texts: dict[str, str], numbers: set[str]) -> list[tuple[str, str]]:
    found = []
    for where, text in texts.items():
        for number in numbers:
            for form in variants(number):
                if form in text:
                    found.append((where, form))
    return found


def xlsx_texts(path: Path) -> dict[str, str]:
    """Every cell value of every sheet, and the raw text of every part (properties, comments …)."""
    texts = {}
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        texts[f"{path.name}!{ws.title}"] = "\n".join(
            str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            texts[f"{path.name}:{name}"] = z.read(name).decode("utf-8", "replace")
    return texts


def file_texts(folder: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            if path.suffix == ".xlsx":
                texts.update(xlsx_texts(path))
            else:
                texts[str(path.relative_to(folder))] = path.read_text(encoding="utf-8")
    return texts


def every_output(folder: Path, out: Path) -> dict[str, str]:
    """stdout/stderr of every command reading ``folder``, and every report it writes into ``out``."""
    commands = [
        ["score", folder, *WINDOW], ["score", folder, *WINDOW, "-f", "json"],
        ["score", folder, *WINDOW, "-f", "markdown"],
        ["score", folder, *WINDOW, "-o", out / "r.md"], ["score", folder, *WINDOW, "-o", out / "r.json"],
        ["score", folder, *WINDOW, "-o", out / "r.xlsx"],
        ["gaps", folder, *WINDOW], ["gaps", folder, *WINDOW, "-f", "json"], ["gaps", folder, *WINDOW, "-f", "csv"],
        ["validate", folder],
        ["trend", folder, "--years", "2023-2024", "--as-of", "2025-01-15"],
        ["trend", folder, "--years", "2023-2024", "--as-of", "2025-01-15", "-f", "json"],
        ["diff", folder, "--from", "2023", "--to", "2024", "--as-of", "2025-01-15"],
        ["diff", folder, "--from", "2023", "--to", "2024", "--as-of", "2025-01-15", "-f", "json"],
    ]
    texts = {}
    for command in commands:
        result = runner.invoke(app, [str(a) for a in command])
        assert result.exit_code in (0, 1, 2), result.output
        label = " ".join(str(a) for a in command[:1] + command[2:])
        texts[f"{label} [stdout]"] = result.stdout
        texts[f"{label} [stderr]"] = result.stderr
    texts.update(file_texts(out))
    return texts


def batch_outputs(root: Path, out: Path) -> dict[str, str]:
    texts = {}
    for fmt in ("table", "json", "markdown", "junit"):
        result = runner.invoke(app, ["batch", str(root), *WINDOW, "-j", "1", "-f", fmt])
        texts[f"batch -f {fmt} [stdout]"] = result.stdout
        texts[f"batch -f {fmt} [stderr]"] = result.stderr
    result = runner.invoke(app, ["batch", str(root), *WINDOW, "-o", str(out / "统计表.xlsx"), "-o", str(out / "s.json"),
                                 "-o", str(out / "s.md"), "-o", str(out / "s.xml"), "--out-dir", str(out / "each")])
    texts["batch -o [stdout]"] = result.stdout
    texts["batch -o [stderr]"] = result.stderr
    assert (out / "统计表.xlsx").is_file() and (out / "each").is_dir()
    texts.update(file_texts(out))
    return texts


@pytest.mark.parametrize("name", NAMES)
def test_no_output_of_an_example_holds_a_full_number(tmp_path, name):
    numbers = ALL_NUMBERS[name]
    texts = every_output(EXAMPLES / name, tmp_path / "out")
    assert any(k.endswith("r.xlsx!申报表") for k in texts) and "r.md" in texts
    assert leaks(texts, numbers["id"] | numbers["phone"]) == []


def test_no_batch_output_holds_a_full_number(tmp_path):
    root = tmp_path / "root"
    for name in NAMES:
        shutil.copytree(EXAMPLES / name, root / name)
    texts = batch_outputs(root, tmp_path / "out")
    numbers = set().union(*(n["id"] | n["phone"] for n in ALL_NUMBERS.values()))
    assert leaks(texts, numbers) == []


# ---------------------------------------------------------------------------------------------------------
# the same numbers planted where they reach the output


@pytest.fixture
def leaky_root(tmp_path):
    numbers = ALL_NUMBERS["five-star"]
    ids, phones = sorted(numbers["id"]), sorted(numbers["phone"] - {"0769-22881234"})
    root = tmp_path / "root"
    members = [{"姓名": f"党员{i}", "类别": "正式党员", "身份证号": ids[i], "手机": phones[i]} for i in range(3)]
    members[0]["姓名"] = "张书记"
    # the branch name is printed by every command; missing evidence paths are printed in findings
    write_branch(root / "leaky", branch={"name": f"联系电话{phones[0]}（{phones[1][:3]}-{phones[1][3:7]}-{phones[1][7:]}）党支部",
                                         "phone": "0769-22881234"},
                 members=members,
                 meetings=[{"日期": "2024-03-05", "类型": "支委会", "主题": f"核对 {ids[0]} 的信息",
                            "纪要": f"evidence/身份证{ids[1]}.jpg；evidence/ID{ids[2]}.pdf；evidence/+86{phones[2]}.txt"}],
                 documents=[{"类别": "党员花名册", "标题": f"名册（含{ids[3]}）", "文件": f"evidence/名册{ids[3]}.xlsx"}])
    # a misplaced column: numbers echoed in error messages
    broken = write_branch(root / "broken", branch={"name": f"出错的支部{phones[3]}"}, members=[
        {"姓名": "张书记", "类别": ids[4], "入党日期": phones[4], "身份证号": ids[4]},
        {"姓名": "李干事", "类别": "正式党员", "性别": ids[0], "流动党员": phones[0]},
    ])
    return root, root / "leaky", broken, ids[:5] + phones[:5]


def test_planted_numbers_are_masked_everywhere(leaky_root, tmp_path):
    root, leaky, broken, planted = leaky_root
    texts = every_output(leaky, tmp_path / "out-leaky")
    texts.update({f"broken {k}": v for k, v in every_output(broken, tmp_path / "out-broken").items()})
    texts.update({f"root {k}": v for k, v in batch_outputs(root, tmp_path / "out-batch").items()})
    assert leaks(texts, set(planted)) == []
    # the masked forms did reach the output: the masking is what kept the numbers out
    everything = "\n".join(texts.values())
    for number in planted:
        masked = re.escape(number[:4 if len(number) == 18 else 3]) + r"[-－ ]?\*{4,}[-－ ]?" + re.escape(number[-4:])
        assert re.search(masked, everything), (number, masked)


def test_validate_masks_numbers_in_every_error(leaky_root):
    _, _, broken, planted = leaky_root
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 2
    assert result.stderr.count("  · ") >= 4
    assert leaks({"validate": result.output}, set(planted)) == []
    assert "4419**********" in result.stderr


@pytest.mark.parametrize("text, masked", [
    ("441900199001011234", "4419**********1234"),
    ("44190019900101123X", "4419**********123X"),
    ("441900 19900101 1234", "4419************1234"),
    ("ID441900199001011234", "ID4419**********1234"),
    ("evidence/sfz441900199001011234.jpg", "evidence/sfz4419**********1234.jpg"),
    ("441900900101123", "4419*******1123"),
    ("13812345678", "138****5678"),
    ("138-1234-5678", "138-****-5678"),
    ("138 1234 5678", "138 **** 5678"),
    ("+8613812345678", "+86138****5678"),
    ("+86 138 1234 5678", "+86 138 **** 5678"),
    ("0769-22881234", "0769-****1234"),
    ("(0769)2288-1234", "(0769)****-1234"),
])
def test_redact_masks_the_usual_spellings(text, masked):
    assert redact(text) == masked
    assert redact(f"联系人：{text}。") == f"联系人：{masked}。"
    assert redact(masked) == masked


@pytest.mark.parametrize("text", [
    "2024-03-15", "2024/3/15", "2024年3月15日", "2024-01~2024-12", "2024-01至2024-06", "金额 1234.56 元",
    "第 100000 行", "单元格 XFD1048576", "20240315", "得分 92.5/100", "2024-Q2", "应到 13 人，实到 12 人",
    "12345678901234", "1234567890123456789",
])
def test_redact_leaves_dates_amounts_and_places_alone(text):
    assert redact(text) == text


def _redact_everywhere(text: str) -> str:
    """redact() without its pre-pass: the three patterns over the whole text."""
    from dangjian_cli import masking as m

    text = m._ID_RE.sub(lambda i: m.mask_id_number(i.group(0)), text)
    text = m._MOBILE_RE.sub(lambda i: (i.group(1) or "") + i.group(2) + i.group(3) + "****" + i.group(5) + i.group(6),
                            text)
    return m._LANDLINE_RE.sub(lambda i: i.group(1) + i.group(2) + "*" * len(i.group(3)) + i.group(4) + i.group(5), text)


PIECES = st.sampled_from([*"0123456789 -－+()（）Xxa号\n１", "13812345678", "441900199001011234", "0769", "86"])


@settings(max_examples=1000, deadline=None, derandomize=True, database=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_redact_pre_pass_changes_nothing(text):
    assert redact(text) == _redact_everywhere(text)
