"""Reading valid programs and rosters: CSV folders, workbooks, Excel-typed cells."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from scheduler.errors import InputError
from scheduler.io import tables
from scheduler.io.read_cells import (
    CellError,
    parse_bool,
    parse_int,
    parse_list,
    parse_minute_of_day,
    parse_number,
    parse_text,
)
from scheduler.io.read_workbook import load_problem, read_problem, read_roster
from scheduler.io.tables import CellValue
from scheduler.io.template import csv_folder_to_workbook
from scheduler.model.problem import (
    DemandRow,
    PairKind,
    PairRule,
    Person,
    PersonRules,
    Pin,
    Role,
    Rules,
    ShiftCover,
    ShiftLimit,
    ShiftTemplate,
    Team,
    TimeOff,
    TimeOffKind,
    Zone,
)
from scheduler.model.roster import Assignment, RejectedRow

SMALL = Path(__file__).parent / "data" / "valid" / "small"
RULES = Rules(min_rest_hours=11)
ADULT, JUVENILE = Team.ADULT, Team.JUVENILE


def _person(
    employee_id: str,
    name: str,
    role: Role,
    teams: tuple[Team, ...],
    home_zone: str,
    row: int,
    overrides: dict[str, float] | None = None,
    **fields: Any,
) -> Person:
    return Person(
        employee_id=employee_id,
        name=name,
        role=role,
        teams=teams,
        home_zone=home_zone,
        rules=PersonRules.from_rules(RULES, **(overrides or {})),
        row=row,
        **fields,
    )


def _copy_small(tmp_path: Path) -> Path:
    folder = tmp_path / "program"
    shutil.copytree(SMALL, folder)
    return folder


def test_small_program_reads_to_exact_values() -> None:
    loaded = load_problem(SMALL)
    problem = loaded.value

    assert problem.name == "Small Test Program"
    assert problem.start_date == dt.date(2026, 3, 2)
    assert (problem.days, problem.slot_minutes) == (7, 30)
    assert problem.rules == RULES
    assert loaded.warnings == ()
    assert problem.zones == (
        Zone(
            zone_id="N",
            name="North",
            neighborhoods=("Blue Hills", "Upper Albany", "Northeast"),
            travel_minutes=8,
        ),
        Zone(zone_id="S", name="S", neighborhoods=("South End", "Barry Square")),
    )
    clinician, peer = Role.CLINICIAN, Role.PEER
    assert problem.staff == (
        _person(
            "C1", "Ana Lopez", clinician, (ADULT, JUVENILE), "N", 2,
            min_hours_per_week=32, max_hours_per_week=40, hourly_rate=38.5, skills=("spanish",),
        ),
        _person(
            "C2", "Ben Carter", clinician, (ADULT,), "S", 3,
            min_hours_per_week=24, hourly_rate=36, overtime_eligible=False,
            overrides={"min_rest_hours": 12},
        ),
        _person(
            "C3", "Cora Diaz", clinician, (JUVENILE,), "N", 4,
            max_hours_per_week=32, hourly_rate=40, skills=("driver",),
            overrides={"max_consecutive_days": 5},
        ),
        _person(
            "P1", "Dan Evans", peer, (ADULT,), "N", 5,
            min_hours_per_week=32, max_hours_per_week=40, hourly_rate=24,
        ),
        _person(
            "P2", "Eve Fox", peer, (JUVENILE, ADULT), "S", 6,
            min_hours_per_week=16, max_hours_per_week=24, hourly_rate=22.75,
            skills=("spanish", "driver"),
        ),
        _person(
            "P3", "Gus Hill", peer, (JUVENILE,), "S", 7,
            max_hours_per_week=40, hourly_rate=21, skills=("trainee",),
            overrides={"min_rest_hours": 8},
        ),
    )  # fmt: skip
    assert problem.person("P3").is_trainee
    assert problem.person("C2").rules.min_rest_hours == 12
    assert problem.person("C1").rules.min_rest_hours == 11

    assert problem.shifts == (
        ShiftTemplate(shift_id="D8", start_minute=480, end_minute=990, unpaid_break_minutes=30),
        ShiftTemplate(
            shift_id="E8",
            start_minute=810,
            end_minute=1320,
            unpaid_break_minutes=30,
            teams=(ADULT, JUVENILE),
        ),
        ShiftTemplate(
            shift_id="N12",
            start_minute=1200,
            end_minute=480,
            unpaid_break_minutes=30,
            teams=(ADULT,),
        ),
    )
    night = problem.shift("N12")
    assert (night.duration_minutes, night.paid_minutes) == (720, 690)

    assert problem.demand == (
        DemandRow(team=ADULT, zone="N", weekday=0, start_minute=480, end_minute=1320,
                  required_units=1, target_units=2, row=2),
        DemandRow(team=ADULT, zone="S", weekday=1, start_minute=480, end_minute=990,
                  required_units=1, row=3),
        DemandRow(team=JUVENILE, zone="N", weekday=2, start_minute=840, end_minute=1200,
                  required_units=1, target_units=1, row=4),
        DemandRow(team=ADULT, zone="N", date=dt.date(2026, 3, 7), start_minute=1200,
                  end_minute=480, required_units=1, row=5),
        DemandRow(team=JUVENILE, zone="S", date=dt.date(2026, 3, 4), start_minute=900,
                  end_minute=1140, required_units=0, target_units=1, row=6),
    )  # fmt: skip

    at = dt.datetime
    assert problem.time_off == (
        TimeOff(employee_id="C1", start=at(2026, 3, 4), end=at(2026, 3, 6), whole_days=True,
                kind=TimeOffKind.UNAVAILABLE, row=2),
        TimeOff(employee_id="P1", start=at(2026, 3, 3, 12), end=at(2026, 3, 3, 18),
                whole_days=False, kind=TimeOffKind.UNAVAILABLE, row=3),
        TimeOff(employee_id="C2", start=at(2026, 3, 6), end=at(2026, 3, 7), whole_days=True,
                kind=TimeOffKind.PREFER_OFF, weight=3, row=4),
        TimeOff(employee_id="P2", start=at(2026, 3, 2, 20), end=at(2026, 3, 3, 8),
                whole_days=False, kind=TimeOffKind.PREFER_OFF, shift_id="N12", row=5),
        TimeOff(employee_id="C3", start=at(2026, 3, 7), end=at(2026, 3, 9), whole_days=True,
                kind=TimeOffKind.PREFER_ON, weight=2, row=6),
        TimeOff(employee_id="P3", start=at(2026, 3, 5, 8), end=at(2026, 3, 5, 16, 30),
                whole_days=False, kind=TimeOffKind.PREFER_ON, shift_id="D8", row=7),
    )  # fmt: skip
    assert problem.pins == (
        Pin(employee_id="C1", date=dt.date(2026, 3, 2), shift_id="D8", team=ADULT, zone="N", row=2),
    )
    assert problem.pairs == (
        PairRule(clinician_id="C1", peer_id="P1", kind=PairKind.PREFER, row=2),
        PairRule(clinician_id="C3", peer_id="P3", kind=PairKind.AVOID, row=3),
    )


def test_workbook_built_from_the_csv_folder_reads_to_an_equal_problem(tmp_path: Path) -> None:
    workbook = tmp_path / "small.xlsx"
    csv_folder_to_workbook(SMALL, workbook)
    assert read_problem(workbook) == read_problem(SMALL)


def _append_columns(path: Path, header: str, cells: list[str]) -> None:
    """Add columns to a CSV file: `header` to its first line, one cell per data line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(cells) + 1
    lines = [f"{lines[0]},{header}"] + [
        f"{line},{cell}" for line, cell in zip(lines[1:], cells, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _small_with_new_rule_families(tmp_path: Path) -> Path:
    """The small program with every rule family added later filled in."""
    folder = _copy_small(tmp_path)
    with (folder / "Program.csv").open("a", encoding="utf-8") as handle:
        handle.write("people_per_unit,2\n")
    with (folder / "Rules.csv").open("a", encoding="utf-8") as handle:
        handle.write("min_consecutive_days,2\nmin_consecutive_days_off,2\nmax_weekends,1\n")
    _append_columns(
        folder / "Staff.csv",
        "min_hours_total,max_hours_total,min_consecutive_days,min_consecutive_days_off,"
        "max_weekends",
        ["40,80,,,", ",,3,,0", "10.5,,,3,", ",,,,", ",,,,", ",,,,"],
    )
    _append_columns(folder / "Shifts.csv", "forbidden_next", ["", "D8", " D8 ;; E8 "])
    (folder / "ShiftCover.csv").write_text(
        "shift_id,team,zone,weekday,date,units,weight_under,weight_over\n"
        "D8,adult,N,Mon,,2,,\n"
        "D8,adult,N,,2026-03-02,1,4,2\n"
        "N12,Adult,S,sat,,1,3,\n"
        "E8,juvenile,S,Wednesday,,0,,1\n",
        encoding="utf-8",
    )
    (folder / "ShiftLimits.csv").write_text(
        "employee_id,shift_id,max_shifts\nC1,N12,0\nP2,E8,3\nC1,E8,2\n", encoding="utf-8"
    )
    return folder


NEW_RULES = Rules(
    min_rest_hours=11, min_consecutive_days=2, min_consecutive_days_off=2, max_weekends=1
)


def test_new_rule_families_read_to_exact_values(tmp_path: Path) -> None:
    folder = _small_with_new_rule_families(tmp_path)
    workbook = tmp_path / "new.xlsx"
    csv_folder_to_workbook(folder, workbook)

    for loaded in (load_problem(folder), load_problem(workbook)):
        problem = loaded.value
        assert loaded.warnings == ()
        assert problem.people_per_unit == 2
        assert problem.rules == NEW_RULES
        # Blank override cells keep the Rules value; earlier overrides stay as they were.
        assert [
            (p.employee_id, p.min_hours_total, p.max_hours_total, p.rules) for p in problem.staff
        ] == [
            ("C1", 40, 80, PersonRules.from_rules(NEW_RULES)),
            ("C2", 0, None, PersonRules.from_rules(
                NEW_RULES, min_rest_hours=12, min_consecutive_days=3, max_weekends=0)),
            ("C3", 10.5, None, PersonRules.from_rules(
                NEW_RULES, max_consecutive_days=5, min_consecutive_days_off=3)),
            ("P1", 0, None, PersonRules.from_rules(NEW_RULES)),
            ("P2", 0, None, PersonRules.from_rules(NEW_RULES)),
            ("P3", 0, None, PersonRules.from_rules(NEW_RULES, min_rest_hours=8)),
        ]  # fmt: skip
        assert [(s.shift_id, s.forbidden_next) for s in problem.shifts] == [
            ("D8", ()),
            ("E8", ("D8",)),
            ("N12", ("D8", "E8")),
        ]
        assert problem.shift_cover == (
            ShiftCover(shift_id="D8", team=ADULT, zone="N", weekday=0, units=2, row=2),
            ShiftCover(shift_id="D8", team=ADULT, zone="N", date=dt.date(2026, 3, 2), units=1,
                       weight_under=4, weight_over=2, row=3),
            ShiftCover(shift_id="N12", team=ADULT, zone="S", weekday=5, units=1, weight_under=3,
                       row=4),
            ShiftCover(shift_id="E8", team=JUVENILE, zone="S", weekday=2, units=0, weight_over=1,
                       row=5),
        )  # fmt: skip
        assert problem.shift_cover[0].weight_under == 1  # blank weights: 1 under, 0 over
        assert problem.shift_cover[0].weight_over == 0
        assert problem.shift_limits == (
            ShiftLimit(employee_id="C1", shift_id="N12", max_shifts=0, row=2),
            ShiftLimit(employee_id="P2", shift_id="E8", max_shifts=3, row=3),
            ShiftLimit(employee_id="C1", shift_id="E8", max_shifts=2, row=4),
        )
        assert problem.shift_limit_of[("C1", "E8")] == 2


def test_one_person_units_read_with_an_empty_pairs_sheet(tmp_path: Path) -> None:
    folder = _copy_small(tmp_path)
    with (folder / "Program.csv").open("a", encoding="utf-8") as handle:
        handle.write("people_per_unit,1\n")
    (folder / "Pairs.csv").write_text("clinician_id,peer_id,kind\n", encoding="utf-8")

    problem = read_problem(folder)

    # A header alone is an empty sheet: nothing to pair, so nothing wrong.
    assert (problem.people_per_unit, problem.pairs) == (1, ())


def test_blank_new_settings_take_their_defaults(tmp_path: Path) -> None:
    folder = _copy_small(tmp_path)
    with (folder / "Program.csv").open("a", encoding="utf-8") as handle:
        handle.write("people_per_unit,\n")
    with (folder / "Rules.csv").open("a", encoding="utf-8") as handle:
        handle.write("max_weekends,\nmin_consecutive_days,\n")
    (folder / "ShiftCover.csv").write_text(
        "shift_id,team,zone,weekday,units\n", encoding="utf-8"
    )  # a header alone needs no weekday-or-date column and adds nothing

    problem = read_problem(folder)

    assert problem.people_per_unit == 2
    assert (problem.rules.max_weekends, problem.rules.min_consecutive_days) == (None, 1)
    assert problem.shift_cover == ()


def test_excel_typed_cells_of_the_new_sheets_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "typed.xlsx"
    sheets = _tiny_sheets()
    sheets["Program"].append(["people_per_unit", 1.0])
    sheets["Rules"] = [["rule", "value"], ["max_weekends", 2.0]]
    sheets["Staff"][0] += ["max_weekends", "min_hours_total", "max_hours_total"]
    sheets["Staff"][1] += [1.0, 7.5, 24.0]
    sheets["Shifts"][0].append("forbidden_next")
    sheets["Shifts"][1].append("N12")
    sheets["ShiftCover"] = [
        ["shift_id", "team", "zone", "date", "units", "weight_under"],
        ["N12", "adult", "N", dt.datetime(2026, 3, 3), 2.0, 10.0],
    ]
    sheets["ShiftLimits"] = [["employee_id", "shift_id", "max_shifts"], [102.0, "N12", 3.0]]
    _write_workbook(path, sheets)

    problem = read_problem(path)

    assert problem.people_per_unit == 1
    assert problem.person("101").rules.max_weekends == 1
    assert problem.person("102").rules.max_weekends == 2  # blank: the Rules value
    assert (problem.person("101").min_hours_total, problem.person("101").max_hours_total) == (
        7.5,
        24,
    )
    assert problem.shift("N12").forbidden_next == ("N12",)
    assert problem.shift_cover == (
        ShiftCover(shift_id="N12", team=ADULT, zone="N", date=dt.date(2026, 3, 3), units=2,
                   weight_under=10, row=2),
    )  # fmt: skip
    assert problem.shift_limits == (
        ShiftLimit(employee_id="102", shift_id="N12", max_shifts=3, row=2),
    )


def test_shift_cover_date_outside_the_roster_is_a_warning(tmp_path: Path) -> None:
    folder = _copy_small(tmp_path)
    (folder / "ShiftCover.csv").write_text(
        "shift_id,team,zone,date,units\nD8,adult,N,2026-03-09,1\n", encoding="utf-8"
    )

    loaded = load_problem(folder)
    problem = loaded.value

    assert loaded.warnings == (
        "ShiftCover!D2 (date): date 2026-03-09 is outside the roster (2026-03-02 to "
        "2026-03-08); the row does nothing",
    )
    assert [row.date for row in problem.shift_cover] == [dt.date(2026, 3, 9)]


def _write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


def _tiny_sheets() -> dict[str, list[list[object]]]:
    """A tiny program typed the way Excel stores it: numbers, dates and times as cells."""
    return {
        "Program": [
            ["Key", "Value"],
            ["name", "Typed"],
            ["start_date", dt.date(2026, 3, 2)],
            ["days", 14.0],
        ],
        "Staff": [
            [" employee_id ", "role", "TEAMS", "home_zone", "max_hours_per_week"],
            [101, "clinician", "adult", "N", 40.0],
            [102.0, "peer", "adult", "N", None],
            [None, None, None, None, None],  # blank rows are ignored
        ],
        "Zones": [["zone_id"], ["N"]],
        "Shifts": [
            ["shift_id", "start", "end", "unpaid_break_minutes"],
            ["N12", dt.time(20, 0), dt.time(8, 0), 30.0],
        ],
        "Demand": [
            ["team", "zone", "date", "start", "end", "required_units"],
            ["adult", "N", dt.datetime(2026, 3, 3), dt.time(20), dt.time(23, 30), 1.0],
        ],
        "TimeOff": [
            ["employee_id", "start", "end", "kind"],
            [101, dt.date(2026, 3, 4), dt.date(2026, 3, 4), "unavailable"],
            [102, dt.datetime(2026, 3, 5, 0, 0), dt.datetime(2026, 3, 5, 6, 0), "Prefer_Off"],
        ],
        "Pins": [["employee_id", "date", "shift_id"], ["101", dt.datetime(2026, 3, 2), "N12"]],
    }


def test_excel_typed_cells_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "typed.xlsx"
    _write_workbook(path, _tiny_sheets())

    problem = read_problem(path)

    assert (problem.start_date, problem.days, problem.slot_minutes) == (dt.date(2026, 3, 2), 14, 60)
    assert [p.employee_id for p in problem.staff] == ["101", "102"]
    assert problem.person("101").max_hours_per_week == 40
    assert problem.person("102").max_hours_per_week is None
    assert problem.shifts == (
        ShiftTemplate(shift_id="N12", start_minute=1200, end_minute=480, unpaid_break_minutes=30),
    )
    assert problem.demand[0].date == dt.date(2026, 3, 3)
    assert (problem.demand[0].start_minute, problem.demand[0].end_minute) == (1200, 1410)
    # A date cell is whole days; a date-time cell (even at midnight) is a moment.
    first, second = problem.time_off
    assert (first.start, first.end, first.whole_days) == (
        dt.datetime(2026, 3, 4),
        dt.datetime(2026, 3, 5),
        True,
    )
    assert (second.start, second.end, second.whole_days, second.kind) == (
        dt.datetime(2026, 3, 5),
        dt.datetime(2026, 3, 5, 6),
        False,
        TimeOffKind.PREFER_OFF,
    )
    assert problem.pins == (
        Pin(employee_id="101", date=dt.date(2026, 3, 2), shift_id="N12", row=2),
    )


def test_unknown_columns_and_sheets_are_warnings(tmp_path: Path) -> None:
    folder = _copy_small(tmp_path)
    staff = (folder / "Staff.csv").read_text(encoding="utf-8").splitlines()
    staff = [staff[0] + ",favourite_colour"] + [line + ",blue" for line in staff[1:]]
    (folder / "Staff.csv").write_text("\n".join(staff) + "\n", encoding="utf-8")
    hiring = "hire_id,role,teams,home_zone,annual_cost,max_count\nH1,peer,adult,N,52000,2\n"
    (folder / "Hiring.csv").write_text(hiring, encoding="utf-8")
    (folder / "History.csv").write_text("date,shift_id\n", encoding="utf-8")  # empty: quiet
    (folder / "Notes.csv").write_text("text\nhello\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a sheet", encoding="utf-8")

    loaded = load_problem(folder)
    problem = loaded.value

    assert loaded.warnings == (
        "Notes: sheet is not used (the input sheets are Program, Rules, Staff, Zones, Travel, "
        "Shifts, Demand, TimeOff, Pins, Pairs, ShiftCover, ShiftLimits, Hiring, History)",
        "Staff: column 'favourite_colour' is not used",
        "Hiring: 1 kind of candidate hire is for `plan`; `solve` rosters Staff alone",
    )
    assert problem.staff == read_problem(SMALL).staff


def test_demand_date_outside_the_roster_is_a_warning(tmp_path: Path) -> None:
    folder = _copy_small(tmp_path)
    with (folder / "Demand.csv").open("a", encoding="utf-8") as handle:
        handle.write("adult,S,,2026-03-01,20:00,02:00,1,\nadult,S,,2026-03-09,08:00,10:00,1,\n")

    loaded = load_problem(folder)
    problem = loaded.value

    assert loaded.warnings == (
        "Demand!D8 (date): date 2026-03-09 is outside the roster (2026-03-02 to 2026-03-08, "
        "or the day before for a window past midnight); the row does nothing",
    )
    assert [row.date for row in problem.demand[-2:]] == [dt.date(2026, 3, 1), dt.date(2026, 3, 9)]


def test_byte_order_mark_blank_rows_and_optional_sheets(tmp_path: Path) -> None:
    folder = _copy_small(tmp_path)
    for optional in ("Rules", "TimeOff", "Pins", "Pairs"):
        (folder / f"{optional}.csv").unlink()
    zones = (folder / "Zones.csv").read_text(encoding="utf-8").replace("\n", "\n,,,\n\n", 1)
    (folder / "Zones.csv").write_text("\ufeff" + zones, encoding="utf-8")

    problem = read_problem(folder)

    assert problem.rules == Rules()
    assert problem.zone_ids == ("N", "S")
    assert problem.zones[1].zone_id == "S"
    assert (problem.time_off, problem.pins, problem.pairs) == ((), (), ())


def test_a_sheet_over_the_row_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "MAX_DATA_ROWS", 5)
    with pytest.raises(InputError) as raised:
        read_problem(SMALL)
    assert raised.value.render().splitlines() == [
        "Staff: more than 5 data rows; this tool reads at most 5 rows per sheet",
        "TimeOff: more than 5 data rows; this tool reads at most 5 rows per sheet",
    ]


def test_a_file_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook = tmp_path / "big.xlsx"
    csv_folder_to_workbook(SMALL, workbook)
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", 1024 * 1024 // 2)
    workbook.write_bytes(workbook.read_bytes() + b"\0" * (1024 * 1024))
    with pytest.raises(InputError) as raised:
        read_problem(workbook)
    assert raised.value.issues[0].sheet == "big.xlsx"
    assert "big.xlsx is 1.0 MB; files over 0.5 MB are refused" in raised.value.render()


ASSIGNMENT_HEADER = [
    "date", "shift_id", "start", "end", "team", "zone", "unit_id", "employee_id", "role",
]  # fmt: skip


def test_read_roster_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    night_start, night_end = dt.datetime(2026, 3, 2, 20), dt.datetime(2026, 3, 3, 8)
    _write_workbook(
        path,
        {
            "Summary": [["key", "value"], ["status", "OPTIMAL"]],
            "Assignments": [
                [*ASSIGNMENT_HEADER, "note"],
                ["2026-03-02", "D8", "2026-03-02T08:00", "2026-03-02T16:30", "adult", "N",
                 "U1", "C1", "clinician", "kept"],
                [dt.date(2026, 3, 2), "D8", "2026-03-02T08:00", "2026-03-02T16:30", "Adult",
                 "N", "U1", "P1", "peer"],
                [None] * 9,
                [dt.date(2026, 3, 2), "N12", night_start, night_end, "adult", "S", 7, 101,
                 "clinician"],
            ],
        },
    )  # fmt: skip

    roster = read_roster(path)

    at = dt.datetime
    assert roster.assignments == (
        Assignment(date=dt.date(2026, 3, 2), shift_id="D8", start=at(2026, 3, 2, 8),
                   end=at(2026, 3, 2, 16, 30), team=ADULT, zone="N", unit_id="U1",
                   employee_id="C1", role=Role.CLINICIAN, row=2),
        Assignment(date=dt.date(2026, 3, 2), shift_id="D8", start=at(2026, 3, 2, 8),
                   end=at(2026, 3, 2, 16, 30), team=ADULT, zone="N", unit_id="U1",
                   employee_id="P1", role=Role.PEER, row=3),
        Assignment(date=dt.date(2026, 3, 2), shift_id="N12", start=night_start, end=night_end,
                   team=ADULT, zone="S", unit_id="7", employee_id="101", role=Role.CLINICIAN,
                   row=5),
    )  # fmt: skip


def test_read_roster_from_a_csv_folder(tmp_path: Path) -> None:
    (tmp_path / "Assignments.csv").write_text(
        ",".join(ASSIGNMENT_HEADER) + "\n"
        "2026-03-03,N12,2026-03-03T20:00,2026-03-04T08:00,adult,S,U9,P2,peer\n",
        encoding="utf-8",
    )
    (tmp_path / "Coverage.csv").write_text("not,read\n", encoding="utf-8")

    roster = read_roster(tmp_path)

    assert roster.assignments == (
        Assignment(date=dt.date(2026, 3, 3), shift_id="N12", start=dt.datetime(2026, 3, 3, 20),
                   end=dt.datetime(2026, 3, 4, 8), team=ADULT, zone="S", unit_id="U9",
                   employee_id="P2", role=Role.PEER, row=2),
    )  # fmt: skip


def test_read_roster_lists_every_unreadable_row(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    _write_workbook(
        path,
        {
            "Assignments": [
                list(ASSIGNMENT_HEADER),
                ["2026-03-32", "D8", "2026-03-02T08:00", "2026-03-02T16:30", "adult", "N", "U1",
                 "C1", "clinician"],
                ["2026-03-02", "D8", "2026-03-02 08:00", "soon", "adult", "N", "U1", "P1",
                 "nurse"],
                ["2026-03-02", "D8", "2026-03-02T08:00", "2026-03-02T16:30", "adult", None, "U1",
                 "P1", "peer"],
            ]
        },
    )  # fmt: skip

    roster = read_roster(path)

    # Each row is left out and listed with all its problems; the checker reports them.
    assert roster.assignments == ()
    assert roster.rejected_rows == (
        RejectedRow(row=2, column="date",
                    message="date '2026-03-32' is not a date; expected YYYY-MM-DD"),
        RejectedRow(row=3, column="end",
                    message="end 'soon' is not a date-time; expected YYYY-MM-DDTHH:MM;"
                    " role 'nurse' is not one of clinician, peer"),
        RejectedRow(row=4, column="zone", message="zone is required but the cell is blank"),
    )  # fmt: skip


def test_read_roster_needs_the_assignments_sheet(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    _write_workbook(path, {"Summary": [["key", "value"]]})
    with pytest.raises(InputError) as raised:
        read_roster(path)
    assert raised.value.render() == (
        "Assignments: required sheet is missing (the workbook has no sheet named Assignments)"
    )


@pytest.mark.parametrize(
    ("value", "minute"),
    [
        ("08:00", 480),
        ("8:30", 510),
        ("23:59", 1439),
        ("00:00", 0),
        ("24:00", 0),
        ("22:00:00", 1320),
        (dt.time(13, 30), 810),
        (dt.timedelta(hours=24), 0),
        (dt.datetime(1900, 1, 1), 0),  # Excel's 24:00 in a time cell
    ],
)
def test_times_of_day(value: CellValue, minute: int) -> None:
    assert parse_minute_of_day(value, "start") == minute


@pytest.mark.parametrize(
    "value", ["25:00", "08:60", "24:30", "8", "08:00:30", "8am", dt.datetime(2026, 3, 2, 8)]
)
def test_not_times_of_day(value: CellValue) -> None:
    with pytest.raises(CellError, match=r"is not a time of day; expected HH:MM \(24 h\)"):
        parse_minute_of_day(value, "start")


def test_numbers_booleans_and_lists() -> None:
    assert [parse_int(v, "n") for v in (8, 8.0, "8", "8.0")] == [8] * 4
    assert [parse_bool(v, "b") for v in ("yes", "NO", "true", "False", 1, 0, True)] == [
        True, False, True, False, True, False, True,
    ]  # fmt: skip
    assert parse_list(" a ;; b;a ;", "l") == ("a", "b")
    assert parse_text(101.0, "id") == "101"
    with pytest.raises(CellError) as not_a_number:
        parse_number("nan", "n")
    assert str(not_a_number.value) == "n 'nan' is not a number"
    with pytest.raises(CellError) as not_whole:
        parse_int(True, "n")
    assert str(not_whole.value) == "n True is not a whole number"
