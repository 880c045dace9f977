"""Safe YAML reading for ledger files.

Every scalar is kept as the text the user typed (YAML 1.1 would turn ``no`` into false, ``0123`` into
83 and ``12:30`` into 750); the field parsers decide what a value means. Anchors/aliases, duplicate
keys, several documents and oversized files are refused. The tree is built from parser events with an
explicit stack, so neither expansion nor deep nesting can blow up memory or the call stack. Files of the
common, plain shape are read line by line without libyaml (``_read_common``), into the same tree; anything
else goes to the parser.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from dangjian_cli.memo import remember
from dangjian_cli.errors import InputError, InputErrors

MAX_YAML_BYTES = 4 * 1024 * 1024
MAX_YAML_NODES = 500_000
MAX_YAML_DEPTH = 64

try:  # libyaml's C parser when present: same events, several times faster
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _EventLoader

_NULLS = {"~", "null", "Null", "NULL", ""}


class YamlMap(dict):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list):
    line: int = 0


def _fail(display: str, message: str, line: int | None = None) -> InputErrors:
    return InputErrors([InputError(file=display, message=message, line=line)])


def read_yaml(path: Path, display: str):
    """Read one YAML document into YamlMap / YamlList / str / None."""
    try:
        raw = _read_bytes(path, display)
    except OSError as exc:
        raise _fail(display, f"无法读取文件：{exc.strerror or exc}") from None
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            source = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise _fail(display, "文件编码无法识别，请另存为 UTF-8 编码") from None
    common = _read_common(source)
    if common is not None:
        return common
    try:
        return _build(yaml.parse(source, Loader=_EventLoader), display)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "格式错误"
        if "nesting depth" in problem:  # PyYAML ≥ 6.0.4 has a depth limit of its own: the same refusal as ours
            raise _fail(display, "YAML 嵌套层数过深，已拒绝读取", line) from None
        raise _fail(display, f"YAML 格式错误（{problem}）", line) from None
    except yaml.YAMLError as exc:
        raise _fail(display, f"YAML 格式错误（{exc}）") from None


def _read_bytes(path: Path, display: str) -> bytes:
    """The file's bytes, refused above MAX_YAML_BYTES; through one descriptor (half the system calls of a
    stat and a pathlib read, which a worker makes for two files a branch)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        descriptor = None
    if descriptor is None:  # the stat-then-read order settles which complaint comes first
        _check_size(path.stat().st_size, display)
        return path.read_bytes()
    try:
        size = os.fstat(descriptor).st_size
        _check_size(size, display)
        chunks = [os.read(descriptor, size + 1)]
        while chunks[-1]:  # on to the end, as a read of the whole file does
            chunks.append(os.read(descriptor, 65536))
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _check_size(size: int, display: str) -> None:
    if size > MAX_YAML_BYTES:
        raise _fail(display, f"文件过大（{-(-size // 1024)} KB，上限 {MAX_YAML_BYTES // 1024} KB）")


def _build(events, display: str):
    stack: list = []  # open containers, innermost last
    pending_key: list = []  # per open mapping: None, or ("key", name) awaiting its value
    root = None
    documents = 0
    nodes = 0
    for event in events:
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _fail(display, "不支持 YAML 锚点/别名（& 与 *），请直接写出内容", line)
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _fail(display, "文件只能包含一个 YAML 文档（发现多余的 ---）", line)
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            if isinstance(stack.pop(), YamlMap):
                pending_key.pop()
            continue
        if not isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            continue
        nodes += 1
        if nodes > MAX_YAML_NODES:
            raise _fail(display, "YAML 内容过多，已拒绝读取")
        if isinstance(event, yaml.ScalarEvent):
            is_plain_null = not event.style and event.value in _NULLS
            value = None if is_plain_null and event.implicit[0] else event.value
        else:
            if len(stack) >= MAX_YAML_DEPTH:
                raise _fail(display, "YAML 嵌套层数过深，已拒绝读取", line)
            value = YamlMap() if isinstance(event, yaml.MappingStartEvent) else YamlList()
            value.line = line or 0
        if stack:
            _attach(stack[-1], pending_key, value, line, display)
        else:
            root = value
        if isinstance(value, (YamlMap, YamlList)):
            stack.append(value)
            if isinstance(value, YamlMap):
                value.key_lines = {}
                pending_key.append(None)
    return root


