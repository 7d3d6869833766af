"""Lower bounds of stage 2's cost that CP-SAT does not find on large programs.

Two tools, both about the person-week cost that contract shortfall and overtime
make (`hours.py`): `cost(w) = 20,000 x short + rate x overtime`.

1. **Week cuts** (`week_cost_lines`, `add_week_cuts`). Whole shifts make some
   weekly totals impossible: with shifts paying 8, 10 and 11.5 hours, a week
   with one 11.5-hour night pays 39.5 or 41.5 hours, never 40. The LP sees
   fractional shifts and pays exactly 40. Per person, week and shift length L
   (and for shifts of any length), a dynamic programme over the week's days
   (each day: off, or one of the lengths the person may work that day, within
   the weekly cap) gives `g(k)`, the least cost of a week with exactly `k`
   shifts of length L. Every point of the lower convex hull of `(k, g(k))` is
   at most `g` there, so each hull edge is a valid linear inequality
   `cost(w) >= g(k_i) + slope x (n_L - k_i)` for the whole integer model: it
   removes none of its solutions, only LP points.

2. **The relaxation** (`relaxation_bound`): a smaller model whose optimum is at
   most stage 2's. Zones are merged: `z[p, day, shift, team]` says the person
   works that shift on that team in some zone (at most one a day), `u[option]`
   the units per option as in the roster model, and per day, shift and team each
   role's people equal the units summed over the zones. Coverage, the stage-1
   limit (`stage1 <= stage1 value`), the weekly cap, horizon hours, contract
   shortfall, overtime and the week cuts are posted as in the roster model;
   every other rule is left out and every other cost part (all >= 0) is taken
   as 0. Proof: any roster of stage 2 gives a solution of the relaxation
   (`z` = the person's `x` summed over zones, `u` = its units) with the same
   coverage, hours and so the same contract and overtime parts, which are at
   most its stage-2 objective. So the relaxation's optimum, and any bound CP-SAT
   proves for it, is a lower bound of stage 2's optimum. It is about a fifth of
   the roster model (no zones in the people's variables), so its root LP and
   search finish where the roster model's presolve alone takes minutes.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.model.calendar import (
    CoverKey,
    Requirement,
    history_units_on_duty,
    slots_covered,
    weeks,
)
from scheduler.model.objective import STAGE2_WEIGHTS
from scheduler.model.problem import Person, Problem, Role, Team
from scheduler.solve.linear import Expr, total
from scheduler.solve.variables import Choices, RosterVariables

SHORT_WEIGHT = STAGE2_WEIGHTS["contract_shortfall_minutes"]
OVERTIME_WEIGHT = STAGE2_WEIGHTS["overtime_cost_cent_minutes"]


@dataclass(frozen=True)
class WeekCost:
    """What a person's week costs: contract minutes owed, overtime threshold and
    rate (cents an hour, 0: no overtime part), the hard weekly cap (None: none)."""

    contract: int
    threshold: int
    rate: int
    cap: int | None

    def of(self, paid: int) -> int:
        short = max(0, self.contract - paid)
        over = max(0, paid - self.threshold) if self.rate else 0
        return SHORT_WEIGHT * short + OVERTIME_WEIGHT * self.rate * over


#: A hull edge: cost x `scale` >= `base` + `slope` x count (all integers).
Line = tuple[int, int, int]  # scale, base, slope


def least_costs(
    lengths_by_day: Sequence[frozenset[int]], length: int | None, week: WeekCost
) -> dict[int, int]:
    """k -> the least cost of the week with exactly k shifts of `length` (None:
    shifts of any length), each day off or one shift of the lengths it allows."""
    states = {(0, 0)}  # (count, paid)
    for lengths in lengths_by_day:
        grown = set(states)
        for count, paid in states:
            for minutes in lengths:
                total_paid = paid + minutes
                if week.cap is not None and total_paid > week.cap:
                    continue
                counted = length is None or minutes == length
                grown.add((count + counted, total_paid))
        states = grown
    least: dict[int, int] = {}
    for count, paid in states:
        cost = week.of(paid)
        if count not in least or cost < least[count]:
            least[count] = cost
    return least


def hull_lines(points: dict[int, int]) -> list[Line]:
    """The edges of the lower convex hull of `points` (count -> least cost), each
    as `scale x cost >= base + slope x count`; one flat line for a single point.
    Lines that say no more than cost >= 0 are left out."""
    xs = sorted(points)
    hull: list[int] = []
    for x in xs:
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            # b lies on or above the segment a-x: drop it
            if (points[b] - points[a]) * (x - a) >= (points[x] - points[a]) * (b - a):
                hull.pop()
            else:
                break
        hull.append(x)
    if len(hull) == 1:
        only = hull[0]
        return [(1, points[only], 0)] if points[only] > 0 else []
    lines: list[Line] = []
    for a, b in itertools.pairwise(hull):
        scale, slope = b - a, points[b] - points[a]
        base = scale * points[a] - slope * a
        # Non-trivial somewhere in [a, b]: positive at one end.
        if points[a] > 0 or points[b] > 0:
            lines.append((scale, base, slope))
    return lines


def week_cost_lines(
    lengths_by_day: Sequence[frozenset[int]], week: WeekCost
) -> list[tuple[int | None, Line]]:
    """The week cuts: (length counted, None for any; line) for every length the
    person may work in the week, and for shifts of any length."""
    lengths = sorted(set().union(*lengths_by_day)) if lengths_by_day else []
    if not lengths:
        return []
    found: list[tuple[int | None, Line]] = []
    classes: list[int | None] = [None, *lengths] if len(lengths) > 1 else [None]
    for length in classes:
        for line in hull_lines(least_costs(lengths_by_day, length, week)):
            if (length, line) not in found:
                found.append((length, line))
    return found


#: Post the week cuts in the relaxation (a switch, to measure).
WEEK_CUTS = True
#: ... and in the roster model: off, since on the sample they made the solve that
#: proves optimality take more CPU time (docs/benchmarks.md), and on large programs
#: the roster model's LP does not finish anyway.
ROSTER_WEEK_CUTS = False


def add_week_cuts(
    model: cp_model.CpModel,
    cost: Expr,
    shifts: Sequence[Mapping[int, Sequence[cp_model.IntVar]]],
    week: WeekCost,
    roster: bool = False,
) -> int:
    """Post the week cuts on `cost`; `shifts[day]` maps each paid length to the
    Booleans of that day's shifts of that length; `roster`: in the roster model.
    Returns how many were posted."""
    if not (ROSTER_WEEK_CUTS if roster else WEEK_CUTS):
        return 0
    lengths_by_day = [frozenset(day) for day in shifts]
    posted = 0
    for length, (scale, base, slope) in week_cost_lines(lengths_by_day, week):
        count = total(
            var
            for day in shifts
            for minutes, vars_ in day.items()
            if length is None or minutes == length
            for var in vars_
        )
        model.add(scale * cost >= base + slope * count)
        posted += 1
    return posted


def week_cost(person: Person, n_days: int) -> WeekCost:
    """The person's week as `hours.py` prices it."""
    threshold = round(person.rules.overtime_after_hours * 60)
    cap = None if person.max_hours_per_week is None else round(person.max_hours_per_week * 60)
    return WeekCost(
        contract=round(person.min_hours_per_week * 60 * n_days / 7),
        threshold=threshold,
        rate=person.overtime_rate_cents_per_hour,
        cap=cap,
    )


