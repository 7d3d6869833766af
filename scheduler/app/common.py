"""What every job shares: reading its inputs, reporting as it goes, refusing bad input.

A job never prints and never exits: what a person should see comes back in its
outcome (`lines` for stdout, `warnings` and `notes` for stderr), and also, as it
happens, through `on_note` when the caller passes one (the command line prints
each at once, so warnings come before the progress of a long solve).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from scheduler.errors import EXIT_BAD_INPUT, InputError, InputIssue
from scheduler.model.problem import Problem
from scheduler.model.roster import Roster

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.io.write_workbook import Table

Value = TypeVar("Value")

#: Receives each stderr line of a job as it happens (warnings as "warning: ...").
NoteHandler = Callable[[str], None]


class Refused(InputError):
    """Bad input or a bad option: `InputError` with the lines to show for it."""

    def __init__(self, issues: list[InputIssue] | InputIssue, lines: Sequence[str]) -> None:
        super().__init__(issues)
        self.lines = tuple(lines)


def refused(source: Path, error: InputError) -> Refused:
    """Every located issue of `source`, under a heading naming it."""
    heading = f"Cannot use {source}: {len(error.issues)} problem(s) found."
    return Refused(error.issues, (heading, error.render()))


def bad_option(message: str) -> Refused:
    """A command-line option (or job argument) that cannot be used: exit 2."""
    return Refused(InputIssue(sheet="options", message=message), (message,))


def unlocated(error: InputError) -> Refused:
    """`error` shown as it is, without a heading (options that do not fit the program)."""
    return Refused(error.issues, (error.render(),))


@dataclass
class Report:
    """What a job has to say so far; streamed to `on_note` as it comes."""

    on_note: NoteHandler | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    def warn(self, warning: str, prefix: str = "warning") -> None:
        self.warnings.append(warning)
        if self.on_note is not None:
            self.on_note(f"{prefix}: {warning}")

    def note(self, text: str) -> None:
        self.notes.append(text)
        if self.on_note is not None:
            self.on_note(text)

    def say(self, *lines: str) -> None:
        self.lines.extend(lines)

    def wrote(self, path: Path) -> Path:
        self.written.append(path)
        return path


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """The fields every job's outcome has."""

    exit_code: int
    warnings: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    written: tuple[Path, ...] = ()


def outcome_fields(report: Report, exit_code: int) -> dict[str, object]:
    """The common outcome fields, from what was reported."""
    return {
        "exit_code": exit_code,
        "warnings": tuple(report.warnings),
        "lines": tuple(report.lines),
        "notes": tuple(report.notes),
        "written": tuple(report.written),
    }


@dataclass(frozen=True)
class Loaded(Generic[Value]):
    """A value read from a file and the reader's warnings about it."""

    value: Value
    warnings: tuple[str, ...] = ()


def _read(source: Path, reader: Callable[[Path], Value]) -> Value:
    try:
        return reader(source)
    except InputError as error:
        raise refused(source, error) from None


def load_program(source: Path) -> Loaded[Problem]:
    """Read and validate a program (input workbook or CSV folder); bad input raises
    `InputError` naming every sheet, row and column at fault."""
    from scheduler.io.read_workbook import read_problem as read

    problem = _read(Path(source), read)
    return Loaded(problem, problem.warnings)


def load_roster(source: Path) -> Loaded[Roster]:
    """Read a roster's `Assignments` (workbook or CSV folder)."""
    from scheduler.io.read_workbook import read_roster as read

    roster = _read(Path(source), read)
    return Loaded(roster, roster.warnings)


def read_problem(path: str | Path) -> Problem:
    """The program at `path` (its warnings: `load_program`)."""
    return load_program(Path(path)).value


def read_roster(path: str | Path, problem: Problem | None = None) -> Roster:
    """The roster at `path`; with `problem`, only its rows before the program's start
    date, checked as History rows are (a previous roster, for `--previous`)."""
    if problem is None:
        return load_roster(Path(path)).value
    from scheduler.io.read_workbook import read_previous_roster

    return _read(Path(path), lambda source: read_previous_roster(source, problem))


def program_of(program: Path | Problem, report: Report) -> Problem:
    """An in-memory program as it is; a path read, its warnings reported."""
    if isinstance(program, Problem):
        return program
    loaded = load_program(program)
    for warning in loaded.warnings:
        report.warn(warning)
    return loaded.value


def roster_of(roster: Path | Roster, report: Report) -> Roster:
    if isinstance(roster, Roster):
        return roster
    loaded = load_roster(roster)
    for warning in loaded.warnings:
        report.warn(warning)
    return loaded.value


def same_file(a: Path, *others: Path | Problem | Roster | None) -> bool:
    """Whether `a` is one of the paths among `others` (in-memory inputs are no file)."""
    return a.resolve() in {p.resolve() for p in others if isinstance(p, Path)}


def data_frame(table: Table) -> pd.DataFrame:
    """A sheet's header and rows (as its writer writes them) as a DataFrame."""
    import pandas as pd

    headers, rows = table
    return pd.DataFrame([list(row) for row in rows], columns=list(headers))


#: Seconds per person and day that checking the roster and writing its workbook
#: take after the search (about 1.2 s for 120 staff x 14 days; benchmarks/limits.py).
FINISH_SECONDS_PER_PERSON_DAY = 0.0008


def search_seconds(limit: float, started: float, problem: Problem) -> float:
    """The part of the time limit the solver gets, so that the job as a whole ends
    close to the limit: the job's own time so far (loading the solver, reading,
    precheck) and an estimate of checking and writing come off it. Not in
    deterministic mode, where the limit is in deterministic units."""
    finish = FINISH_SECONDS_PER_PERSON_DAY * len(problem.staff) * problem.days
    left = limit - (time.monotonic() - started) - min(finish, 0.25 * limit)
    return max(0.5 * limit, left)


def write_roster(path: str | Path, problem: Problem, roster: Roster | SolveOutcomeLike) -> Path:
    """Write the roster workbook of `roster` (or of a job's outcome) for `problem`,
    checked by the checker; atomically (a failure leaves any old file as it was)."""
    from scheduler.evaluate import evaluate
    from scheduler.io.write_workbook import write_roster_workbook

    if isinstance(roster, Roster):
        return write_roster_workbook(path, problem, evaluate(problem, roster), roster=roster)
    if roster.roster is None:
        raise ValueError("the outcome has no roster to write")
    evaluation = roster.evaluation or evaluate(problem, roster.roster)
    return write_roster_workbook(path, problem, evaluation, roster.result, roster=roster.roster)


if TYPE_CHECKING:
    from typing import Protocol

    from scheduler.model.report import Evaluation
    from scheduler.model.result import SolveResult

    class SolveOutcomeLike(Protocol):
        @property
        def roster(self) -> Roster | None: ...
        @property
        def evaluation(self) -> Evaluation | None: ...
        @property
        def result(self) -> SolveResult | None: ...


__all__ = [
    "EXIT_BAD_INPUT",
    "Loaded",
    "NoteHandler",
    "Outcome",
    "Refused",
    "load_program",
    "load_roster",
    "read_problem",
    "read_roster",
    "search_seconds",
    "write_roster",
]
