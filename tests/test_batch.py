"""`dj batch` and `dj batch-merge`: discovery, parallel scoring that survives crashing workers, the reports
(table, JSON, JUnit, markdown, 附件3 统计表), exit codes, shards and their merge, and never writing into a
branch folder."""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import write_branch
from dangjian_cli import batch
from dangjian_cli.cli import app
from dangjian_cli.synth import BranchSpec
from dangjian_cli.synth import write_branch as synth_branch

runner = CliRunner()
WINDOW = ["--year", "2025", "--as-of", "2025-12-31"]

# relative folder → how it is built; the order is the sorted (discovery) order
LAYOUT = {
    "a-complete": "complete",
    "town-a/b1": "gappy:1",
    "town-a/deep/er/b2": "yml",
    "town-b/b3": "gappy:2",
    "town-b/b3/sub-branch": "minimal",  # a branch inside a branch (not in its evidence tree)
}


def build_tree(root: Path) -> Path:
    for rel, kind in LAYOUT.items():
        folder = root / rel
        if kind == "complete":
            synth_branch(folder, BranchSpec(name="完整律师事务所党支部", formal=3, probationary=0, activists=0), "yaml")
        elif kind.startswith("gappy"):
            seed = int(kind.split(":")[1])
            synth_branch(folder, BranchSpec(name=f"缺项律师事务所党支部{seed}", formal=4, probationary=1, activists=0,
                                            seed=seed, random_gap_rate=0.3), "yaml")
        elif kind == "yml":
            write_branch(folder)
            (folder / "branch.yaml").rename(folder / "branch.yml")
        else:
            write_branch(folder, branch={"name": "子支部"})
    # decoys: hidden folders and a branch's evidence tree are not walked; a folder without branch.yaml is no branch
    write_branch(root / ".hidden" / "b9")
    write_branch(root / "a-complete" / "evidence" / "old-copy")
    (root / "town-c" / "empty").mkdir(parents=True)
    return root


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return build_tree(tmp_path_factory.mktemp("batch") / "root")


@pytest.fixture(scope="module")
def full(tree, tmp_path_factory):
    """One unsharded run, with every report, shared by several tests."""
    out = tmp_path_factory.mktemp("full-out")
    result = run("batch", tree, *WINDOW, "-f", "json", "-o", out / "统计表.xlsx", "-o", out / "all.json",
                 "-o", out / "report.md", "-o", out / "junit.xml", "-j", "2")
    assert result.exit_code == 0, result.output
    return {"out": out, "data": json.loads(result.stdout), "stderr": result.stderr}


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(root.rglob("*"))}


# ─── discovery and shards ──────────────────────────────────────────────────────────────────────────────


def test_discovery_at_any_depth(tree):
    tasks = batch.discover(tree)
    assert [t.rel for t in tasks] == list(LAYOUT)
    assert [t.index for t in tasks] == list(range(len(LAYOUT)))
    assert tasks[1].folder == str(tree / "town-a" / "b1")
    # the root itself can be the branch
    only = batch.discover(tree / "town-a" / "b1")
    assert [(t.rel, t.folder) for t in only] == [(".", str(tree / "town-a" / "b1"))]


def test_no_branch_found_is_exit_2(tmp_path):
    (tmp_path / "nothing").mkdir()
    result = run("batch", tmp_path / "nothing", *WINDOW)
    assert result.exit_code == 2 and "没有找到" in result.stderr
    assert run("batch", tmp_path / "missing", *WINDOW).exit_code == 2


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7])
def test_shards_partition_the_set_exactly(n):
    tasks = [batch.Task(i, f"f{i:03d}", f"/x/f{i:03d}") for i in range(23)]
    parts = [batch.select_shard(tasks, (k, n)) for k in range(1, n + 1)]
    seen = [t.rel for part in parts for t in part]
    assert sorted(seen) == [t.rel for t in tasks] and len(seen) == len(set(seen))
    assert max(map(len, parts)) - min(map(len, parts)) <= 1
    assert parts == [batch.select_shard(tasks, (k, n)) for k in range(1, n + 1)]  # deterministic


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", "2/3/4"])
def test_bad_shard_is_a_usage_error(tree, text):
    result = run("batch", tree, *WINDOW, "--shard", text)
    assert result.exit_code == 2 and "--shard" in result.stderr


# ─── results ───────────────────────────────────────────────────────────────────────────────────────────


