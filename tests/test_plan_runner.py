"""The runner: local processes and a Dask cluster give the same plans, in job order."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from distributed import LocalCluster

from scheduler.model.result import SolveParams
from scheduler.plan.runner import (
    PlanJob,
    PlanOutcome,
    frontier_waits,
    run_jobs,
    run_plan_job,
    run_plan_jobs,
    warm_start,
)
from scheduler.plan.workbook import best_so_far
from tests.factories import demand, hire, make_problem, person


def tiny_jobs() -> list[PlanJob]:
    """One clinician and no peer for Monday 08-16: a unit needs a peer, so hires help.
    The plan and the frontier points 0, 1, 2 of the same program."""
    problem = make_problem(
        staff=(person("C1", "clinician"),),
        demand=(demand("adult", "N", "Mon", "08:00", "16:00", 1),),
        hires=(hire("peer-cheap", "peer", 50_000), hire("peer-dear", "peer", 70_000)),
    )
    # Deterministic search, one thread: both backends must find the very same rosters.
    params = SolveParams(time_limit=10, workers=1, seed=0, deterministic=True)
    plan = PlanJob(scenario="as is", problem=problem, params=params)
    frontier = [
        PlanJob(scenario="as is", problem=problem, params=params, max_hires=n, frontier=True)
        for n in (2, 0, 1)  # out of order: results come back in job order all the same
    ]
    return [plan, *frontier]


def summary(outcome: PlanOutcome) -> tuple[Any, ...]:
    plan = outcome.plan
    return (
        outcome.scenario,
        outcome.max_hires,
        plan.hires,
        plan.required_shortfall,
        plan.total_annual_cost,
        plan.status,
        plan.result.roster.sorted().assignments,
    )


def test_local_processes_and_dask_give_the_same_plans() -> None:
    jobs = tiny_jobs()
    local = run_jobs(run_plan_job, jobs, processes=2)
    # Threads are enough for the test: the same submit / as_completed path as a real cluster.
    with LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        on_dask = run_jobs(run_plan_job, jobs, scheduler=cluster.scheduler_address)
    assert [summary(o) for o in local] == [summary(o) for o in on_dask]
    # Job order, whatever order they finished in.
    assert [o.max_hires for o in local] == [None, 2, 0, 1]
    # The cheapest peer is the whole plan: one unit of C1 and a peer covers Monday.
    assert local[0].plan.hires == {"peer-cheap": 1, "peer-dear": 0}
    assert local[0].plan.required_shortfall == 0
    # Frontier: no hire leaves all 8 required unit-slots short; one hire covers them.
    by_limit = {o.max_hires: o.plan for o in local[1:]}
    assert [by_limit[n].required_shortfall for n in (0, 1, 2)] == [8, 0, 0]
    assert by_limit[2].hires == {"peer-cheap": 1, "peer-dear": 0}


def _square(n: int) -> int:
    return n * n


def test_run_jobs_reports_each_job_once_and_returns_them_in_order() -> None:
    seen: list[tuple[int, int]] = []
    results = run_jobs(_square, [3, 1, 2], processes=2, on_done=lambda i, r: seen.append((i, r)))
    assert results == [9, 1, 4]
    assert sorted(seen) == [(0, 9), (1, 1), (2, 4)]
    assert run_jobs(_square, []) == []


def _point(max_hires: int, hired: int, shortfall: int, cost: float) -> Any:
    """A frontier point with only what `best_so_far` reads."""
    plan = SimpleNamespace(
        required_shortfall=shortfall, total_annual_cost=cost, evaluation=1, hire_count=hired
    )
    return SimpleNamespace(max_hires=max_hires, plan=plan)


def test_frontier_keeps_the_best_plan_found_for_at_most_k_hires() -> None:
    points = [
        _point(0, 0, 8, 0.0),
        _point(2, 2, 3, 40.0),
        _point(1, 1, 0, 50.0),
        _point(3, 3, 0, 45.0),
        _point(4, 3, 2, 30.0),
    ]
    best = [(point.max_hires, kept.max_hires) for point, kept in best_so_far(points)]
    # At most 2 hires may use the 1-hire plan (no shortfall); its own solve stopped with 3
    # short. At most 3 hires found the same coverage for less: it is kept, also for 4,
    # whose own solve (3 hires, 2 short) found less.
    assert best == [(0, 0), (1, 1), (2, 1), (3, 3), (4, 3)]
    shortfalls = [kept.plan.required_shortfall for _, kept in best_so_far(points)]
    assert shortfalls == sorted(shortfalls, reverse=True)  # monotone


def test_a_plan_found_with_more_hires_allowed_serves_every_point_it_fits() -> None:
    # The solve allowed 3 found a 1-hire plan with no gap; the solves allowed 1 and 2
    # stopped at worse plans. A plan hiring 1 is a plan with at most 1 hire: it is kept
    # from 1 on, and the frontier says 0 short from there.
    points = [_point(0, 0, 8, 0.0), _point(1, 1, 4, 60.0), _point(2, 2, 1, 90.0)]
    points.append(_point(3, 1, 0, 50.0))
    best = [(point.max_hires, kept.max_hires) for point, kept in best_so_far(points)]
    assert best == [(0, 0), (1, 3), (2, 3), (3, 3)]
    # A point with no usable plan keeps itself only when nothing fits.
    unusable = _point(0, 0, 0, 0.0)
    unusable.plan.evaluation = None
    assert best_so_far([unusable]) == [(unusable, unusable)]


def test_the_scenarios_own_plan_serves_the_frontier_points_it_fits() -> None:
    # The scenario's least-cost plan hires 2 with no gap, cheaper than what the points
    # allowed 2 and 3 found: it is a plan with at most 2 (and 3) hires, so they show it.
    points = [_point(0, 0, 8, 0.0), _point(1, 1, 4, 60.0), _point(2, 2, 0, 90.0)]
    points.append(_point(3, 3, 0, 95.0))
    own = _point(0, 2, 0, 70.0)
    best = [kept for _, kept in best_so_far(points, also=[own])]
    assert best == [points[0], points[1], own, own]


def _hinted(job: int, neighbour: int) -> int:
    return job * 100 + neighbour


def test_a_job_that_waits_starts_from_the_outcome_it_waited_for() -> None:
    # Job 2 waits for job 0 and is submitted as prepare(2, 0's outcome 9): 2*100+9.
    results = run_jobs(_square, [3, 1, 2], processes=2, after=[None, None, 0], prepare=_hinted)
    assert results == [9, 1, 209**2]
    with pytest.raises(ValueError, match="earlier"):
        run_jobs(_square, [3, 1], after=[1, None])


def test_frontier_points_wait_for_the_point_as_many_places_below_as_run_at_once() -> None:
    jobs = tiny_jobs()  # the plan, then points 2, 0, 1 (job order)
    ordered = [*jobs[:1], jobs[2], jobs[3], jobs[1]]  # the plan, then points 0, 1, 2
    # One solve at a time: each point after the one below it; the plan waits for none.
    assert frontier_waits(ordered, 1) == [None, None, 1, 2]
    assert frontier_waits(ordered, 2) == [None, None, None, 1]
    # Out of order (jobs: points 2, 0, 1): point 1 waits for point 0 (an earlier job);
    # point 2 would wait for point 1, a later job: it waits for nothing.
    assert frontier_waits(jobs, 1) == [None, None, None, 2]


def test_a_point_starts_from_its_neighbours_plan_only_when_it_may_hire_as_many() -> None:
    jobs = tiny_jobs()
    [plan] = run_jobs(run_plan_job, jobs[:1], processes=1)
    assert plan.plan.hire_count == 1
    one, none = jobs[3], jobs[2]  # at most 1 hire, at most 0
    assert warm_start(one, plan).hint == plan.plan.result.roster
    assert warm_start(none, plan).hint is None  # a 1-hire plan is no plan with 0 hires


def test_warm_started_points_give_the_same_plans_locally_and_on_dask() -> None:
    # Points 0, 1, 2 in order, each after the one below it: the same plans on both
    # backends (deterministic search), and each as good as the plan it started from.
    jobs = tiny_jobs()
    ordered = [jobs[0], jobs[2], jobs[3], jobs[1]]
    local = run_plan_jobs(ordered, processes=1)
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        on_dask = run_plan_jobs(ordered, scheduler=cluster.scheduler_address, processes=1)
    assert [summary(o) for o in local] == [summary(o) for o in on_dask]
    by_limit = {o.max_hires: o.plan for o in local[1:]}
    assert [by_limit[n].required_shortfall for n in (0, 1, 2)] == [8, 0, 0]
    assert by_limit[2].hires == {"peer-cheap": 1, "peer-dear": 0}
