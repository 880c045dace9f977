"""The 申报表 workbook a branch hands in: 附件2 (申报表), 附件1 self-scored (评定标准), 问题清单, 下一步.

Rendered from the same ``Result`` as every other report, with openpyxl (imported lazily: start-up time
matters). Print-ready: A4, fit to width, header rows repeated, borders, a CJK font (宋体). Every string
passes through the personal-data mask. See docs/reports.md for how to check the printed pages.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from decimal import Decimal

from dangjian_cli.masking import redact
from dangjian_cli.render import fmt_points, rating_text

FONT = "宋体"
BODY = 11
SMALL = 10
AREA_NUMERALS = "一二三四五六七八九十"
AREA_SUMMARY_TITLES = {  # 附件2's rows, in rubric order; another rubric's area gets "<area>情况"
    "班子建设": "班子建设情况", "队伍建设": "队伍建设情况", "阵地建设": "阵地建设情况",
    "制度建设": "制度建设情况", "廉政建设": "廉政建设情况", "品牌建设": "品牌建设情况",
}
NOTE_附件1 = ("备注：评定采取查阅材料、实地检查、听取汇报，向有关部门了解情况等方式进行。"
             "总分达90分及以上的，方可评为“五星级党组织”。")


def workbook_bytes(result) -> bytes:
    """The whole workbook as .xlsx bytes (cli.py writes them atomically)."""
    buffer = io.BytesIO()
    build_workbook(result).save(buffer)
    return buffer.getvalue()


def build_workbook(result, plan=None):
    from openpyxl import Workbook

    from dangjian_cli.render.planner import plan as make_plan

    plan = plan or make_plan(result)
    wb = Workbook()
    wb.properties.creator = "dj（dangjian-cli）"
    wb.properties.title = redact(f"{result.branch['name']} 五星级党组织申报表")
    as_of = dt.date.fromisoformat(result.window["as_of"])
    wb.properties.created = dt.datetime(as_of.year, as_of.month, as_of.day)
    styles = _Styles()
    _sheet_申报表(wb.active, result, plan, styles)
    _sheet_评定标准(wb.create_sheet("评定标准"), result, styles)
    _sheet_问题清单(wb.create_sheet("问题清单"), result, plan, styles)
    _sheet_下一步(wb.create_sheet("下一步"), result, plan, styles)
    return wb


# ─── styles and layout helpers ─────────────────────────────────────────────────────────────────────────


class _Styles:
    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.none = Border()
        self.title = Font(name=FONT, size=18, bold=True)
        self.subtitle = Font(name=FONT, size=14, bold=True)
        self.body = Font(name=FONT, size=BODY)
        self.bold = Font(name=FONT, size=BODY, bold=True)
        self.small = Font(name=FONT, size=SMALL)
        self.red = Font(name=FONT, size=BODY, bold=True, color="C00000")
        self.header_fill = PatternFill("solid", fgColor="F2F2F2")
        self.plan_fill = PatternFill("solid", fgColor="FFF2CC")
        self.Alignment = Alignment

    def align(self, horizontal="left", vertical="center", wrap=True, indent=0):
        return self.Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap, indent=indent)


def _width(text: str, size: float = BODY) -> float:
    """Display width of `text` in column-width units (a CJK character is about two digits wide)."""
    units = 0.0
    for ch in text:
        units += 2.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.2
    return units * size / BODY


def _tokens(line: str):
    """Pieces a spreadsheet will not break inside: a CJK character, or a run of other characters up to a space."""
    run = ""
    for ch in line:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            if run:
                yield run
                run = ""
            yield ch
        else:
            run += ch
            if ch == " ":
                yield run
                run = ""
    if run:
        yield run


def _lines(text: str, width: float, size: float = BODY) -> int:
    """How many lines `text` wraps to in a cell `width` units wide (greedy, like a spreadsheet)."""
    usable = max(width - 1.5, 2)
    count = 0
    for line in str(text).split("\n"):
        count += 1
        filled = 0.0
        for token in _tokens(line):
            w = _width(token, size)
            if filled + w <= usable:
                filled += w
                continue
            if filled:
                count += 1
            while w > usable:  # a token longer than the line is broken anywhere
                count += 1
                w -= usable
            filled = w
    return count


def _height(lines: int, size: float = BODY, pad: float = 6) -> float:
    return lines * size * 1.5 + pad


class _Writer:
    """Writes cells with one font, border and alignment, and sizes rows to their wrapped text."""

    def __init__(self, ws, styles: _Styles, widths: dict[str, float]):
        from openpyxl.utils import column_index_from_string

        self.ws = ws
        self.s = styles
        self.widths = widths
        self.col = column_index_from_string
        self.need: dict[int, float] = {}
        for letter, width in widths.items():
            ws.column_dimensions[letter].width = width

    def span_width(self, first: str, last: str) -> float:
        a, b = self.col(first), self.col(last)
        letters = [k for k in self.widths if a <= self.col(k) <= b]
        return sum(self.widths[k] for k in letters)

    def put(self, row: int, first: str, value, last: str | None = None, *, font=None, align=None, border=True,
            fill=None, fmt=None, grow=True):
        """Write `value` into first..last of `row` (merged when last is given) and grow the row to fit."""
        ws = self.ws
        last = last or first
        if isinstance(value, str):
            value = redact(value)
        elif isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        cell = ws[f"{first}{row}"]
        cell.value = value
        font = font or self.s.body
        cell.font = font
        cell.alignment = align or self.s.align()
        if fmt:
            cell.number_format = fmt
        if first != last:
            ws.merge_cells(f"{first}{row}:{last}{row}")
        for c in range(self.col(first), self.col(last) + 1):
            target = ws.cell(row=row, column=c)
            target.border = self.s.border if border else self.s.none
            if fill is not None:
                target.fill = fill
        if grow and isinstance(value, str) and value:
            size = font.sz or BODY
            lines = _lines(value, self.span_width(first, last), size)
            self.need[row] = max(self.need.get(row, 0), _height(lines, size))
        return cell

    def height(self, row: int, minimum: float) -> None:
        self.need[row] = max(self.need.get(row, 0), minimum)

    def finish(self) -> None:
        for row, height in self.need.items():
            self.ws.row_dimensions[row].height = round(min(height, 409), 1)


def _print_setup(ws, styles, *, landscape: bool, title_rows: str | None = None, last_col: str, last_row: int):
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    ws.page_margins.header = 0.3
    ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = FONT
    ws.oddFooter.center.size = 9
    ws.print_area = f"A1:{last_col}{last_row}"
    if title_rows:
        ws.print_title_rows = title_rows
    ws.sheet_view.showGridLines = False


def _keep_together(ws, spans, *, landscape: bool, title_rows: tuple[int, int] | None = None,
                   keep: int | None = None) -> list[tuple[int, int]]:
    """Page breaks so that a block of rows (an area of 附件1, a table with its heading) starts on a new page
    rather than straddling two; with `keep`, only its first `keep` rows need to stay together.

    Row heights are set explicitly and the page is fitted to the sheet's width, so the page length in
    sheet points is known. Returns the blocks that straddle a page break anyway.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    paper_w, paper_h = (841.9, 595.3) if landscape else (595.3, 841.9)
    margins = ws.page_margins
    printable_w = paper_w - (margins.left + margins.right) * 72
    sheet_w = 0.0
    for index in range(1, ws.max_column + 1):
        width = ws.column_dimensions[get_column_letter(index)].width or 8.43
        sheet_w += (width * 7 + 5) * 0.75  # column units → pixels → points
    scale = min(1.0, printable_w / sheet_w) if sheet_w else 1.0
    page = (paper_h - (margins.top + margins.bottom) * 72) / scale * 0.96  # a little in hand for renderers

    def height(r: int) -> float:
        value = ws.row_dimensions[r].height
        return float(value) if value else 15.0

    repeat = sum(height(r) for r in range(title_rows[0], title_rows[1] + 1)) if title_rows else 0.0
    used = sum(height(r) for r in range(1, spans[0][0])) if spans else 0.0
    straddling = []
    for first, last in spans:
        size = sum(height(r) for r in range(first, min(last, first + (keep or last) - 1) + 1))
        if used + size > page and size <= page - repeat and used > repeat:
            ws.row_breaks.append(Break(id=first - 1))
            used = repeat
        pages = 0
        for r in range(first, last + 1):
            if used + height(r) > page:
                used = repeat
                pages += 1
            used += height(r)
        if pages:
            straddling.append((first, last))
    return straddling


