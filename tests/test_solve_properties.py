"""Properties of every solver roster on random small programs.

Each roster goes through `tests.solving.solve_checked`: it breaks no hard rule per
the checker, and at a proven optimum both objectives equal the checker's. On top
of that, read straight from the rows: every unit is one clinician and one peer on
the same shift, team and zone, and nobody starts two shifts on one day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.evaluate import evaluate
from scheduler.model.problem import (
    PairKind,
    PairRule,
    Person,
    Pin,
    Problem,
    Role,
    ShiftTemplate,
    Team,
    TimeOff,
)
from scheduler.model.roster import Roster
from scheduler.synthetic import synthetic_program
from tests.factories import (
    D8,
    E8,
    N12,
    START,
    demand,
    make_problem,
    make_roster,
    person,
    template,
    time_off,
    unit,
)
from tests.solving import solve_checked

SECONDS_PER_SOLVE = 2.0

SHIFTS = (
    D8,
    E8,
    N12,
    template("M10", "10:00", "20:30", 30),
    template("J6", "12:00", "18:00", teams=("juvenile",)),
)
# Adult work is the common case; juvenile-only people and demand are rarer.
TEAM_SETS = (("adult",), ("adult",), ("adult", "juvenile"), ("juvenile",))
DEMAND_TEAMS = (Team.ADULT, Team.ADULT, Team.JUVENILE)
ZONES = ("N", "S")


def assert_units_are_pairs(problem: Problem, roster: Roster) -> None:
    """One clinician and one peer per unit, sharing date, shift, team and zone."""
    by_unit: dict[str, list[tuple[str, Role, tuple[object, ...]]]] = defaultdict(list)
    for row in roster.assignments:
        shared = (row.date, row.shift_id, row.start, row.end, row.team, row.zone)
        by_unit[row.unit_id].append((row.employee_id, row.role, shared))
    for unit_id, members in by_unit.items():
        roles = sorted(problem.person(employee_id).role for employee_id, _, _ in members)
        assert roles == [Role.CLINICIAN, Role.PEER], (unit_id, members)
        assert all(problem.person(e).role is role for e, role, _ in members), (unit_id, members)
        assert len({shared for _, _, shared in members}) == 1, (unit_id, members)


def assert_one_shift_a_day(roster: Roster) -> None:
    starts = [(row.employee_id, row.date) for row in roster.assignments]
    assert len(starts) == len(set(starts)), sorted(starts)


def check_solver(problem: Problem) -> None:
    result, evaluation = solve_checked(problem, time_limit=SECONDS_PER_SOLVE)
    assert_units_are_pairs(problem, result.roster)
    assert_one_shift_a_day(result.roster)
    assert evaluation.unit_count * 2 == len(result.roster.assignments)


# --- Programs from the synthetic generator -------------------------------------------


@settings(max_examples=settings().max_examples, deadline=None)
@given(
    clinicians=st.integers(1, 4),
    peers=st.integers(1, 4),
    zones=st.integers(1, 2),
    days=st.integers(1, 7),
    around_the_clock=st.booleans(),
    seed=st.integers(0, 10_000),
)
def test_synthetic_programs(
    clinicians: int, peers: int, zones: int, days: int, around_the_clock: bool, seed: int
) -> None:
    check_solver(
        synthetic_program(
            clinicians, peers, zones, days, around_the_clock=around_the_clock, seed=seed
        )
    )


# --- Programs from the test factories, with every kind of row ------------------------


@st.composite
def people(draw: st.DrawFn, role: str, count: int) -> list[Person]:
    found = []
    for n in range(1, count + 1):
        found.append(
            person(
                f"{role[0].upper()}0{n}",
                role,
                teams=draw(st.sampled_from(TEAM_SETS)),
                home_zone=draw(st.sampled_from(ZONES)),
                min_hours_per_week=draw(st.sampled_from((0, 16, 40))),
                max_hours_per_week=draw(st.sampled_from((None, 16, 24, 48))),
                hourly_rate=draw(st.sampled_from((0, 30, 45.5))),
                overtime_eligible=draw(st.booleans()),
                skills=draw(st.sampled_from(((), (), ("driver",), ("trainee",)))),
                min_rest_hours=draw(st.sampled_from((0, 8, 10, 12))),
                max_consecutive_days=draw(st.integers(2, 6)),
                preferred_max_consecutive_days=draw(st.integers(1, 5)),
                min_days_off_per_week=draw(st.integers(0, 3)),
                overtime_after_hours=draw(st.sampled_from((8, 16, 40))),
            )
        )
    return found


@st.composite
def time_off_rows(
    draw: st.DrawFn, staff: list[Person], shifts: list[ShiftTemplate], days: int
) -> list[TimeOff]:
    rows = []
    for _ in range(draw(st.integers(0, 3))):
        first = START + dt.timedelta(days=draw(st.integers(-1, days)))
        kind = draw(st.sampled_from(("unavailable", "prefer_off", "prefer_on")))
        if draw(st.booleans()):
            last = first + dt.timedelta(days=draw(st.integers(0, 2)))
            start: dt.date = first
            end: dt.date = last
        else:
            start = dt.datetime.combine(first, dt.time(draw(st.integers(0, 23))))
            end = start + dt.timedelta(hours=draw(st.integers(1, 14)))
        rows.append(
            time_off(
                draw(st.sampled_from([p.employee_id for p in staff])),
                start,
                end,
                kind,
                shift_id=draw(st.none() | st.sampled_from([s.shift_id for s in shifts])),
                weight=draw(st.integers(0, 3)),
            )
        )
    return rows


@st.composite
def programs(draw: st.DrawFn) -> Problem:
    days = draw(st.integers(1, 7))
    staff = draw(people("clinician", draw(st.integers(1, 4))))
    staff += draw(people("peer", draw(st.integers(1, 4))))
    shifts = draw(st.lists(st.sampled_from(SHIFTS), min_size=1, max_size=3, unique=True))
    demand_rows = []
    for _ in range(draw(st.integers(1, 4))):
        required = draw(st.sampled_from((1, 2, 0)))
        start_hour = draw(st.integers(7, 17) | st.integers(0, 23))  # mostly daytime
        end_hour = (start_hour + draw(st.integers(2, 14))) % 24
        demand_rows.append(
            demand(
                draw(st.sampled_from(DEMAND_TEAMS)),
                draw(st.sampled_from(ZONES)),
                draw(st.integers(-1, days - 1)) % 7,  # a day of the horizon or the one before
                f"{start_hour:02d}:00",
                f"{end_hour:02d}:{draw(st.sampled_from(('00', '30')))}",
                required,
                required + draw(st.integers(0, 1)),
            )
        )
    clinician_ids = [p.employee_id for p in staff if p.role is Role.CLINICIAN]
    peer_ids = [p.employee_id for p in staff if p.role is Role.PEER]
    # One row per pair: a program refuses two (test_a_pair_can_have_only_one_pairs_row).
    pair_rows = st.tuples(
        st.sampled_from(clinician_ids), st.sampled_from(peer_ids), st.sampled_from(PairKind)
    )
    pairs = [
        PairRule(clinician_id=clinician_id, peer_id=peer_id, kind=kind)
        for clinician_id, peer_id, kind in draw(
            st.lists(pair_rows, max_size=2, unique_by=lambda row: row[:2])
        )
    ]
    values = {
        "days": days,
        "slot_minutes": draw(st.sampled_from((60, 30))),
        "staff": staff,
        "shifts": shifts,
        "demand": demand_rows,
        "time_off": draw(time_off_rows(staff, shifts, days)),
        "pairs": pairs,
    }
    if draw(st.booleans()):
        return with_pinned_unit(values, draw, clinician_ids, peer_ids)
    return make_problem(**values)


def with_pinned_unit(
    values: dict[str, Any], draw: st.DrawFn, clinician_ids: list[str], peer_ids: list[str]
) -> Problem:
    """Pin one unit, but only if the checker accepts a roster of just that unit: then
    the program is feasible and the solver must return a roster."""
    clinician_id = draw(st.sampled_from(clinician_ids))
    peer_id = draw(st.sampled_from(peer_ids))
    day = draw(st.integers(0, values["days"] - 1))
    shift_id = draw(st.sampled_from([s.shift_id for s in values["shifts"]]))
    team = draw(st.sampled_from(Team))
    zone = draw(st.sampled_from(ZONES))
    give_place = draw(st.booleans())
    pinned = make_problem(
        **values,
        pins=[
            Pin(
                employee_id=employee_id,
                date=START + dt.timedelta(days=day),
                shift_id=shift_id,
                team=team if give_place else None,
                zone=zone if give_place else None,
            )
            for employee_id in (clinician_id, peer_id)
        ],
    )
    only_the_pins = make_roster(unit(pinned, clinician_id, peer_id, day, shift_id, team, zone))
    return pinned if evaluate(pinned, only_the_pins).feasible else make_problem(**values)


@settings(max_examples=settings().max_examples, deadline=None)
@given(problem=programs())
def test_factory_programs(problem: Problem) -> None:
    check_solver(problem)
