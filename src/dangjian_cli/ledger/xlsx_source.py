"""Read the first sheet of a ledger ``.xlsx`` file — safely.

LEDGER.md: an xlsx is refused (input error naming the file) when it is not a readable zip, when a part
would inflate past 64 MiB, when a sheet declares a DTD or entities, or when a sheet's used range exceeds
100,000 rows or 200 columns — checked *before* parsing, because python-calamine aborts the whole process
(uncatchably: a Rust allocation failure) on a tiny sheet holding one cell at XFD1048576.

So :func:`read_first_sheet` works in two stages on one in-memory copy of the file (the guard's verdict
applies to exactly the bytes the parser later sees; nothing can change the file in between):

1. **guard** (pure Python, no parsing library): magic bytes (an OLE/CFB file is an encrypted xlsx or an
   old .xls), the zip's end record and central directory (≤ 10,000 parts, no duplicate names, no
   declared size over 64 MiB), then every part python-calamine will read — ``xl/workbook.xml``, its
   ``.rels``, ``xl/sharedStrings.xml``, ``xl/styles.xml`` and the first sheet, found the way calamine
   finds it — is inflated in a stream that stops at 64 MiB of *actual* output (a lying header does not
   help), checked to be UTF-8 and scanned for ``<!DOCTYPE``/``<!ENTITY``. The inflated first sheet
   (≤ 64 MiB by then) is scanned for its used range: ``<dimension ref>``, every ``<row r>``/``<c r>``
   and the implicit positions of cells without ``r`` must stay within 100,000 rows × 200 columns;
   formula cells without a cached value and error cells (``#N/A`` …) are noted on the way. A quick
   scan (a few byte searches) settles the usual sheet whose every cell says ``<c r="…"``; anything
   else is followed event by event exactly as calamine's reader would (``_SheetScanner``).

   Fast paths for the common file, each falling back to the careful code above whenever anything is
   unusual (and tested to give the same verdicts and messages): a plain zip's central directory is read
   with ``struct`` rather than ``zipfile``; an intact part declared ≤ 8 MiB is inflated in one call that
   stops one byte past its declared size, then checked whole; a plain workbook.xml/.rels gives its
   ``<sheet>``/``<Relationship>`` to one search; in the usual sheet one search finds no cell outside
   ``<c r="A1"`` … ``<c r="FZ9999"`` (so ≤ 9,999 × 182 cells). Per process, bounded memos skip repeated
   work for files written from one template: parts stored byte for byte as one that passed before
   (styles.xml, workbook.xml and its .rels) are not inflated and checked again, and a central directory
   of a known shape is read by one struct, then checked field by field against what the loop would read.
2. **read** with python-calamine (≈ 10× faster than openpyxl here; see ``docs/xlsx-reader.md``). When
   every part it reads was checked whole, calamine gets the zip with those parts stored (appended, with
   a new central directory): it reads exactly the checked bytes and need not inflate them again.
   Calamine already returns dates for every date number format, including the Chinese built-in ids
   27–36 and 50–58 and custom ``yyyy"年"m"月"d"日"`` (tests pin this), and honours ``date1904``.

Cells are handed back as calamine gives them (``""`` for an empty cell, a float for every number, a
``timedelta`` for a duration format), except error cells, which come back as their text (``"#N/A"``)
rather than silently empty. :func:`cell_value` turns one into the ledger's value: ``None`` (empty),
``str``, ``int`` (a whole number, as YAML would give it), ``float``, ``bool``,
``datetime.date``/``datetime.datetime``/``datetime.time``, a duration's number of days. The loader applies
it once per distinct value of a column (``tables.parse_sheet``), not once per cell.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Iterator, NamedTuple

from dangjian_cli.errors import InputError, InputErrors

MAX_FILE_BYTES = 256 * 1024 * 1024  # read once into memory; a ledger workbook is far smaller
MAX_PART_BYTES = 64 * 1024 * 1024  # LEDGER.md: no part may inflate past 64 MiB
MAX_PARTS = 10_000
MAX_CENTRAL_DIR_BYTES = 16 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLS = 200
# calamine builds a dense grid of rows × columns; a sparse sheet at the row and column limits (A1 and
# GR100000) would take ~1 GB and 9 s. A real ledger is far below this area.
MAX_CELLS = 2_000_000
MAX_REPORTED_CELLS = 50  # formula cells listed one by one before a summary line

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_LOCAL_HEADER = b"PK\x03\x04"
_OUT_CHUNK = 1 << 20
_IN_CHUNK = 1 << 16
_SMALL_PART_BYTES = 8 * 1024 * 1024  # inflated in one call up to this (more: streamed, as a bomb may be)


@dataclass(frozen=True)
class SheetData:
    """The first sheet: its name and every row from row 1 (the header) down.

    ``rows`` holds ``(row number, cells)``; row numbers are the spreadsheet's own (1-based), cells[0]
    is column A, each cell as calamine gives it (see :func:`cell_value`). All rows have the same length.
    Trailing fully-empty rows are dropped.
    """

    sheet: str
    rows: list[tuple[int, list]]

    @property
    def values(self) -> list[tuple[int, list]]:
        """``rows`` with every cell turned into its ledger value by :func:`cell_value`."""
        return [(number, [cell_value(cell) for cell in cells]) for number, cells in self.rows]


_EXACT_FLOAT = 2.0**53  # whole floats below this are exact ints


def cell_value(cell):
    """A cell as the ledger takes it: ``""`` → None, a whole float → int (as YAML gives it), a duration →
    its number of days; anything else (including an already converted value) as it is."""
    kind = cell.__class__
    if kind is str:
        return cell or None
    if kind is float:
        return whole if -_EXACT_FLOAT < cell < _EXACT_FLOAT and (whole := int(cell)) == cell else cell
    if kind is _dt.timedelta:
        return cell.total_seconds() / 86400
    return cell


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---------------------------------------------------------------------------------------------------------
# public entry point


def read_first_sheet(path: Path, display_name: str) -> SheetData:
    """Guard, then read the first sheet of ``path``; raise :class:`InputErrors` on any problem."""
    plan = _Guard(_read_file(path, display_name), display_name).run()
    return _read_with_calamine(plan.workbook, display_name, plan)


def guard_xlsx(data: bytes, display_name: str) -> None:
    """The pre-parse check alone: raise :class:`InputErrors` if ``data`` must not reach a parser."""
    _Guard(data, display_name).run()


def _read_file(path: Path, display_name: str) -> bytes:
    """The whole file, up to MAX_FILE_BYTES + 1 bytes (one read call for a regular file)."""
    try:
        with open(path, "rb", buffering=0) as handle:
            size = os.fstat(handle.fileno()).st_size
            chunks = [handle.read(min(size, MAX_FILE_BYTES) + 1)]
            total = len(chunks[0])
            if total != size:  # not a regular file, or it changed: read on to the end, within the limit
                while total <= MAX_FILE_BYTES and (chunk := handle.read(MAX_FILE_BYTES + 1 - total)):
                    chunks.append(chunk)
                    total += len(chunk)
    except OSError as exc:
        raise _fail(display_name, f"无法打开文件：{exc.strerror or exc}") from None
    if total > MAX_FILE_BYTES:
        raise _fail(display_name, f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MiB，不像是台账表格，拒绝读取")
    return b"".join(chunks)


# ---------------------------------------------------------------------------------------------------------
# errors


def _fail(file: str, message: str, **place) -> InputErrors:
    return InputErrors([InputError(file=file, message=message, **place)])


_NOT_XLSX = "不是有效的 .xlsx 文件"
_RESAVE = "请在 Excel/WPS 中打开后另存为 .xlsx 再试"


# ---------------------------------------------------------------------------------------------------------
# the guard


class _Plan(NamedTuple):
    """What the guard learned that the reader needs."""

    sheet: str
    error_cells: dict  # (row0, col0) -> "#N/A"
    workbook: bytes  # what calamine reads: the file, or the same zip with the checked parts stored


class _Member(NamedTuple):
    """One part as the zip's central directory describes it."""

    filename: str
    flag_bits: int
    compress_type: int
    CRC: int
    compress_size: int
    file_size: int
    header_offset: int

    @classmethod
    def of(cls, info: zipfile.ZipInfo) -> "_Member":
        return cls(info.filename, info.flag_bits, info.compress_type, info.CRC, info.compress_size,
                   info.file_size, info.header_offset)


