"""The solver, rule by rule: a tiny program where each rule binds, solved to a proven
optimum whose relevant objective part is asserted exactly.

Every solve goes through `tests.solving.solve_checked`, so each roster is also
checked by `scheduler.evaluate` and the solver's objectives must equal the
checker's. Unless a test says otherwise: program of 7 days from Monday
2026-03-02, 60-minute slots, zones N and S, default rules (rest 10 h, 2 days off a
week, 5 days in a row preferred, 6 at most), D8 08:00-16:30 paid 8 h.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from pydantic import ValidationError

from scheduler.model.problem import DemandRow, PairKind, PairRule, Person, Pin, Problem, Team
from scheduler.model.report import Evaluation
from scheduler.model.result import SolveResult, SolveStatus
from tests.factories import (
    D8,
    E8,
    N12,
    START,
    demand,
    make_problem,
    person,
    template,
    time_off,
)
from tests.solving import solve_checked, solve_only

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

# 08:00-16:00 is 8 hourly slots, all inside D8 (08:00-16:30).
DAY_SLOTS = 8


def date(day: int) -> dt.date:
    return START + dt.timedelta(days=day)


def clinician(employee_id: str = "C01", **kw: Any) -> Person:
    return person(employee_id, "clinician", **kw)


def peer(employee_id: str = "P01", **kw: Any) -> Person:
    return person(employee_id, "peer", **kw)


def day_demand(
    days: range | tuple[int, ...] = (MON,), zone: str = "N", team: str = "adult", **kw: Any
) -> list[DemandRow]:
    """Weekday rows 08:00-16:00, one unit unless `required`/`target` say otherwise."""
    required = kw.pop("required", 1)
    return [demand(team, zone, day, "08:00", "16:00", required, **kw) for day in days]


def program(staff: list[Person], **overrides: Any) -> Problem:
    """Only D8 and one unit Monday 08:00-16:00 in N unless overridden."""
    values: dict[str, Any] = {"shifts": (D8,), "demand": day_demand(), **overrides}
    return make_problem(staff=staff, **values)


def solved(problem: Problem) -> tuple[SolveResult, Evaluation]:
    result, evaluation = solve_checked(problem)
    assert result.status is SolveStatus.OPTIMAL
    return result, evaluation


def optimum(problem: Problem) -> Evaluation:
    return solved(problem)[1]


def shifts_worked(problem: Problem, result: SolveResult) -> list[tuple[str, int, str]]:
    """(employee, day, shift) of every roster row, sorted."""
    return sorted(
        (row.employee_id, problem.day_of(row.date), row.shift_id)
        for row in result.roster.assignments
    )


# --- Units ---------------------------------------------------------------------------


def test_one_clinician_and_one_peer_cover_a_day_shift() -> None:
    problem = program([clinician(), peer()])
    result, evaluation = solved(problem)
    # D8 contains every slot of 08:00-16:00.
    assert evaluation.parts.required_shortfall == 0
    assert shifts_worked(problem, result) == [("C01", MON, "D8"), ("P01", MON, "D8")]
    assert len({row.unit_id for row in result.roster.assignments}) == 1


def test_a_clinician_without_a_peer_is_no_unit() -> None:
    result, evaluation = solved(program([clinician()]))
    # A unit needs a peer: nothing can be scheduled, all 8 slots are short.
    assert evaluation.parts.required_shortfall == DAY_SLOTS
    assert result.roster.assignments == ()


# --- Hard rules ----------------------------------------------------------------------


@pytest.mark.parametrize(("peer_teams", "shortfall"), [(("adult",), 8), (("juvenile",), 0)])
def test_team_eligibility(peer_teams: tuple[str, ...], shortfall: int) -> None:
    problem = program(
        [clinician(teams=("adult", "juvenile")), peer(teams=peer_teams)],
        demand=day_demand(team="juvenile"),
    )
    # An adult-only peer cannot work juvenile demand: no unit, 8 slots short.
    assert optimum(problem).parts.required_shortfall == shortfall


@pytest.mark.parametrize(("template_teams", "shortfall"), [(("juvenile",), 8), ((), 0)])
def test_shift_team(template_teams: tuple[str, ...], shortfall: int) -> None:
    day_shift = template("D8", "08:00", "16:30", 30, teams=template_teams)
    both = ("adult", "juvenile")
    problem = program([clinician(teams=both), peer(teams=both)], shifts=(day_shift,))
    # The only template is juvenile-only, so the adult demand cannot be worked at all.
    assert optimum(problem).parts.required_shortfall == shortfall


@pytest.mark.parametrize(
    ("start", "end", "shortfall"),
    [
        (date(MON), date(MON), 8),  # the whole day
        ("2026-03-02T07:00", "2026-03-02T09:00", 8),  # overlaps D8's first hour
        ("2026-03-02T06:00", "2026-03-02T08:00", 0),  # ends exactly when D8 starts
        (date(TUE), date(TUE), 0),  # another day
    ],
)
def test_unavailable(start: Any, end: Any, shortfall: int) -> None:
    problem = program([clinician(), peer()], time_off=[time_off("C01", start, end)])
    # The only clinician cannot work D8 on Monday when the time off touches it.
    assert optimum(problem).parts.required_shortfall == shortfall


def test_unavailable_day_kills_the_night_shift_ending_that_morning() -> None:
    problem = program(
        [clinician(), peer()],
        days=2,
        shifts=(N12,),
        demand=[demand("adult", "N", "Mon", "20:00", "08:00", 1)],
        time_off=[time_off("C01", date(TUE), date(TUE))],
    )
    # N12 Monday runs into Tuesday, which C01 has off: Mon 20:00-Tue 08:00 is 12 slots short.
    assert optimum(problem).parts.required_shortfall == 12


@pytest.mark.parametrize(("rest_hours", "shortfall"), [(10, 0), (11, 6)])
def test_rest_across_midnight(rest_hours: float, shortfall: int) -> None:
    problem = program(
        [clinician(min_rest_hours=rest_hours), peer()],
        days=2,
        shifts=(D8, E8),
        demand=[
            demand("adult", "N", "Mon", "14:00", "22:00", 1),
            demand("adult", "N", "Tue", "08:00", "16:00", 1),
        ],
    )
    # E8 Mon ends 22:00, D8 Tue starts 08:00: 10 h of rest. At 11 h the best is one
    # day fully covered and 14:00-16:00 of the other (D8 Mon or E8 Tue): 6 short.
    evaluation = optimum(problem)
    assert evaluation.parts.required_shortfall == shortfall


def test_overlap_without_rest() -> None:
    early = template("X6", "06:00", "14:00")
    problem = program(
        [clinician(min_rest_hours=0), peer(min_rest_hours=0)],
        days=2,
        shifts=(N12, early),
        demand=[
            demand("adult", "N", "Mon", "20:00", "06:00", 1),
            demand("adult", "N", "Tue", "06:00", "14:00", 1),
        ],
    )
    # N12 Mon (until Tue 08:00) and X6 Tue (from 06:00) overlap even with no rest rule;
    # N12 alone covers 20:00-08:00 and leaves 08:00-14:00: 6 slots short.
    assert optimum(problem).parts.required_shortfall == 6


@pytest.mark.parametrize(("cap", "shortfall"), [(24, 0), (23.5, 8), (8, 16)])
def test_max_hours_per_week(cap: float, shortfall: int) -> None:
    problem = program(
        [clinician(max_hours_per_week=cap), peer()],
        days=3,
        demand=day_demand(range(MON, THU)),
    )
    # Three D8 are 24 paid hours; a cap below that drops one shift per 8 h missing.
    assert optimum(problem).parts.required_shortfall == shortfall


@pytest.mark.parametrize(("longest", "shortfall"), [(2, 16), (3, 8)])
def test_max_consecutive_days(longest: int, shortfall: int) -> None:
    problem = program(
        [
            clinician(max_consecutive_days=longest, min_days_off_per_week=0),
            peer(min_days_off_per_week=0),
        ],
        demand=day_demand(range(7)),
    )
    # At most 2 in a row: 5 of 7 days (on-on-off-on-on-off-on); at most 3: 6 of 7.
    assert optimum(problem).parts.required_shortfall == shortfall


@pytest.mark.parametrize(
    ("days", "days_off", "shortfall"),
    [
        (7, 2, 16),  # 5 of 7 days
        (7, 3, 24),  # 4 of 7 days
        (10, 2, 16),  # 5 + 3: a 3-day last window needs max(0, 2 - 4) = 0 days off
        (10, 5, 48),  # 2 + 2: a 3-day last window needs max(0, 5 - 4) = 1 day off
    ],
)
def test_min_days_off(days: int, days_off: int, shortfall: int) -> None:
    problem = program(
        [clinician(min_days_off_per_week=days_off), peer(min_days_off_per_week=0)],
        days=days,
        demand=day_demand(range(7)),
    )
    # The clinician works at most (window days - days off) of each window's days.
    assert optimum(problem).parts.required_shortfall == shortfall


def test_pin_forces_a_shift_away_from_demand() -> None:
    problem = program(
        [clinician(), peer()],
        shifts=(D8, E8),
        pins=[Pin(employee_id="C01", date=date(MON), shift_id="E8")],
    )
    result, evaluation = solved(problem)
    # E8 covers only 14:00-16:00 of the 08:00-16:00 demand: 6 slots short.
    assert evaluation.parts.required_shortfall == 6
    assert shifts_worked(problem, result) == [("C01", MON, "E8"), ("P01", MON, "E8")]


def test_pin_with_zone_and_on_a_day_without_demand() -> None:
    problem = program(
        [clinician(), peer()],
        pins=[
            Pin(employee_id="C01", date=date(MON), shift_id="D8", team=Team.ADULT, zone="S"),
            Pin(employee_id="P01", date=date(TUE), shift_id="D8"),
        ],
    )
    result, evaluation = solved(problem)
    # Monday's unit must work in S, away from the N demand: 8 short; the peer, home N,
    # is away once. Tuesday has no demand, yet the pinned peer works with a clinician.
    assert evaluation.parts.required_shortfall == DAY_SLOTS
    assert evaluation.parts.peer_shifts_away_from_home == 1
    assert shifts_worked(problem, result) == [
        ("C01", MON, "D8"),
        ("C01", TUE, "D8"),
        ("P01", MON, "D8"),
        ("P01", TUE, "D8"),
    ]
    assert {row.zone for row in result.roster.assignments if row.date == date(MON)} == {"S"}


def test_pin_against_unavailability_is_infeasible_and_named() -> None:
    problem = program(
        [clinician(), peer()],
        pins=[Pin(employee_id="C01", date=date(MON), shift_id="D8", row=2)],
        time_off=[time_off("C01", date(MON), date(MON))],
    )
    result = solve_only(problem)
    assert result.status is SolveStatus.INFEASIBLE
    assert result.roster.assignments == ()
    assert "Pins row 2" in result.message
    assert "C01 cannot work D8 on 2026-03-02" in result.message


@pytest.mark.parametrize(("other_peer", "shortfall"), [(False, 8), (True, 0)])
def test_forbidden_pair(other_peer: bool, shortfall: int) -> None:
    staff = [clinician(), peer(), *([peer("P02")] if other_peer else [])]
    problem = program(
        staff, pairs=[PairRule(clinician_id="C01", peer_id="P01", kind=PairKind.FORBID)]
    )
    result, evaluation = solved(problem)
    # C01 may never work with P01; only P02 can make the unit.
    assert evaluation.parts.required_shortfall == shortfall
    assert "P01" not in {row.employee_id for row in result.roster.assignments}


def test_a_forbidden_pair_may_work_the_same_shift_with_other_partners() -> None:
    problem = two_pairs(pairs=[PairRule(clinician_id="C01", peer_id="P01", kind=PairKind.FORBID)])
    # C01 + P02 and C02 + P01 make both units; only the pair itself is forbidden.
    assert optimum(problem).parts.required_shortfall == 0


def test_a_forbidden_pair_with_a_trainee_never_shares_a_shift() -> None:
    staff = [clinician(skills=("trainee",)), clinician("C02"), peer(), peer("P02")]
    problem = program(
        staff,
        demand=day_demand(required=2),
        pairs=[PairRule(clinician_id="C01", peer_id="P01", kind=PairKind.FORBID)],
    )
    # Solver restriction (docs/rules.md): a forbid pair with a trainee is kept off the
    # same shift entirely, so C01 + P02 and C02 + P01 is not found: one unit (8 slots) lost.
    assert optimum(problem).parts.required_shortfall == 8


def test_a_forbidden_pair_works_the_same_shift_in_different_zones() -> None:
    problem = two_pairs(
        demand=[*day_demand(zone="N"), *day_demand(zone="S")],
        pairs=[PairRule(clinician_id="C01", peer_id="P01", kind=PairKind.FORBID)],
    )
    result, evaluation = solved(problem)
    # C01 + P02 in one zone and C02 + P01 in the other cover both.
    assert evaluation.parts.required_shortfall == 0
    assert partners(result) == {("C01", "P02"), ("C02", "P01")}


@pytest.mark.parametrize(("peer_skills", "shortfall"), [(("trainee",), 8), (("driver",), 0)])
def test_trainee_never_with_trainee(peer_skills: tuple[str, ...], shortfall: int) -> None:
    problem = program([clinician(skills=("trainee",)), peer(skills=peer_skills)])
    # Two trainees make no unit.
    assert optimum(problem).parts.required_shortfall == shortfall


def test_trainees_on_one_shift_with_partners_who_are_not() -> None:
    problem = program(
        [clinician(skills=("trainee",)), clinician("C02"), peer(skills=("trainee",)), peer("P02")],
        demand=day_demand(required=2),
    )
    # C01 + P02 and C02 + P01: two trainees on one shift, never in one unit.
    assert optimum(problem).parts.required_shortfall == 0


@pytest.mark.parametrize(("staff_ids", "shortfall"), [(("C01", "P01"), 0), (("C01",), 4)])
def test_night_shift_on_the_last_day_counts_only_inside_the_horizon(
    staff_ids: tuple[str, ...], shortfall: int
) -> None:
    staff = [clinician() if e.startswith("C") else peer() for e in staff_ids]
    problem = program(
        staff, days=1, shifts=(N12,), demand=[demand("adult", "N", "Mon", "20:00", "08:00", 1)]
    )
    evaluation = optimum(problem)
    # Of 20:00-08:00 only 20:00-24:00 is inside a 1-day horizon: 4 unit-slots.
    assert evaluation.required_unit_slots == 4
    assert evaluation.parts.required_shortfall == shortfall


def test_the_night_before_start_date_spills_into_monday() -> None:
    problem = program(
        [clinician(), peer()],
        shifts=(N12,),
        demand=[demand("adult", "N", "Sun", "20:00", "08:00", 1)],
    )
    evaluation = optimum(problem)
    # Sunday's 20:00-08:00 repeats from the Sunday before start: Mon 00:00-08:00 needs a
    # unit no shift of this roster can be on (8 short); Sun 20:00-24:00 is covered by N12.
    assert evaluation.required_unit_slots == 8 + 4
    assert evaluation.parts.required_shortfall == 8


@pytest.mark.parametrize(("slot_minutes", "shortfall"), [(60, 1), (30, 0)])
def test_slot_length(slot_minutes: int, shortfall: int) -> None:
    problem = program(
        [clinician(), peer()],
        slot_minutes=slot_minutes,
        demand=[demand("adult", "N", "Mon", "08:00", "16:30", 1)],
    )
    evaluation = optimum(problem)
    # The 16:00-17:00 slot touches the window but D8 ends 16:30; 30-minute slots fit D8.
    assert evaluation.required_unit_slots == {60: 9, 30: 17}[slot_minutes]
    assert evaluation.parts.required_shortfall == shortfall


# --- Coverage order ------------------------------------------------------------------


@pytest.mark.parametrize(("pairs", "target_shortfall"), [(1, 8), (2, 0)])
def test_target_shortfall(pairs: int, target_shortfall: int) -> None:
    staff = [clinician(f"C0{n}") for n in range(1, pairs + 1)]
    staff += [peer(f"P0{n}") for n in range(1, pairs + 1)]
    problem = program(staff, demand=day_demand(target=2))
    evaluation = optimum(problem)
    # Target 2 units over 8 slots; one pair leaves one unit short in each.
    assert evaluation.parts.required_shortfall == 0
    assert evaluation.parts.target_shortfall == target_shortfall


def test_required_strictly_before_target() -> None:
    problem = program(
        [clinician(), peer()],
        demand=[
            demand("adult", "N", "Mon", "08:00", "10:00", 1),
            demand("adult", "S", "Mon", "08:00", "16:00", 0, target=1),
        ],
    )
    evaluation = optimum(problem)
    # Working S would miss only 2 target unit-slots, not 8, but 2 required ones: N wins.
    assert evaluation.parts.required_shortfall == 0
    assert evaluation.parts.target_shortfall == 8


def test_too_much_demand_still_gives_the_best_roster() -> None:
    problem = program([clinician(), peer()], demand=day_demand(required=3))
    result, evaluation = solved(problem)
    # One pair is one unit of the three needed in each of 8 slots.
    assert evaluation.parts.required_shortfall == 2 * DAY_SLOTS
    assert evaluation.parts.target_shortfall == 2 * DAY_SLOTS
    assert shifts_worked(problem, result) == [("C01", MON, "D8"), ("P01", MON, "D8")]


def test_required_coverage_beats_every_soft_rule() -> None:
    problem = program(
        [clinician(hourly_rate=50, overtime_after_hours=0), peer(home_zone="S")],
        time_off=[time_off("C01", date(MON), date(MON), "prefer_off", weight=5)],
    )
    result, evaluation = solved(problem)
    # Covering costs 480 overtime minutes x 7,500 cents/h, a weight-5 request and a peer
    # away from home; stage 1 still covers every slot.
    assert evaluation.parts.required_shortfall == 0
    assert evaluation.parts.overtime_cost_cent_minutes == 480 * 7_500
    assert evaluation.parts.request_penalty == 5
    assert evaluation.parts.peer_shifts_away_from_home == 1
    assert result.objective == 3_600_000 + 5 * 450_000 + 50_000


# --- Soft rules (stage 2) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "hours", "shortfall"),
    [
        (7, 40, 2400 - 480),  # full week
        (3, 35, 900 - 480),  # 3-day week: round(35 x 60 x 3 / 7) = 900 minutes
    ],
)
def test_contract_shortfall(days: int, hours: float, shortfall: int) -> None:
    problem = program([clinician(min_hours_per_week=hours), peer()], days=days)
    # Options exist only for shifts that cover demand: Monday's D8 (480 paid minutes).
    assert optimum(problem).parts.contract_shortfall_minutes == shortfall


def test_overtime_goes_to_the_cheaper_person() -> None:
    problem = program(
        [
            clinician("C01", hourly_rate=40, overtime_after_hours=8),  # 6,000 cents/h overtime
            clinician("C02", hourly_rate=20, overtime_after_hours=8),  # 3,000 cents/h overtime
            peer(),
        ],
        days=3,
        demand=day_demand(range(MON, THU)),
    )
    result, evaluation = solved(problem)
    # 3 shifts, 8 h free each: C01 1 shift (0 overtime), C02 2 shifts (480 minutes at
    # 3,000) = 1,440,000; C01 taking 2 instead costs 480 x 6,000.
    assert evaluation.parts.overtime_cost_cent_minutes == 480 * 3_000
    assert [e for e, _, _ in shifts_worked(problem, result)].count("C02") == 2


@pytest.mark.parametrize(("alternative", "penalty"), [(True, 0), (False, 3)])
def test_prefer_off(alternative: bool, penalty: int) -> None:
    staff = [clinician(), peer(), *([clinician("C02")] if alternative else [])]
    problem = program(
        staff, time_off=[time_off("C01", date(MON), date(MON), "prefer_off", weight=3)]
    )
    result, evaluation = solved(problem)
    # C02 can take Monday; alone, C01 must work (coverage first) and the weight-3 request
    # is broken.
    assert evaluation.parts.required_shortfall == 0
    assert evaluation.parts.request_penalty == penalty
    clinicians = {row.employee_id for row in result.roster.assignments if row.role == "clinician"}
    assert clinicians == ({"C02"} if alternative else {"C01"})


def test_prefer_on_is_honoured_when_possible() -> None:
    problem = program(
        [clinician(), clinician("C02"), peer()],
        time_off=[time_off("C01", date(MON), date(MON), "prefer_on")],
    )
    result, evaluation = solved(problem)
    # Either clinician can take the one unit; C01 asked for it.
    assert evaluation.parts.request_penalty == 0
    assert shifts_worked(problem, result) == [("C01", MON, "D8"), ("P01", MON, "D8")]


def test_prefer_on_with_one_place_for_two() -> None:
    problem = program(
        [clinician(), clinician("C02"), peer()],
        time_off=[
            time_off("C01", date(MON), date(MON), "prefer_on", weight=1),
            time_off("C02", date(MON), date(MON), "prefer_on", weight=2),
        ],
    )
    result, evaluation = solved(problem)
    # One peer makes one unit: the lighter request (weight 1) is the one not met.
    assert evaluation.parts.request_penalty == 1
    assert shifts_worked(problem, result) == [("C02", MON, "D8"), ("P01", MON, "D8")]


def test_prefer_on_a_day_without_demand_is_not_met() -> None:
    problem = program(
        [clinician(), peer()],
        time_off=[time_off("C01", date(TUE), date(TUE), "prefer_on", weight=2)],
    )
    # Options exist only for shifts that cover demand; Tuesday has none.
    assert optimum(problem).parts.request_penalty == 2


def test_consecutive_excess_days() -> None:
    problem = program(
        [
            clinician(preferred_max_consecutive_days=3),
            clinician("C02", preferred_max_consecutive_days=3),
            peer(preferred_max_consecutive_days=3),
        ],
        days=5,
        demand=day_demand(range(MON, SAT)),
    )
    # The only peer works all 5 days (5 - 3 = 2 over); the clinicians split the days
    # into runs of at most 3.
    assert optimum(problem).parts.consecutive_excess_days == 2


@pytest.mark.parametrize(("home_peer", "away"), [(False, 1), (True, 0)])
def test_peer_shifts_away_from_home(home_peer: bool, away: int) -> None:
    staff = [clinician(), peer(home_zone="N"), *([peer("P02", home_zone="S")] if home_peer else [])]
    evaluation = optimum(program(staff, demand=day_demand(zone="S")))
    # The demand is in S: P01 (home N) is away unless P02 (home S) can go.
    assert evaluation.parts.peer_shifts_away_from_home == away
    assert evaluation.parts.required_shortfall == 0


def two_pairs(**overrides: Any) -> Problem:
    """C01, C02, P01, P02 and two units wanted Monday, so all four work one shift."""
    staff = [clinician(), clinician("C02"), peer(), peer("P02")]
    return program(staff, **{"demand": day_demand(required=2), **overrides})


def partners(result: SolveResult) -> set[tuple[str, str]]:
    """(clinician, peer) of every unit."""
    members: dict[str, list[str]] = defaultdict(list)
    for row in sorted(result.roster.assignments, key=lambda row: row.role):
        members[row.unit_id].append(row.employee_id)
    return {(clinician_id, peer_id) for clinician_id, peer_id in members.values()}


def test_extra_partners_forced() -> None:
    problem = program(
        [clinician(), peer(), peer("P02")],
        days=4,
        demand=day_demand(range(MON, FRI)),
        time_off=[time_off("P01", date(WED), date(THU)), time_off("P02", date(MON), date(TUE))],
    )
    # Each peer is away two of the four days, so C01 works with both: 1 extra partner.
    assert optimum(problem).parts.extra_partners == 1


def test_extra_partners_keeps_pairs_through_the_week() -> None:
    problem = two_pairs(days=4, demand=day_demand(range(MON, FRI), required=2))
    result, evaluation = solved(problem)
    # All four work all four days; pairing the same two every day costs nothing.
    assert evaluation.parts.extra_partners == 0
    assert len(partners(result)) == 2


def test_avoid_pair_forced() -> None:
    problem = program(
        [clinician(), peer()],
        pairs=[PairRule(clinician_id="C01", peer_id="P01", kind=PairKind.AVOID)],
    )
    evaluation = optimum(problem)
    # Avoiding is soft: alone they still cover Monday together (1 shared shift).
    assert evaluation.parts.required_shortfall == 0
    assert evaluation.parts.pair_preference_penalty == 1


def test_avoid_pair_on_a_shared_shift() -> None:
    result, evaluation = solved(
        two_pairs(pairs=[PairRule(clinician_id="C01", peer_id="P01", kind=PairKind.AVOID)])
    )
    # Both peers are on D8 Monday: C01 takes P02.
    assert evaluation.parts.pair_preference_penalty == 0
    assert partners(result) == {("C01", "P02"), ("C02", "P01")}


def test_prefer_pair_when_the_peer_is_away() -> None:
    problem = program(
        [clinician(), peer(), peer("P02")],
        pairs=[PairRule(clinician_id="C01", peer_id="P01", kind=PairKind.PREFER)],
        time_off=[time_off("P01", date(MON), date(MON))],
    )
    result, evaluation = solved(problem)
    # C01 works Monday without P01: 1 (C01 works) + 0 (P01 does not) - 2 x 0 = 1.
    assert evaluation.parts.pair_preference_penalty == 1
    assert partners(result) == {("C01", "P02")}


def test_prefer_pair_on_a_shared_shift() -> None:
    result, evaluation = solved(
        two_pairs(pairs=[PairRule(clinician_id="C01", peer_id="P01", kind=PairKind.PREFER)])
    )
    # Both work D8 Monday: pairing them gives 1 + 1 - 2 x 1 = 0.
    assert evaluation.parts.pair_preference_penalty == 0
    assert partners(result) == {("C01", "P01"), ("C02", "P02")}


@pytest.mark.parametrize("kind", list(PairKind))
def test_a_pair_can_have_only_one_pairs_row(kind: PairKind) -> None:
    rule = PairRule(clinician_id="C01", peer_id="P01", kind=kind)
    # Two rows for one pair would count its preference twice; the program refuses them.
    with pytest.raises(ValidationError, match="C01 and P01"):
        program([clinician(), peer()], pairs=[rule, rule])


def test_prefer_pair_decides_between_rosters_of_equal_cost() -> None:
    problem = program(
        [clinician(), peer(), peer("P02")],
        pairs=[PairRule(clinician_id="C01", peer_id="P01", kind=PairKind.PREFER)],
    )
    result, evaluation = solved(problem)
    # P01 or P02 cost the same; only P01 keeps the preferred pair (0 instead of 1).
    assert evaluation.parts.pair_preference_penalty == 0
    assert partners(result) == {("C01", "P01")}
