"""`publish`: one iCalendar file per person holding exactly their `Assignments` rows
(parsed back with icalendar), stable UIDs, safe file names, the printable
`Schedules` sheet, and the command's exit codes."""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from icalendar import Calendar
from icalendar.cal.component import Component
from openpyxl import Workbook
from typer.testing import CliRunner, Result

from scheduler.cli import app
from scheduler.evaluate import evaluate
from scheduler.io.output_paths import CannotWriteError
from scheduler.io.publish import (
    X_EMPLOYEE_ID,
    X_PARTNER_ID,
    X_PARTNER_NAME,
    X_TEAM,
    X_ZONE,
    calendar_file_names,
    write_calendars,
)
from scheduler.io.read_workbook import read_problem
from scheduler.io.schedule_sheet import NO_SHIFTS, SHIFT_COLUMNS, TITLE_FONT, add_schedule_sheet
from scheduler.io.write_workbook import write_roster_workbook
from scheduler.model.problem import Problem
from scheduler.model.roster import Roster
from tests.factories import assign, make_problem, make_roster, person, unit

SMALL = Path(__file__).parent / "data" / "valid" / "small"
MON, TUE, WED, SAT = 0, 1, 2, 5
STAMP = dt.datetime(2026, 2, 27, 12, 0, tzinfo=dt.UTC)

runner = CliRunner()


def publish(*args: str) -> Result:
    return runner.invoke(app, ["publish", *args])


# --- Reading calendars back -------------------------------------------------------------

#: What a calendar event and an `Assignments` row must agree on.
ShiftKey = tuple[str, str, str, str, str, tuple[str, ...]]


