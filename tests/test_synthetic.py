"""Synthetic programs: determinism, benchmark size, demand sizing, and the CSV writer."""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections import Counter
from pathlib import Path

import pytest
from pydantic import BaseModel

from scheduler.io.read_workbook import load_problem, read_problem
from scheduler.model.calendar import coverage_requirements
from scheduler.model.problem import (
    MINUTES_PER_DAY,
    PairKind,
    Pin,
    Problem,
    Role,
    Team,
    TimeOffKind,
)
from scheduler.synthetic import synthetic_program, write_problem_csv

HARTFORD = Path(__file__).parents[1] / "inputs" / "hartford"


@pytest.fixture(scope="module")
def benchmark() -> Problem:
    return synthetic_program(60, 60, 4, 28, around_the_clock=True)


def _required_unit_hours(problem: Problem, team: Team | None = None) -> float:
    required = coverage_requirements(problem)
    slots = sum(r.required for (t, _, _), r in required.items() if team in (None, t))
    return slots * problem.slot_minutes / 60


def _days_with_demand(problem: Problem, zone: str) -> set[int]:
    slots_per_day = MINUTES_PER_DAY // problem.slot_minutes
    return {
        slot // slots_per_day
        for (team, z, slot), r in coverage_requirements(problem).items()
        if team is Team.ADULT and z == zone and r.required > 0
    }


def _without_rows(problem: Problem) -> Problem:
    """The problem without what is not data: Excel row numbers."""

    def strip(items: tuple[BaseModel, ...]) -> tuple[BaseModel, ...]:
        return tuple(item.model_copy(update={"row": None}) for item in items)

    return problem.model_copy(
        update={
            name: strip(getattr(problem, name))
            for name in ("staff", "demand", "time_off", "pins", "pairs")
        }
    )


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_same_seed_gives_an_equal_problem_and_another_seed_a_different_one() -> None:
    assert synthetic_program(seed=7) == synthetic_program(seed=7)
    assert synthetic_program(60, 60, 4, 28, True, seed=3) == synthetic_program(
        60, 60, 4, 28, True, seed=3
    )
    assert synthetic_program(seed=7) != synthetic_program(seed=8)
    assert synthetic_program(seed=7).staff != synthetic_program(seed=8).staff


def test_the_benchmark_program_has_the_expected_size(benchmark: Problem) -> None:
    started = time.perf_counter()
    synthetic_program(60, 60, 4, 28, around_the_clock=True)
    assert time.perf_counter() - started < 1.0

    assert Counter(p.role for p in benchmark.staff) == {Role.CLINICIAN: 60, Role.PEER: 60}
    assert benchmark.zone_ids == ("Z1", "Z2", "Z3", "Z4")
    assert (benchmark.start_date, benchmark.days) == (dt.date(2026, 3, 2), 28)
    assert [s.shift_id for s in benchmark.shifts] == [
        "D8",
        "E8",
        "D10",
        "M10",
        "L10",
        "D12",
        "N12",
    ]
    night = benchmark.shift("N12")
    assert (night.start_minute, night.end_minute, night.paid_minutes) == (1200, 480, 690)
    assert len({p.employee_id for p in benchmark.staff}) == 120
    assert {p.employee_id for p in benchmark.staff if p.role is Role.CLINICIAN} == {
        f"C{i:02d}" for i in range(1, 61)
    }


def test_staff_shares_follow_the_docstring(benchmark: Problem) -> None:
    for role in Role:
        people = [p for p in benchmark.staff if p.role is role]
        assert sum(Team.JUVENILE in p.teams for p in people) == 18
        assert sum(p.is_trainee for p in people) == 3
        assert not [p for p in people if p.is_trainee and Team.JUVENILE in p.teams]
        assert Counter(p.min_hours_per_week for p in people) == {40: 48, 32: 12}
        assert {p.max_hours_per_week for p in people} == {48}
        assert Counter(p.home_zone for p in people) == {"Z1": 15, "Z2": 15, "Z3": 15, "Z4": 15}
    forbidden = [pair for pair in benchmark.pairs if pair.kind is PairKind.FORBID]
    assert len(forbidden) == 1
    assert Team.JUVENILE not in benchmark.person(forbidden[0].clinician_id).teams
    assert sum(pair.kind is PairKind.PREFER for pair in benchmark.pairs) == 6
    assert len(benchmark.time_off) == 12


