"""Red-team pass 17-B over demand, simulate, plan and bench: each test is an input a
new user or a hostile author tried that the commands got wrong, now refused with a
located message (exit 2) or answered right."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from scheduler.cli import app
from tests.test_simulate import RATES_HEADER, SMALL, _small_roster_workbook

runner = CliRunner()


def test_simulate_rates_header_below_a_title_row_is_found_and_named(tmp_path: Path) -> None:
    # Before: "Rates!1: missing column(s): weekday, hour, ..." though every column was there.
    roster = _small_roster_workbook(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Rates"
    sheet.append(["Rates for March"])
    sheet.append([])
    sheet.append(RATES_HEADER)
    sheet.append(("Mon", 9, "N", "adult", 0.5, 60))
    rates = tmp_path / "demand.xlsx"
    book.save(rates)
    out = tmp_path / "report.xlsx"
    args = ["simulate", str(roster), "--inputs", str(SMALL), "--rates", str(rates)]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert (
        "Rates: the header is on row 3, not row 1 (row 1 has Rates for March); "
        "delete rows 1-2 above it so that the header is row 1"
    ) in result.stderr
    assert not out.exists()


def _log(path: Path, rows: list[str]) -> Path:
    path.write_text("received_at,zone,team\n" + "".join(f"{row}\n" for row in rows))
    return path


def test_a_mistyped_year_in_the_call_log_is_refused_not_averaged_in(tmp_path: Path) -> None:
    # Before: one call dated 2062 stretched the span to 36 years and halved the sample's
    # Demand (669 -> 322 unit-hours a week), exit 0, no word.
    weeks = [f"2026-03-{day:02d}T09:05,N,adult" for day in range(2, 16)]
    calls = _log(tmp_path / "calls.csv", [*weeks, "2062-03-16T09:05,N,adult"])
    out = tmp_path / "demand.xlsx"
    result = runner.invoke(
        app, ["demand", "--inputs", str(SMALL), "--calls", str(calls), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert (
        "calls.csv!A16 (received_at): no call for 13150 days between row 15 (2026-03-15) "
        "and row 16 (2062-03-16)"
    ) in result.stderr
    assert not out.exists()
    # 28 days without a call (the most allowed) is still one stretch.
    calls = _log(tmp_path / "calls.csv", ["2026-03-02T09:05,N,adult", "2026-03-30T09:05,N,adult"])
    result = runner.invoke(
        app, ["demand", "--inputs", str(SMALL), "--calls", str(calls), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output


def test_a_call_log_pasted_in_twice_is_warned_about(tmp_path: Path) -> None:
    # Before: every call counted twice (the sample's 669 unit-hours became 821), no word.
    rows = ["2026-03-02T09:05,N,adult", "2026-03-02T10:05,N,adult"]
    calls = _log(tmp_path / "calls.csv", [*rows, "", *rows])
    out = tmp_path / "demand.xlsx"
    result = runner.invoke(
        app, ["demand", "--inputs", str(SMALL), "--calls", str(calls), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (
        "warning: calls.csv: 2 row(s) repeat an earlier row exactly (row 5 is row 2)"
    ) in result.stderr


def test_a_call_log_column_that_appears_twice_is_refused(tmp_path: Path) -> None:
    # Before: the second `zone` column silently won (every call sized in S, not N).
    calls = tmp_path / "calls.csv"
    calls.write_text("received_at,zone,team,zone\n2026-03-02T09:05,N,adult,S\n")
    out = tmp_path / "demand.xlsx"
    result = runner.invoke(
        app, ["demand", "--inputs", str(SMALL), "--calls", str(calls), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "calls.csv!D1 (zone): column 'zone' appears twice (B and D); keep one" in result.stderr
    assert not out.exists()


def _demand(tmp_path: Path, *options: str) -> tuple[int, str, Path]:
    tmp_path.mkdir(exist_ok=True)
    calls = _log(tmp_path / "calls.csv", ["2026-03-02T09:05,N,adult", "2026-03-09T09:05,N,adult"])
    out = tmp_path / "demand.xlsx"
    args = ["demand", "--inputs", str(SMALL), "--calls", str(calls), "--out", str(out)]
    result = runner.invoke(app, [*args, *options])
    return result.exit_code, result.stderr, out


def test_demand_beyond_what_can_be_read_back_is_said_of_the_log(tmp_path: Path) -> None:
    # Before: --growth 1000 wrote 1000 calls an hour that `simulate --rates` refuses;
    # --growth 1e300 (or --busy-minutes 1e9) walked Erlang C upwards for ever; a log
    # of a million rows was blamed on the input ("Demand!F2 required_units 2345").
    code, stderr, out = _demand(tmp_path, "--growth", "1000")
    assert code == 2
    assert stderr.endswith(
        "Demand: Mon 09:00 N adult comes to 1000 calls an hour (--growth 1000), above the 200 "
        "a Demand can be sized for; check the call log for rows repeated or misdated, or "
        "lower --growth\n"
    )
    assert not out.exists()
    # 1 call an hour busy 1440 minutes: a load of 24 units, still sized.
    assert _demand(tmp_path, "--busy-minutes", "1440")[0] == 0
    code, stderr, out = _demand(tmp_path / "more", "--busy-minutes", "1441")
    assert (code, stderr.splitlines()[-1]) == (
        2,
        "--busy-minutes 1441: expected minutes above 0 and at most 1440",
    )
    code, stderr, _ = _demand(tmp_path / "units", "--min-units", "1001")
    assert (code, stderr.splitlines()[-1]) == (2, "--min-units 1001: expected at most 1000 units")
    code, stderr, _ = _demand(tmp_path / "inf", "--growth", "inf")  # before: a traceback
    assert (code, stderr.splitlines()[-1]) == (
        2,
        "--growth inf: expected a finite factor, e.g. 1.1",
    )


def test_simulate_refuses_a_roster_of_another_program(tmp_path: Path) -> None:
    # Before: the hartford sample's roster simulated against the small program gave
    # figures (exit 0) for units of people, shifts and zones the program lacks; a row
    # whose date could not be read was dropped without a word.
    from scheduler.evaluate import evaluate
    from scheduler.io.read_workbook import read_problem
    from scheduler.io.write_workbook import write_roster_workbook
    from scheduler.model.roster import Roster
    from tests.factories import make_roster, unit

    problem = read_problem(SMALL)
    rows = unit(problem, "C1", "P1", 0, "D8", zone="N")
    foreign = make_roster(*(a.model_copy(update={"employee_id": "C9", "zone": "X"}) for a in rows))
    roster = tmp_path / "roster.xlsx"
    foreign = Roster(assignments=foreign.assignments)
    write_roster_workbook(roster, problem, evaluate(problem, foreign), roster=foreign)
    calls = _log(tmp_path / "calls.csv", ["2026-03-02T09:05,N,adult"])
    out = tmp_path / "report.xlsx"
    args = ["simulate", str(roster), "--inputs", str(SMALL), "--calls", str(calls)]
    result = runner.invoke(app, [*args, "--replications", "2", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "Assignments!H2 (employee_id): employee 'C9' is not in Staff" in result.stderr
    assert "Assignments!F2 (zone): zone 'X' is not in Zones" in result.stderr
    assert not out.exists()
    book = openpyxl.load_workbook(_small_roster_workbook(tmp_path))
    book["Assignments"]["A2"] = "garbage"
    book.save(roster)
    result = runner.invoke(app, [*args, "--replications", "2"])
    assert result.exit_code == 2, result.output
    assert "Assignments!A2 (date): date 'garbage' is not a date" in result.stderr


def test_simulate_rates_with_one_slot_twice_are_refused(tmp_path: Path) -> None:
    # Before: the second row's 5 calls an hour silently replaced the first's 0.5.
    from tests.test_simulate import _rates_workbook

    roster = _small_roster_workbook(tmp_path)
    rates = _rates_workbook(
        tmp_path, [("Mon", 9, "N", "adult", 0.5, 60), ("Mon", 9, "N", "adult", 5, 60)]
    )
    args = ["simulate", str(roster), "--inputs", str(SMALL), "--rates", str(rates)]
    result = runner.invoke(app, [*args, "--replications", "2"])
    assert result.exit_code == 2, result.output
    assert "Rates!A3 (weekday): Mon 09:00 N adult is also on row 2; keep one" in result.stderr


def test_plan_never_deletes_what_no_plan_wrote_in_a_rosters_folder(tmp_path: Path) -> None:
    # Before: `plan --out old_rosters/inner.xlsx` was written inside an earlier plan's
    # rosters folder, and the earlier plan's next run replaced that folder as a whole,
    # deleting inner.xlsx, inner_rosters/ and anything else kept there.
    from tests.test_plan_cli import tiny_program

    program = tiny_program(tmp_path / "tiny")
    (tmp_path / "old.xlsx").write_bytes(b"a plan")
    rosters = tmp_path / "old_rosters"
    rosters.mkdir()
    (rosters / "as-is.xlsx").write_bytes(b"a roster")
    args = ["plan", str(program), "--time-limit", "1", "-q", "--out"]
    result = runner.invoke(app, [*args, str(rosters / "inner.xlsx")])
    assert result.exit_code == 2, result.output
    assert "is inside the rosters folder of the plan old.xlsx" in result.stderr
    assert sorted(p.name for p in rosters.iterdir()) == ["as-is.xlsx"]
    (rosters / "kept").mkdir()
    (rosters / "notes.txt").write_text("mine")
    result = runner.invoke(app, [*args, str(tmp_path / "old.xlsx")])
    assert result.exit_code == 2, result.output
    assert "its rosters folder old_rosters/ holds kept, notes.txt, which no plan wrote" in (
        result.stderr
    )
    assert (rosters / "notes.txt").read_text() == "mine"
    assert (tmp_path / "old.xlsx").read_bytes() == b"a plan"


def test_plan_names_the_hiring_file_whose_rows_are_bad(tmp_path: Path) -> None:
    # Before: "Cannot use tiny: ... Hiring!B2 (role)" sent the user to the program's own
    # (good) Hiring sheet, not to the --hiring file that held the bad row.
    from tests.test_plan_cli import tiny_program

    program = tiny_program(tmp_path / "tiny")
    hiring = tmp_path / "hires.csv"
    hiring.write_text(
        "hire_id,role,teams,home_zone,min_hours_per_week,max_hours_per_week,annual_cost,"
        "hourly_rate,max_count\nX,wizard,adult,N,0,40,50000,30,1\n"
    )
    out = tmp_path / "plan.xlsx"
    result = runner.invoke(
        app, ["plan", str(program), "--hiring", str(hiring), "--out", str(out), "-q"]
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-2:] == [
        f"Cannot use {hiring}: 1 problem(s) found.",
        "Hiring!B2 (role): role 'wizard' is not one of clinician, peer",
    ]
    assert not out.exists()


CURTOIS_TINY = Path(__file__).parent / "data" / "curtois" / "tiny.txt"


def _instance(tmp_path: Path, old: str, new: str) -> Path:
    text = CURTOIS_TINY.read_text()
    assert old in text
    path = tmp_path / "edited.txt"
    path.write_text(text.replace(old, new, 1))
    return path


def _bench(instance: Path, out: Path) -> tuple[int, str, str]:
    args = ["bench", "curtois", str(instance), "--out", str(out), "--time-limit", "2", "-q"]
    result = runner.invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


def test_curtois_numbers_beyond_what_a_program_holds_are_located(tmp_path: Path) -> None:
    # Before: a horizon of 70,000,000 days (whole weeks) and a shift of 99,999,999,999
    # minutes were tracebacks (exit 1); a cover weight of 10^10 for 10^12 people
    # overflowed the solver into "no_solution" (exit 3).
    out = tmp_path / "solution.csv"
    cases = [
        (
            ("SECTION_HORIZON\n14\n", "SECTION_HORIZON\n70000000\n"),
            "edited.txt!4 (SECTION_HORIZON.Days): Days 70000000 is too large; expected 364 or less",
        ),
        (
            ("E,480,", "E,99999999999,"),
            "edited.txt!8 (SECTION_SHIFTS.LengthMinutes): LengthMinutes 99999999999 is too "
            "large; expected 1,440 or less",
        ),
        (
            ("0,E,1,10,2", "0,E,1,10000000000,2"),
            "edited.txt!35 (SECTION_COVER.WeightUnder): WeightUnder 10000000000 is too large; "
            "expected 1,000,000 or less",
        ),
        (
            ("A,E=5|L=3,3700,3000", "A,E=5|L=3,3700,3800"),
            "edited.txt!13 (SECTION_STAFF.MinTotalMinutes): MinTotalMinutes 3800 is above "
            "MaxTotalMinutes 3700",
        ),
    ]
    for (old, new), message in cases:
        code, _, stderr = _bench(_instance(tmp_path, old, new), out)
        assert (code, stderr.splitlines()[-1]) == (2, message)
        assert not out.exists()


def test_curtois_without_a_solution_does_not_claim_a_file(tmp_path: Path) -> None:
    # Before: "infeasible, ..., checked NO -> solution.csv": no file was written and
    # nothing was checked (exit 3 is "no solution", exit 1 a check that disagrees).
    out = tmp_path / "solution.csv"
    code, stdout, _ = _bench(_instance(tmp_path, "A,E=5|L=3,3700,3000", "A,E=5|L=3,3700,3690"), out)
    assert code == 3
    assert ", infeasible, " in stdout
    assert stdout.rstrip().endswith("no solution written")
    assert not out.exists()


def test_curtois_all_reads_every_instance_before_solving_any(tmp_path: Path) -> None:
    # Before: a.txt was solved and a.csv written, then b.txt refused (exit 2): half a set
    # of files and no results.csv. A folder named x.txt made the whole folder "no
    # instance file found"; a folder given as the instance said the same.
    folder = tmp_path / "instances"
    folder.mkdir()
    (folder / "a.txt").write_text(CURTOIS_TINY.read_text())
    (folder / "b.txt").write_text(CURTOIS_TINY.read_text().replace("E,480,", "E,-480,"))
    out = tmp_path / "results"
    args = ["bench", "curtois", "--all", str(folder), "--out", str(out), "--time-limit", "2"]
    result = runner.invoke(app, [*args, "-q"])
    assert result.exit_code == 2, result.output
    assert f"Cannot use {folder / 'b.txt'}: 1 problem(s) found." in result.stderr
    assert not out.exists() or not any(out.iterdir())
    (folder / "b.txt").unlink()
    (folder / "x.txt").mkdir()
    result = runner.invoke(app, [*args, "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "results.csv", "results.md"]
    result = runner.invoke(app, ["bench", "curtois", str(folder), "--out", str(tmp_path / "s.csv")])
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2,
        f"{folder} is a folder: give one instance file, or --all {folder}",
    )


def test_a_seed_beyond_the_solvers_32_bits_is_an_option_error(tmp_path: Path) -> None:
    # Before: plan (and solve, bench) died with OR-Tools' "TypeError: incompatible
    # function arguments" for --seed 3000000000, exit 1.
    from tests.test_plan_cli import tiny_program

    program = tiny_program(tmp_path / "tiny")
    out = tmp_path / "plan.xlsx"
    result = runner.invoke(
        app, ["plan", str(program), "--seed", "3000000000", "--out", str(out), "-q"]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--seed'" in result.stderr
    assert not out.exists()


def test_simulate_refuses_more_replications_than_it_can_run_in_reason(tmp_path: Path) -> None:
    # Before: --replications 100000 ran for minutes with no progress shown.
    roster = _small_roster_workbook(tmp_path)
    args = ["simulate", str(roster), "--inputs", str(SMALL), "--replications", "100000"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "replications" in result.output
    assert not (tmp_path / "simulation.xlsx").exists()