def parse_calendar(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def values(event: Component, name: str) -> list[str]:
    """A property that may appear once, many times or not at all, as a list of text."""
    found = event.get(name)
    if found is None:
        return []
    return [str(v) for v in found] if isinstance(found, list) else [str(found)]


def event_key(event: Component) -> ShiftKey:
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    return (
        str(event[X_EMPLOYEE_ID]),
        f"{start:%Y-%m-%dT%H:%M}",
        f"{end:%Y-%m-%dT%H:%M}",
        str(event[X_TEAM]),
        str(event[X_ZONE]),
        tuple(values(event, X_PARTNER_ID)),
    )


def calendar_keys(folder: Path) -> list[ShiftKey]:
    keys = []
    for path in sorted(folder.glob("*.ics")):
        events = list(parse_calendar(path).walk("VEVENT"))
        assert events, f"{path.name} has no event"
        # A file holds one person's shifts only.
        assert {str(e[X_EMPLOYEE_ID]) for e in events} == {path.stem}
        keys += [event_key(e) for e in events]
    return sorted(keys)


def assignments_sheet_keys(roster_path: Path) -> list[ShiftKey]:
    """The same keys straight from the workbook's `Assignments` cells (not via the reader)."""
    sheet = openpyxl.load_workbook(roster_path, read_only=True)["Assignments"]
    header, *rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    records = [dict(zip(header, row, strict=True)) for row in rows]
    members: dict[Any, list[str]] = defaultdict(list)
    for record in records:
        members[record["unit_id"]].append(str(record["employee_id"]))
    return sorted(
        (
            str(r["employee_id"]),
            str(r["start"]),
            str(r["end"]),
            str(r["team"]),
            str(r["zone"]),
            tuple(m for m in members[r["unit_id"]] if m != r["employee_id"]),
        )
        for r in records
    )


# --- The small program's roster, made by hand and checked --------------------------------


def small_roster(problem: Problem) -> Roster:
    roster = make_roster(
        unit(problem, "C1", "P1", MON, "D8", "adult", "N"),  # C1's pin
        unit(problem, "C2", "P2", TUE, "D8", "adult", "S"),
        unit(problem, "C3", "P2", WED, "E8", "juvenile", "N"),
        unit(problem, "C2", "P1", SAT, "N12", "adult", "N"),  # ends Sunday 08:00
    )  # P3 has no shift
    assert not evaluate(problem, roster).hard_violations
    return roster


@pytest.fixture(scope="module")
def small_problem() -> Problem:
    return read_problem(SMALL)


@pytest.fixture(scope="module")
def roster_file(small_problem: Problem, tmp_path_factory: pytest.TempPathFactory) -> Path:
    roster = small_roster(small_problem)
    target = tmp_path_factory.mktemp("roster") / "roster.xlsx"
    write_roster_workbook(target, small_problem, evaluate(small_problem, roster), roster=roster)
    return target


def test_publish_writes_each_persons_assignments_rows_as_events(
    roster_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "published"
    result = publish(str(roster_file), "--inputs", str(SMALL), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Read 8 Assignments rows: 8 shifts of 5 people published, 0 rows skipped",
        f"Calendars: 5 .ics files written to {out}",
        f"Schedules: {out / 'schedules.xlsx'} (one page per person)",
    ]
    # P3 works no shift, so has no file (an empty calendar is not valid RFC 5545).
    assert sorted(p.name for p in out.iterdir()) == [
        *(f"{i}.ics" for i in ("C1", "C2", "C3", "P1", "P2")),
        "schedules.xlsx",
    ]
    assert calendar_keys(out) == assignments_sheet_keys(roster_file)


def test_events_hold_floating_times_partner_names_and_the_unit(
    small_problem: Problem, tmp_path: Path
) -> None:
    roster = small_roster(small_problem)
    write_calendars(roster, small_problem, tmp_path, stamp=STAMP)
    calendar = parse_calendar(tmp_path / "P1.ics")
    assert str(calendar["x-wr-calname"]) == "Small Test Program: Dan Evans (P1)"
    monday, saturday = calendar.walk("VEVENT")
    # The night shift ends the next morning, in the roster's local clock time.
    assert saturday.decoded("dtstart") == dt.datetime(2026, 3, 7, 20, 0)
    assert saturday.decoded("dtend") == dt.datetime(2026, 3, 8, 8, 0)
    # Floating: no TZID, no UTC (the workbook has no time zone).
    assert "TZID" not in saturday["dtstart"].params
    assert saturday.decoded("dtstart").tzinfo is None
    assert str(saturday["summary"]) == "Small Test Program adult N - N12"
    assert str(saturday["location"]) == "North"  # the zone's name from Zones
    assert values(saturday, X_PARTNER_ID) == ["C2"]
    assert values(saturday, X_PARTNER_NAME) == ["Ben Carter"]
    unit_id = next(
        a.unit_id for a in roster.assignments if a.employee_id == "P1" and a.date.day == 7
    )
    assert str(saturday["X-ROSTER-UNIT-ID"]) == unit_id
    description = str(saturday["description"])
    assert "Partner: Ben Carter (C2)" in description.splitlines()
    assert "Shift N12, Sat 2026-03-07 20:00 - 08:00 (Sun)" in description.splitlines()
    assert values(monday, X_PARTNER_NAME) == ["Ana Lopez"]  # Monday's partner is C1


def test_uids_are_stable_across_runs_and_unique(small_problem: Problem, tmp_path: Path) -> None:
    roster = small_roster(small_problem)
    first = write_calendars(roster, small_problem, tmp_path / "first")
    # The same roster made again, its rows in another order, published later: same UIDs.
    remade = small_roster(small_problem)
    shuffled = remade.model_copy(update={"assignments": remade.assignments[::-1]})
    later = STAMP + dt.timedelta(days=3)
    second = write_calendars(shuffled, small_problem, tmp_path / "second", stamp=later)

    def uids(paths: list[Path]) -> dict[str, list[str]]:
        return {p.name: [str(e["uid"]) for e in parse_calendar(p).walk("VEVENT")] for p in paths}

    assert uids(first) == uids(second)
    every_uid = [uid for found in uids(first).values() for uid in found]
    assert len(every_uid) == len(roster.assignments) == len(set(every_uid))


def test_without_inputs_events_name_partners_by_id(small_problem: Problem, tmp_path: Path) -> None:
    write_calendars(small_roster(small_problem), None, tmp_path, stamp=STAMP)
    (monday, _) = parse_calendar(tmp_path / "P1.ics").walk("VEVENT")
    assert str(monday["summary"]) == "adult N - D8"
    assert values(monday, X_PARTNER_ID) == ["C1"]
    assert "Partner: C1" in str(monday["description"]).splitlines()


def test_a_row_written_twice_gives_two_events_with_distinct_uids(tmp_path: Path) -> None:
    problem = make_problem(staff=[person("C1", "clinician"), person("P1", "peer")])
    rows = unit(problem, "C1", "P1", MON, "D8")
    # A hand edit copied C1's row: the calendar shows what the roster says, twice.
    roster = make_roster(rows, rows[0])
    assert {v.rule for v in evaluate(problem, roster).hard_violations} >= {"pairing"}
    (path,) = [p for p in write_calendars(roster, problem, tmp_path) if p.stem == "C1"]
    events = list(parse_calendar(path).walk("VEVENT"))
    assert len(events) == 2
    assert len({str(e["uid"]) for e in events}) == 2


def test_file_names_are_safe_and_unique_for_any_employee_id(tmp_path: Path) -> None:
    problem = make_problem()
    odd_ids = ["../etc/passwd", "a1", "A1", "CON", "Zoë Ann", "", ".hidden", "C-01.b"]
    rows = [
        assign(problem, employee_id, day, "D8", unit_id=f"U{day}", role="clinician")
        for day, employee_id in enumerate(odd_ids)
    ]
    written = write_calendars(make_roster(rows), None, tmp_path, stamp=STAMP)
    names = [p.name for p in written]
    assert len(set(name.casefold() for name in names)) == len(odd_ids)
    assert all(p.parent == tmp_path and p.is_file() for p in written)
    assert all(not n.startswith(".") and n.endswith(".ics") for n in names)
    assert all(set(n) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
               for n in names)  # fmt: skip
    by_person = {
        str(next(iter(parse_calendar(p).walk("VEVENT")))[X_EMPLOYEE_ID]): p.name for p in written
    }
    assert by_person == calendar_file_names(odd_ids)
    assert by_person["C-01.b"] == "C-01.b.ics"  # a plain id keeps its name
    # Case-only twins and a name Windows reserves get a hash of the full id.
    assert by_person["a1"] != by_person["A1"] and by_person["a1"].startswith("a1-")
    assert by_person["CON"].startswith("CON-")


def test_a_failed_write_leaves_no_file(
    small_problem: Problem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(source: Any, target: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)  # the rename that puts a file in place
    with pytest.raises(CannotWriteError, match="disk full"):
        write_calendars(small_roster(small_problem), small_problem, tmp_path)
    assert list(tmp_path.iterdir()) == []  # no target and no temporary file


# --- The Schedules sheet ----------------------------------------------------------------


def sheet_rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_schedules_sheet_has_one_block_and_one_page_per_person(
    small_problem: Problem, tmp_path: Path
) -> None:
    workbook = Workbook()
    add_schedule_sheet(workbook, small_problem, small_roster(small_problem))
    target = tmp_path / "schedules.xlsx"
    workbook.save(target)
    sheet = openpyxl.load_workbook(target)["Schedules"]
    rows = sheet_rows(sheet)
    pad = (None,) * (len(SHIFT_COLUMNS) - 2)
    horizon = ("Small Test Program: Mon 2026-03-02 - Sun 2026-03-08", None, *pad)
    # P1's block: 5 lines about the person, the header, 2 shifts, a spacer row.
    p1 = rows.index(("Dan Evans (P1)", None, *pad))
    assert rows[p1 : p1 + 9] == [
        ("Dan Evans (P1)", None, *pad),
        horizon,
        ("role", "peer", *pad),
        ("teams", "adult", *pad),
        ("shifts", 2, *pad),
        SHIFT_COLUMNS,
        ("2026-03-02", "Mon", "08:00", "16:30", "adult", "N", "Ana Lopez (C1)"),
        ("2026-03-07", "Sat", "20:00", "08:00 (Sun)", "adult", "N", "Ben Carter (C2)"),
        (None,) * len(SHIFT_COLUMNS),
    ]
    # Staff order; P3 works nothing but still gets a page.
    title_cells = [cell for cell in sheet["A"] if cell.font.sz == TITLE_FONT.sz]
    assert [cell.value for cell in title_cells] == [
        f"{p.name} ({p.employee_id})" for p in small_problem.staff
    ]
    p3 = rows.index(("Gus Hill (P3)", None, *pad))
    assert rows[p3 + 4 : p3 + 6] == [("shifts", 0, *pad), (NO_SHIFTS, None, *pad)]
    # A manual break right above every person's title but the first: a page each.
    breaks = [brk.id for brk in sheet.row_breaks.brk]
    assert breaks == [cell.row - 1 for cell in title_cells[1:]]
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_schedules_without_inputs_list_only_people_on_the_roster(
    small_problem: Problem,
) -> None:
    workbook = Workbook()
    sheet = add_schedule_sheet(workbook, None, small_roster(small_problem))
    rows = sheet_rows(sheet)
    titles = [row[0] for row in rows if row[0] in {"C1", "C2", "C3", "P1", "P2", "P3"}]
    assert titles == ["C1", "C2", "C3", "P1", "P2"]  # by id; P3 is not on the roster
    # No program line: the role and the teams worked come from the roster rows.
    assert [row[:2] for row in rows[:4]] == [
        ("C1", None),
        ("role", "clinician"),
        ("teams", "adult"),
        ("shifts", 1),
    ]


def test_schedules_keep_names_that_look_like_formulas_as_text() -> None:
    problem = make_problem(
        staff=[person("C1", "clinician", name="=HYPERLINK(1)"), person("P1", "peer")]
    )
    roster = make_roster(unit(problem, "C1", "P1", 0, "D8"))
    assert not evaluate(problem, roster).hard_violations
    sheet = add_schedule_sheet(Workbook(), problem, roster)
    assert sheet["A1"].value == "=HYPERLINK(1) (C1)"
    assert sheet["A1"].data_type == "s"


# --- The command ------------------------------------------------------------------------


def test_unreadable_rows_are_reported_and_skipped(roster_file: Path, tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(roster_file)
    sheet = workbook["Assignments"]
    assert sheet["H2"].value == "C1" and sheet["I2"].value == "clinician"
    sheet["I2"] = "nurse"  # C1's only row
    edited = tmp_path / "edited.xlsx"
    workbook.save(edited)

    out = tmp_path / "out"
    result = publish(str(edited), "--inputs", str(SMALL), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "warning: Assignments row 2 skipped: " in result.stderr
    assert "nurse" in result.stderr
    assert result.stdout.splitlines()[0] == (
        "Read 8 Assignments rows: 7 shifts of 4 people published, 1 rows skipped"
    )
    assert not (out / "C1.ics").exists()
    # P1 is still published; C1's row was not read, so Monday's unit shows no partner.
    monday = next(iter(parse_calendar(out / "P1.ics").walk("VEVENT")))
    assert values(monday, X_PARTNER_ID) == []


def test_unreadable_files_exit_2_and_write_nothing(roster_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    missing = tmp_path / "no_such_roster.xlsx"
    result = publish(str(missing), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert f"no such file or folder: {missing}" in result.stderr

    garbled = tmp_path / "garbled.xlsx"
    garbled.write_bytes(b"PK\x03\x04 this is not a workbook")
    result = publish(str(garbled), "--inputs", str(SMALL), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert f"Cannot use {garbled}" in result.stderr

    result = publish(str(roster_file), "--inputs", str(tmp_path / "no_program"), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "no_program" in result.stderr
    assert not out.exists()


def test_out_must_be_a_folder_that_does_not_hold_the_roster(
    roster_file: Path, tmp_path: Path
) -> None:
    a_file = tmp_path / "a_file"
    a_file.write_text("keep me")
    result = publish(str(roster_file), "--out", str(a_file))
    assert result.exit_code == 2
    assert "is a file" in result.stderr
    assert a_file.read_text() == "keep me"

    roster_copy = tmp_path / "schedules.xlsx"
    roster_copy.write_bytes(roster_file.read_bytes())
    result = publish(str(roster_copy), "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "would overwrite" in result.stderr
    assert roster_copy.read_bytes() == roster_file.read_bytes()
