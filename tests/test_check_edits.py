"""Random hand edits of valid solver rosters are caught exactly where they break a rule.

Each test takes a roster the solver made (solved once per program and cached), applies
one random edit the way a program manager would in Excel, and works out from the edit
alone which hard rules must break and for whom: a removed row leaves its unit with
one person (`pairing`), a moved shift splits its unit and may break its person's own
rules, swapped partners split both units, a changed zone splits the unit or names a
zone that does not exist; edits that keep every unit whole (a unit moved to another
zone or renamed, the rows reordered) break nothing. The checker must report exactly
that, nothing more.

The expectation for a person's own rules comes from `person_breaks`, the rules of
docs/rules.md written out plainly over that person's shift instances.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.evaluate import evaluate
from scheduler.io.read_workbook import read_problem
from scheduler.model import calendar
from scheduler.model.calendar import ShiftInstance
from scheduler.model.problem import PairKind, Person, Problem
from scheduler.model.roster import Assignment, Roster
from scheduler.synthetic import synthetic_program
from tests.solving import solve_checked

SMALL = Path(__file__).parent / "data" / "valid" / "small"
UNKNOWN_ZONE = "Q"
PROGRAMS = ("small", "synthetic fortnight")

RuleCounts = Counter[tuple[str, str | None]]  # (rule, employee_id) -> violations


@cache
def solved(name: str) -> tuple[Problem, tuple[Assignment, ...]]:
    """A program and its solver roster, rows in a stable order (solved once per run)."""
    if name == "small":  # 6 units, a pin, a trainee, `prefer`/`avoid` pairs
        problem = read_problem(SMALL)
    else:  # 40 units in two weeks, 24/7 with night shifts, two zones, a `forbid` pair
        problem = synthetic_program(4, 4, zones=2, days=14, around_the_clock=True, seed=0)
    result, _ = solve_checked(problem, time_limit=3.0, deterministic=True)
    return problem, result.roster.sorted().assignments


def person_breaks(problem: Problem, person: Person, shifts: Iterable[ShiftInstance]) -> RuleCounts:
    """The hard rules one person's own shifts break, counted as the checker reports them."""
    employee_id = person.employee_id
    rules = person.rules
    ordered = sorted(shifts, key=lambda s: (s.start, s.end))
    found: RuleCounts = Counter()
    rest = round(rules.min_rest_hours * 60)
    latest_end: int | None = None
    for i, shift in enumerate(ordered):
        found["overlap", employee_id] += sum(1 for s in ordered[i + 1 :] if s.start < shift.end)
        if latest_end is not None and latest_end <= shift.start < latest_end + rest:
            found["rest", employee_id] += 1
        latest_end = shift.end if latest_end is None else max(latest_end, shift.end)
        if calendar.is_unavailable(problem, employee_id, shift):
            found["unavailable", employee_id] += 1
    paid: Counter[int] = Counter()
    for shift in ordered:
        paid[calendar.week_of_day(shift.day)] += shift.paid_minutes
    if person.max_hours_per_week is not None:
        cap = round(person.max_hours_per_week * 60)
        found["max_hours_per_week", employee_id] += sum(1 for m in paid.values() if m > cap)
    days = {shift.day for shift in ordered}
    runs = calendar.day_runs(days)
    found["max_consecutive_days", employee_id] += sum(
        1 for _, length in runs if length > rules.max_consecutive_days
    )
    for week in calendar.weeks(problem):
        off = sum(1 for day in week.days if day not in days)
        if off < week.min_days_off(rules.min_days_off_per_week):
            found["min_days_off", employee_id] += 1
    return +found


def instance_of(problem: Problem, row: Assignment) -> ShiftInstance:
    return calendar.instance(problem, problem.day_of(row.date), problem.shift(row.shift_id))


def own_breaks(problem: Problem, rows: list[Assignment], employee_id: str) -> RuleCounts:
    shifts = [instance_of(problem, r) for r in rows if r.employee_id == employee_id]
    return person_breaks(problem, problem.person(employee_id), shifts)


def pins_lost(problem: Problem, row: Assignment, zone_changed: bool = False) -> RuleCounts:
    """`pin` for each pin this row honoured: all of them when the row is gone or moved,
    only those naming a zone when the row stays in another zone."""
    found: RuleCounts = Counter()
    for pin in problem.pins:
        if (pin.employee_id, pin.date, pin.shift_id) != (row.employee_id, row.date, row.shift_id):
            continue
        if zone_changed and pin.zone is None:
            continue
        found["pin", row.employee_id] += 1
    return found


@dataclass
class Edit:
    rows: list[Assignment]
    expected: RuleCounts = field(default_factory=Counter)
    split_units: list[str] = field(default_factory=list)  # units `pairing` must name


def partner(rows: list[Assignment], row: Assignment) -> Assignment:
    [other] = [r for r in rows if r.unit_id == row.unit_id and r is not row]
    return other


def shared(row: Assignment) -> tuple[dt.date, str, str, str]:
    return (row.date, row.shift_id, row.team, row.zone)


@st.composite
def removed_row(draw: st.DrawFn, problem: Problem, rows: list[Assignment]) -> Edit:
    """A deleted row: its unit is left with one person, named by `pairing`."""
    row = draw(st.sampled_from(rows))
    expected: RuleCounts = Counter({("pairing", partner(rows, row).employee_id): 1})
    expected += pins_lost(problem, row)
    return Edit([r for r in rows if r is not row], expected, [row.unit_id])


