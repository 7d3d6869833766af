"""Gaps in the input readers found by review: an XML part of an .xlsx named to escape the
size limit, CSV files of `plan` (scenarios, --hiring, shift files) read without the
folder reader's limits and encodings, and error or uncomputed formula cells read as
values."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.errors import EXIT_BAD_INPUT, InputError
from scheduler.io.read_workbook import load_problem, read_problem
from scheduler.io.tables import load_tables
from scheduler.io.template import csv_folder_to_workbook
from scheduler.plan.scenarios import load_problem_for_plan, read_scenarios, read_shift_file
from tests.test_plan_cli import tiny_program

SMALL = Path(__file__).parent / "data" / "valid" / "small"
runner = CliRunner()
QUICK = ("--time-limit", "3", "-q")  # any plan run: short solves, no progress bar


def _refused(path: Path) -> str:
    with pytest.raises(InputError) as raised:
        read_problem(path)
    assert raised.value.exit_code == EXIT_BAD_INPUT
    return raised.value.render()


# -- 1. Every part of an .xlsx is size-checked, whatever its name -----------------------

_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def test_an_xml_part_not_named_xml_is_refused_when_too_large(tmp_path: Path) -> None:
    """openpyxl finds shared strings through [Content_Types].xml, so `xl/ss.dat` is
    parsed as they are: 61 MB of it took 6 s and 198 MB before."""
    good = tmp_path / "good.xlsx"
    csv_folder_to_workbook(SMALL, good)
    bad = tmp_path / "ss.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "[Content_Types].xml":
                override = f'<Override PartName="/xl/ss.dat" ContentType="{_SHARED_STRINGS}" />'
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            out.writestr(entry, data)
        with out.open("xl/ss.dat", "w", force_zip64=True) as handle:
            handle.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            handle.write(b" " * (21 * 1024 * 1024))
            handle.write(b"<si><t>x</t></si></sst>")
    out_file = tmp_path / "roster.xlsx"

    assert _refused(bad) == (
        "ss.xlsx: xl/ss.dat unpacks to 21 MB; parts over 20 MB are refused, whatever their "
        "name or kind (it may be a zip bomb)"
    )
    result = runner.invoke(app, ["solve", str(bad), "--out", str(out_file), "-q"])
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "xl/ss.dat unpacks to 21 MB" in result.output
    assert not out_file.exists()


# -- 2. plan's CSV files are read as a program folder's CSV files are --------------------

HIRING_HEADER = (
    "hire_id,role,teams,home_zone,min_hours_per_week,max_hours_per_week,annual_cost,"
    "hourly_rate,max_count\n"
)


def test_a_hiring_file_of_60000_rows_is_refused_by_the_row_limit(tmp_path: Path) -> None:
    program = tiny_program(tmp_path / "tiny")
    hiring = tmp_path / "hires.csv"
    with hiring.open("w", encoding="utf-8") as handle:
        handle.write(HIRING_HEADER)
        handle.writelines(f"H{n},peer,adult,N,0,40,50000,30,1\n" for n in range(60_000))
    out = tmp_path / "plan.xlsx"
    message = "Hiring: more than 50,000 data rows; this tool reads at most 50,000 rows per sheet"
    # Read first: it was accepted, and planning 60,000 hires runs for many minutes.
    with pytest.raises(InputError) as raised:
        load_problem_for_plan(program, hiring)
    assert raised.value.render() == message

    result = runner.invoke(
        app,
        ["plan", str(program), "--hiring", str(hiring), "--out", str(out), *QUICK],
    )

    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not out.exists()


# A scenario name with an accent, as Excel on Windows saves "CSV" (Windows-1252), and
# as Excel saves it where the comma is the decimal separator (`;`).
SCENARIO_FILES = {
    "windows-1252": "scenario,change,team,factor\nmás,scale_demand,adult,2\n".encode("cp1252"),
    "semicolons": b"scenario;change;team;factor\nmore;scale_demand;adult;2\n",
}


@pytest.mark.parametrize("kind", SCENARIO_FILES)
def test_a_scenarios_csv_is_read_with_the_warnings_of_a_program_csv(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    scenarios = tmp_path / "Scenarios.csv"
    scenarios.write_bytes(SCENARIO_FILES[kind])
    as_program_csv = load_tables(tmp_path)
    assert not as_program_csv.issues and len(as_program_csv.warnings) == 1

    read = read_scenarios(scenarios)

    assert [(s.name, [c.factor for c in s.changes]) for s in read[1:]] == [
        ("más" if kind == "windows-1252" else "more", [2])
    ]
    assert capsys.readouterr().err.splitlines() == [
        f"warning: {warning}" for warning in as_program_csv.warnings
    ]


def test_plan_prints_the_warnings_of_its_scenarios_file(tmp_path: Path) -> None:
    program = tiny_program(tmp_path / "tiny")
    scenarios = tmp_path / "scenarios.csv"
    scenarios.write_bytes(
        "scenario;change;team;factor\nmás;scale_demand;adult;2\n".encode("cp1252")
    )
    out = tmp_path / "plan.xlsx"

    result = runner.invoke(
        app,
        ["plan", str(program), "--scenarios", str(scenarios), "--out", str(out), *QUICK],
    )

    assert result.exit_code == 0, result.output
    assert (
        "warning: Scenarios: scenarios.csv is not UTF-8 (byte 0xE1 at offset 29); it was read "
        "as Windows-1252, as Excel on Windows saves CSV: check names with accents, or save "
        "it as CSV UTF-8"
    ) in result.output
    assert (
        "warning: Scenarios: scenarios.csv separates columns with ';', not commas; it was "
        "read that way"
    ) in result.output
    assert openpyxl.load_workbook(out)["Scenarios"]["C1"].value == "más"


def test_a_shift_file_with_semicolons_is_read(tmp_path: Path) -> None:
    shifts = tmp_path / "night.csv"
    shifts.write_text("shift_id;start;end\nN22;22:00;06:00\n", encoding="utf-8")

    assert [shift.shift_id for shift in read_shift_file(shifts)] == ["N22"]


def test_a_binary_scenarios_file_is_refused_naming_the_byte(tmp_path: Path) -> None:
    scenarios = tmp_path / "scenarios.csv"
    scenarios.write_bytes(b"scenario,change\n\0\0")

    with pytest.raises(InputError) as raised:
        read_scenarios(scenarios)

    assert raised.value.render() == (
        "Scenarios: scenarios.csv is not a text file (a NUL byte at offset 16); "
        "save it as CSV UTF-8"
    )


# -- 3. Error cells and formulas without a saved value are located errors ---------------

NOT_COMPUTED = (
    "the formula's value was not saved (the workbook was saved without computed values, "
    "as scripts save it); open it in Excel or LibreOffice and save it again"
)


def _staff_workbook(tmp_path: Path, **cells: str) -> Path:
    """The small program as a workbook whose Staff cells are set as a script sets them:
    openpyxl stores "#N/A" as an error cell and "=30+2" as a formula with no value."""
    good = tmp_path / "good.xlsx"
    csv_folder_to_workbook(SMALL, good)
    book = openpyxl.load_workbook(good)
    for coordinate, value in cells.items():
        book["Staff"][coordinate] = value
    path = tmp_path / "staff.xlsx"
    book.save(path)
    return path


def test_error_cells_and_formulas_without_a_value_are_located(tmp_path: Path) -> None:
    path = _staff_workbook(tmp_path, A7="#N/A", F3="=30+2", H4="#DIV/0!")

    assert _refused(path).splitlines() == [
        "Staff!F3 (min_hours_per_week): " + NOT_COMPUTED,
        "Staff!H4 (hourly_rate): the cell holds the error #DIV/0!; fix the formula or type "
        "the value",
        "Staff!A7 (employee_id): the cell holds the error #N/A; fix the formula or type the value",
    ]


def test_check_refuses_an_error_cell_with_exit_2(tmp_path: Path) -> None:
    path = _staff_workbook(tmp_path, A7="#REF!")
    roster = tmp_path / "roster.xlsx"
    roster.write_bytes(b"")  # never read: the inputs are read first and refused
    out = tmp_path / "report.xlsx"

    result = runner.invoke(app, ["check", str(roster), "--inputs", str(path), "--out", str(out)])

    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert (
        "Staff!A7 (employee_id): the cell holds the error #REF!; fix the formula or type the value"
    ) in result.output
    assert not out.exists()


def test_an_error_in_a_header_is_located(tmp_path: Path) -> None:
    path = _staff_workbook(tmp_path, M1="#NAME?")

    assert _refused(path) == (
        "Staff!M1: the cell holds the error #NAME?; fix the formula or type the value"
    )


def test_a_formula_with_its_saved_value_is_read_and_an_empty_result_is_blank(
    tmp_path: Path,
) -> None:
    """What Excel and LibreOffice save: the formula and its value (t="str" and an empty
    value for a formula whose result is "")."""
    scripted = _staff_workbook(tmp_path, F3="=30+2", I4='=""')
    saved = tmp_path / "saved.xlsx"
    with (
        zipfile.ZipFile(scripted) as source,
        zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for entry in source.infolist():
            data = source.read(entry)
            if b"<f>30+2</f>" in data:
                data = data.replace(b"<f>30+2</f><v />", b"<f>30+2</f><v>32</v>")
                data = data.replace(
                    b'<c r="I4"><f>""</f><v />', b'<c r="I4" t="str"><f>""</f><v />'
                )
            out.writestr(entry, data)

    problem = read_problem(saved)

    staff = {person.employee_id: person for person in problem.staff}
    assert staff["C2"].min_hours_per_week == 32
    assert staff["C3"].skills == ()  # I4 was "Driver"; its formula gives ""


def test_an_error_cell_in_a_sheet_not_used_is_a_warning(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    csv_folder_to_workbook(SMALL, good)
    book = openpyxl.load_workbook(good)
    notes = book.create_sheet("Notes")
    notes.append(["note"])
    notes.append(["#N/A"])
    path = tmp_path / "notes.xlsx"
    book.save(path)

    assert load_problem(path).warnings == (
        "Notes!A2 (note): the cell holds the error #N/A; fix the formula or type the value "
        "(the sheet is not used)",
    )


def test_a_byte_order_mark_inside_a_csv_is_no_part_of_an_id(tmp_path: Path) -> None:
    # Files joined together carry the second file's BOM into a cell: "\ufeffC2" was an
    # unknown employee id next to the known "C2" (found by review).
    folder = tmp_path / "program"
    folder.mkdir()
    for file in SMALL.glob("*.csv"):
        (folder / file.name).write_bytes(file.read_bytes())
    staff = folder / "Staff.csv"
    header, first, *rest = staff.read_text(encoding="utf-8").splitlines()
    staff.write_text("\n".join([header, first, "\ufeff" + rest[0], *rest[1:]]) + "\n", "utf-8")
    ids = [person.employee_id for person in read_problem(folder).staff]
    assert ids == [person.employee_id for person in read_problem(SMALL).staff]
