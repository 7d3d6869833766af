"""The command line: options -> job (`scheduler.app`) -> print -> exit code.

Exit codes: 0 done, 1 a roster breaks a hard rule, 2 bad input, 3 infeasible,
130 / 143 stopped by SIGINT / SIGTERM (`solve` and `repair` write the best roster
found so far; see scheduler/interrupt.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scheduler import app as jobs
from scheduler import interrupt
from scheduler.errors import EXIT_BAD_INPUT, InputError
from scheduler.model.result import ProgressEvent, SolveParams

if TYPE_CHECKING:
    from scheduler.app import Outcome

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Roster optimizer for crisis response teams (clinician + peer responder units).",
    pretty_exceptions_enable=False,
)

DEFAULT_INPUT = Path("inputs/hartford/hartford.xlsx")
#: The sample's CSV source, used when its workbook has not been built yet.
DEFAULT_INPUT_FOLDER = Path("inputs/hartford")
DEFAULT_OUTPUT = Path("outputs/roster.xlsx")


def _err(message: str) -> None:
    typer.echo(message, err=True)


@contextmanager
def _refusals() -> Iterator[None]:
    """Bad input or a bad option: every located issue on stderr, exit 2."""
    try:
        yield
    except InputError as error:
        for line in getattr(error, "lines", None) or (error.render(),):
            _err(line)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _run(job: Callable[[], Outcome], streamed: bool = False, json_out: bool = False) -> None:
    """Run a job; print its lines (stdout), its warnings and notes (stderr) unless
    `streamed` (printed as they came), and exit with its code."""
    with _refusals():
        outcome = job()
    if not streamed:
        for warning in outcome.warnings:
            _err(f"warning: {warning}")
    if outcome.lines:
        typer.echo("\n".join(outcome.lines))
    if not streamed:
        for note in outcome.notes:
            _err(note)
    if outcome.exit_code:
        raise typer.Exit(outcome.exit_code)


class SolveMethod(StrEnum):
    WHOLE = "whole"
    ZONES = "zones"
    AUTO = "auto"


class _ProgressPrinter:
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
        _err(f"  {event.seconds:6.1f} s  stage {event.stage} {name:<8}  {found}")

    def note(self, line: str) -> None:
        if self.last_event is not None and self.last_event.seconds != self.last_printed:
            self.print(self.last_event)
        _err(line)


@app.command()
@interrupt.stops_on_signals
def solve(
    input_path: Annotated[
        Path, typer.Argument(help="Input workbook (.xlsx) or folder of CSV files.")
    ] = DEFAULT_INPUT,
    out: Annotated[Path, typer.Option("--out", "-o", help="Roster workbook to write.")] = (
        DEFAULT_OUTPUT
    ),
    time_limit: Annotated[
        float, typer.Option(help="Seconds for the whole solve (both stages).", min=0.1)
    ] = 30.0,
    workers: Annotated[int, typer.Option(help="Parallel search workers.", min=1)] = 2,
    seed: Annotated[int, typer.Option(help="Random seed of the search.")] = 0,
    deterministic: Annotated[
        bool,
        typer.Option(
            "--deterministic",
            help="Same input and seed give the same roster (time limit in deterministic units).",
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
    method: Annotated[
        SolveMethod,
        typer.Option(
            help="whole: one model; zones: zone groups solved one by one (large programs; "
            "no bound); auto: zone groups only when the whole model would be too big.",
        ),
    ] = SolveMethod.AUTO,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="The previous roster workbook (or CSV folder): its Assignments rows before "
            "start_date are added to the input's History, so rules hold across the join.",
        ),
    ] = None,
    calls: Annotated[
        Path | None,
        typer.Option(
            "--calls",
            help="A call log (CSV): the roster is then simulated against fresh Poisson calls "
            "at the log's rates, and the response times go to the summary.",
        ),
    ] = None,
    target_minutes: Annotated[
        float, typer.Option(help="Response target for --calls, in minutes.", min=1)
    ] = 10.0,
) -> None:
    """Make a roster from a program's workbook and write the roster workbook."""
    if input_path == DEFAULT_INPUT and not input_path.exists():
        input_path = DEFAULT_INPUT_FOLDER
    settings = jobs.SolveSettings(
        time_limit, workers, seed, deterministic, method.value, target_minutes
    )
    printer = _ProgressPrinter(quiet)
    _run(
        lambda: jobs.solve(
            input_path,
            settings,
            out=out,
            previous=previous,
            calls=calls,
            on_progress=printer.on_progress,
            stop=interrupt.current_token(),
            on_note=printer.note,
        ),
        streamed=True,
    )


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@app.command()
def check(
    roster_path: Annotated[
        Path,
        typer.Argument(help="Roster workbook to check (its Assignments sheet), or CSV folder."),
    ],
    inputs: Annotated[
        Path,
        typer.Option("--inputs", "-i", help="The program's input workbook or folder of CSV files."),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="HR report workbook to write.")
    ] = None,
    report_format: Annotated[
        ReportFormat, typer.Option("--format", help="text for people, json for other tools.")
    ] = ReportFormat.TEXT,
) -> None:
    """Check a roster, even one edited by hand: hard rules, coverage gaps, hours.

    Exit 0 when no hard rule is broken, 1 when one is, 2 when a file cannot be read.
    """
    _run(lambda: jobs.check(roster_path, inputs, out=out, report_format=report_format.value))


