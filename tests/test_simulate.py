"""The dispatch simulation: the Erlang C model check, the dispatch rules on hand-made
calls, and determinism by seed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.demand.erlang import service_level
from scheduler.evaluate import evaluate
from scheduler.io.read_workbook import read_problem
from scheduler.io.write_workbook import write_roster_workbook
from scheduler.model.problem import Problem, Role, Team, TravelTime, Zone
from scheduler.model.roster import Assignment, Roster
from scheduler.simulate import (
    ALL,
    BusyDistribution,
    Call,
    LoggedCall,
    SimulationSettings,
    replay,
    simulate,
)
from tests.factories import START, make_problem, make_roster, person, unit

ADULT = Team("adult")
# Every call takes exactly its mean busy time: results can be worked out by hand.
FIXED = SimulationSettings(target_minutes=10, replications=1, seed=1, busy_cv=0)


def _two_zone_problem() -> Problem:
    """Zones N and S, 5 minutes of travel inside either; two adult units' worth of staff."""
    return make_problem(
        zones=(
            Zone(zone_id="N", name="North", travel_minutes=5),
            Zone(zone_id="S", name="South", travel_minutes=5),
        ),
        staff=[
            person("C01", "clinician"),
            person("P01", "peer"),
            person("C02", "clinician", home_zone="S"),
            person("P02", "peer", home_zone="S"),
        ],
    )


def _call(clock: str, zone: str = "N", busy: float = 60) -> Call:
    """A call on the first day (08:00 is minute 480)."""
    hours, minutes = clock.split(":")
    return Call(int(hours) * 60 + int(minutes), zone, ADULT, busy)


def _checked(problem: Problem, roster: Roster) -> Roster:
    """Every roster a test makes breaks no hard rule (the checker agrees)."""
    assert not evaluate(problem, roster).hard_violations
    return roster


def _outcomes(
    problem: Problem, roster: Roster, calls: list[Call]
) -> list[tuple[str | None, float]]:
    result = simulate(problem, _checked(problem, roster), FIXED, calls=calls)
    return [(o.unit_id, o.response) for o in result.replications[0].outcomes]


def test_call_with_a_free_unit_in_its_zone_is_served_locally() -> None:
    problem = _two_zone_problem()
    roster = make_roster(
        unit(problem, "C01", "P01", 0, "D8", zone="N", unit_id="UN"),
        unit(problem, "C02", "P02", 0, "D8", zone="S", unit_id="US"),
    )
    # The North unit is free at 09:00: no wait, 5 minutes of home-zone travel.
    assert _outcomes(problem, roster, [_call("09:00")]) == [("UN", 5.0)]


def test_call_goes_to_the_neighbour_zone_when_its_own_unit_is_busy() -> None:
    problem = _two_zone_problem()
    roster = make_roster(
        unit(problem, "C01", "P01", 0, "D8", zone="N", unit_id="UN"),
        unit(problem, "C02", "P02", 0, "D8", zone="S", unit_id="US"),
    )
    # UN is on the 09:00 call until 10:00; the 09:10 call gets US: 5 + 8 minutes penalty.
    assert _outcomes(problem, roster, [_call("09:00"), _call("09:10")]) == [
        ("UN", 5.0),
        ("US", 13.0),
    ]


def test_travel_between_zones_comes_from_the_travel_sheet() -> None:
    problem = _two_zone_problem().model_copy(
        update={"travel": (TravelTime(from_zone="S", to_zone="N", minutes=11),)}
    )
    roster = make_roster(
        unit(problem, "C01", "P01", 0, "D8", zone="N", unit_id="UN"),
        unit(problem, "C02", "P02", 0, "D8", zone="S", unit_id="US"),
    )
    # As above, but the Travel row says S to N takes 11 minutes (not 5 + 8).
    assert _outcomes(problem, roster, [_call("09:00"), _call("09:10")]) == [
        ("UN", 5.0),
        ("US", 11.0),
    ]
    # The row counts both ways; within a zone, Zones.travel_minutes still holds.
    assert (problem.travel_minutes("N", "S"), problem.travel_minutes("S", "S")) == (11, 5)


