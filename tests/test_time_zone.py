"""The program's clock: `Program.time_zone` and daylight saving (issue 16).

Every input time is local to the zone; `calendar.Clock` turns it into real minutes, so
pay, rest, overlaps and coverage are in elapsed time while days and weeks stay local.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import shutil
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from openpyxl import load_workbook
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.demand.calls import DemandSettings, hourly_needs, read_calls
from scheduler.errors import InputError
from scheduler.evaluate import evaluate
from scheduler.io.publish import write_calendars
from scheduler.io.read_workbook import load_problem, read_problem
from scheduler.io.write_workbook import write_roster_workbook
from scheduler.model import calendar
from scheduler.model.problem import Rules
from scheduler.repair import parse_now
from scheduler.simulate import LoggedCall, SimulationSettings, replay, simulate
from tests.factories import (
    D8,
    E8,
    assign,
    demand,
    make_problem,
    make_roster,
    person,
    template,
    unit,
)
from tests.solving import solve_checked

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "inputs" / "hartford"
CALLS = SAMPLE / "calls" / "calls.csv"
NIGHT = template("N", "21:30", "08:00", 30)  # 10 h paid by the wall clock
NEW_YORK = "America/New_York"


def monday_before(date: dt.date) -> dt.date:
    return date - dt.timedelta(days=date.weekday())


# --- Paid hours of a night across a change --------------------------------------------


@pytest.mark.parametrize(
    ("zone", "saturday", "paid_hours"),
    [
        (NEW_YORK, dt.date(2026, 3, 7), 9),  # clocks forward Sun 8 Mar 02:00
        (NEW_YORK, dt.date(2026, 10, 31), 11),  # back Sun 1 Nov 02:00
        ("Europe/London", dt.date(2026, 3, 28), 9),  # forward Sun 29 Mar 01:00
        ("Europe/London", dt.date(2026, 10, 24), 11),  # back Sun 25 Oct 02:00
        ("America/Phoenix", dt.date(2026, 3, 7), 10),  # no daylight saving
        (None, dt.date(2026, 3, 7), 10),  # no zone: wall-clock, as before
    ],
)
def test_a_night_across_a_change_is_paid_its_real_hours(
    zone: str | None, saturday: dt.date, paid_hours: int
) -> None:
    problem = make_problem(
        start_date=monday_before(saturday),
        time_zone=zone,
        shifts=(NIGHT,),
        staff=[person("C01", "clinician"), person("P01", "peer")],
    )
    roster = make_roster(unit(problem, "C01", "P01", saturday, "N"))
    hours = {h.employee_id: h for h in evaluate(problem, roster).hours}
    assert hours["C01"].paid_hours == paid_hours
    assert hours["C01"].weekly_paid_hours == (paid_hours,)
    # The checker agrees with the calendar's instance, and the end is the local 08:00.
    shift = calendar.instance(problem, problem.day_of(saturday), NIGHT)
    assert shift.paid_minutes == paid_hours * 60
    assert problem.moment(shift.end) == dt.datetime.combine(saturday, dt.time(8)) + dt.timedelta(
        days=1
    )


def test_overtime_follows_the_real_hours_of_the_autumn_night() -> None:
    # Four 10-h nights and the 11-h night of 31 October: 51 h, 11 of them overtime.
    saturday = dt.date(2026, 10, 31)
    staff = [
        person("C01", "clinician", hourly_rate=20, max_consecutive_days=7),
        person("P01", "peer", max_consecutive_days=7),
    ]
    days = [saturday - dt.timedelta(days=n) for n in range(5)]
    for zone, overtime in ((NEW_YORK, 11), (None, 10)):
        problem = make_problem(
            start_date=monday_before(saturday), time_zone=zone, shifts=(NIGHT,), staff=staff
        )
        roster = make_roster(*(unit(problem, "C01", "P01", day, "N") for day in days))
        hours = {h.employee_id: h for h in evaluate(problem, roster).hours}["C01"]
        assert hours.overtime_hours == overtime
        assert hours.overtime_cost == overtime * 20 * 1.5


def test_assignments_and_hours_sheets_show_the_real_paid_hours(tmp_path: Path) -> None:
    saturday = dt.date(2026, 3, 7)
    problem = make_problem(
        time_zone=NEW_YORK,
        shifts=(D8, NIGHT),
        staff=[person("C01", "clinician"), person("P01", "peer")],
    )
    roster = make_roster(
        unit(problem, "C01", "P01", saturday - dt.timedelta(days=1), "D8"),
        unit(problem, "C01", "P01", saturday, "N"),
    )
    written = write_roster_workbook(
        tmp_path / "roster.xlsx", problem, evaluate(problem, roster), roster=roster
    )
    book = load_workbook(written)
    rows = list(book["Assignments"].iter_rows(values_only=True))
    header = rows[0]
    assert header[-1] == "paid_hours" and header[:9] == (
        "date", "shift_id", "start", "end", "team", "zone", "unit_id", "employee_id", "role",
    )  # fmt: skip
    paid = {(row[1], row[7]): row[-1] for row in rows[1:]}
    assert paid == {("D8", "C01"): 8, ("D8", "P01"): 8, ("N", "C01"): 9, ("N", "P01"): 9}
    hours = list(book["Hours"].iter_rows(values_only=True))
    paid_column = hours[0].index("paid_hours")
    assert {row[0]: row[paid_column] for row in hours[1:]} == {"C01": 17, "P01": 17}
    summary = dict(book["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["time zone"] == NEW_YORK
    assert summary["clock change"] == (
        "Sun 2026-03-08 02:00 -> 03:00 (UTC-05:00 -> UTC-04:00): the day has 23 hours"
    )
    # The roster reads back and checks clean: start and end match the templates.
    assert not evaluate(problem, roster).hard_violations


def test_the_sample_week_across_the_spring_change(tmp_path: Path) -> None:
    """Done-when: the sample (America/New_York) for the week ending Sun 8 March 2026,
    with a night shift added on Saturday 7 March: Assignments shows 9 paid hours and
    overtime is counted on them."""
    sample = read_problem(SAMPLE)
    assert sample.time_zone == NEW_YORK
    assert [change.text for change in calendar.clock_changes(sample)] == [
        "Sun 2026-03-08 02:00 -> 03:00 (UTC-05:00 -> UTC-04:00): the day has 23 hours"
    ]
    problem = sample.replaced(shifts=(*sample.shifts, NIGHT), pins=())
    clinician = next(p for p in problem.staff if p.role.value == "clinician")
    peer = next(p for p in problem.staff if p.role.value == "peer")
    saturday = dt.date(2026, 3, 7)
    roster = make_roster(
        unit(problem, clinician.employee_id, peer.employee_id, saturday, "N", zone="North")
    )
    evaluation = evaluate(problem, roster)
    hours = {h.employee_id: h for h in evaluation.hours}
    assert hours[clinician.employee_id].paid_hours == 9
    written = write_roster_workbook(tmp_path / "r.xlsx", problem, evaluation, roster=roster)
    rows = list(load_workbook(written)["Assignments"].iter_rows(min_row=2, values_only=True))
    assert {row[-1] for row in rows} == {9}


# --- Rest across the spring change ------------------------------------------------------


def test_rest_is_real_time_across_the_spring_change() -> None:
    # E8 ends Sat 22:00, D8 starts Sun 08:00: 10 h by the clock, 9 real hours.
    staff = [person("C01", "clinician"), person("P01", "peer")]
    for zone, broken in ((NEW_YORK, True), (None, False)):
        problem = make_problem(time_zone=zone, staff=staff)
        roster = make_roster(
            unit(problem, "C01", "P01", 5, "E8"), unit(problem, "C01", "P01", 6, "D8")
        )
        rest = [v for v in evaluate(problem, roster).hard_violations if v.rule == "rest"]
        if broken:
            assert [v.employee_id for v in rest] == ["C01", "P01"]
            # The wall-clock times, not the horizon's start plus real minutes (07:00).
            assert rest[0].detail.startswith(
                "rest 9.0 h between E8 ending Sat 22:00 and D8 starting Sun 08:00"
            )
            assert rest[0].when == "Sun 2026-03-08 08:00"
            assert rest[0].amount == 1.0
        else:
            assert rest == []


def test_check_exits_1_naming_the_rest_rule_for_a_9_hour_rest(tmp_path: Path) -> None:
    program = tmp_path / "hartford"
    shutil.copytree(SAMPLE, program, ignore=shutil.ignore_patterns("*.xlsx", "calls"))
    problem = read_problem(program)
    clinician = next(p for p in problem.staff if p.role.value == "clinician")
    peer = next(p for p in problem.staff if p.role.value == "peer")
    roster = make_roster(
        unit(problem, clinician.employee_id, peer.employee_id, 5, "E8", zone="North"),
        unit(problem, clinician.employee_id, peer.employee_id, 6, "D8", zone="North"),
    )
    path = write_roster_workbook(
        tmp_path / "roster.xlsx", problem, evaluate(problem, roster), roster=roster
    )
    result = CliRunner().invoke(app, ["check", str(path), "--inputs", str(program)])
    assert result.exit_code == 1, result.output
    assert "rest" in result.output and "rest 9.0 h between E8 ending Sat 22:00" in result.output


def test_solve_never_rosters_a_9_hour_rest() -> None:
    # One unit only: Sat 14-22 and Sun 08-16 both need it. By the clock the 10 h rest
    # allows E8 then D8; in New York that night is 9 h, so the best is D8 on both days,
    # leaving Sat 16-22 short (6 slots).
    staff = [person("C01", "clinician"), person("P01", "peer")]
    need = [
        demand("adult", "N", "Sat", "14:00", "22:00", 1),
        demand("adult", "N", "Sun", "08:00", "16:00", 1),
    ]
    for zone, short in ((None, 0), (NEW_YORK, 6)):
        problem = make_problem(time_zone=zone, staff=staff, demand=need, shifts=(D8, E8))
        _, evaluation = solve_checked(problem)
        assert evaluation.parts.required_shortfall == short


# --- Skipped and repeated slots -----------------------------------------------------------


def _slot_starts(problem_zone: str, sunday: dt.date) -> list[tuple[str, str | None]]:
    problem = make_problem(
        start_date=monday_before(sunday),
        time_zone=problem_zone,
        demand=[demand("adult", "N", sunday, "00:00", "06:00", 1)],
        shifts=(NIGHT,),
        staff=[person("C01", "clinician"), person("P01", "peer")],
    )
    roster = make_roster(unit(problem, "C01", "P01", sunday - dt.timedelta(days=1), "N"))
    coverage = [row for row in evaluate(problem, roster).coverage if row.required]
    assert all(row.scheduled == 1 for row in coverage)
    return [(f"{row.slot_start:%H:%M}", row.utc_offset) for row in coverage]


def test_the_skipped_hour_has_no_slot_and_is_never_required() -> None:
    assert _slot_starts(NEW_YORK, dt.date(2026, 3, 8)) == [
        ("00:00", "-05:00"),
        ("01:00", "-05:00"),
        ("03:00", "-04:00"),
        ("04:00", "-04:00"),
        ("05:00", "-04:00"),
    ]


def test_the_repeated_hour_is_two_slots_each_covered() -> None:
    assert _slot_starts(NEW_YORK, dt.date(2026, 11, 1)) == [
        ("00:00", "-04:00"),
        ("01:00", "-04:00"),
        ("01:00", "-05:00"),
        ("02:00", "-05:00"),
        ("03:00", "-05:00"),
        ("04:00", "-05:00"),
        ("05:00", "-05:00"),
    ]


def test_coverage_sheet_tells_the_repeated_hour_apart(tmp_path: Path) -> None:
    sunday = dt.date(2026, 11, 1)
    problem = make_problem(
        start_date=monday_before(sunday),
        time_zone=NEW_YORK,
        demand=[demand("adult", "N", sunday, "01:00", "02:00", 1)],
        shifts=(NIGHT,),
        staff=[person("C01", "clinician"), person("P01", "peer")],
    )
    evaluation = evaluate(problem, make_roster())
    path = write_roster_workbook(tmp_path / "r.xlsx", problem, evaluation, roster=make_roster())
    rows = list(load_workbook(path)["Coverage"].iter_rows(values_only=True))
    assert rows == [
        (
            "slot_start",
            "team",
            "zone",
            "required",
            "target",
            "scheduled",
            "shortfall",
            "utc_offset",
        ),
        ("2026-11-01T01:00", "adult", "N", 1, 1, 0, 1, "-04:00"),
        ("2026-11-01T01:00", "adult", "N", 1, 1, 0, 1, "-05:00"),
    ]


def test_a_time_in_the_skipped_hour_is_read_with_the_offset_before_it() -> None:
    # fold=0: 02:30 on 8 March does not exist and stands for 03:30 summer time.
    early = template("X", "02:30", "06:00")
    problem = make_problem(time_zone=NEW_YORK, shifts=(early,))
    shift = calendar.instance(problem, 6, early)
    assert problem.moment(shift.start) == dt.datetime(2026, 3, 8, 3, 30)
    assert shift.end - shift.start == 150
    # A repeated time is its first occurrence (summer time).
    autumn = make_problem(start_date=dt.date(2026, 10, 26), time_zone=NEW_YORK)
    first = autumn.minute_of(dt.datetime(2026, 11, 1, 1, 30))
    assert autumn.clock.utc_offset(first) == dt.timedelta(hours=-4)
    assert autumn.minute_of(dt.datetime(2026, 11, 1, 1, 30, fold=1)) == first + 60


# --- Reading the key ----------------------------------------------------------------------


def test_program_time_zone_is_read_and_checked(tmp_path: Path) -> None:
    program = tmp_path / "p"
    shutil.copytree(SAMPLE, program, ignore=shutil.ignore_patterns("*.xlsx", "calls"))
    sheet = program / "Program.csv"
    sheet.write_text(sheet.read_text().replace(NEW_YORK, "America/Hartford"), encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_problem(program)
    assert "Program" in error.value.render() and "America/Hartford" in error.value.render()
    lines = [line for line in sheet.read_text().splitlines() if "time_zone" not in line]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = load_problem(program)
    without = loaded.value
    assert without.time_zone is None and loaded.warnings == ()
    assert "daylight saving is not applied" in calendar.clock_warnings(without)[0]
    result = CliRunner().invoke(
        app, ["solve", str(program), "--out", str(tmp_path / "o.xlsx"), "-q", "--time-limit", "1"]
    )
    assert "daylight saving is not applied" in result.output


def test_the_template_has_a_time_zone_row(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["template", str(tmp_path / "blank.xlsx")])
    assert result.exit_code == 0, result.output
    keys = [
        row[0]
        for row in load_workbook(tmp_path / "blank.xlsx")["Program"].iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert "time_zone" in keys


# --- Call logs and --now --------------------------------------------------------------------


def _utc_log(source: Path, target: Path, zone: ZoneInfo) -> None:
    with source.open(encoding="utf-8") as read, target.open("w", encoding="utf-8") as write:
        rows = list(csv.reader(read))
        out = csv.writer(write, lineterminator="\n")
        out.writerow(rows[0])
        for row in rows[1:]:
            local = dt.datetime.fromisoformat(row[0]).replace(tzinfo=zone)
            row[0] = local.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            out.writerow(row)


def test_a_utc_call_log_gives_the_same_demand_and_service_level(tmp_path: Path) -> None:
    problem = read_problem(SAMPLE)
    utc_log = tmp_path / "calls_utc.csv"
    _utc_log(CALLS, utc_log, ZoneInfo(NEW_YORK))
    assert "Z" in utc_log.read_text().splitlines()[1]
    local_calls, utc_calls = read_calls(CALLS, problem), read_calls(utc_log, problem)
    assert [c.received_at for c in utc_calls] == [c.received_at for c in local_calls]
    demand_settings = DemandSettings(operating_hours=(8, 22))
    assert hourly_needs(utc_calls, problem, demand_settings) == hourly_needs(
        local_calls, problem, demand_settings
    )
    books = []
    for name, log in (("local", CALLS), ("utc", utc_log)):
        out = tmp_path / f"demand_{name}.xlsx"
        args = ["demand", "--inputs", str(SAMPLE), "--calls", str(log), "--hours", "08-22"]
        result = CliRunner().invoke(app, [*args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        book = load_workbook(out)
        books.append({s.title: list(s.iter_rows(values_only=True)) for s in book.worksheets})
    assert books[0] == books[1]
    # Simulated against one roster, both logs give the same service level.
    demand_problem = read_problem(tmp_path / "demand_local.xlsx")
    roster = make_roster(
        *(
            unit(demand_problem, c.employee_id, p.employee_id, 0, "D12", zone=zone)
            for c, p, zone in zip(
                [x for x in demand_problem.staff if x.role.value == "clinician"][:3],
                [x for x in demand_problem.staff if x.role.value == "peer"][:3],
                demand_problem.zone_ids,
                strict=True,
            )
        )
    )
    levels = []
    for calls in (local_calls, utc_calls):
        logged = [LoggedCall(c.received_at, c.zone, c.team, c.busy_minutes or 75) for c in calls]
        result_sim = simulate(
            demand_problem,
            roster,
            SimulationSettings(replications=5),
            replay(demand_problem, logged),
        )
        levels.append(result_sim.group().within_target)
    assert levels[0] == levels[1] and levels[0] is not None


def test_a_mixed_call_log_warns_counting_each_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = read_problem(SAMPLE)
    log = tmp_path / "mixed.csv"
    log.write_text(
        "received_at,zone,team\n"
        "2026-01-05T14:03:00Z,North,adult\n"
        "2026-01-05T09:03:00,North,adult\n"
        "2026-01-05T09:03:00-05:00,North,adult\n",
        encoding="utf-8",
    )
    calls = read_calls(log, problem)
    assert {c.received_at for c in calls} == {dt.datetime(2026, 1, 5, 9, 3)}
    err = capsys.readouterr().err
    assert "2 received_at timestamp(s) with a UTC offset" in err and "1 without one" in err


def test_now_with_an_offset_is_converted_like_a_call_log() -> None:
    problem = read_problem(SAMPLE)
    assert parse_now("2026-03-04T15:00Z", problem) == dt.datetime(2026, 3, 4, 10, 0)
    assert parse_now("2026-03-04T10:00", problem) == dt.datetime(2026, 3, 4, 10, 0)
    with pytest.raises(InputError, match="no time_zone"):
        parse_now("2026-03-04T15:00Z", make_problem())


# --- Calendars ------------------------------------------------------------------------------


def test_calendars_carry_tzid_and_vtimezone_and_read_back_to_real_instants(tmp_path: Path) -> None:
    saturday = dt.date(2026, 3, 7)
    problem = make_problem(
        time_zone=NEW_YORK,
        shifts=(D8, NIGHT),
        staff=[person("C01", "clinician"), person("P01", "peer")],
    )
    roster = make_roster(
        unit(problem, "C01", "P01", 4, "D8"), unit(problem, "C01", "P01", saturday, "N")
    )
    paths = write_calendars(roster, problem, tmp_path)
    assert len(paths) == 2
    expected = sorted(
        (
            problem.clock.instant(shift.start).astimezone(dt.UTC),
            problem.clock.instant(shift.end).astimezone(dt.UTC),
        )
        for shift in (
            calendar.instance(problem, 4, D8),
            calendar.instance(problem, 5, NIGHT),
        )
    )
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert "DTSTART;TZID=America/New_York:20260307T213000" in text
        parsed = Calendar.from_ical(text)
        assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == [NEW_YORK]
        events = parsed.walk("VEVENT")
        instants = sorted(
            (e.decoded("dtstart").astimezone(dt.UTC), e.decoded("dtend").astimezone(dt.UTC))
            for e in events
        )
        assert instants == expected
        night = instants[1]
        assert night[1] - night[0] == dt.timedelta(hours=9, minutes=30)


def test_calendars_float_without_a_time_zone(tmp_path: Path) -> None:
    problem = make_problem(staff=[person("C01", "clinician"), person("P01", "peer")])
    paths = write_calendars(make_roster(unit(problem, "C01", "P01", 0, "D8")), problem, tmp_path)
    text = paths[0].read_text(encoding="utf-8")
    assert "TZID" not in text and "VTIMEZONE" not in text
    assert "DTSTART:20260302T080000" in text


# --- Properties: random zones and horizons across a change -------------------------------


def _zones_with_changes() -> list[str]:
    found = []
    for name in sorted(
        ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
         "America/Santiago", "America/Sao_Paulo", "Europe/London", "Europe/Berlin",
         "Europe/Kyiv", "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Auckland",
         "America/Havana", "Asia/Beirut", "America/St_Johns", "Africa/Cairo"]
    ):  # fmt: skip
        if _changes_in_2026(name):
            found.append(name)
    return found


@cache
def _changes_in_2026(name: str) -> list[dt.datetime]:
    zone = ZoneInfo(name)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    hours = [start + dt.timedelta(hours=h) for h in range(365 * 24)]
    return [
        later.astimezone(zone).replace(tzinfo=None)
        for earlier, later in itertools.pairwise(hours)
        if earlier.astimezone(zone).utcoffset() != later.astimezone(zone).utcoffset()
    ]


ZONES = _zones_with_changes()


@st.composite
def horizons(draw: st.DrawFn) -> tuple[str, dt.date, int]:
    """A zone, and a start date 1-6 days before one of its 2026 changes, 2-14 days long
    (not the change's day: a change at midnight would come before the horizon)."""
    name = draw(st.sampled_from(ZONES))
    change = draw(st.sampled_from(_changes_in_2026(name)))
    start = change.date() - dt.timedelta(days=draw(st.integers(1, 6)))
    return name, start, draw(st.integers(max(2, (change.date() - start).days + 1), 14))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    horizons(),
    st.integers(0, 23 * 4).map(lambda q: q * 15),
    st.integers(1, 23 * 4).map(lambda q: q * 15),
)
def test_instances_and_slots_are_real_time(
    horizon: tuple[str, dt.date, int], start_minute: int, length: int
) -> None:
    name, start_date, days = horizon
    zone = ZoneInfo(name)
    end_minute = (start_minute + length) % (24 * 60)
    shift = template("X", f"{start_minute // 60:02d}:{start_minute % 60:02d}",
                     f"{end_minute // 60:02d}:{end_minute % 60:02d}", 15)  # fmt: skip
    problem = make_problem(
        start_date=start_date, days=days, time_zone=name, shifts=(shift,), slot_minutes=15
    )
    origin = dt.datetime.combine(start_date, dt.time(), tzinfo=zone).astimezone(dt.UTC)

    def real(local: dt.datetime) -> float:
        return (local.replace(tzinfo=zone).astimezone(dt.UTC) - origin).total_seconds() / 60

    horizon_end = dt.datetime.combine(start_date + dt.timedelta(days=days), dt.time())
    assert problem.horizon_minutes == real(horizon_end)
    # Changes of the zone inside the horizon make the days 23 or 25 hours (or so) long.
    changes = calendar.clock_changes(problem)
    assert changes
    total_change = sum(((c.after - c.before) for c in changes), dt.timedelta())
    assert problem.horizon_minutes == days * 24 * 60 - total_change.total_seconds() / 60
    for day in range(days):
        one = calendar.instance(problem, day, shift)
        date = problem.date_of(day)
        begin = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=start_minute)
        finish = dt.datetime.combine(
            date + dt.timedelta(days=int(end_minute <= start_minute)), dt.time()
        ) + dt.timedelta(minutes=end_minute)
        assert one.start == real(begin)
        assert one.end == max(one.start, real(finish))
        assert one.paid_minutes == max(0, one.end - one.start - 15)
        # Back to the wall clock: the same instant.
        assert real(problem.moment(one.start)) == one.start
    # Every real slot maps to a local time and back, and slots never repeat an instant.
    starts = [calendar.slot_moment(problem, s) for s in range(calendar.slot_count(problem))]
    assert [problem.minute_of(m) for m in starts] == [
        s * 15 for s in range(calendar.slot_count(problem))
    ]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(horizons(), st.integers(5, 14))
def test_checker_rest_is_the_real_gap(horizon: tuple[str, dt.date, int], rest_hours: int) -> None:
    """Two shifts on consecutive days across a change: the checker reports rest exactly
    when the real gap (not the wall-clock one) is short."""
    name, start_date, days = horizon
    rules = Rules(min_rest_hours=rest_hours)
    problem = make_problem(
        start_date=start_date, days=days, time_zone=name, rules=rules,
        staff=[person("C01", "clinician", rules=rules)], people_per_unit=1,
    )  # fmt: skip
    for day in range(days - 1):
        roster = make_roster(
            assign(problem, "C01", day, "E8"), assign(problem, "C01", day + 1, "D8")
        )
        first = calendar.instance(problem, day, E8)
        second = calendar.instance(problem, day + 1, D8)
        gap = second.start - first.end
        reported = [v for v in evaluate(problem, roster).hard_violations if v.rule == "rest"]
        assert bool(reported) == (gap < rest_hours * 60), (name, start_date, day, gap)
