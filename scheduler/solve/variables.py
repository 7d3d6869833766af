"""Decision variables of the roster model.

A person's choice on a day is one *option*: a shift instance (template started
that day), a team and a zone, or nothing. `x[p][day][option]` is that choice,
and `units[option]` counts the units working it. Options are pruned up front:
eligibility, shift-team restrictions and unavailability are never variables, nor
is what `History` rules out (`history_allows`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.model.calendar import (
    CoverKey,
    Requirement,
    ShiftInstance,
    coverage_requirements,
    history_instances,
    instance,
    is_unavailable,
    shift_cover_rules,
    shift_instances,
    slots_covered,
)
from scheduler.model.problem import Person, Problem, Team
from scheduler.solve.linear import total


@dataclass(frozen=True, order=True)
class Option:
    """A shift instance worked on a team in a zone; `index` >= 1 identifies it."""

    index: int
    shift: ShiftInstance
    team: Team
    zone: str


@dataclass(frozen=True)
class Group:
    """Hard constraints that stand or fall together: one rule, for one person
    (`person` is their index in `Problem.staff`) or for everyone (None). `detail`
    narrows it: a pin, TimeOff or ShiftLimits row index, a week index, a shift."""

    rule: str
    person: int | None = None
    detail: int | str | None = None

    def order(self) -> tuple[str, int, str]:
        """A sort key (fields may be None, ints or text)."""
        person = -1 if self.person is None else self.person
        detail = "" if self.detail is None else f"{self.detail:>12}"
        return self.rule, person, detail


@dataclass
class RosterVariables:
    """Every variable of the model and the index structures the rules share."""

    problem: Problem
    model: cp_model.CpModel
    requirements: dict[tuple[Team, str, int], Requirement]
    options: list[Option]
    # x[person index][day] -> {option index: BoolVar}
    x: list[list[dict[int, cp_model.IntVar]]]
    works: list[list[cp_model.IntVar]]  # works[person][day]: a shift starts that day
    # on[person][(day, shift_id)]: the person works that shift instance (any team/zone)
    on: list[dict[tuple[int, str], cp_model.LinearExpr]]
    instances: dict[tuple[int, str], ShiftInstance]  # (day, shift_id) -> instance
    # (day, shift_id, team, zone) -> option index
    option_at: dict[tuple[int, str, Team, str], int] = field(default_factory=dict)
    # units[option index]: units working that option (= its clinicians = its peers)
    units: dict[int, cp_model.IntVar] = field(default_factory=dict)
    problems_found: list[str] = field(default_factory=list)
    # Constraint index -> the groups of a hard constraint, as its family posted it
    # (`hard`); what `scheduler.solve.explain` switches and names. Structural
    # constraints, definitions and soft rules are not registered: always on.
    groups_of: dict[int, tuple[Group, ...]] = field(default_factory=dict)

    def hard(self, constraint: cp_model.Constraint, *groups: Group) -> cp_model.Constraint:
        """Register `constraint` as a hard rule of `groups` (usually one)."""
        self.groups_of[constraint.index] = groups
        return constraint

    @property
    def people(self) -> tuple[Person, ...]:
        return self.problem.staff

    def option(self, index: int) -> Option:
        return self.options[index - 1]

    def choices(self) -> Choices:
        """What the model's variables allow, as `person_choices` gives it."""
        return Choices(
            self.requirements,
            self.options,
            [[tuple(day_x) for day_x in person_x] for person_x in self.x],
            list(self.problems_found),
        )

    def paid_minutes(self, person: int, days: range) -> cp_model.LinearExpr:
        return total(
            self.option(k).shift.paid_minutes * var
            for day in days
            for k, var in self.x[person][day].items()
        )


def useful_options(problem: Problem, requirements: dict[CoverKey, Requirement]) -> list[Option]:
    """Options whose shift covers a slot with demand for its team and zone, or has a
    `ShiftCover` row, plus pinned ones."""
    demanded = {
        (team, zone, slot) for (team, zone, slot), req in requirements.items() if req.target
    }
    pinned = {(pin.date, pin.shift_id) for pin in problem.pins}
    shift_covered = set(shift_cover_rules(problem))
    found: list[Option] = []
    for shift in shift_instances(problem):
        template = problem.shift(shift.shift_id)
        is_pinned = (problem.date_of(shift.day), shift.shift_id) in pinned
        covered = slots_covered(problem, shift.start, shift.end)
        for team in Team:
            if not template.allows(team):
                continue
            for zone in problem.zone_ids:
                if (
                    is_pinned
                    or (shift.day, shift.shift_id, team, zone) in shift_covered
                    or any((team, zone, slot) in demanded for slot in covered)
                ):
                    found.append(Option(len(found) + 1, shift, team, zone))
    return found


def pin_allows(problem: Problem, person: Person, option: Option) -> bool:
    """False when a pin of this person on this day asks for another shift, team or zone."""
    for pin in problem.pins:
        if pin.employee_id != person.employee_id:
            continue
        if problem.day_of(pin.date) != option.shift.day:
            continue
        if pin.shift_id != option.shift.shift_id:
            return False
        if pin.team is not None and pin.team != option.team:
            return False
        if pin.zone is not None and pin.zone != option.zone:
            return False
    return True