def _attach(parent, pending_key: list, value, line, display: str) -> None:
    if isinstance(parent, YamlList):
        parent.append(value)
        return
    key = pending_key[-1]
    if key is None:
        if isinstance(value, (YamlMap, YamlList)):
            raise _fail(display, "映射的键必须是文字", line)
        name = "" if value is None else value.strip()
        if name in parent.key_lines:
            raise _fail(display, f"键“{name}”重复出现（第 {parent.key_lines[name]} 行已有）", line)
        parent.key_lines[name] = line
        pending_key[-1] = ("key", name)
        return
    parent[key[1]] = value
    pending_key[-1] = None


# ---------------------------------------------------------------------------------------------------------
# The common case without libyaml. Ledger YAML as people and `dj init` write it is block mappings and
# sequences of one-line scalars; building the parser's events costs more than the rest of loading such a
# file. _read_common reads exactly that subset, line by line, into the tree _build would make, and returns
# None for anything else — flow or block scalars, tags, anchors, escapes, a scalar going on to a second
# line, tabs or unusual characters, document markers, duplicate keys, an indentation it does not expect —
# so that such files, and every message about them, still come from the event-based reader. It accepts
# only text that YAML reads one way, so what it accepts the careful reader reads the same (same values,
# same lines) and finds nothing to refuse: no anchor, one document, depth and size far below the limits.

# Characters libyaml reads as themselves: printable, not a line break (NEL, LS, PS), not a BOM, no tab.
_CHARS = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
_UNUSUAL_CHAR = re.compile(f"[^{_CHARS}\n]")
# One line: an optional `- `, an optional key and ':', an optional one-line value, an optional comment.
# A plain scalar may not start with an indicator, a space or '.' (a '...' marker); inside one, '#',
# brackets, ': ' and a final ':' are left to the careful reader. A key is plain without ':' or '#', or
# quoted; a quoted scalar has no escape and ends on its line.
_PLAIN_FIRST = "[^\\s\\-?:,\\[\\]{}#&*!|>'\"%@`.]"
_LINE = re.compile(
    "(?:(-) +)?"  # 1: a sequence item
    "(?:(" + _PLAIN_FIRST + "[^:#\\[\\]{}]{0,200}?|'[^']{0,200}'|\"[^\"\\\\]{0,200}\") *:(?= |$) *)?"  # 2: key
    "(?:(" + _PLAIN_FIRST + "(?:[^ #:\\[\\]{}]|:(?=[^ ])| +(?=[^ #]))*)"  # 3: plain value
    "|'([^']*)'|\"([^\"\\\\]*)\"|(\\[\\]|\\{\\}))?"  # 4, 5: quoted value; 6: `[]` or `{}` (an empty list as written)
    "(?: +#.*| *)"
)
_NO_VALUE = object()  # `key:` with nothing after it on the line: a nested block follows, or null
_KEY, _ITEM, _ITEM_MAP = 0, 1, 2  # a line's kind: key: value; - scalar; - key: value (its key comes next)
_MAX_COMMON_LINES = 100_000  # with ≤ 3 nodes a line, far below MAX_YAML_NODES
_MAX_COMMON_DEPTH = 32


class _EmptyFlow:
    """`[]` or `{}` on a line: a new empty YamlList or YamlMap of that line each time the line is read."""

    def __init__(self, kind: type):
        self.kind = kind

    def make(self, line: int):
        made = self.kind()
        made.line = line
        if isinstance(made, YamlMap):
            made.key_lines = {}
        return made


_EMPTY_LIST, _EMPTY_MAP = _EmptyFlow(YamlList), _EmptyFlow(YamlMap)

# A line's text → its tokens: lines repeat within a file and from branch to branch (keys, roles, comments),
# and a line's tokens depend on nothing else. Bounded, and long lines are not kept.
_LINE_TOKENS: dict[str, tuple] = {}
_LINE_TOKENS_LIMIT = 20_000
_REMEMBERED_LINE = 200


class _Unusual(Exception):
    """The text is outside the subset _read_common reads: leave it to the event-based reader."""


