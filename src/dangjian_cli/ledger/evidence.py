"""Evidence paths (LEDGER.md "Evidence paths"): resolved once at load time, never opened."""

from __future__ import annotations

import os
import re
from pathlib import Path

from dangjian_cli.ledger.models import Evidence

_DRIVE = re.compile(r"^[A-Za-z]:")


class EvidenceResolver:
    def __init__(self, folder: Path):
        self.root = os.path.realpath(folder)
        self._cache: dict[str, Evidence] = {}

    def resolve(self, written: str) -> Evidence:
        found = self._cache.get(written)
        if found is None:
            found = self._cache[written] = self._resolve(written)
        return found

    def resolve_all(self, paths: tuple[str, ...]) -> tuple[Evidence, ...]:
        return tuple(self.resolve(p) for p in paths)

    def _resolve(self, written: str) -> Evidence:
        path = written.strip().replace("\\", "/")
        if path.startswith("/") or path.startswith("~") or _DRIVE.match(path):
            return Evidence(path=path, status="rejected", reason="绝对路径不被接受，请写相对于支部文件夹的路径")
        parts = [p for p in path.split("/") if p not in ("", ".")]
        if ".." in parts:
            return Evidence(path=path, status="rejected", reason="路径含“..”，指向支部文件夹之外")
        if not parts:
            return Evidence(path=path, status="missing", reason="路径为空")
        full = os.path.realpath(os.path.join(self.root, *parts))
        if full != self.root and not full.startswith(self.root + os.sep):
            return Evidence(path=path, status="rejected", reason="链接指向支部文件夹之外")
        if not os.path.exists(full):
            return Evidence(path=path, status="missing", reason="证明材料缺失")
        return Evidence(path="/".join(parts), status="ok")
