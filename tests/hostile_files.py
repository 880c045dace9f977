"""Hostile input files, built in code (nothing big is stored): YAML bombs and xlsx traps.

Used by test_hostile.py (each must end in exit 2 naming the file, fast and small) and test_fuzz.py.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

# ---------------------------------------------------------------------------------------------------------
# YAML


def billion_laughs(levels: int = 9, fan: int = 9) -> str:
    """The classic: 9 anchors, each a list of 9 aliases of the one before (9**9 ≈ 387 million leaves)."""
    lines = ['- &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"- &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]")
    return "\n".join(lines) + "\n"


def alias_key_bomb() -> str:
    """Anchors hidden in a key and a merge key (``<<``), the other ways YAML expands a tree."""
    return "- &k {姓名: 张三, 类别: 正式党员}\n- <<: *k\n  手机: '13800000000'\n"


def deep_nesting(depth: int = 100_000) -> str:
    return "- " + "[" * depth + "]" * depth + "\n"


def too_many_nodes(count: int = 600_000) -> str:
    """Under the 4 MB size limit but over the node limit: one flow list of short scalars."""
    return "- [" + ",".join(["1"] * count) + "]\n"


def oversized(size: int = 4 * 1024 * 1024 + 1) -> bytes:
    """A YAML file over the 4 MB limit (a comment: it would parse fine if it were read)."""
    head = b"- {\xe5\xa7\x93\xe5\x90\x8d: a, \xe7\xb1\xbb\xe5\x88\xab: \xe6\xad\xa3\xe5\xbc\x8f\xe5\x85\x9a\xe5\x91\x98}\n#"
    return head + b"x" * (size - len(head))


# ---------------------------------------------------------------------------------------------------------
# xlsx: a minimal workbook written part by part, and zips built by hand

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_PART = "xl/worksheets/sheet1.xml"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET_OPEN = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_CLOSE = "</sheetData></worksheet>"


def inline_cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def members_sheet(extra_rows: str = "", prolog: str = "") -> str:
    """A members sheet (姓名, 类别) with a few real rows, then ``extra_rows`` (XML)."""
    rows = ['<row r="1">' + inline_cell("A1", "姓名") + inline_cell("B1", "类别") + "</row>"]
    for r in range(2, 5):
        rows.append(f'<row r="{r}">' + inline_cell(f"A{r}", f"党员{r}") + inline_cell(f"B{r}", "正式党员") + "</row>")
    return XML_HEAD + prolog + SHEET_OPEN + "".join(rows) + extra_rows + SHEET_CLOSE


@dataclass
class Part:
    name: str
    raw: bytes  # raw deflate stream (or the bytes themselves when stored)
    crc: int
    size: int  # real inflated size
    declared: int | None = None  # the size the headers claim (default: the real one)
    method: int = 8


def deflated(name: str, data: bytes | str) -> Part:
    data = data.encode("utf-8") if isinstance(data, str) else data
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Part(name, c.compress(data) + c.flush(), zlib.crc32(data), len(data))


def write_zip(path: Path, parts: list[Part]) -> Path:
    """A plain (non-zip64) zip archive of ``parts``, headers written by hand so they can lie."""
    out = bytearray()
    central = bytearray()
    for part in parts:
        name = part.name.encode("utf-8")
        declared = part.size if part.declared is None else part.declared
        offset = len(out)
        out += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0x800, part.method, 0, 0x21, part.crc,
                           len(part.raw), declared, len(name), 0) + name + part.raw
        central += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0x800, part.method, 0, 0x21, part.crc,
                               len(part.raw), declared, len(name), 0, 0, 0, 0, 0, offset) + name
    out += central
    out += struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central),
                       len(out) - len(central), 0)
    path.write_bytes(bytes(out))
    return path


def workbook_parts(sheet: str | bytes) -> list[Part]:
    return [deflated("[Content_Types].xml", CONTENT_TYPES), deflated("_rels/.rels", ROOT_RELS),
            deflated("xl/workbook.xml", WORKBOOK), deflated("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            deflated(SHEET_PART, sheet)]


def raw_xlsx(path: Path, sheet: str | bytes, extra: list[Part] = ()) -> Path:
    return write_zip(path, workbook_parts(sheet) + list(extra))


GIB = 1 << 30


def bomb_part(name: str, total: int = GIB, lie: bool = True) -> Part:
    """``name`` inflating to ``total`` bytes (an XML prolog, then spaces) from about total/1000 bytes.

    The deflate stream is one 1 MiB block of spaces repeated: after a full flush a compressor starts
    afresh, so each block compresses to the same bytes and the bomb costs milliseconds to build.
    """
    chunk = 1 << 20
    head = (XML_HEAD + SHEET_OPEN).encode()
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(b" " * chunk) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush()
    count = -(-(total - len(head)) // chunk)  # at least `total` bytes in all
    raw = first + block * count + tail
    size = len(head) + count * chunk
    crc = zlib.crc32(head)
    spaces = b" " * chunk
    for _ in range(count):
        crc = zlib.crc32(spaces, crc)
    return Part(name, raw, crc, size, declared=1000 if lie else size)


def small_bomb_part(name: str, declared: int, size: int = 64 * 1024 * 1024 + 50 * 1024) -> Part:
    """``name`` inflating just past 64 MiB from under 64 KiB (deflate gives at most ~1032:1), its headers
    claiming ``declared`` bytes: a part small enough for the guard's one-call inflation must still stop
    at what its header claims, then be refused as a bomb."""
    head = (XML_HEAD + SHEET_OPEN).encode()
    data = head + b" " * (size - len(head))
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = c.compress(data) + c.flush()
    assert len(raw) <= 64 * 1024
    return Part(name, raw, zlib.crc32(data), len(data), declared=declared)


FAR_CELL_ROWS = (
    "".join(f'<row r="{r}">' + inline_cell(f"A{r}", f"党员{r}") + inline_cell(f"B{r}", "正式党员") + "</row>"
            for r in range(5, 38))
    + '<row r="1048576">' + inline_cell("XFD1048576", "x") + "</row>"
)


def far_cell_sheet() -> str:
    """A ~5 KB sheet whose one far cell (XFD1048576) makes the used range 17 billion cells."""
    return members_sheet(FAR_CELL_ROWS)


BILLION_LAUGHS_DTD = (
    '<!DOCTYPE worksheet [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def encrypted_xlsx_bytes() -> bytes:
    """What Excel writes for a password-protected workbook: an OLE compound file, not a zip."""
    sector = 512
    header = bytearray(OLE_MAGIC + bytes(sector - len(OLE_MAGIC)))
    struct.pack_into("<HH", header, 24, 0x3E, 3)  # minor/major version
    struct.pack_into("<H", header, 28, 0xFFFE)  # byte order
    struct.pack_into("<H", header, 30, 9)  # sector shift
    body = "EncryptionInfo EncryptedPackage".encode("utf-16-le")
    return bytes(header) + body + bytes(4 * sector - len(body))


# ---------------------------------------------------------------------------------------------------------
# running dj in a child process and measuring it


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float


SRC = str(Path(__file__).resolve().parents[1] / "src")

# The child reports its own peak RSS when it exits. Linux's VmHWM belongs to the memory of the program
# exec'd, whereas getrusage's ru_maxrss in a child started by fork/vfork+exec may still be the parent's.
_CHILD = """
import atexit, os, sys, runpy

def _report():
    peak = None
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) * 1024
    except OSError:
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    with open(os.environ["DJ_PEAK_FILE"], "w") as out:
        out.write(str(peak))

atexit.register(_report)
sys.argv = ["dj", *sys.argv[1:]]
runpy.run_module("dangjian_cli", run_name="__main__", alter_sys=True)
"""


def run_dj_measured(args: list, timeout: float = 60) -> Measured:
    """``dj ARGS`` in a child process: exit code, output, wall time and the child's own peak RSS."""
    with tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")])),
                   COLUMNS="140", DJ_PEAK_FILE=str(peak_file))
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _CHILD, *map(str, args)], capture_output=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=timeout)
        seconds = time.perf_counter() - started
        peak = int(peak_file.read_text()) if peak_file.exists() else -1
    return Measured(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"),
                    seconds, peak / (1024 * 1024))
