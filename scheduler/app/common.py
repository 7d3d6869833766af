"""What every job shares: reading its inputs, reporting as it goes, refusing bad input.

A job never prints and never exits: what a person should see comes back in its
outcome (`lines` for stdout, `warnings` and `notes` for stderr), and also, as it
happens, through `on_note` when the caller passes one (the command line prints
each at once, so warnings come before the progress of a long solve).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from scheduler.errors import EXIT_BAD_INPUT, InputError, InputIssue
from scheduler.model.calendar import clock_warnings
from scheduler.model.loaded import Loaded
from scheduler.model.problem import Problem
from scheduler.model.roster import Roster

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.io.write_workbook import Table

Value = TypeVar("Value")

#: Receives each stderr line of a job as it happens (warnings as "warning: ...").
NoteHandler = Callable[[str], None]

#: A file or folder as the jobs take it: a `Path`, or text (`"inputs/hartford"`).
PathLike = str | os.PathLike[str]


def as_path(given: PathLike) -> Path:
    """A path argument as a `Path`: text is a path too (Python callers pass both), and a
    leading `~` is the home folder (as a shell would make it, also when it did not:
    a quoted `'~/roster.xlsx'`, a script, Windows), never a folder named `~`."""
    return Path(os.fspath(given)).expanduser()


def as_input(given: PathLike | Value) -> Path | Value:
    """`as_path` for a path; an in-memory input (`Problem`, `Roster`) as it is."""
    if isinstance(given, str | os.PathLike):
        return as_path(given)
    return given


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


def _read(source: Path, reader: Callable[[Path], Value]) -> Value:
    try:
        return reader(source)
    except InputError as error:
        raise refused(source, error) from None


def load_program(source: PathLike) -> Loaded[Problem]:
    """Read and validate a program (input workbook or CSV folder), its reader's warnings
    beside it; bad input raises `InputError` naming every sheet, row and column at fault."""
    from scheduler.io.read_workbook import load_problem

    return _read(as_path(source), load_problem)


def load_roster(source: PathLike, problem: Problem | None = None) -> Loaded[Roster]:
    """Read a roster's `Assignments` (workbook or CSV folder), its reader's warnings
    beside it; with `problem`, only its rows before the program's start date, checked
    as History rows are (a previous roster, for `--previous`)."""
    from scheduler.io.read_workbook import load_previous_roster
    from scheduler.io.read_workbook import load_roster as load

    if problem is None:
        return _read(as_path(source), load)
    return _read(as_path(source), lambda path: load_previous_roster(path, problem))


def read_problem(path: PathLike) -> Problem:
    """The program at `path` (its warnings: `load_program`)."""
    return load_program(path).value


def read_roster(path: PathLike, problem: Problem | None = None) -> Roster:
    """The roster at `path` (its warnings: `load_roster`); with `problem`, only its rows
    before the program's start date (a previous roster, for `--previous`)."""
    return load_roster(path, problem).value


def program_of(program: PathLike | Problem, report: Report) -> Loaded[Problem]:
    """An in-memory program as it is (no reader, no warnings); a path read, its
    warnings reported. The warnings come back too, for the Summary sheets."""
    if isinstance(program, Problem):
        return Loaded(program)
    loaded = load_program(program)
    # Summary sheets say it too; the terminal hears it once, when the file is read.
    for warning in (*loaded.warnings, *clock_warnings(loaded.value)):
        report.warn(warning)
    return loaded


def roster_of(roster: PathLike | Roster, report: Report) -> Loaded[Roster]:
    """As `program_of`, for a roster."""
    if isinstance(roster, Roster):
        return Loaded(roster)
    loaded = load_roster(roster)
    for warning in loaded.warnings:
        report.warn(warning)
    return loaded


def paths_of(*inputs: object) -> list[Path]:
    """The inputs given as files, as paths (in-memory inputs are no file), for the
    output guard: text counts as a path."""
    return [as_path(p) for p in inputs if isinstance(p, str | os.PathLike)]


def same_file(a: Path, *others: object) -> bool:
    """Whether `a` is one of the paths among `others` (in-memory inputs are no file)."""
    return a.resolve() in {p.resolve() for p in paths_of(*others)}


#: CP-SAT's random seed is a 32-bit signed whole number.
SEED_RANGE = (-(2**31), 2**31 - 1)


def check_search_options(time_limit: float, workers: int, seed: int) -> None:
    """Refuse (exit 2, `InputError` from Python) what no search can run with: a time
    limit that is not a finite number of seconds above 0, fewer than 1 worker, a seed
    that CP-SAT cannot take. The command line's own bounds only cover the command line."""
    problems = []
    if not (isinstance(time_limit, int | float) and math.isfinite(time_limit) and time_limit > 0):
        problems.append(f"--time-limit {time_limit}: expected a finite number of seconds above 0")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        problems.append(f"--workers {workers}: expected a whole number, 1 or more")
    low, high = SEED_RANGE
    if isinstance(seed, bool) or not isinstance(seed, int) or not low <= seed <= high:
        problems.append(f"--seed {seed}: expected a whole number from {low:,} to {high:,}")
    if problems:
        issues = [InputIssue(sheet="options", message=message) for message in problems]
        raise Refused(issues, problems)


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


def write_roster(
    path: PathLike,
    problem: Problem,
    roster: Roster | SolveOutcomeLike,
    warnings: Sequence[str] = (),
) -> Path:
    """Write the roster workbook of `roster` (or of a job's outcome) for `problem`,
    checked by the checker, `warnings` (the reader's: `load_program`) in its Summary;
    atomically (a failure leaves any old file as it was). The path is guarded as every
    job's `--out` (`OutputPathError` for a folder, a device such as `/dev/null`, a
    read-only file, a name not ending in .xlsx, ...)."""
    from scheduler.evaluate import evaluate
    from scheduler.io.output_paths import guard_output_file
    from scheduler.io.write_workbook import write_roster_workbook

    path = as_path(path)
    guard_output_file("path", path, suffix=".xlsx")

    if isinstance(roster, Roster):
        evaluation = evaluate(problem, roster)
        return write_roster_workbook(path, problem, evaluation, roster=roster, warnings=warnings)
    if roster.roster is None:
        raise ValueError("the outcome has no roster to write")
    evaluation = roster.evaluation or evaluate(problem, roster.roster)
    return write_roster_workbook(
        path, problem, evaluation, roster.result, roster=roster.roster, warnings=warnings
    )


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
