"""What the command line shows while a job runs: solver progress, plan progress bar.

The jobs (`scheduler.app`) report through callbacks; this turns them into lines
on stderr.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import typer

from scheduler import app as jobs
from scheduler import interrupt
from scheduler.errors import EXIT_BAD_INPUT, InputError, SchedulerError
from scheduler.model.result import ProgressEvent
from scheduler.model.stop import StopToken

if TYPE_CHECKING:
    from scheduler.app import Outcome


def err(message: str) -> None:
    typer.echo(message, err=True)


@contextmanager
def refusals() -> Iterator[None]:
    """Bad input or a bad option: every located issue on stderr, exit 2."""
    try:
        yield
    except InputError as error:
        for line in getattr(error, "lines", None) or (error.render(),):
            err(line)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except SchedulerError as error:  # an output path refused (2), a write failed (4)
        err(str(error))
        raise typer.Exit(error.exit_code) from None


def run(job: Callable[[], Outcome], streamed: bool = False) -> None:
    """Run a job; print its lines (stdout), its warnings and notes (stderr) unless
    `streamed` (printed as they came), and exit with its code."""
    with refusals():
        outcome = job()
    if not streamed:
        for warning in outcome.warnings:
            err(f"warning: {warning}")
    if outcome.lines:
        typer.echo("\n".join(outcome.lines))
    if not streamed:
        for note in outcome.notes:
            err(note)
    if outcome.exit_code:
        raise typer.Exit(outcome.exit_code)


class Hooks(TypedDict):
    """How a solving job reports to the terminal and learns of Ctrl-C."""

    on_progress: Callable[[ProgressEvent], None] | None
    stop: StopToken
    on_note: Callable[[str], None]


class ProgressPrinter:
    """Prints the best objective and bound as they improve, at most twice a second;
    the job's stderr lines in between (the last progress first)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.last_printed = -1.0
        self.last_event: ProgressEvent | None = None

    def __call__(self, event: ProgressEvent) -> None:
        self.last_event = event
        if event.seconds - self.last_printed >= 0.5:
            self.print(event)

    @property
    def on_progress(self) -> Callable[[ProgressEvent], None] | None:
        return None if self.quiet else self

    def print(self, event: ProgressEvent) -> None:
        self.last_printed = event.seconds
        if event.stage == 1:
            found = (
                f"short {event.required_shortfall} required, "
                f"{event.target_shortfall} target unit-slots"
            )
        else:
            objective, bound = event.objective or 0.0, event.bound or 0.0
            gap = 100 * max(0.0, objective - max(0.0, bound)) / objective if objective else 0.0
            found = f"cost {objective:,.0f} points, bound {max(0.0, bound):,.0f} (gap {gap:.1f}%)"
        name = "coverage" if event.stage == 1 else "cost"
        err(f"  {event.seconds:6.1f} s  stage {event.stage} {name:<8}  {found}")

    def note(self, line: str) -> None:
        if self.last_event is not None and self.last_event.seconds != self.last_printed:
            self.print(self.last_event)
        err(line)

    def hooks(self) -> Hooks:
        """The job's callbacks, and the token the signal handlers set."""
        return Hooks(
            on_progress=self.on_progress, stop=interrupt.current_token(), on_note=self.note
        )


class PlanHooks(TypedDict):
    """How `plan` reports to the terminal and learns of Ctrl-C."""

    on_progress: Callable[[jobs.PlanProgress], None] | None
    stop: StopToken
    on_note: Callable[[str], None]


@contextmanager
def plan_progress(quiet: bool) -> Iterator[PlanHooks]:
    """A progress bar on stderr (solves done of all), each solve's line above it."""
    stop = interrupt.current_token()
    if quiet:
        yield PlanHooks(on_progress=None, stop=stop, on_note=err)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    bar = Progress(*columns, TimeElapsedColumn(), console=Console(stderr=True), transient=False)
    task = None

    def show(event: jobs.PlanProgress) -> None:
        nonlocal task
        if event.outcome is None:
            err(event.description)
            bar.start()
            task = bar.add_task("Planning", total=event.total)
            return
        done = event.outcome
        point = f" (at most {done.max_hires} hires)" if done.frontier else ""
        bar.console.print(
            f"  done: {done.scenario}{point}, {done.plan.status}, {done.seconds:.1f} s"
        )
        if task is not None:
            bar.advance(task)

    try:
        yield PlanHooks(on_progress=show, stop=stop, on_note=err)
    finally:
        bar.stop()


#: The sample program `solve` reads when given none: its workbook, or (before
#: `make sample` has built it) its CSV folder.
SAMPLE_WORKBOOK = Path("inputs/hartford/hartford.xlsx")


def sample_program(program: Path) -> Path:
    """`program`, or the sample's CSV folder when it is the sample's workbook not yet built."""
    if program == SAMPLE_WORKBOOK and not program.exists():
        return SAMPLE_WORKBOOK.parent
    return program


def serve_web(host: str, port: int, *, open_browser: bool, token: str | None) -> None:
    """Start the web app (`scheduler.web`) until Ctrl-C; an address or token it will not
    start with is refused on stderr, exit 2."""
    from scheduler import web

    try:
        web.serve(host, port, open_browser=open_browser, token=token)
    except web.RefusedToStart as error:
        err(f"Not started: {error}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
