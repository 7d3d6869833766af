"""Fairness across weeks (soft, only with `History`): weekend days, evening shifts
and night shifts per person, counted over History and the horizon together.

Per group (each role; everyone with units of 1 person) and kind, the fair share
is the group's average rounded up, and each count above it costs one point per
extra day or shift. The share moves with the roster, so it is a variable held to
exactly `ceil(sum / n)` by two inequalities.
"""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from scheduler.model.calendar import (
    ShiftInstance,
    history_instances,
    history_known,
    is_evening,
    is_night,
    is_weekend_day,
)
from scheduler.model.problem import Person, Problem, Role
from scheduler.solve.rules import Expr, Parts, total
from scheduler.solve.variables import RosterVariables

#: Kinds of shift counted one by one (weekend days are counted by day worked).
_SHIFT_KINDS: dict[str, Callable[[Problem, ShiftInstance], bool]] = {
    "evening_shifts": is_evening,
    "night_shifts": is_night,
}


def add(v: RosterVariables) -> Parts:
    problem = v.problem
    if not history_known(problem):
        return {"fairness_excess": total([])}
    history = history_instances(problem)
    excess: list[cp_model.LinearExprT] = []
    for group in _groups(problem):
        for kind in ("weekend_days", *_SHIFT_KINDS):
            counts: list[tuple[int, Expr, int]] = []  # person, count, most
            for person in group:
                p = problem.staff_index[person.employee_id]
                before = history.get(person.employee_id, [])
                fixed, terms = _count(v, p, kind, before)
                counts.append((p, fixed + total(terms), fixed + len(terms)))
            excess.extend(_above_share(v.model, kind, counts))
    return {"fairness_excess": total(excess)}


def _groups(problem: Problem) -> list[list[Person]]:
    """Who is compared with whom: each role (everyone, with units of 1 person)."""
    if problem.people_per_unit == 1:
        return [list(problem.staff)]
    groups = [[p for p in problem.staff if p.role is role] for role in Role]
    return [group for group in groups if group]


def _count(
    v: RosterVariables, p: int, kind: str, before: list[ShiftInstance]
) -> tuple[int, list[cp_model.IntVar]]:
    """The person's count of `kind`: the fixed History part and the horizon's terms
    (one shift starts per day, so a weekend day worked is `works` on it)."""
    problem = v.problem
    if kind == "weekend_days":
        fixed = len({s.day for s in before if is_weekend_day(problem, s.day)})
        days = range(problem.days)
        return fixed, [v.works[p][day] for day in days if is_weekend_day(problem, day)]
    is_kind = _SHIFT_KINDS[kind]
    fixed = sum(1 for s in before if is_kind(problem, s))
    terms = [
        var for day_x in v.x[p] for k, var in day_x.items() if is_kind(problem, v.option(k).shift)
    ]
    return fixed, terms


def _above_share(
    model: cp_model.CpModel, kind: str, counts: list[tuple[int, Expr, int]]
) -> list[cp_model.IntVar]:
    """Per person, how far the count is above the group's average rounded up."""
    n = len(counts)
    most = max(high for _, _, high in counts)
    share = model.new_int_var(0, most, f"fair_share_{kind}_p{counts[0][0]}")
    group_total = total(count for _, count, _ in counts)
    # share = ceil(total / n): the least whole number with n x share >= total.
    model.add(n * share >= group_total)
    model.add(n * share <= group_total + n - 1)
    found: list[cp_model.IntVar] = []
    for p, count, high in counts:
        if high == 0:
            continue  # a count that is always 0 is never above the share
        over = model.new_int_var(0, high, f"fair_over_{kind}_p{p}")
        model.add(over >= count - share)
        found.append(over)
    return found
