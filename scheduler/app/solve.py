"""The solve job: a program in, a checked roster workbook out.

Reads the program (and `previous`'s rows as History, `calls` for a simulation),
pre-checks it, budgets the time, picks whole model or zone groups, solves, explains
an infeasible program, checks the roster independently and writes its workbook.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from scheduler.app.common import (
    Outcome,
    PathLike,
    Report,
    as_input,
    as_path,
    bad_option,
    check_search_options,
    data_frame,
    load_roster,
    outcome_fields,
    paths_of,
    program_of,
    refused,
    search_seconds,
)
from scheduler.errors import EXIT_INFEASIBLE, EXIT_OK, EXIT_VIOLATIONS, InputError
from scheduler.io.output_paths import guard_roster_output
from scheduler.model.problem import Problem
from scheduler.model.report import Evaluation
from scheduler.model.result import ProgressEvent, SolveParams, SolveResult, SolveStatus
from scheduler.model.roster import Roster
from scheduler.model.stop import StopToken, never_stopped

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.app.common import NoteHandler
    from scheduler.demand.calls import Call
    from scheduler.io.safe_cells import CellValue

ProgressHandler = Callable[[ProgressEvent], None]
Method = Literal["whole", "zones", "auto"]
METHODS: tuple[Method, ...] = ("whole", "zones", "auto")

#: Replications when `solve --calls` simulates the roster (the `simulate` default).
SOLVE_REPLICATIONS = 30


@dataclass(frozen=True)
class SolveSettings:
    """How to solve: the command line's options of `solve` (and `repair`)."""

    time_limit: float = 30.0  # seconds for the whole job (both stages, check, write)
    workers: int = 2
    seed: int = 0
    deterministic: bool = False  # same input and seed give the same roster
    method: Method = "auto"  # whole model, zone groups, or zone groups when too big
    target_minutes: float = 10.0  # response target of the `calls` simulation


#: The settings a job uses when given none.
DEFAULT_SOLVE = SolveSettings()


class _TablesOfRoster:
    """The workbook's `Assignments`, `Coverage`, `Hours` and `Gaps` as DataFrames,
    built from the rows the workbook writer writes (empty without a roster)."""

    problem: Problem
    roster: Roster | None
    evaluation: Evaluation | None

    @property
    def assignments(self) -> pd.DataFrame:
        from scheduler.io.write_workbook import ASSIGNMENT_COLUMNS, assignments_table

        roster = self.roster
        return data_frame(
            assignments_table(self.problem, roster)
            if roster is not None
            else (ASSIGNMENT_COLUMNS, [])
        )

    @property
    def coverage(self) -> pd.DataFrame:
        from scheduler.io.write_workbook import COVERAGE_COLUMNS, coverage_table

        evaluation = self.evaluation
        return data_frame(
            coverage_table(evaluation) if evaluation is not None else (COVERAGE_COLUMNS, [])
        )

    @property
    def hours(self) -> pd.DataFrame:
        from scheduler.io.write_workbook import hours_table

        return data_frame(
            hours_table(self.problem, self.evaluation.hours if self.evaluation else ())
        )

    @property
    def gaps(self) -> pd.DataFrame:
        from scheduler.io.write_workbook import GAP_COLUMNS, gaps_table

        evaluation = self.evaluation
        return data_frame(gaps_table(evaluation) if evaluation is not None else (GAP_COLUMNS, []))


@dataclass(frozen=True, kw_only=True)
class SolveOutcome(Outcome, _TablesOfRoster):
    """A solve's result, its roster checked by the checker (None without one)."""

    problem: Problem
    result: SolveResult | None  # None: refused before the search (pre-check)
    roster: Roster | None
    evaluation: Evaluation | None
    explanation: tuple[str, ...] = ()  # why the rules cannot all hold (exit 3)


