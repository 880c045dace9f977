"""documents — the branch keeps these documents, each with an existing file.

Parameters:
  kinds     document kinds (制度、计划、名册 …, see LEDGER.md)
  per_year  true: one per kind for every calendar year the window touches (matched by 年度)
  due       start (default: due once its year has started, e.g. 计划) | end (once it has ended, e.g. 总结)

Credit: share of required documents present with their file; a year not yet due counts when present.

  - kind: documents
    kinds: [年度工作计划, 教育培训计划]
    per_year: true
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from dangjian_cli.ledger.models import all_ok
from dangjian_cli.ledger.vocab import DOCUMENT_KINDS
from dangjian_cli.rules.base import Finding, Outcome, RuleParams, Tally, derived, evidence_problems, records_by

KIND = "documents"

DocumentKind = Literal[tuple(DOCUMENT_KINDS)]  # type: ignore[valid-type]


class Params(RuleParams):
    kinds: list[DocumentKind]
    per_year: bool = False
    due: Literal["start", "end"] = "start"


def evaluate(ledger, window, params: Params, indicator) -> Outcome:
    tally = Tally()
    established = ledger.branch.established
    on_file = derived(ledger, documents_on_file)
    for kind in params.kinds:
        if not params.per_year:
            if kind in on_file:
                tally.hit()
            else:
                _judge(tally, kind, derived(ledger, records_by, "documents", "kind").get(kind, []), None, due=True)
            continue
        for year, first_day, last_day in derived(window, _year_bounds):
            if established and established > last_day:
                continue
            if (kind, year) in on_file:
                tally.hit()
                continue
            rows = derived(ledger, records_by, "documents", "kind").get(kind, [])
            boundary = first_day if params.due == "start" else last_day
            _judge(tally, kind, [d for d in rows if d.year == year], year, due=boundary <= window.as_of)
    shown = "、".join(params.kinds)
    return tally.outcome(f"{shown} {tally.met}/{tally.due} 份")


def documents_on_file(ledger) -> set:
    """Each kind, and each (kind, 年度), with a document whose files all exist; for `derived`."""
    found: set = set()
    for document in ledger.documents:
        if all_ok(document.files):
            found.add(document.kind)
            found.add((document.kind, document.year))
    return found


def _year_bounds(window) -> list[tuple[int, dt.date, dt.date]]:
    """(year, 1 January, 31 December) for every calendar year the window touches; for `derived`."""
    return [(year, dt.date(year, 1, 1), dt.date(year, 12, 31)) for year in window.years()]


def _judge(tally: Tally, kind: str, rows, year: int | None, due: bool) -> None:
    if any(all_ok(d.files) for d in rows):
        tally.hit()
        return
    if not due:
        return
    name = f"{year}年{kind}" if year else kind
    period = str(year) if year else None
    if not rows:
        tally.miss(Finding(f"缺少{name}", subject=kind, period=period))
    elif not any(d.files for d in rows):
        tally.miss(Finding(f"{name}已登记但未填写文件路径", subject=kind, period=period, record=rows[0].source))
    else:
        problems = [p for d in rows for p in evidence_problems(d.source, d.files, name)]
        files = "、".join(p.file for p in problems if p.file)
        tally.miss(Finding(f"{name}的文件缺失：{files}", subject=kind, period=period, record=rows[0].source,
                           file=problems[0].file if problems else None))
