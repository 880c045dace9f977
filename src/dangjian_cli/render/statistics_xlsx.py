"""附件3 东莞市社会组织“星级党组织”达标情况统计表: one row per branch, and the score distribution.

Rows are plain dicts (``name, stars, meets, problems, plan, remarks`` + ``path``), made in the worker that
scored the branch (:func:`branch_row`, from the result and the planner's plan), so that the batch JSON can
carry them and `dj batch-merge` rebuilds the very same table from shard outputs. The workbook is written by
openpyxl in write-only mode (imported lazily; flat memory for 10^5 rows): A4 landscape, fit to the page
width, the header row repeated on every printed page, 宋体, borders, wrapped text. Every string passes
through the personal-data mask.
"""

from __future__ import annotations

import io
import math
import unicodedata
from decimal import Decimal

from dangjian_cli.masking import redact
from dangjian_cli.render import fmt_points

TITLE = "东莞市社会组织“星级党组织”达标情况统计表"
HEADERS = ("党组织名称", "已获评的星级", "是否达标", "存在问题", "下一步工作计划", "备注")
KEYS = ("name", "stars", "meets", "problems", "plan", "remarks")
WIDTHS = (26, 13, 10, 58, 62, 24)
FONT = "宋体"
TOP = 3  # problems and fixes listed per branch
BINS = ((None, 60, "<60"), (60, 70, "60–70"), (70, 80, "70–80"), (80, 85, "80–85"), (85, 90, "85–90"),
        (90, 95, "90–95"), (95, None, "≥95"))


# ─── rows ──────────────────────────────────────────────────────────────────────────────────────────────


def _pts(value) -> str:
    if value is None:
        return "—"
    return fmt_points(Decimal(str(value)))


def problems_text(gaps: list[tuple[str, str, object]], count: int, lost=None) -> str:
    """存在问题: the gaps that cost most, as (indicator id, message, points), then how many more."""
    if not count:
        return "无"
    lines = [f"{n}. {message}（指标{ind}，扣{_pts(points)}分）" for n, (ind, message, points) in enumerate(gaps[:TOP], 1)]
    if count > TOP:
        tail = f"另有 {count - TOP} 项问题"
        if lost is not None:
            tail += f"，共扣 {_pts(lost)} 分"
        lines.append(tail)
    return "\n".join(lines)


def _gaps_of(result) -> list[tuple[str, str, Decimal]]:
    found = [(ind.id, f.message, ind.finding_points(f)) for ind in result.indicators for f in ind.findings
             if f.kind == "gap"]
    found.sort(key=lambda g: -g[2])
    return found


def branch_row(result, plan=None) -> dict:
    """The 统计表 row of one scored branch; ``plan`` is the planner's plan (None: findings only)."""
    gaps = _gaps_of(result)
    lost = sum((g[2] for g in gaps), Decimal(0))
    remarks = f"得分 {_pts(result.total)}/{_pts(result.max)}（得分率 {_pts(result.percent)}%）"
    if result.vetoed_by:
        remarks += f"；指标 {'、'.join(result.vetoed_by)} 一票否决"
    row = {
        "name": result.branch.get("name") or "",
        "stars": result.rating or "未达星级",
        "meets": "是" if result.five_star else "否",
        "problems": problems_text(gaps, len(gaps), lost),
        "plan": plan_text(plan) if plan is not None else _plan_from_gaps(gaps),
        "remarks": remarks,
    }
    return {k: redact(v) for k, v in row.items()}