def solve(
    program: PathLike | Problem,
    settings: SolveSettings = DEFAULT_SOLVE,
    *,
    out: PathLike | None = None,
    previous: PathLike | None = None,
    calls: PathLike | None = None,
    on_progress: ProgressHandler | None = None,
    stop: StopToken | None = None,
    on_note: NoteHandler | None = None,
) -> SolveOutcome:
    """Make a roster for `program`, check it and (with `out`) write its workbook.

    Exit codes as the command line's: 0 done, 1 no roster or one that breaks a hard
    rule, 3 infeasible (the explanation in `explanation` and `out`'s Summary),
    130/143 when `stop` was requested. Bad input raises `InputError`."""
    started = time.monotonic()
    check_settings(settings)
    program = as_input(program)
    out, previous, calls = (None if p is None else as_path(p) for p in (out, previous, calls))
    if out is not None:  # before anything is read or computed
        guard_roster_output("--out", out, paths_of(program, previous, calls))
    stop = never_stopped(stop)
    report = Report(on_note)
    read = program_of(program, report)
    problem = read.value
    if previous is not None:
        from scheduler.io.read_workbook import with_history

        earlier = load_roster(previous, problem)
        for warning in earlier.warnings:
            report.warn(warning)
        problem = with_history(problem, earlier.value.assignments)
    logged_calls = _read_calls(calls, problem)
    from scheduler.precheck import precheck

    checked = precheck(problem)
    for warning in checked.warnings:
        report.warn(warning)
    if checked.errors:
        warnings = (*read.warnings, *checked.warnings)
        return refuse_infeasible(report, out, problem, None, checked.errors, warnings)
    params = SolveParams(
        time_limit=settings.time_limit
        if settings.deterministic
        else search_seconds(settings.time_limit, started, problem),
        workers=settings.workers,
        seed=settings.seed,
        deterministic=settings.deterministic,
    )
    if on_progress is not None:
        report.note(
            f"Solving {problem.name}: {len(problem.staff)} staff, {problem.days} days, "
            f"{len(problem.zones)} zones, time limit {settings.time_limit:g} s, "
            f"{settings.workers} workers"
        )
    if stop.requested:  # before the search began: nothing to keep
        return _outcome(report, stop.exit_code, problem, None, None)
    result = _search(problem, params, settings.method, on_progress, stop)
    return finish(
        report,
        problem,
        result,
        settings,
        stop,
        out,
        read.warnings,
        checked.warnings,
        simulated=partial(_simulated_response, logged_calls, settings.target_minutes)
        if logged_calls
        else None,
    )


def check_settings(settings: SolveSettings) -> None:
    """Refuse settings no search can run with (exit 2; `InputError` from Python)."""
    check_search_options(settings.time_limit, settings.workers, settings.seed)
    if settings.method not in METHODS:
        raise bad_option(f"--method {settings.method}: expected one of {', '.join(METHODS)}")


def _read_calls(calls: Path | None, problem: Problem) -> list[Call] | None:
    if calls is None:
        return None
    from scheduler.demand.calls import read_calls

    try:
        return read_calls(calls, problem)
    except InputError as error:
        raise refused(calls, error) from None


def _search(
    problem: Problem,
    params: SolveParams,
    method: Method,
    on_progress: ProgressHandler | None,
    stop: StopToken,
) -> SolveResult:
    """The whole model, zone groups, or (auto) zone groups only when it is too big."""
    # Looked up when called, so that a test can stand in for the solver.
    from scheduler.solve import solve as solve_whole
    from scheduler.solve.decompose import groups_needed, solve_auto, solve_by_zone_groups

    if method == "whole":
        return solve_whole(problem, params, on_progress=on_progress, stop=stop)
    if method == "zones":
        groups = max(min(2, len(problem.zones)), groups_needed(problem))
        return solve_by_zone_groups(problem, params, groups, on_progress=on_progress, stop=stop)
    return solve_auto(problem, params, on_progress=on_progress, stop=stop)


Simulated = Callable[[Problem, Roster, Report], list[tuple[str, "CellValue"]]]


def finish(
    report: Report,
    problem: Problem,
    result: SolveResult,
    settings: SolveSettings,
    stop: StopToken,
    out: Path | None,
    read_warnings: Sequence[str],
    precheck_warnings: Sequence[str] = (),
    *,
    simulated: Simulated | None = None,
    extra_sheets: Callable[[Roster], list[Callable[..., None]]] | None = None,
    before_summary: Callable[[Roster], Sequence[str]] | None = None,
) -> SolveOutcome:
    """After the search (solve and repair): say how a stop ended it, explain an
    infeasible program, check the roster, write the workbook, sum up. The program
    reader's warnings go to the workbook's Summary; the pre-check's only to an
    infeasible one's."""
    if stop.requested:
        if not result.status.has_roster:
            report.note("Interrupted before any roster was found: nothing written.")
            return _outcome(report, stop.exit_code, problem, result, None)
        report.note("Interrupted: writing the best roster found so far.")
        result = replace(result, status=SolveStatus.INTERRUPTED)
    result = replace(result, params=replace(result.params, time_limit=settings.time_limit))
    if result.message and result.status.has_roster:
        report.note(result.message)
    if result.status is SolveStatus.INFEASIBLE:
        warnings = (*read_warnings, *precheck_warnings)
        return _explain_infeasible(report, out, problem, result, warnings, settings, stop)
    if not result.status.has_roster:
        report.note(f"No roster: {result.status.value}. {result.message}".strip())
        return _outcome(report, EXIT_VIOLATIONS, problem, result, None)
    from scheduler.evaluate import evaluate

    evaluation = evaluate(problem, result.roster)
    summary_rows = simulated(problem, result.roster, report) if simulated else []
    if out is not None:
        from scheduler.io.schedule_sheet import add_schedule_sheet
        from scheduler.io.write_workbook import write_roster_workbook

        # One printable page per person, as `publish` writes it.
        sheets = (
            extra_sheets(result.roster)
            if extra_sheets
            else [partial(add_schedule_sheet, problem=problem, roster=result.roster)]
        )
        report.wrote(
            write_roster_workbook(
                out,
                problem,
                evaluation,
                result,
                extra_sheets=sheets,
                summary_extra=summary_rows,
                warnings=read_warnings,
            )
        )
    if before_summary is not None:
        report.say(*before_summary(result.roster))
    report.say(*summary_lines(result, evaluation, report.written[-1] if out else None))
    if not evaluation.feasible:
        report.note(
            "Internal check failed: the roster breaks hard rules (see the Violations sheet)."
        )
    code = EXIT_OK
    if stop.requested:
        code = stop.exit_code
    elif not evaluation.feasible:
        code = EXIT_VIOLATIONS
    return _outcome(report, code, problem, result, evaluation)


