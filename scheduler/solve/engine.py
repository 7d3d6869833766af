"""Build the model from the rule families, solve in two stages, read the roster back.

Stage 1 minimises coverage shortfall (required strictly before target). Stage 2
keeps that coverage and minimises the weighted rest, warm-started from stage 1.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.model.objective import STAGE2_WEIGHTS
from scheduler.model.problem import Problem
from scheduler.model.result import ProgressEvent, SolveParams, SolveResult, SolveStatus
from scheduler.model.roster import Assignment, Roster
from scheduler.solve.rules import (
    Expr,
    coverage,
    hours,
    pairing,
    pins,
    requests,
    rest,
    sequences,
    total,
    zones,
)
from scheduler.solve.variables import RosterVariables, build_variables

ProgressHandler = Callable[[ProgressEvent], None]

#: Rule families in the order they are posted (pairing first: it creates units).
RULE_FAMILIES = (pairing, coverage, pins, rest, hours, sequences, requests, zones)

#: Share of the time limit stage 1 may use; it usually proves full coverage early.
STAGE1_SHARE = 0.5


@dataclass
class BuiltModel:
    variables: RosterVariables
    parts: dict[str, Expr]
    stage1: Expr
    stage2: Expr


def build_model(problem: Problem) -> BuiltModel:
    model = cp_model.CpModel()
    variables = build_variables(problem, model)
    parts: dict[str, Expr] = {}
    for family in RULE_FAMILIES:
        parts.update(family.add(variables))
    target_base = coverage.most_target_shortfall(variables) + 1
    stage1 = parts["required_shortfall"] * target_base + parts["target_shortfall"]
    stage2 = total(weight * parts[name] for name, weight in STAGE2_WEIGHTS.items())
    return BuiltModel(variables, parts, stage1, stage2)


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution; counts time from the overall start."""

    def __init__(self, stage: int, started: float, handler: ProgressHandler | None) -> None:
        super().__init__()
        self.stage = stage
        self.started = started
        self.handler = handler
        self.first_at: float | None = None

    def on_solution_callback(self) -> None:
        now = time.monotonic() - self.started
        if self.first_at is None:
            self.first_at = now
        if self.handler is not None:
            self.handler(
                ProgressEvent(self.stage, now, self.objective_value, self.best_objective_bound)
            )


def _solver(params: SolveParams, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = params.workers
    solver.parameters.random_seed = params.seed
    solver.parameters.log_search_progress = params.log
    if params.deterministic:
        # Wall-clock limits make parallel search depend on timing; deterministic
        # time and interleaved workers make the same input give the same roster.
        solver.parameters.interleave_search = True
        solver.parameters.max_deterministic_time = max(0.1, seconds)
    else:
        solver.parameters.max_time_in_seconds = max(0.1, seconds)
    return solver


def _roster(problem: Problem, v: RosterVariables, solver: cp_model.CpSolver) -> Roster:
    """Read the units back from the pair variables."""
    units: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (c, p, day), paired in sorted(v.pair.items()):
        if solver.boolean_value(paired):
            chosen = [k for k, var in v.x[c][day].items() if solver.boolean_value(var)]
            units[chosen[0]].append((c, p))
    rows: list[Assignment] = []
    for k in sorted(units):
        option = v.option(k)
        shift = option.shift
        date = problem.date_of(shift.day)
        ordered = sorted(units[k], key=lambda cp: problem.staff[cp[0]].employee_id)
        for n, (c, p) in enumerate(ordered, start=1):
            unit_id = f"{date:%Y%m%d}-{shift.shift_id}-{option.team}-{option.zone}-{n}"
            for person_index in (c, p):
                person = problem.staff[person_index]
                rows.append(
                    Assignment(
                        date=date,
                        shift_id=shift.shift_id,
                        start=problem.moment(shift.start),
                        end=problem.moment(shift.end),
                        team=option.team,
                        zone=option.zone,
                        unit_id=unit_id,
                        employee_id=person.employee_id,
                        role=person.role,
                    )
                )
    return Roster(assignments=tuple(rows)).sorted()


def _hint_from(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    model.clear_hints()  # type: ignore[no-untyped-call]
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))


def solve(
    problem: Problem, params: SolveParams | None = None, on_progress: ProgressHandler | None = None
) -> SolveResult:
    params = params or SolveParams()
    started = time.monotonic()
    built = build_model(problem)
    v, model = built.variables, built.variables.model
    proto_size = (len(model.proto.variables), len(model.proto.constraints))

    if v.problems_found:
        return _empty(SolveStatus.INFEASIBLE, params, started, proto_size, v.problems_found)

    # Stage 1: coverage.
    model.minimize(built.stage1)
    solver1 = _solver(params, params.time_limit * STAGE1_SHARE)
    progress1 = _Progress(1, started, on_progress)
    status1 = solver1.solve(model, progress1)
    if status1 == cp_model.INFEASIBLE:
        return _empty(
            SolveStatus.INFEASIBLE, params, started, proto_size, ["the hard rules cannot all hold"]
        )
    if status1 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _empty(SolveStatus.NO_SOLUTION, params, started, proto_size, [])
    stage1_value = round(solver1.objective_value)
    stage1_bound = solver1.best_objective_bound
    stage1_optimal = status1 == cp_model.OPTIMAL

    # Stage 2: everything else, keeping stage 1's coverage.
    _hint_from(model, solver1)
    model.add(built.stage1 <= stage1_value)
    model.minimize(built.stage2)
    remaining = params.time_limit - (time.monotonic() - started)
    if params.deterministic:
        remaining = params.time_limit * (1 - STAGE1_SHARE)
    solver2 = _solver(params, remaining)
    if params.relative_gap:
        solver2.parameters.relative_gap_limit = params.relative_gap
    progress2 = _Progress(2, started, on_progress)
    status2 = solver2.solve(model, progress2)
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        solver, stage2_optimal = solver2, status2 == cp_model.OPTIMAL
        objective, bound = solver2.objective_value, solver2.best_objective_bound
    else:  # no time left for stage 2: the stage-1 roster stands
        solver, stage2_optimal, objective, bound = solver1, False, None, None
    status = SolveStatus.OPTIMAL if stage1_optimal and stage2_optimal else SolveStatus.FEASIBLE
    first = progress1.first_at
    return SolveResult(
        status=status,
        roster=_roster(problem, v, solver),
        objective=objective,
        bound=bound,
        stage1_objective=float(stage1_value),
        stage1_bound=stage1_bound,
        stage1_optimal=stage1_optimal,
        seconds=time.monotonic() - started,
        seconds_to_first=first,
        params=params,
        variables=proto_size[0],
        constraints=proto_size[1],
        message="",
    )


def _empty(
    status: SolveStatus,
    params: SolveParams,
    started: float,
    proto_size: tuple[int, int],
    reasons: list[str],
) -> SolveResult:
    return SolveResult(
        status=status,
        roster=Roster(),
        objective=None,
        bound=None,
        stage1_objective=None,
        stage1_bound=None,
        stage1_optimal=False,
        seconds=time.monotonic() - started,
        seconds_to_first=None,
        params=params,
        variables=proto_size[0],
        constraints=proto_size[1],
        message="; ".join(reasons),
    )


def solver_parts(built: BuiltModel, solver: cp_model.CpSolver) -> dict[str, int]:
    """The objective parts as the solver sees them (for tests against the checker)."""
    return {name: int(solver.value(expr)) for name, expr in built.parts.items()}


__all__ = ["BuiltModel", "build_model", "solve", "solver_parts"]
