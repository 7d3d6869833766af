"""Repair: changes against a baseline roster, and nothing new before a cutoff.

Posted only when the engine is given a baseline roster or a cutoff (`repair`).
A baseline assignment is *kept* when the person works the same option (day,
shift, team and zone); its literal is that option's x. Each baseline assignment
not kept is one change, and so is each day a person works without working it in
the baseline (newly called in). The count leaves partners out: who pairs with
whom is decided in stage 3, which keeps baseline pairs first
(`scheduler.solve.matching`).

Before the cutoff only pinned options may be worked: the repair pins every
baseline shift that started before it, so nobody else is put on one.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.model.problem import Pin, Role
from scheduler.model.roster import Roster
from scheduler.solve.rules import Expr, Parts, total
from scheduler.solve.variables import Option, RosterVariables


@dataclass(frozen=True)
class BaselineRow:
    """A baseline assignment in the model's terms."""

    person: int
    day: int
    unit_id: str
    option: int | None  # the person's option for it, None when it cannot be kept


def baseline_rows(v: RosterVariables, baseline: Roster) -> list[BaselineRow]:
    """The baseline's assignments of known people inside the horizon."""
    problem, index = v.problem, v.problem.staff_index
    rows: list[BaselineRow] = []
    for a in baseline.assignments:
        p, day = index.get(a.employee_id), problem.day_of(a.date)
        if p is None or not 0 <= day < problem.days:
            continue
        k = v.option_at.get((day, a.shift_id, a.team, a.zone))
        rows.append(BaselineRow(p, day, a.unit_id, k if k in v.x[p][day] else None))
    return rows


def add(v: RosterVariables, baseline: Roster | None, frozen_before: int | None) -> Parts:
    """`frozen_before` is in minutes from the horizon's start."""
    if frozen_before is not None:
        _freeze(v, frozen_before)
    if baseline is None:
        return {"changes": total([])}
    return {"changes": _change_count(v, baseline_rows(v, baseline))}


def most_changes(v: RosterVariables, baseline: Roster) -> int:
    """An upper bound of the change count: every baseline row and every other workable day."""
    rows = baseline_rows(v, baseline)
    worked = {(row.person, row.day) for row in rows}
    workable = sum(
        1
        for p, person_x in enumerate(v.x)
        for day, day_x in enumerate(person_x)
        if day_x and (p, day) not in worked
    )
    return len(rows) + workable


def _change_count(v: RosterVariables, rows: list[BaselineRow]) -> Expr:
    terms: list[Expr | int] = []
    for row in rows:
        if row.option is None:
            terms.append(1)  # unavailable now, or the option is gone: surely changed
        else:
            terms.append(1 - v.x[row.person][row.day][row.option])
    worked = {(row.person, row.day) for row in rows}
    for p, person_works in enumerate(v.works):
        for day, works in enumerate(person_works):
            if (p, day) not in worked and v.x[p][day]:
                terms.append(works)  # newly called in
    return total(terms)


def _freeze(v: RosterVariables, cutoff: int) -> None:
    problem = v.problem
    pins_of: dict[tuple[str, int], list[Pin]] = {}
    for pin in problem.pins:
        pins_of.setdefault((pin.employee_id, problem.day_of(pin.date)), []).append(pin)
    for p, person in enumerate(problem.staff):
        for day, day_x in enumerate(v.x[p]):
            pins = pins_of.get((person.employee_id, day), [])
            for k, var in day_x.items():
                option = v.option(k)
                if option.shift.start < cutoff and not any(_asks_for(pin, option) for pin in pins):
                    v.model.add(var == 0)


def _asks_for(pin: Pin, option: Option) -> bool:
    """The pin (of this person and day) asks for exactly this option."""
    return (
        pin.shift_id == option.shift.shift_id
        and pin.team in (None, option.team)
        and pin.zone in (None, option.zone)
    )


def previous_pairs(v: RosterVariables, rows: list[BaselineRow]) -> set[tuple[int, int, int]]:
    """(clinician, peer, option) of each baseline unit whose two people can both keep it."""
    members: dict[str, list[BaselineRow]] = {}
    for row in rows:
        members.setdefault(row.unit_id, []).append(row)
    found: set[tuple[int, int, int]] = set()
    for unit in members.values():
        if len(unit) != 2 or unit[0].option is None or unit[0].option != unit[1].option:
            continue
        roles = {v.people[row.person].role: row.person for row in unit}
        if set(roles) == {Role.CLINICIAN, Role.PEER}:
            found.add((roles[Role.CLINICIAN], roles[Role.PEER], unit[0].option))
    return found


def baseline_hint(v: RosterVariables, rows: list[BaselineRow]) -> dict[tuple[int, int], int]:
    """(person, day) -> option of the baseline units that can all be kept as they were.

    A unit one of whose people cannot keep it is left out whole, so that the hint
    keeps the counting rules (clinicians = peers on every option)."""
    members: dict[str, list[BaselineRow]] = {}
    for row in rows:
        members.setdefault(row.unit_id, []).append(row)
    chosen: dict[tuple[int, int], int] = {}
    for unit in members.values():
        options = {row.option for row in unit}
        if None in options or len(options) != 1:
            continue
        if any((row.person, row.day) in chosen for row in unit):
            continue  # someone with two rows that day: the first stays
        if v.problem.people_per_unit == 2:
            roles = sorted(v.people[row.person].role for row in unit)
            if roles != [Role.CLINICIAN, Role.PEER]:
                continue
        elif len(unit) != 1:
            continue
        for row in unit:
            assert row.option is not None
            chosen[(row.person, row.day)] = row.option
    return chosen