# signature, extract version, flags, method, CRC, sizes, name/extra/comment lengths, local header offset
_CENTRAL_ENTRY = struct.Struct("<4s2xBx2H4x3L3H8xL")
# what _stored_copy writes for a checked part: a local header and a central directory entry
_LOCAL_OUT = struct.Struct("<4s5H3L2H")
_CENTRAL_OUT = struct.Struct("<4s6H3L5H2L")
_STORED_COPY_LIMIT = 16 * 1024 * 1024  # checked bytes worth keeping for calamine (above: it inflates)
_LOCAL_NAMES = struct.Struct("<HH")  # a local header's name and extra field lengths
_MAX_EXTRACT_VERSION = 63  # zipfile refuses entries that need a newer version
_new_tuple = tuple.__new__


class _Memo(dict):
    """A per-process memo of at most ``limit`` entries (the oldest go first): a worker scores thousands of
    branches, and only a handful of templates recur among them."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def keep(self, key, value) -> None:
        if len(self) >= self.limit:
            del self[next(iter(self))]
        self[key] = value


# styles.xml, workbook.xml and its .rels come out the same in every file one program writes from one
# template (Excel, WPS, `dj init`): each is inflated and checked once per process. The memo is keyed on
# the part's exact stored bytes with its name, flags, method, CRC and declared size — everything the check
# of a small intact part depends on — and keeps only what passed, so it lets through exactly the bytes
# the check would.
_RECURRING_PART_BYTES = 64 * 1024  # larger parts are not kept
_RECURRING_PARTS_KEPT = 64
# (name, flags, method, CRC, stored size, size) → (stored bytes, inflated bytes); a hit needs the same
# stored bytes at the part's place in the file
_checked_parts = _Memo(_RECURRING_PARTS_KEPT)
_first_sheets = _Memo(_RECURRING_PARTS_KEPT)  # workbook.xml → (first sheet's name, its r:id)
_sheet_targets = _Memo(_RECURRING_PARTS_KEPT)  # (workbook.xml.rels, r:id) → the relationship's Target
_sheet_keys = _Memo(_RECURRING_PARTS_KEPT)  # Target → the part names (lowercase) its sheet may be under


class _Layout(NamedTuple):
    """The shape of a plain central directory — each entry's name and field lengths — which the files one
    program writes from one template share: a struct made for it reads every entry in one call."""

    entries: struct.Struct  # per entry: _CENTRAL_ENTRY's fields, then the name (the comment skipped)
    signatures: tuple
    names: tuple  # bytes, as stored
    filenames: tuple  # str
    keys: tuple  # how run() looks the parts up ("\\" → "/", lowercase), all different
    name_lengths: tuple
    zeros: tuple  # every extra field's length
    comment_lengths: tuple
    starts: tuple  # where each entry starts, from the directory's start, then where the last one ends


_LAYOUT_FIELDS = 12  # fields per entry in _Layout.entries
_directory_layouts = _Memo(_RECURRING_PARTS_KEPT)  # (directory size, entry count) → _Layout


class _Guard:
    def __init__(self, data: bytes, display_name: str):
        self.data = data
        self.file = display_name
        self.sheet_name: str | None = None
        # every part read so far, as checked (None once one was streamed or the zip is not plain)
        self.checked: dict[str, bytes] | None = {}
        # a plain zip's central directory: where it starts, where each entry starts from there (then its end)
        self.directory_offset = 0
        self.entry_starts: tuple | list = ()
        self.part_keys: tuple | None = None  # how run() looks each part up, when a known layout gave them

    def fail(self, message: str, **place) -> InputErrors:
        if self.sheet_name is not None and "sheet" not in place:
            place["sheet"] = self.sheet_name
        return _fail(self.file, message, **place)

    # -- the whole check ------------------------------------------------------------------------------
    def run(self) -> _Plan:
        data = self.data
        if data[:8] == _OLE_MAGIC:
            raise self.fail(
                "这是加密（设置了打开密码）的 Excel 文件或旧版 .xls 文件（OLE 复合文档），dj 无法读取；"
                "请在 Excel/WPS 中取消密码并另存为 .xlsx 后再试"
            )
        if data[:2] != b"PK":
            raise self.fail(f"{_NOT_XLSX}（不是 zip 压缩包），{_RESAVE}")
        infos = self._plain_directory(*self._check_end_record())
        if infos is None:  # anything unusual: zipfile reads the directory
            self.checked = None
            try:
                infos = [_Member.of(info) for info in zipfile.ZipFile(io.BytesIO(data)).infolist()]
            except Exception:  # zipfile raises many kinds on a damaged directory
                raise self.fail(f"文件已损坏或不完整（zip 结构无法读取），{_RESAVE}") from None
        if len(infos) > MAX_PARTS:
            raise self.fail(f"压缩包内部件过多（{len(infos)} 个，上限 {MAX_PARTS}），拒绝读取")

        if self.part_keys is not None:  # a known layout: its names differ, no declared size is too large
            parts = dict(zip(self.part_keys, infos))
        else:
            parts = {}
            for info in infos:
                key = info.filename.replace("\\", "/").lower()
                if key in parts:
                    raise self.fail(f"压缩包内有重名部件「{info.filename}」，文件结构异常，拒绝读取")
                parts[key] = info
                if info.file_size > MAX_PART_BYTES:
                    raise self.fail(self._bomb_message(info.filename))

        # The parts python-calamine reads when it opens the workbook (looked up case-insensitively).
        rels_info = parts.get("xl/_rels/workbook.xml.rels")
        book_info = parts.get("xl/workbook.xml")
        if rels_info is None or book_info is None:
            raise self.fail(f"{_NOT_XLSX}（缺少 xl/workbook.xml 或其关系文件），{_RESAVE}")
        info = parts.get("xl/sharedstrings.xml")
        if info is not None:
            self._part(info, keep=False)
        info = parts.get("xl/styles.xml")
        if info is not None:
            self._part(info, keep=False, recurring=True)
        rels = self._part(rels_info, recurring=True)
        book = self._part(book_info, recurring=True)

        recurring = len(book) <= _RECURRING_PART_BYTES
        first = _first_sheets.get(book) if recurring else None
        if first is None:
            first = _first_sheet(book, self)
            if recurring:
                _first_sheets.keep(book, first)
        sheet_name, rel_id = first
        if sheet_name is None:
            raise self.fail("工作簿中没有工作表")
        self.sheet_name = sheet_name
        recurring = len(rels) <= _RECURRING_PART_BYTES
        target = _sheet_targets.get((rels, rel_id), False) if recurring else False
        if target is False:
            target = _relationship_target(rels, self, rel_id)
            if recurring:
                _sheet_targets.keep((rels, rel_id), target)
        if target is None:
            raise self.fail(f"{_NOT_XLSX}（找不到第一个工作表对应的部件），{_RESAVE}")
        keys = _sheet_keys.get(target)
        if keys is None:
            keys = tuple(dict.fromkeys(c.lower() for c in _sheet_part_candidates(target)))
            if len(target) <= 1024:
                _sheet_keys.keep(target, keys)
        candidates = [parts[key] for key in keys if key in parts]
        if not candidates:
            raise self.fail(f"{_NOT_XLSX}（缺少工作表部件 {target}），{_RESAVE}")
        error_cells: dict = {}
        seen: set[str] = set()
        for info in candidates:
            if info.filename in seen:
                continue
            seen.add(info.filename)
            xml = self._part(info)  # ≤ 64 MiB, counted while inflating
            # more cell tags than the area allows: no need to scan them (each "<c" takes two bytes)
            if len(xml) > 2 * MAX_CELLS and xml.count(b"<c") > MAX_CELLS:
                raise self.fail(f"工作表的单元格过多（超过 {MAX_CELLS // 10000} 万个），"
                                "请删除多余的行和列（可按 Ctrl+End 找到最后一个单元格）后保存再试")
            found = _quick_scan(xml, self)
            if found is None:  # something unusual: follow calamine's reader event by event
                scanner = _SheetScanner(self)
                scanner.feed(xml)
                scanner.close()
                _area_check(self, scanner.max_row, scanner.max_col)
                found = scanner.formula_cells, scanner.error_cells
            formula_cells, cells_in_error = found
            if formula_cells:
                raise self._formula_errors(formula_cells)
            error_cells.update(cells_in_error)
        return _Plan(sheet=sheet_name, error_cells=error_cells, workbook=self._stored_copy(infos) or data)

    # -- zip structure --------------------------------------------------------------------------------
    def _check_end_record(self) -> tuple[int, int, int, int]:
        """Count parts from the end record before zipfile builds one object per part.

        Returns the record's offset and its raw entry count, directory size and directory offset."""
        data = self.data
        tail_start = max(0, len(data) - (22 + 0xFFFF))
        at = data.rfind(_EOCD, tail_start)
        if at < 0 or len(data) - at < 22:
            raise self.fail(f"文件已损坏或不完整（找不到 zip 目录），{_RESAVE}")
        if data.find(_EOCD, tail_start, at) >= 0:  # records cannot overlap: another one lies before
            raise self.fail(f"文件结构异常（zip 目录结尾记录不止一个），{_RESAVE}")
        (_, _, _, _, entries, cd_size, cd_offset, _) = struct.unpack_from("<4s4H2LH", data, at)
        raw = (at, entries, cd_size, cd_offset)
        if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
            loc = at - 20
            if loc >= 0 and data[loc:loc + 4] == _ZIP64_LOCATOR:
                (eocd64_offset,) = struct.unpack_from("<Q", data, loc + 8)
                if data[eocd64_offset:eocd64_offset + 4] == _ZIP64_EOCD and eocd64_offset + 56 <= len(data):
                    entries, cd_size = struct.unpack_from("<QQ", data, eocd64_offset + 32)
        if entries > MAX_PARTS:
            raise self.fail(f"压缩包内部件过多（{entries} 个，上限 {MAX_PARTS}），拒绝读取")
        if cd_size > MAX_CENTRAL_DIR_BYTES:
            raise self.fail("压缩包目录过大，文件结构异常，拒绝读取")
        return raw

    def _plain_directory(self, end: int, entries: int, cd_size: int, cd_offset: int) -> list[_Member] | None:
        """The central directory of a plain zip, read the way zipfile reads it; None for anything else.

        Plain: the end record closes the file, the directory sits right before it (nothing prepended),
        no zip64, no extra fields, ASCII names without NUL (zipfile's cp437/UTF-8 decoding and NUL
        truncation then change nothing)."""
        data = self.data
        if (end != len(data) - 22 or entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset + cd_size != end
                or data[end - 20:end - 16] == _ZIP64_LOCATOR):
            return None
        self.directory_offset = cd_offset
        layout = _directory_layouts.get((cd_size, entries))
        if layout is not None:
            members = self._laid_out(layout)
            if members is not None:
                return members
        members = []
        names = []
        comment_lengths = []
        starts = []
        at = cd_offset
        while at < end:
            if at + 46 > end or len(members) == MAX_PARTS:  # too many: zipfile counts them for the message
                return None
            (signature, version, flags, method, crc, compressed, size, name_len, extra_len, comment_len,
             offset) = _CENTRAL_ENTRY.unpack_from(data, at)
            name = data[at + 46:at + 46 + name_len]
            entry_end = at + 46 + name_len + extra_len + comment_len
            if (signature != b"PK\x01\x02" or version > _MAX_EXTRACT_VERSION or extra_len or entry_end > end
                    or not name.isascii() or b"\x00" in name):
                return None
            # tuple.__new__: _Member(...) runs a Python-level __new__, a noticeable cost per part
            members.append(_new_tuple(_Member, (name.decode("ascii"), flags, method, crc, compressed, size, offset)))
            names.append(name)
            comment_lengths.append(comment_len)
            starts.append(at - cd_offset)
            at = entry_end
        starts.append(end - cd_offset)
        self.entry_starts = starts
        keys = tuple(info.filename.replace("\\", "/").lower() for info in members)
        if names and len(set(keys)) == len(keys):  # (a duplicate name is refused by run(), every time)
            fields = "".join(f"4s2xBx2H4x3L3H8xL{len(name)}s{comment}x" for name, comment in zip(names, comment_lengths))
            _directory_layouts.keep((cd_size, entries), _Layout(
                struct.Struct("<" + fields), (b"PK\x01\x02",) * len(names), tuple(names),
                tuple(info.filename for info in members), keys, tuple(map(len, names)), (0,) * len(names),
                tuple(comment_lengths), tuple(starts)))
        return members

    def _laid_out(self, layout: "_Layout") -> list[_Member] | None:
        """The directory's entries read in one go along ``layout``; None unless every entry then reads as
        the loop in :meth:`_plain_directory` would read it (same names, field lengths, no extra field)."""
        fields = layout.entries.unpack_from(self.data, self.directory_offset)
        if (fields[0::_LAYOUT_FIELDS] != layout.signatures or fields[11::_LAYOUT_FIELDS] != layout.names
                or fields[7::_LAYOUT_FIELDS] != layout.name_lengths or fields[8::_LAYOUT_FIELDS] != layout.zeros
                or fields[9::_LAYOUT_FIELDS] != layout.comment_lengths
                or max(fields[1::_LAYOUT_FIELDS]) > _MAX_EXTRACT_VERSION):
            return None
        sizes = fields[6::_LAYOUT_FIELDS]
        members = list(map(_new_tuple, repeat(_Member), zip(
            layout.filenames, fields[2::_LAYOUT_FIELDS], fields[3::_LAYOUT_FIELDS], fields[4::_LAYOUT_FIELDS],
            fields[5::_LAYOUT_FIELDS], sizes, fields[10::_LAYOUT_FIELDS])))
        self.entry_starts = layout.starts
        if max(sizes) <= MAX_PART_BYTES:  # else run() names the first such part, as it reads them in turn
            self.part_keys = layout.keys
        return members

    def _bomb_message(self, name: str) -> str:
        return f"压缩包内部件「{name}」解压后超过 {MAX_PART_BYTES // (1024 * 1024)} MiB，疑似压缩炸弹，拒绝读取"

    def _part(self, info: _Member, keep: bool = True, recurring: bool = False) -> bytes:
        """The part's bytes, inflated within the limits and checked for DTD markup and encoding (b"" for a
        large part streamed without ``keep``). A ``recurring`` part that passed before, stored exactly so,
        is taken from the memo."""
        span = self._small_span(info)
        whole = None
        if span is not None:
            start, end = span
            # (name, flags, method, CRC, stored size, size) → (stored bytes, inflated bytes)
            known = _checked_parts.get(info[:6]) if recurring else None
            if known is not None and self.data.startswith(known[0], start):
                whole = known[1]
            else:
                whole = self._small_intact_part(info, start, end)
                if whole is not None:
                    # _inflate's first chunk would start the same (≥ 256 bytes, or all of it): the same verdicts
                    _MarkupWatch.check_whole(self, info.filename, whole)
                    if recurring and max(info.compress_size, info.file_size) <= _RECURRING_PART_BYTES:
                        _checked_parts.keep(info[:6], (self.data[start:end], whole))
        if whole is not None:
            if self.checked is not None:
                self.checked[info.filename] = whole
            return whole
        self.checked = None
        if keep:
            return b"".join(self._inflate(info))
        for _ in self._inflate(info):
            pass
        return b""

    def _stored_copy(self, infos: list[_Member]) -> bytes | None:
        """The zip with each checked part stored (not deflated): calamine then reads exactly the bytes
        checked here, without inflating them again.

        The parts stay where they are; each checked one is appended stored, and a new central directory
        points there (and to the other parts, their entries unchanged). None (read the file itself) when
        some part was streamed or the zip is not plain, or when the checked parts are large."""
        checked, data = self.checked, self.data
        if checked is None or sum(map(len, checked.values())) > _STORED_COPY_LIMIT:
            return None
        offset = base = self.directory_offset
        whole = memoryview(data)
        pieces: list = [whole[:offset]]  # every local header and part, as they are
        directory: list = []
        starts = self.entry_starts
        for (filename, flag_bits, _, crc, _, _, _), start, end in zip(infos, starts, starts[1:]):
            body = checked.get(filename)
            if body is None:
                directory.append(whole[base + start:base + end])  # the entry as it is
                continue
            name = filename.encode("ascii")  # a plain directory's names are ASCII
            size, utf8 = len(body), flag_bits & 0x800
            pieces += (_LOCAL_OUT.pack(_LOCAL_HEADER, 20, utf8, zipfile.ZIP_STORED, 0, 0, crc, size, size, len(name), 0),
                       name, body)
            directory += (_CENTRAL_OUT.pack(b"PK\x01\x02", 20, 20, utf8, zipfile.ZIP_STORED, 0, 0, crc, size, size,
                                            len(name), 0, 0, 0, 0, 0, offset), name)
            offset += 30 + len(name) + size
        end = struct.pack("<4s4H2LH", _EOCD, 0, 0, len(infos), len(infos), sum(map(len, directory)), offset, 0)
        return b"".join(pieces + directory + [end])

    def _small_span(self, info: _Member) -> tuple[int, int] | None:
        """Where the stored bytes of a part declared ≤ 8 MiB and not encrypted lie, when its local header
        and bytes are all in the file; None sends the part to :meth:`_inflate` (streamed)."""
        data = self.data
        off = info.header_offset
        if (info.file_size > _SMALL_PART_BYTES or info.flag_bits & 0x1
                or off < 0 or not data.startswith(_LOCAL_HEADER, off) or off + 30 > len(data)):
            return None
        name_len, extra_len = _LOCAL_NAMES.unpack_from(data, off + 26)
        start = off + 30 + name_len + extra_len
        end = start + info.compress_size
        return (start, end) if end <= len(data) else None

    def _small_intact_part(self, info: _Member, start: int, end: int) -> bytes | None:
        """The part at ``data[start:end]`` (see :meth:`_small_span`), inflated in one call that stops one
        byte past the declared size, when it is intact (size, CRC) and _inflate's first chunk would hold
        its first 256 bytes (the prolog _MarkupWatch checks; only an odd deflate stream gives less from
        its first 64 KiB).

        None sends the part to :meth:`_inflate`, which streams it and names whatever is wrong."""
        data = self.data
        if info.compress_type == zipfile.ZIP_DEFLATED:
            raw = memoryview(data)[start:end]
            inflater = zlib.decompressobj(-15)
            try:
                if len(raw) > _IN_CHUNK and len(zlib.decompressobj(-15).decompress(raw[:_IN_CHUNK], 256)) < 256:
                    return None
                whole = inflater.decompress(raw, info.file_size + 1)
            except zlib.error:
                return None
            if not inflater.eof:
                return None
        elif info.compress_type == zipfile.ZIP_STORED:
            whole = data[start:end]
        else:
            return None
        if len(whole) != info.file_size or zlib.crc32(whole) != info.CRC:
            return None
        return whole

    def _inflate(self, info: _Member) -> Iterator[bytes]:
        """Yield the part's bytes, counting what really comes out, and scan them for DTD markup."""
        data = self.data
        damaged = f"文件已损坏（部件「{info.filename}」无法解压），{_RESAVE}"
        if info.flag_bits & 0x1:
            raise self.fail(f"部件「{info.filename}」被加密，dj 无法读取；{_RESAVE}")
        off = info.header_offset
        if off < 0 or data[off:off + 4] != _LOCAL_HEADER or off + 30 > len(data):
            raise self.fail(damaged)
        name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
        start = off + 30 + name_len + extra_len
        end = start + info.compress_size
        if end > len(data):
            raise self.fail(f"文件已损坏或不完整（部件「{info.filename}」被截断），{_RESAVE}")
        raw = memoryview(data)[start:end]
        dtd = _MarkupWatch(self, info.filename)
        total = 0
        crc = 0
        if info.compress_type == zipfile.ZIP_STORED:
            if len(raw) > MAX_PART_BYTES:
                raise self.fail(self._bomb_message(info.filename))
            for i in range(0, len(raw), _OUT_CHUNK):
                chunk = bytes(raw[i:i + _OUT_CHUNK])
                crc = zlib.crc32(chunk, crc)
                dtd.feed(chunk)
                yield chunk
            total = len(raw)
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            inflater = zlib.decompressobj(-15)
            try:
                for i in range(0, len(raw), _IN_CHUNK):
                    pending = raw[i:i + _IN_CHUNK]
                    while True:
                        out = inflater.decompress(pending, _OUT_CHUNK)
                        total += len(out)
                        if total > MAX_PART_BYTES:
                            raise self.fail(self._bomb_message(info.filename))
                        if out:
                            crc = zlib.crc32(out, crc)
                            dtd.feed(out)
                            yield out
                        pending = inflater.unconsumed_tail
                        if inflater.eof or (not pending and len(out) < _OUT_CHUNK):
                            break
                    if inflater.eof:
                        break
            except zlib.error:
                raise self.fail(damaged) from None
            if not inflater.eof:
                raise self.fail(damaged)
        else:
            raise self.fail(f"部件「{info.filename}」使用了不支持的压缩方式，{_RESAVE}")
        dtd.close()
        if total != info.file_size or crc != info.CRC:
            raise self.fail(damaged)

    def _formula_errors(self, cells: list[tuple[int, int]]) -> InputErrors:
        message = "公式没有计算结果，请在 Excel/WPS 中打开并保存后再试"
        errors = [
            InputError(file=self.file, message=message, sheet=self.sheet_name, row=row + 1,
                       column=column_letter(col))
            for row, col in cells[:MAX_REPORTED_CELLS]
        ]
        if len(cells) > MAX_REPORTED_CELLS:
            errors.append(InputError(
                file=self.file, sheet=self.sheet_name,
                message=f"另有 {len(cells) - MAX_REPORTED_CELLS} 个公式单元格没有计算结果，请在 Excel/WPS 中打开并保存后再试"))
        return InputErrors(errors)


