"""The reports of `dj batch` / `dj batch-merge`: a text table, markdown, JUnit XML and the streamed JSON.

They work from *outcomes* (the small dicts batch.py collects per branch: name, path, total, max, percent,
rating, five_star, gap_count, top_gaps, error …), so they cost little even for 10^5 branches. Every
string passes through the personal-data mask.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from dangjian_cli.masking import redact
from dangjian_cli.render import fmt_points


def _pts(value) -> str:
    return "—" if value is None else fmt_points(Decimal(str(value)))


def ranked(outcomes: list[dict]) -> list[dict]:
    """Scored branches, best first (得分率, then 得分, then path)."""
    scored = [o for o in outcomes if not o["error"]]
    return sorted(scored, key=lambda o: (-float(o["percent"]), -float(o["total"]), o["index"]))


def _rating(o: dict) -> str:
    return o["rating"] or "未达星级"


def summary_line(totals: dict) -> str:
    below = (f"低于 {_pts(totals['fail_under'])}% 的 {totals['below']} 个" if totals.get("fail_under") is not None
             else f"未达星级 {totals['below']} 个")
    return (f"共 {totals['count']} 个党组织：五星级 {totals['five_star']} 个，{below}，"
            f"无法评定 {totals['errors']} 个")


def _scope(info: dict) -> str:
    w = info.get("window") or {}
    rubric = (info.get("rubric") or {}).get("title") or ""
    text = f"评定期间 {w.get('from', '')} 至 {w.get('to', '')}，截至 {w.get('as_of', '')}"
    if rubric:
        text += f"  ·  {rubric}"
    shard = info.get("shard")
    if shard:
        text += f"  ·  分片 {shard['index']}/{shard['count']}"
    return text


# ─── text table ────────────────────────────────────────────────────────────────────────────────────────


def table(outcomes: list[dict], totals: dict, info: dict) -> str:
    """A plain aligned table, sorted by score (CJK-aware widths; fast for any number of rows)."""
    from rich.cells import cell_len

    headers = ("序号", "党组织名称", "得分", "得分率", "评定", "问题数", "台账")
    right = (True, False, True, True, False, True, False)
    rows = [(str(n), o["name"] or "", _pts(o["total"]), f"{_pts(o['percent'])}%", _rating(o), str(o["gap_count"]),
             o["rel"]) for n, o in enumerate(ranked(outcomes), 1)]
    lengths = [[cell_len(c) for c in r] for r in (headers, *rows)]  # each cell measured once
    widths = [max(row[i] for row in lengths) for i in range(len(headers))]
    out = [_scope(info), ""]

    def line(cells, cell_lengths) -> str:
        padded = ((" " * (widths[i] - n) + c) if right[i] else (c + " " * (widths[i] - n))
                  for i, (c, n) in enumerate(zip(cells, cell_lengths)))
        return "  ".join(padded).rstrip()

    out.append(line(headers, lengths[0]))
    out.append("  ".join("─" * w for w in widths))
    out.extend(line(r, n) for r, n in zip(rows, lengths[1:]))
    out.append("")
    out.append(summary_line(totals))
    errors = [o for o in outcomes if o["error"]]
    if errors:
        out.append("")
        out.append(f"无法评定（{len(errors)} 个，其余支部不受影响）：")
        for o in errors:
            out.append(f"  · {o['path']}：{o['error']}")
    return redact("\n".join(out) + "\n")


# ─── markdown ──────────────────────────────────────────────────────────────────────────────────────────


def _md(text) -> str:
    return str(text or "").replace("|", "\\|").replace("\n", " ")


def markdown(outcomes: list[dict], totals: dict, info: dict) -> str:
    out = ["# 党组织“五星级”批量评定结果", "", _scope(info), "", f"**{summary_line(totals)}**", ""]
    out += ["| 序号 | 党组织名称 | 得分 | 得分率 | 评定 | 问题数 | 台账 |", "|---:|---|---:|---:|---|---:|---|"]
    for n, o in enumerate(ranked(outcomes), 1):
        out.append(f"| {n} | {_md(o['name'])} | {_pts(o['total'])} | {_pts(o['percent'])}% | {_md(_rating(o))} "
                   f"| {o['gap_count']} | `{_md(o['rel'])}` |")
    errors = [o for o in outcomes if o["error"]]
    if errors:
        out += ["", f"## 无法评定的台账（{len(errors)} 个）", ""]
        out += [f"- `{_md(o['path'])}`：{_md(o['error'])}" for o in errors]
    below = [o for o in ranked(outcomes) if o["rating"] is None or (
        totals.get("fail_under") is not None and float(o["percent"]) < totals["fail_under"])]
    if below:
        out += ["", "## 主要问题（未达标的党组织）", ""]
        for o in reversed(below):  # lowest first: most in need
            out.append(f"### {_md(o['name'])}（{_pts(o['percent'])}%，`{_md(o['rel'])}`）")
            out.append("")
            out += [f"- 指标{ind}：{_md(msg)}（扣 {_pts(pts)} 分）" for ind, msg, pts in o["top_gaps"][:3]]
            if o["gap_count"] > 3:
                out.append(f"- ……另有 {o['gap_count'] - 3} 项问题")
            out.append("")
    return redact("\n".join(out).rstrip("\n") + "\n")


# ─── JUnit XML ─────────────────────────────────────────────────────────────────────────────────────────

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text) -> str:
    return _XML_BAD.sub("\ufffd", redact(str(text or "")))


def junit(outcomes: list[dict], totals: dict, info: dict, fail_under: float | None) -> bytes:
    """One testcase per branch: a failure below --fail-under, an error for a folder that cannot be scored."""
    import xml.etree.ElementTree as ET

    failures = sum(1 for o in outcomes if not o["error"] and fail_under is not None
                   and float(o["percent"]) < fail_under)
    seconds = sum(float(o.get("seconds") or 0) for o in outcomes)
    attrs = {"name": "dj batch", "tests": str(len(outcomes)), "failures": str(failures),
             "errors": str(totals["errors"]), "skipped": "0", "time": f"{seconds:.3f}"}
    suites = ET.Element("testsuites", attrs)
    suite = ET.SubElement(suites, "testsuite", attrs)
    props = ET.SubElement(suite, "properties")
    for key, value in (("window", json.dumps(info.get("window"), ensure_ascii=False)),
                       ("rubric", (info.get("rubric") or {}).get("id") or ""),
                       ("fail_under", "" if fail_under is None else _pts(fail_under))):
        ET.SubElement(props, "property", {"name": key, "value": _x(value)})
    for o in outcomes:
        name = o["rel"] + (f"（{o['name']}）" if o.get("name") else "")
        case = ET.SubElement(suite, "testcase", {"classname": "dj.batch", "name": _x(name),
                                                 "time": f"{float(o.get('seconds') or 0):.3f}"})
        if o["error"]:
            error = ET.SubElement(case, "error", {"message": _x(o["error"]), "type": o.get("kind") or "input"})
            error.text = _x(f"{o['path']}：{o['error']}")
            continue
        verdict = f"得分 {_pts(o['total'])}/{_pts(o['max'])}（{_pts(o['percent'])}%），评定：{_rating(o)}"
        if fail_under is not None and float(o["percent"]) < fail_under:
            failure = ET.SubElement(case, "failure", {
                "message": _x(f"得分率 {_pts(o['percent'])}% 低于 --fail-under {_pts(fail_under)}"), "type": "below"})
            lines = [verdict] + [f"指标{ind}：{msg}（扣 {_pts(pts)} 分）" for ind, msg, pts in o["top_gaps"]]
            if o["gap_count"] > len(o["top_gaps"]):
                lines.append(f"……另有 {o['gap_count'] - len(o['top_gaps'])} 项问题")
            failure.text = _x("\n".join(lines))
        out = ET.SubElement(case, "system-out")
        out.text = _x(verdict)
    ET.indent(suites)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="utf-8", xml_declaration=False) + b"\n"


# ─── JSON (streamed) ───────────────────────────────────────────────────────────────────────────────────


def _value(value, indent: str = "  ") -> str:
    return redact(json.dumps(value, ensure_ascii=False, indent=2)).replace("\n", "\n" + indent)


def write_json(handle, info: dict, branch_texts, statistics: list[dict], totals: dict) -> None:
    """``{..info, "branches": [<score JSON> | {"path", "error"}], "statistics": [...], "summary": {...}}``.

    Each branch's text is the one `dj score --format json` prints (already masked), only indented."""
    handle.write("{\n")
    for key, value in info.items():
        handle.write(f'  "{key}": {_value(value)},\n')
    handle.write('  "branches": [')
    first = True
    for text in branch_texts:
        handle.write(("\n    " if first else ",\n    ") + text.replace("\n", "\n    "))
        first = False
    handle.write("\n  ],\n" if not first else "],\n")
    handle.write('  "statistics": [')
    for n, row in enumerate(statistics):
        handle.write(("\n    " if n == 0 else ",\n    ") + redact(json.dumps(row, ensure_ascii=False)))
    handle.write("\n  ],\n" if statistics else "],\n")
    handle.write(f'  "summary": {_value(totals)}\n')
    handle.write("}\n")
