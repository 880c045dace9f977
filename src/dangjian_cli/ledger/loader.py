"""Load a branch folder into a ``Ledger``: find the files, read each form, type every row.

Every problem found is collected; a folder with any error raises ``InputErrors`` listing them all.
Nothing is ever written into the folder.
"""

from __future__ import annotations

import os
from itertools import repeat
from pathlib import Path
from typing import Callable

from dangjian_cli.memo import remember
from dangjian_cli.errors import ErrorCollector, InputError, InputErrors
from dangjian_cli.ledger import models as m
from dangjian_cli.ledger import specs
from dangjian_cli.ledger.evidence import EvidenceResolver
from dangjian_cli.ledger.tables import (RawRow, TableSpec, TypedRows, map_headers, no_rows, parse_row, parse_sheet,
                                        rows_from_dicts, rows_from_yaml)
from dangjian_cli.ledger.vocab import normalise

YAML_SUFFIXES = (".yaml", ".yml")


def record_files(folder: Path) -> set[str]:
    """Names of the files directly in ``folder`` (one listing instead of a stat per candidate name)."""
    return _scan(folder)[0]


def _scan(folder: Path) -> tuple[set[str], dict[str, bool]]:
    """record_files, and each name in the folder → whether it is a symlink (the listing EvidenceResolver
    starts from): one scandir for both."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return set(), {}
    try:
        files = {entry.name for entry in entries if entry.is_file()}
    except OSError:
        files = set()
    try:
        links = {entry.name: entry.is_symlink() for entry in entries}
    except OSError:
        links = {}
    return files, links


def find_record_file(folder: Path, stem: str, errors: ErrorCollector, excel: bool = True,
                     files: set[str] | None = None) -> Path | None:
    """The one file holding `stem`'s records; two forms of it at once are ambiguous."""
    if files is None:
        files = record_files(folder)
    names = [f"{stem}{suffix}" for suffix in (*YAML_SUFFIXES, *((".xlsx",) if excel else ()))]
    found = [folder / name for name in names if name in files]
    if not found:  # Members.XLSX, as Windows lets people write it, is still the members file
        wanted = {name.casefold() for name in names}
        found = sorted(folder / name for name in files if name.casefold() in wanted)
    if len(found) > 1:
        names = "、".join(p.name for p in found)
        errors.add(InputError(file=found[0].name, message=f"同一份台账有多个文件（{names}），无法确定以哪个为准，请只保留一个"))
        return None
    return found[0] if found else None


def read_table(folder: Path, spec: TableSpec, errors: ErrorCollector, required: bool = False,
               files: set[str] | None = None) -> TypedRows:
    """Typed rows of one record file (none when the optional file is absent)."""
    before = len(errors.errors)
    path = find_record_file(folder, spec.name, errors, files=files)
    if path is None:
        if required and len(errors.errors) == before:
            errors.add(InputError(file=f"{spec.name}.xlsx",
                                  message=f"缺少必需的{spec.title}（{spec.name}.xlsx 或 {spec.name}.yaml）"))
        return no_rows()
    display = path.name
    try:
        if path.suffix == ".xlsx":
            from dangjian_cli.ledger.xlsx_source import read_first_sheet

            data = read_first_sheet(path, display)
            return parse_sheet(spec, data.sheet, data.rows, display, errors)
        from dangjian_cli.ledger.yaml_source import read_yaml

        raw_rows = rows_from_yaml(spec, read_yaml(path, display), display, errors)
    except InputErrors as exc:
        for error in exc.errors:
            errors.add(error)
        return no_rows()
    kept, values = [], []
    for raw in raw_rows:
        typed = parse_row(spec, raw, display, errors)
        if typed is not None:
            kept.append(raw)
            values.append(typed)
    return rows_from_dicts(None, kept, values, [f.name for f in spec.fields])


