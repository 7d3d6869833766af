"""Demand from a call log: rates, units, the Demand sheet and bad input."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.demand.calls import (
    Call,
    DemandSettings,
    DemandWindow,
    calls_outside,
    demand_windows,
    hourly_needs,
    mean_busy_minutes,
    parse_team_zones,
    read_calls,
    unreachable_zones,
    wait_allowances,
    weekday_occurrences,
)
from scheduler.demand.sample_calls import DEFAULT_OUT, sample_calls
from scheduler.demand.workbook import write_demand_workbook
from scheduler.errors import InputError, InputIssue
from scheduler.io.read_workbook import read_problem
from scheduler.model.problem import Problem, Team, TravelTime, Zone
from scheduler.synthetic import write_problem_csv
from tests.factories import demand, make_problem
from tests.solving import solve_checked
from tests.test_template import FOLDER_VARIANTS, NAME, folder_variant

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "inputs" / "hartford"
runner = CliRunner()


def tiny_problem() -> Problem:
    # Travel 3 min in N leaves 7 of a 10-minute target: domain.md's worked example.
    return make_problem(
        zones=(
            Zone(zone_id="N", name="North", neighborhoods=("Blue Hills",), travel_minutes=3),
            Zone(zone_id="S", name="South", neighborhoods=("South End",)),
        )
    )


def write_log(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


# Four weeks, Mon 2026-03-02 to Sun 2026-03-29: each weekday occurs 4 times.
FOUR_WEEK_LOG = [
    ["2026-03-02T09:05", "N", "adult", "60"],
    ["2026-03-09T09:40", "", "adult", "90"],  # zone blank: the neighborhood is used
    ["2026-03-16T09:59", "N", "adult", ""],
    ["2026-03-23T09:00", "N", "adult", ""],
    ["2026-03-03T10:30", "N", "", ""],  # team blank: age 40 is adult
    ["2026-03-29T23:10", "S", "", ""],  # age 15: juvenile
]
NEIGHBORHOODS = ["", "Blue Hills", "", "", "", ""]
AGES = ["", "", "", "", "40", "15"]


def four_week_log(tmp_path: Path) -> Path:
    rows = [
        [r[0], r[1], hood, r[2], age, r[3]]
        for r, hood, age in zip(FOUR_WEEK_LOG, NEIGHBORHOODS, AGES, strict=True)
    ]
    header = ["received_at", "zone", "neighborhood", "team", "age", "busy_minutes"]
    return write_log(tmp_path / "calls.csv", header, rows)


def test_calls_are_read_with_zone_or_neighborhood_and_team_or_age(tmp_path: Path) -> None:
    calls = read_calls(four_week_log(tmp_path), tiny_problem())
    assert [(c.zone, c.team) for c in calls] == [
        ("N", Team.ADULT),
        ("N", Team.ADULT),  # Blue Hills is in N
        ("N", Team.ADULT),
        ("N", Team.ADULT),
        ("N", Team.ADULT),  # age 40
        ("S", Team.JUVENILE),  # age 15
    ]
    assert weekday_occurrences(calls) == [4] * 7  # 28 days, Monday to Sunday
    # Mean of the logged busy minutes (60 and 90); the option overrides it.
    assert mean_busy_minutes(calls, None) == 75
    assert mean_busy_minutes(calls, 50) == 50


def test_weekdays_are_counted_over_the_logs_span() -> None:
    calls = [
        Call(received_at=dt.datetime(2026, 3, day, 12), zone="N", team=Team.ADULT)
        for day in (4, 6)  # Wednesday to Friday
    ]
    assert weekday_occurrences(calls) == [0, 0, 1, 1, 1, 0, 0]
    assert mean_busy_minutes(calls, None) == 75  # no busy minutes logged: the default


def test_rates_and_units_from_a_tiny_log(tmp_path: Path) -> None:
    calls = read_calls(four_week_log(tmp_path), tiny_problem())
    needs = hourly_needs(calls, tiny_problem(), DemandSettings(min_units=1))
    by_key = {(n.weekday, n.hour, n.zone, n.team): n for n in needs}
    assert len(needs) == 7 * 24 * 2 * 2  # every weekday, hour, zone and team
    monday_nine = by_key[(0, 9, "N", Team.ADULT)]
    # 4 calls over 4 Mondays = 1 call/h; AHT 75, wait 10 - 3 = 7: domain.md says 4 units.
    assert (monday_nine.calls_per_hour, monday_nine.wait_minutes, monday_nine.units) == (1, 7, 4)
    assert monday_nine.load == 1.25
    # 1 call over 4 Tuesdays = 0.25 call/h: domain.md says 2 units.
    assert (
        by_key[(1, 10, "N", Team.ADULT)].calls_per_hour,
        by_key[(1, 10, "N", Team.ADULT)].units,
    ) == (0.25, 2)
    # No calls in that hour: no unit, and nothing to serve (level 1).
    assert (
        by_key[(0, 10, "N", Team.ADULT)].units,
        by_key[(0, 10, "N", Team.ADULT)].expected_service_level,
    ) == (0, 1.0)
    # Sunday 23:00 in S, juvenile: 0.25 call/h with the default travel 7 (wait 3).
    sunday = by_key[(6, 23, "S", Team.JUVENILE)]
    assert (sunday.calls_per_hour, sunday.wait_minutes) == (0.25, 3)
    assert sunday.units == 2  # 1 unit would reach only 1 - 0.3125 e^(-0.6875*3/75) = 69.8%
    assert demand_windows(needs) == [
        DemandWindow(Team.ADULT, "N", 0, 9, 10, 4),
        DemandWindow(Team.ADULT, "N", 1, 10, 11, 2),
        DemandWindow(Team.JUVENILE, "S", 6, 23, 24, 2),
    ]


def test_growth_scales_the_rates(tmp_path: Path) -> None:
    calls = read_calls(four_week_log(tmp_path), tiny_problem())
    needs = hourly_needs(calls, tiny_problem(), DemandSettings(growth=4.0))
    monday_nine = next(n for n in needs if (n.weekday, n.hour, n.zone) == (0, 9, "N"))
    assert monday_nine.calls_per_hour == 4.0  # 1 call/h x 4


def test_pooled_weekdays_share_one_rate_per_hour(tmp_path: Path) -> None:
    calls = read_calls(four_week_log(tmp_path), tiny_problem())
    needs = hourly_needs(calls, tiny_problem(), DemandSettings(pool_weekdays=True))
    rates = {
        (n.weekday, n.hour): n.calls_per_hour
        for n in needs
        if n.team is Team.ADULT and n.zone == "N"
    }
    # 4 Monday calls at 09h over 20 weekdays; 1 Tuesday call at 10h over 20; none at weekends.
    assert [rates[(day, 9)] for day in range(7)] == [0.2] * 5 + [0.0] * 2
    assert [rates[(day, 10)] for day in range(7)] == [0.05] * 5 + [0.0] * 2
    juvenile = {(n.weekday, n.hour): n.calls_per_hour for n in needs if n.team is Team.JUVENILE}
    assert juvenile[(5, 23)] == juvenile[(6, 23)] == 1 / 8  # 1 Sunday call over 8 weekend days


def test_operating_hours_get_the_minimum_and_other_hours_nothing(tmp_path: Path) -> None:
    calls = read_calls(four_week_log(tmp_path), tiny_problem())
    settings = DemandSettings(min_units=1, operating_hours=(8, 22))
    windows = demand_windows(hourly_needs(calls, tiny_problem(), settings))
    monday_north = [w for w in windows if (w.team, w.zone, w.weekday) == (Team.ADULT, "N", 0)]
    # 08-22 at 1 unit at least, 09-10 at the 4 the calls need; S juvenile's 23:00 call is
    # outside the hours, so S juvenile gets 08-22 at 1 unit, and S adult (no calls) nothing.
    assert monday_north == [
        DemandWindow(Team.ADULT, "N", 0, 8, 9, 1),
        DemandWindow(Team.ADULT, "N", 0, 9, 10, 4),
        DemandWindow(Team.ADULT, "N", 0, 10, 22, 1),
    ]
    assert DemandWindow(Team.JUVENILE, "S", 6, 8, 22, 1) in windows
    assert not [w for w in windows if (w.team, w.zone) == (Team.ADULT, "S")]
    assert calls_outside(calls, (8, 22)) == 1
    # That call keeps its rate in Rates, with no unit and so no share served.
    needs = hourly_needs(calls, tiny_problem(), settings)
    late = next(
        n for n in needs if (n.weekday, n.hour, n.zone, n.team) == (6, 23, "S", Team.JUVENILE)
    )
    assert (late.calls_per_hour, late.units, late.expected_service_level) == (0.25, 0, 0.0)


def test_a_citywide_team_is_sized_in_its_one_zone(tmp_path: Path) -> None:
    calls = read_calls(four_week_log(tmp_path), tiny_problem())
    settings = DemandSettings(team_zones=((Team.ADULT, "S"),))
    windows = demand_windows(hourly_needs(calls, tiny_problem(), settings))
    # The adult calls of N are all sized in S (N has no adult demand left): 1 call/h, AHT
    # 75 and S's wait of 3 minutes need 4 units (3 reach 1 - 0.155 e^(-1.75*3/75) = 85.5%).
    assert [w for w in windows if w.team is Team.ADULT] == [
        DemandWindow(Team.ADULT, "S", 0, 9, 10, 4),
        DemandWindow(Team.ADULT, "S", 1, 10, 11, 2),
    ]
    assert parse_team_zones(["juvenile=Central"]) == ((Team.JUVENILE, "Central"),)
    with pytest.raises(ValueError, match="expected TEAM=ZONE"):
        parse_team_zones(["kids=Central"])
    with pytest.raises(InputError, match="zone 'X' is not in Zones"):
        hourly_needs(calls, tiny_problem(), DemandSettings(team_zones=((Team.ADULT, "X"),)))


def test_travel_over_the_target_is_refused(tmp_path: Path) -> None:
    calls = read_calls(four_week_log(tmp_path), tiny_problem())
    with pytest.raises(InputError, match="zone N: 3 minutes of travel leave no time"):
        hourly_needs(calls, tiny_problem(), DemandSettings(target_minutes=2))


def test_travel_equal_to_the_target_needs_a_free_unit_at_once(tmp_path: Path) -> None:
    calls = [c for c in read_calls(four_week_log(tmp_path), tiny_problem()) if c.zone == "N"]
    needs = hourly_needs(calls, tiny_problem(), DemandSettings(target_minutes=3))
    monday_nine = next(n for n in needs if (n.weekday, n.hour, n.zone) == (0, 9, "N"))
    # 1 call/h x 75 min: A = 1.25; no wait allowed, so P(wait) <= 0.1: Erlang C gives
    # P(wait) 0.135 at N=3 and 0.034 at N=4.
    assert (monday_nine.wait_minutes, monday_nine.units) == (0, 4)


def citywide_problem(travel: tuple[TravelTime, ...]) -> Problem:
    zones = tuple(
        Zone(zone_id=z, name=z, neighborhoods=(), travel_minutes=3) for z in ("C", "N", "S")
    )
    return make_problem(zones=zones).model_copy(update={"travel": travel})


def juvenile_calls() -> list[Call]:
    monday = dt.datetime(2026, 3, 2, 15)
    return [
        Call(monday, "C", Team.JUVENILE),
        Call(monday + dt.timedelta(weeks=1), "N", Team.JUVENILE),
        Call(monday + dt.timedelta(weeks=2), "S", Team.JUVENILE),
    ]


def test_a_citywide_team_is_sized_for_its_longest_drive_in_time() -> None:
    # From C: N is 6 minutes away, S 12 (beyond the 10-minute target): the allowance is
    # 10 - 6 = 4 minutes for all the team's calls, and S gets a warning, not units.
    travel = (
        TravelTime(from_zone="C", to_zone="N", minutes=6),
        TravelTime(from_zone="S", to_zone="C", minutes=12),
    )
    problem = citywide_problem(travel)
    settings = DemandSettings(team_zones=((Team.JUVENILE, "C"),))
    calls = juvenile_calls()
    assert wait_allowances(calls, problem, settings) == {("C", Team.JUVENILE): 4}
    needs = hourly_needs(calls, problem, settings)
    sized = {(n.zone, n.units) for n in needs if n.team is Team.JUVENILE and n.units}
    # 3 calls on 3 Mondays at 15:00, all sized in C (S's call still takes a unit's time):
    # 1 call/h, A = 1.25; within 4 minutes N=3 gives 0.858, N=4 0.964 >= 0.9.
    assert sized == {("C", 4)}
    warnings = unreachable_zones(calls, problem, settings)
    assert len(warnings) == 1 and "juvenile calls in S (1 in the log)" in warnings[0]
    assert "12 minutes" in warnings[0]
    # Sized per zone instead, every zone is in reach (3 minutes of travel in each).
    assert unreachable_zones(calls, problem, DemandSettings()) == []


def test_bad_rows_are_named_by_file_row_and_column(tmp_path: Path) -> None:
    header = ["received_at", "zone", "neighborhood", "team", "age", "busy_minutes"]
    rows = [
        ["2026-03-02T09:05", "N", "", "adult", "", "60"],  # row 2: fine
        ["yesterday", "N", "", "adult", "", ""],  # row 3
        ["2026-03-02T10:00", "X", "", "adult", "", ""],  # row 4
        ["2026-03-02T10:00", "", "Nowhere", "adult", "", ""],  # row 5
        ["2026-03-02T10:00", "N", "", "senior", "", ""],  # row 6
        ["2026-03-02T10:00", "N", "", "", "-3", ""],  # row 7
        ["2026-03-02T10:00", "N", "", "adult", "", "0"],  # row 8
        ["", "", "", "", "", ""],  # row 9: blank, ignored
        ["2026-03-02T10:00", "N", "", "", "", ""],  # row 10
    ]
    path = write_log(tmp_path / "calls.csv", header, rows)
    with pytest.raises(InputError) as raised:
        read_calls(path, tiny_problem())
    assert [str(issue).split(":")[0] for issue in raised.value.issues] == [
        "calls.csv!A3 (received_at)",
        "calls.csv!B4 (zone)",
        "calls.csv!C5 (neighborhood)",
        "calls.csv!D6 (team)",
        "calls.csv!E7 (age)",
        "calls.csv!F8 (busy_minutes)",
        "calls.csv!D10 (team)",
    ]


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = write_log(tmp_path / "calls.csv", ["received_at", "zone"], [["2026-03-02T09:05", "N"]])
    with pytest.raises(InputError, match="missing column\\(s\\): team or age"):
        read_calls(path, tiny_problem())


def test_a_title_row_above_the_call_log_header_is_named(tmp_path: Path) -> None:
    rows = [["received_at", "zone", "team"], ["2026-03-02T09:05", "N", "adult"]]
    path = write_log(tmp_path / "calls.csv", ["Calls in March", "", ""], rows)
    with pytest.raises(InputError) as raised:
        read_calls(path, tiny_problem())
    assert str(raised.value.issues[0]) == (
        "calls.csv!1: the header is on row 2, not row 1 (row 1 has Calls in March); "
        "delete row 1 above it so that the header is row 1"
    )
    no_team = write_log(tmp_path / "no_team.csv", ["received_at", "zone"], rows[1:])
    with pytest.raises(InputError, match=r"team or age \(row 1 has received_at, zone\)$"):
        read_calls(no_team, tiny_problem())


def test_the_demand_workbook_is_an_input_solve_reads(tmp_path: Path) -> None:
    folder = tmp_path / "program"
    problem = tiny_problem().model_copy(
        update={"demand": (demand("adult", "S", "Fri", "08:00", "16:00", 1),)}
    )
    write_problem_csv(problem, folder)
    calls = read_calls(four_week_log(tmp_path), problem)
    needs = hourly_needs(calls, problem, DemandSettings())
    out = write_demand_workbook(folder, needs, demand_windows(needs), tmp_path / "demand.xlsx")
    written = read_problem(out)
    # The old Demand row is gone; the windows from the calls are there exactly.
    assert [
        (d.team, d.zone, d.weekday, d.start_minute, d.end_minute, d.required_units, d.target)
        for d in written.demand
    ] == [
        (Team.ADULT, "N", 0, 9 * 60, 10 * 60, 4, 4),
        (Team.ADULT, "N", 1, 10 * 60, 11 * 60, 2, 2),
        (Team.JUVENILE, "S", 6, 23 * 60, 0, 2, 2),  # 23:00-00:00 ends at midnight
    ]
    assert written.zones == problem.zones and written.shifts == problem.shifts


def test_the_sample_log_is_what_its_script_makes() -> None:
    # Regenerated from the seed: the committed file cannot go stale.
    with (ROOT / DEFAULT_OUT).open(encoding="utf-8", newline="") as handle:
        committed = list(csv.reader(handle))
    assert committed[1:] == sample_calls(read_problem(SAMPLE))
    days = 8 * 7
    assert 9 * days < len(committed) - 1 < 13 * days  # about 10 adult + 1 juvenile a day


def test_demand_command_on_the_sample_writes_a_program_that_solves(tmp_path: Path) -> None:
    out = tmp_path / "demand.xlsx"
    result = runner.invoke(
        app,
        [
            "demand",
            "--inputs",
            str(SAMPLE),
            "--calls",
            str(ROOT / DEFAULT_OUT),
            "--hours",
            "08-22",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    problem = read_problem(out)
    assert problem.demand and all(8 * 60 <= d.start_minute < 22 * 60 for d in problem.demand)
    solve_checked(problem, time_limit=3.0)  # the roster breaks no hard rule


def test_demand_command_refuses_a_bad_log_and_writes_nothing(tmp_path: Path) -> None:
    bad = write_log(
        tmp_path / "calls.csv", ["received_at", "zone", "team"], [["soon", "North", "adult"]]
    )
    out = tmp_path / "demand.xlsx"
    result = runner.invoke(
        app, ["demand", "--inputs", str(SAMPLE), "--calls", str(bad), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "calls.csv!A2 (received_at)" in result.output
    assert not out.exists()


@pytest.mark.parametrize("hours", ["22-08", "8-25", "morning", "08-08"])
def test_demand_command_refuses_bad_hours_and_writes_nothing(tmp_path: Path, hours: str) -> None:
    out = tmp_path / "demand.xlsx"
    calls = str(ROOT / DEFAULT_OUT)
    args = ["demand", "--inputs", str(SAMPLE), "--calls", calls, "--hours", hours, "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert f"--hours {hours!r}: expected whole hours FIRST-END, e.g. 08-22, or 24" in result.output
    assert not out.exists()


@pytest.mark.parametrize("variant", FOLDER_VARIANTS)
def test_demand_command_reads_a_csv_folder_as_check_does(tmp_path: Path, variant: str) -> None:
    # Found by review: demand re-read the CSV files as UTF-8 with commas (a traceback,
    # or a workbook written and then refused) and made a sheet of every CSV file.
    folder = folder_variant(tmp_path, variant)
    out = tmp_path / "demand.xlsx"
    args = ["demand", "--inputs", str(folder), "--calls", str(four_week_log(tmp_path))]

    result = runner.invoke(app, [*args, "--out", str(out)])

    assert result.exit_code == 0, result.output
    written, read = read_problem(out), read_problem(folder)
    assert written.staff[0].name == NAME
    assert (written.staff, written.zones, written.shifts) == (read.staff, read.zones, read.shifts)


def test_demand_command_refuses_a_broken_folder_and_writes_nothing(tmp_path: Path) -> None:
    folder = folder_variant(tmp_path, "cp1252")
    (folder / "Zones.csv").write_bytes(b"\xff\xfezone_id")  # UTF-16 by its BOM, then not
    out = tmp_path / "demand.xlsx"
    args = ["demand", "--inputs", str(folder), "--calls", str(four_week_log(tmp_path))]

    result = runner.invoke(app, [*args, "--out", str(out)])

    assert result.exit_code == 2, result.output
    assert "Zones: Zones.csv starts as UTF-16 text but byte 8 is not" in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["calls.csv", "program"]


def test_demand_command_writes_nothing_when_its_workbook_does_not_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found by review: the workbook was written first and read back after, so a
    # refusal (a traceback then) left it in place.
    import scheduler.io.read_workbook
    from scheduler.demand import workbook as demand_workbook  # scheduler.demand: the job

    read = scheduler.io.read_workbook.read_problem

    def refuse_the_output(path: str | Path) -> Problem:
        if Path(path) != SAMPLE:
            raise InputError(InputIssue(sheet="Staff", row=3, column="name", message="lost"))
        return read(path)

    for module in (scheduler.io.read_workbook, demand_workbook):
        monkeypatch.setattr(module, "read_problem", refuse_the_output, raising=False)
    out = tmp_path / "demand.xlsx"
    out.write_bytes(b"old")
    calls = str(ROOT / DEFAULT_OUT)

    result = runner.invoke(
        app, ["demand", "--inputs", str(SAMPLE), "--calls", calls, "-o", str(out)]
    )

    assert result.exit_code == 2, result.output
    assert "Staff!3 (name): lost" in result.output
    assert out.read_bytes() == b"old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["demand.xlsx"]
