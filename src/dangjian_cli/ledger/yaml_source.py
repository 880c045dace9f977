"""Safe YAML reading for ledger files.

Every scalar is kept as the text the user typed (YAML 1.1 would turn ``no`` into false, ``0123`` into
83 and ``12:30`` into 750); the field parsers decide what a value means. Anchors/aliases, duplicate
keys, several documents and oversized files are refused. The tree is built from parser events with an
explicit stack, so neither expansion nor deep nesting can blow up memory or the call stack.
"""

from __future__ import annotations

from pathlib import Path

import yaml

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
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise _fail(display, f"文件过大（{-(-size // 1024)} KB，上限 {MAX_YAML_BYTES // 1024} KB）")
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(display, f"无法读取文件：{exc.strerror or exc}") from None
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            source = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise _fail(display, "文件编码无法识别，请另存为 UTF-8 编码") from None
    try:
        return _build(yaml.parse(source, Loader=_EventLoader), display)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "格式错误"
        raise _fail(display, f"YAML 格式错误（{problem}）", line) from None
    except yaml.YAMLError as exc:
        raise _fail(display, f"YAML 格式错误（{exc}）") from None


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