def relaxation_applies(problem: Problem, requirements: Mapping[CoverKey, Requirement]) -> bool:
    """The relaxation is for rosters of real staff (no candidate hires) where someone
    has a contract or paid overtime (else it bounds nothing: the Curtois instances)."""
    staff = problem.staff
    priced = any(p.min_hours_per_week > 0 or p.overtime_rate_cents_per_hour for p in staff)
    return priced and bool(requirements) and all(p.hire_id is None for p in staff)


def weighted_shortfall(
    model: cp_model.CpModel,
    problem: Problem,
    requirements: Mapping[CoverKey, Requirement],
    on_duty: Mapping[CoverKey, Sequence[cp_model.IntVar]],
    target_base: int,
) -> Expr:
    """Required shortfall x `target_base` + target shortfall, as stage 1 counts them,
    of the units `on_duty` per cover key (plus `History`'s)."""
    from_history = history_units_on_duty(problem)
    required_short: list[cp_model.IntVar] = []
    target_short: list[cp_model.IntVar] = []
    for key, need in requirements.items():
        scheduled = total(on_duty.get(key, [])) + from_history[key]
        if need.required:
            short = model.new_int_var(0, need.required, "")
            model.add(short >= need.required - scheduled)
            required_short.append(short)
        if need.target:
            short_t = model.new_int_var(0, need.target, "")
            model.add(short_t >= need.target - scheduled)
            target_short.append(short_t)
    return total(required_short) * target_base + total(target_short)


@dataclass
class Relaxation:
    model: cp_model.CpModel
    # (person, day, paid minutes, team) -> works a shift that long on it in some zone
    works: dict[tuple[int, int, int, Team], cp_model.IntVar]
    units: dict[int, cp_model.IntVar]  # option index -> units on it

    def hint(self, v: RosterVariables, solver: cp_model.CpSolver) -> None:
        """Hint the relaxation with the roster `solver` holds for `v`'s model."""
        model = self.model
        model.clear_hints()  # type: ignore[no-untyped-call]
        for (p, day, minutes, team), var in self.works.items():
            on = any(
                solver.boolean_value(x)
                for k, x in v.x[p][day].items()
                if v.option(k).shift.paid_minutes == minutes and v.option(k).team == team
            )
            model.add_hint(var, on)
        for k, var in self.units.items():
            model.add_hint(var, solver.value(v.units[k]))


