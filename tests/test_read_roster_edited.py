"""Rosters edited by hand and saved by spreadsheets: read as meant, checked exactly.

First `read_roster` on what spreadsheets do to the `Assignments` sheet (date cells,
serial numbers, blank rows, moved and extra columns, spaces, ids as numbers) and on
rows it cannot read. Then the corpus in tests/data/edited/ (built by its
`make_edited.py` from real solver rosters): each file must give exactly the hard
violations its `.expected.json` lists.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from scheduler.errors import InputError
from scheduler.evaluate import evaluate
from scheduler.io.read_workbook import load_roster, read_problem, read_roster
from scheduler.model.problem import Problem, Role, Team
from scheduler.model.report import Violation
from scheduler.model.roster import Assignment, RejectedRow

EDITED = Path(__file__).parent / "data" / "edited"
CASES = sorted(EDITED.glob("*.expected.json"))
HEADER = ["date", "shift_id", "start", "end", "team", "zone", "unit_id", "employee_id", "role"]
MONDAY = dt.date(2026, 3, 2)  # Excel serial 46083


def workbook(
    path: Path, rows: list[list[Any] | None], formats: dict[str, str] | None = None
) -> Path:
    """An `Assignments` sheet with these rows (None: a blank row); `formats` by cell."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Assignments"
    for number, values in enumerate(rows, start=1):
        for column, value in enumerate(values or [], start=1):
            sheet.cell(row=number, column=column, value=value)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    book.save(path)
    return path


def night(employee_id: str, role: Role, row: int, unit_id: str = "U1") -> Assignment:
    """The N12 from Monday 20:00 to Tuesday 08:00 that the rows below spell out."""
    return Assignment(
        date=MONDAY,
        shift_id="N12",
        start=dt.datetime(2026, 3, 2, 20),
        end=dt.datetime(2026, 3, 3, 8),
        team=Team.ADULT,
        zone="N",
        unit_id=unit_id,
        employee_id=employee_id,
        role=role,
        row=row,
    )


# --- What spreadsheets do to the sheet ----------------------------------------------


def test_excel_serial_numbers_read_as_dates_and_times(tmp_path: Path) -> None:
    # LibreOffice keeps 15 significant digits: 20:00 is stored as 0.833333333333.
    path = workbook(
        tmp_path / "serials.xlsx",
        [
            HEADER,
            [46083, "N12", 46083 + 20 / 24, 46084 + 8 / 24, "adult", "N", "U1", "C1", "clinician"],
            [46083.0, "N12", 46083.833333333, 46084.3333333333, "adult", "N", "U1", "P1", "peer"],
        ],
    )
    roster = read_roster(path)
    assert roster.assignments == (night("C1", Role.CLINICIAN, 2), night("P1", Role.PEER, 3))
    assert roster.rejected_rows == ()


def test_date_and_date_time_cells(tmp_path: Path) -> None:
    start, end = dt.datetime(2026, 3, 2, 20), dt.datetime(2026, 3, 3, 8)
    path = workbook(
        tmp_path / "cells.xlsx",
        [HEADER, [MONDAY, "N12", start, end, "adult", "N", "U1", "C1", "clinician"]],
        {"A2": "dd/mm/yyyy", "C2": "yyyy-mm-dd hh:mm", "D2": "d mmm yyyy h:mm AM/PM"},
    )
    assert read_roster(path).assignments == (night("C1", Role.CLINICIAN, 2),)


def test_blank_rows_moved_columns_spaces_and_numbers_as_ids(tmp_path: Path) -> None:
    header = ["note", "employee_id", "role", "unit_id", "zone", "team", "end", "start",
              "shift_id", "date"]  # fmt: skip
    path = workbook(
        tmp_path / "edited.xlsx",
        [
            header,
            None,
            ["called in", 101.0, "clinician ", 7, " N", " Adult ", "2026-03-03T08:00",
             "2026-03-02T20:00", "N12 ", "2026-03-02"],
            ["  ", None, " "],  # cleared with the space bar
            [None, "P1 ", "Peer", "7", "N", "adult", "2026-03-03T08:00", "2026-03-02T20:00",
             "N12", "2026-03-02"],
            None,
        ],
    )  # fmt: skip
    loaded = load_roster(path)
    assert loaded.value.assignments == (
        night("101", Role.CLINICIAN, 3, unit_id="7"),
        night("P1", Role.PEER, 5, unit_id="7"),
    )
    assert loaded.warnings == ("Assignments: column 'note' is not used",)


