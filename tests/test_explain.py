"""Infeasible programs and the conflict their explanation must name.

Each program below breaks one conflict on purpose and holds an unrelated second
person (with their own pins, time off or rules) and, where it fits, an unrelated
rule. The explanation must name the conflicting rule, person and rows, and no
other person or rule. Programs the pre-check can judge (`scheduler.precheck`)
are also run through the CP-SAT core alone (`explain_core`), which must name the
same conflict; the others only the core finds. The engine must agree that each
program is infeasible.

Unless a program says otherwise: 7 days from Monday 2026-03-02, zones N and S,
default rules (rest 10 h, 2 days off a week, at most 6 days in a row), D8
08:00-16:30, E8 13:30-22:00 and N12 20:00-08:00, each paid 30 minutes less
(8 h, 8 h, 11.5 h), and units of 1 person so that no partner is needed unless
the program is about pairing.
"""

from __future__ import annotations

import datetime as dt
import re
import signal
import time
from dataclasses import dataclass
from typing import Any

import pytest

from scheduler import interrupt
from scheduler.model.problem import DemandRow, Person, Pin, Problem, ShiftLimit, TimeOff
from scheduler.model.result import SolveStatus
from scheduler.precheck import Precheck, precheck
from scheduler.solve.explain import Group, GroupedModel, explain_core, explain_infeasible
from tests.factories import D8, E8, N12, START, demand, make_problem, person, template, time_off
from tests.solving import solve_checked, solve_only

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

#: Seconds the explanation may take on these tiny programs.
SECONDS = 5.0

#: Every rule or sheet an explanation can name; a case must name exactly its own.
RULE_WORDS = (
    "Pins",
    "TimeOff",
    "ShiftLimits",
    "teams",
    "min_rest_hours",
    "min_days_off_per_week",
    "max_consecutive_days",
    "min_consecutive_days",
    "min_consecutive_days_off",
    "max_weekends",
    "forbidden_next",
    "max_hours_per_week",
    "max_hours_total",
    "min_hours_total",
    "min_hours_per_week",
    "pairing",
    "trainee",
)


def date(day: int) -> dt.date:
    return START + dt.timedelta(days=day)


def pin(employee_id: str, day: int, shift_id: str, row: int, **kw: Any) -> Pin:
    return Pin(employee_id=employee_id, date=date(day), shift_id=shift_id, row=row, **kw)


def unavailable(employee_id: str, day: int, row: int) -> TimeOff:
    return time_off(employee_id, date(day), date(day)).model_copy(update={"row": row})


def clinician(employee_id: str, row: int, **kw: Any) -> Person:
    return person(employee_id, "clinician", row=row, **kw)


def every_day() -> list[DemandRow]:
    """One person wanted 08:00-16:00 in N every day, so D8 and E8 are open every day."""
    return [demand("adult", "N", day, "08:00", "16:00", 1) for day in range(7)]


def program(**overrides: Any) -> Problem:
    return make_problem(**{"people_per_unit": 1, **overrides})


def named(text: str, word: str) -> bool:
    """Whether `word` appears as a whole word (`min_consecutive_days` is not in
    `min_consecutive_days_off`)."""
    return re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text) is not None


@dataclass(frozen=True)
class Case:
    name: str
    problem: Problem
    people: frozenset[str]  # the people the explanation names, and no one else
    rules: frozenset[str]  # the RULE_WORDS it names, and no others
    fragments: tuple[str, ...]  # rows and values it must state
    absent: tuple[str, ...] = ()  # rows of the unrelated person or rule
    by_precheck: bool = True  # else only the CP-SAT core finds it


def case(
    name: str,
    problem: Problem,
    people: set[str],
    rules: set[str],
    fragments: tuple[str, ...],
    absent: tuple[str, ...] = (),
    by_precheck: bool = True,
) -> Any:
    return pytest.param(
        Case(name, problem, frozenset(people), frozenset(rules), fragments, absent, by_precheck),
        id=name,
    )


