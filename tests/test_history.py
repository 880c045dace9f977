"""动态管理: `dj trend` and `dj diff` over a branch with two years of records."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from conftest import write_branch
from dangjian_cli.cli import app
from dangjian_cli.history import parse_years

runner = CliRunner()


def two_years(tmp_path):
    meetings = [{"日期": f"2023-{m:02d}-05", "类型": "支委会"} for m in range(1, 13)]
    meetings += [{"日期": f"2024-{m:02d}-05", "类型": "支委会"} for m in range(1, 13) if m != 7]
    meetings += [{"日期": "2023-03-05", "类型": "党课"}, {"日期": "2024-03-06", "类型": "党务公开"}]
    return write_branch(tmp_path / "b", meetings=meetings)


def test_trend_reports_each_year_and_regressions(tmp_path):
    folder = two_years(tmp_path)
    result = runner.invoke(app, ["trend", str(folder), "--years", "2023-2024", "--as-of", "2025-01-15", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [y["year"] for y in data["years"]] == [2023, 2024]
    assert all(len(y["areas"]) == 6 for y in data["years"])
    regressed = [r for r in data["regressions"] if r["indicator"] == "19"]
    assert regressed and regressed[0]["year"] == 2024
    assert any("2024-07 未按要求召开支部委员会" in m for m in regressed[0]["new"])
    table = runner.invoke(app, ["trend", str(folder), "--years", "2023-2024", "--as-of", "2025-01-15"])
    assert table.exit_code == 0 and "退步的指标" in table.stdout


def test_diff_lists_resolved_and_new_gaps(tmp_path):
    folder = two_years(tmp_path)
    result = runner.invoke(app, ["diff", str(folder), "--from", "2023", "--to", "2024", "--as-of", "2025-01-15",
                                 "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["from"]["year"] == 2023 and data["to"]["year"] == 2024
    nineteen = next(c for c in data["changes"] if c["indicator"] == "19")
    assert any("2024-07" in m and "支部委员会" in m for m in nineteen["new"])
    assert any("2024-Q1" in m and "党课" in m for m in nineteen["new"])
    twenty_two = next(c for c in data["changes"] if c["indicator"] == "22")
    assert any("2023-Q1" in m and "党务公开" in m for m in twenty_two["resolved"])
    assert all("YYYY" not in m for c in data["changes"] for m in c["new"] + c["resolved"])


def test_waivers_option(tmp_path):
    folder = two_years(tmp_path)
    waivers = tmp_path / "豁免.yaml"
    waivers.write_text(yaml.safe_dump([{"指标": "31", "理由": "未开展评选", "批准人": "行业党委",
                                        "有效期至": "2025-12-31"}], allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["score", str(folder), "--year", "2024", "--as-of", "2025-01-15", "-f", "json",
                                 "--waivers", str(waivers)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert next(i for i in data["indicators"] if i["id"] == "31")["status"] == "waived"
    assert data["max"] == 98
    missing = runner.invoke(app, ["score", str(folder), "--waivers", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2


@pytest.mark.parametrize("text, years", [("2022-2024", [2022, 2023, 2024]), ("2024,2022", [2022, 2024])])
def test_parse_years(text, years):
    assert parse_years(text) == years
