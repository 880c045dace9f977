"""Record files as tables: header aliases, one row → one dict of typed values, with precise errors.

Both forms of a record file (Excel sheet, YAML list of mappings) are reduced to the same
``RawRow`` shape first, so they cannot disagree on what a value means.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable

from dangjian_cli.errors import ErrorCollector, InputError
from dangjian_cli.ledger import values as v
from dangjian_cli.ledger.xlsx_source import cell_value, column_letter
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


@dataclass(slots=True)
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


@dataclass(slots=True)
class TypedRows:
    """A record file's rows that parsed, typed, column by column: what the loader makes records of.

    A branch's sheets hold hundreds of rows (a year of 党费 is one row per member and month); keeping
    them as columns lets the loader build its records without a dict per row."""

    sheet: str | None  # the Excel sheet's name (messages cite it), None for YAML
    sources: list[str]  # "dues.xlsx 第5行", one per row
    columns: dict[str, list]  # field name → the value in each row (None: empty cell); known columns only
    raw_at: Callable[[int], RawRow]  # the RawRow of row i, for a message about it

    def __len__(self) -> int:
        return len(self.sources)

    def column(self, name: str) -> list:
        """The values of one field, None in every row when the file has no such column."""
        found = self.columns.get(name)
        return found if found is not None else [None] * len(self.sources)

    def rows(self) -> list[tuple[RawRow, dict[str, Any]]]:
        """Row by row: (RawRow, {field: value}) — for tests and for anything that wants rows."""
        names = list(self.columns)
        return [(self.raw_at(i), dict(zip(names, values)))
                for i, values in enumerate(zip(*self.columns.values()) if names else [()] * len(self))]


def no_rows(sheet: str | None = None) -> TypedRows:
    return TypedRows(sheet, [], {}, lambda i: None)


def rows_from_dicts(sheet: str | None, raws: list[RawRow], values: list[dict[str, Any]],
                    names: list[str]) -> TypedRows:
    """TypedRows of rows parsed one at a time (YAML): ``values[i]`` belongs to ``raws[i]``."""
    return TypedRows(sheet, [raw.source for raw in raws], {name: [v.get(name) for v in values] for name in names},
                     raws.__getitem__)


def parse_sheet(spec: TableSpec, sheet_name: str, rows: list[tuple[int, list]], display: str,
                errors: ErrorCollector) -> TypedRows:
    """Typed values of every data row of a sheet (rows with a problem are reported and left out);
    an empty cell of a known column is None. Cells may be as calamine gives them: each distinct value is
    turned into its ledger value (:func:`~dangjian_cli.ledger.xlsx_source.cell_value`) before parsing.

    Same values and messages as :func:`parse_row` row by row, but parsed a column at a time: a column
    repeats a handful of distinct values (types, months, names, the same file), so each distinct value
    is parsed once and the cells are mapped in bulk.
    """
    if not rows:
        return no_rows(sheet_name)
    header_row, header_cells = rows[0]
    headers = [(None if v.is_empty(c) else v.text(c), str(i)) for i, c in enumerate(map(cell_value, header_cells))]
    mapping = map_headers(spec, headers, display, errors, sheet=sheet_name, row=header_row)
    # the first cell settles most rows; _blank looks at the rest
    data = [(n, cells) for n, cells in rows[1:]
            if ((first := cells[0] if cells else None) is not None and (first.__class__ is not str or first.strip()))
            or not _blank(cells)]
    if not data:
        return no_rows(sheet_name)
    index_of = {name: int(index_text) for index_text, name in mapping.items()}
    for f in spec.fields:
        if f.required and f.name not in index_of:
            errors.add(InputError(file=display, sheet=sheet_name, row=header_row, field=f.label,
                                  message=f"缺少必填列「{f.label}」（表头第 {header_row} 行）"))
    letters = {name: column_letter(index) for name, index in index_of.items()}

    body = [cells for _, cells in data]
    width = len(body[0])
    # the xlsx reader pads every row to one width, so the columns come out of one transpose
    matrix = list(zip(*body)) if len(set(map(len, body))) == 1 else None
    columns: dict[str, list] = {}
    parsed_columns: list[tuple[Field, dict, Any]] = []
    failing: set[int] = set()  # positions in `data` of rows with a problem
    for f in spec.fields:
        index = index_of.get(f.name)
        if index is None:
            if f.required:
                failing.update(range(len(data)))
            continue
        if matrix is not None:
            cells = matrix[index] if index < width else (None,) * len(body)
        else:
            cells = [row[index] if index < len(row) else None for row in body]
        parsed, keyed, problem = _parse_column(f, cells)
        if problem:
            failing.update(i for i, cell in enumerate(cells) if _is_problem(parsed[_cell_key(cell)], f.required))
        columns[f.name] = [parsed[_cell_key(cell)] for cell in cells] if keyed else list(map(parsed.__getitem__, cells))
        parsed_columns.append((f, parsed, cells))

    numbers = [number for number, _ in data]
    if failing:
        for position in sorted(failing):
            number = numbers[position]
            raw = RawRow(f"{display} 第{number}行", number, None, _NO_CELLS, letters)
            found = {f.name: parsed[_cell_key(cells[position])] for f, parsed, cells in parsed_columns}
            _report_row(spec, raw, found, display, errors, sheet_name)
        kept = [i for i in range(len(data)) if i not in failing]
        numbers = [numbers[i] for i in kept]
        columns = {name: [values[i] for i in kept] for name, values in columns.items()}

    def raw_at(i: int) -> RawRow:
        return RawRow(f"{display} 第{numbers[i]}行", numbers[i], None, _NO_CELLS, letters)

    return TypedRows(sheet_name, [f"{display} 第{number}行" for number in numbers], columns, raw_at)


_NO_CELLS = MappingProxyType({})  # a sheet row's values are parsed a column at a time, not kept per row


def _blank(cells: list) -> bool:
    first = cells[0] if cells else None
    if first is not None and (first.__class__ is not str or first.strip()):
        return False  # the common case, settled by the first cell
    return not any(c is not None and (c.__class__ is not str or c.strip()) for c in cells)


class _Bad(str):
    """A cell value's parse error message (a marker type, so it never equals a parsed value)."""



