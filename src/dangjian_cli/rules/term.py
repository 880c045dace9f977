"""term — the committee's term (任期) has not expired by the window's end (换届 is due otherwise).

No parameters. Uses branch.yaml `term: {start, years}` (years defaults to 3); no term → not applicable.

  - kind: term
"""

from __future__ import annotations

from dangjian_cli.rules.base import Finding, Outcome, RuleParams

KIND = "term"


class Params(RuleParams):
    pass


def expiry(branch):
    start = branch.term_start
    if start is None:
        return None
    try:
        return start.replace(year=start.year + branch.term_years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + branch.term_years, day=28)


def evaluate(ledger, window, params: Params, indicator) -> Outcome:
    ends = expiry(ledger.branch)
    if ends is None:
        return Outcome(credit=None, working="未登记任期，不适用")
    if ends > window.end:
        return Outcome.binary(True, f"本届任期至 {ends}")
    return Outcome.binary(False, f"本届任期已于 {ends} 届满", Finding(f"班子任期已于 {ends} 届满，应按期换届"))
