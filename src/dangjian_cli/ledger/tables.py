"""Record files as tables: header aliases, one row → one dict of typed values, with precise errors.

Both forms of a record file (Excel sheet, YAML list of mappings) are reduced to the same
``RawRow`` shape first, so they cannot disagree on what a value means.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from dangjian_cli.errors import ErrorCollector, InputError
from dangjian_cli.ledger import values as v
from dangjian_cli.ledger.xlsx_source import column_letter
from dangjian_cli.ledger.vocab import normalise


@dataclass(frozen=True)
class Field:
    name: str  # English key, also accepted as a header
    label: str  # the Chinese header shown in messages
    parse: Callable[[Any], Any]
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class TableSpec:
    name: str  # file stem: members, meetings …
    title: str  # 党员名册 …
    fields: tuple[Field, ...]
    header_index: dict[str, Field] = field(init=False, hash=False, compare=False)

    def __post_init__(self):
        index: dict[str, Field] = {}
        for f in self.fields:
            for spelling in (f.name, f.label, *f.aliases):
                index[normalise(spelling)] = f
        object.__setattr__(self, "header_index", index)


@dataclass
class RawRow:
    source: str  # "meetings.xlsx 第5行"
    row: int | None  # Excel row number
    line: int | None  # YAML line of the record
    values: dict[str, Any]  # field name → the value as typed
    columns: dict[str, str] = field(default_factory=dict)  # field name → Excel column (shared by a sheet's rows)
    lines: dict[str, int] = field(default_factory=dict)  # field name → YAML line

    def column(self, name: str) -> str | None:
        return self.columns.get(name)

    def line_of(self, name: str) -> int | None:
        return self.lines.get(name) or self.line


def map_headers(spec: TableSpec, headers: list[tuple[str, str]], display: str, errors: ErrorCollector,
                sheet: str | None = None, row: int | None = None, line: int | None = None) -> dict[str, str]:
    """(header text, key) pairs → {key: field name}; two headers naming one field is an error."""
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    for text, key in headers:
        if text is None:
            continue
        f = spec.header_index.get(normalise(str(text)).rstrip("*"))
        if f is None:
            continue  # unknown columns are kept and ignored
        if f.name in seen:
            errors.add(InputError(file=display, sheet=sheet, row=row, line=line, field=f.label,
                                  message=f"“{seen[f.name]}”与“{text}”指向同一字段「{f.label}」，请只保留一个"))
            continue
        seen[f.name] = str(text)
        mapping[key] = f.name
    return mapping


def rows_from_sheet(spec: TableSpec, sheet_name: str, rows: list[tuple[int, list]], display: str,
                    errors: ErrorCollector) -> list[RawRow]:
    if not rows:
        return []
    header_row, header_cells = rows[0]
    headers = [(None if v.is_empty(c) else v.text(c), str(i)) for i, c in enumerate(header_cells)]
    mapping = map_headers(spec, headers, display, errors, sheet=sheet_name, row=header_row)
    data = [(n, cells) for n, cells in rows[1:] if any(not v.is_empty(c) for c in cells)]
    if data:
        present = set(mapping.values())
        for f in spec.fields:
            if f.required and f.name not in present:
                errors.add(InputError(file=display, sheet=sheet_name, row=header_row, field=f.label,
                                      message=f"缺少必填列「{f.label}」（表头第 {header_row} 行）"))
    indexes = [(int(index_text), name) for index_text, name in mapping.items()]
    letters = {name: column_letter(index) for index, name in indexes}
    result = []
    for number, cells in data:
        width = len(cells)
        values = {name: cells[index] if index < width else None for index, name in indexes}
        result.append(RawRow(f"{display} 第{number}行", number, None, values, letters))
    return result


def rows_from_yaml(spec: TableSpec, data, display: str, errors: ErrorCollector) -> list[RawRow]:
    from dangjian_cli.ledger.yaml_source import YamlMap

    if data is None:
        return []
    if not isinstance(data, list):
        errors.add(InputError(file=display, line=getattr(data, "line", None) or 1,
                              message=f"应为{spec.title}记录的列表（每条以“- ”开头）"))
        return []
    result = []
    for item in data:
        line = getattr(item, "line", None)
        if not isinstance(item, YamlMap):
            errors.add(InputError(file=display, line=line, message="每条记录应为“字段: 值”的映射"))
            continue
        mapping = map_headers(spec, [(k, k) for k in item], display, errors, line=line)
        if all(v.is_empty(x) for x in item.values()):
            continue
        result.append(RawRow(f"{display} 第{line}行", None, line, {name: item[key] for key, name in mapping.items()},
                             lines={name: item.line_of(key) for key, name in mapping.items()}))
    return result


_SCALARS = (str, int, float, dt.date, dt.time)  # hashable cell values worth remembering


def parse_row(spec: TableSpec, raw: RawRow, display: str, errors: ErrorCollector,
              sheet: str | None = None, memo: dict | None = None) -> dict[str, Any] | None:
    """Typed values of one row, or None (after recording every problem in it).

    `memo` remembers what a (field, cell value) parsed to: a ledger repeats the same types, months,
    names and yes/no values row after row.
    """
    values: dict[str, Any] = {}
    ok = True
    for f in spec.fields:
        value = raw.values.get(f.name)
        if value is None or v.is_empty(value):
            if f.required:
                errors.add(_error(display, sheet, raw, f, f"必填字段「{f.label}」为空"))
                ok = False
            continue
        key = (f.name, type(value), value) if memo is not None and not isinstance(value, (list, dict)) else None
        found = memo.get(key) if key is not None else None
        if found is None:
            try:
                found = (True, f.parse(value))
            except v.BadValue as exc:
                found = (False, str(exc))
            if key is not None:
                memo[key] = found
        if found[0]:
            values[f.name] = found[1]
        else:
            errors.add(_error(display, sheet, raw, f, found[1]))
            ok = False
    return values if ok else None


def _error(display, sheet, raw: RawRow, f: Field, message: str) -> InputError:
    return InputError(file=display, sheet=sheet, row=raw.row, column=raw.column(f.name), line=raw.line_of(f.name),
                      field=f.label, message=message)
