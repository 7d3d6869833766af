"""The Curtois & Qu benchmark: reading instances and solutions, and the independent checker."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scheduler.curtois.check import CurtoisViolation, check_solution
from scheduler.curtois.format import (
    CurtoisAssignment,
    CurtoisInstance,
    parse_curtois,
    read_curtois,
    read_solution,
    write_solution,
)
from scheduler.errors import InputError

BENCHMARKS = Path(__file__).parents[1] / "benchmarks" / "curtois"
DATA = Path(__file__).parent / "data" / "curtois"


def best_known() -> list[dict[str, str]]:
    with (BENCHMARKS / "best_known.csv").open(newline="") as file:
        return list(csv.DictReader(file))


# --- the eighteen instances ---


def test_best_known_lists_the_eighteen_instances() -> None:
    assert [row["instance"] for row in best_known()] == [f"Instance{n}" for n in range(1, 19)]


def test_instance15_reads_its_minus_zero_requirements_as_zero() -> None:
    instance = read_curtois(BENCHMARKS / "Instance15.txt")
    # The file's last cover lines are "41,D,-0,100,1" and "41,n2,-0,100,1".
    last_day = {c.shift: c.requirement for c in instance.cover if c.day == 41}

    assert (last_day["D"], last_day["n2"]) == (0, 0)


@pytest.mark.parametrize("row", best_known(), ids=lambda row: row["instance"])
def test_instance_parses_with_the_published_sizes(row: dict[str, str]) -> None:
    instance = read_curtois(BENCHMARKS / f"{row['instance']}.txt")

    assert instance.name == row["instance"]
    assert instance.days == int(row["days"])
    assert len(instance.staff) == int(row["staff"])
    assert len(instance.shift_types) == int(row["shift_types"])
    # Every instance has one cover line per day and shift type, and a limit per type.
    assert len(instance.cover) == instance.days * len(instance.shift_types)
    assert all(set(e.max_shifts) == set(instance.shift_ids) for e in instance.staff)


def test_instance1_reads_as_written() -> None:
    instance = read_curtois(BENCHMARKS / "Instance1.txt")

    assert instance.shift_ids == ("D",)
    assert instance.shift_types[0].length_minutes == 480
    assert instance.shift_types[0].forbidden_next == ()
    first = instance.staff[0]
    assert (first.id, dict(first.max_shifts)) == ("A", {"D": 14})
    assert (first.max_total_minutes, first.min_total_minutes) == (4320, 3360)
    assert (first.max_consecutive_shifts, first.min_consecutive_shifts) == (5, 2)
    assert (first.min_consecutive_days_off, first.max_weekends) == (2, 1)
    assert instance.days_off["A"] == frozenset({0})
    assert instance.days_off["H"] == frozenset({7})
    assert (len(instance.on_requests), len(instance.off_requests)) == (21, 5)
    assert instance.on_requests[0].weight == 2
    assert (instance.off_requests[-1].employee, instance.off_requests[-1].day) == ("H", 3)
    assert (instance.cover[1].day, instance.cover[1].requirement) == (1, 7)
    assert (instance.cover[1].weight_under, instance.cover[1].weight_over) == (100, 1)


def test_instance12_forbidden_successions() -> None:
    instance = read_curtois(BENCHMARKS / "Instance12.txt")
    n1 = instance.shift_types[-1]

    assert n1.id == "n1"
    assert n1.forbidden_next == ("a1", "a2", "a3", "d1", "d2", "d3", "p1", "p2", "p3")
    assert instance.staff[0].max_shifts["d3"] == 0


def test_instance4_days_off_lists_several_days() -> None:
    instance = read_curtois(BENCHMARKS / "Instance4.txt")

    assert instance.days_off["A"] == frozenset({5, 6})
    assert instance.days_off["B"] == frozenset({11, 16})


def test_empty_solution_of_instance1_breaks_only_the_minimum_minutes() -> None:
    instance = read_curtois(BENCHMARKS / "Instance1.txt")

    check = check_solution(instance, [])

    # Working nothing: every run of days off touches the horizon's edges (exempt),
    # and each of the 8 employees is short of all their MinTotalMinutes (3360).
    assert [(v.constraint, v.rule, v.employee, v.amount) for v in check.violations] == [
        (4, "min_total_minutes", employee, 3360) for employee in "ABCDEFGH"
    ]
    assert sum(cover.requirement * cover.weight_under for cover in instance.cover) == 7100
    assert sum(request.weight for request in instance.on_requests) == 37
    assert (check.on_requests, check.off_requests) == (37, 0)
    assert (check.under_cover, check.over_cover) == (7100, 0)
    assert check.objective == 7137


# --- the hard constraints, each broken once from a clean hand-made solution ---


@pytest.fixture(scope="module")
def tiny() -> CurtoisInstance:
    return read_curtois(DATA / "tiny.txt")


@pytest.fixture(scope="module")
def tiny_solution(tiny: CurtoisInstance) -> list[CurtoisAssignment]:
    return read_solution(DATA / "tiny_solution.csv", tiny)


def test_tiny_solution_is_clean_and_its_objective(
    tiny: CurtoisInstance, tiny_solution: list[CurtoisAssignment]
) -> None:
    check = check_solution(tiny, tiny_solution)

    assert check.violations == ()
    assert check.feasible
    # A works E on 0,1,2,5,6 and L on 7,8; B works E on 0-4.
    # On-requests not granted: A day 3 E (off) 3 + B day 1 L (works E) 4 = 7; A day 0 E is granted.
    # Off-requests violated: A day 5 E 5; A day 6 L (works E) and B day 10 E (off) are not.
    # Cover E (1 a day, under 10, over 2): nobody on days 7-13, 7 x 10 = 70 under;
    #   two on days 0, 1, 2, 3 x 2 = 6 over.
    # Cover L (2 on day 7, 1 on day 8, else 0; under 20): one on day 7, 1 x 20 = 20 under.
    assert (check.on_requests, check.off_requests) == (7, 5)
    assert (check.under_cover, check.over_cover) == (90, 6)
    assert check.objective == 108


# Each case changes A's clean solution (E 0,1,2,5,6; L 7,8) so that exactly one
# hard constraint breaks; A: E<=5, L<=3 (600 min), 3000-3700 min, 2-4 days in a
# row, 2+ days off in a row, 1 weekend, day 10 off; L may not precede E.
BROKEN_ONCE = [
    pytest.param(
        [("A", 8, "L")],
        [("A", 2, "L")],
        CurtoisViolation(1, "one_shift_per_day", "A", (2,), 1),
        id="1-two-shifts-on-day-2",
    ),
    pytest.param(
        [("A", 6, "E"), ("A", 8, "L")],
        [("A", 6, "L"), ("A", 8, "E")],
        CurtoisViolation(2, "forbidden_succession", "A", (7, 8), 1),
        id="2-L-then-E",
    ),
    pytest.param(
        [("A", 7, "L")],
        [("A", 7, "E")],
        CurtoisViolation(3, "max_shifts_of_type", "A", (), 1, shift="E"),
        id="3-six-E",
    ),
    pytest.param(
        [("A", 2, "E")],
        [("A", 2, "L")],
        CurtoisViolation(4, "max_total_minutes", "A", (), 20),  # 4 x 480 + 3 x 600 = 3720
        id="4-max-minutes",
    ),
    pytest.param(
        [("A", 1, "E"), ("A", 2, "E")],
        [],
        CurtoisViolation(4, "min_total_minutes", "A", (), 360),  # 3 x 480 + 2 x 600 = 2640
        id="4-min-minutes",
    ),
    pytest.param(
        [("A", 2, "E")],
        [("A", 4, "E")],
        CurtoisViolation(5, "max_consecutive_shifts", "A", (4, 5, 6, 7, 8), 1),
        id="5-five-in-a-row",
    ),
    pytest.param(
        [("A", 2, "E")],
        [("A", 11, "E")],
        CurtoisViolation(6, "min_consecutive_shifts", "A", (11,), 1),
        id="6-one-day-run",
    ),
    pytest.param(
        [("A", 0, "E")],
        [("A", 3, "E")],  # day 0 off alone too, but it touches the edge
        CurtoisViolation(6, "min_consecutive_days_off", "A", (4,), 1),
        id="6-one-day-off",
    ),
    pytest.param(
        [("A", 0, "E")],
        [("A", 13, "E")],  # Sunday only: the second weekend counts
        CurtoisViolation(7, "max_weekends", "A", (5, 6, 13), 1),
        id="7-two-weekends",
    ),
    pytest.param(
        [("A", 7, "L"), ("A", 8, "L")],
        [("A", 10, "L"), ("A", 11, "L")],
        CurtoisViolation(8, "day_off", "A", (10,), 1),
        id="8-works-day-off",
    ),
]


@pytest.mark.parametrize(("removed", "added", "expected"), BROKEN_ONCE)
def test_each_hard_constraint_broken_once(
    tiny: CurtoisInstance,
    tiny_solution: list[CurtoisAssignment],
    removed: list[CurtoisAssignment],
    added: list[CurtoisAssignment],
    expected: CurtoisViolation,
) -> None:
    assert set(removed) <= set(tiny_solution)
    broken = [row for row in tiny_solution if row not in removed] + added

    assert check_solution(tiny, broken).violations == (expected,)
    assert check_solution(tiny, tiny_solution).violations == ()


def test_two_shifts_on_a_day_off_count_twice(
    tiny: CurtoisInstance, tiny_solution: list[CurtoisAssignment]
) -> None:
    rows = [*tiny_solution, ("B", 12, "E"), ("B", 12, "L")]

    assert check_solution(tiny, rows).violations == (
        CurtoisViolation(1, "one_shift_per_day", "B", (12,), 1),
        CurtoisViolation(8, "day_off", "B", (12,), 2),
    )


def test_a_repeated_row_is_a_second_shift(
    tiny: CurtoisInstance, tiny_solution: list[CurtoisAssignment]
) -> None:
    check = check_solution(tiny, [*tiny_solution, ("B", 4, "E")])

    assert check.violations == (CurtoisViolation(1, "one_shift_per_day", "B", (4,), 1),)
    # Day 4 E: requirement 1, now 2 on duty (B twice), 1 x 2 more over cover than 6.
    assert (check.under_cover, check.over_cover) == (90, 8)


def test_a_violation_says_what_happened(
    tiny: CurtoisInstance, tiny_solution: list[CurtoisAssignment]
) -> None:
    broken = [*tiny_solution, ("B", 5, "L"), ("B", 6, "E")]

    [violation] = check_solution(tiny, broken).violations

    assert violation.message == "B: E on day 6 after L on day 5"


def test_an_assignment_outside_the_instance_is_refused(tiny: CurtoisInstance) -> None:
    with pytest.raises(ValueError, match="'Z'"):
        check_solution(tiny, [("Z", 0, "E")])
    with pytest.raises(ValueError, match="14"):
        check_solution(tiny, [("A", 14, "E")])


# --- the horizon's edges and weekends (edges.txt) ---
# X: 3 to 3 days in a row, 3+ days off in a row. Y: no sequence limits, 1 weekend.


@pytest.fixture(scope="module")
def edges() -> CurtoisInstance:
    return read_curtois(DATA / "edges.txt")


def worked(employee: str, days: list[int]) -> list[CurtoisAssignment]:
    return [(employee, day, "D") for day in days]


@pytest.mark.parametrize(
    "days",
    [
        pytest.param([], id="nothing"),
        pytest.param([0], id="one-day-run-on-day-0"),
        pytest.param([13], id="one-day-run-on-the-last-day"),
        pytest.param([1, 2, 3], id="one-day-off-on-day-0"),
        pytest.param([10, 11, 12], id="one-day-off-on-the-last-day"),
        pytest.param([0, 1, 2, 6, 7, 8], id="three-off-between"),
    ],
)
def test_runs_touching_the_edge_are_exempt_from_the_minimums(
    edges: CurtoisInstance, days: list[int]
) -> None:
    assert check_solution(edges, worked("X", days)).violations == ()


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        pytest.param(
            [5], CurtoisViolation(6, "min_consecutive_shifts", "X", (5,), 2), id="short-run"
        ),
        pytest.param(
            [0, 1, 2, 4, 5, 6],
            CurtoisViolation(6, "min_consecutive_days_off", "X", (3,), 2),
            id="short-days-off",
        ),
        pytest.param(
            [0, 1, 2, 3],
            CurtoisViolation(5, "max_consecutive_shifts", "X", (0, 1, 2, 3), 1),
            id="long-run-from-day-0",
        ),
        pytest.param(
            [10, 11, 12, 13],
            CurtoisViolation(5, "max_consecutive_shifts", "X", (10, 11, 12, 13), 1),
            id="long-run-to-the-last-day",
        ),
        pytest.param(
            list(range(14)),
            CurtoisViolation(5, "max_consecutive_shifts", "X", tuple(range(14)), 11),
            id="the-whole-horizon",
        ),
    ],
)
def test_sequence_limits(
    edges: CurtoisInstance, days: list[int], expected: CurtoisViolation
) -> None:
    assert check_solution(edges, worked("X", days)).violations == (expected,)


@pytest.mark.parametrize(
    ("days", "weekend_days", "over"),
    [
        pytest.param([5, 6], (5, 6), 0, id="both-days-one-weekend"),
        pytest.param([4, 7, 11], (), 0, id="weekdays"),
        pytest.param([6, 12], (6, 12), 1, id="sunday-then-saturday"),
        pytest.param([5, 6, 12, 13], (5, 6, 12, 13), 1, id="both-weekends-in-full"),
    ],
)
def test_weekends_count_once_if_either_day_is_worked(
    edges: CurtoisInstance, days: list[int], weekend_days: tuple[int, ...], over: int
) -> None:
    expected = (CurtoisViolation(7, "max_weekends", "Y", weekend_days, over),) if over else ()

    assert check_solution(edges, worked("Y", days)).violations == expected


# --- solution files ---


def test_solution_file_round_trip(tmp_path: Path, tiny: CurtoisInstance) -> None:
    rows = [("B", 3, "E"), ("A", 13, "L")]
    path = tmp_path / "solution.csv"

    write_solution(path, rows)

    assert path.read_text() == "employee,day,shift\nB,3,E\nA,13,L\n"
    assert read_solution(path, tiny) == rows


def test_solution_with_crlf_bom_and_blank_lines(tmp_path: Path, tiny: CurtoisInstance) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfemployee,day,shift\r\nA,0,E\r\n\r\nA,0,E\r\n")

    assert read_solution(path, tiny) == [("A", 0, "E"), ("A", 0, "E")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", [(None, None, "empty file")], id="empty"),
        pytest.param("who,when,what\nA,0,E\n", [(1, None, "header 'who,when,what'")], id="header"),
        pytest.param("employee,day,shift\nA,0\n", [(2, None, "2 fields; expected 3")], id="fields"),
        pytest.param(
            "employee,day,shift\nA,0,E\nZ,1,E\n",
            [(3, "employee", "unknown employee 'Z'")],
            id="employee",
        ),
        pytest.param(
            "employee,day,shift\nA,x,E\n",
            [(2, "day", "day 'x' is not a whole number")],
            id="day-text",
        ),
        pytest.param(
            "employee,day,shift\nA,14,E\n",
            [(2, "day", "day 14 is outside the horizon; expected 0 to 13")],
            id="day-outside",
        ),
        pytest.param(
            "employee,day,shift\nA,0,N\nB,-1,E\n",
            [
                (2, "shift", "unknown shift type 'N'"),
                (3, "day", "day '-1' is not a whole number"),
            ],
            id="all-issues-collected",
        ),
    ],
)
def test_malformed_solution(
    tmp_path: Path,
    tiny: CurtoisInstance,
    text: str,
    expected: list[tuple[int | None, str | None, str]],
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)

    with pytest.raises(InputError) as raised:
        read_solution(path, tiny)

    assert {issue.sheet for issue in raised.value.issues} == {"bad.csv"}
    found = [(issue.row, issue.column, issue.message) for issue in raised.value.issues]
    assert len(found) == len(expected)
    for (row, column, message), (want_row, want_column, want_text) in zip(
        found, expected, strict=True
    ):
        assert (row, column) == (want_row, want_column)
        assert want_text in message


# --- malformed instance files ---

# Line numbers: 1 HORIZON, 2 days, 4 SHIFTS, 5 D, 7 STAFF, 8 A, 10 DAYS_OFF, 11 A,
# 13 ON_REQUESTS, 14 request, 16 OFF_REQUESTS, 17 request, 19 COVER, 20 cover.
VALID = """SECTION_HORIZON
7

