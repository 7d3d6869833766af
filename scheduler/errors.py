"""Errors the tool reports to people, and the exit codes they map to."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_VIOLATIONS = 1  # a checked roster breaks a hard rule
EXIT_BAD_INPUT = 2  # the input cannot be read or is invalid
EXIT_INFEASIBLE = 3  # the rules cannot all be met
EXIT_CANNOT_WRITE = 4  # an output could not be written (disk full, no permission); nothing replaced

#: How many input errors are printed before the rest are summarised.
MAX_REPORTED_ERRORS = 50


@dataclass(frozen=True)
class InputIssue:
    """One problem in an input file, located as Excel shows it (`Staff!D7`)."""

    sheet: str
    message: str
    row: int | None = None  # row number as Excel shows it (header is row 1)
    column: str | None = None  # column name (lower_snake_case header)
    column_letter: str | None = None  # Excel column letter, when known

    def location(self) -> str:
        if self.row is None and self.column is None:
            return self.sheet
        cell = f"{self.column_letter or ''}{self.row or ''}"
        where = f"{self.sheet}!{cell}" if cell else self.sheet
        if self.column:
            where += f" ({self.column})"
        return where

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


class SchedulerError(Exception):
    """Base class of the errors this tool reports without a traceback."""

    exit_code = 1


class InputError(SchedulerError):
    """The input cannot be used; carries every issue found, not just the first."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, issues: list[InputIssue] | InputIssue) -> None:
        self.issues = [issues] if isinstance(issues, InputIssue) else list(issues)
        super().__init__(self.render())

    def render(self, limit: int = MAX_REPORTED_ERRORS) -> str:
        lines = [str(issue) for issue in self.issues[:limit]]
        hidden = len(self.issues) - limit
        if hidden > 0:
            lines.append(f"... and {hidden} more errors")
        return "\n".join(lines)