@app.command()
def publish(
    roster_path: Annotated[
        Path,
        typer.Argument(help="Roster workbook to publish (its Assignments sheet), or CSV folder."),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the .ics files and schedules.xlsx.")
    ],
    inputs: Annotated[
        Path | None,
        typer.Option(
            "--inputs",
            "-i",
            help="The program's input workbook or CSV folder: names of people and zones, "
            "and a schedule page for staff without a shift.",
        ),
    ] = None,
) -> None:
    """Publish a roster: one calendar (.ics) per person and a printable schedules.xlsx.

    Exit 0 when written, 2 when a file cannot be read (nothing is written then).
    """
    _run(lambda: jobs.publish(roster_path, inputs, out))


@app.command()
@interrupt.stops_on_signals
def repair(
    roster_path: Annotated[
        Path,
        typer.Argument(help="Roster workbook to repair (its Assignments sheet), or CSV folder."),
    ],
    inputs: Annotated[
        Path,
        typer.Option("--inputs", "-i", help="The program's input workbook or folder of CSV files."),
    ],
    unavailable: Annotated[
        list[str] | None,
        typer.Option(
            "--unavailable",
            "-u",
            help="EMPLOYEE:DATE (the whole day) or EMPLOYEE:DATE:SHIFT now unavailable; "
            "repeat it for each day.",
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            help="Shifts starting before this local date-time (YYYY-MM-DDTHH:MM) stay as "
            "they are, and nobody is newly put on one."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Repaired roster workbook (default: <roster>_repaired.xlsx)."
        ),
    ] = None,
    time_limit: Annotated[
        float, typer.Option(help="Seconds for the whole solve (all stages).", min=0.1)
    ] = 30.0,
    workers: Annotated[int, typer.Option(help="Parallel search workers.", min=1)] = 2,
    seed: Annotated[int, typer.Option(help="Random seed of the search.")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
) -> None:
    """Repair a roster after call-outs, moving as few people as required coverage allows.

    Writes the roster workbook with a Changes sheet and prints the changes. Exit 2
    for a bad argument or file (nothing written), 3 when the rules cannot all hold.
    """
    printer = _ProgressPrinter(quiet)
    _run(
        lambda: jobs.repair(
            roster_path,
            inputs,
            unavailable or [],
            now=now,
            settings=jobs.SolveSettings(time_limit, workers, seed),
            out=out or jobs.repaired_path(roster_path),
            on_progress=printer.on_progress,
            stop=interrupt.current_token(),
            on_note=printer.note,
        ),
        streamed=True,
    )


@app.command()
def template(
    out: Annotated[Path, typer.Argument(help="Where to write the blank input workbook.")] = Path(
        "outputs/input_template.xlsx"
    ),
) -> None:
    """Write a blank input workbook with drop-downs, to start a new program."""
    _run(lambda: jobs.write_template(out))


@app.command()
def sample(
    folder: Annotated[Path, typer.Argument(help="CSV folder of a program.")] = Path(
        "inputs/hartford"
    ),
    out: Annotated[
        Path | None, typer.Option(help="Workbook to write (default: <folder>/<folder name>.xlsx).")
    ] = None,
) -> None:
    """Build an input workbook from a CSV folder (the CSVs are what git reviews)."""
    _run(lambda: jobs.build_sample(folder, out))


@app.command()
def demand(
    inputs: Annotated[Path, typer.Option("--inputs", help="Input workbook or CSV folder.")],
    calls: Annotated[Path, typer.Option("--calls", help="Call log CSV (see docs/demand.md).")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Input workbook to write, with Demand from calls.")
    ] = Path("outputs/demand.xlsx"),
    target_minutes: Annotated[
        float, typer.Option(help="Response target: minutes from call to a unit on scene.", min=0)
    ] = 10.0,
    service_level: Annotated[
        float, typer.Option(help="Share of calls to reach within the target.", min=0, max=1)
    ] = 0.9,
    growth: Annotated[float, typer.Option(help="Factor applied to the logged rates.", min=0)] = 1.0,
    busy_minutes: Annotated[
        float | None,
        typer.Option(help="Mean minutes a unit is busy per call (default: the log's mean, or 75)."),
    ] = None,
    min_units: Annotated[
        int, typer.Option(help="Fewest units in every operating hour.", min=0)
    ] = 1,
    hours: Annotated[
        str | None,
        typer.Option(
            help="Operating hours every day, e.g. 08-22 (24: all day); "
            "default: the hours with calls."
        ),
    ] = None,
    pool_weekdays: Annotated[
        bool, typer.Option(help="One rate per hour for Mon-Fri and one for Sat-Sun.")
    ] = False,
    team_zone: Annotated[
        list[str] | None,
        typer.Option(
            help="TEAM=ZONE: a citywide team, all its calls sized in one zone "
            "(e.g. juvenile=Central); repeatable."
        ),
    ] = None,
) -> None:
    """Demand from a call log by Erlang C: writes the input with Demand replaced."""
    with _refusals():
        settings = jobs.demand_settings(
            target_minutes=target_minutes,
            service_level=service_level,
            growth=growth,
            busy_minutes=busy_minutes,
            min_units=min_units,
            hours=hours,
            pool_weekdays=pool_weekdays,
            team_zones=team_zone or [],
        )
    _run(lambda: jobs.demand(inputs, calls, settings, out, hours=hours))


@app.command()
def simulate(
    roster_path: Annotated[
        Path, typer.Argument(help="Roster workbook (its Assignments sheet), or CSV folder.")
    ],
    inputs: Annotated[
        Path,
        typer.Option("--inputs", "-i", help="The program's input workbook or folder of CSV files."),
    ],
    calls: Annotated[
        Path | None, typer.Option("--calls", help="Call log CSV to replay (see docs/demand.md).")
    ] = None,
    rates: Annotated[
        Path | None,
        typer.Option(
            "--rates", help="Workbook from `demand` whose Rates sheet gives Poisson calls."
        ),
    ] = None,
    replications: Annotated[
        int, typer.Option(help="Runs with seeds seed, seed+1, ...", min=2)
    ] = 30,
    seed: Annotated[int, typer.Option(help="Seed of the first run.")] = 1,
    target_minutes: Annotated[
        float, typer.Option(help="Response target: minutes from call to a unit on scene.", min=0)
    ] = 10.0,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Simulation report workbook to write.")
    ] = None,
) -> None:
    """Simulate dispatch on a roster: share of calls reached within the target, by team,
    zone and hour, with 95% confidence intervals over the runs (docs/simulation.md)."""
    settings = jobs.SimulateSettings(
        target_minutes=target_minutes, replications=replications, seed=seed
    )
    _run(
        lambda: jobs.simulate(
            roster_path, inputs, calls=calls, rates=rates, settings=settings, out=out
        )
    )