@st.composite
def moved_shift(draw: st.DrawFn, problem: Problem, rows: list[Assignment]) -> Edit:
    """One person's row moved to another day: its unit splits, and that person's own
    rules are whatever their new set of shifts breaks."""
    row = draw(st.sampled_from(rows))
    day = problem.day_of(row.date)
    new_day = draw(st.sampled_from([d for d in range(problem.days) if d != day]))
    shift = dt.timedelta(days=new_day - day)
    moved = row.model_copy(
        update={"date": row.date + shift, "start": row.start + shift, "end": row.end + shift}
    )
    edited = [moved if r is row else r for r in rows]
    expected: RuleCounts = Counter({("pairing", None): 1})
    expected += pins_lost(problem, row)
    expected += own_breaks(problem, edited, row.employee_id)
    return Edit(edited, expected, [row.unit_id])


def pair_rule_breaks(problem: Problem, unit_members: Iterable[str]) -> RuleCounts:
    ids = set(unit_members)
    found: RuleCounts = Counter()
    for pair in problem.pairs:
        if pair.kind is PairKind.FORBID and {pair.clinician_id, pair.peer_id} <= ids:
            found["forbidden_pair", None] += 1
    if sum(1 for i in ids if problem.person(i).is_trainee) > 1:
        found["trainee_pair", None] += 1
    return found


@st.composite
def swapped_partners(draw: st.DrawFn, problem: Problem, rows: list[Assignment]) -> Edit:
    """The peers of two units trade unit ids. Units on different shifts (or teams or
    zones) both split; on the same one it is a valid re-pairing. Either way the new
    pairs may be forbidden or two trainees."""
    units = sorted({r.unit_id for r in rows})
    first, second = draw(st.lists(st.sampled_from(units), min_size=2, max_size=2, unique=True))
    peers = {r.unit_id: r for r in rows if r.unit_id in (first, second) and r.role == "peer"}
    swap = {first: second, second: first}
    edited = [
        r.model_copy(update={"unit_id": swap[r.unit_id]}) if peers.get(r.unit_id) is r else r
        for r in rows
    ]
    expected: RuleCounts = Counter()
    split: list[str] = []
    if shared(peers[first]) != shared(peers[second]):
        expected["pairing", None] += 2
        split = [first, second]
    for unit_id in (first, second):
        expected += pair_rule_breaks(
            problem, (r.employee_id for r in edited if r.unit_id == unit_id)
        )
    return Edit(edited, expected, split)


@st.composite
def changed_zone(draw: st.DrawFn, problem: Problem, rows: list[Assignment]) -> Edit:
    """One row's zone changed: another zone splits the unit; a zone that does not
    exist drops the row (`unknown_zone`), leaving its partner alone."""
    row = draw(st.sampled_from(rows))
    zone = draw(st.sampled_from([z for z in (*problem.zone_ids, UNKNOWN_ZONE) if z != row.zone]))
    edited = [row.model_copy(update={"zone": zone}) if r is row else r for r in rows]
    if zone == UNKNOWN_ZONE:
        expected: RuleCounts = Counter(
            {("unknown_zone", row.employee_id): 1, ("pairing", partner(rows, row).employee_id): 1}
        )
        expected += pins_lost(problem, row)
    else:
        expected = Counter({("pairing", None): 1}) + pins_lost(problem, row, zone_changed=True)
    return Edit(edited, expected, [row.unit_id])


@st.composite
def harmless(draw: st.DrawFn, problem: Problem, rows: list[Assignment]) -> Edit:
    """Edits that keep every unit whole: a whole unit moved to another zone (only a pin
    naming the old zone can break), a unit renamed, the rows put in another order."""
    unit_id = draw(st.sampled_from(sorted({r.unit_id for r in rows})))
    members = [r for r in rows if r.unit_id == unit_id]
    kind = draw(st.sampled_from(("zone", "rename", "reorder")))
    expected: RuleCounts = Counter()
    if kind == "reorder":
        return Edit(draw(st.permutations(rows)))
    if kind == "rename":
        update = {"unit_id": f"{unit_id} (edited)"}
    else:
        zone = draw(st.sampled_from([z for z in problem.zone_ids if z != members[0].zone]))
        update = {"zone": zone}
        for row in members:
            expected += pins_lost(problem, row, zone_changed=True)
    return Edit([r.model_copy(update=update) if r in members else r for r in rows], expected)


EDITS = {
    "remove a row": removed_row,
    "move a shift": moved_shift,
    "swap partners": swapped_partners,
    "change a zone": changed_zone,
    "keep units whole": harmless,
}


def named_units(detail: str, unit_ids: Iterable[str]) -> list[str]:
    return [u for u in unit_ids if f"unit {u} " in detail]


@settings(max_examples=10 * settings().max_examples, deadline=None)
@given(name=st.sampled_from(PROGRAMS), kind=st.sampled_from(sorted(EDITS)), data=st.data())
def test_an_edit_breaks_exactly_the_rules_it_must(
    name: str, kind: str, data: st.DataObject
) -> None:
    problem, rows = solved(name)
    edit = data.draw(EDITS[kind](problem, list(rows)))
    hard = evaluate(problem, Roster(assignments=tuple(edit.rows))).hard_violations
    assert Counter((v.rule, v.employee_id) for v in hard) == edit.expected, hard
    units = sorted({r.unit_id for r in rows})
    split = [u for v in hard if v.rule == "pairing" for u in named_units(v.detail, units)]
    assert sorted(split) == sorted(edit.split_units), hard


def test_the_solver_rosters_break_nothing() -> None:
    for name in PROGRAMS:
        problem, rows = solved(name)
        assert evaluate(problem, Roster(assignments=rows)).hard_violations == ()
        assert len({r.unit_id for r in rows}) * 2 == len(rows)
