"""The plan job: for each scenario the cheapest hires that meet required coverage (or,
with a budget, the most coverage for the money), checked rosters and PLAN.xlsx."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from scheduler.app.common import (
    Outcome,
    Refused,
    Report,
    bad_option,
    outcome_fields,
    refused,
    unlocated,
)
from scheduler.errors import EXIT_OK, EXIT_VIOLATIONS, InputError
from scheduler.io.output_paths import OutputPathError, guard_output_file, guard_output_folder
from scheduler.model.loaded import Loaded
from scheduler.model.problem import Problem
from scheduler.model.result import SolveParams
from scheduler.model.stop import StopToken, never_stopped

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.app.common import NoteHandler
    from scheduler.demand.calls import Call
    from scheduler.io.safe_cells import CellValue
    from scheduler.plan.runner import PlanJob, Rates
    from scheduler.plan.runner import PlanOutcome as JobOutcome
    from scheduler.plan.scenarios import Scenario
    from scheduler.plan.workbook import ScenarioPlan

#: The largest `plan --budget` (a year): far above any program's, low enough that the
#: solver's whole-number arithmetic on cents cannot overflow.
MAX_BUDGET = 10_000_000_000


@dataclass(frozen=True)
class PlanSettings:
    budget: float | None = None  # a year, for hires: the hires that buy the most coverage
    frontier: bool = False  # also plan a scenario with at most 0, 1, 2, ... hires
    frontier_scenario: str | None = None  # that scenario (implies frontier); 'as is'
    service_level: float | None = None  # with calls: Demand sized from them first
    target_minutes: float = 10.0
    scheduler: str | None = None  # Dask scheduler address; None: local processes
    time_limit: float = 60.0  # per solve
    workers: int | None = None  # solves at once (local); None: one per 2 cores
    seed: int = 0
    deterministic: bool = False


DEFAULT_PLAN = PlanSettings()


@dataclass(frozen=True)
class PlanProgress:
    """Before the solves (`outcome` None, `description` says what runs) and after each."""

    done: int
    total: int
    description: str = ""
    outcome: JobOutcome | None = None


@dataclass(frozen=True, kw_only=True)
class PlanOutcome(Outcome):
    plans: tuple[ScenarioPlan, ...]  # one per scenario, each roster written and checked
    frontier: tuple[JobOutcome, ...]
    target_minutes: float = 10.0

    @property
    def scenarios(self) -> pd.DataFrame:
        """The `Scenarios` sheet: one row per figure, one column per scenario."""
        import pandas as pd

        from scheduler.plan.workbook import scenarios_rows

        rows = scenarios_rows(self.plans, self.target_minutes)
        names = [p.scenario.name for p in self.plans]
        return pd.DataFrame(
            [values for _, values in rows],
            index=pd.Index([label for label, _ in rows], name="scenario"),
            columns=names,
        )


def plan(
    program: Path | Problem,
    settings: PlanSettings = DEFAULT_PLAN,
    *,
    out: Path,
    scenarios: Path | None = None,
    hiring: Path | None = None,
    calls: Path | None = None,
    on_progress: Callable[[PlanProgress], None] | None = None,
    stop: StopToken | None = None,
    on_note: NoteHandler | None = None,
) -> PlanOutcome:
    """Plan hires for 'as is' and each of `scenarios`, write their checked rosters
    (`<out>_rosters/`) and the plan workbook `out`. A stop cancels the solves and
    writes nothing (exit 130/143). Exit 1 when a roster breaks a hard rule."""
    from scheduler.plan.runner import (
        THREADS_PER_SOLVE,
        PlanInterrupted,
        default_processes,
        local_workers,
        run_plan_jobs,
    )
    from scheduler.plan.scenarios import BASELINE, Scenario, apply_scenarios, read_scenarios

    started = time.perf_counter()
    stop = never_stopped(stop)
    report = Report(on_note)
    _check_options(program, settings, out, scenarios, calls, hiring)
    read = _program(program, hiring, report)
    problem = read.value
    planned = [Scenario(BASELINE)]
    if scenarios is not None:
        try:
            planned = read_scenarios(scenarios)
        except InputError as error:
            raise refused(scenarios, error) from None
    rates, busy = None, 75.0
    if calls is not None:
        from scheduler.demand.calls import call_rates, mean_busy_minutes, read_calls

        try:
            logged = read_calls(calls, problem)
        except InputError as error:
            raise refused(calls, error) from None
        rates, busy = call_rates(logged), mean_busy_minutes(logged, None)
        if settings.service_level is not None:
            problem = _sized_from_calls(
                problem, logged, settings.target_minutes, settings.service_level
            )
    try:
        programs = apply_scenarios(problem, planned)
    except InputError as error:
        source = scenarios or (program if isinstance(program, Path) else Path("program"))
        raise refused(source, error) from None
    names = [s.name for s in planned]
    if settings.frontier_scenario is not None and settings.frontier_scenario not in names:
        raise bad_option(
            f"--frontier-scenario {settings.frontier_scenario!r}: not a scenario "
            f"({', '.join(names)})"
        )
    frontier_of = None
    if settings.frontier or settings.frontier_scenario is not None:
        frontier_of = names.index(settings.frontier_scenario or BASELINE)
    solves = len(planned)
    if frontier_of is not None:
        solves += sum(hire.max_count for hire in programs[frontier_of].hires) + 1
    processes = min(settings.workers or default_processes(), solves)
    # Locally the cores are shared by the solves running at once (all of them for a lone
    # solve); a Dask worker's cores are its own business: each solve takes the default.
    threads = THREADS_PER_SOLVE if settings.scheduler else max(1, local_workers() // processes)
    params = SolveParams(
        time_limit=settings.time_limit,
        workers=threads,
        seed=settings.seed,
        deterministic=settings.deterministic,
    )
    jobs = _plan_jobs(planned, programs, params, settings, frontier_of, rates, busy)
    ran_on = (
        f"Dask at {settings.scheduler}" if settings.scheduler else f"{processes} local process(es)"
    )
    description = (
        f"Planning {problem.name}: {len(planned)} scenario(s)"
        + (
            f" and {sum(j.frontier for j in jobs)} frontier points"
            if frontier_of is not None
            else ""
        )
        + f", {settings.time_limit:g} s per solve, "
        + ran_on
    )
    on_done = None
    if on_progress is not None:
        on_progress(PlanProgress(0, len(jobs), description))
        finished = [0]

        def on_done(index: int, outcome: JobOutcome) -> None:
            finished[0] += 1
            on_progress(PlanProgress(finished[0], len(jobs), description, outcome))

    try:
        outcomes = run_plan_jobs(
            jobs,
            scheduler=settings.scheduler,
            processes=processes,
            on_done=on_done,
            stop=stop,
        )
    except OSError as error:  # the Dask scheduler cannot be reached
        raise bad_option(f"Cannot run the solves: {error}") from None
    except PlanInterrupted as error:
        report.note(f"Interrupted: {error}; nothing was written.")
        return PlanOutcome(
            **outcome_fields(report, stop.exit_code),  # type: ignore[arg-type]
            plans=(),
            frontier=(),
            target_minutes=settings.target_minutes,
        )
    run_info: list[tuple[str, CellValue]] = [
        ("input", str(program) if isinstance(program, Path) else problem.name),
        ("scenarios", str(scenarios) if scenarios else "none (as is only)"),
        ("calls", str(calls) if calls else "none"),
        ("hiring", str(hiring) if hiring else "the input's Hiring sheet"),
        ("time limit per solve (s)", settings.time_limit),
        ("solves", len(jobs)),
        (
            "ran on",
            f"Dask at {settings.scheduler}"
            if settings.scheduler
            else f"{processes} local processes",
        ),
        ("search threads per solve", params.workers),
        ("seed", settings.seed),
        ("deterministic", settings.deterministic),
    ]
    return _write_plan(
        report, out, planned, outcomes, settings.target_minutes, started, run_info, read.warnings
    )


#: The names a plan writes in its rosters folder (`plan.workbook.file_name` + .xlsx).
ROSTER_FILE_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\.xlsx")


def _guard_replaced_rosters(out: Path, rosters: Path) -> None:
    """The rosters folder is replaced as a whole: refuse, before any solve, when that
    would delete what no plan wrote there (a folder, another file, an Excel lock file),
    or when `out` itself lies in another plan's rosters folder (which that plan's next
    run would delete)."""
    if rosters.is_dir():
        foreign = sorted(
            entry.name
            for entry in rosters.iterdir()
            if not (entry.is_file() and ROSTER_FILE_NAME.fullmatch(entry.name))
        )
        if foreign:
            shown = ", ".join(foreign[:5]) + (
                f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
            )
            raise OutputPathError(
                "--out",
                out,
                f"its rosters folder {rosters.name}/ holds {shown}, which no plan wrote; the "
                "plan replaces that folder as a whole, so move them away (or close them in "
                "Excel) first",
            )
    parent = out.resolve().parent
    if parent.name.endswith("_rosters") and len(parent.name) > len("_rosters"):
        owner = parent.with_name(parent.name.removesuffix("_rosters") + ".xlsx")
        if owner.is_file():
            raise OutputPathError(
                "--out",
                out,
                f"is inside the rosters folder of the plan {owner.name}, which that plan "
                "replaces as a whole when it runs again; give a path outside it",
            )


def _check_options(
    program: Path | Problem,
    settings: PlanSettings,
    out: Path,
    scenarios: Path | None,
    calls: Path | None,
    hiring: Path | None,
) -> None:
    given = [p for p in (program, scenarios, calls, hiring) if isinstance(p, Path)]
    guard_output_file("--out", out, given, what="the plan workbook's file name, e.g. plan.xlsx")
    rosters = guard_output_folder(
        "--out", out.with_name(f"{out.stem}_rosters"), given, replaced_whole=True
    )
    _guard_replaced_rosters(out, rosters)
    budget = settings.budget
    if budget is not None and not 0 <= budget <= MAX_BUDGET:  # also nan and inf
        raise bad_option(f"--budget {budget:g}: expected an amount from 0 to {MAX_BUDGET:,}")
    level = settings.service_level
    if level is not None and (calls is None or not 0 < level < 1):
        raise bad_option("--service-level needs --calls and a share between 0 and 1, e.g. 0.9")


def _program(program: Path | Problem, hiring: Path | None, report: Report) -> Loaded[Problem]:
    """The program, its Hiring rows from `hiring` when given, read as `plan` reads it:
    Hiring used, so without the warning that `solve` ignores it."""
    from scheduler.plan.scenarios import load_problem_for_plan

    if isinstance(program, Problem):
        if hiring is not None:
            raise bad_option("--hiring needs the program as a file")
        return Loaded(program)
    try:
        read = load_problem_for_plan(program, hiring)
    except InputError as error:
        if hiring is None:
            raise refused(program, error) from None
        # The Hiring rows came from --hiring: their issues are that file's, not the program's.
        lines: list[str] = []
        for source, own in (
            (hiring, [i for i in error.issues if i.sheet.lower() == "hiring"]),
            (program, [i for i in error.issues if i.sheet.lower() != "hiring"]),
        ):
            if own:
                lines += refused(source, InputError(own)).lines
        raise Refused(error.issues, lines) from None
    for warning in read.warnings:
        report.warn(warning)
    return read


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
        raise unlocated(error) from None
    rows = tuple(
        window_row(w.team, w.zone, w.weekday, (w.start_hour, w.end_hour), w.units) for w in windows
    )
    return problem.model_copy(update={"demand": rows})


def _plan_jobs(
    planned: Sequence[Scenario],
    programs: Sequence[Problem],
    params: SolveParams,
    settings: PlanSettings,
    frontier_of: int | None,
    rates: Rates | None,
    busy: float,
) -> list[PlanJob]:
    from scheduler.plan.runner import PlanJob

    jobs = [
        PlanJob(
            scenario=s.name,
            problem=p,
            params=params,
            budget=settings.budget,
            rates=rates,
            busy_minutes=busy,
            target_minutes=settings.target_minutes,
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
    report: Report,
    out: Path,
    planned: Sequence[Scenario],
    outcomes: Sequence[JobOutcome],
    target_minutes: float,
    started: float,
    run_info: list[tuple[str, CellValue]],
    warnings: Sequence[str],
) -> PlanOutcome:
    """Rosters (checked, the reader's `warnings` in their Summary), then PLAN.xlsx; the
    side-by-side figures in the lines."""
    from scheduler.plan.hires import COST_FORMULA
    from scheduler.plan.workbook import plan_rosters_written, write_plan_workbook

    plans = [o for o in outcomes if not o.frontier]
    frontier = [o for o in outcomes if o.frontier]
    seconds = time.perf_counter() - started
    with plan_rosters_written(out, list(zip(planned, plans, strict=True)), warnings) as checked:
        written = write_plan_workbook(
            out,
            checked,
            frontier,
            COST_FORMULA,
            target_minutes,
            run_info=[*run_info, ("run seconds (measured)", round(seconds, 1))],
        )
    report.written.extend(item.roster_file for item in checked if item.roster_file)
    report.wrote(written)
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
        report.say(
            f"{item.scenario.name}: {hires}; annual cost {p.total_annual_cost:,.0f} "
            f"(hires {p.annual_hire_cost:,.0f}, overtime {p.annual_overtime_cost:,.0f}"
            f"{proof}); "
            f"required coverage {100 * p.required_coverage:.1f}%{calls_text}"
            + (f"; {p.note}" if p.note else "")
        )
    report.say(f"Plan written to {written} in {seconds:.0f} s; rosters in {written.stem}_rosters/")
    broken = [c.scenario.name for c in checked if c.checked_hard_violations]
    code = EXIT_OK
    if broken:
        report.note(f"The checker finds hard violations in the roster of: {', '.join(broken)}")
        code = EXIT_VIOLATIONS
    return PlanOutcome(
        **outcome_fields(report, code),  # type: ignore[arg-type]
        plans=tuple(checked),
        frontier=tuple(frontier),
        target_minutes=target_minutes,
    )
