"""`dj init DIR`: a new branch folder with filled-in templates.

Every Excel template is generated from the column specs (``ledger/specs.py``): the header labels, which
columns are required, which are enumerated (their dropdowns come from the parsers' own vocabularies) and
how each column is formatted all follow the spec, so a template can never disagree with the loader.

Each template holds ONE example row. The loader treats every non-empty row as a record, so the example is
a plausible real entry (it loads, validates and is scored) that the user edits or deletes; the 说明 sheet
and a cell comment say so. Dates in the examples are taken from the month before ``today`` so that a fresh
folder scored for the current year shows how an entry counts.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dangjian_cli.errors import UsageError
from dangjian_cli.ledger import specs
from dangjian_cli.ledger import values as v
from dangjian_cli.ledger.tables import Field, TableSpec, column_letter
from dangjian_cli.ledger.vocab import normalise

DATE_FORMAT = 'yyyy"年"m"月"d"日"'
TEXT_FORMAT = "@"
MONEY_FORMAT = "0.00"
VALIDATION_LAST_ROW = 2000  # dropdowns and formats cover rows 2 … this
INLINE_LIST_MAX_ITEMS = 8  # longer lists go to the hidden sheet 选项 (inline lists are capped at 255 chars)
LISTS_SHEET = "选项"
HELP_SHEET = "说明"

REQUIRED_FILL = "FFF8CBAD"  # light orange: required column
OPTIONAL_FILL = "FFDDEBF7"  # light blue: optional column

SECRETARY = "张某某"
PARTY_WORKER = "李某某"
BRANCH_NAME = "某某律师事务所党支部"
UNIT = "某某律师事务所"

EVIDENCE_FOLDERS = {
    "批复": "党组织成立批复，书记、副书记的任职批复",
    "会议记录": "三会一课等会议、活动的纪要、签到表、照片",
    "培训": "培训通知、结业证书、学时证明",
    "党费": "党费收据、转账记录",
    "文件": "制度、计划、总结、名册、述职报告等文件",
    "阵地": "阵地建设的实景照片",
    "荣誉": "表彰证书、报道截图、示范点/品牌的认定文件",
    "自评": "自评分指标（self_assessment.yaml）的佐证材料",
}

# What each column means (the 说明 sheet and the header comments). Accepted values and formats are
# derived from the parser, not written here.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "members": {
        "name": "党员（含预备党员）、发展对象、入党积极分子的姓名；与 branch.yaml 班子成员、党费、培训记录中的写法保持一致",
        "category": "人员类别",
        "gender": "性别",
        "birth": "出生日期",
        "education": "最高学历，如 大学本科、硕士研究生",
        "id_number": "公民身份号码（18 位）。敏感信息：dj 的任何输出都只显示脱敏后的号码（如 4419**********1234）",
        "phone": "手机号码。敏感信息：dj 的输出中脱敏显示",
        "joined": "入党日期（入党积极分子、发展对象留空）",
        "confirmed": "预备党员转正日期（尚未转正的留空）",
        "relation_here": "组织关系是否在本支部；留空按“是”处理。组织关系不在本支部的，不计入“正式党员在本支部”人数，也不计应缴党费",
        "group": "所在党小组，须与 branch.yaml 中 groups 列出的名称完全一致；未设党小组的留空（名称由本支部自定，故本列不设下拉）",
        "job": "在本单位的职务，如 主任、合伙人、律师、行政",
        "management": "是否本单位管理层",
        "investor": "是否本单位出资人（合伙人）",
        "mobile": "是否流动党员",
        "left": "组织关系转出、离开本支部的日期；仍在本支部的留空",
    },
    "meetings": {
        "date": "会议或活动的日期",
        "type": "会议或活动类型。一次会议兼有多种用途时可写多个，用“、”分隔（如“组织生活会、民主评议党员”），每种各计一次",
        "topic": "会议主题或主要内容。部分指标按主题认定（如廉政教育学习须含“廉洁自律准则”或“纪律处分条例”），请写清楚",
        "group": "党小组会：召开会议的党小组（须与 branch.yaml 的 groups 一致）；其他会议留空",
        "host": "主持人姓名",
        "lecturer": "党课的讲课人姓名；书记讲党课须填书记姓名（与 branch.yaml 一致）",
        "expected": "应到人数",
        "present": "实到人数",
        "minutes": "会议纪要、签到表、照片等证明材料",
    },
    "trainings": {
        "name": "参训人员姓名（书记、党务工作者、党建工作指导员的培训都在此登记）",
        "date": "培训日期（多天的培训填开始日期）",
        "title": "培训班名称",
        "kind": "培训类型",
        "days": "培训天数",
        "hours": "学时",
        "organiser": "主办单位",
        "evidence": "培训通知、结业证书等证明材料",
    },
    "dues": {
        "name": "缴纳党费的党员姓名（正式党员、预备党员每人每月都应有记录）",
        "month": "党费所属月份；一次预缴多个月的写月份区间",
        "amount": "缴纳金额（元）",
        "paid": "实际缴纳日期",
        "evidence": "党费收据、转账记录等证明材料",
    },
    "documents": {
        "kind": "文件类别（制度、计划、名册/簿、批复、总结等）",
        "title": "文件标题",
        "year": "所属年度。年度计划、年度总结等按年度认定，请务必填写",
        "file": "文件本身（PDF、Word、照片等）",
    },
    "facilities": {
        "item": "阵地建设项目（每个项目一行）",
        "present": "本党组织是否已具备该项目",
        "evidence": "实景照片",
    },
    "honors": {
        "date": "获得表彰、报道刊发、认定的日期",
        "kind": "类别",
        "level": "级别：授予表彰或刊发报道的单位层级",
        "title": "表彰、报道、示范点、品牌或文章的名称",
        "recipient": "对象：授予本党组织的写组织名称，授予个人的写姓名",
        "evidence": "证书、报道截图、认定文件等证明材料",
    },
}

FILE_NOTES: dict[str, list[str]] = {
    "members": ["本支部所有正式党员、预备党员，以及发展对象、入党积极分子，每人一行。"],
    "meetings": ["所有有日期的会议与活动（三会一课、组织生活会、主题党日、志愿服务等）都登记在这里，每次一行。"],
    "trainings": ["每人每次培训一行；同一培训班多人参加的，每人各写一行。"],
    "dues": ["正式党员、预备党员（组织关系在本支部的）每人每月应有一条缴纳记录；一次预缴多个月的，可在“月份”写区间（如 2025-01~2025-06）。"],
    "documents": ["制度、计划、名册/簿、批复、总结等文件的索引，每份文件一行；文件本身放在 evidence/文件/ 下。"],
    "facilities": ["每个阵地建设项目一行（项目列表见“项目”列的下拉选项），具备的写“是”并附实景照片路径。"],
    "honors": ["获得的表彰、媒体报道、示范点、党建品牌、发表的文章等，每项一行。"],
}


# ---------------------------------------------------------------------------------------------------------
# What the specs say about a column


@dataclass(frozen=True)
class Choice:
    """An enumerated column: canonical values (dropdown order), other accepted spellings, several allowed?"""

    values: tuple[str, ...]
    aliases: dict[str, tuple[str, ...]]
    multiple: bool = False


def choice_of(f: Field) -> Choice | None:
    """The closed vocabulary of an enumerated field, read from its parser (so it cannot drift)."""
    if f.parse is v.yes_no:
        return Choice(("是", "否"), {})
    table: dict[str, str] | None = getattr(f.parse, "vocabulary", None)
    if table is None:
        return None
    canonical = tuple(dict.fromkeys(table.values()))
    canonical = tuple(c for c in canonical if c != "其他") + tuple(c for c in canonical if c == "其他")  # 其他 last
    aliases = {c: tuple(k for k, value in table.items() if value == c and k != normalise(c)) for c in canonical}
    return Choice(canonical, {c: a for c, a in aliases.items() if a}, multiple=f.parse.multiple)


def number_format_of(f: Field) -> str | None:
    if f.parse is v.date:
        return DATE_FORMAT
    if f.parse in (v.identifier_text, v.month_range):
        return TEXT_FORMAT  # Excel must not turn 身份证号 into 4.419E+17 or 2025-01 into a date
    if f.name == "amount":
        return MONEY_FORMAT
    return None


def format_text(f: Field) -> str:
    """Accepted values / format of a column, in Chinese."""
    choice = choice_of(f)
    if f.parse is v.yes_no:
        return "从下拉列表选择“是”或“否”（也接受 有/无、√/×、✓/✗、y/n、yes/no、true/false、1/0）"
    if choice is not None:
        text = "从下拉列表选择：" + "、".join(choice.values)
        if choice.aliases:
            text += "。也接受：" + "；".join(f"{'、'.join(a)}（即{c}）" for c, a in choice.aliases.items())
        if choice.multiple:
            text += "。一格可写多个，用顿号“、”分隔（也可用逗号、加号 + 或斜杠 /）"
        return text
    if f.parse is v.date:
        return "日期：2025-03-15、2025/3/15、2025.3.15、2025年3月15日，或 Excel 日期（本列已设为日期格式）。纯数字（如 2010）不是日期"
    if f.parse is v.month_range:
        return "月份：2025-05 或 2025年5月；预缴多个月写区间 2025-01~2025-06 或 2025-01至2025-06（本列已设为文本格式）"
    if f.parse is v.identifier_text:
        return "文字（本列已设为文本格式，Excel 不会把长号码改成科学计数法或吞掉末几位）"
    if f.parse is v.whole_number:
        return "非负整数，如 12"
    if f.parse is v.number:
        return "数字，可带小数，如 50 或 12.5"
    if f.parse is v.year:
        return "四位年份，如 2025"
    if f.parse is v.path_list:
        return ("evidence/ 文件夹内的相对路径，如 evidence/会议记录/2025-03-14-支部党员大会纪要.pdf；多个文件用“；”或“、”分隔。"
                "登记了但找不到的文件记为“证明材料缺失”")
    if f.parse is v.name_list:
        return "姓名，多个用“、”分隔"
    return "文字"


def _aliases_text(f: Field) -> str:
    return "、".join(dict.fromkeys((f.name, *f.aliases)))


# ---------------------------------------------------------------------------------------------------------
# The example rows


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _id_number(region: str, birth: dt.date, sequence: str) -> str:
    body = f"{region}{birth:%Y%m%d}{sequence}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


@dataclass(frozen=True)
class Dates:
    """The dates the examples use: last month's events, a branch set up two years ago."""

    meeting: dt.date
    training: dt.date
    paid: dt.date
    honor: dt.date
    established: dt.date
    approved: dt.date

    @classmethod
    def around(cls, today: dt.date) -> "Dates":
        last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        established = dt.date(today.year - 2, 6, 28)
        return cls(
            meeting=_weekday_on_or_after(last_month.replace(day=12)),
            training=_weekday_on_or_after(last_month.replace(day=19)),
            paid=_weekday_on_or_after(last_month.replace(day=5)),
            honor=_weekday_on_or_after(last_month.replace(day=24)),
            established=established,
            approved=_weekday_on_or_after(established + dt.timedelta(days=10)),
        )


