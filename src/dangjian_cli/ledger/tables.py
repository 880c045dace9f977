"""Record files as tables: header aliases, one row → one dict of typed values, with precise errors.

Both forms of a record file (Excel sheet, YAML list of mappings) are reduced to the same
``RawRow`` shape first, so they cannot disagree on what a value means.
"""

from __future__ import annotations

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
class RawCell:
    value: Any
    column: str | None = None  # Excel column letter
    line: int | None = None  # YAML line


@dataclass
class RawRow:
    source: str  # "meetings.xlsx 第5行"
    row: int | None  # Excel row number
    line: int | None  # YAML line
    cells: dict[str, RawCell]  # field name → cell


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
    columns = [(int(index_text), name, column_letter(int(index_text))) for index_text, name in mapping.items()]
    result = []
    for number, cells in data:
        width = len(cells)
        raw = {name: RawCell(value=cells[index] if index < width else None, column=letter)
               for index, name, letter in columns}
        result.append(RawRow(source=f"{display} 第{number}行", row=number, line=None, cells=raw))
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
        cells = {name: RawCell(value=item[key], line=item.line_of(key)) for key, name in mapping.items()}
        if all(v.is_empty(x) for x in item.values()):
            continue
        result.append(RawRow(source=f"{display} 第{line}行", row=None, line=line, cells=cells))
    return result


def parse_row(spec: TableSpec, raw: RawRow, display: str, errors: ErrorCollector,
              sheet: str | None = None) -> dict[str, Any] | None:
    """Typed values of one row, or None (after recording every problem in it)."""
    values: dict[str, Any] = {}
    ok = True
    for f in spec.fields:
        cell = raw.cells.get(f.name)
        if cell is None or v.is_empty(cell.value):
            if f.required:
                errors.add(_error(display, sheet, raw, cell, f, f"必填字段「{f.label}」为空"))
                ok = False
            continue
        try:
            values[f.name] = f.parse(cell.value)
        except v.BadValue as exc:
            errors.add(_error(display, sheet, raw, cell, f, str(exc)))
            ok = False
    return values if ok else None


def _error(display, sheet, raw: RawRow, cell: RawCell | None, f: Field, message: str) -> InputError:
    return InputError(file=display, sheet=sheet, row=raw.row, column=cell.column if cell else None,
                      line=(cell.line if cell and cell.line else raw.line), field=f.label, message=message)