def load(folder: Path | str) -> m.Ledger:
    folder = Path(folder)
    errors = ErrorCollector()
    if not folder.is_dir():
        raise InputErrors([InputError(file=str(folder), message="不是一个文件夹（应为支部台账文件夹）")])
    files, names = _scan(folder)
    resolver = EvidenceResolver(folder, names)
    evidence = resolver.resolve_all

    branch = _load_branch(folder, errors, evidence, files)
    groups = set(branch.groups) if branch else set()

    def check_groups(rows: TypedRows) -> None:
        column = rows.column("group")
        if not groups or groups.issuperset(set(column) - _NO_GROUP):
            return
        for i, group in enumerate(column):
            if group and group not in groups:
                raw = rows.raw_at(i)
                errors.add(InputError(file=raw.source.split(" ")[0], sheet=rows.sheet, row=raw.row,
                                      column=raw.column("group"), line=raw.line_of("group"), field="党小组",
                                      message=f"党小组“{group}”不在 branch.yaml 的党小组列表中（{'、'.join(branch.groups)}）"))

    def files_of(rows: TypedRows, name: str) -> list[tuple[m.Evidence, ...]]:
        return resolver.resolve_each(rows.column(name))

    def table(spec: TableSpec, required: bool = False) -> TypedRows:
        return read_table(folder, spec, errors, required=required, files=files)

    rows = table(specs.MEMBERS, required=True)
    check_groups(rows)
    members = _records(m.Member, rows)
    rows = table(specs.MEETINGS)
    check_groups(rows)
    meetings = _records(m.Meeting, rows, types=rows.column("type"), minutes=files_of(rows, "minutes"))
    rows = table(specs.TRAININGS)
    trainings = _records(m.Training, rows, evidence=files_of(rows, "evidence"))
    rows = table(specs.DUES)
    months = rows.column("month")
    dues = _records(m.DuesPayment, rows, first=[first for first, _ in months], last=[last for _, last in months],
                    evidence=files_of(rows, "evidence"))
    rows = table(specs.DOCUMENTS)
    documents = _records(m.Document, rows, files=files_of(rows, "file"))
    rows = table(specs.FACILITIES)
    facilities = _records(m.Facility, rows, evidence=files_of(rows, "evidence"))
    rows = table(specs.HONORS)
    honors = _records(m.Honor, rows, evidence=files_of(rows, "evidence"))
    self_assessment = _load_self_assessment(folder, errors, evidence, files)
    waivers = read_waivers(folder, errors, files=files)

    errors.raise_if_any()
    assert branch is not None
    return m.Ledger(
        path=str(folder), branch=branch, members=members, meetings=meetings, trainings=trainings, dues=dues,
        documents=documents, facilities=facilities, honors=honors, self_assessment=self_assessment,
        waivers=tuple(waivers),
    )


_new_record = tuple.__new__  # a record from its field values in order, without a call per field


def _records(model: type, rows: TypedRows, **given: list) -> tuple:
    """Records of one kind, a column at a time: a field takes the column given for it, else the rows' column
    of the same name; an empty cell takes the record's default."""
    if not len(rows):
        return ()
    defaults = model._field_defaults
    columns = []
    for name in model._fields:
        if name == "source":
            values = rows.sources
        elif name in given:
            values = given[name]
        else:
            values = rows.column(name)
            default = defaults.get(name)
            if default is not None:
                values = [default if value is None else value for value in values]
        columns.append(values)
    return tuple(map(_new_record, repeat(model), zip(*columns)))


def read_waivers(folder: Path, errors: ErrorCollector, path: Path | None = None,
                 files: set[str] | None = None) -> list[m.Waiver]:
    """waivers.yaml in the branch folder, or a file given with --waivers."""
    from dangjian_cli.ledger.yaml_source import read_yaml

    if path is None:
        path = find_record_file(folder, "waivers", errors, excel=False, files=files)
        if path is None:
            return []
    try:
        raw_rows = rows_from_yaml(specs.WAIVERS, read_yaml(path, path.name), path.name, errors)
    except InputErrors as exc:
        for error in exc.errors:
            errors.add(error)
        return []
    waivers = []
    for raw in raw_rows:
        values = parse_row(specs.WAIVERS, raw, path.name, errors)
        if values is not None:
            waivers.append(m.Waiver(source=raw.source, **values))
    return waivers


def load_waivers(path: Path) -> list[m.Waiver]:
    errors = ErrorCollector()
    if not path.is_file():
        raise InputErrors([InputError(file=str(path), message="找不到豁免文件")])
    waivers = read_waivers(path.parent, errors, path)
    errors.raise_if_any()
    return waivers


def _yaml_mapping(path: Path, errors: ErrorCollector):
    from dangjian_cli.ledger.yaml_source import YamlMap, read_yaml

    try:
        data = read_yaml(path, path.name)
    except InputErrors as exc:
        for error in exc.errors:
            errors.add(error)
        return None
    if data is None:
        return YamlMap()
    if not isinstance(data, YamlMap):
        errors.add(InputError(file=path.name, line=getattr(data, "line", None) or 1, message="内容应为“键: 值”的映射"))
        return None
    return data


_NO_GROUP = {None, ""}

# (spec, keys as written) → key → field name: a YAML file repeats its keys entry after entry, and the same
# keys appear in branch after branch. Only mappings that drew no complaint are kept (bounded).
_HEADERS: dict[tuple, dict[str, str]] = {}
_HEADERS_LIMIT = 2_000


