"""A fast greedy roster that keeps every hard rule the model posts: stage 1's hint.

Pins go first, each given partners of the other role. Then, day by day in time
order, whole units (one clinician and one peer) go on the option that covers
the most still-uncovered required unit-slots per paid hour (then target
unit-slots), worked by the people furthest below their contract hours for the
week, then peers in their home zone, then the cheaper. A day ends when no
option adds coverage or nobody can take one that would.

Stricter than the model where that keeps it simple: the two people of a
`forbid` pair never share an option, and a unit never holds two trainees (so
trainees on an option never outnumber its units).

`add_hint` gives it to CP-SAT as a complete hint: CP-SAT takes only a complete
hint as its first solution; hinting the x variables alone merely steers its
search (measured: a first roster missing 294 required unit-slots rather than 0
on the 60+60 24/7 program).
"""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.model.calendar import (
    CoverKey,
    ShiftInstance,
    requests,
    slots_covered,
    time_off_applies,
    weeks,
)
from scheduler.model.objective import STAGE2_WEIGHTS
from scheduler.model.problem import MINUTES_PER_DAY, PairKind, Role
from scheduler.model.stop import StopToken
from scheduler.solve.bounds import week_cost
from scheduler.solve.rules import total
from scheduler.solve.stoppable import search_stoppably
from scheduler.solve.variables import Option, RosterVariables

#: (person index, day) -> the option index that person works that day.
Chosen = dict[tuple[int, int], int]


def construct(
    v: RosterVariables,
    start: Chosen | None = None,
    plan: dict[int, int] | None = None,
    first: tuple[int, ...] = (),
) -> Chosen:
    """A roster as the option each person works per day (absent: off).

    With `start` (whole units of a roster found elsewhere: the zone groups'),
    those go first, as far as the rules let them, and the greedy fills the rest.
    With `plan` (units per option, `tiling`), the greedy first staffs the planned
    units, day by day, then fills what is still short as usual."""
    builder = _Builder(v)
    for (p, _day), k in sorted((start or {}).items()):
        if builder.can_take(p, k):
            builder.place(p, k)
    builder.place_pins()
    for k in first:  # options a previous try left short: staffed while everyone is free
        unit = builder.best_unit(k)
        if unit is not None:
            for p in unit:
                builder.place(p, k)
            builder.cover(k, 1)
    if plan:
        builder.planned = dict(plan)
        for k in first:
            builder.planned[k] = builder.planned.get(k, 0) - 1
        for required_only in (True, False):
            for day in range(v.problem.days):
                builder.fill_day(day, required_only)
        builder.planned = None
    # Required coverage on every day before any target: a target met early in the
    # week would spend the hours and days that required slots later need.
    for required_only in (True, False):
        for day in range(v.problem.days):
            builder.fill_day(day, required_only)
    return builder.chosen


def planned_construct(v: RosterVariables, plan: dict[int, int], tries: int = 8) -> Chosen:
    """`construct` following `plan`; when that leaves required unit-slots short (day by
    day, the last days can find everyone at their weekly limits), again with an option
    covering each short slot staffed first, as long as that covers more."""
    first: tuple[int, ...] = ()
    best = construct(v, plan=plan)
    best_short = shortfall(v, best)
    chosen_short = best
    keys_of = _keys_by_option(v)
    for _ in range(tries - 1):
        short = _short_keys(v, chosen_short)
        if not short:
            break
        for key in short:
            covering = [k for k, keys in keys_of.items() if key in keys]
            if covering and not set(covering) & set(first):
                first = (*first, max(covering, key=lambda k: plan.get(k, 0)))
        again = construct(v, plan=plan, first=first)
        again_short = shortfall(v, again)
        if again_short > best_short:
            break
        # Even: the short slots moved elsewhere; staff those first too, next time.
        best, best_short = (again, again_short) if again_short < best_short else (best, best_short)
        chosen_short = again
    return best


def _keys_by_option(v: RosterVariables) -> dict[int, set[CoverKey]]:
    return {
        option.index: {
            (option.team, option.zone, slot)
            for slot in slots_covered(v.problem, option.shift.start, option.shift.end)
        }
        for option in v.options
    }


def _short_keys(v: RosterVariables, chosen: Chosen) -> list[CoverKey]:
    """The required cover keys `chosen` leaves short, in time order."""
    builder = _Builder(v)
    builder.cover_roster(chosen)
    return sorted((key for key, left in builder.required.items() if left > 0), key=lambda k: k[2])


