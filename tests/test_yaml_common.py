"""The line-by-line reader for common ledger YAML (yaml_source._read_common) must build exactly the tree
the careful event-based reader builds — values, types and line numbers — or step aside (None)."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian_cli.errors import InputErrors
from dangjian_cli.ledger import yaml_source as ys
from dangjian_cli.synth import generate

ROOT = Path(__file__).resolve().parent.parent


def careful(text: str):
    try:
        return "tree", shape(ys._build(yaml.parse(text, Loader=ys._EventLoader), "x.yaml"))
    except (InputErrors, yaml.YAMLError) as exc:
        return "refused", type(exc).__name__


def shape(node):
    if isinstance(node, ys.YamlMap):
        return "map", node.line, dict(node.key_lines), [(key, shape(value)) for key, value in node.items()]
    if isinstance(node, ys.YamlList):
        return "list", node.line, [shape(value) for value in node]
    return type(node).__name__, node


def agrees(text: str) -> bool:
    fast = ys._read_common(text)
    return fast is None or careful(text) == ("tree", shape(fast))


def test_every_yaml_file_of_the_examples_and_a_generated_tree(tmp_path):
    generate(tmp_path, 4, seed=5, fmt="yaml", years=(2024, 2025))
    files = sorted(ROOT.joinpath("examples").rglob("*.yaml")) + sorted(tmp_path.rglob("*.yaml"))
    taken = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert agrees(text), path
        taken += ys._read_common(text) is not None
    assert taken >= len(files) * 3 // 4  # the fast reader really is the common path


SCALARS = st.sampled_from([
    "a", "名称", "党支部", "2024-03-20", "12:30", "a:b", "a: b", "'q'", "'q' #c", "'it''s'", '"d"', '"d\\n"', "~", "null",
    "''", "yes", "no", "-1", "- x", "[]", "{}", "[a, b]", "{a: 1}", "&x y", "*y", "!!str x", "|", ">", "x #c", "x#c",
    "a b", " a", "a ", "\u3000x", "\xa0x", "a\tb", "evidence/自评/指标4.pdf", "“三个表率”", "#", "4", "'4'", "0769-25379401",
    "...", "---", "? x", ":x", "C#", "a - b", "'a: b'", "%x", "@x", "`x", ".5", "=", "<<",
])
KEYS = st.sampled_from(["名称", "name", "类型", "日期", "a", "b", "- a", "'k'", "k k", "? k", "[k]", "名称 ", "党小组"])
LINES = st.tuples(st.integers(0, 6), st.sampled_from(["key", "item", "item-key", "bare", "comment", "blank"]), KEYS, SCALARS,
                  st.booleans())


def render(line) -> str:
    indent, kind, key, value, empty = line
    value = "" if empty else " " + value
    body = {"key": f"{key}:{value}", "item": f"-{value}", "item-key": f"- {key}:{value}", "bare": value.strip(),
            "comment": "# 注释", "blank": ""}[kind]
    return " " * indent + body


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.lists(LINES, min_size=1, max_size=12), st.sampled_from(["\n", "\r\n"]))
def test_generated_texts(lines, newline):
    assert agrees(newline.join(render(line) for line in lines) + newline)


PLAIN_KEYS = st.lists(st.sampled_from(["名称", "name", "类型", "日期", "主题", "应到", "纪要", "党小组", "a", "b"]), min_size=1,
                      max_size=5, unique=True)


@st.composite
def record_lists(draw):
    """A ledger-shaped text: a list of records, or a mapping holding lists, with any scalar as a value."""
    lines = []
    if draw(st.booleans()):
        for _ in range(draw(st.integers(1, 4))):
            for i, key in enumerate(draw(PLAIN_KEYS)):
                lead = "- " if i == 0 else "  "
                value = draw(st.one_of(SCALARS, st.just("")))
                lines.append(f"{lead}{key}:{' ' + value if value else ''}")
    else:
        for key in draw(PLAIN_KEYS):
            if draw(st.booleans()):
                lines.append(f"{key}: {draw(SCALARS)}")
            else:
                lines.append(f"{key}:")
                for _ in range(draw(st.integers(0, 3))):
                    lines.append(f"{'  ' * draw(st.integers(0, 1))}- {draw(SCALARS)}")
        if draw(st.booleans()):
            lines.insert(draw(st.integers(0, len(lines))), "# 注释")
    return "\n".join(lines) + "\n"


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(record_lists())
def test_generated_ledger_shaped_texts(text):
    assert agrees(text)
