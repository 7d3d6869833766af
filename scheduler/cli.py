"""The command line: thin commands over the library.

Exit codes: 0 done, 1 a roster breaks a hard rule, 2 bad input, 3 infeasible,
130 / 143 stopped by SIGINT / SIGTERM (`solve` and `repair` write the best roster
found so far; see scheduler/interrupt.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Protocol, TypeVar

import typer

from scheduler import interrupt
from scheduler.errors import EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_VIOLATIONS, InputError
from scheduler.model.problem import Problem
from scheduler.model.report import Evaluation
from scheduler.model.result import ProgressEvent, SolveParams, SolveResult, SolveStatus
from scheduler.model.roster import Roster
from scheduler.precheck import precheck

if TYPE_CHECKING:
    from scheduler.demand.calls import Call
    from scheduler.io.safe_cells import CellValue
    from scheduler.plan.runner import PlanJob, PlanOutcome, Rates
    from scheduler.plan.scenarios import Scenario

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


def _refuse(path: Path, error: InputError) -> typer.Exit:
    """Print every located issue; the caller raises the returned exit (code 2)."""
    _err(f"Cannot use {path}: {len(error.issues)} problem(s) found.")
    _err(error.render())
    return typer.Exit(EXIT_BAD_INPUT)


class _Warned(Protocol):
    @property
    def warnings(self) -> tuple[str, ...]: ...


Read = TypeVar("Read", bound=_Warned)


def _read(path: Path, reader: Callable[[Path], Read]) -> Read:
    """Read with `reader`; bad input exits 2 with every located issue, warnings go to stderr."""
    try:
        value = reader(path)
    except InputError as error:
        raise _refuse(path, error) from None
    for warning in value.warnings:
        _err(f"warning: {warning}")
    return value


def _load(path: Path) -> Problem:
    from scheduler.io.read_workbook import read_problem

    return _read(path, read_problem)


def _load_roster(path: Path) -> Roster:
    from scheduler.io.read_workbook import read_roster

    return _read(path, read_roster)


class SolveMethod(StrEnum):
    WHOLE = "whole"
    ZONES = "zones"
    AUTO = "auto"


class _ProgressPrinter:
    """Prints the best objective and bound as they improve, at most twice a second."""

    def __init__(self) -> None:
        self.last_printed = -1.0
        self.last_event: ProgressEvent | None = None

    def __call__(self, event: ProgressEvent) -> None:
        self.last_event = event
        if event.seconds - self.last_printed >= 0.5:
            self.print(event)

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

    def flush(self) -> None:
        if self.last_event is not None and self.last_event.seconds != self.last_printed:
            self.print(self.last_event)


#: Seconds per person and day that checking the roster and writing its workbook
#: take after the search (about 1.2 s for 120 staff x 14 days; benchmarks/limits.py).
FINISH_SECONDS_PER_PERSON_DAY = 0.0008


def _search_seconds(limit: float, started: float, problem: Problem) -> float:
    """The part of `--time-limit` the solver gets, so that the command as a whole
    ends close to the limit: the command's own time so far (loading the solver,
    reading, precheck) and an estimate of checking and writing come off it.
    Not in deterministic mode, where the limit is in deterministic units."""
    finish = FINISH_SECONDS_PER_PERSON_DAY * len(problem.staff) * problem.days
    left = limit - (time.monotonic() - started) - min(finish, 0.25 * limit)
    return max(0.5 * limit, left)


def _stopped_result(result: SolveResult) -> SolveResult:
    """After Ctrl-C or SIGTERM, a roster is the best found so far: say so, and stop
    here if there is none (exit 130/143, nothing written)."""
    if not interrupt.stop_requested():
        return result
    if not result.status.has_roster:
        _err("Interrupted before any roster was found: nothing written.")
        raise typer.Exit(interrupt.exit_code())
    _err("Interrupted: writing the best roster found so far.")
    return replace(result, status=SolveStatus.INTERRUPTED)


def _exit_checked(evaluation: Evaluation) -> None:
    """Exit 1 if the roster breaks a hard rule, 130/143 if the solve was interrupted."""
    if not evaluation.feasible:
        _err("Internal check failed: the roster breaks hard rules (see the Violations sheet).")
    if interrupt.stop_requested():
        raise typer.Exit(interrupt.exit_code())
    if not evaluation.feasible:
        raise typer.Exit(EXIT_VIOLATIONS)


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
            "no bound); auto: when the whole model would be too big, zone groups warm-start it.",
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
    started = time.monotonic()
    from scheduler.evaluate import evaluate
    from scheduler.io.schedule_sheet import add_schedule_sheet
    from scheduler.io.write_workbook import write_roster_workbook
    from scheduler.solve import solve as run_solver
    from scheduler.solve.decompose import groups_needed, solve_auto, solve_by_zone_groups

    if input_path == DEFAULT_INPUT and not input_path.exists():
        input_path = DEFAULT_INPUT_FOLDER
    problem = _load(input_path)
    if previous is not None:
        from scheduler.io.read_workbook import read_previous_roster, with_history

        earlier = _read(previous, lambda path: read_previous_roster(path, problem))
        problem = with_history(problem, earlier.assignments)
    logged_calls = None
    if calls is not None:
        from scheduler.demand.calls import read_calls

        try:
            logged_calls = read_calls(calls, problem)
        except InputError as error:
            raise _refuse(calls, error) from None
    checked = precheck(problem)
    for warning in checked.warnings:
        _err(f"warning: {warning}")
    if checked.errors:
        _refuse_infeasible(out, problem, checked.errors, checked.warnings)
    params = SolveParams(
        time_limit=time_limit if deterministic else _search_seconds(time_limit, started, problem),
        workers=workers,
        seed=seed,
        deterministic=deterministic,
    )
    printer = None if quiet else _ProgressPrinter()
    if printer is not None:
        _err(
            f"Solving {problem.name}: {len(problem.staff)} staff, {problem.days} days, "
            f"{len(problem.zones)} zones, time limit {time_limit:g} s, {workers} workers"
        )
    if interrupt.stop_requested():  # before the search began: nothing to keep
        raise typer.Exit(interrupt.exit_code())
    if method is SolveMethod.WHOLE:
        result = run_solver(problem, params, on_progress=printer)
    elif method is SolveMethod.ZONES:
        groups = max(min(2, len(problem.zones)), groups_needed(problem))
        result = solve_by_zone_groups(problem, params, groups, on_progress=printer)
    else:
        result = solve_auto(problem, params, on_progress=printer)
    if printer is not None:
        printer.flush()
    result = _stopped_result(result)
    result = replace(result, params=replace(result.params, time_limit=time_limit))
    if result.message and result.status.has_roster:
        _err(result.message)
    if result.status is SolveStatus.INFEASIBLE:
        _explain_infeasible(out, problem, result, checked.warnings, time_limit)
    if not result.status.has_roster:
        _err(f"No roster: {result.status.value}. {result.message}".strip())
        raise typer.Exit(1)
    evaluation = evaluate(problem, result.roster)
    simulated: list[tuple[str, CellValue]] = []
    if logged_calls:
        simulated = _simulated_response(problem, result.roster, logged_calls, target_minutes)
    # One printable page per person, as `publish` writes it.
    schedules = partial(add_schedule_sheet, problem=problem, roster=result.roster)
    written = write_roster_workbook(
        out, problem, evaluation, result, extra_sheets=[schedules], summary_extra=simulated
    )
    _print_summary(result, evaluation, written)
    _exit_checked(evaluation)


#: The largest `plan --budget` (a year): far above any program's, low enough that the
#: solver's whole-number arithmetic on cents cannot overflow.
MAX_BUDGET = 10_000_000_000

#: Replications when `solve --calls` simulates the roster (the `simulate` default).
SOLVE_REPLICATIONS = 30


def _simulated_response(
    problem: Problem, roster: Roster, logged: list[Call], target_minutes: float
) -> list[tuple[str, CellValue]]:
    """Simulate the roster against fresh Poisson calls at the log's rates; print the
    headline per team and return it as Summary rows (mean and 95% half-width)."""
    from scheduler.demand.calls import call_rates, mean_busy_minutes
    from scheduler.simulate import ALL, SimulationSettings, headline, simulate

    settings = SimulationSettings(
        target_minutes=target_minutes,
        replications=SOLVE_REPLICATIONS,
        busy_minutes=mean_busy_minutes(logged, None),
    )
    result = simulate(problem, roster, settings, rates=call_rates(logged))
    rows: list[tuple[str, CellValue]] = []
    for group in result.groups:
        if group.zone != ALL or group.hour is not None or (group.team != ALL and not group.calls):
            continue
        typer.echo(f"Simulated: {headline(group, target_minutes)}")
        name = "all teams" if group.team == ALL else group.team
        for label, estimate in (
            (f"within {target_minutes:g} min", group.within_target),
            ("no unit on duty", group.uncovered),
        ):
            if estimate is not None:
                rows.append(
                    (
                        f"simulated {label}: {name}",
                        f"{estimate.mean:.1%} (±{estimate.half_width:.1%}, 95%, "
                        f"{SOLVE_REPLICATIONS} runs)",
                    )
                )
        if group.median_response is not None:
            rows.append(
                (f"simulated median response: {name}", round(group.median_response.mean, 1))
            )
    return rows


def _explain_infeasible(
    out: Path, problem: Problem, result: SolveResult, warnings: Sequence[str], seconds: float
) -> NoReturn:
    """The solver found the rules infeasible: find a small conflict and refuse with it."""
    from scheduler.solve.explain import explain_core

    explanation = explain_core(problem, seconds=max(10.0, seconds))
    if not explanation:  # the solver's own words, when no smaller conflict is found
        explanation = [result.message or "the hard rules cannot all hold"]
    if interrupt.stop_requested():
        explanation = [
            *explanation,
            "(interrupted while the conflict was narrowed down: it may name more rules "
            "than the conflict needs)",
        ]
        _refuse_infeasible(out, problem, explanation, warnings, interrupt.exit_code())
    _refuse_infeasible(out, problem, explanation, warnings)


def _refuse_infeasible(
    out: Path,
    problem: Problem,
    explanation: Sequence[str],
    warnings: Sequence[str],
    exit_code: int = EXIT_INFEASIBLE,
) -> NoReturn:
    """Say why the rules cannot all hold, write it to the workbook's Summary, exit 3."""
    from scheduler.io.write_workbook import write_infeasible_workbook

    _err("No roster: the hard rules cannot all hold.")
    for line in explanation:
        _err(f"  - {line}")
    written = write_infeasible_workbook(out, problem, explanation, warnings)
    _err(f"Explanation written to {written} (Summary)")
    raise typer.Exit(exit_code)