@app.command()
@interrupt.stops_on_signals
def plan(
    input_path: Annotated[Path, typer.Argument(help="Input workbook (.xlsx) or CSV folder.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Plan workbook to write.")] = Path(
        "outputs/plan.xlsx"
    ),
    scenarios: Annotated[
        Path | None,
        typer.Option(
            help="Scenarios (.xlsx with a Scenarios sheet, or .csv); 'as is' is always planned."
        ),
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option(help="Annual budget for hires: the hires that buy the most coverage."),
    ] = None,
    frontier: Annotated[
        bool,
        typer.Option(
            "--frontier",
            help="Also plan a scenario ('as is' unless --frontier-scenario) with at most "
            "0, 1, 2, ... hires (up to its Hiring limits): coverage and cost per hire.",
        ),
    ] = False,
    hiring: Annotated[
        Path | None,
        typer.Option(
            help="Hiring rows from this file (.csv, or a workbook's Hiring sheet) instead "
            "of the input's Hiring sheet."
        ),
    ] = None,
    frontier_scenario: Annotated[
        str | None,
        typer.Option(help="The scenario whose frontier --frontier plans (implies --frontier)."),
    ] = None,
    calls: Annotated[
        Path | None,
        typer.Option(help="Call log (CSV): each plan's roster is simulated against its rates."),
    ] = None,
    service_level: Annotated[
        float | None,
        typer.Option(
            help="With --calls: Demand sized from the calls by Erlang C for this share "
            "within --target-minutes, before the scenarios change it."
        ),
    ] = None,
    target_minutes: Annotated[
        float, typer.Option(help="Response target for --calls, in minutes.", min=1)
    ] = 10.0,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://HOST:8786); default: local processes."),
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option(help="Seconds for each solve (one scenario or frontier point).", min=0.1),
    ] = 60.0,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Solves run at once (local processes); default: one per 2 cores, each "
            "solve searching with 2 threads.",
            min=1,
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed of the search.")] = 0,
    deterministic: Annotated[
        bool,
        typer.Option("--deterministic", help="Same input and seed give the same plans."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Plan hires: for each scenario the cheapest hires that meet required coverage (or,
    with --budget, the most coverage for the money), checked rosters and PLAN.xlsx."""
    settings = jobs.PlanSettings(
        budget=budget,
        frontier=frontier,
        frontier_scenario=frontier_scenario,
        service_level=service_level,
        target_minutes=target_minutes,
        scheduler=scheduler,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        deterministic=deterministic,
    )
    with _plan_progress(quiet) as progress:
        _run(
            lambda: jobs.plan(
                input_path,
                settings,
                out=out,
                scenarios=scenarios,
                hiring=hiring,
                calls=calls,
                on_progress=progress,
                stop=interrupt.current_token(),
                on_note=_err,
            ),
            streamed=True,
        )


@contextmanager
def _plan_progress(quiet: bool) -> Iterator[Callable[[jobs.PlanProgress], None] | None]:
    """A progress bar on stderr (solves done of all), each solve's line above it."""
    if quiet:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    bar = Progress(*columns, TimeElapsedColumn(), console=Console(stderr=True), transient=False)
    task = None

    def show(event: jobs.PlanProgress) -> None:
        nonlocal task
        if event.outcome is None:
            _err(event.description)
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
        yield show
    finally:
        bar.stop()


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (other than 127.0.0.1 needs --token).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open the browser.")
    ] = False,
    token: Annotated[
        str | None, typer.Option(help="Access token every page then asks for.")
    ] = None,
) -> None:
    """Open the roster in a browser: a local web app for every job (docs: README)."""
    from scheduler import web

    try:
        web.serve(host, port, open_browser=not no_browser, token=token)
    except web.RefusedToStart as error:
        typer.echo(f"Not started: {error}", err=True)
        raise typer.Exit(2) from None


bench_app = typer.Typer(
    no_args_is_help=True, help="Public benchmarks, solved by the same engine as rosters."
)
app.add_typer(bench_app, name="bench")


@bench_app.command("curtois")
def bench_curtois(
    instance: Annotated[
        Path | None, typer.Argument(help="A Curtois & Qu instance file (InstanceN.txt).")
    ] = None,
    all_in: Annotated[
        Path | None,
        typer.Option("--all", help="Solve every instance (*.txt) of this folder instead."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Solution CSV (one instance), or folder for solutions and results (--all).",
        ),
    ] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds per instance.", min=0.1)] = 60.0,
    workers: Annotated[int, typer.Option(help="Parallel search workers.", min=1)] = 2,
    seed: Annotated[int, typer.Option(help="Random seed of the search.")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
) -> None:
    """Solve benchmark instances; every written solution is rechecked independently."""
    params = SolveParams(time_limit=time_limit, workers=workers, seed=seed)
    show = typer.echo if not quiet or all_in is None else None
    _run(lambda: jobs.bench_curtois(instance, all_in=all_in, out=out, params=params, on_run=show))


def main() -> None:
    """The command line (`main.py`, the `crisis-roster` script)."""
    interrupt.run_command_line(app)