CASES = [
    # C03 is pinned to Tuesday's D8 but on leave that day; C04 is pinned to a day
    # they are not on leave.
    case(
        "pin_vs_time_off",
        program(
            staff=[clinician("C03", 4), clinician("C04", 5)],
            pins=[pin("C03", TUE, "D8", 2), pin("C04", WED, "D8", 3)],
            time_off=[unavailable("C03", TUE, 12), unavailable("C04", FRI, 13)],
        ),
        {"C03"},
        {"Pins", "TimeOff"},
        (
            "is pinned to D8 on Tue 2026-03-03 (Pins row 2) "
            "but is unavailable that day (TimeOff row 12)",
        ),
        absent=("Pins row 3", "TimeOff row 13"),
    ),
    # The pin asks for the juvenile team; C03 works only on adult.
    case(
        "pin_vs_staff_teams",
        program(
            staff=[clinician("C03", 4), clinician("C04", 5, teams=("adult", "juvenile"))],
            pins=[
                pin("C03", TUE, "D8", 2, team="juvenile"),
                pin("C04", TUE, "D8", 3, team="juvenile"),
            ],
        ),
        {"C03"},
        {"Pins", "teams"},
        ("(Pins row 2)", "works only on adult (Staff row 4 teams)"),
        absent=("Pins row 3",),
    ),
    # D8 is a juvenile-only shift; C03 works only on adult, so no team fits the pin.
    case(
        "pin_vs_shift_teams",
        program(
            shifts=(template("D8", "08:00", "16:30", 30, teams=("juvenile",)), E8),
            staff=[clinician("C03", 4), clinician("C04", 5)],
            pins=[pin("C03", TUE, "D8", 2), pin("C04", TUE, "E8", 3)],
        ),
        {"C03"},
        {"Pins", "teams"},
        ("(Pins row 2)", "D8 is only for juvenile (Shifts D8 teams)"),
        absent=("Pins row 3",),
    ),
    # ShiftLimits gives C03 at most 0 N12 shifts; C04's limit of 2 is not reached.
    case(
        "pin_vs_shift_limit_zero",
        program(
            staff=[clinician("C03", 4), clinician("C04", 5)],
            pins=[pin("C03", TUE, "N12", 2), pin("C04", TUE, "N12", 3)],
            shift_limits=[
                ShiftLimit(employee_id="C03", shift_id="N12", max_shifts=0, row=6),
                ShiftLimit(employee_id="C04", shift_id="N12", max_shifts=2, row=7),
            ],
        ),
        {"C03"},
        {"Pins", "ShiftLimits"},
        ("(Pins row 2)", "may not work N12 (ShiftLimits row 6: max_shifts 0)"),
        absent=("ShiftLimits row 7", "Pins row 3"),
    ),
    # Three N12 pins against a limit of 2 N12 shifts.
    case(
        "pins_vs_shift_limit",
        program(
            staff=[clinician("C03", 4), clinician("C04", 5)],
            pins=[pin("C03", day, "N12", 2 + day) for day in (MON, WED, FRI)]
            + [pin("C04", MON, "N12", 9)],
            shift_limits=[ShiftLimit(employee_id="C03", shift_id="N12", max_shifts=2, row=6)],
        ),
        {"C03"},
        {"Pins", "ShiftLimits"},
        ("Pins rows 2, 4, 6", "may work at most 2 N12 shifts (ShiftLimits row 6)"),
        absent=("Pins row 9",),
    ),
    # Two different shifts pinned on one day: a person starts at most one a day.
    case(
        "two_pins_one_day",
        program(
            staff=[clinician("C03", 4), clinician("C04", 5)],
            pins=[pin("C03", TUE, "D8", 2), pin("C03", TUE, "E8", 3), pin("C04", TUE, "D8", 4)],
        ),
        {"C03"},
        {"Pins"},
        ("(Pins rows 2, 3)", "starts at most one shift a day"),
        absent=("Pins row 4",),
    ),
    # N12 ends Tuesday 08:00 and D8 starts then: 0 h of rest, 10 needed. C04 has
    # the same pins but may rest 0 h. Units of 2: C03's peer P01 may rest 0 h too,
    # so pairing holds and only C03's rest is in the way.
    case(
        "pins_vs_rest",
        make_problem(
            staff=[
                clinician("C03", 4),
                person("P01", "peer", row=5, min_rest_hours=0),
                clinician("C04", 6, min_rest_hours=0, max_hours_per_week=40),
                person("P02", "peer", row=7, min_rest_hours=0),
            ],
            pins=[
                pin("C03", MON, "N12", 2),
                pin("C03", TUE, "D8", 3),
                pin("P01", MON, "N12", 4),
                pin("P01", TUE, "D8", 5),
                pin("C04", WED, "N12", 6),
                pin("C04", THU, "D8", 7),
            ],
        ),
        {"C03"},
        {"Pins", "min_rest_hours"},
        (
            "is pinned to N12 on Mon 2026-03-02 and D8 on Tue 2026-03-03 (Pins rows 2, 3)",
            "needs 10 hours of rest between shifts (Rules min_rest_hours)",
        ),
        absent=("Pins rows 4", "Pins row 6"),
    ),
    # Six days pinned in one week leave 1 day off; the rules need 2. C04 has five.
    case(
        "pins_vs_days_off",
        program(
            staff=[clinician("C03", 3), clinician("C04", 10)],
            pins=[pin("C03", day, "D8", 4 + day) for day in range(6)]
            + [pin("C04", day, "D8", 11 + day) for day in range(5)],
        ),
        {"C03"},
        {"Pins", "min_days_off_per_week"},
        (
            "Pins conflict with days off: clinician C03 is pinned on 6 days of the week of "
            "Mon 2026-03-02 (Pins rows 4-9) but needs 2 days off that week "
            "(Rules min_days_off_per_week)",
        ),
        absent=("Pins rows 11",),
    ),
    # Seven pinned days in a row (Thu to Wed, across two weeks: no week breaks the
    # days-off rule, which C03 does not have) against at most 6 in a row.
    case(
        "pins_vs_max_consecutive_days",
        program(
            days=14,
            staff=[clinician("C03", 4, min_days_off_per_week=0), clinician("C04", 5)],
            pins=[pin("C03", day, "D8", day) for day in range(3, 10)] + [pin("C04", 3, "D8", 20)],
        ),
        {"C03"},
        {"Pins", "max_consecutive_days"},
        ("(Pins rows 3-9)", "may work at most 6 days in a row (Rules max_consecutive_days)"),
        absent=("Pins row 20",),
    ),
    # Three D8 pins are 24 paid hours; C03 may work 20 a week. C04's cap of 20 holds.
    case(
        "pins_vs_max_hours_per_week",
        program(
            staff=[
                clinician("C03", 4, max_hours_per_week=20),
                clinician("C04", 5, max_hours_per_week=20),
            ],
            pins=[pin("C03", day, "D8", 2 + day) for day in (MON, TUE, WED)]
            + [pin("C04", MON, "D8", 9)],
        ),
        {"C03"},
        {"Pins", "max_hours_per_week"},
        (
            "(Pins rows 2-4)",
            "may work at most 20 paid hours a week (Staff row 4 max_hours_per_week)",
        ),
        absent=("Pins row 9",),
    ),
    # Two N12 pins are 23 paid hours; C03 may work 20 in the whole roster.
    case(
        "pins_vs_max_hours_total",
        program(
            staff=[
                clinician("C03", 4, max_hours_total=20),
                clinician("C04", 5, max_hours_total=20),
            ],
            pins=[pin("C03", MON, "N12", 2), pin("C03", WED, "N12", 3), pin("C04", MON, "N12", 4)],
        ),
        {"C03"},
        {"Pins", "max_hours_total"},
        (
            "(Pins rows 2, 3)",
            "may work at most 20 paid hours in the roster (Staff row 4 max_hours_total)",
        ),
        absent=("Pins row 4",),
    ),
    # 45 paid hours are needed in a 7-day roster capped at 40 a week. Without
    # days off, 6 days in a row of 8 h would give 48: only the cap is in the way.
    case(
        "min_hours_total_vs_max_hours_per_week",
        program(
            shifts=(D8, E8),
            demand=every_day(),
            staff=[
                clinician(
                    "C03", 4, min_days_off_per_week=0, max_hours_per_week=40, min_hours_total=45
                ),
                clinician("C04", 5, max_hours_per_week=40, min_hours_total=16),
            ],
        ),
        {"C03"},
        {"min_hours_total", "max_hours_per_week"},
        (
            "must work at least 45 paid hours in the roster (Staff row 4 min_hours_total)",
            "may work at most 40 paid hours a week (Staff row 4 max_hours_per_week)",
        ),
        absent=("Staff row 5",),
    ),
    # N12 may not be followed by D8 the next day (rest is 0 here, so only the
    # succession is in the way). C04 is pinned D8 then N12, which is allowed.
    case(
        "pins_vs_forbidden_next",
        program(
            shifts=(D8, E8, N12.model_copy(update={"forbidden_next": ("D8",)})),
            staff=[clinician("C03", 4, min_rest_hours=0), clinician("C04", 5, min_rest_hours=0)],
            pins=[
                pin("C03", MON, "N12", 2),
                pin("C03", TUE, "D8", 3),
                pin("C04", MON, "D8", 4),
                pin("C04", TUE, "N12", 5),
            ],
        ),
        {"C03"},
        {"Pins", "forbidden_next"},
        ("(Pins rows 2, 3)", "may not start D8 the day after N12 (Shifts N12 forbidden_next)"),
        absent=("Pins rows 4",),
        by_precheck=False,
    ),
    # Thursday is pinned, but C03 is on leave Wednesday and Friday: that run of
    # work is 1 day, and C03's runs must be 3 days long. C04 has the same leave
    # and pin but no minimum run.
    case(
        "min_consecutive_days_vs_time_off",
        program(
            demand=every_day(),
            staff=[clinician("C03", 4, min_consecutive_days=3), clinician("C04", 5)],
            pins=[pin("C03", THU, "D8", 2), pin("C04", THU, "D8", 3)],
            time_off=[
                unavailable("C03", WED, 5),
                unavailable("C03", FRI, 6),
                unavailable("C04", WED, 7),
                unavailable("C04", FRI, 8),
            ],
        ),
        {"C03"},
        {"Pins", "TimeOff", "min_consecutive_days"},
        (
            "(Pins row 2)",
            "on Wed 2026-03-04 (TimeOff row 5)",
            "on Fri 2026-03-06 (TimeOff row 6)",
            "must work at least 3 days in a row once they start (Staff row 4 min_consecutive_days)",
        ),
        absent=("TimeOff row 7", "TimeOff row 8", "Pins row 3"),
        by_precheck=False,
    ),
    # Tuesday and Thursday are pinned and Wednesday is leave: a 1-day break where
    # C03 needs 2 days off in a row. C04 has the same pins but no leave, so can
    # work Wednesday too.
    case(
        "min_consecutive_days_off_vs_time_off",
        program(
            demand=every_day(),
            staff=[
                clinician("C03", 4, min_consecutive_days_off=2),
                clinician("C04", 5, min_consecutive_days_off=2),
            ],
            pins=[
                pin("C03", TUE, "D8", 2),
                pin("C03", THU, "D8", 3),
                pin("C04", TUE, "D8", 4),
                pin("C04", THU, "D8", 5),
            ],
            time_off=[unavailable("C03", WED, 7)],
        ),
        {"C03"},
        {"Pins", "TimeOff", "min_consecutive_days_off"},
        (
            "(Pins rows 2, 3)",
            "is unavailable on Wed 2026-03-04 (TimeOff row 7)",
            "needs at least 2 days in a row without a shift once off "
            "(Staff row 4 min_consecutive_days_off)",
        ),
        absent=("Pins rows 4",),
        by_precheck=False,
    ),
    # Two Saturdays pinned, one weekend allowed. C04 has one Saturday pinned.
    case(
        "pins_vs_max_weekends",
        program(
            days=14,
            staff=[clinician("C03", 4, max_weekends=1), clinician("C04", 5, max_weekends=1)],
            pins=[pin("C03", SAT, "D8", 2), pin("C03", SAT + 7, "D8", 3), pin("C04", SAT, "D8", 4)],
        ),
        {"C03"},
        {"Pins", "max_weekends"},
        ("(Pins rows 2, 3)", "may work at most 1 weekend (Staff row 4 max_weekends)"),
        absent=("Pins row 4",),
        by_precheck=False,
    ),
    # 56 paid hours in 7 days take 7 days of 8 h, but at most 6 days in a row may
    # be worked (no days-off rule for C03, and no weekly cap). C04 needs 48 hours.
    case(
        "min_hours_total_vs_max_consecutive_days",
        program(
            shifts=(D8,),
            demand=every_day(),
            staff=[
                clinician("C03", 4, min_days_off_per_week=0, min_hours_total=56),
                clinician("C04", 5, min_days_off_per_week=0, min_hours_total=48),
            ],
        ),
        {"C03"},
        {"min_hours_total", "max_consecutive_days"},
        (
            "must work at least 56 paid hours in the roster (Staff row 4 min_hours_total)",
            "may work at most 6 days in a row (Rules max_consecutive_days)",
        ),
        absent=("Staff row 5",),
        by_precheck=False,
    ),
    # Units of 2: C01 is pinned, and the only peer, P01, is on leave that day. C02
    # has leave on another day.
    case(
        "pin_vs_pairing",
        make_problem(
            staff=[clinician("C01", 2), person("P01", "peer", row=3), clinician("C02", 4)],
            pins=[pin("C01", MON, "D8", 2)],
            time_off=[unavailable("P01", MON, 3), unavailable("C02", TUE, 4)],
        ),
        {"C01", "P01"},
        {"Pins", "pairing", "TimeOff"},
        (
            "clinician C01 is pinned to D8 on Mon 2026-03-02 (Pins row 2)",
            "each unit needs one clinician and one peer on the same shift, team and zone",
            "peer P01 is unavailable on Mon 2026-03-02 (TimeOff row 3)",
        ),
        absent=("TimeOff row 4",),
        by_precheck=False,
    ),
]