def example_rows(today: dt.date) -> dict[str, dict[str, Any]]:
    """One realistic record per table, keyed by field name (values as they are written into the cells)."""
    d = Dates.around(today)
    year = d.meeting.year
    month = f"{d.meeting:%Y-%m}"
    birth = dt.date(1982, 5, 16)
    return {
        "members": {
            "name": SECRETARY, "category": "正式党员", "gender": "男", "birth": birth, "education": "大学本科",
            "id_number": _id_number("441900", birth, "001"), "phone": "13800138000",
            "joined": dt.date(2008, 7, 1), "confirmed": dt.date(2009, 7, 1), "relation_here": "是",
            "job": "主任", "management": "是", "investor": "是", "mobile": "否",
        },
        "meetings": {
            "date": d.meeting, "type": "支部党员大会", "topic": "学习贯彻上级党组织会议精神，部署本月党建工作",
            "host": SECRETARY, "expected": 5, "present": 5,
            "minutes": f"evidence/会议记录/{d.meeting:%Y-%m-%d}-支部党员大会纪要.pdf",
        },
        "trainings": {
            "name": SECRETARY, "date": d.training, "title": f"{year}年社会组织党组织书记培训班", "kind": "集中培训",
            "days": 2, "hours": 16, "organiser": "东莞市社会组织党委",
            "evidence": f"evidence/培训/{year}-书记培训结业证书-{SECRETARY}.jpg",
        },
        "dues": {
            "name": SECRETARY, "month": month, "amount": 50, "paid": d.paid,
            "evidence": f"evidence/党费/{month}-党费收据-{SECRETARY}.jpg",
        },
        "documents": {
            "kind": "年度工作计划", "title": f"{BRANCH_NAME}{year}年度工作计划", "year": year,
            "file": f"evidence/文件/{year}年度工作计划.pdf",
        },
        "facilities": {"item": "党组织牌匾", "present": "是", "evidence": "evidence/阵地/党组织牌匾.jpg"},
        "honors": {
            "date": d.honor, "kind": "媒体报道", "level": "镇街级", "title": "某某镇党建公众号报道本支部开展“法律服务进社区”志愿活动",
            "recipient": BRANCH_NAME, "evidence": f"evidence/荣誉/{d.honor:%Y-%m}-镇街公众号报道截图.png",
        },
    }


