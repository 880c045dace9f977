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
        self._dirs: dict[tuple[str, ...], str] = {}  # folder parts → real path (folders repeat a lot)
        self._listings: dict[str, dict[str, bool]] = {}

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
            return Evidence.model_construct(path=path, status="rejected", reason="绝对路径不被接受，请写相对于支部文件夹的路径")
        if "\x00" in path:  # no file can have this name; os.path.realpath would raise ValueError
            return Evidence.model_construct(path=path.replace("\x00", "\\0"), status="rejected", reason="路径含不可用的空字符")
        parts = [p for p in path.split("/") if p not in ("", ".")]
        if ".." in parts:
            return Evidence.model_construct(path=path, status="rejected", reason="路径含“..”，指向支部文件夹之外")
        if not parts:
            return Evidence.model_construct(path=path, status="missing", reason="路径为空")
        folder = self._real_dir(tuple(parts[:-1]))
        if not self._inside(folder):
            return Evidence.model_construct(path=path, status="rejected", reason="链接指向支部文件夹之外")
        is_link = self._listing(folder).get(parts[-1])
        if is_link is None:
            return Evidence.model_construct(path=path, status="missing", reason="证明材料缺失")
        if is_link:
            full = os.path.realpath(os.path.join(folder, parts[-1]))
            if not self._inside(full):
                return Evidence.model_construct(path=path, status="rejected", reason="链接指向支部文件夹之外")
            if not os.path.exists(full):
                return Evidence.model_construct(path=path, status="missing", reason="证明材料缺失（链接失效）")
        return Evidence.model_construct(path="/".join(parts), status="ok")

    def _listing(self, folder: str) -> dict[str, bool]:
        """Names in a real folder → whether each is a symlink: one scandir per folder, not one lstat per file."""
        found = self._listings.get(folder)
        if found is None:
            try:
                with os.scandir(folder) as entries:
                    found = {entry.name: entry.is_symlink() for entry in entries}
            except (OSError, ValueError):
                found = {}
            self._listings[folder] = found
        return found

    def _inside(self, real: str) -> bool:
        return real == self.root or real.startswith(self.root + os.sep)

    def _real_dir(self, parts: tuple[str, ...]) -> str:
        found = self._dirs.get(parts)
        if found is None:
            found = self._dirs[parts] = os.path.realpath(os.path.join(self.root, *parts))
        return found
