"""Independent planning solves, run in parallel: local processes or a Dask cluster.

Each job (one scenario's plan, one frontier point) is a `PlanJob`; `run_plan_job`
solves it in whatever process runs it and returns a picklable `PlanOutcome`. Both
backends go through `run_jobs`: submit every job, collect them as they finish (a
progress bar counts them), return them in job order. Without `scheduler` the jobs
run on a local process pool; with `tcp://HOST:8786` on that Dask distributed
cluster, whose workers need this package installed.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as local_wait
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from scheduler.model.problem import Hire, Problem, Team
from scheduler.model.result import SolveParams
from scheduler.model.roster import Roster
from scheduler.model.stop import StopToken, never_stopped
from scheduler.plan.hires import HirePlan, plan_hires

Job = TypeVar("Job")
Outcome = TypeVar("Outcome")

#: Simulation runs per plan: enough for a share within a few points, quick beside a solve.
PLAN_REPLICATIONS = 10

Rates = dict[tuple[int, int, str, Team], float]


@dataclass(frozen=True)
class PlanJob:
    """One solve: a scenario's program planned as `plan_hires` is asked to."""

    scenario: str
    problem: Problem
    params: SolveParams
    max_hires: int | None = None  # frontier point: at most this many hires
    budget: float | None = None
    frontier: bool = False  # a frontier point rather than the scenario's plan
    # A warm start: a neighbouring point's roster (`run_plan_jobs` sets it).
    hint: Roster | None = None
    # Calls per (weekday, hour, zone, team): the plan's roster is then simulated.
    rates: Rates | None = None
    busy_minutes: float = 75.0
    target_minutes: float = 10.0
    replications: int = PLAN_REPLICATIONS


@dataclass(frozen=True)
class SimulatedShare:
    """The share of calls reached within the target, over the simulation's runs."""

    mean: float
    half_width: float
    replications: int


@dataclass(frozen=True)
class PlanOutcome:
    scenario: str
    frontier: bool
    max_hires: int | None
    plan: HirePlan
    # The scenario's Hiring kinds (the plan's own program keeps only the people hired).
    hire_kinds: tuple[Hire, ...]
    within_target: SimulatedShare | None
    seconds: float  # the job's wall time, solve and simulation


def run_plan_job(job: PlanJob) -> PlanOutcome:
    """Plan one job (and simulate its roster when call rates are given)."""
    started = time.perf_counter()
    plan = plan_hires(
        job.problem, job.params, max_hires=job.max_hires, budget=job.budget, hint=job.hint
    )
    within = None
    if job.rates is not None and plan.result.status.has_roster:
        within = simulated_share(plan.problem, plan, job)
    return PlanOutcome(
        scenario=job.scenario,
        frontier=job.frontier,
        max_hires=job.max_hires,
        plan=plan,
        hire_kinds=job.problem.hires,
        within_target=within,
        seconds=time.perf_counter() - started,
    )


def simulated_share(problem: Problem, plan: HirePlan, job: PlanJob) -> SimulatedShare | None:
    from scheduler.simulate import SimulationSettings, simulate

    settings = SimulationSettings(
        target_minutes=job.target_minutes,
        replications=job.replications,
        busy_minutes=job.busy_minutes,
    )
    result = simulate(problem, plan.result.roster, settings, rates=job.rates or {})
    estimate = result.group().within_target
    if estimate is None:
        return None
    return SimulatedShare(estimate.mean, estimate.half_width, estimate.replications)


def local_workers() -> int:
    """The cores of this machine (at least 1)."""
    return max(1, os.cpu_count() or 1)


#: Search threads each solve gets by default: the engine's portfolio is built for 2
#: (one LP-guided full search, one LNS thread). On the sample's expansion scenarios,
#: 2 threads for 30 s mostly found cheaper plans than 1 thread for 60 s (juvenile
#: weekends: 130,598 a year, 0.6% from the proven bound, against 215,078 and a 66%
#: gap; docs/planning.md).
THREADS_PER_SOLVE = 2


