"""Why a program is infeasible: a small set of conflicting rules, in a person's words.

`explain_infeasible(problem, seconds)` returns the pre-check's errors when it has
any (`scheduler.precheck`, certain and cheap). Otherwise it builds the roster
model as the engine does, from the same rule families in the same order, and
puts each hard constraint in a *group*: one rule for one person (one pin, one
TimeOff row, one ShiftLimits row, rest, days off in one week, ...), or one rule
for everyone where a constraint spans people (pairing). Each group gets an
enabling literal, added to its constraints' `enforcement_literal`. CP-SAT then
solves with every literal assumed true; when that is infeasible it returns a
subset of the assumptions that is still infeasible (the core). The core is then
shrunk by deletion: drop a group, solve again, and leave it out when the rest
is still infeasible. What remains names the conflict, e.g.

    Pins conflict with days off: clinician C03 is pinned on 6 days of the week of
    Mon 2026-03-02 (Pins rows 4-9) but needs 2 days off that week (Rules
    min_days_off_per_week)

Why the model differs from the engine's in two places: the engine never makes
variables for shifts a person is unavailable for (TimeOff) or has a ShiftLimits
max of 0, so those rows could never appear in a core. Here the model is built
without those rows, and each row comes back as a constraint of its own group
(the shifts it speaks about are not worked), which is the same set of rosters.

What stays always on (never in a core): one shift a day and the link between a
person's options and the day they work (structural), the soft rules (their
penalty variables can always absorb a roster), definitions of auxiliary
variables that cannot fail (`lin_max` of the weekends), and constraints of kinds
of other kinds (the forbid pairs' `at_most_one`). The OR-Tools reference
(`cp_model.proto`, ConstraintProto.enforcement_literal) long listed only
`bool_or`, `bool_and` and `linear` as fully supporting enforcement; 9.15 accepts
it everywhere, but `pyproject.toml` allows OR-Tools from 9.10, so only those
three carry a literal here.

Solver settings, from the same reference: the core is minimised only with one
worker and no objective (CpSolverResponse.sufficient_assumptions_for_infeasibility),
and presolve is off because with presolve CP-SAT 9.15 can return a literal that
is not among the assumptions (google/or-tools#5141). Deletion re-checks every
group anyway, so a core is never taken on trust.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from scheduler.model.calendar import time_off_applies, weeks
from scheduler.model.problem import Person, Pin, Problem, TimeOffKind
from scheduler.model.stop import StopToken, never_stopped
from scheduler.precheck import (
    and_join,
    conflict,
    count,
    hours_text,
    limit_source,
    pins_clause,
    precheck,
    rows_text,
    rule_source,
    staff_source,
    unavailable_clause,
    week_text,
    who,
)
from scheduler.solve.engine import RULE_FAMILIES
from scheduler.solve.rules import total
from scheduler.solve.stoppable import search_stoppably
from scheduler.solve.variables import RosterVariables, build_variables

#: Families whose constraints are soft: their penalty variables absorb any roster.
SOFT_FAMILIES = frozenset({"coverage", "shift_cover", "requests", "zones"})

#: Constraint kinds that take an enforcement literal (cp_model.proto reference).
ENFORCEABLE = ("linear", "bool_or", "bool_and")

#: Kinds a constraint may be, to find which one a proto holds.
_KINDS = ("linear", "bool_or", "bool_and", "at_most_one", "exactly_one", "lin_max")

_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1


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


def explain_infeasible(
    problem: Problem, seconds: float = 10.0, *, stop: StopToken | None = None
) -> list[str]:
    """Sentences naming a conflict among the hard rules, for a program whose solve
    was infeasible.

    The pre-check's errors when it finds any; otherwise a small conflicting set
    of rule groups found by CP-SAT within `seconds`. An empty list means the
    hard rules can all hold (the model is feasible).
    """
    errors = precheck(problem).errors
    if errors:
        return list(errors)
    return explain_core(problem, seconds, stop=stop)


def explain_core(
    problem: Problem, seconds: float = 10.0, *, stop: StopToken | None = None
) -> list[str]:
    """The CP-SAT part of `explain_infeasible`, without the pre-check."""
    deadline = time.monotonic() + seconds
    grouped = GroupedModel.build(problem, stop)
    if grouped.variables.problems_found:
        return list(grouped.variables.problems_found)
    outcome = grouped.smallest_core(deadline)
    if outcome is None and grouped.stop.requested:
        return ["The search for the conflict was interrupted before it found one"]
    if outcome is None:
        return [
            f"The hard rules could not be shown to conflict within {seconds:g} s; "
            "try a longer time limit"
        ]
    feasible, core = outcome
    if feasible:
        return []
    if not core:
        return [
            "The hard rules cannot all hold, but no single rule can be blamed: the "
            "conflict lies in one shift a day and in which shifts are open (only shifts "
            "that cover Demand, have a ShiftCover row or are pinned are rostered)"
        ]
    return render(problem, core)


# --- The model, grouped ---------------------------------------------------------------


@dataclass
class GroupedModel:
    """The roster model with an enabling literal per group of hard constraints."""

    problem: Problem
    variables: RosterVariables
    literal_of: dict[Group, cp_model.IntVar] = field(default_factory=dict)
    #: A request ends the running solve and the shrinking (what is left still conflicts).
    stop: StopToken = field(default_factory=StopToken)

    @classmethod
    def build(cls, problem: Problem, stop: StopToken | None = None) -> GroupedModel:
        model = cp_model.CpModel()
        variables = build_variables(_without_pruned_rows(problem), model)
        grouped = cls(problem, variables, stop=never_stopped(stop))
        reader = _ConstraintReader(problem, variables)
        plan: dict[int, list[Group]] = {}
        for family in RULE_FAMILIES:
            name = family.__name__.rsplit(".", 1)[-1]
            first = len(model.proto.constraints)
            family.add(variables)
            last = len(model.proto.constraints)
            if name in SOFT_FAMILIES:
                continue
            for index in range(first, last):
                plan[index] = reader.groups(name, index, first, last)
        plan.update(grouped._pruned_rows())
        grouped._enforce(plan)
        return grouped

    def _pruned_rows(self) -> dict[int, list[Group]]:
        """Unavailable TimeOff rows and ShiftLimits of 0, as constraints: the shifts
        they forbid are not worked."""
        problem, v = self.problem, self.variables
        model, index = v.model, problem.staff_index
        plan: dict[int, list[Group]] = {}

        def forbid(chosen: list[cp_model.IntVar], group: Group) -> None:
            if chosen:
                plan[len(model.proto.constraints)] = [group]
                model.add(total(chosen) == 0)

        for row, item in enumerate(problem.time_off):
            if item.kind is TimeOffKind.UNAVAILABLE and item.employee_id in index:
                p = index[item.employee_id]
                spoken_of = [
                    var
                    for day_x in v.x[p]
                    for k, var in day_x.items()
                    if time_off_applies(problem, item, v.option(k).shift)
                ]
                forbid(spoken_of, Group("unavailable", p, row))
        for row, limit in enumerate(problem.shift_limits):
            if limit.max_shifts == 0 and limit.employee_id in index:
                p = index[limit.employee_id]
                of_type = [
                    var
                    for day_x in v.x[p]
                    for k, var in day_x.items()
                    if v.option(k).shift.shift_id == limit.shift_id
                ]
                forbid(of_type, Group("shift_limit", p, row))
        return plan

    def _enforce(self, plan: dict[int, list[Group]]) -> None:
        """Each planned constraint holds only while its group's literal is true. A
        constraint that belongs to several groups (two rules posting the same
        inequality) is copied, one copy per group, so either rule keeps it."""
        constraints = self.variables.model.proto.constraints
        enforced = {i: groups for i, groups in plan.items() if groups}
        enforced = {i: g for i, g in enforced.items() if _kind(constraints[i]) in ENFORCEABLE}
        for i, groups in enforced.items():
            for group in groups[1:]:
                copy = constraints.add()
                _copy_from(copy, constraints[i])
                copy.enforcement_literal.append(self._literal(group).index)
        for i, groups in enforced.items():
            constraints[i].enforcement_literal.append(self._literal(groups[0]).index)

    def _literal(self, group: Group) -> cp_model.IntVar:
        if group not in self.literal_of:
            name = f"enable_{group.rule}_{group.person}_{group.detail}"
            self.literal_of[group] = self.variables.model.new_bool_var(name)
        return self.literal_of[group]

    # -- Solving --------------------------------------------------------------------

    def _solve(self, assumed: Sequence[Group], deadline: float) -> tuple[Any, list[Group]]:
        """Solve with `assumed` groups on (the others off); the core when infeasible."""
        model = self.variables.model
        model.clear_assumptions()
        model.add_assumptions([self.literal_of[group] for group in assumed])
        solver = cp_model.CpSolver()
        # One worker and no objective: CP-SAT minimises the core only then.
        solver.parameters.num_workers = 1
        # CP-SAT's own Ctrl-C handler would replace the command line's (scheduler.interrupt).
        solver.parameters.catch_sigint_signal = False
        # With presolve, the core may name a literal that is not an assumption
        # (google/or-tools#5141); without it the core is a subset of them.
        solver.parameters.cp_model_presolve = False
        solver.parameters.random_seed = 0
        solver.parameters.max_time_in_seconds = max(0.05, deadline - time.monotonic())
        # Ctrl-C / SIGTERM stop it (None: a stop was requested before it began).
        status = search_stoppably(solver, model, stop=self.stop)
        if status != cp_model.INFEASIBLE:
            return status, []
        group_at = {self.literal_of[group].index: group for group in assumed}
        core = [
            group_at[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in group_at
        ]
        return status, sorted(set(core), key=Group.order)

    @property
    def groups(self) -> list[Group]:
        """Every group of the model, in order."""
        return sorted(self.literal_of, key=Group.order)

    def smallest_core(self, deadline: float) -> tuple[bool, list[Group]] | None:
        """(feasible, core): CP-SAT's core of all the groups, then `shrink`-ed. None
        when even the first solve runs out of time."""
        status, core = self._solve(self.groups, deadline)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return True, []
        if status != cp_model.INFEASIBLE:
            return None
        return False, self.shrink(core, deadline)

    def shrink(self, groups: Sequence[Group], deadline: float) -> list[Group]:
        """Groups that cannot all hold, from `groups` (which cannot all hold), by
        deletion: leave a group out when the rest still cannot hold. When time
        allows, dropping any one of the result makes it feasible.

        When every group is about one person, the model then fixes everyone
        else's shifts to none: it answers only for subsets of `groups` after.
        """
        if all(group.person is not None for group in groups):
            self._rest_off_duty({group.person for group in groups if group.person is not None})
        needed: list[Group] = []
        candidates = sorted(groups, key=Group.order)
        # Stopped early, needed + candidates still cannot all hold, only not minimal.
        while candidates and time.monotonic() < deadline and not self.stop.requested:
            group, rest = candidates[0], candidates[1:]
            status, smaller = self._solve(needed + rest, deadline)
            if status == cp_model.INFEASIBLE:
                # Not needed; the new core may leave out more of the rest. Groups
                # in `needed` are in every core of what is left.
                kept = set(smaller)
                candidates = [g for g in rest if g in kept]
            else:  # feasible without it (or out of time): it stays
                needed.append(group)
                candidates = rest
        return sorted(needed + candidates, key=Group.order)

    def _rest_off_duty(self, people: set[int]) -> None:
        """Fix everyone else's shifts to none, to shrink each later solve.

        Sound while every group in play is about one of `people`: the others'
        groups are off, and what stays on for them (one shift a day, soft rules)
        holds with no shifts, so fixing them changes no answer.
        """
        v = self.variables
        for p in range(len(v.people)):
            if p in people:
                continue
            for day_x, worked in zip(v.x[p], v.works[p], strict=True):
                for var in (*day_x.values(), worked):
                    domain = var.proto.domain
                    domain[0] = domain[1] = 0  # the proto's own list: set in place


def _without_pruned_rows(problem: Problem) -> Problem:
    """The program without unavailable TimeOff rows and ShiftLimits of 0 (which
    would prune variables); `GroupedModel._pruned_rows` puts them back as
    constraints."""
    values = {name: getattr(problem, name) for name in Problem.model_fields}
    values["time_off"] = tuple(t for t in problem.time_off if t.kind is not TimeOffKind.UNAVAILABLE)
    values["shift_limits"] = tuple(lim for lim in problem.shift_limits if lim.max_shifts)
    return Problem(**values)


def _kind(constraint: Any) -> str:
    """Which constraint a ConstraintProto holds (`linear`, `bool_or`, ...)."""
    which = getattr(constraint, "WhichOneof", None)
    if which is not None:  # google.protobuf messages (older OR-Tools)
        return str(which("constraint") or "")
    return next((kind for kind in _KINDS if getattr(constraint, f"has_{kind}")()), "")


def _copy_from(target: Any, source: Any) -> None:
    copy = getattr(target, "copy_from", None) or target.CopyFrom
    copy(source)


def _variable_refs(constraint: Any) -> list[int]:
    """Indices of the variables a constraint touches (negated literals included)."""
    kind = _kind(constraint)
    refs: list[int] = list(constraint.enforcement_literal)
    if kind == "linear":
        refs += list(constraint.linear.vars)
    elif kind in ("bool_or", "bool_and", "at_most_one", "exactly_one"):
        refs += list(getattr(constraint, kind).literals)
    elif kind == "lin_max":
        refs += list(constraint.lin_max.target.vars)
        for expr in constraint.lin_max.exprs:
            refs += list(expr.vars)
    return [ref if ref >= 0 else -ref - 1 for ref in refs]


# --- Which group a constraint belongs to ---------------------------------------------


#: Owner of an auxiliary variable defined by a constraint over several people.
_EVERYONE = -1


class _ConstraintReader:
    """Puts each hard constraint of a family in its groups, from the variables it
    touches: x and works variables belong to a person; an auxiliary variable to
    the person of the constraint that first uses it (its definition)."""

    def __init__(self, problem: Problem, v: RosterVariables) -> None:
        self.problem, self.v = problem, v
        self.constraints = v.model.proto.constraints
        self.owner: dict[int, int] = {}
        self.day_of: dict[int, int] = {}
        self.shift_of: dict[int, str] = {}
        self.works: set[int] = set()
        for p, (person_x, person_works) in enumerate(zip(v.x, v.works, strict=True)):
            for day, (day_x, worked) in enumerate(zip(person_x, person_works, strict=True)):
                for k, var in day_x.items():
                    self.owner[var.index] = p
                    self.day_of[var.index] = day
                    self.shift_of[var.index] = v.option(k).shift.shift_id
                self.owner[worked.index] = p
                self.day_of[worked.index] = day
                self.works.add(worked.index)

    def groups(self, family: str, index: int, first: int, last: int) -> list[Group]:
        constraint = self.constraints[index]
        refs = _variable_refs(constraint)
        people = {self.owner[ref] for ref in refs if ref in self.owner}
        person = people.pop() if len(people) == 1 and _EVERYONE not in people else None
        for ref in refs:
            if ref not in self.owner:
                self.owner[ref] = _EVERYONE if person is None else person
        if family == "pins" and last - first == len(self.problem.pins):
            # pins.add posts one constraint per pin, in order.
            pin = self.problem.pins[index - first]
            return [Group("pin", self.problem.staff_index[pin.employee_id], index - first)]
        if family == "pairing":
            return self._pairing(constraint)
        if not refs:
            return []  # a constant, e.g. no shift to cap in a week
        if person is None:
            return [Group(family)]
        if family == "rest":
            return [Group("rest", person)]
        if family == "successions":
            earliest = min(refs, key=lambda ref: self.day_of.get(ref, 0))
            return [Group("forbidden_next", person, self.shift_of.get(earliest))]
        if family == "shift_limits":
            return self._shift_limit(person, refs)
        if family == "hours":
            return self._hours(constraint, person, refs)
        if family == "sequences":
            return self._sequences(constraint, person, refs)
        return [Group(family, person)]

    def _pairing(self, constraint: Any) -> list[Group]:
        if self.problem.people_per_unit == 1:
            return []  # units are just a count of people
        kind = _kind(constraint)
        if kind == "bool_and":
            return []  # a prefer pair meeting (soft)
        if kind != "linear" or constraint.enforcement_literal:
            return [Group("forbidden_pair")]
        domain = list(constraint.linear.domain)
        if domain[0] == _INT_MIN:
            return [Group("trainee_pair")]  # trainees <= units
        return [Group("pairing")]  # clinicians = units = peers

    def _shift_limit(self, person: int, refs: list[int]) -> list[Group]:
        shifts = {self.shift_of[ref] for ref in refs if ref in self.shift_of}
        employee_id = self.problem.staff[person].employee_id
        for row, limit in enumerate(self.problem.shift_limits):
            if limit.employee_id == employee_id and limit.shift_id in shifts:
                return [Group("shift_limit", person, row)]
        return [Group("shift_limits", person)]

    def _hours(self, constraint: Any, person: int, refs: list[int]) -> list[Group]:
        if _kind(constraint) != "linear" or any(
            ref not in self.day_of for ref in constraint.linear.vars
        ):
            return []  # contract hours and overtime: soft, with a penalty variable
        staff = self.problem.staff[person]
        lowest, highest = _bounds(constraint)
        days = {self.day_of[ref] for ref in constraint.linear.vars}
        found: list[Group] = []
        least = round(staff.min_hours_total * 60)
        if set(constraint.linear.vars) <= self.works:
            # Days worked, bounded by the whole-roster hours.
            if lowest is not None and least:
                found.append(Group("min_hours_total", person))
            if highest is not None and staff.max_hours_total is not None:
                found.append(Group("max_hours_total", person))
            return found or [Group("hours", person)]
        cap = staff.max_hours_per_week
        if highest is not None and cap is not None and highest == round(cap * 60):
            found += [
                Group("max_hours_per_week", person, week.index)
                for week in weeks(self.problem)
                if days <= set(week.days)
            ]
        most = staff.max_hours_total
        if highest is not None and most is not None and highest == round(most * 60):
            found.append(Group("max_hours_total", person))
        if lowest is not None and lowest == least:
            found.append(Group("min_hours_total", person))
        return found or [Group("hours", person)]

    def _sequences(self, constraint: Any, person: int, refs: list[int]) -> list[Group]:
        kind = _kind(constraint)
        rules = self.problem.staff[person].rules
        if kind == "bool_or":
            # A run starting on day d continues: [on[d-1], not on[d], on[d+j]], where
            # `on` is works (runs worked) or its negation (runs off).
            negated = sum(1 for ref in constraint.bool_or.literals if ref < 0)
            if negated == 1:
                return [Group("min_consecutive_days", person)]
            if negated == 2:
                return [Group("min_consecutive_days_off", person)]
            return [Group("sequences", person)]
        if kind != "linear":
            return []  # the weekends' lin_max defines a variable: always on
        variables = list(constraint.linear.vars)
        if not set(variables) <= self.works:
            if not any(ref in self.works for ref in variables):
                return [Group("max_weekends", person)]  # a sum of weekends worked
            return []  # days beyond the preferred run: soft
        _, highest = _bounds(constraint)
        days = {self.day_of[ref] for ref in variables}
        found: list[Group] = []
        longest = rules.max_consecutive_days
        if len(days) == longest + 1 and highest == longest:
            found.append(Group("max_consecutive_days", person))
        for week in weeks(self.problem):
            off = week.min_days_off(rules.min_days_off_per_week)
            if days == set(week.days) and highest == week.n_days - off:
                found.append(Group("min_days_off", person, week.index))
        return found or [Group("sequences", person)]


def _bounds(constraint: Any) -> tuple[int | None, int | None]:
    """The finite lower and upper bounds of a linear constraint's domain."""
    domain = list(constraint.linear.domain)
    lowest = None if domain[0] == _INT_MIN else int(domain[0])
    highest = None if domain[-1] == _INT_MAX else int(domain[-1])
    return lowest, highest


