"""Evidence paths (LEDGER.md "Evidence paths"): resolved once at load time, never opened."""

from __future__ import annotations

import os
import re
from pathlib import Path

from dangjian_cli.memo import remember
from dangjian_cli.ledger.models import Evidence

_DRIVE = re.compile(r"^[A-Za-z]:")
# relative, '/'-separated, no empty/'.'/'..' step, nothing to reject: the common case, split as is
_PLAIN = re.compile(r"[^/\\\x00:~.][^/\\\x00:]*(?:/[^/\\\x00:.][^/\\\x00:]*)*")

_OUTSIDE = "链接指向支部文件夹之外"
_MISSING = "证明材料缺失"

# What a written path asks for, before the disk is looked at: a verdict that needs no disk (rejected,
# empty), or (folder steps, file name, the path as shown, its Evidence when the file is there).
# Pure in the text, and branches cite the same relative paths, so a worker scoring thousands of branches
# works each spelling out once; bounded so that memory stays flat.
_Plan = tuple[tuple[str, ...], str, str, Evidence]
_PLANS: dict[str, Evidence | _Plan] = {}
_PLANS_LIMIT = 10_000
_PLANNED_LENGTH = 300  # longer texts (hostile or pasted by mistake) are worked out each time, not kept


def _plan(written: str) -> Evidence | _Plan:
    path = written.strip()
    if _PLAIN.fullmatch(path):
        parts = path.split("/")
    else:
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
    return tuple(parts[:-1]), parts[-1], path, Evidence(path="/".join(parts), status="ok")


class EvidenceResolver:
    def __init__(self, folder: Path, names: dict[str, bool] | None = None):
        """``names``: the folder's own listing (name → whether it is a symlink), when the caller has it."""
        self.folder = os.fspath(folder)
        self._root: str | None = None  # the folder's real path: only a symlink needs it
        self._cache: dict[str, Evidence] = {}
        self._tuples: dict[tuple[str, ...], tuple[Evidence, ...]] = {}  # a dues file is cited row after row
        # folder steps → (path, its listing), or None when a link leads it out of the branch folder
        self._folders: dict[tuple[str, ...], tuple[str, dict[str, bool]] | None] = {}
        self._dirs: dict[tuple[str, ...], tuple[str, bool]] = {}  # folder steps → _real_dir (steps repeat a lot)
        self._listings: dict[str, dict[str, bool]] = {} if names is None else {self.folder: names}

    @property
    def root(self) -> str:
        if self._root is None:
            self._root = os.path.realpath(self.folder)
        return self._root

    def resolve(self, written: str) -> Evidence:
        found = self._cache.get(written)
        if found is None:
            found = self._cache[written] = self._resolve(written)
        return found

    def resolve_all(self, paths: tuple[str, ...]) -> tuple[Evidence, ...]:
        found = self._tuples.get(paths)
        if found is None:
            known = self._cache
            resolved = []
            for written in paths:
                evidence = known.get(written)
                if evidence is None:
                    evidence = known[written] = self._resolve(written)
                resolved.append(evidence)
            found = self._tuples[paths] = tuple(resolved)
        return found

    def resolve_each(self, column: list) -> list[tuple[Evidence, ...]]:
        """``resolve_all`` of each row's paths, () for a row citing none: a column at a time."""
        known = self._tuples.get
        resolve_all = self.resolve_all
        return [(known(paths) or resolve_all(paths)) if paths else () for paths in column]

    def _resolve(self, written: str) -> Evidence:
        plan = _PLANS.get(written)
        if plan is None:
            plan = _plan(written)
            if len(written) <= _PLANNED_LENGTH:
                remember(_PLANS, written, plan, _PLANS_LIMIT)
        if plan.__class__ is Evidence:
            return plan
        steps, name, path, ok = plan
        folder = self._folders.get(steps, False)
        if folder is False:
            folder = self._folder(steps)
        if folder is None:
            return Evidence(path=path, status="rejected", reason=_OUTSIDE)
        real, listing = folder
        is_link = listing.get(name)
        if is_link is None:
            return Evidence(path=path, status="missing", reason=_MISSING)
        if is_link:
            full = os.path.realpath(os.path.join(real, name))
            if not self._inside(full):
                return Evidence(path=path, status="rejected", reason=_OUTSIDE)
            if not os.path.exists(full):
                return Evidence(path=path, status="missing", reason="证明材料缺失（链接失效）")
        return ok

    def _folder(self, steps: tuple[str, ...]) -> tuple[str, dict[str, bool]] | None:
        """Where root/steps is and what it holds; None when a link leads it out of the branch folder."""
        path, linked = self._real_dir(steps)
        # a path reached through no symlink is the folder joined with plain names: inside by construction
        found = (path, self._listing(path)) if not linked or self._inside(path) else None
        self._folders[steps] = found
        return found

    def _real_dir(self, steps: tuple[str, ...]) -> tuple[str, bool]:
        """The path of root/steps, and whether a symlinked step led there (then it is a real path). From the
        folder listings: only a symlinked step costs a realpath."""
        if not steps:
            return self.folder, False
        found = self._dirs.get(steps)
        if found is None:
            parent, linked = self._real_dir(steps[:-1])
            joined = os.path.join(parent, steps[-1])
            found = (os.path.realpath(joined), True) if self._listing(parent).get(steps[-1]) else (joined, linked)
            self._dirs[steps] = found
        return found

    def _listing(self, folder: str) -> dict[str, bool]:
        """Names in a folder → whether each is a symlink: one scandir per folder, not one lstat per file."""
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
        root = self.root
        return real == root or real.startswith(root + os.sep)
