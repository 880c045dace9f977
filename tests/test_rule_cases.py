"""One generic test drives every rule kind's YAML case file (tests/rule_cases/<kind>.yaml).

Each case is a small ledger, a window, one rule, and what the rule must yield: its credit
("11/12", 1, 0 or null for not applicable), the periods it lists as gaps and as pending, and
substrings its findings must contain. Adding a rule kind means adding a module and a case file.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from conftest import write_branch
from dangjian_cli.ledger import load
from dangjian_cli.periods import Month, Window
from dangjian_cli.rules import RULES
from dangjian_cli.rules.base import IndicatorRef

CASES_DIR = Path(__file__).parent / "rule_cases"


def _cases():
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            yield pytest.param(path.stem, case, id=f"{path.stem}: {case['name']}")


def _window(spec: dict) -> Window:
    first = Month(*map(int, str(spec["from"]).split("-")))
    last = Month(*map(int, str(spec["to"]).split("-")))
    return Window(first, last, dt.date.fromisoformat(str(spec["as_of"])))


@pytest.mark.parametrize("kind, case", list(_cases()))
def test_rule_case(kind, case, tmp_path):
    records = {k: case[k] for k in ("members", "meetings", "trainings", "dues", "documents", "facilities",
                                     "honors", "self_assessment") if k in case}
    folder = write_branch(tmp_path / "b", branch=case.get("branch"), files=case.get("files"), **records)
    ledger = load(folder)
    rule = dict(case["rule"])
    assert rule["kind"] == kind, "a case file holds cases of its own kind only"
    params = RULES[kind].Params.model_validate(rule)
    indicator = IndicatorRef(id=str(case.get("indicator", "1")), points=case.get("points", 5))
    outcome = RULES[kind].evaluate(ledger, _window(case["window"]), params, indicator)

    expect = case["expect"]
    expected_credit = expect["credit"]
    if expected_credit is None:
        assert outcome.credit is None
    else:
        assert outcome.credit == Fraction(str(expected_credit)), outcome.working
    if "gaps" in expect:
        assert [g.period.label + (f"/{g.group}" if g.group else "") for g in outcome.gaps] == expect["gaps"]
    if "pending" in expect:
        assert [g.period.label + (f"/{g.group}" if g.group else "") for g in outcome.pending] == expect["pending"]
    messages = " | ".join(f.message for f in outcome.findings) + " | " + outcome.working
    for fragment in expect.get("findings", []):
        assert fragment in messages
    for fragment in expect.get("not_findings", []):
        assert fragment not in messages