def plan_text(plan) -> str:
    """下一步工作计划: how far 五星级 is, then the fixes that recover most (fixable now), then routine work."""
    lines = []
    main = getattr(plan, "main", None)
    if main is not None and not main.reached:
        if main.reachable:
            lines.append(f"距{main.label}还差 {_pts(main.short)} 分，最少整改 {len(main.fixes)} 项即可达到：")
        else:
            lines.append(f"距{main.label}还差 {_pts(main.short)} 分，可整改事项全部完成后最多 {_pts(plan.ceiling)} 分：")
    fixes = list(getattr(plan, "fixes", ()) or ())
    for n, fix in enumerate(fixes[:TOP], 1):
        what = f"{fix.title}：{fix.action}" if getattr(fix, "upcoming", None) else fix.action
        when = f"，{fix.deadline} 前" if getattr(fix, "deadline", None) else ""
        lines.append(f"{n}. {what}（可挽回 {_pts(fix.gain)} 分{when}）")
    if len(fixes) > TOP:
        lines.append(f"另有 {len(fixes) - TOP} 项可整改事项")
    lost = sorted(getattr(plan, "lost", ()) or (), key=lambda g: -g.points)
    routine = [g.label for g in lost if g.points > 0][:TOP]
    if routine and len(fixes) < TOP:
        lines.append("今后按时开展：" + "；".join(routine))
    if not lines:
        lines.append("保持现有工作，按时开展“三会一课”等各项组织生活并及时登记台账")
    return "\n".join(lines)


def _plan_from_gaps(gaps) -> str:
    if not gaps:
        return "保持现有工作，按时开展“三会一课”等各项组织生活并及时登记台账"
    return "\n".join(f"{n}. 整改：{message}" for n, (_, message, _) in enumerate(gaps[:TOP], 1))


def row_from_outcome(outcome: dict) -> dict:
    """A row from a batch outcome alone (a JSON without statistics): the findings, no planner."""
    gaps = [(ind, msg, pts) for ind, msg, pts in outcome.get("top_gaps") or ()]
    remarks = f"得分 {_pts(outcome['total'])}/{_pts(outcome['max'])}（得分率 {_pts(outcome['percent'])}%）"
    if outcome.get("vetoed_by"):
        remarks += f"；指标 {'、'.join(outcome['vetoed_by'])} 一票否决"
    row = {"name": outcome.get("name") or "", "stars": outcome.get("rating") or "未达星级",
           "meets": "是" if outcome.get("five_star") else "否",
           "problems": problems_text(gaps, outcome.get("gap_count") or 0, outcome.get("lost")),
           "plan": _plan_from_gaps(gaps), "remarks": remarks}
    return {k: redact(v) for k, v in row.items()}


def error_row(outcome: dict) -> dict:
    """A row for a folder that could not be scored."""
    name = outcome.get("name") or f"（未能读取名称）{outcome.get('rel') or outcome.get('path')}"
    return {k: redact(v) for k, v in {
        "name": name, "stars": "—", "meets": "无法评定", "problems": f"台账有误，未能评分：{outcome['error']}",
        "plan": "按错误提示修正台账（可用 dj validate 查看全部问题）后重新评定", "remarks": "台账有误"}.items()}


# ─── workbook ──────────────────────────────────────────────────────────────────────────────────────────


def _display_width(text: str) -> float:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text) * 1.1


def _lines(text: str, width: float) -> int:
    return sum(max(1, math.ceil(_display_width(part) / max(width - 1, 1))) for part in str(text).split("\n"))


def distribution(outcomes: list[dict]) -> list[tuple[str, int]]:
    counts = [0] * len(BINS)
    for o in outcomes:
        if o.get("error") or o.get("percent") is None:
            continue
        p = float(o["percent"])
        for n, (low, high, _) in enumerate(BINS):
            if (low is None or p >= low) and (high is None or p < high):
                counts[n] += 1
                break
    return [(label, counts[n]) for n, (_, _, label) in enumerate(BINS)]


def workbook_bytes(rows: list[dict], outcomes: list[dict], totals: dict, info: dict) -> bytes:
    buffer = io.BytesIO()
    build_workbook(rows, outcomes, totals, info).save(buffer)
    return buffer.getvalue()