def _print_summary(result: SolveResult, evaluation: Evaluation, written: Path) -> None:
    parts = evaluation.parts
    gap = result.gap
    gap_text = f", gap {100 * gap:.2f}%" if gap is not None else ""
    proof = ""
    if not result.stage1_optimal:
        proof = " (coverage not proven best in the time limit: give more --time-limit)"
    lines = [
        f"Status: {result.status.value}{gap_text} in {result.seconds:.1f} s{proof}",
        f"Coverage met: {evaluation.coverage_pct:.1f}% of {evaluation.required_unit_slots} "
        "required unit-slots",
    ]
    short = ", ".join(f"{team} {n}" for team, n in evaluation.shortfall_by_team.items() if n)
    lines.append(
        f"Shortfall (unit-slots): {short or 'none'}; below target: {parts.target_shortfall}"
    )
    lines.append(f"Units rostered: {evaluation.unit_count}")
    lines.append(
        f"Overtime: {evaluation.overtime_hours:.1f} h, cost {parts.overtime_cost:,.2f}; "
        f"below contract: {parts.contract_shortfall_minutes / 60:.1f} h"
    )
    lines.append(f"Requests honoured: {evaluation.requests_met} of {evaluation.requests_total}")
    lines.append(f"Roster written to {written}")
    typer.echo("\n".join(lines))


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
    from scheduler.evaluate import evaluate
    from scheduler.io.hr_report import write_hr_report
    from scheduler.report_text import render_json, render_text

    if out is not None and out.resolve() in (roster_path.resolve(), inputs.resolve()):
        _err(f"--out {out} would overwrite the roster or the input; choose another file.")
        raise typer.Exit(EXIT_BAD_INPUT)
    problem = _load(inputs)
    roster = _load_roster(roster_path)
    evaluation = evaluate(problem, roster)
    as_json = report_format is ReportFormat.JSON
    render = render_json if as_json else render_text
    typer.echo(render(problem, evaluation, roster, str(roster_path)))
    if out is not None:
        written = write_hr_report(out, problem, evaluation, roster)
        # JSON output stays one object on stdout.
        typer.echo(f"\nHR report written to {written}", err=as_json)
    if not evaluation.feasible:
        raise typer.Exit(EXIT_VIOLATIONS)


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
    from scheduler.io.publish import write_calendars
    from scheduler.io.schedule_sheet import SCHEDULE_WORKBOOK, write_schedule_workbook

    schedules_path = out / SCHEDULE_WORKBOOK
    if out.exists() and not out.is_dir():
        _err(f"--out {out} is a file; give a folder.")
        raise typer.Exit(EXIT_BAD_INPUT)
    read_paths = {roster_path.resolve(), *([inputs.resolve()] if inputs is not None else [])}
    if schedules_path.resolve() in read_paths:
        _err(f"{schedules_path} would overwrite the roster or the input; choose another --out.")
        raise typer.Exit(EXIT_BAD_INPUT)
    problem = _load(inputs) if inputs is not None else None
    roster = _load_roster(roster_path)
    for rejected in roster.rejected_rows:
        _err(f"warning: Assignments row {rejected.row} skipped: {rejected.message}")
    if problem is not None:
        people_named = {a.employee_id for a in roster.assignments}
        not_in_staff = sorted(people_named - set(problem.people_by_id))
        if not_in_staff:
            _err(f"warning: not in Staff, published without a name: {', '.join(not_in_staff)}")
    calendars = write_calendars(roster, problem, out)
    schedules = write_schedule_workbook(schedules_path, problem, roster)
    people = len({a.employee_id for a in roster.assignments})
    typer.echo(
        f"Read {roster.rows_read} Assignments rows: {len(roster.assignments)} shifts of "
        f"{people} people published, {len(roster.rejected_rows)} rows skipped\n"
        f"Calendars: {len(calendars)} .ics files written to {out}\n"
        f"Schedules: {schedules} (one page per person)"
    )


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
    started = time.monotonic()
    from scheduler.evaluate import evaluate
    from scheduler.io.changes_sheet import changes_sheet
    from scheduler.io.write_workbook import write_roster_workbook
    from scheduler.repair import change_log, plan_repair, render_changes
    from scheduler.repair import repair as run_repair

    target = out or roster_path.with_name(f"{roster_path.stem}_repaired.xlsx")
    if target.resolve() in (roster_path.resolve(), inputs.resolve()):
        _err(f"--out {target} would overwrite the roster or the input; choose another file.")
        raise typer.Exit(EXIT_BAD_INPUT)
    problem = _load(inputs)
    baseline = _load_roster(roster_path)
    try:
        plan = plan_repair(problem, baseline, unavailable or [], now)
    except InputError as error:
        _err(f"Cannot repair {roster_path}: {len(error.issues)} problem(s) found.")
        _err(error.render())
        raise typer.Exit(EXIT_BAD_INPUT) from None
    broken = len(evaluate(problem, baseline).hard_violations)
    if broken:
        _err(f"warning: {roster_path} breaks {broken} hard rule(s) already (see `check`).")
    for note in plan.notes:
        _err(f"note: {note}")
    printer = None if quiet else _ProgressPrinter()
    if printer is not None:
        _err(
            f"Repairing {roster_path} ({len(baseline.assignments)} assignments) for "
            f"{problem.name}: {len(plan.problem.time_off) - len(problem.time_off)} call-out(s), "
            f"{len(plan.problem.pins) - len(problem.pins)} shifts frozen, "
            f"time limit {time_limit:g} s, {workers} workers"
        )
    search_seconds = _search_seconds(time_limit, started, plan.problem)
    params = SolveParams(time_limit=search_seconds, workers=workers, seed=seed)
    if interrupt.stop_requested():  # before the search began: nothing to keep
        raise typer.Exit(interrupt.exit_code())
    result = run_repair(plan, params, on_progress=printer)
    if printer is not None:
        printer.flush()
    result = _stopped_result(result)
    result = replace(result, params=replace(result.params, time_limit=time_limit))
    if result.message and result.status.has_roster:
        _err(result.message)
    if result.status is SolveStatus.INFEASIBLE:
        _explain_infeasible(target, plan.problem, result, (), time_limit)
    if not result.status.has_roster:
        _err(f"No roster: {result.status.value}. {result.message}".strip())
        raise typer.Exit(1)
    evaluation = evaluate(plan.problem, result.roster)
    changes = change_log(baseline, result.roster)
    extra = [changes_sheet(plan.problem, changes)]
    written = write_roster_workbook(target, plan.problem, evaluation, result, extra_sheets=extra)
    typer.echo(render_changes(plan.problem, changes) + "\n")
    _print_summary(result, evaluation, written)
    _exit_checked(evaluation)