SECTION_SHIFTS
D,480,

SECTION_STAFF
A,D=7,2400,0,5,1,1,1

SECTION_DAYS_OFF
A,0

SECTION_SHIFT_ON_REQUESTS
A,1,D,1

SECTION_SHIFT_OFF_REQUESTS
A,2,D,1

SECTION_COVER
0,D,1,100,1
"""


def test_the_valid_base_parses() -> None:
    instance = parse_curtois(VALID, source="base.txt")

    assert (instance.name, instance.days, instance.staff_ids) == ("base", 7, ("A",))
    assert check_solution(instance, worked("A", [3, 4, 5])).objective == 1 + 100


def test_a_days_off_line_with_no_day_is_an_empty_set() -> None:
    instance = parse_curtois(VALID.replace("\nA,0\n", "\nA\n"))

    assert instance.days_off == {"A": frozenset()}


@pytest.mark.parametrize("zero", ["-0", "-00", "00"])
def test_a_signed_or_padded_zero_is_zero(zero: str) -> None:
    instance = parse_curtois(VALID.replace("0,D,1,100,1", f"0,D,{zero},100,1"))

    assert instance.cover[0].requirement == 0


def test_a_shift_type_missing_from_max_shifts_has_no_limit() -> None:
    text = VALID.replace("D,480,\n", "D,480,\nN,480,\n").replace("A,D=7,", "A,D=0,")
    instance = parse_curtois(text)

    assert dict(instance.staff[0].max_shifts) == {"D": 0}
    check = check_solution(instance, [("A", day, "N") for day in (3, 4, 5)])
    assert check.violations == ()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "SECTION_COVER\n",
            "SECTION_COVERS\n",
            [
                (19, "SECTION_COVERS", "unknown section 'SECTION_COVERS'; expected one of"),
                (None, "SECTION_COVER", "missing section SECTION_COVER"),
            ],
            id="unknown-section",
        ),
        pytest.param(
            "SECTION_SHIFT_OFF_REQUESTS\nA,2,D,1\n",
            "",
            [(None, "SECTION_SHIFT_OFF_REQUESTS", "missing section")],
            id="missing-section",
        ),
        pytest.param(
            "SECTION_COVER\n0,D,1,100,1\n",
            "SECTION_COVER\n0,D,1,100,1\nSECTION_STAFF\nB,D=7,2400,0,5,1,1,1\n",
            [(21, "SECTION_STAFF", "SECTION_STAFF appears a second time (first at line 7)")],
            id="repeated-section",
        ),
        pytest.param(
            "SECTION_HORIZON\n",
            "7\nSECTION_HORIZON\n",
            [(1, None, "'7' comes before any section")],
            id="line-before-sections",
        ),
        pytest.param(
            "\n7\n",
            "\n10\n",
            [(2, "SECTION_HORIZON.Days", "10 days is not a whole number of weeks")],
            id="horizon-not-weeks",
        ),
        pytest.param(
            "\n7\n",
            "\n7\n14\n",
            [(3, "SECTION_HORIZON", "2 lines; expected one line")],
            id="horizon-two-lines",
        ),
        pytest.param(
            "A,D=7,2400,0,5,1,1,1",
            "A,D=7,2400,0,5,1,1",
            [(8, "SECTION_STAFF", "7 fields; expected 8 (ID, MaxShifts,")],
            id="staff-field-count",
        ),
        pytest.param(
            "A,D=7,2400,",
            "A,D=7,24h0,",
            [(8, "SECTION_STAFF.MaxTotalMinutes", "MaxTotalMinutes '24h0' is not a whole number")],
            id="non-integer",
        ),
        pytest.param(
            "A,D=7,2400,0,5,1,1,1",
            "A,D=7,2400,0,5,1,1,-1",
            [(8, "SECTION_STAFF.MaxWeekends", "MaxWeekends '-1' is not a whole number 0 or more")],
            id="negative",
        ),
        pytest.param(
            "A,D=7,",
            "A,N=7,",
            [(8, "SECTION_STAFF.MaxShifts", "unknown shift type 'N'; expected one of D")],
            id="max-shifts-unknown-shift",
        ),
        pytest.param(
            "A,D=7,",
            "A,D7,",
            [(8, "SECTION_STAFF.MaxShifts", "MaxShifts item 'D7'; expected ShiftID=count")],
            id="max-shifts-item",
        ),
        pytest.param(
            "A,D=7,2400,0,5,1,1,1\n",
            "A,D=7,2400,0,5,1,1,1\nA,D=7,2400,0,5,1,1,1\n",
            [(9, "SECTION_STAFF.ID", "ID 'A' is defined twice")],
            id="duplicate-employee",
        ),
        pytest.param(
            "D,480,",
            "D,480,N",
            [(5, "SECTION_SHIFTS.ForbiddenNext", "unknown shift type 'N'")],
            id="forbidden-next-unknown",
        ),
        pytest.param(
            "D,480,",
            "D,0,",
            [(5, "SECTION_SHIFTS.LengthMinutes", "LengthMinutes 0 is too small")],
            id="zero-length-shift",
        ),
        pytest.param(
            "\nA,0\n",
            "\nA,7\n",
            [(11, "SECTION_DAYS_OFF.Day", "day 7 is outside the horizon; expected 0 to 6")],
            id="day-off-outside",
        ),
        pytest.param(
            "A,1,D,1",
            "Z,1,D,1",
            [
                (
                    14,
                    "SECTION_SHIFT_ON_REQUESTS.EmployeeID",
                    "unknown employee 'Z'; expected one of A",
                )
            ],
            id="request-unknown-employee",
        ),
        pytest.param(
            "A,2,D,1",
            "A,2,N,1",
            [(17, "SECTION_SHIFT_OFF_REQUESTS.ShiftID", "unknown shift type 'N'")],
            id="request-unknown-shift",
        ),
        pytest.param(
            "0,D,1,100,1",
            "9,D,1,100,1",
            [(20, "SECTION_COVER.Day", "day 9 is outside the horizon")],
            id="cover-day-outside",
        ),
        pytest.param(
            "0,D,1,100,1\n",
            "0,D,1,100,1\n0,D,2,100,1\n",
            [(21, "SECTION_COVER.ShiftID", "a second cover line for day 0, D")],
            id="cover-twice",
        ),
        pytest.param(
            "A,1,D,1\n",
            "A,1,D,1\nA,1,D,2\n",
            [(15, "SECTION_SHIFT_ON_REQUESTS.EmployeeID", "a second request of 'A' for day 1")],
            id="request-twice",
        ),
        pytest.param(
            "0,D,1,100,1",
            "0,D,1,100.5,x",
            [
                (20, "SECTION_COVER.WeightUnder", "WeightUnder '100.5' is not a whole number"),
                (20, "SECTION_COVER.WeightOver", "WeightOver 'x' is not a whole number"),
            ],
            id="all-issues-collected",
        ),
        pytest.param(
            "0,D,1,100,1",
            "0,D,-1,100,1",
            [(20, "SECTION_COVER.Requirement", "Requirement '-1' is not a whole number 0 or more")],
            id="negative-requirement",
        ),
        pytest.param(
            "0,D,1,100,1",
            "0,D,+0,100,1",
            [(20, "SECTION_COVER.Requirement", "Requirement '+0' is not a whole number 0 or more")],
            id="plus-zero",
        ),
    ],
)
def test_malformed_instance(
    old: str, new: str, expected: list[tuple[int | None, str | None, str]]
) -> None:
    assert old in VALID
    with pytest.raises(InputError) as raised:
        parse_curtois(VALID.replace(old, new, 1), source="bad.txt")

    assert {issue.sheet for issue in raised.value.issues} == {"bad.txt"}
    found = [(issue.row, issue.column, issue.message) for issue in raised.value.issues]
    assert len(found) == len(expected), found
    for (row, column, message), (want_row, want_column, want_text) in zip(
        found, expected, strict=True
    ):
        assert (row, column) == (want_row, want_column)
        assert want_text in message


def test_read_curtois_names_the_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(VALID.replace("2400", "24h0").replace("\n", "\r\n").encode())

    with pytest.raises(InputError) as raised:
        read_curtois(path)

    assert str(raised.value) == (
        "broken.txt!8 (SECTION_STAFF.MaxTotalMinutes): "
        "MaxTotalMinutes '24h0' is not a whole number 0 or more"
    )