def shortfall(v: RosterVariables, chosen: Chosen) -> tuple[int, int]:
    """Required and target unit-slots a constructed roster leaves short (units of an
    option: its people, or the fewer of its clinicians and peers when units pair)."""
    builder = _Builder(v)
    builder.cover_roster(chosen)
    return (
        sum(max(0, left) for left in builder.required.values()),
        sum(max(0, left) for left in builder.target.values()),
    )


#: Deterministic-time budget for completing the hint (about a second on 60+60 x 28 days).
COMPLETION_LIMIT = 10.0


def add_hint(v: RosterVariables, chosen: Chosen) -> list[int] | None:
    """Hint every variable of the model: x from `chosen`, the rest completed by a
    quick solve of a copy of the model with x fixed (x alone when that fails).

    Returns the completed assignment (a solution of the model), or None when the
    roster could not be completed."""
    x_values: dict[int, int] = {}
    for person, person_x in enumerate(v.x):
        for day, day_x in enumerate(person_x):
            pick = chosen.get((person, day))
            for k, var in day_x.items():
                x_values[var.index] = int(k == pick)
    fixed = v.model.clone()
    for index, value in x_values.items():
        fixed.add(fixed.get_bool_var_from_proto_index(index) == value)
    # With x fixed the rest follows, but for penalties and shortfalls, which are only
    # bounded from below: take them at their least.
    every = range(len(fixed.proto.variables))
    fixed.minimize(total(fixed.get_int_var_from_proto_index(i) for i in every if i not in x_values))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = COMPLETION_LIMIT
    # CP-SAT's own Ctrl-C handler would replace the command line's (scheduler.interrupt).
    solver.parameters.catch_sigint_signal = False
    # Never cut short (it is bounded, and the greedy roster is what a stop keeps), but
    # on a thread, so that a second Ctrl-C quits at once.
    status = search_stoppably(solver, fixed, start_if_stopped=True, stops=False, stop=StopToken())
    completed = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if completed:
        values = {i: solver.value(fixed.get_int_var_from_proto_index(i)) for i in every}
    else:  # the roster breaks a rule the model posts (a pin it could not staff)
        values = x_values
    for index, value in values.items():
        v.model.add_hint(v.model.get_int_var_from_proto_index(index), value)
    return [values[i] for i in every] if completed else None