def test_every_zone_has_adult_demand_every_day(benchmark: Problem) -> None:
    for problem in (benchmark, synthetic_program(), synthetic_program(3, 3, 3, 7)):
        for zone in problem.zone_ids:
            assert _days_with_demand(problem, zone) == set(range(problem.days))


def test_around_the_clock_covers_every_hour_but_the_first_morning(benchmark: Problem) -> None:
    required = coverage_requirements(benchmark)
    for zone in benchmark.zone_ids:
        needed = {slot for (t, z, slot), r in required.items() if z == zone and r.required}
        # 00:00-08:00 of the first day belongs to the previous roster's night shift.
        assert needed == set(range(8, 28 * 24))


def test_the_default_program_has_the_shape_of_the_hartford_sample() -> None:
    problem = synthetic_program()
    # Weekdays 08:00-22:00 in every zone, a 2-unit peak in two zones, juvenile
    # in one, weekends 10:00-20:00: 41 of 50 shifts and 405 of 480 paid hours.
    assert _required_unit_hours(problem) == 370
    assert _required_unit_hours(problem, Team.JUVENILE) == 40
    peak_rows = [d for d in problem.demand if (d.start_minute, d.end_minute) == (780, 1140)]
    assert Counter((d.required_units, d.target) for d in peak_rows) == {(2, 2): 10, (1, 2): 5}
    assert _required_unit_hours(problem) == _required_unit_hours(read_problem(HARTFORD))


def test_demand_grows_with_the_staff_and_stays_within_capacity(benchmark: Problem) -> None:
    # Paid hours a role can give: 60 people x 48 h x 4 weeks = 11,520.
    assert _required_unit_hours(benchmark) == 8312
    assert _required_unit_hours(benchmark, Team.JUVENILE) == 320
    assert _required_unit_hours(synthetic_program(60, 60, 4, 28)) == 7224
    # Too few people for three zones: only the 10:00-20:00 floor remains.
    small = synthetic_program(3, 3, 3, 7)
    assert _required_unit_hours(small) == 3 * 7 * 10
    assert _required_unit_hours(small, Team.JUVENILE) == 0


def test_synthetic_time_off_lies_in_the_horizon(benchmark: Problem) -> None:
    start, end = benchmark.horizon_start, benchmark.moment(benchmark.horizon_minutes)
    for item in benchmark.time_off:
        assert start <= item.start < item.end <= end
        assert (item.shift_id is not None) == (item.kind is TimeOffKind.PREFER_ON)


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        synthetic_program(clinicians=0)


EXPECTED_HEADERS = {
    "Program.csv": ["key", "value"],
    "Rules.csv": ["rule", "value"],
    "Staff.csv": [
        "employee_id",
        "name",
        "role",
        "teams",
        "home_zone",
        "min_hours_per_week",
        "max_hours_per_week",
        "hourly_rate",
        "skills",
    ],
    "Zones.csv": ["zone_id", "name", "neighborhoods"],
    "Shifts.csv": ["shift_id", "start", "end", "unpaid_break_minutes", "teams"],
    "Demand.csv": [
        "team",
        "zone",
        "weekday",
        "date",
        "start",
        "end",
        "required_units",
        "target_units",
    ],
    "TimeOff.csv": ["employee_id", "start", "end", "kind", "shift_id", "weight"],
    "Pairs.csv": ["clinician_id", "peer_id", "kind"],
}


def test_write_problem_csv_writes_the_contract_sheets(tmp_path: Path, benchmark: Problem) -> None:
    write_problem_csv(benchmark, tmp_path / "out")
    files = {path.name: _read_csv(path) for path in (tmp_path / "out").iterdir()}
    assert {name: rows[0] for name, rows in files.items()} == EXPECTED_HEADERS
    assert files["Program.csv"][1:] == [
        ["name", "Synthetic program (seed 0)"],
        ["start_date", "2026-03-02"],
        ["days", "28"],
        ["slot_minutes", "60"],
    ]
    assert ["N12", "20:00", "08:00", "30", ""] in files["Shifts.csv"]
    assert ["adult", "Z1", "", "2026-03-01", "22:00", "08:00", "0", ""] in files["Demand.csv"]
    assert len(files["Staff.csv"]) == 121


#: The sample also has zone-to-zone driving times, for response times.
SAMPLE_HEADERS = EXPECTED_HEADERS | {"Travel.csv": ["from_zone", "to_zone", "minutes"]}