def build_relaxation(
    problem: Problem, v: Choices, target_base: int, stage1_value: int
) -> Relaxation:
    """The relaxation (module docstring) of stage 2 of the roster model of `problem`
    whose people may take the options `v` gives them, which keeps required shortfall
    x `target_base` + target shortfall <= `stage1_value`. Built from the choices
    alone, so a program too large for its roster model still gets it."""
    model = cp_model.CpModel()
    # (day, paid minutes, team) -> role -> people's Booleans
    working: dict[tuple[int, int, Team], dict[Role | None, list[cp_model.IntVar]]] = defaultdict(
        lambda: defaultdict(list)
    )
    trainees: dict[tuple[int, int, Team], list[cp_model.IntVar]] = defaultdict(list)
    cost_terms: list[cp_model.LinearExprT] = []
    by_role = problem.people_per_unit == 2
    works: dict[tuple[int, int, int, Team], cp_model.IntVar] = {}
    for p, person in enumerate(problem.staff):
        role = person.role if by_role else None
        # day -> paid length -> Booleans
        person_shifts: list[dict[int, list[cp_model.IntVar]]] = []
        for day in range(problem.days):
            kinds = sorted(
                {(v.option(k).shift.paid_minutes, v.option(k).team) for k in v.of[p][day]}
            )
            day_shifts: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            day_vars = []
            for minutes, team in kinds:
                var = model.new_bool_var(f"z_p{p}_d{day}_{minutes}_{team}")
                works[(p, day, minutes, team)] = var
                working[(day, minutes, team)][role].append(var)
                if person.is_trainee:
                    trainees[(day, minutes, team)].append(var)
                day_shifts[minutes].append(var)
                day_vars.append(var)
            if len(day_vars) > 1:
                model.add_at_most_one(day_vars)
            person_shifts.append(day_shifts)
        cost_terms.extend(_hours(model, problem, person, person_shifts))

    units: dict[int, cp_model.IntVar] = {}
    zones_of: dict[tuple[int, int, Team], list[cp_model.IntVar]] = defaultdict(list)
    for option in v.options:
        key = (option.shift.day, option.shift.paid_minutes, option.team)
        sides = working.get(key, {})
        most = min((len(people) for people in sides.values()), default=0)
        if by_role and len(sides) < 2:
            most = 0
        units[option.index] = model.new_int_var(0, most, f"u_o{option.index}")
        zones_of[key].append(units[option.index])
    for key, sides in working.items():
        in_zones = total(zones_of.get(key, []))
        for people in sides.values():
            model.add(total(people) == in_zones)
        if trainees.get(key) and by_role:
            model.add(total(trainees[key]) <= in_zones)

    on_duty: dict[tuple[Team, str, int], list[cp_model.IntVar]] = defaultdict(list)
    for option in v.options:
        for slot in slots_covered(problem, option.shift.start, option.shift.end):
            on_duty[(option.team, option.zone, slot)].append(units[option.index])
    covered = weighted_shortfall(model, problem, v.requirements, on_duty, target_base)
    model.add(covered <= stage1_value)
    model.minimize(total(cost_terms))
    return Relaxation(model, works, units)


def _hours(
    model: cp_model.CpModel,
    problem: Problem,
    person: Person,
    person_shifts: list[dict[int, list[cp_model.IntVar]]],
) -> list[cp_model.LinearExprT]:
    """Paid hours of `person` as `hours.py` posts them: the weekly cap, horizon
    hours, contract shortfall, overtime, and the week cuts. Returns the cost terms."""
    terms: list[cp_model.LinearExprT] = []

    def paid(days: range) -> Expr:
        return total(
            minutes * var
            for day in days
            for minutes, vars_ in person_shifts[day].items()
            for var in vars_
        )

    least = round(person.min_hours_total * 60)
    if least:
        model.add(paid(range(problem.days)) >= least)
    if person.max_hours_total is not None:
        model.add(paid(range(problem.days)) <= round(person.max_hours_total * 60))
    for week in weeks(problem):
        price = week_cost(person, week.n_days)
        week_paid = paid(week.days)
        most_paid = sum(max(person_shifts[day], default=0) for day in week.days)
        if price.cap is not None:
            model.add(week_paid <= price.cap)
        cost: list[cp_model.LinearExprT] = []
        if price.contract:
            short = model.new_int_var(0, price.contract, "")
            model.add(short >= price.contract - week_paid)
            cost.append(SHORT_WEIGHT * short)
        if price.rate and most_paid > price.threshold:
            over = model.new_int_var(0, most_paid - price.threshold, "")
            model.add(over >= week_paid - price.threshold)
            cost.append(OVERTIME_WEIGHT * price.rate * over)
        if not cost:
            continue
        terms.extend(cost)
        add_week_cuts(model, total(cost), [person_shifts[day] for day in week.days], price)
    return terms