class _Builder:
    def __init__(self, v: RosterVariables) -> None:
        problem = v.problem
        self.v = v
        self.chosen: Chosen = {}
        self.shift_of: list[dict[int, ShiftInstance]] = [{} for _ in problem.staff]
        self.members: dict[int, list[int]] = defaultdict(list)
        self.required = {key: need.required for key, need in v.requirements.items()}
        self.target = {key: need.target for key, need in v.requirements.items()}
        self.options_by_day: dict[int, list[Option]] = defaultdict(list)
        self.keys_of: dict[int, list[CoverKey]] = {}
        for option in v.options:
            self.options_by_day[option.shift.day].append(option)
            covered = slots_covered(problem, option.shift.start, option.shift.end)
            keys = [(option.team, option.zone, slot) for slot in covered]
            self.keys_of[option.index] = [key for key in keys if key in v.requirements]
        self.eligible: dict[int, list[int]] = defaultdict(list)
        for p, person_x in enumerate(v.x):
            for day_x in person_x:
                for k in day_x:
                    self.eligible[k].append(p)

        index = problem.staff_index
        self.forbidden: dict[int, set[int]] = defaultdict(set)
        for rule in problem.pairs:
            if rule.kind is PairKind.FORBID:
                c, p = index[rule.clinician_id], index[rule.peer_id]
                self.forbidden[c].add(p)
                self.forbidden[p].add(c)

        week_list = weeks(problem)
        self.paid = [[0] * len(week_list) for _ in problem.staff]
        self.days_worked = [[0] * len(week_list) for _ in problem.staff]
        self.most_days = [
            [w.n_days - w.min_days_off(person.rules.min_days_off_per_week) for w in week_list]
            for person in problem.staff
        ]
        self.contract = [
            [round(person.min_hours_per_week * 60 * w.n_days / 7) for w in week_list]
            for person in problem.staff
        ]
        self.cap = [
            None if person.max_hours_per_week is None else round(person.max_hours_per_week * 60)
            for person in problem.staff
        ]
        self.rest = [round(person.rules.min_rest_hours * 60) for person in problem.staff]
        self.planned: dict[int, int] | None = None  # units per option still to staff
        # Shifts further apart than this many days can never break rest or overlap
        # (with two hours to spare: a clock change moves a day's start by an hour).
        longest = max((o.shift.end - o.shift.start for o in v.options), default=0)
        self.reach = (longest + max(self.rest, default=0) + 2 * 60) // MINUTES_PER_DAY + 1

    # --- the rules, for one person and one more shift ---------------------------------

    def can_take(self, p: int, k: int) -> bool:
        shift = self.v.option(k).shift
        day, week = shift.day, shift.day // 7
        person_days = self.shift_of[p]
        if day in person_days or k not in self.v.x[p][day]:
            return False
        cap = self.cap[p]
        if cap is not None and self.paid[p][week] + shift.paid_minutes > cap:
            return False
        if self.days_worked[p][week] >= self.most_days[p][week]:
            return False
        if self.forbidden[p].intersection(self.members[k]):
            return False
        run = 1
        while day - run in person_days:
            run += 1
        after = 1
        while day + after in person_days:
            after += 1
        if run + after - 1 > self.v.people[p].rules.max_consecutive_days:
            return False
        rest = self.rest[p]
        for other_day in range(day - self.reach, day + self.reach + 1):
            other = person_days.get(other_day)
            if other is None or other_day == day:
                continue
            earlier, later = (other, shift) if other_day < day else (shift, other)
            if later.start < earlier.end + rest:
                return False
        return True

    def place(self, p: int, k: int) -> None:
        shift = self.v.option(k).shift
        week = shift.day // 7
        self.chosen[(p, shift.day)] = k
        self.shift_of[p][shift.day] = shift
        self.members[k].append(p)
        self.paid[p][week] += shift.paid_minutes
        self.days_worked[p][week] += 1

    def unplace(self, p: int, k: int) -> None:
        shift = self.v.option(k).shift
        week = shift.day // 7
        del self.chosen[(p, shift.day)]
        del self.shift_of[p][shift.day]
        self.members[k].remove(p)
        self.paid[p][week] -= shift.paid_minutes
        self.days_worked[p][week] -= 1

    def cover_roster(self, chosen: Chosen) -> None:
        """Count the coverage of `chosen` (units of an option: its people, or the fewer
        of its clinicians and peers when units pair)."""
        on: dict[int, list[int]] = defaultdict(list)
        for (p, _day), k in chosen.items():
            on[k].append(p)
        for k, people in on.items():
            if self.v.problem.people_per_unit == 2:
                roles = [self.v.people[p].role for p in people]
                units = min(roles.count(Role.CLINICIAN), roles.count(Role.PEER))
            else:
                units = len(people)
            self.cover(k, units)

    def cover(self, k: int, units: int) -> None:
        for key in self.keys_of[k]:
            self.required[key] -= units
            self.target[key] -= units

    # --- choosing ---------------------------------------------------------------------

    def preference(self, p: int, option: Option) -> tuple[bool, int, bool, float, int]:
        """Smaller is better: staff before candidate hires (`plan`: a hire costs a year's
        pay, so the greedy roster hires only where staff cannot go), furthest below
        contract, peer at home, cheaper."""
        person = self.v.people[p]
        week = option.shift.day // 7
        below_contract = self.contract[p][week] - self.paid[p][week]
        away = person.role is Role.PEER and person.home_zone != option.zone
        return (person.hire_id is not None, -below_contract, away, person.hourly_rate, p)

    def candidates(self, k: int, role: Role) -> list[int]:
        option = self.v.option(k)
        found = [
            p for p in self.eligible[k] if self.v.people[p].role is role and self.can_take(p, k)
        ]
        return sorted(found, key=lambda p: self.preference(p, option))

    def gain(self, k: int) -> tuple[int, int]:
        keys = self.keys_of[k]
        return (
            sum(1 for key in keys if self.required[key] > 0),
            sum(1 for key in keys if self.target[key] > 0),
        )

    def best_unit(self, k: int) -> tuple[int, int] | None:
        peers = self.candidates(k, Role.PEER)
        for c in self.candidates(k, Role.CLINICIAN):
            clinician = self.v.people[c]
            for p in peers:
                if p in self.forbidden[c] or (clinician.is_trainee and self.v.people[p].is_trainee):
                    continue
                return c, p
        return None

    def fill_day(self, day: int, required_only: bool) -> None:
        nobody: set[int] = set()  # options nobody left can take today
        planned = self.planned
        while True:
            best: tuple[float, float, int] | None = None
            for option in self.options_by_day[day]:
                k = option.index
                if k in nobody or (planned is not None and planned.get(k, 0) <= 0):
                    continue
                required, target = self.gain(k)
                if not (required or (target and not required_only)):
                    continue
                hours = max(option.shift.paid_minutes, 1) / 60
                score = (required / hours, target / hours, -k)
                if best is None or score > best:
                    best = score
            if best is None:
                return
            k = -best[2]
            unit = self.best_unit(k)
            if unit is None:
                nobody.add(k)
                continue
            for p in unit:
                self.place(p, k)
            self.cover(k, 1)
            if planned is not None:
                planned[k] -= 1

    # --- pins -------------------------------------------------------------------------

    def place_pins(self) -> None:
        """Each pin on a matching option, preferably where a pinned partner waits or
        can still come, then partners of the other role for the pinned people still
        alone."""
        problem, v = self.v.problem, self.v
        index = problem.staff_index
        pinned = sorted(
            (problem.day_of(pin.date), pin.shift_id, index[pin.employee_id]) for pin in problem.pins
        )
        for n, (day, shift_id, p) in enumerate(pinned):
            to_come = [q for d, s, q in pinned[n + 1 :] if (d, s) == (day, shift_id)]
            matching = [
                k
                for k in v.x[p][day]
                if v.option(k).shift.shift_id == shift_id and self.can_take(p, k)
            ]
            if matching:
                self.place(
                    p,
                    max(
                        matching,
                        key=lambda k: (
                            self.waiting_for(p, k),
                            self.partner_may_come(p, k, to_come),
                            self.gain(k),
                        ),
                    ),
                )
        for k in sorted(self.members):
            units = max(self.count(k, Role.CLINICIAN), self.count(k, Role.PEER))
            for role in Role:
                for _ in range(units - self.count(k, role)):
                    partner = self.partner(k, role, units)
                    if partner is not None:
                        self.place(partner, k)
            self.cover(k, min(self.count(k, Role.CLINICIAN), self.count(k, Role.PEER)))

    def count(self, k: int, role: Role) -> int:
        return sum(1 for p in self.members[k] if self.v.people[p].role is role)

    def waiting_for(self, p: int, k: int) -> bool:
        """Whether a person of the other role on option k still lacks a partner."""
        mine = self.v.people[p].role
        other = Role.PEER if mine is Role.CLINICIAN else Role.CLINICIAN
        return self.count(k, other) > self.count(k, mine)

    def partner_may_come(self, p: int, k: int, to_come: list[int]) -> bool:
        """Whether a pinned person of the other role, not placed yet, could join option k."""
        mine = self.v.people[p].role
        day = self.v.option(k).shift.day
        return any(self.v.people[q].role is not mine and k in self.v.x[q][day] for q in to_come)

    def partner(self, k: int, role: Role, units: int) -> int | None:
        trainees = sum(1 for p in self.members[k] if self.v.people[p].is_trainee)
        for p in self.candidates(k, role):
            if not self.v.people[p].is_trainee or trainees < units:
                return p
        return None


