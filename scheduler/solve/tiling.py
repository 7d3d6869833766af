"""Units per option that cover the demand with the fewest paid hours, people aside.

A greedy roster picks the best option one at a time, and its shifts overlap: on the
60 + 60, 28-day, 24/7 program of issue 15 it paid 21,132 person-hours where the
tiling needs 19,492 (docs/benchmarks.md), and with overtime after 40 h a week every
hour past the staff's 19,200 is overtime somewhere. `tiling` is a plan for the
greedy (`construct.planned_construct`): the least required shortfall, then the least
target shortfall, then the fewest paid minutes.

The model keeps of the people only how many of each role may take each option and
may work each day (one shift a day each); coverage is counted as the roster model
counts it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.model.calendar import CoverKey, slots_covered
from scheduler.model.problem import Problem, Role
from scheduler.model.stop import StopToken
from scheduler.solve.bounds import weighted_shortfall
from scheduler.solve.linear import Expr, total
from scheduler.solve.stoppable import search_stoppably
from scheduler.solve.variables import Choices


@dataclass
class _Tiling:
    model: cp_model.CpModel
    units: dict[int, cp_model.IntVar]  # option index -> units
    covered: Expr  # required shortfall x base + target shortfall
    paid: Expr  # paid unit-minutes
    most_paid: int


def _tiling_model(problem: Problem, choices: Choices, target_base: int) -> _Tiling:
    model = cp_model.CpModel()
    pairs = problem.people_per_unit == 2
    roles: tuple[Role | None, ...] = tuple(Role) if pairs else (None,)
    able: dict[tuple[int, Role | None], int] = defaultdict(int)  # (day, role) -> people
    eligible: dict[tuple[int, Role | None], int] = defaultdict(int)  # (option, role)
    for person, person_of in zip(problem.staff, choices.of, strict=True):
        role = person.role if pairs else None
        for day, allowed in enumerate(person_of):
            if allowed:
                able[(day, role)] += 1
            for k in allowed:
                eligible[(k, role)] += 1
    units: dict[int, cp_model.IntVar] = {}
    by_day: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    on_duty: dict[CoverKey, list[cp_model.IntVar]] = defaultdict(list)
    most_paid = 0
    for option in choices.options:
        most = min(eligible[(option.index, role)] for role in roles)
        if not most:
            continue
        var = model.new_int_var(0, most, "")
        units[option.index] = var
        by_day[option.shift.day].append(var)
        most_paid += option.shift.paid_minutes * most
        for slot in slots_covered(problem, option.shift.start, option.shift.end):
            on_duty[(option.team, option.zone, slot)].append(var)
    for day, day_units in by_day.items():
        model.add(total(day_units) <= min(able[(day, role)] for role in roles))
    covered = weighted_shortfall(model, problem, choices.requirements, on_duty, target_base)
    paid = total(choices.option(k).shift.paid_minutes * var for k, var in units.items())
    return _Tiling(model, units, covered, paid, most_paid)


def tiling(
    problem: Problem, choices: Choices, seconds: float, stop: StopToken | None = None
) -> dict[int, int] | None:
    """The plan (option -> units, module docstring), or None when none is found
    within `seconds` (or a stop was asked for)."""
    target_base = sum(need.target for need in choices.requirements.values()) + 1
    tiled = _tiling_model(problem, choices, target_base)
    tiled.model.minimize(tiled.covered * (tiled.most_paid + 1) + tiled.paid)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.catch_sigint_signal = False
    status = search_stoppably(solver, tiled.model, stop=stop or StopToken())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {k: solver.value(var) for k, var in tiled.units.items() if solver.value(var)}