def test_rows_that_cannot_be_read_are_listed_and_the_rest_kept(tmp_path: Path) -> None:
    good = ["2026-03-02", "N12", "2026-03-02T20:00", "2026-03-03T08:00", "adult", "N", "U1"]
    path = workbook(
        tmp_path / "bad.xlsx",
        [
            HEADER,
            [*good, "C1", "clinician"],
            ["next Tuesday", *good[1:], "P1", "peer"],
            [*good[:4], "adults", *good[5:], "P2", "nurse"],
            [*good[:2], "2026-03-03T08:00", "2026-03-02T20:00", *good[4:], "P3", "peer"],
            [*good[:5], None, good[6], "P4", "peer"],
            [46083.5, *good[1:], "P5", "peer"],  # a serial date with a time of day
        ],
    )
    roster = read_roster(path)
    assert roster.assignments == (night("C1", Role.CLINICIAN, 2),)
    assert roster.rejected_rows == (
        RejectedRow(row=3, column="date",
                    message="date 'next Tuesday' is not a date; expected YYYY-MM-DD"),
        RejectedRow(row=4, column="team",
                    message="team 'adults' is not one of adult, juvenile;"
                    " role 'nurse' is not one of clinician, peer"),
        RejectedRow(row=5, column="end",
                    message="end 2026-03-02T20:00 is not after start 2026-03-03T08:00"),
        RejectedRow(row=6, column="zone", message="zone is required but the cell is blank"),
        RejectedRow(row=7, column="date", message="date 2026-03-02T12:00 has a time of day;"
                    " expected a date YYYY-MM-DD"),
    )  # fmt: skip


def test_a_missing_required_column_still_refuses_the_file(tmp_path: Path) -> None:
    path = workbook(tmp_path / "no_role.xlsx", [HEADER[:-1], ["2026-03-02"] + [""] * 7])
    with pytest.raises(InputError) as raised:
        read_roster(path)
    assert raised.value.render() == (
        "Assignments: missing column 'role' (the columns are date, shift_id, start, end,"
        " team, zone, unit_id, employee_id, role; row 1 has date, shift_id, start, end,"
        " team, zone, unit_id, employee_id)"
    )


# --- The corpus -----------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """A hard violation a corpus file must produce: `text` is in its `when` or `detail`."""

    rule: str
    employee_id: str | None
    text: str

    def matches(self, violation: Violation) -> bool:
        return (violation.rule, violation.employee_id) == (self.rule, self.employee_id) and (
            self.text in violation.when or self.text in violation.detail
        )


def unmatched(
    expected: list[Expected], reported: tuple[Violation, ...]
) -> tuple[list[Expected], list[Violation]]:
    """Expectations no reported violation matches, and reported violations left over
    (each violation matches at most one expectation)."""
    left = list(reported)
    missing = []
    for item in expected:
        found = next((v for v in left if item.matches(v)), None)
        if found is None:
            missing.append(item)
        else:
            left.remove(found)
    return missing, left


@cache
def program(folder: str) -> Problem:
    return read_problem(EDITED / folder)


def test_the_corpus_is_there() -> None:
    assert [case.name.removesuffix(".expected.json") for case in CASES] == [
        "fortnight_eight_days",
        "hartford_bad_cells",
        "hartford_pairing",
        "hartford_who_works",
        "small_deleted_row",
        "small_moved_unit_short_rest",
        "small_saved_by_libreoffice",
        "small_solved",
    ]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_an_edited_roster_gives_exactly_its_expected_hard_violations(case: Path) -> None:
    spec = json.loads(case.read_text(encoding="utf-8"))
    roster = read_roster(case.with_name(case.name.replace(".expected.json", ".xlsx")))
    hard = evaluate(program(spec["program"]), roster).hard_violations
    expected = [Expected(**item) for item in spec["hard_violations"]]
    assert unmatched(expected, hard) == ([], [])
    assert len(hard) == spec["hard_violation_count"] == len(expected)


def test_a_roster_saved_by_libreoffice_reads_like_the_original() -> None:
    original = read_roster(EDITED / "small_solved.xlsx")
    loaded = load_roster(EDITED / "small_saved_by_libreoffice.xlsx")
    saved = loaded.value

    def rows(assignments: tuple[Assignment, ...]) -> list[Assignment]:
        return sorted(
            (a.model_copy(update={"row": None}) for a in assignments),
            key=lambda a: (a.start, a.unit_id, a.employee_id),
        )

    assert len(original.assignments) == 12
    assert rows(saved.assignments) == rows(original.assignments)
    assert saved.rejected_rows == ()
    assert loaded.warnings == ("Assignments: column 'note' is not used",)


def test_a_start_formatted_as_a_date_keeps_its_time(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Assignments"
    header = ["date", "shift_id", "start", "end", "team", "zone", "unit_id", "employee_id", "role"]
    sheet.append(header)
    start, end = dt.datetime(2026, 3, 2, 13, 30), dt.datetime(2026, 3, 2, 22, 0)
    sheet.append([dt.date(2026, 3, 2), "E8", start, end, "adult", "N", "U1", "C1", "clinician"])
    # Someone formatted the start column as a date only; the time is still in the cell.
    sheet["C2"].number_format = "yyyy-mm-dd"
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    (row,) = read_roster(path).assignments
    assert row.start == start