def test_calls_wait_in_order_for_the_first_unit_that_frees_up() -> None:
    problem = _two_zone_problem()
    roster = make_roster(unit(problem, "C01", "P01", 0, "D8", zone="N", unit_id="UN"))
    calls = [_call("09:00"), _call("09:10"), _call("09:20")]
    # UN frees at 10:00 (09:10 call: waits 50 + 5 travel), then at 11:00 (09:20: 100 + 5).
    assert _outcomes(problem, roster, calls) == [("UN", 5.0), ("UN", 55.0), ("UN", 105.0)]


def test_no_unit_on_duty_leaves_the_call_uncovered_and_a_unit_finishes_its_call() -> None:
    problem = _two_zone_problem()
    roster = make_roster(unit(problem, "C01", "P01", 0, "D8", zone="N", unit_id="UN"))
    # D8 ends 16:30: the 16:00 call (60 min) is finished after the shift end; the 16:40 and
    # 03:00 calls find no adult unit on duty anywhere.
    calls = [_call("03:00"), _call("16:00"), _call("16:40")]
    result = simulate(problem, _checked(problem, roster), FIXED, calls=calls)
    outcomes = result.replications[0].outcomes
    assert [(o.unit_id, o.uncovered) for o in outcomes] == [
        (None, True),
        ("UN", False),
        (None, True),
    ]
    overall = result.group()
    # One call of three reached within 10 minutes.
    assert overall.within_target is not None and abs(overall.within_target.mean - 1 / 3) < 1e-9
    # Busy 16:00-16:30 counted (on duty), 16:30-17:00 after the shift is not: 30 / 510 min.
    assert overall.utilisation is not None and abs(overall.utilisation.mean - 30 / 510) < 1e-9


def test_by_zone_and_hour_groups_count_their_own_calls() -> None:
    problem = _two_zone_problem()
    roster = make_roster(
        unit(problem, "C01", "P01", 0, "D8", zone="N", unit_id="UN"),
        unit(problem, "C02", "P02", 0, "D8", zone="S", unit_id="US"),
    )
    calls = [_call("09:00"), _call("09:30", zone="S"), _call("11:15", zone="S")]
    result = simulate(problem, _checked(problem, roster), FIXED, calls=calls)
    # Two South calls (09:30 and 11:15), one call in hour 11.
    assert result.group("adult", "S").calls == 2
    assert result.group(ALL, ALL, 11).calls == 1
    assert result.group("adult", "N", 9).calls == 1


def _constant_staffing(problem: Problem, units: int) -> Roster:
    """`units` adult units in zone N for the whole horizon (not a legal roster: a model)."""
    start = dt.datetime.combine(START, dt.time())
    end = start + dt.timedelta(days=problem.days)
    return Roster(
        assignments=tuple(
            Assignment(
                date=START,
                shift_id="ALL",
                start=start,
                end=end,
                team=ADULT,
                zone="N",
                unit_id=f"U{i}",
                employee_id=f"E{i}",
                role=Role("clinician"),
            )
            for i in range(units)
        )
    )


def test_simulated_service_level_agrees_with_erlang_c() -> None:
    # M/M/4 with offered load A = 2 (2 calls/hour x 60 minutes), no travel: the share of
    # calls that wait at most 10 minutes is Erlang C's SL = 1 - P_wait e^{-(N-A) t / AHT}.
    problem = make_problem(days=28, zones=(Zone(zone_id="N", name="N", travel_minutes=0),))
    rates = {(weekday, hour, "N", ADULT): 2.0 for weekday in range(7) for hour in range(24)}
    settings = SimulationSettings(
        target_minutes=10,
        replications=20,
        seed=1,
        busy_distribution=BusyDistribution.EXPONENTIAL,
        busy_minutes=60,
    )
    result = simulate(problem, _constant_staffing(problem, 4), settings, rates=rates)
    overall = result.group()
    assert overall.within_target is not None and overall.utilisation is not None
    expected = service_level(2.0, 4, 10, 60)
    assert overall.within_target.low <= expected <= overall.within_target.high
    # Utilisation of N units is A / N.
    assert overall.utilisation.low <= 0.5 <= overall.utilisation.high
    # The interval is tight enough for the check to mean something.
    assert overall.within_target.half_width < 0.03


def test_same_seed_same_result_other_seed_other_calls() -> None:
    problem = _two_zone_problem()
    roster = make_roster(unit(problem, "C01", "P01", 0, "D8", zone="N", unit_id="UN"))
    rates = {(0, hour, "N", ADULT): 1.0 for hour in range(8, 16)}
    settings = SimulationSettings(replications=3, seed=5)
    first = simulate(problem, _checked(problem, roster), settings, rates=rates)
    again = simulate(problem, roster, settings, rates=rates)
    other = simulate(problem, roster, SimulationSettings(replications=3, seed=6), rates=rates)
    assert first.groups == again.groups
    assert first.groups != other.groups