# --- Words -----------------------------------------------------------------------------


#: Sentence order: rules that ask for work first, then the rules that stand in the way.
RULE_ORDER = (
    "pin",
    "min_hours_total",
    "min_consecutive_days",
    "pairing",
    "trainee_pair",
    "forbidden_pair",
    "unavailable",
    "shift_limit",
    "rest",
    "forbidden_next",
    "min_days_off",
    "max_consecutive_days",
    "min_consecutive_days_off",
    "max_weekends",
    "max_hours_per_week",
    "max_hours_total",
)

#: How each rule is named in a sentence's title.
TITLES = {
    "pin": "Pins",
    "unavailable": "TimeOff",
    "shift_limit": "ShiftLimits",
    "rest": "rest",
    "forbidden_next": "forbidden_next",
    "min_days_off": "days off",
    "pairing": "pairing",
    "trainee_pair": "trainee pairing",
    "forbidden_pair": "Pairs forbid",
}


def render(problem: Problem, core: Iterable[Group]) -> list[str]:
    """Sentences for a conflict: who, what the first rule asks of them and what the
    others forbid, with the sheet rows and rule values involved."""
    by_person: dict[int, dict[str, list[Group]]] = defaultdict(lambda: defaultdict(list))
    shared: set[str] = set()  # rules over several people (pairing)
    for group in core:
        if group.person is None:
            shared.add(group.rule)
        else:
            by_person[group.person][group.rule].append(group)
    shared_rules = _ordered(shared)
    shared_clauses = [_shared_clause(problem, rule) for rule in shared_rules]
    people = sorted(by_person)
    if not people:
        return [conflict([_title(rule) for rule in shared_rules], "the rules", shared_clauses)]
    # Without a rule over several people a smallest core is about one person; with
    # one, everyone it involves goes in the same sentence.
    batches = [people] if shared else [[p] for p in people]
    sentences: list[str] = []
    for batch in batches:
        first, *others = batch
        rules = by_person[first]
        ordered = _ordered(rules)
        parts = [_clause(problem, problem.staff[first], r, rules[r], rules) for r in ordered]
        titles = [_title(ordered[0]), *map(_title, shared_rules), *map(_title, ordered[1:])]
        clauses = [*shared_clauses, *parts[1:]]
        for p in others:
            their = by_person[p]
            their_rules = _ordered(their)
            titles += map(_title, their_rules)
            words = [_clause(problem, problem.staff[p], r, their[r], their) for r in their_rules]
            clauses.append(f"{who(problem.staff[p])} {and_join(words)}")
        subject = f"{who(problem.staff[first])} {parts[0]}"
        sentences.append(conflict(titles, subject, clauses))
    return sentences