def _mapping_row(spec: TableSpec, data, display: str, errors: ErrorCollector, source_line=None) -> RawRow:
    keys = (spec.name, *data)
    mapping = _HEADERS.get(keys)
    if mapping is None:
        before = len(errors.errors)
        mapping = map_headers(spec, [(k, k) for k in data], display, errors, line=data.line)
        if len(errors.errors) == before and len(keys) <= 50:
            remember(_HEADERS, keys, mapping, _HEADERS_LIMIT)
    return RawRow(f"{display} 第{source_line or data.line}行", None, data.line,
                  {name: data[key] for key, name in mapping.items()},
                  lines={name: data.line_of(key) for key, name in mapping.items()})


def _sub(data, names: tuple[str, ...]):
    """The value of a nested key given under any of its spellings."""
    wanted = {normalise(n) for n in names}
    for key, value in data.items():
        if normalise(key) in wanted:
            return key, value
    return None, None


def _load_branch(folder: Path, errors: ErrorCollector, evidence: Callable, files: set[str]) -> m.Branch | None:
    from dangjian_cli.ledger.yaml_source import YamlList, YamlMap

    before = len(errors.errors)
    path = find_record_file(folder, "branch", errors, excel=False, files=files)
    if path is None:
        if len(errors.errors) == before:
            errors.add(InputError(file="branch.yaml", message="缺少必需的党组织基本信息文件 branch.yaml"))
        return None
    display = path.name
    data = _yaml_mapping(path, errors)
    if data is None:
        return None
    values = parse_row(specs.BRANCH, _mapping_row(specs.BRANCH, data, display, errors), display, errors)

    term_start, term_years = None, 3
    key, term = _sub(data, ("term", "任期"))
    if isinstance(term, YamlMap):
        term_values = parse_row(specs.TERM, _mapping_row(specs.TERM, term, display, errors), display, errors) or {}
        term_start, term_years = term_values.get("start"), term_values.get("years", 3)
    elif term is not None:
        errors.add(InputError(file=display, line=data.line_of(key), field="任期",
                              message="任期应写成 start（开始日期）与 years（年限）两项"))

    committee = []
    key, people = _sub(data, ("committee", "班子", "班子成员"))
    if isinstance(people, YamlList):
        for person in people:
            if not isinstance(person, YamlMap):
                errors.add(InputError(file=display, line=people.line, field="班子",
                                      message="每位班子成员应写成 name、role 等键值"))
                continue
            raw = _mapping_row(specs.COMMITTEE, person, display, errors)
            row = parse_row(specs.COMMITTEE, raw, display, errors)
            if row is not None:
                committee.append(m.CommitteeMember(
                    name=row["name"], role=row["role"], approved=row.get("approved"),
                    approval=evidence(row.get("approval", ())), source=f"{display} 班子成员 {row['name']}"))
    elif people is not None:
        errors.add(InputError(file=display, line=data.line_of(key), field="班子", message="班子应为成员列表"))

    if values is None:
        return None
    return m.Branch(
        name=values["name"], type=values["type"], parent=values.get("parent"), unit=values.get("unit"),
        unit_type=values.get("unit_type"), town=values.get("town"), established=values.get("established"),
        term_start=term_start, term_years=term_years, committee=tuple(committee), groups=values.get("groups") or (),
        instructor=values.get("instructor"), party_workers=values.get("party_workers") or (), phone=values.get("phone"),
    )


def _load_self_assessment(folder: Path, errors: ErrorCollector, evidence: Callable,
                          files: set[str]) -> dict[str, m.SelfAssessment]:
    from dangjian_cli.ledger.yaml_source import YamlMap

    path = find_record_file(folder, "self_assessment", errors, excel=False, files=files)
    if path is None:
        return {}
    data = _yaml_mapping(path, errors)
    if data is None:
        return {}
    display = path.name
    result = {}
    for indicator, entry in data.items():
        ident = indicator.strip()
        if not isinstance(entry, YamlMap):
            errors.add(InputError(file=display, line=data.line_of(indicator), field=ident,
                                  message="每项自评应写成 score、evidence、note 三个键"))
            continue
        values = parse_row(specs.SELF_ASSESSMENT, _mapping_row(specs.SELF_ASSESSMENT, entry, display, errors),
                           display, errors)
        if values is not None:
            result[ident] = m.SelfAssessment(
                indicator=ident, score=values["score"], evidence=evidence(values.get("evidence") or ()),
                note=values.get("note"), source=f"{display} 指标 {ident}")
    return result