def _outcome(
    report: Report,
    exit_code: int,
    problem: Problem,
    result: SolveResult | None,
    evaluation: Evaluation | None,
    explanation: Sequence[str] = (),
) -> SolveOutcome:
    roster = result.roster if result is not None and evaluation is not None else None
    return SolveOutcome(
        **outcome_fields(report, exit_code),  # type: ignore[arg-type]
        problem=problem,
        result=result,
        roster=roster,
        evaluation=evaluation,
        explanation=tuple(explanation),
    )


def _explain_infeasible(
    report: Report,
    out: Path | None,
    problem: Problem,
    result: SolveResult,
    warnings: Sequence[str],
    settings: SolveSettings,
    stop: StopToken,
) -> SolveOutcome:
    """The solver found the rules infeasible: find a small conflict and refuse with it."""
    from scheduler.solve.explain import explain_core

    explanation = explain_core(problem, seconds=max(10.0, settings.time_limit), stop=stop)
    if not explanation:  # the solver's own words, when no smaller conflict is found
        explanation = [result.message or "the hard rules cannot all hold"]
    if stop.requested:
        explanation = [
            *explanation,
            "(interrupted while the conflict was narrowed down: it may name more rules "
            "than the conflict needs)",
        ]
        return refuse_infeasible(
            report, out, problem, result, explanation, warnings, stop.exit_code
        )
    return refuse_infeasible(report, out, problem, result, explanation, warnings)


def refuse_infeasible(
    report: Report,
    out: Path | None,
    problem: Problem,
    result: SolveResult | None,
    explanation: Sequence[str],
    warnings: Sequence[str],
    exit_code: int = EXIT_INFEASIBLE,
) -> SolveOutcome:
    """Say why the rules cannot all hold and write it to the workbook's Summary (exit 3)."""
    report.note("No roster: the hard rules cannot all hold.")
    for line in explanation:
        report.note(f"  - {line}")
    if out is not None:
        from scheduler.io.write_workbook import write_infeasible_workbook

        written = report.wrote(write_infeasible_workbook(out, problem, explanation, warnings))
        report.note(f"Explanation written to {written} (Summary)")
    return _outcome(report, exit_code, problem, result, None, explanation)


def summary_lines(result: SolveResult, evaluation: Evaluation, written: Path | None) -> list[str]:
    """The summary `solve` and `repair` print: status, coverage, shortfall, overtime."""
    parts = evaluation.parts
    gap = result.gap
    gap_text = f", gap {100 * gap:.2f}%" if gap is not None else ""
    proof = ""
    if result.status is SolveStatus.INTERRUPTED:
        proof = " (interrupted: the best roster found before the stop, not proven best)"
    elif not result.stage1_optimal:
        proof = " (coverage not proven best in the time limit: give more --time-limit)"
    short = ", ".join(f"{team} {n}" for team, n in evaluation.shortfall_by_team.items() if n)
    lines = [
        f"Status: {result.status.value}{gap_text} in {result.seconds:.1f} s{proof}",
        f"Coverage met: {evaluation.coverage_pct:.1f}% of {evaluation.required_unit_slots} "
        "required unit-slots",
        f"Shortfall (unit-slots): {short or 'none'}; below target: {parts.target_shortfall}",
        f"Units rostered: {evaluation.unit_count}",
        f"Overtime: {evaluation.overtime_hours:.1f} h, cost {parts.overtime_cost:,.2f}; "
        f"below contract: {parts.contract_shortfall_minutes / 60:.1f} h",
        f"Requests honoured: {evaluation.requests_met} of {evaluation.requests_total}",
    ]
    if written is not None:
        lines.append(f"Roster written to {written}")
    return lines


def _simulated_response(
    logged: list[Call], target_minutes: float, problem: Problem, roster: Roster, report: Report
) -> list[tuple[str, CellValue]]:
    """Simulate the roster against fresh Poisson calls at the log's rates; the headline
    per team to the summary lines, and as Summary rows (mean and 95% half-width)."""
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
        report.say(f"Simulated: {headline(group, target_minutes)}")
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