def _read_common(source: str):
    """The tree of a common-case YAML text (see above), or None: read it with the event-based reader."""
    if "\r" in source:  # Windows line ends, one line break each as for libyaml; a lone CR is unusual
        if source.count("\r") != source.count("\r\n"):
            return None
        source = source.replace("\r\n", "\n")
    if _UNUSUAL_CHAR.search(source):
        return None
    lines = source.split("\n")
    if len(lines) > _MAX_COMMON_LINES:
        return None
    try:
        tokens = _tokens(lines)
        if not tokens or tokens[0][1] != 0:
            return None
        root, end = _node(tokens, 0, 1)
    except _Unusual:
        return None
    return root if end == len(tokens) else None


def _tokens(lines: list[str]) -> list[tuple]:
    """(line, column, kind, key, value) of each line that is not blank or a comment."""
    tokens = []
    known = _LINE_TOKENS
    for number, text in enumerate(lines, 1):
        made = known.get(text)
        if made is None:
            made = _line_tokens(text)
            if len(text) <= _REMEMBERED_LINE:
                remember(known, text, made, _LINE_TOKENS_LIMIT)
        for column, kind, key, value in made:
            if value.__class__ is _EmptyFlow:
                value = value.make(number)
            tokens.append((number, column, kind, key, value))
    return tokens


def _line_tokens(text: str) -> tuple:
    """The tokens of one line, without its number: none for a blank line or a comment, one, or two for
    `- key: value` (the item, then its mapping's first key)."""
    content = text.lstrip(" ")
    if not content or content[0] == "#":
        return ()
    found = _LINE.fullmatch(content)
    if found is None:
        raise _Unusual
    dash, key, plain, single, double, empty = found.groups()
    column = len(text) - len(content)
    if plain is not None:
        value = None if plain in _NULLS else plain
    elif single is not None or double is not None:
        value = single if single is not None else double
    elif empty is not None:
        value = _EMPTY_LIST if empty == "[]" else _EMPTY_MAP
    elif key is not None:
        value = _NO_VALUE
    else:
        raise _Unusual  # a bare `-` (its value on the next lines, or null), or a scalar alone on a line
    if key is None:
        if not dash:
            raise _Unusual
        return ((column, _ITEM, None, value),)
    if key[0] in "'\"":
        key = key[1:-1].strip()
    else:
        key = "" if key in _NULLS else key.strip()
    if dash:
        return (column, _ITEM_MAP, None, None), (column + found.start(2), _KEY, key, value)
    return ((column, _KEY, key, value),)


def _node(tokens: list[tuple], at: int, depth: int):
    if tokens[at][2] == _KEY:
        return _mapping(tokens, at, tokens[at][1], depth)
    return _sequence(tokens, at, tokens[at][1], depth)


def _mapping(tokens: list[tuple], at: int, column: int, depth: int):
    if depth > _MAX_COMMON_DEPTH:
        raise _Unusual
    mapping = YamlMap()
    mapping.line = tokens[at][0]
    mapping.key_lines = key_lines = {}
    count = len(tokens)
    while at < count:
        line, token_column, kind, key, value = tokens[at]
        if token_column != column or kind != _KEY:
            break
        if key in key_lines:
            raise _Unusual  # the careful reader reports both lines
        key_lines[key] = line
        at += 1
        deeper = at < count and tokens[at][1] > column
        if value is _NO_VALUE:
            if deeper:
                value, at = _node(tokens, at, depth + 1)
            elif at < count and tokens[at][1] == column and tokens[at][2] != _KEY:
                value, at = _sequence(tokens, at, column, depth + 1)  # `key:` then `- item` at the key's column
            else:
                value = None
        elif deeper:
            raise _Unusual  # a scalar going on to the next line, or a YAML error
        mapping[key] = value
    return mapping, at


def _sequence(tokens: list[tuple], at: int, column: int, depth: int):
    if depth > _MAX_COMMON_DEPTH:
        raise _Unusual
    sequence = YamlList()
    sequence.line = tokens[at][0]
    count = len(tokens)
    while at < count:
        line, token_column, kind, _, value = tokens[at]
        if token_column != column or kind == _KEY:
            break
        if kind == _ITEM_MAP:
            value, at = _mapping(tokens, at + 1, tokens[at + 1][1], depth + 1)
        else:
            at += 1
            if at < count and tokens[at][1] > column:
                raise _Unusual
        sequence.append(value)
    return sequence, at