class _MarkupWatch:
    """Refuse a part that is not UTF-8, or that has ``<!DOCTYPE``/``<!ENTITY`` (any case) anywhere.

    Our scanners read bytes as ASCII-compatible markup; a UTF-16 or ISO-2022 part would be tokenised
    differently by calamine's XML reader, so anything but UTF-8 (what Excel and WPS write) is refused.
    """

    _PATTERN = re.compile(rb"<!(?i:doctype|entity)")
    _ENCODING = re.compile(rb"""^<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")

    def __init__(self, guard: "_Guard", part: str):
        self.guard = guard
        self.part = part
        self.carry = b""
        self.prolog: bytes | None = b""

    def feed(self, chunk: bytes) -> None:
        if self.prolog is not None:
            self.prolog += chunk[:256]
            if len(self.prolog) >= 256:
                self.check_prolog(self.guard, self.part, self.prolog)
                self.prolog = None
        window = self.carry + chunk[:16] if self.carry else b""
        if (window and self._PATTERN.search(window)) or (b"!" in chunk and self._PATTERN.search(chunk)):
            raise self.dtd_error(self.guard, self.part)
        self.carry = chunk[-8:]

    def close(self) -> None:
        if self.prolog is not None:
            self.check_prolog(self.guard, self.part, self.prolog)
            self.prolog = None

    @classmethod
    def check_whole(cls, guard: "_Guard", part: str, data: bytes) -> None:
        """What feeding ``data`` as one chunk and closing would say, without the object."""
        if len(data) >= 256:
            cls.check_prolog(guard, part, data[:256])
        if b"!" in data and cls._PATTERN.search(data):
            raise cls.dtd_error(guard, part)
        if len(data) < 256:
            cls.check_prolog(guard, part, data)

    @staticmethod
    def dtd_error(guard: "_Guard", part: str) -> InputErrors:
        return guard.fail(f"部件「{part}」含有 DTD/实体声明（<!DOCTYPE 或 <!ENTITY），拒绝读取")

    @classmethod
    def check_prolog(cls, guard: "_Guard", part: str, head: bytes) -> None:
        if head.startswith(b'<?xml version="1.0" encoding="UTF-8"'):  # what Excel, WPS and openpyxl write
            return
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        bad = head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:8]
        m = cls._ENCODING.match(head.lstrip())
        if m is not None and m.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
            bad = True
        if bad:
            raise guard.fail(f"部件「{part}」不是 UTF-8 编码，dj 无法安全读取；{_RESAVE}")


# ---------------------------------------------------------------------------------------------------------
# XML tokenising that mirrors quick-xml (what calamine uses): '<!--…-->', '<![CDATA[…]]>', '<?…?>',
# other '<!…' (a DTD), and tags whose end is the first '>' outside quotes. The last alternative (a bare
# '<') matches only when nothing else does: an incomplete token at the end of a chunk, or garbage.

_TOKEN = re.compile(
    rb"<(?:"
    rb"(?P<comment>!--.*?-->)"
    rb"|(?P<cdata>!\[CDATA\[.*?\]\]>)"
    rb"|(?P<pi>\?.*?\?>)"
    rb"|(?P<bang>!)"
    # a whole plain cell in one token (the common case, and 5× faster than tag by tag)
    rb"|(?P<cell>c(?P<cattrs>[ \t\r\n](?:[^>\"']|\"[^\"]*\"|'[^']*')*?)?(?:/>|>(?:<v>(?P<ctext>[^<]*)</v>"
    rb"|<is><t(?:[ \t\r\n](?:[^>\"']|\"[^\"]*\"|'[^']*')*)?>[^<]*</t></is>)?</c>))"
    rb"|(?P<close>/?)(?P<qname>(?![!?])(?:[^ \t\r\n>\"']|\"[^\"]*\"|'[^']*')*)"
    rb"(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
    rb"|(?P<bad>)"
    rb")",
    re.S,
)


def _tag_parts(m: re.Match) -> tuple[bytes, bool, bool, bytes]:
    """(local name, is an end tag, is an empty element <x/>, attributes) — quick-xml's reading of a tag:
    the name runs to the first XML whitespace (space, tab, CR, LF only); the local name is what follows
    the name's first ':'; a '/' just before '>' makes an empty element."""
    qname, attrs = m.group("qname"), m.group("attrs")
    empty = False
    if attrs.endswith(b"/"):
        empty, attrs = True, attrs[:-1]
    elif not attrs and qname.endswith(b"/"):
        empty, qname = True, qname[:-1]
    colon = qname.find(b":")
    return (qname[colon + 1:] if colon >= 0 else qname), bool(m.group("close")), empty, attrs


_V_END = re.compile(rb"</(?:[^\s/>!?<:]*:)?v\s*>")
_ATTR = re.compile(rb"([^ \t\r\n=]+)[ \t\r\n]*=[ \t\r\n]*(?:\"([^\"]*)\"|'([^']*)')")
_ANY_R = re.compile(rb"(?<![\w:.-])r[ \t\r\n]*=")
_REF = re.compile(rb"([A-Za-z]*)([0-9]*)")


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {name: double or single for name, double, single in _ATTR.findall(raw)}  # one of them is b""


def _xml_tokens(data: bytes, guard: "_Guard", part: str) -> Iterator[re.Match]:
    """Tokens of a complete XML part; a broken token or a DTD is refused."""
    for m in _TOKEN.finditer(data):
        if m.group("bad") is not None or m.group("bang") is not None:
            raise guard.fail(f"{_NOT_XLSX}（部件「{part}」XML 格式错误），{_RESAVE}")
        yield m


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    if "&" not in text:
        return text

    def repl(m: re.Match) -> str:
        ent = m.group(1)
        if ent.startswith("#x") or ent.startswith("#X"):
            return chr(int(ent[2:], 16))
        if ent.startswith("#"):
            return chr(int(ent[1:]))
        return {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}.get(ent, m.group(0))

    try:
        return re.sub(r"&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]+);", repl, text)
    except (ValueError, OverflowError):
        return text


# Plain XML: past an optional XML declaration, every '<' opens a tag (no '<!', no other '<?') whose
# attribute values are double-quoted and hold no '<' or '>'. Its tokens are exactly the '<…>' spans, so
# a tag is found with one search; anything else goes through the tokenizer. Possessive: linear time.
_PLAIN_XML = re.compile(rb'[^<]*+(?:<\?xml[^<>?]*+\?>[^<]*+)?+(?:<(?![!?])[^<>"]*+(?:"[^"<>]*+"[^<>"]*+)*+>[^<]*+)*+')
_PLAIN_XML_LIMIT = 1 << 16
# a start tag named exactly so, and its attributes (then without a trailing '/'), as _tag_parts reads it
_SHEET_TAG = re.compile(rb"<sheet(?:([ \t\r\n][^>]*)|/?)>")
_RELATIONSHIP_TAG = re.compile(rb"<Relationship([ \t\r\n][^>]*)>")


def _plain(xml: bytes, prefixed_name: bytes) -> bool:
    """Plain XML (above, and no "'" at all) in which no tag can have ``prefixed_name`` (b":sheet") as its
    local name."""
    return (len(xml) <= _PLAIN_XML_LIMIT and prefixed_name not in xml and b"'" not in xml
            and _PLAIN_XML.fullmatch(xml) is not None)


def _first_sheet(book: bytes, guard: "_Guard") -> tuple[str | None, bytes | None]:
    """Name and relationship id of the first ``<sheet>`` in xl/workbook.xml (as calamine reads it)."""
    sheet_attrs = None
    if _plain(book, b":sheet"):
        m = _SHEET_TAG.search(book)
        if m is not None:
            sheet_attrs = (m.group(1) or b"").removesuffix(b"/")
    else:
        for m in _xml_tokens(book, guard, "xl/workbook.xml"):
            name, closing, _, raw = _tag_parts(m) if m.group("qname") is not None else (None, True, False, b"")
            if name == b"sheet" and not closing:
                sheet_attrs = raw
                break
    if sheet_attrs is None:
        return None, None
    attrs = _attrs(sheet_attrs)
    rel_id = attrs.get(b"r:id", attrs.get(b"relationships:id"))
    return _unescape(attrs.get(b"name", b"")), rel_id


def _relationship_target(rels: bytes, guard: "_Guard", rel_id: bytes | None) -> str | None:
    """The Target of relationship ``rel_id``, raw as calamine keeps it (a repeated Id: the last one wins)."""
    if _plain(rels, b":Relationship"):
        found = [raw.removesuffix(b"/") for raw in _RELATIONSHIP_TAG.findall(rels)
                 if rel_id is not None and rel_id in raw]  # its Id attribute holds rel_id as written
    else:
        found = []
        for m in _xml_tokens(rels, guard, "xl/_rels/workbook.xml.rels"):
            name, closing, _, raw = _tag_parts(m) if m.group("qname") is not None else (None, True, False, b"")
            if name == b"Relationship" and not closing:
                found.append(raw)
    target = None
    for raw in found:
        attrs = _attrs(raw)
        if rel_id is not None and attrs.get(b"Id") == rel_id:
            target = attrs.get(b"Target", b"").decode("utf-8", "replace")
    return target


def _sheet_part_candidates(target: str) -> list[str]:
    """The part calamine opens for a relationship target, plus other readings of it (all get scanned)."""
    if target.startswith("/xl/"):
        exact = target[1:]
    elif target.startswith("xl/"):
        exact = target
    else:
        exact = "xl/" + target
    out = [exact]
    for alt in (target.lstrip("/"), posixpath.normpath("xl/" + target) if not target.startswith("/") else None,
                _unescape(exact.encode())):
        if alt and alt not in out:
            out.append(alt)
    return out


def _parse_ref(raw: bytes) -> tuple[int, int | None] | None:
    """'C7' → (6, 2); '7' → (6, None); 0-based as calamine. None when malformed; huge values are kept."""
    m = _REF.fullmatch(raw)
    if m is None or not m.group(2):
        return None
    letters, digits = m.group(1), m.group(2)
    if len(digits) > 9:
        row = 10**9
    else:
        row = int(digits) - 1
        if row < 0:
            return None
    if not letters:
        return row, None
    if len(letters) > 4:
        return row, 10**9
    col = 0
    for ch in letters.upper():
        col = col * 26 + (ch - 64)
    return row, col - 1


# The quick scan settles the common case — every cell tag is written `<c r="…"` (r first, as Excel,
# WPS, openpyxl, xlsxwriter and POI all write it) within the limits — with a few byte searches, never
# touching cells one by one. Why that is enough: without '<!' and '<?' every '<' opens a tag; a cell
# tag is '<c' + space/tab/CR/LF/'>'/'/' (or a prefixed ':c', sent to the full scan); if each of them
# reads `<c r="<in bounds>"` then every cell calamine sees has that r (a second r would be a duplicate
# attribute, which calamine rejects). Anything else — comments, prefixes, a cell without r first, a
# reference out of bounds — goes to _SheetScanner, which follows calamine's reader event by event.

_SMALL_REF = rb"(?:(?:[A-Fa-f]?[A-Za-z]|[Gg][A-Ra-r])(?:[1-9][0-9]{0,4}|100000))"  # A1 … GR100000
_Q_ODD_CELL = re.compile(rb'<c(?:[>/\t\r\n]| (?!r="' + _SMALL_REF + rb'"))')
_Q_BAD_ROW_REF = re.compile(rb'<row r="(?![1-9][0-9]{0,4}"|100000")')
_Q_PREFIXED = re.compile(rb":(?:c|row|dimension|sheetData|f|v|is)[\s/>]")  # <x:c …>: full scan
_Q_DIMENSION = re.compile(rb'<dimension ref="([^"]*)"')
_Q_F = re.compile(rb"<f[\s/>]")
_Q_T_ERROR = re.compile(rb't="e"')
_Q_V = re.compile(rb"<v(?:\s[^>]*)?(?:/>|>(?P<text>[^<]*)</v>)")
_Q_ATTR_R = re.compile(rb'\sr="([^"]*)"')
_Q_ATTR_T = re.compile(rb'\st="([^"]*)"')
_Q_CELL_ROW = re.compile(rb'<c r="[A-Za-z]{1,3}([0-9]{1,7})"')
_Q_CELL_COLUMN = re.compile(rb'<c r="([A-Za-z]{1,3})[0-9]')
_Q_LEADING = re.compile(rb"[\xef\xbb\xbf \t\r\n]*+")
# A cell that is not `<c r="A1"` … `<c r="FZ9999"`. Without one, the used range is at most 9,999 rows
# × 182 columns, under MAX_CELLS, and the references need no closer look. (The one-letter reference is
# tried first: it is the common one, and this spelling costs the regex engine ~10% less per cell.)
_Q_UNUSUAL_CELL = re.compile(rb'<c(?:[>/\t\r\n]| (?!r="[A-Z][1-9][0-9]{0,3}+"|r="[A-F][A-Z][1-9][0-9]{0,3}+"))')
_Q_SMALL_RANGE = re.compile(rb"(?:[A-F]?[A-Z][1-9][0-9]{0,3})(?::[A-F]?[A-Z][1-9][0-9]{0,3})?")


def _area_check(guard: "_Guard", max_row: int, max_col: int) -> None:
    """Refuse a used range (0-based furthest row and column) whose dense grid would be too large."""
    rows, cols = max_row + 1, max_col + 1
    if rows * cols > MAX_CELLS:
        raise guard.fail(
            f"工作表的使用范围过大（{rows} 行 × {cols} 列，约 {rows * cols // 10000} 万个单元格，上限 {MAX_CELLS // 10000} 万）；"
            "请删除多余的行和列（可按 Ctrl+End 找到最后一个单元格）后保存再试")


def _quick_scan(xml: bytes, guard: "_Guard") -> tuple[list, dict] | None:
    """(formula cells without a cached value, error cells) — or None when the sheet needs the full scan."""
    x = xml
    declaration = x.startswith(b"<?", _Q_LEADING.match(x).end())
    if (b"!" in x and b"<!" in x) or b"'" in x or _count_pi(x, declaration) != (1 if declaration else 0):
        return None
    usual = _Q_UNUSUAL_CELL.search(x) is None
    if (not usual and _Q_ODD_CELL.search(x)) or _has_prefixed_tag(x) or _Q_BAD_ROW_REF.search(x):
        return None
    body = x.find(b"<sheetData")  # the cells; the byte shortcuts below look past it quickly
    dimensions = _dimensions(x, body)
    if dimensions is None:
        return None
    for ref in dimensions:
        if _Q_SMALL_RANGE.fullmatch(ref):
            continue  # A1 … FZ9999 on both ends: within the limits
        for part in ref.split(b":"):
            pos = _parse_ref(part.strip())
            if pos is not None:
                _range_check(guard, pos[0], pos[1] or 0, ref, dimension=True)

    if not usual:
        # every cell here is `<c r="<in bounds>"`: the furthest row and column straight from the references
        rows = _Q_CELL_ROW.findall(x)
        max_row = max(map(int, rows)) - 1 if rows else -1
        letters = set(_Q_CELL_COLUMN.findall(x))
        max_col = max((_parse_ref(c.upper() + b"1")[1] for c in letters), default=-1)
        _area_check(guard, max_row, max_col)

    formula_cells: list = []
    error_cells: dict = {}
    seen: set = set()
    found = list(_Q_F.finditer(x)) if _occurs(x, b"<f", 1, 0, body) else []
    if _occurs(x, b't="e"', 3, 0, body):
        found += _Q_T_ERROR.finditer(x)
    for m in found:
        if m.re is _Q_T_ERROR and x[m.start() - 1:m.start()] not in (b" ", b"\t", b"\r", b"\n"):
            continue
        cell = _quick_cell(x, m.start())
        if cell is None:
            if m.re is _Q_F:
                return None  # an <f> outside a cell: let the full scan decide
            continue
        pos, cell_type, has_f, text = cell
        if pos in seen:
            continue
        seen.add(pos)
        if has_f and (text is None or (not text.strip() and cell_type not in (b"str", b"inlineStr"))):
            formula_cells.append(pos)
        elif cell_type == b"e" and text:
            error_cells[pos] = _unescape(text).strip()
    formula_cells.sort()
    return formula_cells, error_cells


def _count_pi(x: bytes, declaration: bool) -> int:
    """``x.count(b"<?")``, without the pass over ``x`` when no '?' follows the XML declaration."""
    if declaration:
        start = x.find(b"<?")
        end = x.find(b"?", start + 2)  # the declaration's closing '?>'
        if end < 0 or (x[end - 1] != 0x3C and x.find(b"?", end + 1) < 0):
            return 1
    elif b"?" not in x:
        return 0
    return x.count(b"<?")


def _has_prefixed_tag(x: bytes) -> bool:
    """``_Q_PREFIXED.search(x)``, trying only the few ':' a sheet without prefixes has (xmlns:r …)."""
    at = x.find(b":")
    for _ in range(8):
        if at < 0:
            return False
        if _Q_PREFIXED.match(x, at):
            return True
        at = x.find(b":", at + 1)
    return at >= 0 and _Q_PREFIXED.search(x, at) is not None


def _occurs(x: bytes, needle: bytes, rare: int, start: int, split: int) -> bool:
    """``x.find(needle, start) >= 0``, searched as such only up to ``split``: past it, first jump (memchr)
    to the byte ``needle[rare]``, which the cells of a sheet often lack altogether ('f', 'e', 'd')."""
    if start < split and x.find(needle, start, split + len(needle) - 1) >= 0:
        return True
    start = max(start, split)
    at = x.find(needle[rare:rare + 1], start + rare)  # no occurrence can start before at - rare
    return at >= 0 and x.find(needle, at - rare) >= 0


def _dimensions(x: bytes, body: int = 0) -> list[bytes] | None:
    """Every ``<dimension ref>`` value; None when a ``<dimension`` reads otherwise (then: full scan).
    ``body``: where the cells start (only a speed hint)."""
    first = x.find(b"<dimension")
    if first < 0:
        return []
    if not _occurs(x, b"<dimension", 1, first + 1, body):  # the usual single one: no pass of the regex
        m = _Q_DIMENSION.match(x, first)
        return [m.group(1)] if m is not None else None
    found = _Q_DIMENSION.findall(x)
    return found if len(found) == x.count(b"<dimension") else None


def _quick_cell(x: bytes, at: int):
    """The cell around offset ``at``: (position, t, has <f>, <v> text or None); None if not in a cell."""
    start = x.rfind(b'<c r="', 0, at)
    tag_end = x.find(b">", start) if start >= 0 else -1
    if tag_end < 0:
        return None
    if x[tag_end - 1:tag_end] == b"/":
        inner, cell_end = b"", tag_end
    else:
        cell_end = x.find(b"</c>", tag_end)
        if cell_end < 0:
            return None
        inner = x[tag_end + 1:cell_end]
    if at > cell_end:
        return None
    tag = x[start:tag_end + 1]
    ref = _Q_ATTR_R.search(tag)
    pos = _parse_ref(ref.group(1)) if ref else None
    if pos is None or pos[1] is None:
        return None
    t = _Q_ATTR_T.search(tag)
    v = _Q_V.search(inner)
    text = (v.group("text") or b"") if v is not None else None
    return pos, (t.group(1) if t else None), _Q_F.search(inner) is not None, text


def _range_check(guard: "_Guard", row: int, col: int | None, ref: bytes | None, dimension: bool = False) -> None:
    """Refuse a position past the limits. ``col`` None: a ``<row r>``; positions are 0-based."""
    if row < MAX_ROWS and (col or 0) < MAX_COLS:
        return
    place: dict = {}
    if dimension:
        where = f"工作表的范围声明为 {(ref or b'').decode('ascii', 'replace')[:40]}"
    elif col is None:
        where = f"第 {row + 1} 行有内容或格式" if row < 10**9 else "有一行的行号超出 Excel 上限"
        if row < 10**9:
            place["row"] = row + 1
    elif row < 10**9 and col < 10**6:
        where = f"单元格 {column_letter(col)}{row + 1} 有内容或格式"
        place.update(row=row + 1, column=column_letter(col))
    else:
        where = "有单元格的位置超出 Excel 上限"
    raise guard.fail(
        f"工作表的使用范围过大（{where}），上限为 {MAX_ROWS} 行、{MAX_COLS} 列；"
        "请删除多余的行和列（可按 Ctrl+End 找到最后一个单元格）后保存再试",
        **place,
    )


class _SheetScanner:
    """Streams the first sheet's XML: used range, formulas without cached values, error cells.

    It follows the events calamine's cell reader acts on, in the same order: nothing before the first
    ``<sheetData>`` counts; inside it ``<row r>`` sets the row and ``</row>`` moves to the next one;
    ``<c r>`` sets the cell (and the column counter), a cell without ``r`` takes the current row and
    column, and its ``</c>`` moves one column right. A ``<c>``/``<row>``/``<sheetData>`` tag inside a
    cell — where calamine would swallow it, so that its idea of the position could drift from ours —
    is refused as malformed, and so is a cell child nested in itself.
    """

    _STRUCTURE = (b"c", b"row", b"sheetData")

    def __init__(self, guard: _Guard):
        self.guard = guard
        self.buf = b""
        self.state = 0  # 0 before <sheetData>, 1 inside, 2 after
        self.row = 0
        self.col = 0
        self.in_cell = False
        self.child: bytes | None = None  # the cell child (v, f, is …) we are inside of
        self.cell: tuple[int, int] = (0, 0)
        self.cell_type: bytes | None = None
        self.has_f = False
        self.has_v = False
        self.v_text: bytes | None = None
        self.formula_cells: list[tuple[int, int]] = []
        self.error_cells: dict[tuple[int, int], str] = {}
        self.max_row = self.max_col = -1  # the furthest cell seen (0-based), for tests

    # -- feeding ------------------------------------------------------------------------------------------
    def feed(self, chunk: bytes) -> None:
        if self.state == 2:
            return  # calamine stops at </sheetData>; the DTD watch still sees the rest
        self.buf = self.buf + chunk if self.buf else chunk
        self._scan(final=False)
        if len(self.buf) > 16 * 1024 * 1024:
            raise self.guard.fail(f"工作表 XML 格式错误（标记过长），{_RESAVE}")

    def close(self) -> None:
        if self.state != 2:
            self._scan(final=True)
        if self.in_cell or self.state == 1:
            raise self.guard.fail(f"工作表 XML 不完整（缺少结束标记），{_RESAVE}")

    def _scan(self, final: bool) -> None:
        buf = self.buf
        keep = len(buf)
        for m in _TOKEN.finditer(buf):
            if m.group("cell") is not None:
                self._plain_cell(m)
            elif m.group("qname") is not None:
                if not self._tag(m, buf, final):
                    keep = m.start()  # token needs bytes that have not arrived yet
                    break
                if self.state == 2:
                    break
            elif m.group("bang") is not None:
                rest = buf[m.start():m.start() + 9]
                if rest.startswith(b"<!--") or rest.startswith(b"<![CDATA["):
                    if final:
                        raise self.guard.fail(f"工作表 XML 格式错误（注释或 CDATA 未结束），{_RESAVE}")
                    keep = m.start()
                    break
                if not final and len(rest) < 9 and (b"<!--".startswith(rest) or b"<![CDATA[".startswith(rest)):
                    keep = m.start()
                    break
                raise self.guard.fail("工作表 XML 中含有 DTD/实体声明（<!DOCTYPE 或 <!ENTITY），拒绝读取")
            elif m.group("bad") is not None:
                if final:
                    raise self.guard.fail(f"工作表 XML 格式错误，{_RESAVE}")
                keep = m.start()
                break
            # comments, CDATA sections and processing instructions carry nothing calamine reads
        self.buf = buf[keep:] if self.state != 2 else b""

    # -- one tag ------------------------------------------------------------------------------------------
    def _tag(self, m: re.Match, buf: bytes, final: bool) -> bool:
        """Act on one tag; False when it must wait for more bytes."""
        name, closing, empty, attrs_raw = _tag_parts(m)  # <x/> is a start and an end (expand_empty_elements)
        if name == b"dimension" and not closing:
            self._dimension(attrs_raw)
        if self.state == 0:
            if name == b"sheetData" and not closing:
                self.state = 2 if empty else 1
            return True
        if self.in_cell:
            return self._in_cell(m, name, closing, empty, buf, final)
        if name == b"c" and not closing:
            self._start_cell(attrs_raw)
            if empty:
                self._end_cell()
        elif name == b"row":
            if not closing:
                ref = _attrs(attrs_raw).get(b"r")
                if ref is not None:
                    pos = _parse_ref(ref)
                    if pos is None:
                        raise self._bad_ref(ref)
                    self.row = pos[0]
                    self._check(self.row, None, ref)
            if closing or empty:
                self.row += 1
                self.col = 0
        elif name == b"sheetData" and closing:
            self.state = 2
        return True

    def _in_cell(self, m: re.Match, name: bytes, closing: bool, empty: bool, buf: bytes, final: bool) -> bool:
        if name in self._STRUCTURE and not (name == b"c" and closing and self.child is None):
            raise self.guard.fail(
                f"工作表 XML 结构异常（单元格 {self._cell_name()} 内出现了 <{name.decode('ascii', 'replace')}>），{_RESAVE}",
                row=self.cell[0] + 1, column=column_letter(self.cell[1]))
        if self.child is not None:
            if name == self.child:
                if not closing:
                    raise self.guard.fail(f"工作表 XML 结构异常（单元格 {self._cell_name()} 内元素嵌套），{_RESAVE}",
                                          row=self.cell[0] + 1, column=column_letter(self.cell[1]))
                self.child = None
            return True
        if name == b"c":  # </c>
            self._end_cell()
            return True
        if closing:
            return True
        if name == b"f":
            self.has_f = True
        elif name == b"v":
            self.has_v = True
            if empty:
                self.v_text = b""
            else:
                nxt = buf.find(b"<", m.end())
                end_tag = _V_END.match(buf, nxt) if nxt >= 0 else None
                if end_tag is None and not final and (nxt < 0 or len(buf) - nxt < 64):
                    return False
                self.v_text = buf[m.end():nxt] if end_tag is not None else None
        if not empty:
            self.child = name
        return True

    def _plain_cell(self, m: re.Match) -> None:
        """``<c …/>``, ``<c …><v>…</v></c>`` or ``<c …><is><t>…</t></is></c>`` in one token."""
        if self.state != 1:
            return  # before <sheetData> calamine reads no cells
        if self.in_cell:
            raise self.guard.fail(
                f"工作表 XML 结构异常（单元格 {self._cell_name()} 内出现了 <c>），{_RESAVE}",
                row=self.cell[0] + 1, column=column_letter(self.cell[1]))
        self._start_cell(m.group("cattrs") or b"")
        if m.group("ctext") is not None:
            self.has_v = True
            self.v_text = m.group("ctext")
        self._end_cell()

    def _start_cell(self, attrs_raw: bytes) -> None:
        attrs = _attrs(attrs_raw)
        ref = attrs.get(b"r")
        if ref is None and _ANY_R.search(attrs_raw):
            raise self.guard.fail(f"工作表 XML 中有无法识别的单元格属性，{_RESAVE}")
        if ref is not None:
            pos = _parse_ref(ref)
            if pos is None or pos[1] is None:
                raise self._bad_ref(ref)
            row, col = pos
            self.col = col
        else:
            row, col = self.row, self.col
        self._check(row, col, ref)
        self.in_cell = True
        self.child = None
        self.cell = (row, col)
        self.cell_type = attrs.get(b"t")
        self.has_f = self.has_v = False
        self.v_text = None

    def _end_cell(self) -> None:
        uncached = self.has_f and (
            not self.has_v
            or (self.v_text is not None and not self.v_text.strip() and self.cell_type not in (b"str", b"inlineStr"))
        )
        if uncached:
            self.formula_cells.append(self.cell)
        elif self.cell_type == b"e" and self.v_text:
            self.error_cells[self.cell] = _unescape(self.v_text).strip()
        self.in_cell = False
        self.col += 1

    def _dimension(self, attrs_raw: bytes) -> None:
        ref = _attrs(attrs_raw).get(b"ref")
        if ref is None:
            return
        for part in ref.split(b":"):
            pos = _parse_ref(part.strip())
            if pos is not None:
                self._check(pos[0], pos[1] or 0, ref, dimension=True)

    def _cell_name(self) -> str:
        return f"{column_letter(self.cell[1])}{self.cell[0] + 1}"

    def _check(self, row: int, col: int | None, ref: bytes | None, dimension: bool = False) -> None:
        _range_check(self.guard, row, col, ref, dimension)
        if col is not None and not dimension and (row > self.max_row or col > self.max_col):
            self.max_row = max(self.max_row, row)
            self.max_col = max(self.max_col, col)
            _area_check(self.guard, self.max_row, self.max_col)  # stop early: no need to scan the rest

    def _bad_ref(self, ref: bytes) -> InputErrors:
        shown = ref.decode("ascii", "replace")[:40]
        return self.guard.fail(f"工作表 XML 中的单元格引用「{shown}」格式错误，{_RESAVE}")


# ---------------------------------------------------------------------------------------------------------
# reading


def _read_with_calamine(data: bytes, display_name: str, plan: _Plan) -> SheetData:
    import python_calamine

    try:
        with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            sheet = workbook.get_sheet_by_index(0)
            name = sheet.name
            start = sheet.start
            grid = sheet.to_python(skip_empty_area=True)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine errors, and pyo3's PanicException (a BaseException)
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise _fail(display_name, f"无法读取工作表内容（{detail}），{_RESAVE}", sheet=plan.sheet) from None

    width = max(map(len, grid)) if grid else 0
    if start is None or not width:
        return SheetData(sheet=name, rows=[])
    row0, col0 = start
    if min(map(len, grid)) < width:  # pad a short row ("" reads as empty)
        grid = [raw + [""] * (width - len(raw)) for raw in grid]
    if col0:
        lead = [None] * col0
        grid = [lead + raw for raw in grid]
    # calamine's own row lists are kept: the cells are converted later, once per distinct value
    rows: list[tuple[int, list]] = [(n + 1, [None] * (col0 + width)) for n in range(row0)]
    rows += zip(range(row0 + 1, row0 + 1 + len(grid)), grid)
    for (r, c), text in plan.error_cells.items():
        if r < len(rows) and c < col0 + width and rows[r][1][c] in (None, ""):
            rows[r][1][c] = text
    while rows and all(cell is None or cell == "" for cell in rows[-1][1]):
        rows.pop()
    return SheetData(sheet=name, rows=rows)

