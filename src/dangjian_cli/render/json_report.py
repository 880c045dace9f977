"""JSON output (keys fixed by CLI.md). Every string passes through the personal-data mask."""

from __future__ import annotations

import json

from dangjian_cli.masking import redact


def dumps(data) -> str:
    return redact(json.dumps(data, ensure_ascii=False, indent=2))


def score_json(result) -> str:
    return dumps(result.to_dict())


def gaps_data(result) -> dict:
    return {"branch": result.branch, "window": result.window, "gaps": [g.to_dict() for g in result.gaps],
            "pending": [g.to_dict() for g in result.pending]}


def gaps_json(result) -> str:
    return dumps(gaps_data(result))


def gaps_csv(result) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["状态", "会议/活动", "期间", "党小组", "条件", "应开次数", "实开次数"])
    for state, items in (("缺失", result.gaps), ("进行中", result.pending)):
        for g in items:
            writer.writerow([state, g.event, g.period.label, g.group or "", g.condition or "", g.required, g.held])
    return redact(buffer.getvalue())