def case_named(name: str) -> Case:
    found = next(param.values[0] for param in CASES if param.id == name)
    assert isinstance(found, Case)
    return found


def explanation_names(sentences: list[str], problem: Problem, expected: Case) -> None:
    text = "\n".join(sentences)
    for fragment in expected.fragments:
        assert fragment in text, (fragment, text)
    for fragment in expected.absent:
        assert fragment not in text, (fragment, text)
    for someone in problem.staff:
        assert named(text, someone.employee_id) == (someone.employee_id in expected.people), (
            someone.employee_id,
            text,
        )
    for word in RULE_WORDS:
        assert named(text, word) == (word in expected.rules), (word, text)


@pytest.mark.parametrize("expected", CASES)
def test_the_explanation_names_the_conflict_and_nothing_else(expected: Case) -> None:
    problem = expected.problem
    # The engine agrees the program is infeasible.
    assert solve_only(problem, time_limit=5).status is SolveStatus.INFEASIBLE
    errors = precheck(problem).errors
    assert bool(errors) == expected.by_precheck, errors
    sentences = explain_infeasible(problem, SECONDS)
    assert len(sentences) == 1, sentences
    explanation_names(sentences, problem, expected)


PRECHECK_ONLY = {"pin_vs_staff_teams", "pin_vs_shift_teams", "two_pins_one_day"}