@dataclass(frozen=True)
class HistoryLimits:
    """What one person's `History` rules out at the start of the horizon: shifts
    starting before the last one's end plus rest (or overlapping it), and the
    `forbidden_next` of the shifts started on the day before `start_date`."""

    earliest_start: int  # absolute minute: the latest end plus the person's rest
    banned_on_first_day: dict[str, str]  # shift_id -> the day-before shift that bans it
    last_shift: str  # the shift ending last, for messages

    @classmethod
    def of(
        cls, problem: Problem, person: Person, shifts: list[ShiftInstance]
    ) -> HistoryLimits | None:
        if not shifts:
            return None
        last = max(shifts, key=lambda s: s.end)
        rest = round(person.rules.min_rest_hours * 60)
        banned = {
            following: s.shift_id
            for s in shifts
            if s.day == -1 and s.shift_id in problem.shifts_by_id
            for following in problem.shift(s.shift_id).forbidden_next
        }
        return cls(last.end + rest, banned, f"{last.shift_id} of {problem.date_of(last.day)}")

    def forbids(self, shift: ShiftInstance) -> str | None:
        """Why `History` rules the shift out, or None."""
        if shift.start < self.earliest_start:
            return f"it starts before the end of History's {self.last_shift} plus rest"
        if shift.day == 0 and shift.shift_id in self.banned_on_first_day:
            before = self.banned_on_first_day[shift.shift_id]
            return f"History's {before} the day before forbids it (forbidden_next)"
        return None


@dataclass(frozen=True)
class Choices:
    """What each person may work, before any variable exists: the options worth a
    variable (`useful_options`) and, per person and day, the indices of those the
    person may take (eligibility, shift-team restrictions, pins, zero shift limits,
    unavailability and `History` ruled out)."""

    requirements: dict[CoverKey, Requirement]
    options: list[Option]
    of: list[list[tuple[int, ...]]]  # of[person index][day] -> option indices
    problems_found: list[str]

    def option(self, index: int) -> Option:
        return self.options[index - 1]


def person_choices(problem: Problem) -> Choices:
    requirements = coverage_requirements(problem)
    options = useful_options(problem, requirements)
    by_day: dict[int, list[Option]] = defaultdict(list)
    for option in options:
        by_day[option.shift.day].append(option)
    limit_of = problem.shift_limit_of
    history_of = history_instances(problem)
    problems_found: list[str] = []
    of: list[list[tuple[int, ...]]] = []
    for person in problem.staff:
        history = HistoryLimits.of(problem, person, history_of.get(person.employee_id, []))
        unavailable: dict[ShiftInstance, bool] = {}
        person_of: list[tuple[int, ...]] = []
        for day in range(problem.days):
            allowed: list[int] = []
            for option in by_day[day]:
                if option.team not in person.teams or not pin_allows(problem, person, option):
                    continue
                if limit_of.get((person.employee_id, option.shift.shift_id)) == 0:
                    continue
                if option.shift not in unavailable:
                    unavailable[option.shift] = (
                        is_unavailable(problem, person.employee_id, option.shift) is not None
                    )
                if unavailable[option.shift]:
                    continue
                if history is not None and history.forbids(option.shift):
                    continue
                allowed.append(option.index)
            person_of.append(tuple(allowed))
        of.append(person_of)
        if history is not None:
            problems_found.extend(_pins_against_history(problem, person, history))
    return Choices(requirements, options, of, problems_found)


def build_variables(problem: Problem, model: cp_model.CpModel) -> RosterVariables:
    choices = person_choices(problem)
    options = choices.options
    x: list[list[dict[int, cp_model.IntVar]]] = []
    works: list[list[cp_model.IntVar]] = []
    on: list[dict[tuple[int, str], cp_model.LinearExpr]] = []
    for p, person_of in enumerate(choices.of):
        person_x: list[dict[int, cp_model.IntVar]] = []
        person_works: list[cp_model.IntVar] = []
        person_on: dict[tuple[int, str], list[cp_model.IntVar]] = defaultdict(list)
        for day, allowed in enumerate(person_of):
            day_x: dict[int, cp_model.IntVar] = {}
            for k in allowed:
                var = model.new_bool_var(f"x_p{p}_o{k}")
                day_x[k] = var
                person_on[(day, choices.option(k).shift.shift_id)].append(var)
            # At most one shift starts per person and day (a solver restriction).
            worked = model.new_bool_var(f"works_p{p}_d{day}")
            model.add(total(day_x.values()) == worked)
            person_x.append(day_x)
            person_works.append(worked)
        x.append(person_x)
        works.append(person_works)
        on.append({key: total(vars_) for key, vars_ in person_on.items()})

    return RosterVariables(
        problem=problem,
        model=model,
        requirements=choices.requirements,
        options=options,
        x=x,
        works=works,
        on=on,
        instances={(o.shift.day, o.shift.shift_id): o.shift for o in options},
        option_at={(o.shift.day, o.shift.shift_id, o.team, o.zone): o.index for o in options},
        problems_found=list(choices.problems_found),
    )


def _pins_against_history(problem: Problem, person: Person, history: HistoryLimits) -> list[str]:
    """A pin that `History` rules out, said plainly (the pins rule only sees that no
    option is left for it)."""
    found: list[str] = []
    for pin in problem.pins:
        if pin.employee_id != person.employee_id or pin.shift_id not in problem.shifts_by_id:
            continue
        reason = history.forbids(
            instance(problem, problem.day_of(pin.date), problem.shift(pin.shift_id))
        )
        if reason is not None:
            found.append(
                f"Pins row {pin.row}: {pin.employee_id} cannot work {pin.shift_id} on "
                f"{pin.date.isoformat()}: {reason}"
            )
    return found
