"""Cell/scalar parsers: each turns what a user typed (Excel cell or YAML text) into a typed value.

A parser raises ``BadValue`` with a Chinese explanation; the loader adds file, row and field.
Empty input is "not given" (None) and is never handed to a parser.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from dangjian_cli.ledger.vocab import YES_NO_TABLE, normalise
from dangjian_cli.periods import Month


class BadValue(ValueError):
    pass


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    if isinstance(value, (dict, list, tuple)):  # YAML `姓名: [a, b]` or `{a: 1}`: not what the user meant
        raise BadValue("应填写一项文字，而不是列表或“键: 值”映射")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def identifier_text(value) -> str:
    """身份证号/phone: a number cell longer than 15 digits has already lost its last digits in Excel."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if abs(value) >= 1e15:
            raise BadValue("该号码被 Excel 存成了数字，末几位已丢失；请把此列设为“文本”格式后重新录入")
    return text(value)


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
]
_DATE_HINT = "可写作 2024-03-15、2024/3/15、2024.3.15、2024年3月15日，或使用 Excel 日期格式的单元格"

# Dates far outside any ledger's life (0001-01-01, 9999-12-31) are typos; past 9996 the calendar
# arithmetic of terms and periods would overflow, so such years are refused here with the value.
MIN_YEAR, MAX_YEAR = 1900, 2999


def _check_year(year_number: int, raw) -> None:
    if not MIN_YEAR <= year_number <= MAX_YEAR:
        raise BadValue(f"“{text(raw)}”的年份超出范围（应在 {MIN_YEAR}–{MAX_YEAR} 年之间）")


def date(value) -> dt.date:
    if isinstance(value, (dt.datetime, dt.date)):
        _check_year(value.year, value)
        return value.date() if isinstance(value, dt.datetime) else value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise BadValue(f"“{text(value)}”是数字而不是日期（可能是笔误）；{_DATE_HINT}")
    raw = str(value).strip()
    candidate = normalise(raw)
    # "2024-03-15 00:00:00" as exported by some tools
    candidate = re.sub(r"(t|\s)?00:00(:00)?$", "", candidate)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(candidate)
        if m:
            _check_year(int(m.group(1)), raw)
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise BadValue(f"“{raw}”不是存在的日期") from None
    raise BadValue(f"无法识别的日期“{raw}”；{_DATE_HINT}")


_MONTH_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
]
_MONTH_HINT = "可写作 2024-03、2024年3月，或使用 Excel 日期格式的单元格"


def month(value) -> Month:
    if isinstance(value, (dt.date, dt.datetime)):
        _check_year(value.year, value)
        return Month(value.year, value.month)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise BadValue(f"“{text(value)}”是数字而不是月份；{_MONTH_HINT}")
    raw = str(value).strip()
    candidate = normalise(raw)
    for pattern in _MONTH_PATTERNS:
        m = pattern.match(candidate)
        if m:
            number = int(m.group(2))
            _check_year(int(m.group(1)), raw)
            if 1 <= number <= 12:
                return Month(int(m.group(1)), number)
            raise BadValue(f"“{raw}”中的月份不存在")
    try:
        return Month.of(date(raw))
    except BadValue:
        raise BadValue(f"无法识别的月份“{raw}”；{_MONTH_HINT}") from None


_RANGE_SPLIT = re.compile(r"\s*(?:~|～|至|到|—|－－)\s*")


def month_range(value) -> tuple[Month, Month]:
    """One month, or a prepaid range 2024-01~2024-06 / 2024-01至2024-06."""
    if isinstance(value, str):
        parts = _RANGE_SPLIT.split(value.strip())
        if len(parts) == 2:
            first, last = month(parts[0]), month(parts[1])
            if last < first:
                raise BadValue(f"月份区间“{value.strip()}”的结束月早于开始月")
            return first, last
        if len(parts) > 2:
            raise BadValue(f"无法识别的月份区间“{value.strip()}”；可写作 2024-01~2024-06 或 2024-01至2024-06")
    single = month(value)
    return single, single


def yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    found = YES_NO_TABLE.get(normalise(text(value)))
    if found is None:
        raise BadValue(f"“{text(value)}”不是是/否值；可填：是/否、有/无、y/n、yes/no、true/false、✓/✗、√/×、1/0")
    return found


MAX_NUMBER_DIGITS = 12  # amounts, hours, days, scores, head counts: under a trillion


def number(value) -> Decimal:
    if isinstance(value, bool):
        raise BadValue(f"“{text(value)}”不是数字")
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    raw = normalise(str(value)).rstrip("元人天小时学时")
    try:
        result = Decimal(raw)
    except InvalidOperation:
        raise BadValue(f"“{str(value).strip()}”不是数字") from None
    if not result.is_finite():
        raise BadValue(f"“{str(value).strip()}”不是数字")
    if result and result.adjusted() > MAX_NUMBER_DIGITS - 1:
        # 1e999999999 is a valid Decimal, but int() of it (or rounding it) would take minutes or fail
        raise BadValue(f"“{text(value)}”数值过大")
    return result


def whole_number(value) -> int:
    result = number(value)
    if result != result.to_integral_value() or result < 0:
        raise BadValue(f"“{text(value)}”应为非负整数")
    return int(result)


def term_years(value) -> int:
    """A committee's term in years (3 or 5 in practice); a huge one would overflow the term's end date."""
    result = whole_number(value)
    if not 1 <= result <= 100:
        raise BadValue(f"“{text(value)}”不是有效的任期年限（应为 1–100 的整数，通常为 3 或 5）")
    return result


def year(value) -> int:
    if isinstance(value, (dt.date, dt.datetime)):
        _check_year(value.year, value)
        return value.year
    raw = normalise(text(value)).rstrip("年度").rstrip("年")
    if re.fullmatch(r"\d{4}", raw):
        _check_year(int(raw), value)
        return int(raw)
    raise BadValue(f"“{text(value)}”不是年份；可写作 2024 或 2024年")


def choice(table: dict[str, str], what: str):
    """An enumerated field: the value must be one of the canonical values or their aliases."""
    accepted = "、".join(dict.fromkeys(table.values()))

    def parse(value) -> str:
        found = table.get(normalise(text(value)))
        if found is None:
            raise BadValue(f"未知的{what}“{text(value)}”；可填：{accepted}")
        return found

    parse.vocabulary = table  # normalised spelling → canonical value (templates build dropdowns from it)
    parse.multiple = False
    return parse


def choices(table: dict[str, str], what: str, separators: str):
    """Several enumerated values in one cell (a meeting that served several purposes)."""
    single = choice(table, what)
    splitter = re.compile("[" + re.escape(separators) + r"\n]")

    def parse(value) -> tuple[str, ...]:
        parts = [p for p in splitter.split(text(value)) if p.strip()]
        if not parts:
            raise BadValue(f"{what}为空")
        return tuple(dict.fromkeys(single(p) for p in parts))

    parse.vocabulary = table
    parse.multiple = True
    return parse


_PATH_SPLIT = re.compile(r"[;；、\n]")


def path_list(value) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        items = [text(v) for v in value if not is_empty(v)]
    else:
        items = _PATH_SPLIT.split(text(value))
    return tuple(p.strip() for p in items if p and p.strip())


_NAME_SPLIT = re.compile(r"[;；、,，\n]")


def name_list(value) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        items = [text(v) for v in value if not is_empty(v)]
    else:
        items = _NAME_SPLIT.split(text(value))
    return tuple(p.strip() for p in items if p and p.strip())