def _ordered(rules: Iterable[str]) -> list[str]:
    order = {rule: n for n, rule in enumerate(RULE_ORDER)}
    return sorted(set(rules), key=lambda rule: (order.get(rule, len(order)), rule))


def _title(rule: str) -> str:
    return TITLES.get(rule, rule)


def _shared_clause(problem: Problem, rule: str) -> str:
    if rule == "pairing":
        return "each unit needs one clinician and one peer on the same shift, team and zone"
    if rule == "trainee_pair":
        trainees = [person for person in problem.staff if person.is_trainee]
        names = and_join([person.employee_id for person in trainees])
        rows = rows_text("Staff", [person.row for person in trainees])
        return f"no unit may hold two trainees ({names}: skills in {rows})"
    if rule == "forbidden_pair":
        return "the people of a Pairs forbid row may not share a unit"
    return f"the {rule} rules hold"


def _clause(
    problem: Problem, person: Person, rule: str, groups: list[Group], rules: dict[str, list[Group]]
) -> str:
    """What one rule says about one person, with its rows or values."""
    details = sorted(group.detail for group in groups if isinstance(group.detail, int))
    if rule == "pin":
        return pins_clause(problem, [problem.pins[i] for i in details])
    if rule == "unavailable":
        pinned = _pins_of(problem, rules)
        on_date = pinned[0].date if len(pinned) == 1 else None
        return unavailable_clause([problem.time_off[i] for i in details], on_date)
    if rule == "shift_limit":
        parts = []
        for i in details:
            limit = problem.shift_limits[i]
            if limit.max_shifts == 0:
                parts.append(f"may not work {limit.shift_id} ({limit_source(limit)}: max_shifts 0)")
            else:
                parts.append(
                    f"may work at most {limit.max_shifts} {limit.shift_id} shifts "
                    f"({limit_source(limit)})"
                )
        return and_join(parts)
    if rule == "rest":
        source = rule_source(problem, person, "min_rest_hours")
        return f"needs {person.rules.min_rest_hours:g} hours of rest between shifts ({source})"
    if rule == "forbidden_next":
        parts = []
        for shift_id in sorted(str(g.detail) for g in groups if g.detail is not None):
            banned = " or ".join(problem.shift(shift_id).forbidden_next)
            source = f"Shifts {shift_id} forbidden_next"
            parts.append(f"may not start {banned} the day after {shift_id} ({source})")
        return and_join(parts) or "may not start a shift of its forbidden_next (Shifts)"
    if rule == "min_days_off":
        source = rule_source(problem, person, "min_days_off_per_week")
        all_weeks = weeks(problem)
        pinned = _pins_of(problem, rules)
        if (
            len(details) == 1
            and len(pinned) > 3
            and all(problem.day_of(pin.date) in all_weeks[details[0]].days for pin in pinned)
        ):  # the pins were summed up as "N days of the week of ..."
            off = all_weeks[details[0]].min_days_off(person.rules.min_days_off_per_week)
            return f"needs {off} days off that week ({source})"
        needs = and_join(
            [
                f"{all_weeks[i].min_days_off(person.rules.min_days_off_per_week)} days off in "
                f"{week_text(problem, all_weeks[i])}"
                for i in details
            ]
        )
        return f"needs {needs} ({source})"
    if rule == "max_hours_per_week":
        cap = hours_text(round((person.max_hours_per_week or 0) * 60))
        source = staff_source(person, "max_hours_per_week")
        every = len(details) == len(weeks(problem))
        when = "a week" if every else _weeks_text(problem, details)
        return f"may work at most {cap} paid hours {when} ({source})"
    if rule == "min_hours_total":
        least = hours_text(round(person.min_hours_total * 60))
        source = staff_source(person, "min_hours_total")
        return f"must work at least {least} paid hours in the roster ({source})"
    if rule == "max_hours_total":
        most = hours_text(round((person.max_hours_total or 0) * 60))
        source = staff_source(person, "max_hours_total")
        return f"may work at most {most} paid hours in the roster ({source})"
    counted = {  # what the rule says, and what its value counts
        "max_consecutive_days": ("may work at most {} in a row", "day"),
        "min_consecutive_days": ("must work at least {} in a row once they start", "day"),
        "min_consecutive_days_off": ("needs at least {} in a row without a shift once off", "day"),
        "max_weekends": ("may work at most {}", "weekend"),
    }
    if rule in counted:
        words, noun = counted[rule]
        value = count(getattr(person.rules, rule), noun)
        return f"{words.format(value)} ({rule_source(problem, person, rule)})"
    return f"must keep the {rule} rules"


def _pins_of(problem: Problem, rules: dict[str, list[Group]]) -> list[Pin]:
    return [problem.pins[int(g.detail)] for g in rules.get("pin", []) if g.detail is not None]


def _weeks_text(problem: Problem, indices: list[int]) -> str:
    all_weeks = weeks(problem)
    if len(indices) == 1:
        return f"in {week_text(problem, all_weeks[indices[0]])}"
    starts = [week_text(problem, all_weeks[i]).removeprefix("the week of ") for i in indices]
    return f"in the weeks of {and_join(starts)}"


__all__ = ["Group", "GroupedModel", "explain_core", "explain_infeasible", "render"]