# ---- the `simulate` command --------------------------------------------------------------

SMALL = Path(__file__).parent / "data" / "valid" / "small"
runner = CliRunner()
RATES_HEADER = ("weekday", "hour", "zone", "team", "calls_per_hour", "busy_minutes")


def _small_roster_workbook(folder: Path) -> Path:
    """The small sample with one adult unit (C1 + P1) in zone N on Monday's D8."""
    problem = read_problem(SMALL)
    roster = _checked(problem, make_roster(unit(problem, "C1", "P1", 0, "D8", zone="N")))
    path = folder / "roster.xlsx"
    write_roster_workbook(path, problem, evaluate(problem, roster), roster=roster)
    return path


def _rates_workbook(folder: Path, rows: list[tuple[object, ...]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Rates"
    sheet.append(RATES_HEADER)
    for row in rows:
        sheet.append(row)
    path = folder / "demand.xlsx"
    book.save(path)
    return path


def test_simulate_command_prints_headlines_and_writes_the_report(tmp_path: Path) -> None:
    roster = _small_roster_workbook(tmp_path)
    rates = _rates_workbook(tmp_path, [("Mon", hour, "N", "adult", 0.5, 60) for hour in (9, 10)])
    out = tmp_path / "report.xlsx"
    args = ["simulate", str(roster), "--inputs", str(SMALL), "--rates", str(rates)]
    result = runner.invoke(app, [*args, "--replications", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("all teams: ")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["SimSummary", "SimByZone", "SimByHour"]
    # Calls only in hours 9 and 10, all adult, all in N: one team row besides All.
    assert [
        row[0] for row in book["SimSummary"].iter_rows(min_row=2, max_row=3, values_only=True)
    ] == ["All", "adult"]
    assert all(len(book[name]._charts) == 1 for name in book.sheetnames)


def test_a_bad_rates_cell_exits_2_naming_sheet_row_and_column(tmp_path: Path) -> None:
    roster = _small_roster_workbook(tmp_path)
    rates = _rates_workbook(
        tmp_path, [("Mon", 9, "N", "adult", 0.5, 60), ("Mon", 25, "X", "adult", -1, 60)]
    )
    out = tmp_path / "report.xlsx"
    args = ["simulate", str(roster), "--inputs", str(SMALL), "--rates", str(rates)]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 2
    # Row 3 of Rates: the hour (column B), the zone (C) and the rate (E) are wrong.
    assert "Rates!B3 (hour)" in result.stderr
    assert "Rates!C3 (zone)" in result.stderr
    assert "Rates!E3 (calls_per_hour)" in result.stderr
    assert not out.exists()


def test_rates_beyond_any_program_are_located_not_simulated(tmp_path: Path) -> None:
    # Found by review: 1e7 calls an hour ran for minutes and took gigabytes; an infinite
    # hour or busy time overflowed in a traceback.
    roster = _small_roster_workbook(tmp_path)
    rates = _rates_workbook(
        tmp_path,
        [
            ("Mon", 9, "N", "adult", 1e7, 60),
            ("Mon", float("inf"), "N", "adult", 0.5, 60),
            ("Mon", 10, "N", "adult", 0.5, float("inf")),
        ],
    )
    out = tmp_path / "report.xlsx"
    args = ["simulate", str(roster), "--inputs", str(SMALL), "--rates", str(rates)]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "Rates!E2 (calls_per_hour): calls_per_hour 10000000 is not a number from 0 to 200" in (
        result.stderr
    )
    # (openpyxl stores infinity as an empty cell: still a located refusal.)
    assert "Rates!B3 (hour): hour None is not a whole number from 0 to 23" in result.stderr
    assert "Rates!F4 (busy_minutes)" in result.stderr
    assert not out.exists()


def test_simulate_needs_exactly_one_source_of_calls(tmp_path: Path) -> None:
    roster = _small_roster_workbook(tmp_path)
    result = runner.invoke(app, ["simulate", str(roster), "--inputs", str(SMALL)])
    # Neither --calls nor --rates.
    assert result.exit_code == 2
    assert "exactly one of --calls" in result.stderr


def test_simulate_replays_a_call_log_within_the_horizon(tmp_path: Path) -> None:
    roster = _small_roster_workbook(tmp_path)
    log = tmp_path / "calls.csv"
    log.write_text(
        "received_at,zone,team,busy_minutes\n"
        "2026-03-02T09:00,N,adult,60\n"
        "2026-01-05T09:00,N,adult,60\n",  # before the roster's week: not replayed
        encoding="utf-8",
    )
    args = ["simulate", str(roster), "--inputs", str(SMALL), "--calls", str(log)]
    result = runner.invoke(app, [*args, "--replications", "2"])
    assert result.exit_code == 0, result.output
    assert "Replaying 1 of 2 logged calls on their own dates." in result.stdout
    # The N unit is free at 09:00 and N's travel is 8 minutes: reached within 10.
    assert "all teams: 1.0 calls/run, within 10 min 100.0% (±0.0%), median 8.0 min" in result.stdout


def test_a_unit_starting_its_shift_takes_the_oldest_waiting_call() -> None:
    problem = _two_zone_problem()
    roster = make_roster(
        unit(problem, "C01", "P01", 0, "D8", zone="N", unit_id="UN"),
        unit(problem, "C02", "P02", 0, "E8", zone="S", unit_id="US"),
    )
    # UN is busy 13:00-14:00; the 13:10 call waits until US starts at 13:30 in S:
    # 20 minutes of waiting + 5 + 8 minutes from the other zone.
    assert _outcomes(problem, roster, [_call("13:00"), _call("13:10")]) == [
        ("UN", 5.0),
        ("US", 33.0),
    ]


def test_lognormal_busy_time_has_the_given_mean() -> None:
    # One unit all 28 days, a call of mean 60 minutes every 3 hours: the expected
    # utilisation is the calls' mean busy minutes over the on-duty minutes (about 1/3).
    problem = make_problem(days=28, zones=(Zone(zone_id="N", name="N", travel_minutes=0),))
    calls = [Call(minute, "N", ADULT, 60) for minute in range(0, 28 * 24 * 60 - 180, 180)]
    expected = len(calls) * 60 / (28 * 24 * 60)
    settings = SimulationSettings(replications=20, seed=3)
    result = simulate(problem, _constant_staffing(problem, 1), settings, calls=calls)
    utilisation = result.group().utilisation
    assert utilisation is not None
    assert utilisation.low <= expected <= utilisation.high


def _logged(moment: str) -> LoggedCall:
    return LoggedCall(dt.datetime.fromisoformat(moment), "N", ADULT, 60)


def test_a_log_on_the_rosters_dates_is_replayed_as_it_is() -> None:
    problem = _two_zone_problem()  # Mon 2026-03-02, 7 days
    replayed = replay(problem, [_logged("2026-03-02T09:00"), _logged("2026-02-20T09:00")])
    # One list: the call inside the horizon; the one before it is left out.
    assert [[c.minute for c in calls] for calls in replayed.call_sets] == [[540]]


def test_a_log_from_other_dates_is_replayed_week_by_week_on_the_rosters_dates() -> None:
    problem = _two_zone_problem()  # Mon 2026-03-02, 7 days
    log = [
        _logged("2026-01-07T09:00"),  # Wednesday before the first whole week: dropped
        _logged("2026-01-12T09:00"),  # Mon, week 1 -> minute 540
        _logged("2026-01-20T10:00"),  # Tue, week 2 -> day 1 10:00 = 1440 + 600
        _logged("2026-01-25T23:00"),  # Sun, week 2 -> day 6 23:00 = 6 x 1440 + 1380
        _logged("2026-01-27T08:00"),  # Tue of a week the log does not finish: dropped
    ]
    replayed = replay(problem, log)
    assert [[c.minute for c in calls] for calls in replayed.call_sets] == [
        [540],
        [2040, 10020],
    ]
    assert "2 stretches of 7 days from 2026-01-12" in replayed.description
    roster = make_roster(unit(problem, "C01", "P01", 0, "D8", zone="N", unit_id="UN"))
    settings = SimulationSettings(target_minutes=10, replications=4, seed=1, busy_cv=0)
    result = simulate(problem, _checked(problem, roster), settings, calls=replayed)
    # Runs take the stretches in turn: 1, 2, 1, 2 calls.
    assert [len(r.outcomes) for r in result.replications] == [1, 2, 1, 2]