@pytest.mark.parametrize(
    "expected",
    [c for c in CASES if c.values[0].by_precheck and c.values[0].name not in PRECHECK_ONLY],
)
def test_the_core_alone_names_what_the_precheck_names(expected: Case) -> None:
    # Without the pre-check, the smallest set of rule groups CP-SAT finds is the
    # same conflict (the pre-check-only cases never reach the model: no shift
    # exists for their pins).
    sentences = explain_core(expected.problem, SECONDS)
    assert len(sentences) == 1, sentences
    explanation_names(sentences, expected.problem, expected)


def test_deletion_leaves_exactly_the_conflicting_groups() -> None:
    problem = case_named("pins_vs_days_off").problem
    grouped = GroupedModel.build(problem)
    # Start from every group (both people's pins, days off, rest, runs, ...): only
    # C03's (person 0) six pins and week 0's days off are needed for the conflict.
    assert len(grouped.groups) > 7
    shrunk = grouped.shrink(grouped.groups, deadline=time.monotonic() + SECONDS)
    assert shrunk == [Group("min_days_off", 0, 0), *(Group("pin", 0, n) for n in range(6))]


def test_a_stop_before_the_explanation_says_so_instead_of_blaming_the_time_limit() -> None:
    problem = case_named("pins_vs_days_off").problem
    with interrupt.stop_on_signals() as stop:
        interrupt.request_stop(signal.SIGINT)
        assert explain_core(problem, SECONDS, stop=stop) == [
            "The search for the conflict was interrupted before it found one"
        ]