@app.command()
def template(
    out: Annotated[Path, typer.Argument(help="Where to write the blank input workbook.")] = Path(
        "outputs/input_template.xlsx"
    ),
) -> None:
    """Write a blank input workbook with drop-downs, to start a new program."""
    from scheduler.io.template import write_template

    write_template(out)
    typer.echo(f"Blank input template written to {out}")


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
    from scheduler.io.template import csv_folder_to_workbook

    _load(folder)  # validate first: never build a workbook from a broken program
    target = out or folder / f"{folder.name}.xlsx"
    if target.suffix.lower() != ".xlsx" or target.is_dir():
        # Never a CSV of the folder itself, nor a folder.
        _err(f"--out {target}: expected the name of an .xlsx workbook to write")
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        csv_folder_to_workbook(folder, target)  # written only once built whole
    except InputError as error:  # e.g. a workbook given instead of a folder
        raise _refuse(folder, error) from None
    typer.echo(f"Input workbook written to {target}")


def _operating_hours(text: str | None) -> tuple[int, int] | None:
    """`--hours 08-22` (or `08:00-22:00`, `24` for all day) as (first hour, end hour)."""
    from scheduler.io.read_cells import CellError, parse_hours

    if text is None:
        return None
    try:
        return parse_hours(text, "--hours")
    except CellError as error:
        _err(str(error))
        raise typer.Exit(EXIT_BAD_INPUT) from None


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
    from scheduler.demand.calls import (
        DemandSettings,
        calls_outside,
        demand_windows,
        hourly_needs,
        parse_team_zones,
        read_calls,
        unreachable_zones,
    )
    from scheduler.demand.workbook import write_demand_workbook

    try:
        team_zones = parse_team_zones(team_zone or [])
    except ValueError as error:
        _err(str(error))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if not 0 < service_level < 1:
        _err(f"--service-level {service_level:g}: expected a share between 0 and 1, e.g. 0.9")
        raise typer.Exit(EXIT_BAD_INPUT)
    if busy_minutes is not None and busy_minutes <= 0:
        _err(f"--busy-minutes {busy_minutes:g}: expected minutes > 0")
        raise typer.Exit(EXIT_BAD_INPUT)
    settings = DemandSettings(
        target_minutes=target_minutes,
        service_level=service_level,
        growth=growth,
        busy_minutes=busy_minutes,
        min_units=min_units,
        operating_hours=_operating_hours(hours),
        pool_weekdays=pool_weekdays,
        team_zones=team_zones,
    )
    problem = _load(inputs)
    try:
        logged = read_calls(calls, problem)
    except InputError as error:
        raise _refuse(calls, error) from None
    try:
        needs = hourly_needs(logged, problem, settings)
    except InputError as error:  # the options do not fit the program's zones
        _err(error.render())
        raise typer.Exit(EXIT_BAD_INPUT) from None
    for warning in unreachable_zones(logged, problem, settings):
        _err(f"Warning: {warning}")
    windows = demand_windows(needs)
    try:
        # Read back before it replaces `out`: what is written is a program `solve` reads.
        written = write_demand_workbook(inputs, needs, windows, out)
    except InputError as error:
        raise _refuse(inputs, error) from None
    unit_hours = sum(need.units for need in needs)
    typer.echo(
        f"{len(logged)} calls; {len(windows)} Demand rows, {unit_hours} unit-hours a week "
        f"required for {service_level:.0%} within {target_minutes:g} minutes"
    )
    outside = calls_outside(logged, settings.operating_hours)
    if outside:
        typer.echo(f"{outside} calls ({outside / len(logged):.1%}) fall outside --hours {hours}")
    typer.echo(f"Input workbook with Demand from calls written to {written}")


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
    from scheduler.demand.calls import mean_busy_minutes, read_calls
    from scheduler.io.simulation_report import read_rates, write_simulation_report
    from scheduler.simulate import ALL as ALL_GROUPS
    from scheduler.simulate import LoggedCall, SimulationSettings, headline, replay
    from scheduler.simulate import simulate as run_simulation

    if (calls is None) == (rates is None):
        _err("Give exactly one of --calls CALLS.csv or --rates DEMAND.xlsx.")
        raise typer.Exit(EXIT_BAD_INPUT)
    if out is not None and out.resolve() in {
        p.resolve() for p in (roster_path, inputs, calls, rates) if p is not None
    }:
        _err(f"--out {out} would overwrite an input; choose another file.")
        raise typer.Exit(EXIT_BAD_INPUT)
    problem = _load(inputs)
    roster = _load_roster(roster_path)
    settings = SimulationSettings(
        target_minutes=target_minutes, replications=replications, seed=seed
    )
    if calls is not None:
        try:
            logged = read_calls(calls, problem)
        except InputError as error:
            raise _refuse(calls, error) from None
        mean_busy = mean_busy_minutes(logged, None)
        replayed = replay(
            problem,
            [
                LoggedCall(c.received_at, c.zone, c.team, c.busy_minutes or mean_busy)
                for c in logged
            ],
        )
        typer.echo(replayed.description)
        result = run_simulation(problem, roster, settings, calls=replayed)
    else:
        assert rates is not None
        try:
            rate_table, busy = read_rates(rates, problem)
        except InputError as error:
            raise _refuse(rates, error) from None
        result = run_simulation(problem, roster, settings, rates=rate_table, busy_by_key=busy)
    for group in (g for g in result.groups if g.zone == ALL_GROUPS and g.hour is None):
        typer.echo(headline(group, target_minutes))
    if out is not None:
        typer.echo(f"Simulation report written to {write_simulation_report(out, result)}")


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
    import time

    from scheduler.io.read_workbook import read_problem
    from scheduler.plan.hires import without_hiring_warning
    from scheduler.plan.runner import (
        THREADS_PER_SOLVE,
        PlanInterrupted,
        default_processes,
        local_workers,
        run_with_progress,
    )
    from scheduler.plan.scenarios import (
        BASELINE,
        Scenario,
        apply_scenarios,
        read_problem_with_hiring,
        read_scenarios,
    )

    started = time.perf_counter()
    given = [p for p in (input_path, scenarios, calls, hiring) if p is not None]
    if out.resolve() in {p.resolve() for p in given}:
        _err(f"--out {out} would overwrite an input; choose another file.")
        raise typer.Exit(EXIT_BAD_INPUT)
    if budget is not None and not 0 <= budget <= MAX_BUDGET:  # also nan and inf
        _err(f"--budget {budget:g}: expected an amount from 0 to {MAX_BUDGET:,}")
        raise typer.Exit(EXIT_BAD_INPUT)
    if out.is_dir():
        _err(f"--out {out} is a folder; give the plan workbook's file name, e.g. plan.xlsx")
        raise typer.Exit(EXIT_BAD_INPUT)
    if service_level is not None and (calls is None or not 0 < service_level < 1):
        _err("--service-level needs --calls and a share between 0 and 1, e.g. 0.9")
        raise typer.Exit(EXIT_BAD_INPUT)

    def read_program(path: Path) -> Problem:
        # The warning that `solve` ignores Hiring is not for `plan`, which uses it.
        read = read_problem(path) if hiring is None else read_problem_with_hiring(path, hiring)
        return without_hiring_warning(read)

    problem = _read(input_path, read_program)
    planned = [Scenario(BASELINE)]
    if scenarios is not None:
        try:
            planned = read_scenarios(scenarios)
        except InputError as error:
            raise _refuse(scenarios, error) from None
    rates, busy = None, 75.0
    if calls is not None:
        from scheduler.demand.calls import call_rates, mean_busy_minutes, read_calls

        try:
            logged = read_calls(calls, problem)
        except InputError as error:
            raise _refuse(calls, error) from None
        rates, busy = call_rates(logged), mean_busy_minutes(logged, None)
        if service_level is not None:
            problem = _sized_from_calls(problem, logged, target_minutes, service_level)
    try:
        programs = apply_scenarios(problem, planned)
    except InputError as error:
        raise _refuse(scenarios or input_path, error) from None
    names = [s.name for s in planned]
    if frontier_scenario is not None and frontier_scenario not in names:
        _err(f"--frontier-scenario {frontier_scenario!r}: not a scenario ({', '.join(names)})")
        raise typer.Exit(EXIT_BAD_INPUT)
    frontier_of = None
    if frontier or frontier_scenario is not None:
        frontier_of = names.index(frontier_scenario or BASELINE)
    solves = len(planned)
    if frontier_of is not None:
        solves += sum(hire.max_count for hire in programs[frontier_of].hires) + 1
    processes = min(workers or default_processes(), solves)
    # Locally the cores are shared by the solves running at once (all of them for a lone
    # solve); a Dask worker's cores are its own business: each solve takes the default.
    threads = THREADS_PER_SOLVE if scheduler else max(1, local_workers() // processes)
    params = SolveParams(
        time_limit=time_limit,
        workers=threads,
        seed=seed,
        deterministic=deterministic,
    )
    jobs = _plan_jobs(planned, programs, params, budget, frontier_of, rates, busy, target_minutes)
    if not quiet:
        _err(
            f"Planning {problem.name}: {len(planned)} scenario(s)"
            + (
                f" and {sum(j.frontier for j in jobs)} frontier points"
                if frontier_of is not None
                else ""
            )
            + f", {time_limit:g} s per solve, "
            + (f"Dask at {scheduler}" if scheduler else f"{processes} local process(es)")
        )
    try:
        outcomes = run_with_progress(jobs, scheduler=scheduler, processes=processes, show=not quiet)
    except OSError as error:  # the Dask scheduler cannot be reached
        _err(f"Cannot run the solves: {error}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except PlanInterrupted as error:
        _err(f"Interrupted: {error}; nothing was written.")
        raise typer.Exit(interrupt.exit_code()) from None
    run_info: list[tuple[str, CellValue]] = [
        ("input", str(input_path)),
        ("scenarios", str(scenarios) if scenarios else "none (as is only)"),
        ("calls", str(calls) if calls else "none"),
        ("hiring", str(hiring) if hiring else "the input's Hiring sheet"),
        ("time limit per solve (s)", time_limit),
        ("solves", len(jobs)),
        ("ran on", f"Dask at {scheduler}" if scheduler else f"{processes} local processes"),
        ("search threads per solve", params.workers),
        ("seed", seed),
        ("deterministic", deterministic),
    ]
    _write_plan(out, planned, outcomes, target_minutes, time.perf_counter() - started, run_info)


def _sized_from_calls(
    problem: Problem, logged: list[Call], target_minutes: float, service_level: float
) -> Problem:
    """The program with Demand sized from the calls by Erlang C (as `demand` does)."""
    from scheduler.demand.calls import DemandSettings, demand_windows, hourly_needs
    from scheduler.plan.scenarios import window_row

    settings = DemandSettings(target_minutes=target_minutes, service_level=service_level)
    try:
        windows = demand_windows(hourly_needs(logged, problem, settings))
    except InputError as error:
        _err(error.render())
        raise typer.Exit(EXIT_BAD_INPUT) from None
    rows = tuple(
        window_row(w.team, w.zone, w.weekday, (w.start_hour, w.end_hour), w.units) for w in windows
    )
    return problem.model_copy(update={"demand": rows})


def _plan_jobs(
    planned: Sequence[Scenario],
    programs: Sequence[Problem],
    params: SolveParams,
    budget: float | None,
    frontier_of: int | None,
    rates: Rates | None,
    busy: float,
    target_minutes: float,
) -> list[PlanJob]:
    from dataclasses import replace

    from scheduler.plan.runner import PlanJob

    jobs = [
        PlanJob(
            scenario=s.name,
            problem=p,
            params=params,
            budget=budget,
            rates=rates,
            busy_minutes=busy,
            target_minutes=target_minutes,
        )
        for s, p in zip(planned, programs, strict=True)
    ]
    if frontier_of is not None:
        # One scenario with at most 0, 1, ... hires (budget ignored: coverage per hire).
        limit = sum(hire.max_count for hire in programs[frontier_of].hires)
        jobs += [
            replace(jobs[frontier_of], budget=None, max_hires=n, frontier=True)
            for n in range(limit + 1)
        ]
    return jobs


def _write_plan(
    out: Path,
    planned: Sequence[Scenario],
    outcomes: Sequence[PlanOutcome],
    target_minutes: float,
    seconds: float,
    run_info: list[tuple[str, CellValue]],
) -> None:
    """Rosters (checked), then PLAN.xlsx; the side-by-side figures on the terminal."""
    from scheduler.io.plan_workbook import plan_rosters_written, write_plan_workbook
    from scheduler.plan.hires import COST_FORMULA

    plans = [o for o in outcomes if not o.frontier]
    with plan_rosters_written(out, list(zip(planned, plans, strict=True))) as checked:
        written = write_plan_workbook(
            out,
            checked,
            [o for o in outcomes if o.frontier],
            COST_FORMULA,
            target_minutes,
            run_info=[*run_info, ("run seconds (measured)", round(seconds, 1))],
        )
    for item in checked:
        p = item.outcome.plan
        hires = ", ".join(f"{n} x {k}" for k, n in sorted(p.hires.items()) if n) or "no hires"
        within = item.outcome.within_target
        calls_text = (
            "" if within is None else f", calls within {target_minutes:g} min {within.mean:.1%}"
        )
        gap = p.cost_gap
        proof = (
            ""
            if gap is None
            else ", proven cheapest"
            if gap < 0.0005
            else f"; a plan covering as much may cost up to {gap:.1%} less"
        )
        typer.echo(
            f"{item.scenario.name}: {hires}; annual cost {p.total_annual_cost:,.0f} "
            f"(hires {p.annual_hire_cost:,.0f}, overtime {p.annual_overtime_cost:,.0f}"
            f"{proof}); "
            f"required coverage {100 * p.required_coverage:.1f}%{calls_text}"
            + (f"; {p.note}" if p.note else "")
        )
    typer.echo(f"Plan written to {written} in {seconds:.0f} s; rosters in {written.stem}_rosters/")
    broken = [c.scenario.name for c in checked if c.checked_hard_violations]
    if broken:
        _err(f"The checker finds hard violations in the roster of: {', '.join(broken)}")
        raise typer.Exit(EXIT_VIOLATIONS)


bench_app = typer.Typer(
    no_args_is_help=True, help="Public benchmarks, solved by the same engine as rosters."
)
app.add_typer(bench_app, name="bench")

DEFAULT_CURTOIS_OUT = Path("outputs/curtois")


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
    from scheduler.bench_curtois import (
        instance_files,
        read_best_known,
        solve_instance,
        write_results,
    )

    if (instance is None) == (all_in is None):
        _err("Give one instance file, or --all FOLDER.")
        raise typer.Exit(EXIT_BAD_INPUT)
    folder = all_in if all_in is not None else instance.parent  # type: ignore[union-attr]
    paths = instance_files(folder) if all_in is not None else [instance]
    if not paths or not all(p is not None and p.is_file() for p in paths):
        _err(f"No instance file found: {all_in or instance}")
        raise typer.Exit(EXIT_BAD_INPUT)
    out_folder = (out or DEFAULT_CURTOIS_OUT) if all_in is not None else None
    if out_folder is not None:
        out_folder.mkdir(parents=True, exist_ok=True)
    best = read_best_known(folder)
    params = SolveParams(time_limit=time_limit, workers=workers, seed=seed)
    runs = []
    for path in paths:
        assert path is not None
        if out_folder is not None:
            solution = out_folder / f"{path.stem}.csv"
        else:
            solution = out or DEFAULT_CURTOIS_OUT / f"{path.stem}.csv"
            solution.parent.mkdir(parents=True, exist_ok=True)
        try:
            run, _ = solve_instance(path, params, solution, best.get(path.stem))
        except InputError as error:
            raise _refuse(path, error) from None
        runs.append(run)
        if not quiet or all_in is None:
            typer.echo(
                f"{run.instance}: objective {run.objective}, bound {run.bound}, "
                f"best known {run.best_known}, gap "
                f"{'-' if run.gap_pct is None else f'{run.gap_pct:.2f}%'}, {run.status}, "
                f"{run.seconds:.1f} s (best at {run.seconds_to_best or 0:.1f} s), "
                f"checked {'yes' if run.checked else 'NO'} -> {solution}"
            )
    if out_folder is not None:
        write_results(runs, out_folder / "results.csv", out_folder / "results.md")
        typer.echo(f"Results: {out_folder / 'results.csv'} and {out_folder / 'results.md'}")
    if not all(run.checked for run in runs if run.check is not None):
        _err("The independent check disagrees with the solver (see 'checked' above).")
        raise typer.Exit(EXIT_VIOLATIONS)
    if any(run.check is None for run in runs):
        raise typer.Exit(EXIT_INFEASIBLE)


def main() -> None:
    """The command line (`main.py`, the `crisis-roster` script)."""
    interrupt.run_command_line(app)
