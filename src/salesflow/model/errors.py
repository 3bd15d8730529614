"""Errors as values, and the exception families that carry them.

Problems found in files are *values* (`Problem`), so a loader can collect every
one of them and the CLI can print them all as ``path:line:col: message`` lines
that editors know how to jump to. Exceptions exist per layer; only the CLI
catches them and turns them into exit codes (1: the data say no, 2: the
command line is wrong).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at a place a person can jump to."""

    path: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    col: int  # 1-based; 0 when unknown
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col}: {self.message}"
        return f"{self.path}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.col,
            "message": self.message,
            "code": self.code,
        }


class SalesflowError(Exception):
    """Base of everything salesflow raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class DataError(SalesflowError):
    """The files say no: invalid data, an unmet gate, a refused change (exit 1)."""

    exit_code = 1


class ProblemsError(DataError):
    """One or more files failed to load or validate."""

    def __init__(self, problems: list[Problem], hint: str | None = None) -> None:
        self.problems = sorted(problems)
        first = str(self.problems[0]) if self.problems else "invalid data"
        super().__init__(first, hint)


class UsageError(SalesflowError):
    """The command line is wrong: bad option, unknown deal id (exit 2)."""

    exit_code = 2


class WorkspaceNotFound(UsageError):
    """No ``stages.yaml`` at or above the current folder."""


class WriteError(DataError):
    """A write could not be completed; the original file is untouched."""