def test_a_stop_while_shrinking_keeps_a_set_that_still_conflicts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Ctrl-C after the first core: deletion stops at once; what is left is CP-SAT's
    # first core, larger than needed but still a conflict (the engine agrees).
    problem = case_named("pins_vs_days_off").problem
    grouped = GroupedModel.build(problem)
    first_solve = GroupedModel._solve

    def solve_then_stop(self: GroupedModel, assumed: Any, deadline: float) -> Any:
        outcome = first_solve(self, assumed, deadline)
        interrupt.request_stop(signal.SIGINT)
        return outcome

    monkeypatch.setattr(GroupedModel, "_solve", solve_then_stop)
    with interrupt.stop_on_signals() as stop:
        grouped.stop = stop
        outcome = grouped.smallest_core(time.monotonic() + SECONDS)
    assert outcome is not None
    feasible, core = outcome
    assert not feasible
    assert set(core) >= {Group("min_days_off", 0, 0), *(Group("pin", 0, n) for n in range(6))}
    monkeypatch.undo()
    # `_solve` returns a core only when the assumed groups cannot all hold.
    _, core_again = GroupedModel.build(problem)._solve(core, time.monotonic() + SECONDS)
    assert core_again


def test_the_issue_sentence() -> None:
    problem = case_named("pin_vs_time_off").problem
    # The issue's example, with the pin's row.
    assert explain_infeasible(problem, SECONDS) == [
        "Pins conflict with TimeOff: clinician C03 is pinned to D8 on Tue 2026-03-03 "
        "(Pins row 2) but is unavailable that day (TimeOff row 12)"
    ]


