"""Zone-group decomposition: the split, who goes where, and the merged roster.

Every merged roster is checked by the checker on the *whole* program: no hard
rule broken, and the solver's parts equal the checker's when every group is
proven optimal.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence

import pytest

from scheduler.evaluate import evaluate
from scheduler.model.objective import stage1_total, stage2_total
from scheduler.model.problem import (
    PairKind,
    PairRule,
    Person,
    Pin,
    Problem,
    ShiftCover,
    Team,
    Zone,
)
from scheduler.model.result import SolveParams, SolveResult, SolveStatus
from scheduler.model.roster import Roster
from scheduler.solve import build_model, decompose
from scheduler.solve.decompose import (
    DecompositionError,
    GroupRun,
    StaffBy,
    ZoneGroup,
    _merged_rows,
    assign_people,
    estimate_variables,
    groups_needed,
    solve_auto,
    solve_zone_groups,
    split_zones,
    zone_groups,
    zone_loads,
)
from scheduler.synthetic import synthetic_program
from tests.factories import (
    START,
    assign,
    demand,
    make_problem,
    make_roster,
    person,
    time_off,
)
from tests.solving import target_weight_base

QUICK = SolveParams(time_limit=4, workers=2, seed=0, deterministic=True)
TUESDAY = START + dt.timedelta(days=1)


def _zones(*ids: str) -> tuple[Zone, ...]:
    return tuple(Zone(zone_id=z, name=z) for z in ids)


def _two_zone_program(**overrides: object) -> Problem:
    """C01+P01 at home in N, C02+P02 in S; one unit wanted in N on Monday, one in S on
    Tuesday, 08:00-16:00."""
    values: dict[str, object] = {
        "staff": [
            person("C01", "clinician"),
            person("P01", "peer"),
            person("C02", "clinician", home_zone="S"),
            person("P02", "peer", home_zone="S"),
        ],
        "demand": [
            demand("adult", "N", "Mon", "08:00", "16:00", 1),
            demand("adult", "S", "Tue", "08:00", "16:00", 1),
        ],
    }
    values.update(overrides)
    return make_problem(**values)


def _built_person_day_options(problem: Problem) -> int:
    built = build_model(problem)
    return sum(len(day_x) for person_x in built.variables.x for day_x in person_x)


# --- size estimate ---------------------------------------------------------------------


def test_estimate_counts_each_persons_options_per_day() -> None:
    # Options: Mon D8 and E8 (adult, N) cover the 08-16 demand; Tue D8 and E8
    # (juvenile, S) cover 12-20; N12 covers neither. C01 (adult) has 2, P01
    # (adult and juvenile) 2 + 2.
    problem = make_problem(
        staff=[person("C01", "clinician"), person("P01", "peer", teams=("adult", "juvenile"))],
        demand=[
            demand("adult", "N", "Mon", "08:00", "16:00", 1),
            demand("juvenile", "S", "Tue", "12:00", "20:00", 1),
        ],
    )
    assert estimate_variables(problem) == 6
    assert _built_person_day_options(problem) == 6


def test_estimate_ignores_unavailability() -> None:
    # C01 unavailable on Monday loses both Monday options in the model, not in
    # the estimate, which is made without reading time off.
    problem = _two_zone_program(time_off=[time_off("C01", START, START)])
    # D8 and E8 cover demand in N on Monday and in S on Tuesday: 4 options for each
    # of the 4 people, any of whom may work in either zone.
    assert estimate_variables(problem) == 16
    assert _built_person_day_options(problem) == 14


# --- the split ---------------------------------------------------------------------------


def test_zone_loads_count_required_unit_slots_and_shift_cover() -> None:
    # N: 1 required unit x 8 slots (the target of 3 does not count), plus 2 units
    # of D8 (08:00-16:30 holds 8 whole slots) from ShiftCover; S: nothing.
    problem = make_problem(
        demand=[demand("adult", "N", "Mon", "08:00", "16:00", 1, target=3)],
        shift_cover=[ShiftCover(shift_id="D8", team=Team.ADULT, zone="N", weekday=0, units=2)],
    )
    assert zone_loads(problem) == {"N": 24, "S": 0}


def test_zone_loads_count_targets_when_nothing_is_required() -> None:
    # Only targets: 2 units x 8 slots in S.
    problem = make_problem(demand=[demand("adult", "S", "Mon", "08:00", "16:00", 0, target=2)])
    assert zone_loads(problem) == {"N": 0, "S": 16}


def _five_zone_program(staff: Sequence[Person] = ()) -> Problem:
    """Units 2, 2, 1, 1, 2 on Monday 08:00-16:00 in zones A-E (loads 16, 16, 8, 8, 16)."""
    units = {"A": 2, "B": 2, "C": 1, "D": 1, "E": 2}
    return make_problem(
        zones=_zones(*units),
        staff=staff,
        demand=[demand("adult", z, "Mon", "08:00", "16:00", n) for z, n in units.items()],
    )


def test_split_zones_keeps_order_and_minimises_the_largest_group() -> None:
    problem = _five_zone_program()
    # Two groups: A+B = C+D+E = 32 is the only even cut.
    assert split_zones(problem, 2) == [("A", "B"), ("C", "D", "E")]
    # Three: A | B+C | D+E = 16, 24, 24 is the only cut with no group above 24.
    assert split_zones(problem, 3) == [("A",), ("B", "C"), ("D", "E")]
    assert split_zones(problem, 1) == [("A", "B", "C", "D", "E")]


def test_split_zones_rejects_more_groups_than_zones() -> None:
    with pytest.raises(DecompositionError, match="cannot split 2 zones into 3 groups"):
        split_zones(make_problem(), 3)


def test_unknown_person_cannot_be_split() -> None:
    problem = _two_zone_program(time_off=[time_off("X99", START, START)])
    with pytest.raises(DecompositionError, match="people not in Staff: X99"):
        zone_groups(problem, 2)


# --- who goes where ----------------------------------------------------------------------


def _crowded_north(**overrides: object) -> Problem:
    """Everyone lives in N, but S has half as much demand as N (16 vs 8 unit-slots)."""
    values: dict[str, object] = {
        "staff": [
            person(f"{r}0{i}", role)
            for r, role in (("C", "clinician"), ("P", "peer"))
            for i in (1, 2, 3)
        ],
        "demand": [
            demand("adult", "N", "Mon", "08:00", "16:00", 2),
            demand("adult", "S", "Mon", "08:00", "16:00", 1),
        ],
    }
    values.update(overrides)
    return make_problem(**values)


def test_home_groups_follow_home_zones() -> None:
    split = [("N",), ("S",)]
    assert set(assign_people(_crowded_north(), split, "home").values()) == {0}


def test_balanced_groups_move_a_share_of_each_role_to_the_short_group() -> None:
    # S has a third of the demand, so one of the three of each role moves there:
    # the latest id (all alike otherwise).
    group_of = assign_people(_crowded_north(), [("N",), ("S",)], "balanced")
    assert {id_ for id_, g in group_of.items() if g == 1} == {"C03", "P03"}


def test_balanced_groups_keep_trainees_and_pinned_people_home() -> None:
    # C03 is a trainee and P03 is pinned in N, so the next latest of each moves.
    problem = _crowded_north(
        staff=[
            person("C01", "clinician"),
            person("C02", "clinician"),
            person("C03", "clinician", skills=("trainee",)),
            person("P01", "peer"),
            person("P02", "peer"),
            person("P03", "peer"),
        ],
        pins=[Pin(employee_id="P03", date=START, shift_id="D8", zone="N")],
    )
    group_of = assign_people(problem, [("N",), ("S",)], "balanced")
    assert {id_ for id_, g in group_of.items() if g == 1} == {"C02", "P02"}


def test_balanced_groups_move_the_people_a_team_needs() -> None:
    # N has juvenile demand, S adult, as much of each; everyone lives in S. The
    # juvenile team is evened out first, with the people on it (C01, P01); then
    # the adult-only C02 and P02 stay, since each group already has one of a role.
    problem = make_problem(
        staff=[
            person("C01", "clinician", teams=("adult", "juvenile"), home_zone="S"),
            person("C02", "clinician", home_zone="S"),
            person("P01", "peer", teams=("adult", "juvenile"), home_zone="S"),
            person("P02", "peer", home_zone="S"),
        ],
        demand=[
            demand("juvenile", "N", "Mon", "12:00", "20:00", 1),
            demand("adult", "S", "Mon", "08:00", "16:00", 1),
        ],
    )
    group_of = assign_people(problem, [("N",), ("S",)], "balanced")
    assert {id_ for id_, g in group_of.items() if g == 0} == {"C01", "P01"}


def test_a_pin_puts_its_person_in_the_pinned_zones_group() -> None:
    # C01 lives in N but is pinned in S: only S's group can honour the pin.
    problem = _two_zone_program(
        pins=[Pin(employee_id="C01", date=TUESDAY, shift_id="D8", zone="S")]
    )
    assert assign_people(problem, [("N",), ("S",)], "home")["C01"] == 1


def test_pins_in_two_groups_cannot_be_split() -> None:
    pins = [
        Pin(employee_id="C01", date=START, shift_id="D8", zone="N"),
        Pin(employee_id="C01", date=TUESDAY, shift_id="D8", zone="S"),
    ]
    with pytest.raises(DecompositionError, match="C01 has pins in zones of two groups"):
        zone_groups(_two_zone_program(pins=pins), 2)


# --- how many groups ---------------------------------------------------------------------


def test_groups_needed_splits_only_above_the_limit() -> None:
    problem = _two_zone_program()
    estimate = estimate_variables(problem)  # 16: 4 people x 4 options
    assert groups_needed(problem, max_variables=estimate) == 1
    assert groups_needed(problem, max_variables=estimate - 1) == 2


def test_groups_needed_takes_the_fewest_groups_under_the_group_limit() -> None:
    # One clinician and one peer at home in each of A-E; D8 and E8 on Monday in
    # every zone: 10 options, 100 estimated variables. Splits by demand (16, 16,
    # 8, 8, 16): A+B | C+D+E = 4 people x 4 options and 6 x 6, so at most 36;
    # A | B+C | D+E at most 4 x 4 = 16; four groups still hold C+D (16).
    staff = [
        person(f"{role[0].upper()}{zone}", role, home_zone=zone)
        for zone in "ABCDE"
        for role in ("clinician", "peer")
    ]
    problem = _five_zone_program(staff)
    assert estimate_variables(problem) == 100

    def needed(group_max: int) -> int:
        return groups_needed(problem, 99, group_max_variables=group_max, staff_by="home")

    assert needed(36) == 2
    assert needed(35) == 3
    assert needed(16) == 3
    assert needed(15) == 5  # no split holds it: one zone per group


# --- the merged roster -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("per_role", "zones", "around_the_clock", "staff_by"),
    [
        # 4+4 people, 2 zones: the one prefer pair is split between the groups.
        (4, 2, False, "home"),
        (4, 2, False, "balanced"),
        # 6+6 people, 3 zones, 24/7: one zone per group (a prefer pair split too).
        (6, 3, True, "balanced"),
    ],
)
def test_merged_roster_is_valid_and_its_parts_are_the_checkers(
    per_role: int, zones: int, around_the_clock: bool, staff_by: StaffBy
) -> None:
    problem = synthetic_program(per_role, per_role, zones, 7, around_the_clock)
    decomposed = solve_zone_groups(problem, QUICK, zones, staff_by=staff_by)
    result = decomposed.result
    assert decomposed.split_pairs == 1
    evaluation = evaluate(problem, result.roster)
    assert not evaluation.hard_violations, evaluation.hard_violations

    # Everyone works only in their group's zones, and every person is in one group.
    zones_of = {
        p.employee_id: set(run.group.zones)
        for run in decomposed.groups
        for p in run.group.problem.staff
    }
    assert len(zones_of) == len(problem.staff)
    assert all(row.zone in zones_of[row.employee_id] for row in result.roster.assignments)

    # A unit id names one unit: exactly one clinician and one peer.
    members = Counter(row.unit_id for row in result.roster.assignments)
    assert set(members.values()) == {2}

    # Each group optimal on its own: the merged parts are exactly the checker's,
    # the split prefer pair's penalty included.
    assert all(run.result.status is SolveStatus.OPTIMAL for run in decomposed.groups)
    assert result.parts == evaluation.parts
    assert result.objective == stage2_total(evaluation.parts)
    assert result.stage1_objective == stage1_total(evaluation.parts, target_weight_base(problem))
    # Optimal groups are not an optimal whole: people cannot cross groups.
    assert result.status is SolveStatus.FEASIBLE
    assert result.bound is None and result.gap is None


def test_split_prefer_pair_costs_each_day_either_works() -> None:
    # C01 (N) and P02 (S) prefer each other but are in different groups: they can
    # never share a unit, so each works its one day alone: penalty 1 + 1.
    problem = _two_zone_program(
        pairs=[PairRule(clinician_id="C01", peer_id="P02", kind=PairKind.PREFER)]
    )
    decomposed = solve_zone_groups(problem, QUICK, 2, staff_by="home")
    assert decomposed.split_pairs == 1
    assert decomposed.result.parts is not None
    assert decomposed.result.parts.pair_preference_penalty == 2
    assert evaluate(problem, decomposed.result.roster).parts.pair_preference_penalty == 2


def test_time_limit_is_shared_in_proportion_to_group_size() -> None:
    # Deterministic mode: fixed shares of the limit, by estimated variables.
    problem = synthetic_program(6, 6, 3, 7, around_the_clock=True)
    decomposed = solve_zone_groups(problem, QUICK, 3)
    sizes = [run.group.estimated_variables for run in decomposed.groups]
    limits = [run.time_limit for run in decomposed.groups]
    assert sum(limits) == pytest.approx(QUICK.time_limit)
    assert limits == pytest.approx([QUICK.time_limit * s / sum(sizes) for s in sizes])


def test_a_group_without_a_roster_gives_no_roster() -> None:
    # C02 is pinned on Monday in S but unavailable that day: S's group is
    # infeasible; the merged result says which group and keeps no roster.
    problem = _two_zone_program(
        pins=[Pin(employee_id="C02", date=START, shift_id="D8", zone="S")],
        time_off=[time_off("C02", START, START)],
    )
    result = solve_zone_groups(problem, QUICK, 2).result
    assert result.status is SolveStatus.NO_SOLUTION
    assert result.message.startswith("zone group S has no roster on its own staff (infeasible")
    assert result.roster.assignments == ()


def test_colliding_unit_ids_are_renamed() -> None:
    # The engine's ids name the zone, so real groups never collide; if they did,
    # the later group's unit gets a suffix and stays one unit.
    problem = _two_zone_program()
    row = assign(problem, "C01", 0, "D8", unit_id="U1")
    other = assign(problem, "C02", 0, "D8", zone="S", unit_id="U1")

    def run(roster: Roster) -> GroupRun:
        result = SolveResult(
            status=SolveStatus.OPTIMAL,
            roster=roster,
            objective=0.0,
            bound=0.0,
            stage1_objective=0.0,
            stage1_bound=0.0,
            stage1_optimal=True,
            seconds=0.0,
            seconds_to_first=0.0,
            params=QUICK,
        )
        return GroupRun(ZoneGroup(("N",), problem, 0), result, 1.0)

    rows = _merged_rows([run(make_roster(row)), run(make_roster(other))])
    assert [r.unit_id for r in rows] == ["U1", "U1-g2"]


# --- auto ----------------------------------------------------------------------------------


def test_auto_solves_small_programs_whole() -> None:
    # Under the limit: the engine's own result, proven optimal with a bound.
    result = solve_auto(_two_zone_program(), QUICK)
    assert result.status is SolveStatus.OPTIMAL
    assert result.bound is not None
    assert "zone groups" not in result.message


def test_auto_splits_above_the_limit_then_solves_whole_from_the_groups() -> None:
    # The groups' merged roster is the whole model's warm start; the whole model has
    # the last word, so the status and bound are the whole problem's.
    result = solve_auto(_two_zone_program(), QUICK, max_variables=4)
    assert result.message.startswith("whole model warm-started from the merged roster of 2 zone")
    assert result.status is SolveStatus.OPTIMAL
    assert result.bound is not None and result.bound == result.objective
    assert not evaluate(_two_zone_program(), result.roster).hard_violations


def _group_infeasible_alone(juvenile: bool) -> Problem:
    """Zone S has no demand and no staff at home; one person is pinned there on
    Monday. The pin takes them into S's group, where nobody can be their partner:
    the group alone is infeasible, the whole program is not (a partner from N goes
    to S). With `juvenile`, the pinned one is a juvenile-only peer on the juvenile
    team in S, which has no juvenile demand."""
    if juvenile:
        staff = [
            person("C01", "clinician"),
            person("C02", "clinician", teams=("adult", "juvenile")),
            person("P01", "peer"),
            person("P02", "peer", teams=("juvenile",)),
        ]
        pin = Pin(employee_id="P02", date=START, shift_id="D8", team=Team.JUVENILE, zone="S")
    else:
        staff = [person(id_, role) for id_, role in _ROLES]
        pin = Pin(employee_id="C02", date=START, shift_id="D8", zone="S")
    return _two_zone_program(
        staff=staff,
        demand=[demand("adult", "N", "Tue", "08:00", "16:00", 1)],
        pins=[pin],
        pairs=[PairRule(clinician_id="C01", peer_id="P01", kind=PairKind.PREFER)],
    )


_ROLES = (("C01", "clinician"), ("C02", "clinician"), ("P01", "peer"), ("P02", "peer"))


@pytest.mark.parametrize("juvenile", [False, True], ids=["adult-pin", "juvenile-pin"])
def test_auto_gives_a_roster_when_a_zone_group_is_infeasible_alone(juvenile: bool) -> None:
    problem = _group_infeasible_alone(juvenile)
    split = solve_zone_groups(problem, QUICK, 2)
    assert split.result.status is SolveStatus.NO_SOLUTION  # the decomposition breaks

    result = solve_auto(problem, QUICK, max_variables=4)
    evaluation = evaluate(problem, result.roster)

    assert result.status is SolveStatus.OPTIMAL, result.message
    assert "has no roster on its own staff" in result.message
    assert not evaluation.hard_violations
    # Tuesday's unit in N is covered and the pinned person works Monday in S, with
    # a partner from N's staff.
    assert evaluation.parts.required_shortfall == 0
    monday = {(r.employee_id, r.zone, r.team) for r in result.roster.assignments if r.date == START}
    pinned = "P02" if juvenile else "C02"
    team = Team.JUVENILE if juvenile else Team.ADULT
    assert (pinned, "S", team) in monday and len(monday) == 2
    assert result.bound is not None and result.objective == result.bound


def test_auto_solves_whole_what_cannot_be_split() -> None:
    # C01 is pinned in N and in S: no split can hold both pins, so the whole model runs.
    pins = [
        Pin(employee_id="C01", date=START, shift_id="D8", zone="N"),
        Pin(employee_id="C01", date=TUESDAY, shift_id="D8", zone="S"),
    ]
    problem = _two_zone_program(pins=pins)
    result = solve_auto(problem, QUICK, max_variables=4)
    assert result.message.startswith("not split into zone groups (C01 has pins")
    assert result.status is SolveStatus.OPTIMAL
    worked: dict[str, set[tuple[dt.date, str]]] = defaultdict(set)
    for row in result.roster.assignments:
        worked[row.employee_id].add((row.date, row.zone))
    assert worked["C01"] == {(START, "N"), (TUESDAY, "S")}


def test_auto_keeps_the_merged_roster_of_a_program_too_big_for_the_whole_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(decompose, "WHOLE_AFTER_GROUPS_MAX_VARIABLES", 4)
    result = solve_auto(_two_zone_program(), QUICK, max_variables=4)
    assert result.message.startswith("solved as 2 zone groups")
    assert "too big to run after the zone groups" in result.message
    assert result.status is SolveStatus.FEASIBLE and result.bound is None


def test_auto_runs_the_whole_model_of_any_size_when_a_group_fails_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A roster comes first: over the size cap, a failed group still leads to the whole model.
    monkeypatch.setattr(decompose, "WHOLE_AFTER_GROUPS_MAX_VARIABLES", 4)
    problem = _group_infeasible_alone(juvenile=False)
    result = solve_auto(problem, QUICK, max_variables=4)
    assert result.status.has_roster, result.message
    assert not evaluate(problem, result.roster).hard_violations
    assert result.message.startswith("whole model warm-started from the greedy roster (seeded")
    assert "rosters of 1 of 2 zone groups" in result.message