def build_workbook(rows: list[dict], outcomes: list[dict], totals: dict, info: dict):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook(write_only=True)
    wb.properties.creator = "dj（dangjian-cli）"
    wb.properties.title = TITLE
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = Font(name=FONT, size=10)
    bold = Font(name=FONT, size=11, bold=True)
    wrap = Alignment(horizontal="left", vertical="center", wrap_text=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    fill = PatternFill("solid", fgColor="F2F2F2")

    def cell(ws, value, font=body, align=wrap, boxed=True, shade=None):
        c = WriteOnlyCell(ws, value=value)
        c.font = font
        c.alignment = align
        if boxed:
            c.border = border
        if shade is not None:
            c.fill = shade
        return c

    def page(ws, title_rows: str | None):
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        if title_rows:
            ws.print_title_rows = title_rows
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"

    window = info.get("window") or {}
    ws = wb.create_sheet("统计表")
    for letter, width in zip("ABCDEF", WIDTHS):
        ws.column_dimensions[letter].width = width
    page(ws, "4:4")
    ws.freeze_panes = "A5"
    ws.merged_cells.add("A2:F2")
    ws.merged_cells.add("A3:F3")
    ws.row_dimensions[2].height = 36
    ws.row_dimensions[4].height = 28
    ws.append([cell(ws, "附件3", font=Font(name=FONT, size=12, bold=True), boxed=False)])
    ws.append([cell(ws, TITLE, font=Font(name=FONT, size=18, bold=True), align=centre, boxed=False)])
    scope = (f"评定期间 {window.get('from', '')} 至 {window.get('to', '')}，截至 {window.get('as_of', '')}；"
             f"共 {totals['count']} 个党组织：五星级 {totals['five_star']} 个，未达 {totals['below']} 个，"
             f"无法评定 {totals['errors']} 个")
    ws.append([cell(ws, scope, align=Alignment(horizontal="left", vertical="center"), boxed=False)])
    ws.append([cell(ws, h, font=bold, align=centre, shade=fill) for h in HEADERS])
    for n, row in enumerate(rows, start=5):
        values = [redact(str(row.get(k) or "")) for k in KEYS]
        if row.get("path"):
            values[5] = f"{values[5]}\n台账：{redact(row['path'])}" if values[5] else f"台账：{redact(row['path'])}"
        lines = max(_lines(v, w) for v, w in zip(values, WIDTHS))
        ws.row_dimensions[n].height = max(20, 14 * lines + 8)
        ws.append([cell(ws, v, align=centre if k in ("stars", "meets") else wrap) for k, v in zip(KEYS, values)])

    chart_ws = wb.create_sheet("得分分布")
    chart_ws.column_dimensions["A"].width = 18
    chart_ws.column_dimensions["B"].width = 12
    page(chart_ws, None)
    chart_ws.row_dimensions[1].height = 28
    chart_ws.append([cell(chart_ws, "得分分布（得分率，%）", font=Font(name=FONT, size=14, bold=True), boxed=False,
                          align=Alignment(horizontal="left", vertical="center", wrap_text=False))])
    chart_ws.append([cell(chart_ws, h, font=bold, align=centre, shade=fill) for h in ("得分率区间", "党组织数")])
    dist = distribution(outcomes)
    for label, count in dist:
        chart_ws.append([cell(chart_ws, label, align=centre), cell(chart_ws, count, align=centre)])
    chart_ws.append([])
    for label, value in (("参评党组织", totals["count"]), ("五星级", totals["five_star"]), ("未达", totals["below"]),
                         ("无法评定", totals["errors"])):
        chart_ws.append([cell(chart_ws, label, align=centre), cell(chart_ws, value, align=centre)])

    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "col"
    chart.title = "党组织得分率分布"
    chart.y_axis.title = "党组织数"
    chart.x_axis.title = "得分率（%）"
    chart.legend = None
    chart.height, chart.width = 9, 16
    chart.add_data(Reference(chart_ws, min_col=2, min_row=2, max_row=2 + len(dist)), titles_from_data=True)
    chart.set_categories(Reference(chart_ws, min_col=1, min_row=3, max_row=2 + len(dist)))
    chart_ws.add_chart(chart, "D2")
    return wb
