"""Candidate hires (`plan`): a virtual person is hired exactly when they work a shift.

`scheduler.plan.hires` adds each `Hiring` kind's candidates to `staff` as Persons
with a `hire_id`. Here each one gets `hired[p]`, the largest of its days worked,
so "hired" means what the checker sees: rows in the roster. Within a kind the
candidates are interchangeable, so #k+1 is hired only if #k is (symmetry
breaking). Real staff get nothing: without candidates this family adds no
variable at all. Lower bounds (contract hours, `min_hours_total`) hold for a
candidate only when hired (`hours.py` asks `hired_literal`). A candidate's weekly
hours are at most their cap x `hired` (and `hours.py` counts their overtime
threshold x `hired`): the same rosters, a tighter LP. `capacity_cuts` and
`overtime_cuts` bound the plan's cost from below for the plan stage
(`engine._plan_bound_with_cuts`).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from fractions import Fraction

from ortools.sat.python import cp_model

from scheduler.model.calendar import history_units_on_duty, slots_covered, weeks
from scheduler.model.problem import Role, Team
from scheduler.model.result import HireLimits
from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import RosterVariables

#: Where the `hired` literals of one model are kept: the variables container has no
#: field for them (scheduler/solve/variables.py), so they live in its instance dict.
_CACHE_KEY = "_hired_literals"

#: Post the candidates' hours as at most `hired` times their cap, and their overtime
#: threshold as `hired` times the threshold (`hours.py`): the same integer solutions,
#: a far tighter LP (a switch, to measure without it: docs/planning.md).
PERSPECTIVE = True


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
    if PERSPECTIVE:
        _hours_only_when_hired(v)
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


def _hours_only_when_hired(v: RosterVariables) -> None:
    """Each week, a candidate's paid minutes <= the most they can be paid x `hired`.

    Valid: hired = 0 means no day worked (`hired_literal`), so nothing paid; hired = 1
    leaves the weekly cap (or, without one, the longest shift on every day) as it
    was. Redundant for integers, but the LP no longer buys a fraction of a person who
    works the whole week: without it, 0.7 of a hire could be paid 48 hours (each day's
    shift at 0.7 <= hired), and the plan's bound was half the plan's cost
    (docs/planning.md)."""
    for p, person in enumerate(v.people):
        hired = hired_literal(v, p)
        if hired is None:
            continue
        for week in weeks(v.problem):
            most = sum(
                max((v.option(k).shift.paid_minutes for k in v.x[p][day]), default=0)
                for day in week.days
            )
            if person.max_hours_per_week is not None:
                most = min(most, round(person.max_hours_per_week * 60))
            v.model.add(v.paid_minutes(p, week.days) <= most * hired)


def capacity_cuts(v: RosterVariables, most_short: int) -> int:
    """`plan`'s plan stage: the fewest hires of each role that the required coverage
    needs, for rosters leaving at most `most_short` required unit-slots short (what
    stage 1 fixed). Returns how many constraints were posted.

    Valid, per role (everyone when units are one person) and per team (and all teams
    together): every required unit-slot met beyond `History`'s is a unit on an option
    covering it, and a unit has one person of each role, so the people of the role
    cover, on the team's options, at least the team's required unit-slots less
    `most_short`. Person p covers at most U(p) of them over the horizon: each week at
    most the best option of each day, and at most their weekly cap x the most
    required slots an option of theirs covers per paid minute; a candidate only when
    hired. So sum U(c) hired(c) >= needed - sum U(staff); and since every U(c) <= the
    largest, sum hired(c) >= ceil(that / the largest U(c)): the rounding (Chvatal-Gomory)
    the LP does not make, e.g. 0.4 of a peer hired for 16 of 40 hours."""
    problem, model = v.problem, v.model
    need = _needed(v)
    if not need:
        return 0
    covers = {
        o.index: sum(
            (o.team, o.zone, slot) in need
            for slot in slots_covered(problem, o.shift.start, o.shift.end)
        )
        for o in v.options
    }
    teams = sorted({team for team, _zone, _slot in need})
    team_sets = [{team} for team in teams] + ([set(teams)] if len(teams) > 1 else [])
    roles: list[Role | None] = [None] if problem.people_per_unit == 1 else list(Role)
    posted = 0
    for role in roles:
        people = [p for p, person in enumerate(v.people) if role is None or person.role is role]
        for team_set in team_sets:
            needed = sum(n for (team, _z, _s), n in need.items() if team in team_set) - most_short
            most = {p: _most_covered(v, p, covers, team_set) for p in people}
            hires = [(p, lit) for p in people if (lit := hired_literal(v, p)) is not None]
            short = needed - sum(most[p] for p in people if hired_literal(v, p) is None)
            largest = max((most[p] for p, _lit in hires), default=0)
            if short <= 0 or largest <= 0:
                continue
            model.add(total(most[p] * lit for p, lit in hires) >= short)
            model.add(total(lit for _p, lit in hires) >= -(-short // largest))
            posted += 2
    return posted


def _most_covered(v: RosterVariables, p: int, covers: dict[int, int], team_set: set[Team]) -> int:
    """An upper bound of the required unit-slots person p covers on `team_set`'s
    options over the horizon (see `capacity_cuts`)."""
    person, problem = v.people[p], v.problem
    cap = None if person.max_hours_per_week is None else round(person.max_hours_per_week * 60)
    found = 0
    for week in weeks(problem):
        day_best, ratio, unbounded = 0, Fraction(0), False
        for day in week.days:
            best = 0
            for k in v.x[p][day]:
                option = v.option(k)
                if option.team not in team_set or not covers[k]:
                    continue
                best = max(best, covers[k])
                paid = option.shift.paid_minutes
                if paid:
                    ratio = max(ratio, Fraction(covers[k], paid))
                else:
                    unbounded = True
            day_best += best
        if cap is not None and not unbounded:
            day_best = min(day_best, math.floor(cap * ratio))
        found += day_best
    return found


def overtime_cuts(v: RosterVariables, parts: Parts, most_short: int) -> int:
    """`plan`'s plan stage: the overtime staff must work unless enough are hired, for
    rosters leaving at most `most_short` required unit-slots short. Returns how many
    constraints were posted.

    Valid, per role (everyone when units are one person) and per team (and all teams):
    the units on the team's options pay at least P minutes (`_least_paid`: the least
    paid shifts that cover the required unit-slots, less `most_short`; each unit has
    one person of each role, who is paid the shift). Staff e are paid at most S(e) at
    straight time (weekly min(cap, longest shifts, overtime threshold); all of it
    without overtime pay) plus their overtime minutes ot(e); a candidate at most K
    (the largest candidate's weekly caps) and only if hired. So with N hires of the
    role, sum ot >= D - K N where D = P - sum S. For whole N that gives the MIR cut
    sum ot >= r (q - N), q = ceil(D / K), r = D - K (q - 1) (0 < r <= K): for N >= q
    the right side is <= 0; for N <= q - 1, D - K N = r + K (q - 1 - N) >= r (q - N).
    The LP alone paid for the hours with fractions of a hire (a quarter of a person
    instead of 10 hours of overtime). `ot` here are shadow variables: each at least
    paid - threshold, and the rate-weighted sum at most the model's overtime cost,
    which their least values (the overtime itself) satisfy."""
    problem, model = v.problem, v.model
    need = _needed(v)
    if not need or "overtime_cost_cent_minutes" not in parts:
        return 0
    teams = sorted({team for team, _zone, _slot in need})
    team_sets = [{team} for team in teams] + ([set(teams)] if len(teams) > 1 else [])
    roles: list[Role | None] = [None] if problem.people_per_unit == 1 else list(Role)
    straight: dict[int, int] = {}
    room: dict[int, list[tuple[int, int, int]]] = {}  # staff p -> (week, threshold, room)
    hours_of: dict[int, int] = {}  # candidate p -> most paid minutes over the horizon
    for p, person in enumerate(v.people):
        threshold = round(person.rules.overtime_after_hours * 60)
        paid_rate = person.overtime_rate_cents_per_hour
        straight[p], room[p], hours_of[p] = 0, [], 0
        for week in weeks(problem):
            most = sum(
                max((v.option(k).shift.paid_minutes for k in v.x[p][day]), default=0)
                for day in week.days
            )
            if person.max_hours_per_week is not None:
                most = min(most, round(person.max_hours_per_week * 60))
            hours_of[p] += most
            if paid_rate and most > threshold:
                straight[p] += threshold
                room[p].append((week.index, threshold, most - threshold))
            else:
                straight[p] += most
    shadow: dict[tuple[int, int], cp_model.IntVar] = {}

    def overtime_of(p: int) -> list[cp_model.IntVar]:
        found = []
        for week_index, threshold, most in room[p]:
            if (p, week_index) not in shadow:
                ot = model.new_int_var(0, most, f"ot_cut_p{p}_w{week_index}")
                days = weeks(problem)[week_index].days
                model.add(ot >= v.paid_minutes(p, days) - threshold)
                shadow[(p, week_index)] = ot
            found.append(shadow[(p, week_index)])
        return found

    posted = 0
    for team_set in team_sets:
        least = _least_paid(v, need, team_set, most_short)
        for role in roles:
            group = [
                p
                for p, person in enumerate(v.people)
                if (role is None or person.role is role) and set(person.teams) & team_set
            ]
            staff = [p for p in group if v.people[p].hire_id is None]
            hires = [lit for p in group if (lit := hired_literal(v, p)) is not None]
            deficit = least - sum(straight[p] for p in staff)
            overtime = [ot for p in staff for ot in overtime_of(p)]
            if deficit <= 0 or not overtime:
                continue
            largest = max((hours_of[p] for p in group if v.people[p].hire_id), default=0)
            if largest <= 0:
                model.add(total(overtime) >= deficit)
            else:
                q = -(-deficit // largest)
                r = deficit - largest * (q - 1)
                model.add(total(overtime) >= r * (q - total(hires)))
            posted += 1
    if shadow:
        rate = {p: v.people[p].overtime_rate_cents_per_hour for p, _w in shadow}
        weighted = total(rate[p] * ot for (p, _w), ot in shadow.items())
        model.add(weighted <= parts["overtime_cost_cent_minutes"])
        posted += 1
    return posted


def _needed(v: RosterVariables) -> dict[tuple[Team, str, int], int]:
    """Required units per team, zone and slot that the roster must add to `History`'s."""
    from_history = history_units_on_duty(v.problem)
    return {
        key: req.required - from_history[key]
        for key, req in v.requirements.items()
        if req.required > from_history[key]
    }


#: Deterministic seconds for `_least_paid` (an interval covering: solved at once).
LEAST_PAID_LIMIT = 2.0


def _least_paid(
    v: RosterVariables,
    need: dict[tuple[Team, str, int], int],
    team_set: set[Team],
    most_short: int,
) -> int:
    """A lower bound of the paid minutes of the units that cover `team_set`'s required
    unit-slots but at most `most_short`: units per option, whole, each paying its
    shift; CP-SAT's proven bound of that small covering problem (0 if none)."""
    problem = v.problem
    covering = cp_model.CpModel()
    on: dict[tuple[Team, str, int], list[cp_model.IntVar]] = defaultdict(list)
    paid: list[cp_model.LinearExprT] = []
    for option in v.options:
        if option.team not in team_set:
            continue
        shift = option.shift
        keys = [
            key
            for slot in slots_covered(problem, shift.start, shift.end)
            if (key := (option.team, option.zone, slot)) in need
        ]
        if not keys:
            continue
        units = covering.new_int_var(0, max(need[key] for key in keys), "")
        for key in keys:
            on[key].append(units)
        paid.append(shift.paid_minutes * units)
    shorts = []
    for key, units_needed in need.items():
        if key[0] in team_set:
            short = covering.new_int_var(0, units_needed, "")
            covering.add(total(on[key]) + short >= units_needed)
            shorts.append(short)
    covering.add(total(shorts) <= most_short)
    covering.minimize(total(paid))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = LEAST_PAID_LIMIT
    solver.parameters.catch_sigint_signal = False
    if solver.solve(covering) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0
    return max(0, math.ceil(solver.best_objective_bound - 1e-6))