def test_totals_identical_to_dj_score(tree, full):
    branches = full["data"]["branches"]
    assert [b["branch"]["path"] for b in branches] == [str(tree / rel) for rel in LAYOUT]
    for entry in branches:
        single = run("score", entry["branch"]["path"], *WINDOW, "--format", "json")
        assert single.exit_code == 0
        assert json.loads(single.stdout) == entry  # the whole score JSON, not only the total


def test_json_summary_and_statistics(full):
    data = full["data"]
    rated = {Path(b["branch"]["path"]).relative_to(data["root"]).as_posix(): b for b in data["branches"]}
    five = sum(1 for b in rated.values() if b["five_star"])
    assert rated["a-complete"]["five_star"] is True
    assert 0 < five < len(LAYOUT)
    assert data["summary"] == {"count": len(LAYOUT), "five_star": five, "below": len(LAYOUT) - five, "errors": 0,
                               "fail_under": None}
    assert data["window"] == {"from": "2025-01", "to": "2025-12", "as_of": "2025-12-31"}
    assert data["rubric"]["id"] == "dongguan-5star" and data["shard"] is None
    assert [s["path"] for s in data["statistics"]] == list(LAYOUT)
    complete = data["statistics"][0]
    assert complete["stars"] == "五星级" and complete["meets"] == "是"
    gappy = data["statistics"][1]
    assert gappy["name"] == "缺项律师事务所党支部1" and gappy["problems"].startswith("1. ")
    assert "扣" in gappy["problems"] and gappy["plan"]
    # `-o all.json` holds the same as stdout
    assert json.loads((full["out"] / "all.json").read_text(encoding="utf-8")) == data


def test_fail_under_summary_and_exit_1(tree):
    result = run("batch", tree, *WINDOW, "-f", "json", "--fail-under", "99.5", "-j", "1")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    below = [b for b in data["branches"] if b["percent"] < 99.5]
    assert data["summary"]["below"] == len(below) > 0 and data["summary"]["fail_under"] == 99.5
    assert run("batch", tree, *WINDOW, "--fail-under", "0", "-j", "1").exit_code == 0


def test_table_sorted_by_score_with_counts(tree, full):
    result = run("batch", tree, *WINDOW, "-j", "2")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no progress bar when not on a terminal
    lines = result.stdout.splitlines()
    rows = [line for line in lines if line.strip()[:1].isdigit() and "%" in line]
    percents = [float(line.split("%")[0].split()[-1]) for line in rows]
    assert len(rows) == len(LAYOUT) and percents == sorted(percents, reverse=True)
    summary = full["data"]["summary"]
    assert f"共 {len(LAYOUT)} 个党组织：五星级 {summary['five_star']} 个，未达星级 {summary['below']} 个" in result.stdout