def test_the_hartford_sample_is_the_documented_program() -> None:
    # The folder may also hold hartford.xlsx, built from the CSVs.
    assert sorted(path.name for path in HARTFORD.glob("*.csv")) == sorted(SAMPLE_HEADERS)
    for name, header in SAMPLE_HEADERS.items():
        assert _read_csv(HARTFORD / name)[0] == header
    loaded = load_problem(HARTFORD)
    sample = loaded.value
    assert loaded.warnings == ()
    assert (sample.name, sample.start_date, sample.days) == (
        "Hartford HEARTeam (sample)",
        dt.date(2026, 3, 2),
        7,
    )
    assert sample.zone_ids == ("North", "Central", "South")
    assert [s.shift_id for s in sample.shifts] == ["D8", "E8", "D10", "M10", "L10", "D12"]
    for role in Role:
        people = [p for p in sample.staff if p.role is role]
        assert len(people) == 10
        assert 3 <= sum(Team.JUVENILE in p.teams for p in people) <= 4
        assert sum(p.is_trainee for p in people) == 1
        # Capacity: 9 x 48 h + 40 h; the cheapest full cover takes 405 h in 41 shifts.
        assert sum(p.max_hours_per_week or 0 for p in people) == 472
    assert _required_unit_hours(sample) == 370
    assert sample.pins == ()
    assert sorted(pair.kind for pair in sample.pairs) == [PairKind.FORBID, PairKind.PREFER]


@pytest.mark.parametrize(
    "problem",
    [
        synthetic_program(),
        synthetic_program(12, 9, 2, 14, around_the_clock=True, juvenile=False, seed=5),
    ],
    ids=["default", "24/7-adult-only"],
)
def test_read_problem_gives_back_what_was_written(tmp_path: Path, problem: Problem) -> None:
    write_problem_csv(problem, tmp_path)
    assert _without_rows(read_problem(tmp_path)) == problem


def test_optional_columns_and_sheets_are_written_when_used(tmp_path: Path) -> None:
    problem = synthetic_program(seed=2)
    first, second = problem.staff[0], problem.staff[1]
    changed = problem.model_copy(
        update={
            "staff": (
                first.model_copy(update={"overtime_eligible": False}),
                second.model_copy(
                    update={"rules": second.rules.model_copy(update={"min_rest_hours": 12.0})}
                ),
                *problem.staff[2:],
            ),
            "zones": (
                problem.zones[0].model_copy(update={"travel_minutes": 7.5}),
                *problem.zones[1:],
            ),
            "pins": (Pin(employee_id=first.employee_id, date=dt.date(2026, 3, 3), shift_id="D8"),),
        }
    )
    write_problem_csv(changed, tmp_path)
    staff = _read_csv(tmp_path / "Staff.csv")
    assert staff[0][-2:] == ["overtime_eligible", "min_rest_hours"]
    assert staff[1][-2:] == ["no", ""]
    assert staff[2][-2:] == ["yes", "12"]
    assert _read_csv(tmp_path / "Zones.csv")[0][-1] == "travel_minutes"
    assert _read_csv(tmp_path / "Pins.csv") == [
        ["employee_id", "date", "shift_id", "team", "zone"],
        [first.employee_id, "2026-03-03", "D8", "", ""],
    ]
    assert _without_rows(read_problem(tmp_path)) == changed


def test_pins_and_juvenile_zones_shape_the_issue_15_program() -> None:
    # 60 + 60, 28 days, 24/7 in 5 zones, juvenile in 3, 4 pins: the first puts a
    # juvenile-only peer on the juvenile team in a zone without juvenile demand.
    program = synthetic_program(60, 60, 5, 28, True, juvenile_zones=3, pins=4)
    plain = synthetic_program(60, 60, 5, 28, True, juvenile_zones=3)
    juvenile_zones = {row.zone for row in program.demand if row.team is Team.JUVENILE}
    first = program.pins[0]
    pinned = program.people_by_id[first.employee_id]

    assert len(juvenile_zones) == 3 and len(program.pins) == 4
    assert (first.team, pinned.role, pinned.teams) == (Team.JUVENILE, Role.PEER, (Team.JUVENILE,))
    assert first.zone not in juvenile_zones
    assert all(pin.team is Team.ADULT for pin in program.pins[1:])
    # Pins change nothing else but the first pinned person's teams.
    assert program.demand == plain.demand and program.pairs == plain.pairs
    assert len({pin.employee_id for pin in program.pins}) == 4
