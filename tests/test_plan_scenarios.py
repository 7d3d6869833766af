"""Scenarios: reading the sheet (CSV and .xlsx), each change kind alone on a tiny
program with the exact demand, shifts or rules it must give, and bad rows located."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from scheduler.errors import InputError
from scheduler.model.calendar import coverage_requirements
from scheduler.model.problem import Pin, Problem, Rules
from scheduler.plan.scenarios import (
    BASELINE,
    ChangeKind,
    apply_scenario,
    apply_scenarios,
    load_problem_for_plan,
    read_scenarios,
    scale_units,
)
from tests.factories import START, demand, hire, make_problem, person
from tests.solving import solve_checked

HEADER = (
    "scenario,change,team,zone,weekdays,hours,factor,units,name,copy_from,rule,value,"
    "shift_ids,file,hire_id,max_count"
)


def write_csv(folder: Path, *rows: str, name: str = "scenarios.csv") -> Path:
    path = folder / name
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def program(**overrides: object) -> Problem:
    values: dict[str, object] = {
        "staff": (person("C1", "clinician"), person("P1", "peer", min_rest_hours=8)),
        "demand": (
            demand("adult", "N", "Mon", "08:00", "22:00", 1),
            demand("juvenile", "N", "Fri", "12:00", "20:00", 1),
        ),
        "hires": (hire("C-adult", "clinician", 90000),),
    }
    values.update(overrides)
    return make_problem(**values)


def needs(problem: Problem, team: str, zone: str) -> dict[int, int]:
    """Required units per hour slot of the week for one team and zone (slots with need)."""
    return {
        slot: req.required
        for (t, z, slot), req in coverage_requirements(problem).items()
        if t == team and z == zone and req.required
    }


def one_scenario(tmp_path: Path, *rows: str) -> Problem:
    scenarios = read_scenarios(write_csv(tmp_path, *rows))
    assert [s.name for s in scenarios] == [BASELINE, "s"]
    return apply_scenario(program(), scenarios[1])


def test_baseline_comes_first_and_scenarios_keep_sheet_order(tmp_path: Path) -> None:
    scenarios = read_scenarios(
        write_csv(
            tmp_path,
            "b,rule,,,,,,,,,min_rest_hours,12,,,,",
            "a,scale_demand,,,,,2,,,,,,,,,",
            "b,scale_demand,,,,,3,,,,,,,,,",
        )
    )
    assert [s.name for s in scenarios] == [BASELINE, "b", "a"]
    assert [c.kind for c in scenarios[1].changes] == [ChangeKind.RULE, ChangeKind.SCALE_DEMAND]
    # The baseline changes nothing.
    assert apply_scenario(program(), scenarios[0]) == program()


def test_scale_units_rounds_half_up() -> None:
    assert (scale_units(1, 1.5), scale_units(1, 1.2), scale_units(3, 0.5)) == (2, 1, 2)


def test_scale_demand_within_hours_splits_the_row(tmp_path: Path) -> None:
    changed = one_scenario(tmp_path, "s,scale_demand,adult,N,Mon,13-19,2,,,,,,,,,")
    # Monday 08-22 needs 1 unit; x2 only from 13:00 to 19:00 (Monday = day 0, hour slots).
    assert needs(changed, "adult", "N") == {h: 2 if 13 <= h < 19 else 1 for h in range(8, 22)}
    assert needs(changed, "juvenile", "N") == needs(program(), "juvenile", "N")


def test_scale_demand_across_midnight_moves_the_piece_to_the_next_day(tmp_path: Path) -> None:
    base = program(demand=(demand("adult", "S", "Mon", "20:00", "08:00", 1),))
    scenario = read_scenarios(write_csv(tmp_path, "s,scale_demand,,,,00-06,3,,,,,,,,,"))[1]
    changed = apply_scenario(base, scenario)
    # Monday 20:00 to Tuesday 08:00 (slots 20-31); x3 on Tuesday 00-06 only (slots 24-29).
    expected = {h: 3 if 24 <= h < 30 else 1 for h in range(20, 32)}
    assert needs(changed, "adult", "S") == expected
    # The piece after midnight is a Tuesday row, so it repeats as Tuesday's.
    assert sorted((r.weekday, r.start_minute, r.end_minute) for r in changed.demand) == [
        (0, 20 * 60, 0),
        (1, 0, 6 * 60),
        (1, 6 * 60, 8 * 60),
    ]


def test_add_zone_copies_demand_with_factor(tmp_path: Path) -> None:
    changed = one_scenario(tmp_path, "s,add_zone,,E,,,2,,East side,N,,,,,,")
    assert changed.zone_ids == ("N", "S", "E")
    assert changed.zones[-1].name == "East side"
    # N's demand, doubled: adult Monday 08-22 2 units; juvenile Friday 12-20 2 units.
    assert needs(changed, "adult", "E") == {h: 2 for h in range(8, 22)}
    assert needs(changed, "juvenile", "E") == {4 * 24 + h: 2 for h in range(12, 20)}


def test_add_demand_in_a_new_zone(tmp_path: Path) -> None:
    changed = one_scenario(
        tmp_path,
        "s,add_zone,,E,,,,,,,,,,,,",
        "s,add_demand,adult,E,Sat;Sun,10-14,,1,,,,,,,,",
    )
    assert needs(changed, "adult", "E") == {d * 24 + h: 1 for d in (5, 6) for h in range(10, 14)}


def test_operate_24_7_needs_a_unit_every_hour_and_keeps_peaks(tmp_path: Path) -> None:
    base = program(demand=(demand("adult", "N", "Mon", "13:00", "19:00", 2),))
    scenario = read_scenarios(write_csv(tmp_path, "s,operate_24_7,adult,,,,,1,,,,,,,,"))[1]
    changed = apply_scenario(base, scenario)
    # Every hour of the week needs 1 adult unit in N (the zone with adult demand),
    # Monday 13-19 still 2.
    assert needs(changed, "adult", "N") == {h: 2 if 13 <= h < 19 else 1 for h in range(7 * 24)}
    assert needs(changed, "adult", "S") == {}


def test_weekends_copy_fridaysdemand(tmp_path: Path) -> None:
    changed = one_scenario(tmp_path, "s,weekends,juvenile,,,,,,,,,,,,,")
    friday = {4 * 24 + h: 1 for h in range(12, 20)}
    saturday_sunday = {d * 24 + h: 1 for d in (5, 6) for h in range(12, 20)}
    assert needs(changed, "juvenile", "N") == friday | saturday_sunday


def test_the_weekdays_of_a_scale_are_those_of_each_piece(tmp_path: Path) -> None:
    # Monday 20:00-08:00: its 00-06 piece is Tuesday's. Tuesday x3 scales it; Monday x3
    # does not (Monday 00-06 has no demand).
    base = program(demand=(demand("adult", "S", "Mon", "20:00", "08:00", 1),))
    on_tuesday = read_scenarios(write_csv(tmp_path, "s,scale_demand,,,Tue,00-06,3,,,,,,,,,"))
    assert needs(apply_scenario(base, on_tuesday[1]), "adult", "S") == {
        h: 3 if 24 <= h < 30 else 1 for h in range(20, 32)
    }
    on_monday = read_scenarios(write_csv(tmp_path, "s,scale_demand,,,Mon,00-06,3,,,,,,,,,"))
    assert needs(apply_scenario(base, on_monday[1]), "adult", "S") == {h: 1 for h in range(20, 32)}


# A program with a date row: Friday 2026-03-06 20:00-02:00 replaces Friday's weekday
# rows (08-20 every day) for adult N; the other days keep 08-20.
FRIDAY = START + dt.timedelta(days=4)


def dated_program() -> Problem:
    weekly = tuple(demand("adult", "N", day, "08:00", "20:00", 1) for day in range(7))
    return program(demand=(*weekly, demand("adult", "N", FRIDAY, "20:00", "02:00", 1)))


def test_a_date_row_keeps_its_meaning_when_a_piece_is_cut_onto_the_next_day(
    tmp_path: Path,
) -> None:
    base = dated_program()
    scenario = read_scenarios(write_csv(tmp_path, "s,scale_demand,adult,,,20-24,2,,,,,,,,,"))[1]
    changed = apply_scenario(base, scenario)
    before, after = needs(base, "adult", "N"), needs(changed, "adult", "N")
    # Friday 20-24 doubled; Saturday 00-02 (after the window) and Saturday's own
    # 08-20 untouched (a dated piece on Saturday wiped Saturday's weekday rows before).
    assert after == before | {4 * 24 + h: 2 for h in range(20, 24)}
    assert {h for h in after if 5 * 24 <= h < 6 * 24} == set(range(120, 122)) | set(range(128, 140))


def test_24_7_also_covers_the_days_a_date_row_defines(tmp_path: Path) -> None:
    scenario = read_scenarios(write_csv(tmp_path, "s,operate_24_7,adult,N,,,,1,,,,,,,,"))[1]
    changed = apply_scenario(dated_program(), scenario)
    assert set(needs(changed, "adult", "N")) == set(range(7 * 24))


def test_weekends_copy_a_dated_friday(tmp_path: Path) -> None:
    # Juvenile demand only as a date row on Friday 12-20: the weekend copies it.
    base = program(demand=(demand("juvenile", "N", FRIDAY, "12:00", "20:00", 1),))
    changed = apply_scenario(
        base, read_scenarios(write_csv(tmp_path, "s,weekends,juvenile,,,,,,,,,,,,,"))[1]
    )
    friday_to_sunday = {d * 24 + h: 1 for d in (4, 5, 6) for h in range(12, 20)}
    assert needs(changed, "juvenile", "N") == friday_to_sunday


def test_shifts_kept_and_added_from_a_file(tmp_path: Path) -> None:
    (tmp_path / "night.csv").write_text(
        "shift_id,start,end,unpaid_break_minutes\nN10,22:00,08:00,30\n", encoding="utf-8"
    )
    changed = one_scenario(tmp_path, "s,shifts,,,,,,,,,,,D8,night.csv,,")
    assert [s.shift_id for s in changed.shifts] == ["D8", "N10"]
    assert changed.shift("N10").paid_minutes == 570  # 10 h minus the 30-minute break


def test_rule_change_follows_everyone_but_personal_overrides(tmp_path: Path) -> None:
    changed = one_scenario(tmp_path, "s,rule,,,,,,,,,min_rest_hours,12,,,,")
    assert changed.rules == Rules(min_rest_hours=12)
    # C1 had the program's 10 h and follows; P1's own 8 h (a Staff column) stays.
    assert [p.rules.min_rest_hours for p in changed.staff] == [12, 8]


def test_a_rule_whose_default_is_blank_is_set_as_a_whole_number(tmp_path: Path) -> None:
    # max_weekends is None by default: the scenario's 1 must reach everyone as 1, not
    # 1.0 (a float bound broke the solver's model before).
    changed = one_scenario(tmp_path, "s,rule,,,,,,,,,max_weekends,1,,,,")
    assert changed.rules.max_weekends == 1
    assert [type(p.rules.max_weekends) for p in changed.staff] == [int, int]
    result, _ = solve_checked(changed, time_limit=3.0)  # the model builds and solves
    assert result.status.has_roster


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("s,scale_demand,adult,,,,1e20,,,,,,,,,", "Scenarios!G2 (factor): "),
        ("s,add_demand,adult,N,Mon,08-12,,5000,,,,,,,,", "Scenarios!H2 (units): "),
        ("s,hires,,,,,,,,,,,,,C-adult,1000000", "Scenarios!P2 (max_count): "),
        ("s,rule,,,,,,,,,min_rest_hours,1e9,,,,", "Scenarios!L2 (value): min_rest_hours"),
    ],
)
def test_numbers_beyond_any_program_are_located(tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        apply_scenarios(program(), read_scenarios(write_csv(tmp_path, row)))
    assert message in raised.value.render()


def test_hires_max_count_override(tmp_path: Path) -> None:
    changed = one_scenario(tmp_path, "s,hires,,,,,,,,,,,,,C-adult,3")
    assert [h.max_count for h in changed.hires] == [3]


def test_xlsx_reads_as_the_csv(tmp_path: Path) -> None:
    rows = ["s,weekends,juvenile,,,,,,,,,,,,,", "s,scale_demand,adult,N,Mon,13-19,2,,,,,,,,,"]
    from_csv = read_scenarios(write_csv(tmp_path, *rows))
    book = Workbook()
    sheet = book.active
    sheet.title = "Scenarios"
    for line in (HEADER, *rows):
        sheet.append([cell or None for cell in line.split(",")])
    book.save(tmp_path / "scenarios.xlsx")
    assert read_scenarios(tmp_path / "scenarios.xlsx") == from_csv


def issues_of(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(issue) for issue in error.value.issues]


def test_bad_rows_are_located_by_sheet_row_and_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "s,scale_demand,,,,,lots,,,,,,,,,",
        "s,paint_walls,,,,,,,,,,,,,,",
        "as is,scale_demand,,,,,2,,,,,,,,,",
        "t,rule,,,,,,,,,rest_a_lot,1,,,,",
        "t,add_demand,adult,N,,25-26,,1,,,,,,,,",
    )
    with pytest.raises(InputError) as error:
        read_scenarios(path)
    found = issues_of(error)
    assert found[0].startswith("Scenarios!G2 (factor):")
    assert found[1].startswith("Scenarios!B3 (change): change 'paint_walls'")
    assert found[2].startswith("Scenarios!A4 (scenario):")
    assert found[3].startswith("Scenarios!K5 (rule): unknown rule 'rest_a_lot'")
    assert found[4].startswith("Scenarios!F6 (hours):")
    assert len(found) == 5


def test_changes_that_do_not_fit_the_program_are_located(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "a,scale_demand,,Z,,,2,,,,,,,,,",
        "a,hires,,,,,,,,,,,,,P-none,2",
        "b,rule,,,,,,,,,min_days_off_per_week,9,,,,",
        "b,shifts,,,,,,,,,,,E8,,,",
    )
    scenarios = read_scenarios(path)
    base = program(pins=(Pin(employee_id="C1", date=START, shift_id="D8"),))
    with pytest.raises(InputError) as error:
        apply_scenarios(base, scenarios)
    found = issues_of(error)
    assert found[0].startswith("Scenarios!D2 (zone): unknown zone 'Z'")
    assert found[1].startswith("Scenarios!O3 (hire_id): unknown hire_id 'P-none'")
    assert found[2].startswith("Scenarios!L4 (value): min_days_off_per_week 9")
    # Keeping only E8 removes D8, which a pin names.
    assert found[3].startswith("Scenarios!M5 (shift_ids): Pins rows name shift(s) D8")
    assert len(found) == 4


def test_the_sample_expansion_set_applies_to_the_sample() -> None:
    root = Path(__file__).parent.parent / "inputs"
    folder = root / "hartford_scenarios"
    sample = load_problem_for_plan(root / "hartford", folder / "Hiring.csv").value
    assert [h.hire_id for h in sample.hires] == [
        "CLIN-ADULT-C",
        "CLIN-ALL-N",
        "PEER-ADULT-C",
        "PEER-ALL-S",
    ]
    scenarios = read_scenarios(folder / "expansion.csv")
    names = [s.name for s in scenarios]
    assert names == [BASELINE, "adult 24/7", "juvenile weekends", "fourth zone"]
    as_is, nights, weekends, east = apply_scenarios(sample, scenarios)
    assert as_is == sample
    # Central's adult team needs a unit in every hour of the week, with N10 for nights:
    # 167 real hours, as the clocks go forward on Sunday 8 March (America/New_York).
    assert len(needs(nights, "adult", "Central")) == 7 * 24 - 1
    assert "N10" in nights.shifts_by_id
    assert {s // 24 for s in needs(weekends, "juvenile", "Central")} == set(range(7))
    assert east.zone_ids[-1] == "East"
    assert needs(east, "adult", "East") == needs(sample, "adult", "North")


def test_a_shift_file_is_held_to_the_programs_max_shift_hours(tmp_path: Path) -> None:
    # A 14 h shift: fine where the program allows 16 h, refused where it allows 12.
    (tmp_path / "long.csv").write_text(
        "shift_id,start,end,unpaid_break_minutes\nL14,07:00,21:00,30\n", encoding="utf-8"
    )
    scenarios = read_scenarios(write_csv(tmp_path, "s,shifts,,,,,,,,,,,,long.csv,,"))
    allowed = program(rules=Rules(max_shift_hours=16))
    assert "L14" in apply_scenario(allowed, scenarios[1]).shifts_by_id
    with pytest.raises(InputError) as raised:
        apply_scenario(program(), scenarios[1])
    assert "shift L14 is 14 h long, longer than max_shift_hours 12 (Rules)" in str(
        raised.value.render()
    )


def test_a_max_shift_hours_below_a_shift_is_located(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        one_scenario(tmp_path, "s,rule,,,,,,,,,max_shift_hours,6,,,,")
    assert "max_shift_hours 6: shorter than shift(s) D8" in raised.value.render()
