"""Fuzzing the readers through the command line: mutated programs, rosters and call logs.

Each example copies a valid input (the tests' small program with every optional sheet,
the Hartford sample, a roster or the Hartford call log), mutates it as people and
programs do (rows and columns deleted or repeated, cells swapped or overwritten with
random text, numbers, dates and times, bytes cut off, another delimiter or encoding) or
sets number cells to values at their bounds, runs a command in-process and asserts that
it never ends in a traceback, exits 0, 1, 2 or 3 only, and leaves no output file when it
exits 2.

Budgets follow the Hypothesis profile (tests/conftest.py): the default run takes some
20 s. For a long run, either the `thorough` profile or the `slow` test:
    HYPOTHESIS_PROFILE=thorough .venv/bin/pytest -q tests/test_fuzz_inputs.py
    .venv/bin/pytest -q -m slow tests/test_fuzz_inputs.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from scheduler.cli import app
from scheduler.errors import EXIT_BAD_INPUT

ROOT = Path(__file__).parent.parent
SMALL = Path(__file__).parent / "data" / "valid" / "small"
HARTFORD = ROOT / "inputs" / "hartford"
HARTFORD_CALLS = HARTFORD / "calls" / "calls.csv"

runner = CliRunner()

Rows = list[list[str]]

#: The optional sheets, valid, added to the small program so that every reader is fuzzed.
OPTIONAL_SHEETS = {
    "History.csv": "date,shift_id,start,end,team,zone,unit_id,employee_id,role\n"
    "2026-02-28,D8,2026-02-28T08:00,2026-02-28T16:30,adult,N,U1,C1,clinician\n"
    "2026-02-28,D8,2026-02-28T08:00,2026-02-28T16:30,adult,N,U1,P1,peer\n",
    "ShiftCover.csv": "shift_id,team,zone,weekday,date,units,weight_under,weight_over\n"
    "D8,adult,N,Mon,,1,,\nE8,juvenile,S,,2026-03-04,1,2,1\n",
    "ShiftLimits.csv": "employee_id,shift_id,max_shifts\nC1,N12,2\n",
    "Travel.csv": "from_zone,to_zone,minutes\nN,S,12\n",
    "Hiring.csv": "hire_id,role,teams,home_zone,min_hours_per_week,max_hours_per_week,"
    "annual_cost,hourly_rate,max_count\nNP,peer,adult,N,32,40,52000,,2\n"
    "NC,clinician,adult,N,32,40,90000,,1\n",
}

# -- What goes into a cell ----------------------------------------------------------------

#: Values that sit on the edges of what the readers accept.
EDGE_TEXT = st.sampled_from(
    [
        "", " ", "-0", "0", "-1", "1e308", "-1e308", "nan", "inf", "1.5", "99999999999999999",
        "24:00", "23:59", "25:00", "8", "8:60", "2026-02-29", "2026-03-02", "2026-03-01",
        "2026-03-02T08:00", "0001-01-01", "9999-12-31", "yes", "no", "adult;juvenile", ";",
        ";;", "C1", "P1", "N", "S", "D8", "N12", "Mon", "sunday", "prefer", "forbid",
        "unavailable", "prefer_on", "clinician", "peer", "=1+1", "@SUM(A1)", "\t", "\r",
        "ä", "名前", "\ufeff", "1e300", "-1e308", "99999999999999999999", "9999-12-30",
        "1900-01-01", "9999-12-31T23:59", "1000", "10000", "366", "168",
    ]
)  # fmt: skip
CELL_TEXT = st.one_of(
    EDGE_TEXT,
    st.text(max_size=12),
    st.integers(-(10**9), 10**9).map(str),
    st.floats().map(repr),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
    st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2027, 12, 31)).map(
        lambda moment: moment.isoformat(timespec="minutes")
    ),
    st.times().map(lambda time: time.strftime("%H:%M")),
)
#: Excel cells hold numbers, dates, times and booleans as well as text.
_EXCEL_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), max_size=12
)  # openpyxl refuses control characters
CELL_VALUE: st.SearchStrategy[Any] = st.one_of(
    EDGE_TEXT.filter(lambda text: text not in ("\t", "\r")),
    _EXCEL_TEXT,
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31)),
    st.times(),
)


# -- Mutations of one table -----------------------------------------------------------------


def _row_index(rows: int) -> st.SearchStrategy[int]:
    """Mostly a data row: a broken header hides every other defect of the sheet."""
    data_rows = st.integers(min(1, rows - 1), rows - 1)
    return st.integers(0, 9).flatmap(lambda k: st.just(0) if k == 0 else data_rows)


def _mutate_rows(data: st.DataObject, rows: Rows, value: st.SearchStrategy[Any]) -> list[list[Any]]:
    """A few mutations of one sheet's rows (header first), as a person's edits might make."""
    table: list[list[Any]] = [list(row) for row in rows] or [[]]
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        width = max(len(row) for row in table) or 1
        row = data.draw(_row_index(len(table)), label="row")
        column = data.draw(st.integers(0, width - 1), label="column")
        kind = data.draw(
            st.sampled_from(
                ["set", "set", "set", "swap", "delete row", "repeat row", "delete column",
                 "repeat column", "rename column", "blank row"]
            ),
            label="kind",
        )  # fmt: skip
        for cells in table:  # ragged rows are what CSV files have; make the cell exist
            cells.extend([""] * (width - len(cells)))
        if kind == "set":
            table[row][column] = data.draw(value, label="value")
        elif kind == "swap":
            other_row = data.draw(_row_index(len(table)), label="other row")
            other_column = data.draw(st.integers(0, width - 1), label="other column")
            table[row][column], table[other_row][other_column] = (
                table[other_row][other_column],
                table[row][column],
            )
        elif kind == "delete row" and len(table) > 1:
            del table[row]
        elif kind == "repeat row":
            table.insert(row, list(table[row]))
        elif kind == "delete column":
            for cells in table:
                del cells[column]
        elif kind == "repeat column":
            for cells in table:
                cells.insert(column, cells[column])
        elif kind == "rename column":
            table[0][column] = data.draw(value, label="header")
        elif kind == "blank row":
            table.insert(row, [""] * width)
    return table


def _read_csv(path: Path) -> Rows:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _csv_bytes(data: st.DataObject, table: list[list[Any]]) -> bytes:
    """The table as CSV bytes, sometimes as another program would write them."""
    delimiter = data.draw(st.sampled_from([",", ",", ",", ";", "\t"]), label="delimiter")
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(table)
    encoding = data.draw(
        st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]),
        label="encoding",
    )
    raw = text.getvalue().encode(encoding, errors="replace")
    if data.draw(st.integers(0, 5), label="cut bytes") == 0:
        raw = raw[: data.draw(st.integers(0, len(raw)), label="keep bytes")]
    if data.draw(st.integers(0, 9), label="garbage") == 0:
        raw += data.draw(st.binary(min_size=1, max_size=16), label="garbage bytes")
    return raw


def _mutated_folder(data: st.DataObject, source: Path, target: Path) -> None:
    """A copy of a CSV folder with one or two of its files mutated (or left out)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.xlsx", "calls"))
    files = sorted(target.glob("*.csv"))
    for file in data.draw(st.lists(st.sampled_from(files), min_size=1, max_size=2, unique=True)):
        if data.draw(st.integers(0, 14), label="drop file") == 0:
            file.unlink()
            continue
        table = _mutate_rows(data, _read_csv(file), CELL_TEXT)
        file.write_bytes(_csv_bytes(data, table))


