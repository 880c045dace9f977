"""Evidence paths (LEDGER.md "Evidence paths"): resolved once at load time, never opened."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from dangjian_cli.ledger.models import Evidence

_DRIVE = re.compile(r"^[A-Za-z]:")
# relative, '/'-separated, no empty/'.'/'..' step, nothing to reject: the common case, split as is
_PLAIN = re.compile(r"[^/\\\x00:~.][^/\\\x00:]*(?:/[^/\\\x00:.][^/\\\x00:]*)*")


@functools.lru_cache(maxsize=16384)  # branches cite the same relative paths: share the immutable records
def _ok(path: str) -> Evidence:
    return Evidence(path=path, status="ok")


class EvidenceResolver:
    def __init__(self, folder: Path):
        self.root = os.path.realpath(folder)
        self._cache: dict[str, Evidence] = {}
        self._tuples: dict[tuple[str, ...], tuple[Evidence, ...]] = {}  # a dues file is cited row after row
        self._dirs: dict[tuple[str, ...], str] = {}  # folder parts → real path (folders repeat a lot)
        self._listings: dict[str, dict[str, bool]] = {}

    def resolve(self, written: str) -> Evidence:
        found = self._cache.get(written)
        if found is None:
            found = self._cache[written] = self._resolve(written)
        return found

    def resolve_all(self, paths: tuple[str, ...]) -> tuple[Evidence, ...]:
        found = self._tuples.get(paths)
        if found is None:
            found = self._tuples[paths] = tuple(self.resolve(p) for p in paths)
        return found

    def _resolve(self, written: str) -> Evidence:
        path = written.strip()
        if _PLAIN.fullmatch(path):
            return self._located(path, path.split("/"))
        path = path.replace("\\", "/")
        if path.startswith("/") or path.startswith("~") or _DRIVE.match(path):
            return Evidence(path=path, status="rejected", reason="绝对路径不被接受，请写相对于支部文件夹的路径")
        if "\x00" in path:  # no file can have this name; os.path.realpath would raise ValueError
            return Evidence(path=path.replace("\x00", "\\0"), status="rejected", reason="路径含不可用的空字符")
        parts = [p for p in path.split("/") if p not in ("", ".")]
        if ".." in parts:
            return Evidence(path=path, status="rejected", reason="路径含“..”，指向支部文件夹之外")
        if not parts:
            return Evidence(path=path, status="missing", reason="路径为空")
        return self._located(path, parts)

    def _located(self, path: str, parts: list[str]) -> Evidence:
        folder = self._real_dir(tuple(parts[:-1]))
        if not self._inside(folder):
            return Evidence(path=path, status="rejected", reason="链接指向支部文件夹之外")
        is_link = self._listing(folder).get(parts[-1])
        if is_link is None:
            return Evidence(path=path, status="missing", reason="证明材料缺失")
        if is_link:
            full = os.path.realpath(os.path.join(folder, parts[-1]))
            if not self._inside(full):
                return Evidence(path=path, status="rejected", reason="链接指向支部文件夹之外")
            if not os.path.exists(full):
                return Evidence(path=path, status="missing", reason="证明材料缺失（链接失效）")
        return _ok("/".join(parts))

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
        """The real path of root/parts, from the folder listings: only a symlinked step costs a realpath."""
        if not parts:
            return self.root
        found = self._dirs.get(parts)
        if found is None:
            parent = self._real_dir(parts[:-1])
            joined = os.path.join(parent, parts[-1])
            found = os.path.realpath(joined) if self._listing(parent).get(parts[-1]) else joined
            self._dirs[parts] = found
        return found
