"""Shared test helpers: build branch folders in code (YAML form) under tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

DEFAULT_BRANCH = {
    "name": "测试律师事务所党支部",
    "type": "党支部",
    "established": "2018-05-01",
    "term": {"start": "2024-01-01", "years": 3},
    "committee": [{"name": "张书记", "role": "书记", "approved": "2024-01-10", "approval": "evidence/批复.pdf"}],
    "party_workers": ["李干事"],
}
DEFAULT_MEMBERS = [
    {"姓名": "张书记", "类别": "正式党员"},
    {"姓名": "李干事", "类别": "正式党员"},
    {"姓名": "王律师", "类别": "正式党员"},
]


def write_branch(folder: Path, branch: dict | None = None, files: list[str] | None = None, **records) -> Path:
    """Write a YAML ledger: branch.yaml, one NAME.yaml per record list, and empty evidence files."""
    folder.mkdir(parents=True, exist_ok=True)
    data = dict(DEFAULT_BRANCH)
    data.update(branch or {})
    (folder / "branch.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    records.setdefault("members", DEFAULT_MEMBERS)
    for name, rows in records.items():
        if rows is None:
            continue
        text = yaml.safe_dump(rows, allow_unicode=True, sort_keys=False)
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    for relative in ["evidence/批复.pdf", *(files or [])]:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    return folder


@pytest.fixture
def branch_dir(tmp_path):
    def make(**kwargs) -> Path:
        return write_branch(tmp_path / "branch", **kwargs)

    return make
