"""The corpus of invalid inputs: each case folder must fail with its expected message.

A case is a folder under tests/data/invalid/ holding a copy of a valid tiny
program with one defect and `expected.txt`, the text the error must contain
(with its `Sheet!Cell` location). Adding a folder adds a case.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from scheduler.errors import EXIT_BAD_INPUT, InputError
from scheduler.io.read_workbook import read_problem
from scheduler.io.template import csv_folder_to_workbook

DATA = Path(__file__).parent / "data"
CASES = sorted(folder for folder in (DATA / "invalid").iterdir() if folder.is_dir())
SMALL = DATA / "valid" / "small"


def _error(path: Path) -> InputError:
    with pytest.raises(InputError) as raised:
        read_problem(path)
    return raised.value


def test_the_corpus_is_there() -> None:
    names = {case.name for case in CASES}
    assert {"missing_sheet", "unknown_role", "pin_outside_horizon", "unknown_rule"} <= names
    assert len(CASES) >= 17


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_invalid_case_reports_its_defect(case: Path) -> None:
    expected = (case / "expected.txt").read_text(encoding="utf-8").strip()
    assert expected, f"{case.name}/expected.txt is empty"

    error = _error(case)

    assert error.exit_code == EXIT_BAD_INPUT
    assert expected in error.render()


@pytest.mark.parametrize("case", CASES[:5], ids=[case.name for case in CASES[:5]])
def test_invalid_case_fails_the_same_way_as_a_workbook(case: Path, tmp_path: Path) -> None:
    workbook = tmp_path / f"{case.name}.xlsx"
    csv_folder_to_workbook(case, workbook)
    expected = (case / "expected.txt").read_text(encoding="utf-8").strip()
    assert expected in _error(workbook).render()


def test_two_defects_are_both_reported(tmp_path: Path) -> None:
    folder = tmp_path / "two_defects"
    shutil.copytree(SMALL, folder)
    staff = folder / "Staff.csv"
    staff.write_text(staff.read_text(encoding="utf-8").replace("Clinician", "clinican"), "utf-8")
    pins = folder / "Pins.csv"
    pins.write_text(pins.read_text(encoding="utf-8").replace("2026-03-02", "2026-03-20"), "utf-8")

    error = _error(folder)

    assert [str(issue) for issue in error.issues] == [
        "Staff!C4 (role): role 'clinican' is not one of clinician, peer",
        "Pins!B2 (date): date 2026-03-20 is outside the roster (2026-03-02 to 2026-03-08)",
    ]
    issue = error.issues[0]
    assert (issue.sheet, issue.row, issue.column, issue.column_letter) == ("Staff", 4, "role", "C")


def test_a_broken_sheet_does_not_cascade(tmp_path: Path) -> None:
    """Without a readable Zones sheet, zone references are not checked at all."""
    folder = tmp_path / "no_zone_id"
    shutil.copytree(SMALL, folder)
    zones = folder / "Zones.csv"
    zones.write_text(zones.read_text(encoding="utf-8").replace("zone_id", "zone"), "utf-8")

    error = _error(folder)

    assert error.render() == (
        "Zones: missing column 'zone_id' (the columns are zone_id, name, neighborhoods, "
        "travel_minutes)"
    )


def test_a_text_file_renamed_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "program.xlsx"
    path.write_text("key,value\nname,Not a workbook\n", encoding="utf-8")
    assert _error(path).render() == (
        "program.xlsx: cannot be read as an Excel workbook (BadZipFile: File is not a zip file)"
    )


def test_a_corrupt_workbook(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    csv_folder_to_workbook(SMALL, good)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    not_a_workbook = tmp_path / "other.xlsx"
    with zipfile.ZipFile(not_a_workbook, "w") as archive:
        archive.writestr("hello.txt", "a zip, but not a workbook")

    for path in (truncated, not_a_workbook):
        error = _error(path)
        assert [issue.sheet for issue in error.issues] == [path.name]
        assert error.render().startswith(f"{path.name}: cannot be read as an Excel workbook (")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.xlsx", "missing.xlsx: no such file or folder: "),
        ("old.xls", "old.xls: this is an old Excel .xls workbook; save it as .xlsx"),
        ("Staff.csv", "Staff.csv: give the folder that holds the CSV files, not one CSV file"),
        ("notes.txt", "notes.txt: expected an .xlsx workbook or a folder of CSV files"),
    ],
)
def test_paths_that_are_not_programs(tmp_path: Path, name: str, message: str) -> None:
    if name != "missing.xlsx":
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert _error(tmp_path / name).render().startswith(message)


def test_a_csv_that_is_not_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "latin1"
    shutil.copytree(SMALL, folder)
    (folder / "Zones.csv").write_bytes("zone_id,name\nN,Nördlich\n".encode("latin-1"))
    assert _error(folder).render() == ("Zones: Zones.csv is not UTF-8 text; save it as CSV UTF-8")