def _mutated_workbook(data: st.DataObject, source: Path, target: Path) -> None:
    """An .xlsx of a CSV folder with typed cells, one sheet mutated, maybe cut short."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    files = sorted(source.glob("*.csv"))
    chosen = data.draw(st.sampled_from(files), label="sheet")
    for file in files:
        rows: list[list[Any]] = [list(row) for row in _read_csv(file)]
        if file == chosen:
            rows = _mutate_rows(data, rows, CELL_VALUE)
        sheet = book.create_sheet(file.stem)
        for cells in rows:
            sheet.append([None if cell == "" else cell for cell in cells])
    book.save(target)
    if data.draw(st.integers(0, 4), label="cut workbook") == 0:
        raw = target.read_bytes()
        # A share, not a length: the workbook's size varies with the time it was saved.
        kept = data.draw(st.integers(0, 1000), label="keep per mille")
        target.write_bytes(raw[: len(raw) * kept // 1000])


# -- Running a command -----------------------------------------------------------------------


@contextmanager
def _scratch() -> Iterator[Path]:
    # Hypothesis runs many examples per test: a fresh folder for each, not tmp_path.
    with tempfile.TemporaryDirectory(prefix="fuzz_") as folder:
        yield Path(folder)


def _assert_handled(result: Result, outputs: list[Path], codes: set[int]) -> None:
    """No traceback, an expected exit code, and nothing written when the input is refused."""
    unexpected = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not unexpected, f"{result.exception!r}\n{result.output}"
    assert "Traceback" not in result.output
    assert result.exit_code in codes, result.output
    if result.exit_code == EXIT_BAD_INPUT:
        assert [path for path in outputs if path.exists()] == [], result.output


@pytest.fixture(scope="module")
def small_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checked roster of the small program, and its Assignments as a CSV folder."""
    folder = tmp_path_factory.mktemp("roster")
    roster = folder / "roster.xlsx"
    result = runner.invoke(
        app, ["solve", str(SMALL), "--out", str(roster), "--time-limit", "5", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assignments = openpyxl.load_workbook(roster, read_only=True)["Assignments"]
    with (folder / "Assignments.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            ["" if cell is None else cell for cell in row]
            for row in assignments.iter_rows(values_only=True)
        )
    return roster


@pytest.fixture(scope="module")
def full_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small program with every optional sheet; `check` and `solve` accept it."""
    folder = tmp_path_factory.mktemp("full") / "program"
    shutil.copytree(SMALL, folder)
    for name, text in OPTIONAL_SHEETS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _budget(multiple: float) -> settings:
    return settings(
        max_examples=max(1, round(multiple * settings().max_examples)),
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,  # only quick_explanations, the same for all
        ],
    )


def _check_program(
    data: st.DataObject,
    roster: Path,
    make: Callable[[st.DataObject, Path, Path], None],
    source: Path,
    name: str,
) -> None:
    with _scratch() as scratch:
        program = scratch / name
        make(data, source, program)
        out = scratch / "hr.xlsx"
        result = runner.invoke(
            app, ["check", str(roster), "--inputs", str(program), "--out", str(out)]
        )
        _assert_handled(result, [out], {0, 1, 2})


@_budget(4)
@given(data=st.data())
def test_check_survives_a_mutated_csv_program(
    small_roster: Path, full_program: Path, data: st.DataObject
) -> None:
    _check_program(data, small_roster, _mutated_folder, full_program, "program")


@_budget(4)
@given(data=st.data())
def test_check_survives_a_mutated_workbook_program(
    small_roster: Path, full_program: Path, data: st.DataObject
) -> None:
    _check_program(data, small_roster, _mutated_workbook, full_program, "program.xlsx")


@_budget(3)
@given(data=st.data())
def test_check_and_publish_survive_a_mutated_roster(
    small_roster: Path, data: st.DataObject
) -> None:
    with _scratch() as scratch:
        roster = scratch / "roster"
        roster.mkdir()
        table = _mutate_rows(data, _read_csv(small_roster.parent / "Assignments.csv"), CELL_TEXT)
        (roster / "Assignments.csv").write_bytes(_csv_bytes(data, table))
        out = scratch / "out"
        if data.draw(st.booleans(), label="publish"):
            arguments = ["publish", str(roster), "--out", str(out), "--inputs", str(SMALL)]
            codes = {0, 2}
        else:
            arguments = ["check", str(roster), "--inputs", str(SMALL), "--out", str(out)]
            codes = {0, 1, 2}
        _assert_handled(runner.invoke(app, arguments), [out], codes)


@_budget(2)
@given(data=st.data())
def test_demand_survives_a_mutated_call_log(data: st.DataObject) -> None:
    with _scratch() as scratch:
        calls = scratch / "calls.csv"
        calls.write_bytes(
            _csv_bytes(data, _mutate_rows(data, _read_csv(HARTFORD_CALLS), CELL_TEXT))
        )
        out = scratch / "demand.xlsx"
        result = runner.invoke(
            app, ["demand", "--inputs", str(HARTFORD), "--calls", str(calls), "--out", str(out)]
        )
        _assert_handled(result, [out], {0, 2})


@pytest.fixture
def quick_explanations(monkeypatch: pytest.MonkeyPatch) -> None:
    """An infeasible program is explained with a 10 s search; 1 s finds the same here."""
    from scheduler.solve import explain

    original = explain.explain_core

    def quick(problem: Any, seconds: float = 1.0, **options: Any) -> Any:
        return original(problem, seconds=1.0, **options)

    monkeypatch.setattr(explain, "explain_core", quick)


def _solve_mutated(data: st.DataObject, source: Path) -> None:
    with _scratch() as scratch:
        program = scratch / "program"
        if data.draw(st.booleans(), label="workbook"):
            program = scratch / "program.xlsx"
            _mutated_workbook(data, source, program)
        else:
            _mutated_folder(data, source, program)
        out = scratch / "roster.xlsx"
        arguments = ["solve", str(program), "--out", str(out), "--quiet"]
        result = runner.invoke(app, [*arguments, "--time-limit", "1", "--workers", "1"])
        _assert_handled(result, [out], {0, 1, 2, 3})


@_budget(2 / 3)
@given(data=st.data())
def test_solve_survives_a_mutated_program(
    quick_explanations: None, full_program: Path, data: st.DataObject
) -> None:
    _solve_mutated(data, full_program)


#: Numbers at or near the bounds the readers accept (docs/workbook.md): valid programs
#: that push the solver, where extreme values once overflowed it.
BOUND_VALUES = st.sampled_from(
    ["0", "1", "2", "7", "10", "12", "24", "53", "168", "366", "1000", "1440", "8784", "10000",
     "10000000", "0.5", "11.75"]
)  # fmt: skip
#: Columns of numbers in every sheet (in Rules, every value is one).
NUMBER_COLUMNS = {
    "value", "min_hours_per_week", "max_hours_per_week", "hourly_rate", "min_hours_total",
    "max_hours_total", "min_rest_hours", "max_consecutive_days", "travel_minutes",
    "unpaid_break_minutes", "required_units", "target_units", "weight", "units",
    "weight_under", "weight_over", "max_shifts", "minutes", "annual_cost", "max_count",
}  # fmt: skip


def _at_bounds(data: st.DataObject, source: Path, target: Path) -> None:
    """A copy of a CSV folder with a few number cells of one file set to bound values."""
    shutil.copytree(source, target)
    files = [file for file in sorted(target.glob("*.csv")) if file.name != "Program.csv"]
    file = data.draw(st.sampled_from(files), label="file")
    rows = _read_csv(file)
    columns = [i for i, name in enumerate(rows[0]) if name in NUMBER_COLUMNS]
    if not columns or len(rows) < 2:
        return
    for _ in range(data.draw(st.integers(1, 3), label="cells")):
        row = data.draw(st.integers(1, len(rows) - 1), label="row")
        column = data.draw(st.sampled_from(columns), label="column")
        rows[row].extend([""] * (column + 1 - len(rows[row])))
        rows[row][column] = data.draw(BOUND_VALUES, label="value")
    with file.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _solve_at_bounds(data: st.DataObject, source: Path) -> None:
    with _scratch() as scratch:
        program = scratch / "program"
        _at_bounds(data, source, program)
        out = scratch / "roster.xlsx"
        arguments = ["solve", str(program), "--out", str(out), "--quiet", "--time-limit", "1"]
        result = runner.invoke(app, [*arguments, "--workers", "1"])
        _assert_handled(result, [out], {0, 1, 2, 3})


@_budget(2 / 3)
@given(data=st.data())
def test_solve_survives_values_at_their_bounds(
    quick_explanations: None, full_program: Path, data: st.DataObject
) -> None:
    _solve_at_bounds(data, full_program)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_long_fuzz_of_every_reader(
    small_roster: Path, full_program: Path, quick_explanations: None, data: st.DataObject
) -> None:
    """The long run: all of the above, many more examples (`pytest -m slow`)."""
    which = data.draw(
        st.sampled_from(["folder", "workbook", "hartford", "solve", "bounds"]), label="input"
    )
    if which == "solve":
        _solve_mutated(data, full_program)
    elif which == "bounds":
        _solve_at_bounds(data, full_program)
    elif which == "hartford":
        with _scratch() as scratch:
            program = scratch / "hartford"
            _mutated_folder(data, HARTFORD, program)
            out = scratch / "hr.xlsx"
            result = runner.invoke(
                app, ["check", str(small_roster), "--inputs", str(program), "--out", str(out)]
            )
            _assert_handled(result, [out], {0, 1, 2})
    else:
        make = _mutated_folder if which == "folder" else _mutated_workbook
        name = "program.xlsx" if which == "workbook" else "program"
        _check_program(data, small_roster, make, full_program, name)
