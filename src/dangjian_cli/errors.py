"""Input errors are data: each names the file, the place in it and the field, with a Chinese message.

Loaders collect them (``dj validate`` shows them all); every command turns them into exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from dangjian_cli.masking import redact


@dataclass(frozen=True)
class InputError:
    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # Excel column letter(s)
    line: int | None = None  # YAML line (1-based)
    field: str | None = None

    @property
    def place(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.column and self.row:
            parts.append(f"单元格 {self.column}{self.row}")
        elif self.row:
            parts.append(f"第 {self.row} 行")
        if self.line:
            parts.append(f"第 {self.line} 行")
        if self.field:
            parts.append(f"字段「{self.field}」")
        return "，".join(parts)

    def __str__(self) -> str:
        return redact(f"{self.place}：{self.message}")

    def to_dict(self) -> dict:
        return {k: redact(v) if isinstance(v, str) else v for k, v in self.__dict__.items() if v is not None}


class InputErrors(Exception):
    """One or more input errors; raised only after a loader has collected all it could find."""

    def __init__(self, errors: Iterable[InputError]):
        self.errors: list[InputError] = list(errors)
        super().__init__(self.summary())

    def summary(self) -> str:
        if not self.errors:
            return "输入有误"
        first = str(self.errors[0])
        rest = len(self.errors) - 1
        if rest:
            first += f"（另有 {rest} 处问题，请运行 dj validate 查看全部）"
        return first


@dataclass
class ErrorCollector:
    """Gathers errors while a loader keeps going, so a user sees every problem in one run."""

    errors: list[InputError] = field(default_factory=list)

    def add(self, error: InputError) -> None:
        self.errors.append(error)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputErrors(self.errors)


class UsageError(Exception):
    """A command-line usage problem (exit 2) that is not about the branch's files."""