# ---------------------------------------------------------------------------------------------------------
# Excel templates


def _width(text: Any) -> int:
    """Display width: CJK and full-width characters count 2."""
    if isinstance(text, dt.date):
        return 15  # as shown with DATE_FORMAT: 2025年12月12日
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _column_width(f: Field, example: Any) -> float:
    """Wide enough for the header and the example (CJK glyphs are a little wider than two digits)."""
    shown = 0.0
    if isinstance(example, dt.date):
        shown = 15
    elif example is not None:
        shown = _shown_width(example)
    width = max(_width(f.label) * 1.1 + 4, shown + 3, 8)
    if f.parse is v.date:
        width = max(width, 16)
    return round(min(width, 56), 1)


def template_bytes(spec: TableSpec, example: dict[str, Any]) -> bytes:
    """The workbook of one record table: data sheet (header + example), 说明, hidden 选项."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    unknown = set(example) - {f.name for f in spec.fields}
    assert not unknown, f"example for {spec.name} names unknown fields {unknown}"

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = spec.title
    lists = None
    thin = Side(style="thin", color="FFB4B4B4")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    for index, f in enumerate(spec.fields):
        col = column_letter(index)
        fmt = number_format_of(f)
        description = DESCRIPTIONS.get(spec.name, {}).get(f.name, f.label)

        header = ws.cell(row=1, column=index + 1, value=f.label)  # the plain label: the loader reads it
        header.font = bold
        header.alignment = centre
        header.border = border
        header.fill = PatternFill("solid", fgColor=REQUIRED_FILL if f.required else OPTIONAL_FILL)
        note = f"【{'必填' if f.required else '选填'}】{description}\n格式：{format_text(f)}"
        header.comment = Comment(note, "dj")
        header.comment.width, header.comment.height = 320, 140

        dimension = ws.column_dimensions[col]
        dimension.width = _column_width(f, example.get(f.name))
        if fmt:
            dimension.number_format = fmt  # new cells typed into this column get the format

        value = example.get(f.name)
        cell = ws.cell(row=2, column=index + 1, value=value)
        cell.border = border
        cell.alignment = Alignment(vertical="center")
        if fmt:
            cell.number_format = fmt

        choice = choice_of(f)
        if choice is not None:
            inline = '"' + ",".join(choice.values) + '"'
            if len(choice.values) <= INLINE_LIST_MAX_ITEMS and len(inline) <= 255:
                formula = inline
            else:
                if lists is None:
                    lists = wb.create_sheet(LISTS_SHEET)
                    lists.sheet_state = "hidden"
                list_col = column_letter(lists.max_column if lists["A1"].value is not None else 0)
                lists[f"{list_col}1"] = f"{spec.title}·{f.label}"
                for offset, item in enumerate(choice.values, start=2):
                    lists[f"{list_col}{offset}"] = item
                formula = f"'{LISTS_SHEET}'!${list_col}$2:${list_col}${len(choice.values) + 1}"
            dv = DataValidation(type="list", formula1=formula, allow_blank=True)
            dv.promptTitle = f.label[:32]
            dv.prompt = (("可从下拉列表选择一项，也可输入多项，用“、”分隔" if choice.multiple else "请从下拉列表中选择")
                         + ("（必填）" if f.required else ""))
            dv.showInputMessage = True
            dv.showErrorMessage = True
            if choice.multiple:
                dv.errorStyle = "warning"  # several types in one cell are allowed, so only warn
                dv.errorTitle = "请核对类型"
                dv.error = "不在列表中。若是多个类型，请用“、”分隔（如“组织生活会、民主评议党员”）；其他写法 dj 会报错。"
            else:
                dv.errorStyle = "stop"
                dv.errorTitle = "无效的值"
                dv.error = f"「{f.label}」只能填写下拉列表中的值。"
            dv.add(f"{col}2:{col}{VALIDATION_LAST_ROW}")
            ws.add_data_validation(dv)

    first = ws.cell(row=2, column=1)
    first.comment = Comment("示例记录：dj 会把这一行当作真实记录读取并计分。请改成本支部的真实内容，不需要时整行删除。", "dj")
    first.comment.width, first.comment.height = 260, 80
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[2].height = 20
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{column_letter(len(spec.fields) - 1)}1"
    _page_setup(ws)

    _help_sheet(wb.create_sheet(HELP_SHEET, 1), spec)
    if lists is not None:
        for col in range(1, lists.max_column + 1):
            lists.column_dimensions[column_letter(col - 1)].width = 22
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _page_setup(ws, landscape: bool = True) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6


_HELP_COLUMNS = (("列名", 14), ("必填", 6), ("含义", 44), ("可填写的值 / 格式", 52), ("也可用的列名", 18))


def _shown_width(text: str) -> float:
    """Rendered width in column units (CJK glyphs are a little wider than two digits)."""
    return sum(2.2 if unicodedata.east_asian_width(ch) in "WF" else 1.15 for ch in str(text))


def _lines(text: str, width: float) -> int:
    """Wrapped lines of `text` in a column `width` wide (over- rather than under-estimated)."""
    return sum(max(1, math.ceil(_shown_width(part) / max(width - 1.5, 1))) for part in str(text).split("\n"))


def _help_sheet(ws, spec: TableSpec) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="FFB4B4B4")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    last = column_letter(len(_HELP_COLUMNS) - 1)
    total_width = sum(w for _, w in _HELP_COLUMNS)
    for index, (_, width) in enumerate(_HELP_COLUMNS):
        ws.column_dimensions[column_letter(index)].width = width

    ws["A1"] = f"{spec.title}（{spec.name}.xlsx）填写说明"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 26

    notes = [
        *FILE_NOTES.get(spec.name, []),
        f"dj 只读取第一个工作表「{spec.title}」：第 1 行是表头，请勿修改列名（可以在右侧增加自己的列，dj 会忽略）；从第 2 行起每行一条记录。",
        "第 2 行是示例记录：dj 会把任何非空行当作一条真实记录读取并计分。请把示例改成本支部的真实内容，不需要时整行删除。",
        "表头为橙色的列必填，蓝色的列选填；把鼠标停在表头上可看到该列的说明。带下拉箭头的列请从列表中选择。",
        "日期列已设为日期格式，身份证号、手机等号码列已设为文本格式；从别处粘贴数据时请用“选择性粘贴 → 数值”，以免覆盖格式和下拉选项。",
        "证明材料（纪要、照片、文件）放在支部文件夹的 evidence/ 下，表中填写相对路径；登记了但找不到的文件记为“证明材料缺失”。",
        f"也可以改用 YAML 文件 {spec.name}.yaml 记录同样内容；同一份台账只能保留一种格式（不能同时有 {spec.name}.xlsx 和 {spec.name}.yaml）。",
        f"填好后运行 dj validate 支部文件夹 检查格式，dj score 支部文件夹 查看得分和问题清单。",
    ]
    row = 2
    for number, note in enumerate(notes, start=1):
        cell = ws.cell(row=row, column=1, value=f"{number}. {note}")
        cell.alignment = wrap
        ws.merge_cells(f"A{row}:{last}{row}")
        ws.row_dimensions[row].height = 16 * math.ceil(_width(cell.value) / total_width) + 2
        row += 1
    row += 1

    for index, (title, _) in enumerate(_HELP_COLUMNS):
        cell = ws.cell(row=row, column=index + 1, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFD9D9D9")
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[row].height = 20
    header_row = row
    for f in spec.fields:
        row += 1
        texts = (f.label, "必填" if f.required else "", DESCRIPTIONS.get(spec.name, {}).get(f.name, ""),
                 format_text(f), _aliases_text(f))
        height = 1
        for index, text in enumerate(texts):
            cell = ws.cell(row=row, column=index + 1, value=text)
            cell.alignment = wrap
            cell.border = border
            height = max(height, _lines(text, _HELP_COLUMNS[index][1]))
        ws.cell(row=row, column=1).font = Font(bold=True)
        if f.required:
            ws.cell(row=row, column=1).fill = PatternFill("solid", fgColor=REQUIRED_FILL)
            ws.cell(row=row, column=2).font = Font(bold=True, color="FFC00000")
        ws.row_dimensions[row].height = 16 * height + 4
    ws.print_title_rows = f"{header_row}:{header_row}"
    _page_setup(ws)


# ---------------------------------------------------------------------------------------------------------
# branch.yaml, self_assessment.yaml, evidence/README.txt


def _yaml_line(key: str, value: str, comment: str, indent: int = 0) -> str:
    text = " " * indent + (f"{key}: {value}" if value != "" else f"{key}:")
    return text + " " * max(2, 36 - _width(text)) + f"# {comment}"


def _yaml_item(value: str, comment: str, indent: int = 0) -> str:
    text = " " * indent + f"- {value}"
    return text + " " * max(2, 36 - _width(text)) + f"# {comment}"


def branch_yaml(today: dt.date) -> str:
    d = Dates.around(today)
    types = "、".join(_choice_values(specs.BRANCH, "type"))
    roles = "、".join(_choice_values(specs.COMMITTEE, "role"))
    lines = [
        "# 党组织基本信息（由 dj init 生成）",
        "# 把下面的示例值改成本党组织的真实信息；“#”后面是说明，dj 不读取。键名（英文）请勿修改，",
        "# 也可以换成中文键名（如 名称、类型）。日期写作 2024-03-15；文件路径相对于本文件夹。",
        "",
        _yaml_line("name", BRANCH_NAME, "党组织全称（必填）"),
        _yaml_line("type", "党支部", f"类型（必填）：{types}"),
        _yaml_line("parent", "某某镇社会组织党委", "上级党组织"),
        _yaml_line("unit", UNIT, "所在单位"),
        _yaml_line("unit_type", "律师事务所", "单位类型，如 律师事务所、会计师事务所、行业协会"),
        _yaml_line("town", "某某镇", "所在镇街（园区）"),
        _yaml_line("established", f"{d.established:%Y-%m-%d}", "成立时间（以上级党组织的成立批复为准）"),
        _yaml_line("phone", "", "党组织联系电话，如 0769-2xxxxxxx（选填）"),
        _yaml_line("term", "", "本届班子任期"),
        _yaml_line("start", f"{d.established:%Y-%m-%d}", "本届开始（选举/换届）日期", 2),
        _yaml_line("years", "3", "任期年限，留空按 3 年", 2),
        _yaml_line("committee", "", "班子成员，每人一项（以“- name:”开头）"),
        _yaml_line("- name", SECRETARY, "姓名（须与党员名册一致）", 2),
        _yaml_line("role", "书记", f"职务：{roles}", 4),
        _yaml_line("approved", f"{d.approved:%Y-%m-%d}", "上级党组织批准日期（书记、副书记须报批）", 4),
        _yaml_line("approval", "evidence/批复/书记批复.pdf", "批复文件，放在 evidence/批复/ 下", 4),
        _yaml_line("groups", "[]", "党小组名称，如 [第一党小组, 第二党小组]；未设党小组保持 []"),
        _yaml_line("instructor", "", "党建工作指导员姓名（选填）"),
        _yaml_line("party_workers", "", "党务工作者姓名，每人一行（以“- ”开头）"),
        _yaml_item(PARTY_WORKER, "党务工作者（示例）", 2),
    ]
    return "\n".join(lines) + "\n"


def _choice_values(spec: TableSpec, name: str) -> tuple[str, ...]:
    field = next(f for f in spec.fields if f.name == name)
    choice = choice_of(field)
    assert choice is not None
    return choice.values


_SELF_ASSESSMENT_EXAMPLES = {
    "4": ("指标4-书记年度述职报告.pdf", "书记带头落实党建工作责任制，年度述职材料齐全"),
    "5": ("指标5-党组织参与研究重大事项的会议记录.pdf", "班子做好“三个表率”，党组织参与研究本所重大事项"),
    "12": ("指标12-党员关爱帮扶活动记录.pdf", "建立党员关爱帮扶机制，开展党员喜闻乐见的教育服务活动"),
}


def _manual_indicators() -> list[tuple[str, str, str]]:
    """(id, points, label) of the built-in rubric's indicators scored from self_assessment.yaml."""
    try:
        from dangjian_cli import rubric as rubric_mod

        loaded = rubric_mod.load(None)
    except Exception:  # the template still helps without the rubric
        return [(i, "", "") for i in _SELF_ASSESSMENT_EXAMPLES]
    found = []
    for indicator in loaded.indicators():
        manual = [r for r in indicator.rules if r.kind == "manual"]
        if manual:
            found.append((indicator.id, f"{indicator.points.normalize():f}", manual[0].label))
    return found