def _date_zh(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _parse_date(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _pts(value) -> str:
    return fmt_points(value)


# ─── 申报表 (附件2) ─────────────────────────────────────────────────────────────────────────────────────


def honours_text(result) -> str:
    honours = list((result.profile or {}).get("honors") or [])
    if not honours:
        return "无"
    honours.sort(key=lambda h: h.get("date") or "", reverse=True)
    lines = []
    for h in honours:
        day = _parse_date(h.get("date"))
        when = f"{day.year}年{day.month}月" if day else "日期未填"
        what = h.get("title") or h.get("kind") or ""
        kind = f"{h.get('level') or ''}{h.get('kind') or ''}"
        who = h.get("recipient")
        whom = f"，{who}" if who and who not in ("组织", "党组织", "单位") else ""
        lines.append(f"{when}　{what}（{kind}{whom}）")
    return "\n".join(lines)


def _rule_fact(rule) -> str:
    working = (rule.working or "").strip()
    if rule.kind == "checklist":
        count = working.split(" ", 1)[-1] if " " in working else working
        return f"{rule.label} {count}"
    return working


def area_summary(result, area) -> str:
    """An area's 建设情况 for 附件2, from what dj found: the facts behind each indicator, and the score."""
    profile = result.profile or {}
    lines = []
    if area.id == "班子建设":
        facts = [profile.get("type") or ""]
        if profile.get("established"):
            day = _parse_date(profile["established"])
            facts.append(f"成立于{_date_zh(day)}" if day else "")
        if profile.get("secretary"):
            facts.append(f"书记{profile['secretary']}")
        if profile.get("parent"):
            facts.append(f"上级党组织：{profile['parent']}")
        lines.append("，".join(f for f in facts if f) + "。")
    elif area.id == "队伍建设":
        members = profile.get("members") or {}
        party = [f"{k}{members[k]}人" for k in ("正式党员", "预备党员") if members.get(k)]
        others = [f"{k}{v}人" for k, v in members.items() if v and k not in ("正式党员", "预备党员")]
        groups = profile.get("groups") or []
        text = f"党员{profile.get('party_members', 0)}人"
        if party:
            text += f"（{'、'.join(party)}）"
        if others:
            text += f"，另有{'、'.join(others)}"
        if groups:
            text += f"；设党小组{len(groups)}个"
        lines.append(text + "。")
    for ind in area.indicators:
        facts = [_rule_fact(r) for r in ind.rules if r.applicable and r.working]
        if ind.points is None:
            facts = ["不适用"]
        lines.append(f"{ind.id}. " + "；".join(facts))
    gaps = sum(1 for i in area.indicators for f in i.findings if f.kind == "gap")
    tail = f"本项自评 {_pts(area.points)}/{_pts(area.max)} 分"
    tail += f"，存在问题 {gaps} 项（见“问题清单”）。" if gaps else "。"
    lines.append(tail)
    return "\n".join(line for line in lines if line.strip("。 "))


def _sheet_申报表(ws, result, plan, s: _Styles) -> None:
    ws.title = "申报表"
    w = _Writer(ws, s, {"A": 19.5, "B": 30, "C": 17, "D": 27})
    profile = result.profile or {}
    label = s.align("distributed", indent=1)
    centre = s.align("center")
    w.put(1, "A", "东莞市社会组织“五星级党组织”申报表", "D", font=s.title, align=s.align("center", wrap=False),
          border=False, grow=False)
    w.height(1, 42)
    unit = profile.get("unit") or result.branch.get("name") or ""
    w.put(2, "A", f"申报单位：{unit}", "B", align=s.align("left", "bottom"), border=False)
    as_of = dt.date.fromisoformat(result.window["as_of"])
    w.put(2, "C", f"时间：{_date_zh(as_of)}", "D", align=s.align("right", "bottom"), border=False)
    w.height(2, 28)

    w.put(3, "A", "党组织名称（全称）", font=s.body, align=label)
    w.put(3, "B", result.branch.get("name") or "", align=centre)
    w.put(3, "C", "申报星级", align=label)
    w.put(3, "D", "五星级", align=centre)
    w.put(4, "A", "党员人数", align=label)
    w.put(4, "B", int(profile.get("party_members") or 0), align=centre, fmt='0" 人"')
    w.put(4, "C", "党组织成立时间", align=label)
    established = _parse_date(profile.get("established"))
    if established:
        w.put(4, "D", established, align=centre, fmt='yyyy"年"m"月"d"日"')
    else:
        w.put(4, "D", "", align=centre)
    w.put(5, "A", "党组织负责人", align=label)
    w.put(5, "B", profile.get("secretary") or "", align=centre)
    w.put(5, "C", "单位电话", align=label)
    w.put(5, "D", "", align=centre)  # filled in by hand: phone numbers never leave dj unmasked
    for row in (3, 4, 5):
        w.height(row, 36)

    row = 6
    w.put(row, "A", "受表彰情况", align=label)
    w.put(row, "B", honours_text(result), "D", align=s.align("left", "center"))
    w.height(row, 60)
    for area in result.areas:
        row += 1
        w.put(row, "A", AREA_SUMMARY_TITLES.get(area.id, f"{area.id}情况"), align=label)
        w.put(row, "B", area_summary(result, area), "D", align=s.align("left", "top"), font=s.body)
        w.height(row, 80)
    row += 1
    w.put(row, "A", "各镇街（园区）、市直管党组织意见", align=s.align("center", indent=0))
    w.put(row, "B", "\n\n\n（盖章）\n\n年　　月　　日　　", "D", align=s.align("right", "bottom"), grow=False)
    w.height(row, 130)
    row += 1
    w.put(row, "A", "备注", align=label)
    rating = rating_text(result.rating, result.rubric)
    note = (f"按台账自评总分 {_pts(result.total)} 分（满分 {_pts(result.max)} 分，得分率 {_pts(result.percent)}%），"
            f"自评结果：{rating}。各项得分见“评定标准”表（附件1），问题及整改见“问题清单”“下一步”表。")
    if plan.main and not plan.main.reached:
        note += f"距{plan.main.label}还差 {_pts(plan.main.short)} 分。"
    w.put(row, "B", note, "D", align=s.align("left", "center"))
    w.height(row, 48)
    w.finish()
    _print_setup(ws, s, landscape=False, last_col="D", last_row=row)


# ─── 评定标准 (附件1, self-scored) ──────────────────────────────────────────────────────────────────────


def deduction_text(indicator) -> str:
    """扣分原因: each gap finding with the points it costs, then dj's working."""
    lines = []
    for f in indicator.findings:
        if f.kind == "gap":
            lines.append(f"· {f.message}（扣 {_pts(indicator.finding_points(f))} 分）")
    if indicator.status == "manual":
        lines.append("· 自评项，须实地核查")
    lines.append(f"计算：{indicator.working}")
    return "\n".join(lines)


def _sheet_评定标准(ws, result, s: _Styles) -> None:
    w = _Writer(ws, s, {"A": 14, "B": 5, "C": 46, "D": 18, "E": 6, "F": 7.5, "G": 45})
    centre = s.align("center")
    w.put(1, "A", "东莞市社会组织“五星级党组织”评定标准", "G", font=s.title, align=s.align("center", wrap=False),
          border=False, grow=False)
    w.height(1, 40)
    profile = result.profile or {}
    w.put(2, "A", f"镇街（单位）：{profile.get('town') or profile.get('unit') or ''}", "C",
          align=s.align("left", "bottom"), border=False)
    w.put(2, "D", f"党组织名称：{result.branch.get('name') or ''}", "G", align=s.align("left", "bottom"),
          border=False)
    w.height(2, 26)
    headers = ["评定项目", "序号", "评定标准", "检查内容", "分值", "自评分", "扣分原因"]
    for letter, text in zip("ABCDEFG", headers):
        w.put(3, letter, text, font=s.bold, align=centre, fill=s.header_fill, grow=False)
    w.height(3, 30)
    row = 4
    spans = []
    for n, area in enumerate(result.areas):
        first = row
        for ind in area.indicators:
            w.put(row, "B", int(ind.id) if ind.id.isdigit() else ind.id, align=centre)
            w.put(row, "C", ind.standard, align=s.align("left", "center"))
            w.put(row, "D", ind.check or "", align=s.align("left", "center"))
            w.put(row, "E", ind.max, align=centre)
            if ind.points is None:
                w.put(row, "F", "不适用", align=centre, font=s.small)
            else:
                w.put(row, "F", ind.points, align=centre,
                      font=s.body if ind.points == ind.max else s.red)
            w.put(row, "G", deduction_text(ind), align=s.align("left", "center"), font=s.small)
            row += 1
        numeral = AREA_NUMERALS[n] if n < len(AREA_NUMERALS) else str(n + 1)
        title = f"{numeral}、{area.id}\n{_pts(area.nominal)}分" + ("\n（加分项）" if area.bonus else "")
        w.put(first, "A", title, align=centre, grow=False)
        w.height(first, _height(_lines(title, w.widths["A"])))  # the name fits its first row if the area splits
        spans.append((first, row - 1))
        if row - 1 > first:
            ws.merge_cells(f"A{first}:A{row - 1}")
            for r in range(first, row):
                ws.cell(row=r, column=1).border = s.border
    w.put(row, "A", "合计", "D", font=s.bold, align=centre)
    w.put(row, "E", result.max, font=s.bold, align=centre)
    w.put(row, "F", result.total, font=s.bold, align=centre)
    rating = rating_text(result.rating, result.rubric)
    text = f"得分率 {_pts(result.percent)}%，自评结果：{rating}"
    if result.max != sum((a.nominal for a in result.areas if not a.bonus), Decimal(0)):
        text += "（满分按适用指标计，不适用的指标不计入）"
    if result.vetoed_by:
        text += f"；指标 {'、'.join(result.vetoed_by)} 一票否决"
    w.put(row, "G", text, font=s.bold, align=s.align("left"))
    w.height(row, 30)
    row += 1
    w.put(row, "A", NOTE_附件1, "G", align=s.align("left", "top"), border=False)
    row += 1
    w.put(row, "A", f"评定期间 {result.window['from']} 至 {result.window['to']}，截至 {result.window['as_of']}；"
                    "自评分由 dj 依据台账计算，自评项（待实地核查）以核查结果为准。", "G",
          align=s.align("left", "top"), border=False, font=s.small)
    w.finish()
    ws.freeze_panes = "A4"
    _print_setup(ws, s, landscape=True, title_rows="3:3", last_col="G", last_row=row)
    for first, _ in _keep_together(ws, spans, landscape=True, title_rows=(3, 3)):
        ws.cell(row=first, column=1).alignment = s.align("center", "top")  # a split area: name on its first page


# ─── 问题清单 ───────────────────────────────────────────────────────────────────────────────────────────


def where_text(gap) -> str:
    parts = []
    if gap.period:
        parts.append(f"期间：{gap.period}")
    if gap.subject:
        parts.append(f"人员/事项：{gap.subject}")
    if gap.file:
        parts.append(f"文件：{gap.file}")
    elif gap.record:
        parts.append(f"记录：{gap.record}")
    return "\n".join(parts)


def _sheet_问题清单(ws, result, plan, s: _Styles) -> None:
    from dangjian_cli.render.planner import FIXABLE, STATE_SHORT

    widths = {"A": 5, "B": 5.5, "C": 9, "D": 35, "E": 22, "F": 7, "G": 11, "H": 35, "I": 13}
    w = _Writer(ws, s, widths)
    centre = s.align("center")
    w.put(1, "A", f"{result.branch.get('name') or ''} 问题清单", "I", font=s.title,
          align=s.align("center", wrap=False), border=False, grow=False)
    w.height(1, 40)
    lead = (f"评定期间 {result.window['from']} 至 {result.window['to']}，截至 {result.window['as_of']}。"
            f"自评 {_pts(result.total)}/{_pts(result.max)} 分（{_pts(result.percent)}%），{rating_text(result.rating, result.rubric)}")
    if plan.main and not plan.main.reached:
        lead += f"，距{plan.main.label}还差 {_pts(plan.main.short)} 分"
        if plan.main.reachable:
            lead += f"：标“★”的 {len(plan.main.fixes)} 项整改完成即可达到"
    w.put(2, "A", lead + "。", "I", align=s.align("left"), border=False)
    headers = ["序号", "指标", "评定项目", "存在问题", "期间/人员/文件", "扣分", "能否补救", "整改措施", "期限"]
    for letter, text in zip("ABCDEFGHI", headers):
        w.put(3, letter, text, font=s.bold, align=centre, fill=s.header_fill)
    w.height(3, 30)
    chosen = {id(g) for f in (plan.main.fixes if plan.main else []) for g in f.gaps}
    row = 4
    if not plan.gaps:
        w.put(row, "A", "没有发现扣分问题。", "I", align=centre)
        row += 1
    for n, gap in enumerate(plan.gaps, 1):
        star = id(gap) in chosen
        fill = s.plan_fill if star else None
        w.put(row, "A", n, align=centre, fill=fill)
        w.put(row, "B", int(gap.indicator.id) if gap.indicator.id.isdigit() else gap.indicator.id, align=centre,
              fill=fill)
        w.put(row, "C", gap.indicator.area, align=centre, fill=fill)
        text = gap.message + (f"\n（{gap.title}）" if gap.title else "")
        w.put(row, "D", ("★ " if star else "") + text, align=s.align("left"), fill=fill)
        w.put(row, "E", where_text(gap), align=s.align("left"), font=s.small, fill=fill)
        w.put(row, "F", gap.points, align=centre, fill=fill)
        w.put(row, "G", STATE_SHORT[gap.state], align=centre, font=s.small if gap.state not in FIXABLE else s.body,
              fill=fill)
        w.put(row, "H", gap.action, align=s.align("left"), font=s.small, fill=fill)
        w.put(row, "I", str(gap.deadline) if gap.deadline else ("尽快" if gap.state in FIXABLE else "—"),
              align=centre, fill=fill)
        row += 1
    if plan.gaps:
        w.put(row, "A", "扣分合计", "E", font=s.bold, align=centre)
        w.put(row, "F", sum((g.points for g in plan.gaps), Decimal(0)), font=s.bold, align=centre)
        w.put(row, "G", f"满分 {_pts(result.max)} − 自评 {_pts(result.total)} = {_pts(result.max - result.total)} 分"
                        "（各条按所在指标分摊，合计可能有 ±0.01 的舍入差）", "I", align=s.align("left"), font=s.small)
        row += 1
    if plan.upcoming:
        row += 1
        w.put(row, "A", "本期尚未结束、尚未开展的会议/活动（目前不扣分，到期未开展将计为缺失）", "I", font=s.subtitle,
              align=s.align("left"), border=False)
        row += 1
        for n, u in enumerate(plan.upcoming, 1):
            w.put(row, "A", n, align=centre)
            w.put(row, "B", "、".join(u.indicators), "C", align=centre)
            w.put(row, "D", u.title, align=s.align("left"))
            w.put(row, "E", f"期间：{u.item.period.label}", align=s.align("left"), font=s.small)
            risk = u.risk if u.risk is not None else "—"
            w.put(row, "F", risk, align=centre)
            w.put(row, "G", "逾期将扣", align=centre, font=s.small)
            w.put(row, "H", f"在 {u.deadline} 前开展并登记会议/活动台账", align=s.align("left"), font=s.small)
            w.put(row, "I", str(u.deadline), align=centre)
            row += 1
    covered = " ".join(f"{g.file} {g.title or ''} {g.action}" for g in plan.gaps)
    notices = [n for n in result.notices if not (n.file and n.file in covered)]
    if notices:
        row += 1
        w.put(row, "A", "其他提示（不扣分，但须整改）", "I", font=s.subtitle, align=s.align("left"), border=False)
        row += 1
        for n, notice in enumerate(notices, 1):
            w.put(row, "A", n, align=centre)
            w.put(row, "B", "—", "C", align=centre)
            w.put(row, "D", notice.message, "E", align=s.align("left"))
            w.put(row, "F", 0, align=centre)
            w.put(row, "G", "提示", align=centre, font=s.small)
            fix = "补上文件或更正路径" if notice.kind == "evidence" else "按要求整改"
            w.put(row, "H", fix, align=s.align("left"), font=s.small)
            w.put(row, "I", "尽快", align=centre)
            row += 1
    w.finish()
    ws.freeze_panes = "A4"
    _print_setup(ws, s, landscape=True, title_rows="3:3", last_col="I", last_row=row - 1)


# ─── 下一步 (the path to 五星级) ────────────────────────────────────────────────────────────────────────


def _sheet_下一步(ws, result, plan, s: _Styles) -> None:
    from dangjian_cli.render.planner import STATE_SHORT

    widths = {"A": 6, "B": 31, "C": 8, "D": 9, "E": 12, "F": 13.5, "G": 32}
    w = _Writer(ws, s, widths)
    centre = s.align("center")
    main = plan.main
    heading = f"距{main.label}还差 {_pts(main.short)} 分" if main else "整改计划"
    if main and main.reached:
        heading = f"已达{main.label}（距{main.label}还差 0 分）"
    w.put(1, "A", f"{heading} —— 下一步工作计划", "G", font=s.title, align=s.align("center", wrap=False),
          border=False, grow=False)
    w.height(1, 40)
    w.put(2, "A", f"{result.branch.get('name') or ''}　截至 {result.window['as_of']}", "G", align=centre, border=False)

    # summary
    row = 4
    summary = [("当前得分", f"{_pts(result.total)} / {_pts(result.max)} 分（得分率 {_pts(result.percent)}%），"
                            f"{rating_text(result.rating, result.rubric)}")]
    if main:
        summary.append((f"{main.label}线", f"得分率 ≥ {_pts(main.min_percent)}%，即 {_pts(main.needed)} 分"))
        if main.reached:
            summary.append(("结论", f"已达到{main.label}，高出 {_pts(plan.total - main.needed)} 分"))
        elif main.reachable:
            summary.append(("结论", f"还差 {_pts(main.short)} 分：最少整改 {len(main.fixes)} 项即可达到，"
                                    f"完成后预计 {_pts(main.total_after)} 分（{_pts(main.percent_after)}%）"))
        else:
            summary.append(("结论", f"还差 {_pts(main.short)} 分：可整改事项全部完成后最多 {_pts(plan.ceiling)} 分，"
                                    f"仍不能达到{main.label}"))
    full = plan.full
    if full and not full.reached:
        text = (f"需完成全部 {len(full.fixes)} 项可整改事项" if full.reachable else
                f"已无法达到：已过期的问题共 {_pts(plan.lost_points)} 分不能补救"
                + (f"，另有 {_pts(plan.held_points)} 分不能靠整改取得" if plan.held_points else "")
                + f"；最多 {_pts(plan.ceiling)} 分")
        summary.append(("满分", text))
    for note in plan.notes:
        summary.append(("注意", note))
    for key, value in summary:
        w.put(row, "A", key, "B", font=s.bold, align=centre)
        w.put(row, "C", value, "G", align=s.align("left"))
        w.height(row, 24)
        row += 1

    # area table + radar chart
    row += 1
    w.put(row, "A", "各项目得分", "G", font=s.subtitle, align=s.align("left"), border=False)
    row += 1
    head = row
    for letter, text in zip("ABCD", ["序号", "评定项目", "得分", "满分"]):
        w.put(row, letter, text, font=s.bold, align=centre, fill=s.header_fill)
    w.put(row, "E", "得分率", font=s.bold, align=centre, fill=s.header_fill)
    row += 1
    for n, area in enumerate(result.areas):
        w.put(row, "A", AREA_NUMERALS[n] if n < len(AREA_NUMERALS) else str(n + 1), align=centre)
        w.put(row, "B", area.id + ("（加分）" if area.bonus else ""), align=centre)
        w.put(row, "C", area.points, align=centre)
        w.put(row, "D", area.max, align=centre)
        share = (area.points / area.max) if area.max else Decimal(0)
        w.put(row, "E", float(share), align=centre, fmt="0.0%")
        row += 1
    last = row - 1
    w.put(row, "A", "合计", "B", font=s.bold, align=centre)
    w.put(row, "C", result.total, font=s.bold, align=centre)
    w.put(row, "D", result.max, font=s.bold, align=centre)
    w.put(row, "E", float(result.percent) / 100, font=s.bold, align=centre, fmt="0.00%")
    row += 1
    top = max((float(a.max) for a in result.areas), default=10)
    _radar(ws, head, last, anchor=f"A{row + 1}", top=float(math.ceil(top / 5) * 5) or 5)
    row += 23  # the rows under the chart (11 cm at 15 pt a row)

    numerals = iter(AREA_NUMERALS)
    plain = [(c, c) for c in "ABCDEFG"]
    blocks = []

    def table(title, headers, rows, spans=plain):
        nonlocal row
        blocks.append([row, row + len(rows) + 1])
        w.put(row, "A", f"{next(numerals)}、{title}", "G", font=s.subtitle, align=s.align("left"), border=False)
        row += 1
        for (first, last), text in zip(spans, headers):
            w.put(row, first, text, last, font=s.bold, align=centre, fill=s.header_fill)
        row += 1
        for values in rows:
            for (first, last), value in zip(spans, values):
                left = isinstance(value, str) and _width(value) > 12
                w.put(row, first, value, last, align=s.align("left") if left else centre,
                      font=s.small if first == "G" else s.body)
            row += 1
        row += 1

    if main and not main.reached and main.reachable:
        table(f"最少整改 {len(main.fixes)} 项即可达到{main.label}（按可恢复分值排序）",
              ["顺序", "整改事项", "指标", "可恢复", "完成后", "期限", "怎么做"],
              [[n, f.title, "、".join(f.indicators), f"+{_pts(f.gain)}", main.running[n - 1],
                str(f.deadline) if f.deadline else "尽快", f.action] for n, f in enumerate(main.fixes, 1)])
    if plan.fixes:
        table("全部可整改事项（按可恢复分值排序）",
              ["排名", "整改事项", "指标", "可恢复", "类别", "期限", "怎么做"],
              [[n, f.title, "、".join(f.indicators), f"+{_pts(f.gain)}", STATE_SHORT[f.state],
                str(f.deadline) if f.deadline else "尽快", f.action] for n, f in enumerate(plan.fixes, 1)])
    if plan.upcoming:
        table("本期尚未结束：须按期开展（到期未开展将计为缺失）",
              ["序号", "会议/活动", "指标", "可得", "逾期将扣", "截止日期", "说明"],
              [[n, u.title, "、".join(u.indicators), f"+{_pts(u.gain)}" if u.gain else "0",
                _pts(u.risk) if u.risk is not None else "—", str(u.deadline),
                "在截止日期前开展并登记台账"] for n, u in enumerate(plan.upcoming, 1)])
    if plan.held_back:
        table("暂不计入整改方案（取决于上级评定或实地核查）",
              ["序号", "问题", "指标", "扣分", "情况", "建议"],
              [[n, f.title, "、".join(f.indicators), _pts(f.gain), STATE_SHORT[f.state], f.action]
               for n, f in enumerate(plan.held_back, 1)],
              spans=[("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "F"), ("G", "G")])
    past = [g for g in plan.lost if g.state == "past"]
    if past:
        table(f"已过期、无法补救（共 {_pts(plan.lost_points)} 分；下一评定年度仍按此要求计分）",
              ["指标", "要求", "缺失期间/事项", "失分", "今后"],
              [[int(g.indicator.id) if g.indicator.id.isdigit() else g.indicator.id, g.label, "、".join(g.periods),
                _pts(g.points), g.advice] for g in past],
              spans=[("A", "A"), ("B", "B"), ("C", "E"), ("F", "F"), ("G", "G")])
    if plan.routine:
        year = int(result.window["to"][:4]) + 1
        table(f"保持：今后每期按时完成（{year}年仍按这些要求计分）",
              ["序号", "要求", "指标"],
              [[n, label, "、".join(ids)] for n, (label, ids) in enumerate(plan.routine, 1)],
              spans=[("A", "A"), ("B", "F"), ("G", "G")])
    w.finish()
    _print_setup(ws, s, landscape=False, last_col="G", last_row=row)
    _keep_together(ws, [tuple(b) for b in blocks], landscape=False, keep=4)  # a heading never ends a page


def _radar(ws, header_row: int, last_row: int, anchor: str, top: float) -> None:
    from openpyxl.chart import Reference
    from openpyxl.chart.radar_chart import RadarChart

    chart = RadarChart()
    chart.type = "marker"
    chart.title = "各评定项目得分与满分"
    chart.add_data(Reference(ws, min_col=4, min_row=header_row, max_row=last_row), titles_from_data=True)
    chart.add_data(Reference(ws, min_col=3, min_row=header_row, max_row=last_row), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=header_row + 1, max_row=last_row))
    full, score = chart.series
    full.graphicalProperties.line.solidFill = "808080"
    full.graphicalProperties.line.prstDash = "dash"
    full.graphicalProperties.line.width = 15000
    full.marker.symbol = "none"
    score.graphicalProperties.line.solidFill = "C00000"
    score.graphicalProperties.line.width = 28000
    score.marker.symbol = "circle"
    score.marker.size = 6
    score.marker.graphicalProperties.solidFill = "C00000"
    score.marker.graphicalProperties.line.solidFill = "C00000"
    chart.y_axis.delete = False
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = top
    chart.y_axis.majorUnit = 5 if top <= 30 else None
    chart.legend.position = "b"
    chart.height = 11
    chart.width = 17
    ws.add_chart(chart, anchor)