def _cell_key(cell):
    # True == 1 as a dict key: a boolean cell gets its own key so that it is parsed as a boolean
    return ("bool", cell) if cell.__class__ is bool else cell


# Parsers are pure, and branches repeat the same months, types, answers and file names: a worker scoring
# a thousand branches parses each of them once. Bounded, so memory stays flat however many it scores.
_KNOWN: dict = {}  # parser → {text, or (type, value): parsed value or _Bad}
_KNOWN_LIMIT = 20_000


def _parse_column(f: Field, cells) -> tuple[dict, bool, bool]:
    """Distinct cell key → parsed value, None (empty) or _Bad(message); whether keys need _cell_key; whether
    any cell is a problem (a bad value, or an empty cell in a required column)."""
    distinct = set(cells)
    # a set keeps one of True and 1: look for booleans among the cells whenever 0 or 1 is there
    keyed = (1 in distinct or 0 in distinct) and any(cell.__class__ is bool for cell in cells)
    if keyed:
        distinct = {_cell_key(cell) for cell in cells}
    known = _known(f.parse)
    parsed: dict = {}
    problem = False
    for key in distinct:
        raw = key[1] if keyed and key.__class__ is tuple else key
        # the memo lookup of _parse_value, inlined: a branch has hundreds of distinct cells, nearly all
        # known text, which needs no conversion (blank text is never remembered, so it falls through)
        value = known.get(raw) if raw.__class__ is str else None
        if value is None:
            cell = cell_value(raw)
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                parsed[key] = None  # parsers never return None: it can only mean an empty cell
                problem = problem or f.required
                continue
            value = _parse_value(f, cell)
        parsed[key] = value
        problem = problem or value.__class__ is _Bad
    return parsed, keyed, problem


def _known(parse: Callable) -> dict:
    known = _KNOWN.get(parse)
    if known is None or len(known) > _KNOWN_LIMIT:
        known = _KNOWN[parse] = {}
    return known


def _parse_value(f: Field, cell):
    """The parsed value of one non-empty cell, or _Bad(message); remembered in _KNOWN."""
    if isinstance(cell, (list, dict)):  # a YAML list or mapping: not hashable, parsed each time
        known, memo = None, None
    else:
        known = _known(f.parse)
        memo = cell if cell.__class__ is str else (cell.__class__, cell)  # 1, 1.0 and True stay apart
        value = known.get(memo)
        if value is not None:
            return value
    try:
        value = f.parse(cell)
    except v.BadValue as exc:
        value = _Bad(str(exc))
    if known is not None:
        known[memo] = value
    return value


def _is_problem(parsed, required: bool) -> bool:
    return parsed.__class__ is _Bad or (required and parsed is None)


def _report_row(spec: TableSpec, raw: RawRow, typed: dict, display: str, errors: ErrorCollector,
                sheet: str) -> None:
    """Every problem of one row, in field order (as parse_row reports them)."""
    for f in spec.fields:
        value = typed.get(f.name)
        if value is None:
            if f.required:
                errors.add(_error(display, sheet, raw, f, f"必填字段「{f.label}」为空"))
        elif value.__class__ is _Bad:
            errors.add(_error(display, sheet, raw, f, str(value)))


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
              sheet: str | None = None) -> dict[str, Any] | None:
    """Typed values of one row, or None (after recording every problem in it)."""
    values: dict[str, Any] = {}
    ok = True
    for f in spec.fields:
        value = raw.values.get(f.name)
        if value is None or v.is_empty(value):
            if f.required:
                errors.add(_error(display, sheet, raw, f, f"必填字段「{f.label}」为空"))
                ok = False
            continue
        found = _parse_value(f, value)
        if found.__class__ is _Bad:
            errors.add(_error(display, sheet, raw, f, str(found)))
            ok = False
        else:
            values[f.name] = found
    return values if ok else None


def _error(display, sheet, raw: RawRow, f: Field, message: str) -> InputError:
    return InputError(file=display, sheet=sheet, row=raw.row, column=raw.column(f.name), line=raw.line_of(f.name),
                      field=f.label, message=message)