def self_assessment_yaml() -> str:
    indicators = _manual_indicators()
    lines = [
        "# 自评分（由 dj init 生成）",
        "# 评定标准中以下指标需要现场核查，dj 无法从台账自动判断，按这里填写的自评分计分：",
    ]
    for ident, points, label in indicators:
        lines.append(f"#   第 {ident} 项（{points} 分）：{label}" if points else f"#   第 {ident} 项")
    lines += [
        "# 每项写 score（自评分，不超过该项分值）、evidence（佐证材料路径，文件须真实存在，否则不计分）、",
        "# note（简要说明）。没有自评或没有佐证材料的指标按 0 分计，并列入问题清单。",
        "#",
        "# 填写方法：删去某一项每行开头的“# ”（其后的空格缩进要保留），再改成本支部的实际情况。",
    ]
    for ident, points, _ in indicators:
        file, note = _SELF_ASSESSMENT_EXAMPLES.get(ident, (f"指标{ident}-佐证材料.pdf", "简要说明自评依据"))
        lines += [
            "#",
            f'# "{ident}":',
            f"#   score: {points or 0}",
            "#   evidence:",
            f"#     - evidence/自评/{file}",
            f"#   note: {note}",
        ]
    return "\n".join(lines) + "\n"


def evidence_readme() -> str:
    lines = [
        "evidence/ —— 证明材料文件夹",
        "",
        "台账各表中的“纪要”“证明材料”“实景图片”“文件”列，以及 branch.yaml 的 approval、",
        "self_assessment.yaml 的 evidence，填写的都是本文件夹内文件的相对路径（从支部文件夹算起），例如：",
        "",
        "    evidence/会议记录/2025-03-14-支部党员大会纪要.pdf",
        "",
        "一条记录有多个文件时，用“；”或“、”分隔。",
        "",
        "建议的子文件夹（可以自行调整，只要表中的路径写对即可）：",
        "",
    ]
    lines += [f"  {name + '/':<8}{what}" for name, what in EVIDENCE_FOLDERS.items()]
    lines += [
        "",
        "注意：",
        "  · 路径不能是绝对路径（如 C:\\台账\\…），也不能用“..”指向支部文件夹之外；",
        "  · 表中登记了但文件夹里找不到的文件，dj 记为“证明材料缺失”，该记录不算有据可查；",
        "  · dj 只检查文件是否存在，不会打开、修改或上传这些文件。",
        "  · 身份证复印件等敏感材料请妥善保管，按需存放。",
    ]
    return "\r\n".join(lines) + "\r\n"


