"""Candidate hires (`plan`): a virtual person is hired exactly when they work a shift.

`scheduler.plan.hires` adds each `Hiring` kind's candidates to `staff` as Persons
with a `hire_id`. Here each one gets `hired[p]`, the largest of its days worked,
so "hired" means what the checker sees: rows in the roster. Within a kind the
candidates are interchangeable, so #k+1 is hired only if #k is (symmetry
breaking). Real staff get nothing: without candidates this family adds no
variable at all. Lower bounds (contract hours, `min_hours_total`) hold for a
candidate only when hired (`hours.py` asks `hired_literal`).
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.model.result import HireLimits
from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import RosterVariables

#: Where the `hired` literals of one model are kept: the variables container has no
#: field for them (scheduler/solve/variables.py), so they live in its instance dict.
_CACHE_KEY = "_hired_literals"


def hired_literal(v: RosterVariables, p: int) -> cp_model.IntVar | None:
    """Person p's `hired` literal (1 iff they work any day); None for real staff."""
    if v.people[p].hire_id is None:
        return None
    cache: dict[int, cp_model.IntVar] = v.__dict__.setdefault(_CACHE_KEY, {})
    if p not in cache:
        hired = v.model.new_bool_var(f"hired_p{p}")
        v.model.add_max_equality(hired, v.works[p])
        cache[p] = hired
    return cache[p]


def add(v: RosterVariables) -> Parts:
    problem = v.problem
    by_kind: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for p, person in enumerate(problem.staff):
        hired = hired_literal(v, p)
        if hired is not None and person.hire_id is not None:
            by_kind[person.hire_id].append(hired)
    if not by_kind:
        return {}
    price = {hire.hire_id: hire.annual_cost_cents for hire in problem.hires}
    for literals in by_kind.values():
        for first, second in itertools.pairwise(literals):
            v.model.add_implication(second, first)
    return {
        "hires": total(lit for literals in by_kind.values() for lit in literals),
        "hire_cost_cents": total(
            price.get(kind, 0) * lit for kind, literals in by_kind.items() for lit in literals
        ),
    }


def limit(v: RosterVariables, parts: Parts, limits: HireLimits) -> None:
    """Post `plan`'s limits on the hires (nothing to limit without candidates)."""
    if "hires" not in parts:
        return
    if limits.max_hires is not None:
        v.model.add(parts["hires"] <= limits.max_hires)
    if limits.budget_cents is not None:
        v.model.add(parts["hire_cost_cents"] <= limits.budget_cents)
