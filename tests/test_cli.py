"""The command line: JSON keys, exit codes, and one clear Chinese message for every bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import write_branch
from dangjian_cli.cli import app

runner = CliRunner()
WINDOW = ["--year", "2024", "--as-of", "2025-01-15"]


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_score_json_keys(branch_dir):
    folder = branch_dir()
    result = run("score", folder, *WINDOW, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("branch", "rubric", "window", "total", "max", "percent", "rating", "five_star", "areas",
                "indicators", "gaps"):
        assert key in data
    assert data["rubric"]["id"] == "dongguan-5star" and data["rubric"]["title"] == "东莞市社会组织“五星级党组织”评定标准"
    assert data["rubric"]["tiers"] == [{"label": "五星级", "min": 90}]
    assert data["window"] == {"from": "2024-01", "to": "2024-12", "as_of": "2025-01-15"}
    assert [i["id"] for i in data["indicators"]] == [str(n) for n in range(1, 34)]
    assert {"id", "area", "points", "max", "status", "findings"} <= set(data["indicators"][0])
    assert [a["id"] for a in data["areas"]] == ["班子建设", "队伍建设", "阵地建设", "制度建设", "廉政建设", "品牌建设"]
    assert all(round(i["points"] or 0, 2) == (i["points"] or 0) for i in data["indicators"])
    assert data["total"] == round(sum(a["points"] for a in data["areas"]), 2)
    assert {"event", "period", "group", "condition", "required", "held"} == set(data["gaps"][0])


def test_fail_under_sets_exit_code(branch_dir):
    folder = branch_dir()
    assert run("score", folder, *WINDOW, "--format", "json").exit_code == 0
    assert run("score", folder, *WINDOW, "--format", "json", "--fail-under", "90").exit_code == 1


def test_gaps_window_and_exit_codes(branch_dir):
    folder = branch_dir(meetings=[{"日期": "2024-01-05", "类型": "支委会"}])
    result = run("gaps", folder, "--since", "2024-01", "--until", "2024-03", "--as-of", "2025-01-15", "-f", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    committee = [g["period"] for g in data["gaps"] if g["event"] == "支部委员会"]
    assert committee == ["2024-02", "2024-03"]
    assert data["pending"] == []
    usage = run("gaps", folder, "--since", "2024-01", "--year", "2024")
    assert usage.exit_code == 2 and "不能与" in usage.stderr


def test_gaps_csv(branch_dir):
    folder = branch_dir()
    result = run("gaps", folder, "--since", "2024-01", "--until", "2024-01", "--as-of", "2025-01-15", "-f", "csv")
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("状态,会议/活动,期间")
    assert any("支部委员会,2024-01" in line for line in lines)


@pytest.mark.parametrize("setup, fragments", [
    (lambda d: (d / "branch.yaml").write_text("name: [\n", encoding="utf-8"), ["branch.yaml", "第"]),
    (lambda d: (d / "meetings.yaml").write_text("- {日期: 2024-13-40, 类型: 支委会}\n", encoding="utf-8"),
     ["meetings.yaml", "第 1 行", "日期", "不是存在的日期"]),
    (lambda d: (d / "meetings.yaml").write_text("- {日期: 2024-03-01, 类型: 茶话会}\n", encoding="utf-8"),
     ["meetings.yaml", "类型", "茶话会", "可填"]),
    (lambda d: (d / "members.yaml").unlink(), ["党员名册", "members"]),
    (lambda d: (d / "members.xlsx").write_bytes(b"not a zip"), ["members"]),
    (lambda d: (d / "dues.yaml").write_text("- {姓名: 张书记, 月份: 2024-13}\n", encoding="utf-8"), ["dues.yaml", "月份"]),
    (lambda d: (d / "members.yaml").write_text("- {姓名: 张三, 类别: 正式党员, 手机: '1', 联系电话: '2'}\n", encoding="utf-8"),
     ["members.yaml", "手机", "联系电话"]),
])
def test_bad_input_exits_2_with_a_chinese_message(branch_dir, setup, fragments):
    folder = branch_dir()
    setup(folder)
    result = run("score", folder, *WINDOW)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("错误：")
    for fragment in fragments:
        assert fragment in result.stderr
    assert "Traceback" not in result.output


def test_missing_folder_and_bad_options(tmp_path):
    assert run("score", tmp_path / "nope").exit_code == 2
    assert run("score", tmp_path, "--year", "2024", "--from", "2024-01", "--to", "2024-02").exit_code == 2
    assert run("score", tmp_path, "--as-of", "yesterday").exit_code == 2
    assert run("score", tmp_path, "--rubric", "nope").exit_code == 2


def test_output_inside_branch_folder_is_refused(branch_dir):
    folder = branch_dir()
    result = run("score", folder, *WINDOW, "-o", folder / "report.md")
    assert result.exit_code == 2 and "不能把报告写进" in result.stderr
    assert not (folder / "report.md").exists()


def test_report_files(branch_dir, tmp_path):
    folder = branch_dir()
    out = tmp_path / "out"
    assert run("score", folder, *WINDOW, "-o", out / "r.json").exit_code == 0
    assert json.loads((out / "r.json").read_text(encoding="utf-8"))["rubric"]["id"] == "dongguan-5star"
    assert run("score", folder, *WINDOW, "-o", out / "r.md").exit_code == 0
    assert "各指标得分" in (out / "r.md").read_text(encoding="utf-8")
    assert run("score", folder, *WINDOW, "-o", out / "r.txt").exit_code == 2


def test_validate_lists_every_error(branch_dir):
    ok = run("validate", branch_dir())
    assert ok.exit_code == 0 and "检查通过" in ok.stdout
    folder = branch_dir(meetings=[
        {"日期": "2024-02-30", "类型": "支委会"},
        {"日期": "2024-03-01", "类型": "茶话会"},
        {"类型": "党课"},
    ])
    result = run("validate", folder)
    assert result.exit_code == 2
    assert "发现 3 处问题" in result.stderr


def test_personal_identifiers_are_masked(branch_dir):
    folder = branch_dir(members=[
        {"姓名": "张书记", "类别": "正式党员", "身份证号": "441900199001011234", "手机": "13812345678"},
        {"姓名": "李干事", "类别": "路人", "身份证号": "441900199202022345"},
    ])
    result = run("validate", folder)
    assert result.exit_code == 2
    assert "441900199001011234" not in result.output and "13812345678" not in result.output


def test_rubric_commands(tmp_path):
    shown = run("rubric", "show")
    assert shown.exit_code == 0 and "组织生活会" in shown.stdout
    as_json = json.loads(run("rubric", "show", "-f", "json").stdout)
    assert len([i for a in as_json["areas"] for i in a["indicators"]]) == 33
    assert run("rubric", "check", "dongguan-5star").exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: y\ntotal: 10\nareas: []\n", encoding="utf-8")
    result = run("rubric", "check", bad)
    assert result.exit_code == 2 and "bad.yaml" in result.stderr


def test_no_traceback_from_the_real_entry_point(tmp_path):
    (tmp_path / "branch.yaml").write_text("a: &x 1\nb: *x\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "dangjian_cli", "score", str(tmp_path)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "锚点" in proc.stderr