def roster_choices(v: RosterVariables, solver: cp_model.CpSolver) -> Chosen:
    """The option each person works per day in the roster `solver` holds."""
    return {
        (p, day): k
        for p, person_x in enumerate(v.x)
        for day, day_x in enumerate(person_x)
        for k, var in day_x.items()
        if solver.boolean_value(var)
    }


#: Points of a peer's shift away from home (the model's weight, `zones.py`).
AWAY_POINTS = STAGE2_WEIGHTS["peer_shifts_away_from_home"]


def rebalance(v: RosterVariables, chosen: Chosen, seconds: float) -> Chosen:
    """`chosen` with shifts handed from one person to another of the same role where
    that lowers what their weeks cost (contract shortfall and overtime, priced as
    `hours.py` does, plus a peer's shift away from home), within `seconds`.

    Each move keeps the option and the role, so every option keeps its clinicians
    and peers and coverage is unchanged. The rules are kept as the greedy keeps them
    (`can_take`), plus those a hand-over could break that it does not check:
    nobody with a shortest run (worked or off) longer than a day, horizon hours,
    shift limits or a weekend limit takes part; pinned shifts, trainees and shifts a
    request speaks of never move; `forbidden_next` holds around the new shift.
    The model is the judge all the same: the caller keeps the result only when the
    model completes it into a solution that costs less (`engine._rebalanced`)."""
    started = time.monotonic()
    problem = v.problem
    builder = _Builder(v)
    for (p, _day), k in sorted(chosen.items()):
        builder.place(p, k)
    builder.cover_roster(chosen)
    people = problem.staff
    limited = {limit.employee_id for limit in problem.shift_limits}
    movable = [
        person.rules.min_consecutive_days == 1
        and person.rules.min_consecutive_days_off == 1
        and not person.is_trainee
        and person.min_hours_total == 0
        and person.max_hours_total is None
        and person.rules.max_weekends is None
        and person.employee_id not in limited
        for person in people
    ]
    index = problem.staff_index
    fixed = {(index[pin.employee_id], problem.day_of(pin.date)) for pin in problem.pins}
    asked: dict[int, set[tuple[int, str]]] = defaultdict(set)  # shifts a request speaks of
    for item in requests(problem):
        p = index[item.employee_id]
        for key, shift in v.instances.items():
            if time_off_applies(problem, item, shift):
                asked[p].add(key)
    week_list = weeks(problem)
    prices = [[week_cost(person, w.n_days) for w in week_list] for person in people]

    def week_delta(p: int, week: int, minutes: int) -> int:
        paid = builder.paid[p][week]
        price = prices[p][week]
        return price.of(paid + minutes) - price.of(paid)

    def away(p: int, option: Option) -> int:
        person = people[p]
        return AWAY_POINTS * (person.role is Role.PEER and person.home_zone != option.zone)

    def successions_allow(q: int, shift: ShiftInstance) -> bool:
        before = builder.shift_of[q].get(shift.day - 1)
        after = builder.shift_of[q].get(shift.day + 1)
        if before is not None and shift.shift_id in problem.shift(before.shift_id).forbidden_next:
            return False
        return after is None or after.shift_id not in problem.shift(shift.shift_id).forbidden_next

    def may_trade(p: int, k: int) -> bool:
        shift = v.option(k).shift
        return (
            movable[p]
            and (p, shift.day) not in fixed
            and (shift.day, shift.shift_id) not in asked[p]
        )

    def takes(p: int, k: int, leaving: int) -> bool:
        """Whether `p` may take option `k`, whose person `leaving` gave it up."""
        shift = v.option(k).shift
        if (shift.day, shift.shift_id) in asked[p] or not successions_allow(p, shift):
            return False
        if builder.forbidden[p].intersection(set(builder.members[k]) - {leaving}):
            return False
        return builder.can_take(p, k)

    def swap_pass() -> bool:
        swapped = False
        for (p, day), k in sorted(builder.chosen.items()):
            if time.monotonic() - started >= seconds:
                break
            if builder.chosen.get((p, day)) != k or not may_trade(p, k):
                continue
            week, long = day // 7, v.option(k).shift.paid_minutes
            best: tuple[int, int, int] | None = None  # change, q, q's option
            for q in builder.eligible[k]:
                if q == p or not movable[q] or people[q].role is not people[p].role:
                    continue
                for other_day in range(week * 7, min(week * 7 + 7, problem.days)):
                    k2 = builder.chosen.get((q, other_day))
                    if k2 is None or k2 not in v.x[p][other_day] or not may_trade(q, k2):
                        continue
                    short = v.option(k2).shift.paid_minutes
                    if short >= long or other_day == day:
                        continue
                    change = (
                        week_delta(p, week, short - long)
                        + week_delta(q, week, long - short)
                        + away(p, v.option(k2))
                        + away(q, v.option(k))
                        - away(p, v.option(k))
                        - away(q, v.option(k2))
                    )
                    if change < 0 and (best is None or change < best[0]):
                        best = (change, q, k2)
            if best is None:
                continue
            _, q, k2 = best
            builder.unplace(p, k)
            builder.unplace(q, k2)
            if takes(q, k, p):
                builder.place(q, k)
                if takes(p, k2, q):
                    builder.place(p, k2)
                    swapped = True
                    continue
                builder.unplace(q, k)
            builder.place(p, k)
            builder.place(q, k2)
        return swapped

    improved = True
    while improved and time.monotonic() - started < seconds:
        improved = False
        for (p, day), k in sorted(builder.chosen.items()):
            if time.monotonic() - started >= seconds:
                break
            if not movable[p] or (p, day) in fixed:
                continue
            option = v.option(k)
            shift = option.shift
            if (day, shift.shift_id) in asked[p]:
                continue
            week, minutes = shift.day // 7, shift.paid_minutes
            giving = week_delta(p, week, -minutes) - away(p, option)
            best: tuple[int, int] | None = None
            for q in builder.eligible[k]:
                if q == p or not movable[q] or people[q].role is not people[p].role:
                    continue
                change = giving + week_delta(q, week, minutes) + away(q, option)
                if change >= 0 or (best is not None and change >= best[0]):
                    continue
                if (day, shift.shift_id) in asked[q] or not successions_allow(q, shift):
                    continue
                if builder.forbidden[q].intersection(set(builder.members[k]) - {p}):
                    continue
                if builder.can_take(q, k):
                    best = (change, q)
            if best is not None:
                builder.unplace(p, k)
                builder.place(best[1], k)
                improved = True
        # Two people of a role in one week trade shifts of different lengths, where
        # that lowers what both weeks cost together (each option keeps its roles).
        if time.monotonic() - started < seconds and swap_pass():
            improved = True
        # A week still short of contract: one more unit where both of its people's
        # weeks cost less for it (coverage only grows). Units pair a clinician and a
        # peer, so the other role's partner comes with it.
        pairs = problem.people_per_unit == 2
        for p in range(len(people)):
            if not movable[p] or time.monotonic() - started >= seconds:
                continue
            for day in range(problem.days):
                week = day // 7
                if (p, day) in builder.chosen or builder.paid[p][week] >= prices[p][week].contract:
                    continue
                found: tuple[int, int, int | None] | None = None
                for k in v.x[p][day]:
                    option = v.option(k)
                    shift = option.shift
                    change = week_delta(p, week, shift.paid_minutes) + away(p, option)
                    if change >= 0 or (found is not None and change >= found[0]):
                        continue
                    if (day, shift.shift_id) in asked[p] or not successions_allow(p, shift):
                        continue
                    if not builder.can_take(p, k):
                        continue
                    if not pairs:
                        found = (change, k, None)
                        continue
                    for q in builder.eligible[k]:
                        if not movable[q] or people[q].role is people[p].role:
                            continue
                        both = change + week_delta(q, week, shift.paid_minutes) + away(q, option)
                        if both >= 0 or (found is not None and both >= found[0]):
                            continue
                        if (day, shift.shift_id) in asked[q] or not successions_allow(q, shift):
                            continue
                        if q in builder.forbidden[p] or not builder.can_take(q, k):
                            continue
                        found = (both, k, q)
                if found is not None:
                    _, chosen_k, partner = found
                    builder.place(p, chosen_k)
                    if partner is not None:
                        builder.place(partner, chosen_k)
                    builder.cover(chosen_k, 1)
                    improved = True
        # A unit no slot needs (every slot it covers has one more than its target):
        # off, when that lowers what its people's weeks cost.
        if not pairs or time.monotonic() - started >= seconds:
            continue
        for k in sorted(builder.members):
            members = builder.members[k]
            if not members or any(not movable[p] for p in members):
                continue
            option = v.option(k)
            shift = option.shift
            if any((p, shift.day) in fixed for p in members):
                continue
            # Only units of demand (not of ShiftCover rows or pins) and none a slot needs.
            keys = builder.keys_of[k]
            if not keys or any(builder.target[key] >= 0 for key in keys):
                continue
            week = shift.day // 7
            saving = {
                p: week_delta(p, week, -shift.paid_minutes) - away(p, option) for p in members
            }
            by_role = {
                role: min((p for p in members if people[p].role is role), key=saving.__getitem__)
                for role in Role
                if any(people[p].role is role for p in members)
            }
            if len(by_role) < 2:
                continue
            unit = list(by_role.values())
            if sum(saving[p] for p in unit) >= 0:
                continue
            if any((shift.day, shift.shift_id) in asked[p] for p in unit):
                continue
            for p in unit:
                builder.unplace(p, k)
            builder.cover(k, -1)
            improved = True
    return builder.chosen