def test_the_precheck_names_what_cuts_the_hours() -> None:
    problem = case_named("min_hours_total_vs_max_hours_per_week").problem
    # 7 days of 8 h, capped at 40: the cap alone keeps C03 below 45 hours.
    assert precheck(problem).errors == (
        "min_hours_total conflicts with max_hours_per_week: clinician C03 must work at least "
        "45 paid hours in the roster (Staff row 4 min_hours_total) but may work at most 40 "
        "paid hours a week (Staff row 4 max_hours_per_week), which allows at most 40 paid "
        "hours in the roster",
    )


def feasible_program() -> Problem:
    """One unit wanted Monday 08:00-16:00, a pinned clinician and a free peer."""
    return make_problem(
        demand=[demand("adult", "N", MON, "08:00", "16:00", 1)],
        staff=[clinician("C01", 2, min_hours_total=8), person("P01", "peer", row=3)],
        pins=[pin("C01", MON, "D8", 2)],
    )


def test_a_feasible_program_has_no_errors_and_no_conflict() -> None:
    problem = feasible_program()
    assert precheck(problem) == Precheck(errors=(), warnings=())
    # CP-SAT finds the rules can all hold: nothing to explain.
    assert explain_infeasible(problem, SECONDS) == []
    result, _ = solve_checked(problem, time_limit=5)
    assert result.status is SolveStatus.OPTIMAL


def test_warning_when_a_slot_needs_more_units_than_people_can_make() -> None:
    problem = make_problem(
        demand=[demand("adult", "N", TUE, "08:00", "16:00", 2).model_copy(update={"row": 7})],
        staff=[clinician("C01", 2), clinician("C02", 3), person("P01", "peer", row=4)],
    )
    checked = precheck(problem)
    # Two clinicians but one peer: one unit at most. Coverage is soft: a warning.
    assert checked.errors == ()
    assert checked.warnings == (
        "Demand for adult in N from Tue 2026-03-03 08:00 to Tue 2026-03-03 16:00 needs 2 "
        "units but at most 2 clinicians and 1 peer can work then (Demand row 7); coverage "
        "will fall short",
    )


def test_warning_when_contract_hours_exceed_what_a_person_can_work() -> None:
    problem = program(
        demand=every_day(),
        staff=[
            clinician("C01", 2, min_hours_per_week=40),
            clinician("C02", 3, min_hours_per_week=40),
        ],
        time_off=[time_off("C01", date(TUE), date(THU)).model_copy(update={"row": 5})],
    )
    checked = precheck(problem)
    # C01 is on leave Tuesday to Thursday: 4 days of 8 h are left. C02 can work
    # 5 days (2 off) of 8 h = 40.
    assert checked.errors == ()
    assert checked.warnings == (
        "clinician C01 should get 40 paid hours in the week of Mon 2026-03-02 (Staff row 2 "
        "min_hours_per_week) but can work at most 32 that week; the contract will fall short",
    )
