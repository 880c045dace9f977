"""Turning command-line options into a Window, and report paths into safe destinations."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from dangjian_cli.errors import UsageError
from dangjian_cli.periods import Month, Window


def parse_month_option(text: str, option: str) -> Month:
    from dangjian_cli.ledger.values import BadValue, month

    try:
        return month(text)
    except BadValue as exc:
        raise UsageError(f"选项 {option}：{exc}") from None


def parse_day_option(text: str, option: str) -> dt.date:
    from dangjian_cli.ledger.values import BadValue, date

    try:
        return date(text)
    except BadValue as exc:
        raise UsageError(f"选项 {option}：{exc}") from None


def window_from_options(year: int | None, start: str | None, end: str | None, as_of: str | None,
                        today: dt.date | None = None) -> Window:
    day = parse_day_option(as_of, "--as-of") if as_of else (today or dt.date.today())
    if year is not None and (start or end):
        raise UsageError("--year 不能与 --from/--to 同时使用")
    if year is not None:
        if not 1900 <= year <= 2999:
            raise UsageError(f"--year {year} 不是有效年份")
        return Window(Month(year, 1), Month(year, 12), day)
    if start or end:
        if not (start and end):
            raise UsageError("--from 与 --to 须同时给出（如 --from 2024-01 --to 2024-06）")
        first, last = parse_month_option(start, "--from"), parse_month_option(end, "--to")
        if last < first:
            raise UsageError("--to 早于 --from")
        return Window(first, last, day)
    return Window(Month(day.year, 1), Month(day.year, 12), day)


def check_output_path(output: Path, branch_folders: list[Path]) -> Path:
    """Reports never go into a branch folder (dj never writes there)."""
    target = Path(os.path.realpath(output))
    for folder in branch_folders:
        root = Path(os.path.realpath(folder))
        if target == root or root in target.parents:
            raise UsageError(f"-o {output}：不能把报告写进支部台账文件夹（{folder}），请换一个位置")
    if target.is_dir():
        raise UsageError(f"-o {output} 是一个文件夹，请给出文件名（如 报告.md）")
    return output


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename: a reader never sees half a report."""
    atomic_stream(path, lambda handle: handle.write(data), binary=True)


def atomic_stream(path: Path, write, binary: bool = False) -> None:
    """Like atomic_write, but `write(handle)` streams the content (a large batch JSON never sits in memory)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if os.path.lexists(tmp):  # a stale temp file, or a link planted to make us write elsewhere
        os.unlink(tmp)
    try:
        # O_EXCL: create the temp file afresh, never open (or follow a link to) an existing one
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        mode = {"mode": "wb"} if binary else {"mode": "w", "encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, **mode) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