def test_markdown_report(full):
    text = (full["out"] / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# ") and "| 序号 | 党组织名称 |" in text
    assert text.count("`town-") >= 3 and "主要问题" in text


def test_junit_is_valid_xml(tree, tmp_path, full):
    suites = ET.parse(full["out"] / "junit.xml").getroot()
    assert suites.tag == "testsuites" and suites.get("tests") == str(len(LAYOUT))
    cases = suites.findall("testsuite/testcase")
    assert len(cases) == len(LAYOUT) and not suites.findall(".//failure") and not suites.findall(".//error")
    # below --fail-under: failures; a broken folder: an error
    root = tmp_path / "root"
    shutil.copytree(tree, root)
    (root / "town-b" / "b3" / "meetings.yaml").write_text("- {日期: 2025-13-40, 类型: 支委会}\n", encoding="utf-8")
    result = run("batch", root, *WINDOW, "-f", "junit", "--fail-under", "99.5", "-j", "2")
    assert result.exit_code == 2
    suites = ET.fromstring(result.stdout.encode("utf-8"))
    errors = suites.findall(".//error")
    assert len(errors) == 1 and "meetings.yaml" in errors[0].get("message")
    failures = suites.findall(".//failure")
    assert suites.get("failures") == str(len(failures)) and 0 < len(failures) < len(LAYOUT)
    assert suites.get("errors") == "1"


def test_broken_branch_exit_2_after_the_others(tree, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(tree, root)
    (root / "town-a" / "b1" / "branch.yaml").write_text("name: [\n", encoding="utf-8")
    result = run("batch", root, *WINDOW, "-f", "json", "-j", "2")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["summary"]["errors"] == 1 and data["summary"]["count"] == len(LAYOUT)
    broken = data["branches"][1]
    assert broken["path"] == str(root / "town-a" / "b1") and "branch.yaml" in broken["error"]
    assert sum(1 for b in data["branches"] if "total" in b) == len(LAYOUT) - 1
    assert "town-a/b1" in result.stderr.replace(os.sep, "/") and "branch.yaml" in result.stderr
    assert "Traceback" not in result.output
    # the table says it too, and exit 2 wins over --fail-under
    table = run("batch", root, *WINDOW, "--fail-under", "99.5", "-j", "1")
    assert table.exit_code == 2 and "无法评定（1 个" in table.stdout


@pytest.mark.parametrize("fault", ["exit", "kill"])
def test_a_crashing_worker_is_an_error_entry_and_the_rest_finish(tree, fault):
    env = {batch.FAULT_ENV: f"{fault}:town-a/b1"}
    result = run("batch", tree, *WINDOW, "-f", "json", "-j", "2", env=env)
    assert result.exit_code == 2, result.output
    data = json.loads(result.stdout)
    crashed = [b for b in data["branches"] if "error" in b]
    assert [b["path"] for b in crashed] == [str(tree / "town-a" / "b1")]
    assert crashed[0]["kind"] == "crash" and "工作进程意外退出" in crashed[0]["error"]
    assert ("SIGKILL" in crashed[0]["error"]) == (fault == "kill")
    assert sum(1 for b in data["branches"] if "total" in b) == len(LAYOUT) - 1
    assert data["summary"]["errors"] == 1


def test_a_crash_with_one_worker_and_the_first_folder(tree):
    env = {batch.FAULT_ENV: "exit:a-complete"}
    result = run("batch", tree, *WINDOW, "-f", "json", "-j", "1", env=env)
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert "error" in data["branches"][0] and all("total" in b for b in data["branches"][1:])


# ─── shards and merge ──────────────────────────────────────────────────────────────────────────────────


def _sheet_values(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return [tuple(row) for row in wb["统计表"].iter_rows(values_only=True)]


def test_merge_reproduces_the_unsharded_results(tree, full, tmp_path):
    shards = []
    for k in (1, 2, 3):
        path = tmp_path / f"shard{k}.json"
        result = run("batch", tree, *WINDOW, "--shard", f"{k}/3", "-o", path, "-j", "1", "-f", "json")
        assert result.exit_code == 0, result.output
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["shard"] == {"index": k, "count": 3, "folders": len(LAYOUT)}
        shards.append(path)
    counts = [len(json.loads(p.read_text(encoding="utf-8"))["branches"]) for p in shards]
    assert counts == [2, 2, 1]
    merged = run("batch-merge", shards[2], shards[0], shards[1], "-f", "json", "-o", tmp_path / "merged.xlsx")
    assert merged.exit_code == 0, merged.output
    data = json.loads(merged.stdout)
    assert data["branches"] == full["data"]["branches"]
    assert data["statistics"] == full["data"]["statistics"]
    assert data["summary"] == full["data"]["summary"]
    assert _sheet_values(tmp_path / "merged.xlsx")[3:] == _sheet_values(full["out"] / "统计表.xlsx")[3:]
    # a missing or repeated shard is refused
    assert run("batch-merge", shards[0], shards[1]).exit_code == 2
    assert "缺少分片 3/3" in run("batch-merge", shards[0], shards[1]).stderr
    assert run("batch-merge", shards[0], shards[0], shards[1], shards[2]).exit_code == 2
    # merging applies --fail-under like batch does
    assert run("batch-merge", *shards, "--fail-under", "99.5").exit_code == 1


def test_merge_refuses_what_is_not_a_batch_json(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"a": 1}', encoding="utf-8")
    result = run("batch-merge", bad)
    assert result.exit_code == 2 and "x.json" in result.stderr


# ─── 统计表 ────────────────────────────────────────────────────────────────────────────────────────────


def test_statistics_workbook(full):
    wb = openpyxl.load_workbook(full["out"] / "统计表.xlsx")
    assert wb.sheetnames == ["统计表", "得分分布"]
    ws = wb["统计表"]
    values = [tuple(row) for row in ws.iter_rows(values_only=True)]
    assert values[0][0] == "附件3"
    assert values[1][0] == "东莞市社会组织“星级党组织”达标情况统计表"
    assert values[3] == ("党组织名称", "已获评的星级", "是否达标", "存在问题", "下一步工作计划", "备注")
    rows = values[4:]
    assert len(rows) == len(LAYOUT)
    stats = full["data"]["statistics"]
    assert [r[0] for r in rows] == [s["name"] for s in stats]
    assert [r[1] for r in rows] == [s["stars"] for s in stats]
    assert {r[2] for r in rows} <= {"是", "否"} and rows[0][2] == "是"
    assert all(r[3] and r[4] and f"台账：{s['path']}" in r[5] for r, s in zip(rows, stats))
    # print-ready: A4 landscape, one page wide, the header row on every page
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.print_title_rows == "$4:$4"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    dist = wb["得分分布"]
    counts = [row[1] for row in dist.iter_rows(min_row=3, max_row=9, values_only=True)]
    assert sum(counts) == len(LAYOUT)
    import zipfile

    with zipfile.ZipFile(full["out"] / "统计表.xlsx") as z:
        assert any(name.startswith("xl/charts/chart") for name in z.namelist())


def test_masked_identifiers_in_every_output(tmp_path):
    root = tmp_path / "root"
    write_branch(root / "b", branch={"name": "测试党支部 13812345678"})
    out = tmp_path / "out"
    result = run("batch", root, *WINDOW, "-f", "json", "-o", out / "t.xlsx", "-o", out / "t.md", "-o", out / "t.xml")
    assert result.exit_code == 0
    assert "13812345678" not in result.stdout and "138****5678" in result.stdout
    for name in ("t.md", "t.xml"):
        assert "13812345678" not in (out / name).read_text(encoding="utf-8")
    assert not any("13812345678" in str(v) for row in _sheet_values(out / "t.xlsx") for v in row)


# ─── never into a branch folder; per-branch reports ────────────────────────────────────────────────────


def test_nothing_written_into_branch_folders(tree, tmp_path):
    before = snapshot(tree)
    out = tmp_path / "reports"
    result = run("batch", tree / "town-a", *WINDOW, "--out-dir", out, "-o", tmp_path / "统计表.xlsx", "-j", "2")
    assert result.exit_code == 0, result.output
    assert snapshot(tree) == before
    for rel in ("b1", "deep/er/b2"):
        for suffix in (".json", ".md", ".xlsx"):
            assert (out / f"{rel}{suffix}").is_file(), rel + suffix
    one = json.loads((out / "b1.json").read_text(encoding="utf-8"))
    assert one == json.loads(run("score", tree / "town-a" / "b1", *WINDOW, "-f", "json").stdout)
    assert not list(out.rglob(".*.tmp"))


@pytest.mark.parametrize("where", ["town-a/b1/r.xlsx", "town-a/deep/er/b2/sub/r.json", "a-complete/evidence/r.md"])
def test_output_inside_a_branch_folder_is_refused(tree, where):
    before = snapshot(tree)
    result = run("batch", tree, *WINDOW, "-o", tree / where)
    assert result.exit_code == 2 and "支部台账文件夹" in result.stderr
    assert snapshot(tree) == before


def test_out_dir_inside_a_branch_folder_is_refused(tree):
    before = snapshot(tree)
    for where in (tree / "town-b" / "b3" / "out", tree / "town-b"):
        result = run("batch", tree / "town-b", *WINDOW, "--out-dir", where)
        assert result.exit_code == 2 and "支部台账文件夹" in result.stderr, where
    assert snapshot(tree) == before


def test_bad_output_suffix_and_jobs(tree, tmp_path):
    assert run("batch", tree, *WINDOW, "-o", tmp_path / "x.pdf").exit_code == 2
    assert run("batch", tree, *WINDOW, "-j", "0").exit_code == 2


def test_outcome_from_the_result_equals_the_outcome_from_its_json(tree):
    """The table path skips the score JSON: what it reads off the result must be what the JSON says."""
    from dangjian_cli import engine, ledger
    from dangjian_cli import rubric as rubric_module
    from dangjian_cli.options import window_from_options

    examples = Path(__file__).resolve().parent.parent / "examples"
    folders = [t.folder for t in batch.discover(tree)] + [t.folder for t in batch.discover(examples)]
    for rubric_name in (None, "standardization"):
        rubric = rubric_module.load(rubric_name)
        for as_of in ("2025-06-30", "2025-12-31"):
            window = window_from_options(2025, None, None, as_of)
            for folder in folders:
                result = engine.evaluate(rubric, ledger.load(folder), window)
                assert batch.outcome_from_result(result) == batch.outcome_from_score(result.to_dict()), folder
