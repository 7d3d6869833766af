"""The edges of issue 17: re-publishing, control characters and reserved names in
calendars, publish all or nothing, check's capped findings and one-pass overlaps,
neighborhoods in two zones, invisible characters in ids, Strict Open XML, and the
interrupted summary line."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from scheduler.errors import InputError
from scheduler.evaluate import evaluate
from scheduler.io.publish import calendar_file_names, write_calendars
from scheduler.io.read_workbook import read_problem, read_roster
from scheduler.io.template import csv_folder_to_workbook
from scheduler.model.roster import Roster
from scheduler.plan.scenarios import read_scenarios
from scheduler.repair import prepare_repair
from scheduler.report_text import render_json, render_text
from tests.factories import make_roster, unit

runner = CliRunner()
SMALL = Path(__file__).parent / "data" / "valid" / "small"
MON, TUE, WED = 0, 1, 2
ROSTER_HEADER = [
    "date",
    "shift_id",
    "start",
    "end",
    "team",
    "zone",
    "unit_id",
    "employee_id",
    "role",
]


def _events(path: Path) -> dict[str, str]:
    """UID -> STATUS of every event, parsed back with icalendar."""
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["uid"]): str(e.get("status")) for e in calendar.walk("VEVENT")}


def test_republishing_cancels_shifts_that_are_gone_in_every_calendar(tmp_path: Path) -> None:
    problem = read_problem(SMALL)
    first = make_roster(
        unit(problem, "C1", "P1", MON, "D8", "adult", "N"),
        unit(problem, "C2", "P2", TUE, "D8", "adult", "S"),
    )
    write_calendars(first, problem, tmp_path)
    old_c1 = _events(tmp_path / "C1.ics")
    old_p2 = _events(tmp_path / "P2.ics")
    # The corrected roster: C1's shift moves to C3; P2 is no longer on it at all.
    second = make_roster(unit(problem, "C3", "P1", MON, "D8", "adult", "N"))
    write_calendars(second, problem, tmp_path)
    c1 = _events(tmp_path / "C1.ics")
    assert c1 == {uid: "CANCELLED" for uid in old_c1}  # same UIDs, cancelled
    assert _events(tmp_path / "P2.ics") == {uid: "CANCELLED" for uid in old_p2}
    assert set(_events(tmp_path / "C3.ics").values()) == {"CONFIRMED"}
    cancelled = Calendar.from_ical((tmp_path / "C1.ics").read_bytes()).walk("VEVENT")[0]
    assert int(cancelled["sequence"]) == 1  # later than the event a calendar holds


def test_control_characters_in_names_are_removed_from_calendars(tmp_path: Path) -> None:
    program = tmp_path / "program"
    shutil.copytree(SMALL, program)
    staff = (program / "Staff.csv").read_text(encoding="utf-8")
    first_name = read_problem(SMALL).staff[0].name
    (program / "Staff.csv").write_text(
        staff.replace(first_name, '"Ann\rBEGIN:VEVENT\nX\x07"', 1), encoding="utf-8"
    )
    problem = read_problem(program)
    roster = make_roster(unit(problem, problem.staff[0].employee_id, "P1", MON, "D8", "adult", "N"))
    written = write_calendars(roster, problem, tmp_path / "out")
    for path in written:
        data = path.read_bytes()
        # Only CRLF line ends; no bare CR, no BEL; one VEVENT per shift.
        assert b"\r" not in data.replace(b"\r\n", b"")
        assert b"\x07" not in data
        assert data.count(b"\r\nBEGIN:VEVENT\r\n") == 1  # the name stays text
        Calendar.from_ical(data)


@pytest.mark.parametrize("employee_id", ["CON", "con", "Nul.txt", "com1", "LPT9.x", "aux.ics"])
def test_windows_reserved_names_are_never_file_names(employee_id: str) -> None:
    name = calendar_file_names([employee_id])[employee_id]
    reserved = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10))}
    reserved |= {f"lpt{i}" for i in range(1, 10)}
    assert name.split(".")[0].casefold() not in reserved


def test_publish_is_all_or_nothing_when_a_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem = read_problem(SMALL)
    write_calendars(
        make_roster(unit(problem, "C1", "P1", MON, "D8", "adult", "N")), problem, tmp_path
    )
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    renames = 0
    real_replace = os.replace

    def fail_on_the_third(source: Any, target: Any) -> None:
        nonlocal renames
        renames += 1
        if renames == 3:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", fail_on_the_third)
    changed = make_roster(unit(problem, "C2", "P2", TUE, "D8", "adult", "S"))
    with pytest.raises(Exception, match="disk is full"):
        write_calendars(changed, problem, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def _pasted(problem: Any, copies: int) -> Roster:
    rows = make_roster(
        unit(problem, "C1", "P1", MON, "D8", "adult", "N"),
        unit(problem, "C2", "P2", TUE, "D8", "adult", "S"),
    ).assignments
    return Roster(assignments=tuple(rows) * copies)


def test_a_row_pasted_many_times_gives_one_overlap_per_copy_not_per_pair() -> None:
    problem = read_problem(SMALL)
    evaluation = evaluate(problem, _pasted(problem, 30))
    overlaps = [v for v in evaluation.hard_violations if v.rule == "overlap"]
    # 4 people x 29 later copies: linear (pairwise would be 4 x 435).
    assert len(overlaps) == 4 * 29


def test_check_reports_cap_findings_per_rule_and_keep_the_totals() -> None:
    problem = read_problem(SMALL)
    roster = _pasted(problem, 30)
    evaluation = evaluate(problem, roster)
    data = json.loads(render_json(problem, evaluation, roster, "r.xlsx", 10))
    listed = [v for v in data["hard_violations"] if v["rule"] == "overlap"]
    assert len(listed) == 10
    assert data["not_listed"]["hard_violations"]["overlap"] == 4 * 29 - 10
    assert data["summary"]["hard_violation_count"] == len(evaluation.hard_violations)
    text = render_text(problem, evaluation, roster, "r.xlsx", 10)
    assert f"... and {4 * 29 - 10} more overlap" in text
    everything = json.loads(render_json(problem, evaluation, roster, "r.xlsx", 0))
    assert len(everything["hard_violations"]) == len(evaluation.hard_violations)


def test_a_neighborhood_in_two_zones_is_a_located_error(tmp_path: Path) -> None:
    program = tmp_path / "program"
    shutil.copytree(SMALL, program)
    zones = (program / "Zones.csv").read_text(encoding="utf-8")
    (program / "Zones.csv").write_text(zones.replace("South End;", "South End;Blue Hills;"))
    with pytest.raises(InputError) as raised:
        read_problem(program)
    (issue,) = raised.value.issues
    assert issue.column == "neighborhoods" and issue.row == 3
    assert "Blue Hills" in issue.message and "already in zone N" in issue.message


def test_an_id_with_a_zero_width_space_is_refused_where_it_is(tmp_path: Path) -> None:
    program = tmp_path / "program"
    shutil.copytree(SMALL, program)
    staff = (program / "Staff.csv").read_text(encoding="utf-8").splitlines()
    first = read_problem(SMALL).staff[0].employee_id
    staff[2] = staff[2].replace(staff[2].split(",")[0], first[:-1] + "\u200b" + first[-1], 1)
    (program / "Staff.csv").write_text("\n".join(staff) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_problem(program)
    messages = [str(issue) for issue in raised.value.issues]
    assert any("Staff!A3" in m and "U+200B ZERO WIDTH SPACE" in m for m in messages), messages


def test_a_strict_open_xml_workbook_is_named_as_such(tmp_path: Path) -> None:
    ordinary = tmp_path / "program.xlsx"
    csv_folder_to_workbook(SMALL, ordinary)
    strict = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(ordinary) as source, zipfile.ZipFile(strict, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/workbook.xml":
                data = data.replace(
                    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                    b"http://purl.oclc.org/ooxml/spreadsheetml/main",
                )
            target.writestr(entry, data)
    with pytest.raises(InputError, match=r"Strict Open XML Spreadsheet.*Save As"):
        read_problem(strict)


def test_a_title_row_above_the_assignments_header_is_found_and_named(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Assignments"
    sheet["A1"] = "Roster for March 2026"
    for column, name in enumerate(ROSTER_HEADER, start=1):
        sheet.cell(row=3, column=column, value=name)
    book.save(path)
    with pytest.raises(InputError) as raised:
        read_roster(path)
    assert raised.value.render() == (
        "Assignments: the header is on row 3, not row 1 (row 1 has Roster for March 2026); "
        "delete rows 1-2 above it so that the header is row 1"
    )


def test_a_title_row_above_any_sheet_header_is_found_in_a_csv_folder(tmp_path: Path) -> None:
    program = tmp_path / "program"
    shutil.copytree(SMALL, program)
    staff = program / "Staff.csv"
    staff.write_text("Staff list\n" + staff.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_problem(program)
    assert [str(issue) for issue in raised.value.issues] == [
        "Staff: the header is on row 2, not row 1 (row 1 has Staff list); "
        "delete row 1 above it so that the header is row 1"
    ]


def test_a_missing_column_says_what_row_1_holds(tmp_path: Path) -> None:
    program = tmp_path / "program"
    shutil.copytree(SMALL, program)
    pins = program / "Pins.csv"
    pins.write_text("employee,date,shift_id\nC1,2026-03-02,D8\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_problem(program)
    assert [str(issue) for issue in raised.value.issues] == [
        "Pins: missing column 'employee_id' (the columns are employee_id, date, shift_id, "
        "team, zone; row 1 has employee, date, shift_id)"
    ]


def test_repair_names_the_cell_of_a_roster_row_outside_the_program(tmp_path: Path) -> None:
    problem = read_problem(SMALL)
    path = tmp_path / "roster.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Assignments"
    sheet.append(ROSTER_HEADER)
    for a in unit(problem, "C1", "P1", MON, "D8", "adult", "N"):
        values = a.model_dump(mode="json", exclude={"row"})
        sheet.append([values[name] for name in ROSTER_HEADER])
    sheet["H3"] = "X9"  # the peer's employee_id
    sheet["B2"] = "Z1"  # the clinician's shift_id
    book.save(path)
    baseline = read_roster(path)
    with pytest.raises(InputError) as raised:
        prepare_repair(problem, baseline, [f"C1:{problem.start_date}"])
    assert [str(issue) for issue in raised.value.issues] == [
        "Assignments!B2 (shift_id): shift 'Z1' is not in Shifts",
        "Assignments!H3 (employee_id): employee 'X9' is not in Staff",
    ]


def test_a_title_row_above_the_scenarios_header_is_found(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.csv"
    path.write_text("What if,\nscenario,change\nmore,hire C 1\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_scenarios(path)
    assert str(raised.value.issues[0]).endswith(
        ": the header is on row 2, not row 1 (row 1 has What if); "
        "delete row 1 above it so that the header is row 1"
    )
