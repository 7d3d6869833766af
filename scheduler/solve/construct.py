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

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.model.calendar import CoverKey, ShiftInstance, slots_covered, weeks
from scheduler.model.problem import MINUTES_PER_DAY, PairKind, Role
from scheduler.model.stop import StopToken
from scheduler.solve.rules import total
from scheduler.solve.stoppable import search_stoppably
from scheduler.solve.variables import Option, RosterVariables

#: (person index, day) -> the option index that person works that day.
Chosen = dict[tuple[int, int], int]


def construct(v: RosterVariables, start: Chosen | None = None) -> Chosen:
    """A roster as the option each person works per day (absent: off).

    With `start` (whole units of a roster found elsewhere: the zone groups'),
    those go first, as far as the rules let them, and the greedy fills the rest."""
    builder = _Builder(v)
    for (p, _day), k in sorted((start or {}).items()):
        if builder.can_take(p, k):
            builder.place(p, k)
    builder.place_pins()
    # Required coverage on every day before any target: a target met early in the
    # week would spend the hours and days that required slots later need.
    for required_only in (True, False):
        for day in range(v.problem.days):
            builder.fill_day(day, required_only)
    return builder.chosen


def shortfall(v: RosterVariables, chosen: Chosen) -> tuple[int, int]:
    """Required and target unit-slots a constructed roster leaves short (units of an
    option: its people, or the fewer of its clinicians and peers when units pair)."""
    builder = _Builder(v)
    on: dict[int, list[int]] = defaultdict(list)
    for (p, _day), k in chosen.items():
        on[k].append(p)
    for k, people in on.items():
        if v.problem.people_per_unit == 2:
            roles = [v.people[p].role for p in people]
            units = min(roles.count(Role.CLINICIAN), roles.count(Role.PEER))
        else:
            units = len(people)
        builder.cover(k, units)
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
        while True:
            best: tuple[float, float, int] | None = None
            for option in self.options_by_day[day]:
                k = option.index
                if k in nobody:
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
