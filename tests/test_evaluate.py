"""The checker, rule by rule: each hard rule broken exactly once and then fixed,
coverage and gaps at the edges of the horizon, every objective part by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.evaluate import MAX_REASON_CHARS, evaluate
from scheduler.model.calendar import instance
from scheduler.model.objective import stage2_total
from scheduler.model.problem import PairKind, PairRule, Person, Pin, Problem
from scheduler.model.report import Evaluation
from scheduler.model.roster import Assignment, RejectedRow, Roster
from tests.factories import (
    D8,
    E8,
    N12,
    START,
    assign,
    demand,
    make_problem,
    make_roster,
    person,
    template,
    time_off,
    unit,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def date(day: int) -> dt.date:
    return START + dt.timedelta(days=day)


def at(day: int, clock: str) -> dt.datetime:
    hours, minutes = map(int, clock.split(":"))
    return dt.datetime.combine(date(day), dt.time(hours, minutes))


def team_of_four(**overrides: dict[str, Any]) -> list[Person]:
    """C01, C02, P01, P02 on the adult team; `C01={"min_rest_hours": 11}` changes one."""
    return [
        person(employee_id, role, **overrides.get(employee_id, {}))
        for employee_id, role in (
            ("C01", "clinician"),
            ("C02", "clinician"),
            ("P01", "peer"),
            ("P02", "peer"),
        )
    ]


def program(**overrides: Any) -> Problem:
    return make_problem(**{"staff": team_of_four(), **overrides})


def hard(evaluation: Evaluation) -> list[tuple[str, str | None, float]]:
    return [(v.rule, v.employee_id, v.amount) for v in evaluation.hard_violations]


def soft(evaluation: Evaluation) -> list[tuple[str, str | None, float]]:
    return [(v.rule, v.employee_id, v.amount) for v in evaluation.soft_violations]


def check(problem: Problem, *rows: Assignment | list[Assignment]) -> Evaluation:
    return evaluate(problem, make_roster(*rows))


# --- Hard rules, each broken once and then fixed -------------------------------------


def test_pairing_two_clinicians_in_one_unit() -> None:
    p = program()
    broken = check(
        p, assign(p, "C01", MON, "D8", unit_id="U1"), assign(p, "C02", MON, "D8", unit_id="U1")
    )
    assert hard(broken) == [("pairing", None, 1.0)]
    assert broken.hard_violations[0].detail == (
        "unit U1 has 2 clinicians (C01, C02) and 0 peers (-); it needs one of each"
    )
    assert broken.unit_count == 0
    fixed = check(p, unit(p, "C01", "P01", MON, "D8"))
    assert hard(fixed) == []
    assert fixed.unit_count == 1


def test_pairing_role_column_must_match_staff() -> None:
    p = program()
    wrong_role = assign(p, "P01", MON, "D8", unit_id="U1", role="clinician")
    broken = check(p, assign(p, "C01", MON, "D8", unit_id="U1"), wrong_role)
    assert hard(broken) == [("pairing", "P01", 1.0)]
    assert broken.unit_count == 0


def test_pairing_rows_of_a_unit_must_agree() -> None:
    p = program()
    broken = check(
        p,
        assign(p, "C01", MON, "D8", "adult", "N", "U1"),
        assign(p, "P01", MON, "D8", "adult", "S", "U1"),
    )
    assert hard(broken) == [("pairing", None, 1.0)]
    assert "rows differ in zone" in broken.hard_violations[0].detail


def test_team_eligibility() -> None:
    p = program(
        staff=[
            person("C03", "clinician", teams=["juvenile"]),
            person("P01", "peer"),
            person("P03", "peer", teams=["adult", "juvenile"]),
        ]
    )
    assert hard(check(p, unit(p, "C03", "P01", MON, "D8", team="juvenile"))) == [
        ("team_eligibility", "P01", 1.0)
    ]
    assert hard(check(p, unit(p, "C03", "P03", MON, "D8", team="juvenile"))) == []


def test_shift_team() -> None:
    adult_days = template("D8", "08:00", "16:30", 30, teams=["adult"])
    p = program(
        shifts=[adult_days, E8],
        staff=[
            person("C03", "clinician", teams=["juvenile"]),
            person("P03", "peer", teams=["juvenile"]),
        ],
    )
    broken = check(p, unit(p, "C03", "P03", MON, "D8", team="juvenile"))
    assert hard(broken) == [("shift_team", None, 1.0)]
    assert "C03, P03" in broken.hard_violations[0].detail
    assert hard(check(p, unit(p, "C03", "P03", MON, "E8", team="juvenile"))) == []


def test_unavailable_whole_day() -> None:
    p = program(time_off=[time_off("C01", date(TUE), date(TUE))])
    broken = check(p, unit(p, "C01", "P01", TUE, "D8"))
    assert hard(broken) == [("unavailable", "C01", 1.0)]
    assert broken.hard_violations[0].when == "Tue 2026-03-03 08:00"
    assert hard(check(p, unit(p, "C01", "P01", WED, "D8"))) == []


def test_night_shift_ending_on_an_unavailable_morning_breaks_it() -> None:
    p = program(time_off=[time_off("P01", date(TUE), date(TUE))])
    broken = check(p, unit(p, "C01", "P01", MON, "N12"))  # Mon 20:00 - Tue 08:00
    assert hard(broken) == [("unavailable", "P01", 1.0)]
    assert hard(check(p, unit(p, "C01", "P01", SUN, "N12"))) == []


def test_unavailable_date_time_window_touching_a_shift_is_fine() -> None:
    p = program(time_off=[time_off("C01", at(MON, "00:00"), at(MON, "08:00"))])
    assert hard(check(p, unit(p, "C01", "P01", MON, "D8"))) == []
    p = program(time_off=[time_off("C01", at(MON, "00:00"), at(MON, "08:01"))])
    assert hard(check(p, unit(p, "C01", "P01", MON, "D8"))) == [("unavailable", "C01", 1.0)]


def test_overlap() -> None:
    p = program()
    broken = check(p, unit(p, "C01", "P01", MON, "D8"), unit(p, "C01", "P02", MON, "E8"))
    assert hard(broken) == [("overlap", "C01", 3.0)]  # 13:30 to 16:30
    fixed = check(p, unit(p, "C01", "P01", MON, "D8"), unit(p, "C01", "P02", TUE, "E8"))
    assert hard(fixed) == []


def test_rest_across_midnight_is_ten_hours() -> None:
    p = program(staff=team_of_four(C01={"min_rest_hours": 11}))
    rows = [unit(p, "C01", "P01", MON, "E8"), unit(p, "C01", "P01", TUE, "D8")]
    broken = check(p, *rows)
    assert hard(broken) == [("rest", "C01", 1.0)]  # P01 needs the default 10 h: fine
    assert broken.hard_violations[0].detail == (
        "rest 10.0 h between E8 ending Mon 22:00 and D8 starting Tue 08:00; needs 11 h"
    )
    assert broken.hard_violations[0].when == "Tue 2026-03-03 08:00"
    assert hard(check(program(), *rows)) == []


def test_rest_after_a_night_shift_counts_from_its_morning_end() -> None:
    p = program()
    rows = [unit(p, "C01", "P01", MON, "N12"), unit(p, "C01", "P01", TUE, "E8")]
    assert hard(check(p, *rows)) == [("rest", "C01", 4.5), ("rest", "P01", 4.5)]  # 08:00 to 13:30


def test_max_hours_per_week() -> None:
    capped = program(staff=team_of_four(C01={"max_hours_per_week": 16}))
    rows = [unit(capped, "C01", "P01", day, "D8") for day in (MON, TUE, WED)]
    assert hard(check(capped, *rows)) == [("max_hours_per_week", "C01", 8.0)]  # 3 x 8 h - 16 h
    roomy = program(staff=team_of_four(C01={"max_hours_per_week": 24}))
    assert hard(check(roomy, *rows)) == []


def test_max_consecutive_days() -> None:
    p = program(staff=team_of_four(C01={"max_consecutive_days": 3}))
    broken = check(p, *(unit(p, "C01", "P01", day, "D8") for day in (MON, TUE, WED, THU)))
    assert hard(broken) == [("max_consecutive_days", "C01", 1.0)]
    assert broken.hard_violations[0].when == "Mon 2026-03-02 - Thu 2026-03-05"
    fixed = check(p, *(unit(p, "C01", "P01", day, "D8") for day in (MON, TUE, WED, FRI)))
    assert hard(fixed) == []


def test_a_nine_day_run_is_one_violation() -> None:
    p = program(days=14)
    rows = [unit(p, "C01", "P01" if day < 5 else "P02", day, "D8") for day in range(9)]
    assert hard(check(p, *rows)) == [
        ("max_consecutive_days", "C01", 3.0),  # 9 - 6
        ("min_days_off", "C01", 2.0),  # 7 days worked in the first week
    ]


def test_min_days_off() -> None:
    p = program()
    broken = check(p, *(unit(p, "C01", "P01" if day < 5 else "P02", day, "D8") for day in range(6)))
    assert hard(broken) == [("min_days_off", "C01", 1.0)]
    assert broken.hard_violations[0].when == "Mon 2026-03-02 - Sun 2026-03-08"
    assert hard(check(p, *(unit(p, "C01", "P01", day, "D8") for day in range(5)))) == []


def test_a_week_is_worded_as_the_pre_check_words_it() -> None:
    # One wording of a week in every sentence (scheduler.model.wording.week_text);
    # the `when` column keeps the week's days.
    p = program()
    broken = check(p, *(unit(p, "C01", "P01" if day < 5 else "P02", day, "D8") for day in range(6)))
    assert broken.hard_violations[0].detail == (
        "C01 has 1 day off in the week of Mon 2026-03-02; needs 2"
    )


def test_min_days_off_in_a_short_last_window() -> None:
    # days=10: the last window has 3 days and needs max(0, rule - 4) days off.
    p = program(days=10, staff=team_of_four(C01={"min_days_off_per_week": 5}))
    broken = check(p, *(unit(p, "C01", "P01", day, "D8") for day in (7, 8, 9)))
    assert hard(broken) == [("min_days_off", "C01", 1.0)]  # P01 needs max(0, 2 - 4) = 0
    assert broken.hard_violations[0].when == "Mon 2026-03-09 - Wed 2026-03-11"
    assert hard(check(p, *(unit(p, "C01", "P01", day, "D8") for day in (7, 8)))) == []


def test_pin() -> None:
    p = program(
        pins=[Pin(employee_id="C01", date=date(TUE), shift_id="D8", team="adult", zone="N")]
    )
    broken = check(p, unit(p, "C01", "P01", TUE, "D8", zone="S"))
    assert hard(broken) == [("pin", "C01", 1.0)]
    assert broken.hard_violations[0].when == "Tue 2026-03-03 08:00"
    assert hard(check(p, unit(p, "C01", "P01", TUE, "D8", zone="N"))) == []


def test_forbidden_pair() -> None:
    p = program(pairs=[PairRule(clinician_id="C01", peer_id="P01", kind=PairKind.FORBID)])
    broken = check(p, unit(p, "C01", "P01", MON, "D8"))
    assert hard(broken) == [("forbidden_pair", None, 1.0)]
    assert "C01 and P01" in broken.hard_violations[0].detail
    assert hard(check(p, unit(p, "C01", "P02", MON, "D8"))) == []


def test_trainee_pair() -> None:
    trainee = {"skills": ("trainee",)}
    p = program(staff=team_of_four(C01=trainee, P01=trainee))
    broken = check(p, unit(p, "C01", "P01", MON, "D8"))
    assert hard(broken) == [("trainee_pair", None, 1.0)]
    assert hard(check(p, unit(p, "C01", "P02", MON, "D8"))) == []


def test_hand_edited_roster_reports_bad_rows_and_leaves_them_out() -> None:
    p = program(demand=[demand("adult", "N", "Mon", "08:00", "10:00", 1)])
    good = unit(p, "C01", "P01", MON, "D8")
    stranger = assign(p, "X99", TUE, "D8", unit_id="U2", role="clinician")
    moved = [
        row.model_copy(update={"start": row.start + dt.timedelta(hours=1)})
        for row in unit(p, "C02", "P02", WED, "D8", unit_id="U3")
    ]
    next_week = unit(p, "C02", "P02", 7, "D8", unit_id="U4")
    unknown_shift = assign(p, "C02", THU, "D8", unit_id="U5").model_copy(update={"shift_id": "Z9"})
    unknown_zone = assign(p, "P02", THU, "D8", zone="Q", unit_id="U5")
    evaluation = check(
        p,
        good,
        stranger,
        assign(p, "P02", TUE, "D8", unit_id="U2"),
        moved,
        next_week,
        unknown_shift,
        unknown_zone,
    )
    assert hard(evaluation) == [
        ("pairing", "P02", 1.0),  # unit U2 keeps only P02 once X99 is left out
        ("unknown_employee", "X99", 1.0),
        ("shift_times", "C02", 1.0),
        ("shift_times", "P02", 1.0),
        ("unknown_shift", "C02", 1.0),
        ("unknown_zone", "P02", 1.0),
        ("outside_horizon", "C02", 1.0),
        ("outside_horizon", "P02", 1.0),
    ]
    assert evaluation.hard_violations[2].detail == (
        "C02's D8 on Wed 2026-03-04 (unit U3) runs 2026-03-04 09:00 to 2026-03-04 16:30;"
        " the template runs 08:00-16:30"
    )
    assert evaluation.unit_count == 1
    assert evaluation.parts.required_shortfall == 0
    assert [h.shifts for h in evaluation.hours] == [1, 0, 1, 1]


def test_rows_that_could_not_be_read_come_first_in_row_order() -> None:
    p = program()
    bad_date = "date 'next Tue' is not a date; expected YYYY-MM-DD"
    bad_role = "role 'nurse' is not one of clinician, peer"
    rejected = (
        RejectedRow(row=12, column="role", message=bad_role),
        RejectedRow(row=7, column="date", message=bad_date),
    )
    roster = make_roster(assign(p, "C01", MON, "D8", unit_id="U1"))
    evaluation = evaluate(p, roster.model_copy(update={"rejected_rows": rejected}))
    lone = "unit U1 has 1 clinician (C01) and 0 peers (-); it needs one of each"
    assert [(v.rule, v.employee_id, v.when, v.detail) for v in evaluation.hard_violations] == [
        ("unreadable_row", None, "Assignments row 7", bad_date),
        ("unreadable_row", None, "Assignments row 12", bad_role),
        ("pairing", "C01", "Mon 2026-03-02 08:00", lone),
    ]


def test_findings_about_rows_name_the_excel_row() -> None:
    p = program()
    rows = [
        assign(p, "C01", MON, "D8", unit_id="U1").model_copy(update={"row": 5}),
        assign(p, "P01", MON, "D8", unit_id="U1", zone="S").model_copy(update={"row": 9}),
        assign(p, "X99", TUE, "D8", unit_id="U2", role="peer").model_copy(update={"row": 3}),
    ]
    details = [v.detail for v in check(p, *rows).hard_violations]
    assert details == [
        "unit U1 rows differ in zone (C01 D8 2026-03-02 adult N, P01 D8 2026-03-02 adult S)"
        " (Assignments rows 5, 9)",
        "X99 is not in Staff: D8 on Tue 2026-03-03 (unit U2) (Assignments row 3)",
    ]


# --- Coverage and gaps ---------------------------------------------------------------


def test_coverage_at_both_edges_of_the_horizon() -> None:
    # Sunday 20:00-08:00 also repeats from the Sunday before start_date into Monday morning.
    p = program(demand=[demand("adult", "N", "Sun", "20:00", "08:00", 1)])
    evaluation = check(p, unit(p, "C01", "P01", SUN, "N12"), unit(p, "C02", "P02", MON, "N12"))
    rows = [(r.slot_start, r.required, r.scheduled) for r in evaluation.coverage]
    monday_morning = [(at(MON, f"{h:02d}:00"), 1, 0) for h in range(8)]
    monday_night = [(at(MON, f"{h:02d}:00"), 0, 1) for h in range(20, 24)]
    tuesday_morning = [(at(TUE, f"{h:02d}:00"), 0, 1) for h in range(8)]
    sunday_night = [
        (at(SUN, f"{h:02d}:00"), 1, 1) for h in range(20, 24)
    ]  # Mon 00-08 after horizon
    assert rows == monday_morning + monday_night + tuesday_morning + sunday_night
    assert evaluation.parts.required_shortfall == 8
    assert evaluation.shortfall_by_team == {"adult": 8}
    [gap] = evaluation.gaps
    assert (gap.start, gap.end, gap.required, gap.scheduled, gap.unit_slots_short) == (
        at(MON, "00:00"),
        at(MON, "08:00"),
        1,
        0,
        8,
    )
    # Only a shift starting before the roster (Sunday's N12) could have covered it.
    assert gap.reason == "no adult shift starting in the roster covers any of this span"


def test_a_unit_covers_only_slots_it_fills_completely() -> None:
    # D8 ends 16:30: with 60-minute slots it misses 16:00-17:00, with 30 it covers 16:00-16:30.
    need = [demand("adult", "N", "Mon", "16:00", "17:00", 1)]
    hourly = program(demand=need)
    assert [
        (g.start, g.end) for g in check(hourly, unit(hourly, "C01", "P01", MON, "D8")).gaps
    ] == [(at(MON, "16:00"), at(MON, "17:00"))]
    half_hourly = program(demand=need, slot_minutes=30)
    evaluation = check(half_hourly, unit(half_hourly, "C01", "P01", MON, "D8"))
    assert [(g.start, g.end) for g in evaluation.gaps] == [(at(MON, "16:30"), at(MON, "17:00"))]
    assert sum(r.scheduled for r in evaluation.coverage) == 17  # 08:00 to 16:30
    assert evaluation.parts.required_shortfall == 1


def test_a_demand_window_touching_part_of_a_slot_needs_the_whole_slot() -> None:
    p = program(demand=[demand("adult", "N", "Mon", "08:30", "09:00", 1)])
    assert [(r.slot_start, r.required) for r in check(p).coverage] == [(at(MON, "08:00"), 1)]


def test_gaps_merge_consecutive_short_slots_and_say_why() -> None:
    p = program(
        staff=[*team_of_four(), person("C03", "clinician", teams=["juvenile"])],
        demand=[
            demand("adult", "N", "Mon", "08:00", "18:00", 2, target=3),
            demand("adult", "N", "Mon", "20:00", "21:00", 1),
            demand("juvenile", "S", "Mon", "15:00", "17:00", 1),
        ],
        time_off=[time_off("P02", date(MON), date(MON))],
    )
    evaluation = check(p, unit(p, "C01", "P01", MON, "D8"))
    gaps = evaluation.gaps
    assert [(g.team, g.zone, g.start, g.end) for g in gaps] == [
        ("adult", "N", at(MON, "08:00"), at(MON, "18:00")),
        ("juvenile", "S", at(MON, "15:00"), at(MON, "17:00")),
        ("adult", "N", at(MON, "20:00"), at(MON, "21:00")),
    ]
    # adult 08-18: one unit of two for 08-16 (8 x 1), none for 16-18 (2 x 2)
    assert [(g.required, g.scheduled, g.unit_slots_short) for g in gaps] == [
        (2, 0, 12),
        (1, 0, 2),
        (1, 0, 1),
    ]
    assert [g.reason for g in gaps] == [
        "no adult-eligible peer free: P01 working D8 N, P02 on leave",
        "no juvenile-eligible peer on staff",
        # E8 would overlap P01's D8; N12 at 20:00 would leave 3.5 h of rest after it.
        "no adult-eligible peer free: P01 working D8 N, P02 on leave",
    ]
    assert evaluation.parts.required_shortfall == 15
    assert evaluation.parts.target_shortfall == 8 * 2 + 2 * 3 + 1 + 2  # 25
    assert evaluation.shortfall_by_team == {"adult": 13, "juvenile": 2}


def test_a_long_gap_reason_is_cut_to_fit() -> None:
    peers = [person(f"P{i:02d}", "peer") for i in range(1, 30)]
    p = program(
        staff=[person("C01", "clinician"), *peers],
        demand=[demand("adult", "N", "Mon", "08:00", "09:00", 1)],
        time_off=[time_off(peer.employee_id, date(MON), date(MON)) for peer in peers],
    )
    [gap] = check(p).gaps
    shown = ", ".join(f"P{i:02d}" for i in range(1, 23))
    assert gap.reason == f"no adult-eligible peer free: {shown} and 7 more on leave"
    assert len(gap.reason) == 157 <= MAX_REASON_CHARS


# Why a gap: one juvenile gap (N, Tue 18:00-22:00) that C03 (juvenile) could fill, so
# the reason is about the one juvenile peer. E8 Tue and N12 Tue cover part of it.


def juvenile_gap_reason(
    peers: list[Person], works: Sequence[tuple[str, int, str]] = (), **fields: Any
) -> str:
    """The reason of the one gap; `works` are (peer, day, shift) units with adult C01."""
    p = make_problem(
        staff=[person("C01", "clinician"), person("C03", "clinician", teams=["juvenile"]), *peers],
        demand=[demand("juvenile", "N", "Tue", "18:00", "22:00", 1)],
        **fields,
    )
    rows = [unit(p, "C01", peer, day, shift) for peer, day, shift in works]
    [gap] = check(p, *rows).gaps
    return gap.reason


def both_teams(employee_id: str, **kw: Any) -> Person:
    return person(employee_id, "peer", teams=["adult", "juvenile"], **kw)


def test_gap_reason_on_leave() -> None:
    reason = juvenile_gap_reason(
        [both_teams("P04"), both_teams("P06")],
        time_off=[time_off("P04", date(TUE), date(TUE)), time_off("P06", date(MON), date(WED))],
    )
    assert reason == "no juvenile-eligible peer free: P04 and P06 on leave"


def test_gap_reason_working_names_the_shift_and_zone() -> None:
    # E8 would overlap the D8; N12 (20:00) only breaks rest, which ranks after working.
    reason = juvenile_gap_reason([both_teams("P05")], [("P05", TUE, "D8")])
    assert reason == "no juvenile-eligible peer free: P05 working D8 N"


def test_gap_reason_at_the_weekly_cap() -> None:
    reason = juvenile_gap_reason(
        [both_teams("P07", max_hours_per_week=16)], [("P07", MON, "D8"), ("P07", WED, "D8")]
    )
    assert reason == "no juvenile-eligible peer free: P07 at 16 h"
    roomy = juvenile_gap_reason(
        [both_teams("P07", max_hours_per_week=24)], [("P07", MON, "D8"), ("P07", WED, "D8")]
    )
    assert roomy == "1 clinician and 1 peer eligible for juvenile were free but not rostered"


def test_gap_reason_rest_before_and_after() -> None:
    # Wed D8 at 08:00: 10 h after E8 and none after N12 (needs 12).
    before = juvenile_gap_reason([both_teams("P08", min_rest_hours=12)], [("P08", WED, "D8")])
    assert before == "no juvenile-eligible peer free: P08 resting before D8 Wed"
    # Mon N12 ends Tue 08:00: 5.5 h before E8, 12 h before N12 (needs 13).
    after = juvenile_gap_reason([both_teams("P08", min_rest_hours=13)], [("P08", MON, "N12")])
    assert after == "no juvenile-eligible peer free: P08 resting after N12 Mon"
    # With 12 h, Tuesday's N12 fits: one candidate is enough.
    fits = juvenile_gap_reason([both_teams("P08", min_rest_hours=12)], [("P08", MON, "N12")])
    assert fits == "1 clinician and 1 peer eligible for juvenile were free but not rostered"


def test_gap_reason_day_limits() -> None:
    # Tuesday joins Monday and Wednesday (E8 Wed leaves 5.5 h after N12 Tue: enough here).
    run = juvenile_gap_reason(
        [both_teams("P09", max_consecutive_days=2, min_rest_hours=5)],
        [("P09", MON, "D8"), ("P09", WED, "E8")],
    )
    assert run == "no juvenile-eligible peer free: P09 would work 3 days in a row"
    off = juvenile_gap_reason([both_teams("P10", min_days_off_per_week=6)], [("P10", MON, "D8")])
    assert off == "no juvenile-eligible peer free: P10 needs 6 days off"


def test_gap_reason_lists_each_person_by_role_and_counts_only_allowed_templates() -> None:
    reason = juvenile_gap_reason(
        [both_teams("P04"), both_teams("P05"), person("P11", "peer")],  # P11: adult only
        [("P05", TUE, "D8")],
        time_off=[time_off("P04", date(TUE), date(TUE))],
    )
    assert reason == "no juvenile-eligible peer free: P04 on leave, P05 working D8 N"
    adult_evenings = [D8, template("E8", "13:30", "22:00", 30, teams=["adult"])]
    no_template = juvenile_gap_reason([both_teams("P04")], shifts=adult_evenings)
    assert no_template == "no juvenile shift starting in the roster covers any of this span"


def test_gap_reason_names_the_trainee_rule_when_only_trainees_are_free() -> None:
    def reason(*staff: Person) -> str:
        p = make_problem(staff=list(staff), demand=[demand("adult", "N", TUE, "08:00", "16:00", 1)])
        [gap] = check(p).gaps
        return gap.reason

    trainee = ("trainee",)
    both = reason(person("C01", "clinician", skills=trainee), person("P01", "peer", skills=trainee))
    assert both == (
        "1 clinician and 1 peer eligible for adult were free but no unit may hold two "
        "trainees: C01 and P01 are trainees"
    )
    # One of them not a trainee: a unit could have been formed.
    one = reason(person("C01", "clinician", skills=trainee), person("P01", "peer"))
    assert one == "1 clinician and 1 peer eligible for adult were free but not rostered"
    # Many trainees: the names are cut to fit, the rule stays.
    many = reason(
        *(person(f"C{n:02}", "clinician", skills=trainee) for n in range(1, 13)),
        *(person(f"P{n:02}", "peer", skills=trainee) for n in range(1, 13)),
    )
    assert len(many) <= MAX_REASON_CHARS
    assert many.startswith(
        "12 clinicians and 12 peers eligible for adult were free but no unit may hold two "
        "trainees: C01, C02"
    )
    assert many.endswith(" more are trainees")


def test_gap_reason_when_both_roles_are_missing() -> None:
    p = program(
        demand=[demand("adult", "S", "Mon", "10:00", "12:00", 1)],
        time_off=[time_off(employee_id, date(MON), date(MON)) for employee_id in ("C02", "P02")],
    )
    [gap] = check(p, unit(p, "C01", "P01", MON, "D8")).gaps
    assert gap.reason == (
        "no adult-eligible clinician free: C01 working D8 N, C02 on leave;"
        " no adult-eligible peer free: P01 working D8 N, P02 on leave"
    )


# --- Hours ---------------------------------------------------------------------------


def test_hours_of_one_person() -> None:
    p = program(
        staff=team_of_four(C01={"min_hours_per_week": 35, "max_hours_per_week": 48}),
        time_off=[
            time_off("C01", date(FRI), date(SAT), "prefer_off"),  # Thu N12 ends Fri: both broken
            time_off("C01", date(MON), date(MON), "prefer_on"),  # not worked
            time_off("C01", date(WED), date(WED), "prefer_off"),  # met
        ],
    )
    rows = [
        unit(p, "C01", "P01", THU, "N12"),  # night and evening, 11.5 h
        unit(p, "C01", "P01", SAT, "E8"),  # evening, weekend
        unit(p, "C01", "P01", SUN, "D8"),  # weekend
    ]
    hours = check(p, *rows).hours
    assert [h.employee_id for h in hours] == ["C01", "C02", "P01", "P02"]
    c01 = hours[0]
    assert (c01.shifts, c01.paid_hours, c01.weekly_paid_hours) == (3, 27.5, (27.5,))
    assert (c01.contract_hours, c01.max_hours_per_week) == (35.0, 48)
    assert (c01.nights, c01.evenings, c01.weekend_days) == (1, 2, 2)
    assert (c01.requests, c01.requests_met) == (4, 1)
    assert (hours[1].shifts, hours[1].paid_hours, hours[1].requests) == (0, 0.0, 0)


# --- Objective parts, each by hand ---------------------------------------------------


def test_contract_shortfall() -> None:
    p = program(days=10, staff=team_of_four(C01={"min_hours_per_week": 40}))
    evaluation = check(p, *(unit(p, "C01", "P01", day, "D8") for day in range(4)))
    # week 1: 2400 - 4 x 480 = 480; week 2 (3 days): round(40 x 60 x 3 / 7) = 1029
    assert evaluation.parts.contract_shortfall_minutes == 1509
    assert soft(evaluation) == [("contract_hours", "C01", 480.0), ("contract_hours", "C01", 1029.0)]
    assert evaluation.soft_violations[0].penalty == 480 * 20_000
    assert evaluation.hours[0].contract_hours == pytest.approx(40 + 40 * 3 / 7)


def test_overtime() -> None:
    d10 = template("D10", "08:00", "18:30", 30)
    p = program(
        shifts=[D8, d10],
        staff=[
            person("C01", "clinician", hourly_rate=50, min_days_off_per_week=1),
            person("P01", "peer", min_days_off_per_week=1),  # hourly_rate 0: free overtime
            person("C02", "clinician", hourly_rate=50, overtime_eligible=False),
            person("P02", "peer"),
        ],
    )
    rows = [unit(p, "C01", "P01", day, "D10") for day in range(6)]
    rows += [unit(p, "C02", "P02", day, "D10") for day in range(5)]
    evaluation = check(p, *rows)
    # C01: 6 x 600 - 2400 = 1200 min over, at round(50 x 1.5 x 100) = 7500 cents/h
    assert evaluation.parts.overtime_cost_cent_minutes == 1200 * 7500
    assert evaluation.parts.overtime_cost == 1500.0
    c01, p01, c02, p02 = evaluation.hours
    assert (c01.overtime_hours, c01.overtime_cost) == (20.0, 1500.0)
    assert (p01.overtime_hours, p01.overtime_cost) == (20.0, 0.0)
    assert (c02.paid_hours, c02.overtime_hours, p02.overtime_hours) == (50.0, 0.0, 10.0)
    assert [v for v in soft(evaluation) if v[0] == "overtime"] == [("overtime", "C01", 9_000_000.0)]


def test_request_penalty() -> None:
    p = program(
        time_off=[
            time_off("C01", date(TUE), date(TUE), "prefer_off", weight=3),  # worked: 3
            time_off("C01", date(WED), date(WED), "prefer_on", weight=2),  # not worked: 2
            time_off("C01", date(THU), date(THU), "prefer_off", weight=5),  # met
            time_off("C01", date(FRI), date(SAT), "prefer_off"),  # Fri worked: 1, Sat met
            time_off("C01", date(MON), date(MON), "prefer_on", shift_id="E8"),  # D8 worked: 1
            time_off("P01", date(SUN), date(SUN), "prefer_off"),  # Sat N12 ends Sun 08:00: 1
            time_off("P01", date(SUN), date(SUN), "prefer_on"),  # a shift starting Sun: 1
            time_off(
                "P01",
                date(MON) + dt.timedelta(days=30),
                date(MON) + dt.timedelta(days=30),
                "prefer_on",
            ),  # outside the horizon: not a request
        ]
    )
    rows = [unit(p, "C01", "P01", day, "D8") for day in (MON, TUE, FRI)]
    rows.append(unit(p, "C02", "P01", SAT, "N12"))
    evaluation = check(p, *rows)
    assert evaluation.parts.request_penalty == 3 + 2 + 1 + 1 + 1 + 1
    assert soft(evaluation) == [
        ("prefer_on", "C01", 1.0),
        ("prefer_off", "C01", 3.0),
        ("prefer_on", "C01", 2.0),
        ("prefer_off", "C01", 1.0),
        ("prefer_off", "P01", 1.0),
        ("prefer_on", "P01", 1.0),
    ]
    assert (evaluation.hours[0].requests, evaluation.hours[0].requests_met) == (6, 2)
    assert (evaluation.hours[2].requests, evaluation.hours[2].requests_met) == (2, 0)


def test_consecutive_excess_days() -> None:
    p = program(days=14, staff=team_of_four(C01={"min_days_off_per_week": 0}))
    days = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13]  # runs of 7 and 6
    evaluation = check(p, *(unit(p, "C01", "P01" if d % 2 else "P02", d, "D8") for d in days))
    assert evaluation.parts.consecutive_excess_days == (7 - 5) + (6 - 5)
    assert [v for v in soft(evaluation) if v[0] == "preferred_consecutive_days"] == [
        ("preferred_consecutive_days", "C01", 2.0),
        ("preferred_consecutive_days", "C01", 1.0),
    ]


def test_peer_shifts_away_from_home() -> None:
    p = program()  # everyone's home zone is N
    rows = [unit(p, "C01", "P01", day, "D8", zone=zone) for day, zone in enumerate("SSN")]
    evaluation = check(p, *rows)
    assert evaluation.parts.peer_shifts_away_from_home == 2  # clinicians do not count
    assert soft(evaluation) == [("home_zone", "P01", 1.0), ("home_zone", "P01", 1.0)]


def test_extra_partners() -> None:
    p = program(days=14, staff=[*team_of_four(), person("P03", "peer")])
    rows = [
        unit(p, "C01", "P01", MON, "D8"),
        unit(p, "C01", "P02", TUE, "D8"),
        unit(p, "C01", "P03", WED, "D8"),  # week 1: 3 peers, 2 extra
        unit(p, "C01", "P01", 7, "D8"),  # week 2: 1 peer
        unit(p, "C02", "P02", THU, "E8"),
        unit(p, "C02", "P02", FRI, "E8"),  # one peer twice
    ]
    evaluation = check(p, *rows)
    assert evaluation.parts.extra_partners == 2
    assert soft(evaluation) == [("extra_partners", "C01", 2.0)]


def test_pair_preferences() -> None:
    p = program(
        staff=[*team_of_four(), person("C03", "clinician"), person("P03", "peer")],
        pairs=[
            PairRule(clinician_id="C01", peer_id="P01", kind=PairKind.AVOID),
            PairRule(clinician_id="C02", peer_id="P02", kind=PairKind.PREFER),
        ],
    )
    rows = [
        unit(p, "C01", "P01", MON, "E8"),  # avoid: 1
        unit(p, "C01", "P01", TUE, "E8"),  # avoid: 1
        unit(p, "C02", "P02", MON, "D8"),  # prefer kept: 0
        unit(p, "C02", "P03", TUE, "D8"),  # only C02 works: 1
        unit(p, "C03", "P02", WED, "D8"),  # only P02 works: 1
        unit(p, "C02", "P03", THU, "D8"),
        unit(p, "C03", "P02", THU, "D8"),  # both work, apart: 2
    ]
    evaluation = check(p, *rows)
    assert evaluation.parts.pair_preference_penalty == 2 + 1 + 1 + 2
    assert soft(evaluation) == [
        ("extra_partners", "C02", 1.0),  # P02 and P03 in week 1
        ("pair_avoid", None, 1.0),
        ("pair_prefer", None, 1.0),
        ("pair_avoid", None, 1.0),
        ("pair_prefer", None, 1.0),
        ("pair_prefer", None, 2.0),
    ]


def test_soft_penalties_add_up_to_the_stage2_objective() -> None:
    p = program(
        staff=team_of_four(C01={"min_hours_per_week": 20, "hourly_rate": 40}),
        time_off=[time_off("P01", date(MON), date(MON), "prefer_off", weight=2)],
        pairs=[PairRule(clinician_id="C02", peer_id="P01", kind=PairKind.PREFER)],
    )
    rows = [unit(p, "C01", "P01", MON, "D8", zone="S"), unit(p, "C01", "P02", TUE, "D8")]
    evaluation = check(p, *rows)
    # contract 1200 - 960 = 240 min; request 2; home zone 1; extra partner 1; prefer: Mon + Tue 0
    assert evaluation.parts.as_dict() == {
        "required_shortfall": 0,
        "target_shortfall": 0,
        "contract_shortfall_minutes": 240,
        "overtime_cost_cent_minutes": 0,
        "request_penalty": 2,
        "shift_cover_penalty": 0,
        "consecutive_excess_days": 0,
        "peer_shifts_away_from_home": 1,
        "extra_partners": 1,
        "pair_preference_penalty": 1,
        "fairness_excess": 0,  # no History: fairness across weeks is not counted
    }
    penalties = sum(v.penalty for v in evaluation.soft_violations)
    assert (
        penalties
        == stage2_total(evaluation.parts)
        == 240 * 20_000 + 2 * 450_000 + 50_000 + 2 * 20_000
    )


# --- Any roster at all ---------------------------------------------------------------

PROPERTY_PROBLEM = make_problem(
    days=8,
    staff=[
        person("C01", "clinician", max_hours_per_week=30, min_hours_per_week=20, hourly_rate=40),
        person("C02", "clinician", teams=["adult", "juvenile"], skills=("trainee",)),
        person("C03", "clinician", teams=["juvenile"], min_rest_hours=12),
        person("P01", "peer", max_consecutive_days=3, overtime_after_hours=10, hourly_rate=30),
        person("P02", "peer", teams=["adult", "juvenile"], home_zone="S", skills=("trainee",)),
        person("P03", "peer", teams=["juvenile"], min_days_off_per_week=4),
    ],
    shifts=[D8, E8, N12, template("J6", "15:00", "21:00", teams=["juvenile"])],
    demand=[
        demand("adult", "N", "Sun", "20:00", "08:00", 1, target=2),
        demand("juvenile", "S", "Wed", "14:00", "22:00", 2),
        demand("adult", "S", date(TUE), "06:00", "12:00", 1),
    ],
    time_off=[
        time_off("C01", date(TUE), date(TUE)),
        time_off("P01", at(WED, "10:00"), at(WED, "14:00"), "prefer_off", weight=2),
        time_off("P02", date(THU), date(FRI), "prefer_on", shift_id="E8"),
        time_off("C03", date(MON), date(MON), "unavailable", shift_id="N12"),
    ],
    pins=[Pin(employee_id="C02", date=date(MON), shift_id="D8")],
    pairs=[
        PairRule(clinician_id="C01", peer_id="P01", kind=PairKind.FORBID),
        PairRule(clinician_id="C02", peer_id="P02", kind=PairKind.PREFER),
        PairRule(clinician_id="C03", peer_id="P03", kind=PairKind.AVOID),
    ],
)


@st.composite
def roster_rows(draw: st.DrawFn) -> Assignment:
    """A row that is usually right and sometimes hand-edited into nonsense."""
    p = PROPERTY_PROBLEM
    employee_id = draw(st.sampled_from(["C01", "C02", "C03", "P01", "P02", "P03", "X99"]))
    day = draw(st.integers(-2, 9))
    shift_id = draw(st.sampled_from(["D8", "E8", "N12", "J6", "Z9"]))
    shift = p.shifts_by_id.get(shift_id, D8)
    start = p.moment(instance(p, day, shift).start)
    end = p.moment(instance(p, day, shift).end)
    nudge = dt.timedelta(minutes=draw(st.sampled_from([0, 0, 0, 30])))
    return Assignment(
        date=date(day),
        shift_id=shift_id,
        start=start + nudge,
        end=end,
        team=draw(st.sampled_from(["adult", "juvenile"])),
        zone=draw(st.sampled_from(["N", "S", "S", "Q"])),
        unit_id=draw(st.sampled_from(["U1", "U2", "U3", "V0", "V1"])),
        employee_id=employee_id,
        role=draw(st.sampled_from(["clinician", "peer"]))
        if employee_id == "X99" or draw(st.integers(0, 9)) == 0
        else p.person(employee_id).role,
    )


@st.composite
def rosters(draw: st.DrawFn) -> list[Assignment]:
    """Mostly well-formed units (so coverage and the soft rules have work), plus odd rows."""
    p = PROPERTY_PROBLEM
    rows: list[Assignment] = []
    for k in range(draw(st.integers(0, 14))):
        rows += unit(
            p,
            draw(st.sampled_from(["C01", "C02", "C03"])),
            draw(st.sampled_from(["P01", "P02", "P03"])),
            draw(st.integers(0, p.days - 1)),
            draw(st.sampled_from(["D8", "E8", "N12", "J6"])),
            draw(st.sampled_from(["adult", "juvenile"])),
            draw(st.sampled_from(["N", "S"])),
            unit_id=f"V{k}",
        )
    return rows + draw(st.lists(roster_rows(), max_size=6))


@settings(max_examples=10 * settings().max_examples)
@given(rosters())
def test_any_roster_is_checked_without_crashing(rows: list[Assignment]) -> None:
    evaluation = evaluate(PROPERTY_PROBLEM, Roster(assignments=tuple(rows)))
    parts = evaluation.parts
    assert sum(row.shortfall for row in evaluation.coverage) == parts.required_shortfall
    assert sum(row.target_shortfall for row in evaluation.coverage) == parts.target_shortfall
    assert sum(gap.unit_slots_short for gap in evaluation.gaps) == parts.required_shortfall
    assert sum(evaluation.shortfall_by_team.values()) == parts.required_shortfall
    assert sum(v.penalty for v in evaluation.soft_violations) == stage2_total(parts)
    assert len(evaluation.hours) == len(PROPERTY_PROBLEM.staff)
    assert all(len(gap.reason) <= MAX_REASON_CHARS for gap in evaluation.gaps)
    keys = [(row.slot_start, row.team, row.zone) for row in evaluation.coverage]
    assert keys == sorted(set(keys))
    reordered = Roster(assignments=tuple(reversed(rows)))
    assert evaluate(PROPERTY_PROBLEM, reordered) == evaluation