# ---------------------------------------------------------------------------------------------------------
# The command


def plan(today: dt.date | None = None) -> dict[str, bytes]:
    """Every file of a new branch folder: relative path → content."""
    today = today or dt.date.today()
    examples = example_rows(today)
    files: dict[str, bytes] = {
        "branch.yaml": branch_yaml(today).encode("utf-8"),
        "self_assessment.yaml": self_assessment_yaml().encode("utf-8"),
    }
    for spec in specs.RECORD_TABLES:
        files[f"{spec.name}.xlsx"] = template_bytes(spec, examples.get(spec.name, {}))
    files["evidence/README.txt"] = evidence_readme().encode("utf-8-sig")
    return files


def create(folder: Path | str, today: dt.date | None = None) -> list[Path]:
    """Create a new branch folder; refuse one that exists and is not empty. Returns the files written."""
    from dangjian_cli.options import atomic_write

    folder = Path(folder)
    if folder.exists() or folder.is_symlink():
        if not folder.is_dir():
            raise UsageError(f"{folder} 已存在且不是文件夹，dj init 只能新建支部台账文件夹")
        if any(folder.iterdir()):
            raise UsageError(f"文件夹 {folder} 已存在且不是空的；为避免覆盖已有台账，dj init 只在新文件夹或空文件夹中生成模板")
    files = plan(today)  # build everything before touching the disk
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for relative, data in files.items():
        path = folder / relative
        atomic_write(path, data)
        written.append(path)
    for name in EVIDENCE_FOLDERS:
        (folder / "evidence" / name).mkdir(parents=True, exist_ok=True)
    return written