def default_processes() -> int:
    """Solves run at once by default: the cores shared out THREADS_PER_SOLVE each."""
    return max(1, local_workers() // THREADS_PER_SOLVE)


class PlanInterrupted(Exception):
    """Ctrl-C or SIGTERM stopped the run: unfinished jobs were cancelled, their
    processes ended (`StopToken`)."""


#: Seconds between looks at the stop flag while waiting for jobs.
POLL_SECONDS = 0.2


@dataclass
class _Backend:
    """What `run_jobs` needs of an executor: submit a job, wait a while for some to
    finish, and cancel the rest (ending their processes)."""

    submit: Callable[[Callable[..., Any], Any], Any]
    wait: Callable[[set[Any], float], tuple[set[Any], set[Any]]]
    cancel: Callable[[set[Any]], None]


def _leave_ctrl_c_to_the_parent() -> None:
    """In a worker process: ignore Ctrl-C. A terminal sends it to the whole process
    group; the parent decides (it ends the workers), instead of each worker's solve
    dying with a KeyboardInterrupt that would come back as a job's result."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _backend(scheduler: str | None, processes: int) -> Iterator[_Backend]:
    if scheduler is None:
        # Spawned, not forked: a fork of a process whose solver threads ran may hang.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=processes, mp_context=context, initializer=_leave_ctrl_c_to_the_parent
        ) as pool:

            def wait_local(pending: set[Any], seconds: float) -> tuple[set[Any], set[Any]]:
                done, not_done = local_wait(pending, seconds, return_when=FIRST_COMPLETED)
                return set(done), set(not_done)

            def cancel_local(pending: set[Any]) -> None:
                for future in pending:
                    future.cancel()
                # A running solve cannot be cancelled through its future: end its
                # process (the pool has no public way; 3.14 adds terminate_workers).
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.terminate()
                pool.shutdown(wait=False, cancel_futures=True)

            yield _Backend(pool.submit, wait_local, cancel_local)
        return
    from distributed import Client
    from distributed import wait as dask_wait

    with Client(scheduler) as client:  # type: ignore[no-untyped-call]
        # pure=False: two equal jobs are still two solves (and seeds may differ).
        def submit(function: Callable[..., Any], job: Any) -> Any:
            return client.submit(function, job, pure=False)

        def wait_dask(pending: set[Any], seconds: float) -> tuple[set[Any], set[Any]]:
            try:
                done, not_done = dask_wait(  # type: ignore[no-untyped-call]
                    list(pending), timeout=seconds, return_when="FIRST_COMPLETED"
                )
            except TimeoutError:
                return set(), pending
            return set(done), set(not_done)

        def cancel_dask(pending: set[Any]) -> None:
            client.cancel(list(pending))

        yield _Backend(submit, wait_dask, cancel_dask)


def run_jobs(
    function: Callable[[Job], Outcome],
    jobs: Sequence[Job],
    *,
    scheduler: str | None = None,
    processes: int | None = None,
    on_done: Callable[[int, Outcome], None] | None = None,
    stop: StopToken | None = None,
    after: Sequence[int | None] | None = None,
    prepare: Callable[[Job, Outcome], Job] | None = None,
) -> list[Outcome]:
    """Run `function` on every job, in parallel; results in the order of `jobs`.

    `function` and the jobs must be picklable (module-level function, plain data).
    `on_done(index, outcome)` is called in this process as each job finishes. A stop
    request on `stop` cancels what is left and raises `PlanInterrupted`. With `after`,
    job i waits for job `after[i]` (an earlier index, or None: no wait) and is
    submitted as `prepare(job, that job's outcome)`.
    """
    stop = never_stopped(stop)
    if not jobs:
        return []
    waits = list(after) if after is not None else [None] * len(jobs)
    earlier = all(w is None or 0 <= w < i for i, w in enumerate(waits))
    if len(waits) != len(jobs) or not earlier:
        raise ValueError("after: each job may only wait for an earlier one")
    outcomes: dict[int, Outcome] = {}
    with _backend(scheduler, processes or local_workers()) as backend:
        index_of: dict[Any, int] = {}
        for index, job in enumerate(jobs):
            if waits[index] is None:
                index_of[backend.submit(function, job)] = index
        pending = set(index_of)
        while pending:
            done, pending = backend.wait(pending, POLL_SECONDS)
            # Checked before the results: a job ended by the signal has none to give.
            if stop.requested:
                backend.cancel(pending | done)
                unfinished = len(jobs) - len(outcomes)
                raise PlanInterrupted(f"{unfinished} of {len(jobs)} solves were not finished")
            for future in sorted(done, key=index_of.__getitem__):
                index = index_of[future]
                try:
                    outcomes[index] = future.result()
                except BaseException:
                    backend.cancel(pending)  # do not wait for the other solves to fail
                    raise
                if on_done is not None:
                    on_done(index, outcomes[index])
                for waiting, wait_for in enumerate(waits):
                    if wait_for == index:
                        job = jobs[waiting]
                        if prepare is not None:
                            job = prepare(job, outcomes[index])
                        future = backend.submit(function, job)
                        index_of[future] = waiting
                        pending.add(future)
    if stop.requested:  # after the last solve: still nothing is written
        raise PlanInterrupted(f"all {len(jobs)} solves finished, but the plan was stopped")
    return [outcomes[i] for i in range(len(jobs))]


def frontier_waits(jobs: Sequence[PlanJob], chains: int) -> list[int | None]:
    """Which job each frontier point waits for: the point `chains` places before it
    in its scenario's points by hire limit (so `chains` points run side by side); the
    others wait for nothing. Fixed by the jobs alone, never by timing: a deterministic
    run stays deterministic on either backend."""
    waits: list[int | None] = [None] * len(jobs)
    points: dict[str, list[int]] = {}
    for index, job in enumerate(jobs):
        if job.frontier and job.max_hires is not None:
            points.setdefault(job.scenario, []).append(index)
    for indices in points.values():
        # Ascending limits; an earlier index first among equal ones (run_jobs needs
        # each job to wait for an earlier one: jobs come in limit order from `plan`).
        ordered = sorted(indices, key=lambda i: (jobs[i].max_hires or 0, i))
        for position, index in enumerate(ordered):
            if position >= chains and ordered[position - chains] < index:
                waits[index] = ordered[position - chains]
    return waits


def warm_start(job: PlanJob, neighbour: PlanOutcome) -> PlanJob:
    """`job` hinted with a neighbouring point's roster, when that roster is a plan
    the job allows (hires no more than its limit)."""
    plan = neighbour.plan
    if not plan.result.status.has_roster:
        return job
    if job.max_hires is not None and plan.hire_count > job.max_hires:
        return job
    return replace(job, hint=plan.result.roster)


def run_plan_jobs(
    jobs: Sequence[PlanJob],
    *,
    scheduler: str | None = None,
    processes: int | None = None,
    on_done: Callable[[int, PlanOutcome], None] | None = None,
    stop: StopToken | None = None,
) -> list[PlanOutcome]:
    """`run_jobs` of plan jobs, frontier points warm-started from their neighbours:
    with P solves at once (`processes`), point k waits for point k - P of its scenario
    and starts from its plan (which hires fewer, so it is a plan point k allows)."""
    chains = processes or local_workers()
    return run_jobs(
        run_plan_job,
        jobs,
        scheduler=scheduler,
        processes=processes,
        on_done=on_done,
        stop=stop,
        after=frontier_waits(jobs, chains),
        prepare=warm_start,
    )


def run_with_progress(
    jobs: Sequence[PlanJob],
    *,
    scheduler: str | None = None,
    processes: int | None = None,
    show: bool = True,
) -> list[PlanOutcome]:
    """`run_jobs` of plan jobs with a progress bar on stderr (jobs done of all)."""
    if not show:
        return run_plan_jobs(jobs, scheduler=scheduler, processes=processes)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as progress:
        task = progress.add_task("Planning", total=len(jobs))

        def done(index: int, outcome: PlanOutcome) -> None:
            point = f" (at most {outcome.max_hires} hires)" if outcome.frontier else ""
            progress.console.print(
                f"  done: {outcome.scenario}{point}, {outcome.plan.status}, {outcome.seconds:.1f} s"
            )
            progress.advance(task)

        return run_plan_jobs(jobs, scheduler=scheduler, processes=processes, on_done=done)
