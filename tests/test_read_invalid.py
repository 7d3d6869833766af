"""The corpus of invalid inputs: each case folder must fail with its expected message.

A case is a folder under tests/data/invalid/ holding a copy of a valid tiny
program with one defect and `expected.txt`, the text the error must contain
(with its `Sheet!Cell` location). Adding a folder adds a case.
"""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.errors import EXIT_BAD_INPUT, InputError
from scheduler.io.read_workbook import load_problem, read_problem
from scheduler.io.tables_spec import INPUT_SHEETS
from scheduler.io.template import csv_folder_to_workbook

DATA = Path(__file__).parent / "data"
CASES = sorted(folder for folder in (DATA / "invalid").iterdir() if folder.is_dir())
SMALL = DATA / "valid" / "small"
runner = CliRunner()


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


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_solve_on_an_invalid_case_exits_2_names_the_defect_and_writes_nothing(
    case: Path, tmp_path: Path
) -> None:
    # What a manager sees: the message on the terminal, exit code 2, no roster file.
    out = tmp_path / "roster.xlsx"
    result = runner.invoke(app, ["solve", str(case), "--out", str(out), "-q"])
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert (case / "expected.txt").read_text(encoding="utf-8").strip() in result.output
    assert list(tmp_path.iterdir()) == []


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
        "travel_minutes; row 1 has zone, name, neighborhoods, travel_minutes)"
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


def _small_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "program"
    shutil.copytree(SMALL, folder)
    return folder


def test_a_windows_1252_csv_is_read_with_a_warning(tmp_path: Path) -> None:
    """Excel on Windows saves "CSV" as Windows-1252: reading it is kinder than refusing."""
    folder = _small_copy(tmp_path)
    zones = "zone_id,name\nN,Nördlich\nS,Süd – Barry Square\n"
    (folder / "Zones.csv").write_bytes(zones.encode("cp1252"))

    loaded = load_problem(folder)

    assert [zone.name for zone in loaded.value.zones] == ["Nördlich", "Süd – Barry Square"]
    # The header is 13 bytes with its newline, then "N,N" and "ö" (0xF6) at offset 16.
    assert loaded.warnings[0] == (
        "Zones: Zones.csv is not UTF-8 (byte 0xF6 at offset 16); it was read as "
        "Windows-1252, as Excel on Windows saves CSV: check names with accents, or save it "
        "as CSV UTF-8"
    )


def test_a_csv_that_is_neither_utf8_nor_windows_1252(tmp_path: Path) -> None:
    folder = _small_copy(tmp_path)
    # 0x81 is no character in Windows-1252 either; it follows 13 + 7 bytes.
    (folder / "Zones.csv").write_bytes(b"zone_id,name\nN,North\x81\n")
    assert _error(folder).render() == (
        "Zones: Zones.csv is neither UTF-8 nor Windows-1252 text (byte 0x81 at offset 20); "
        "save it as CSV UTF-8"
    )


def test_a_utf16_csv_with_its_bom_is_read(tmp_path: Path) -> None:
    """Excel's "Unicode text" export."""
    folder = _small_copy(tmp_path)
    text = (SMALL / "Zones.csv").read_text(encoding="utf-8")
    (folder / "Zones.csv").write_bytes(text.encode("utf-16"))
    assert read_problem(folder).zones == read_problem(SMALL).zones


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a NUL byte at offset 8"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\0", "a NUL byte at offset 22"),
    ],
)
def test_a_binary_file_named_csv(tmp_path: Path, content: bytes, message: str) -> None:
    folder = _small_copy(tmp_path)
    (folder / "Staff.csv").write_bytes(content)
    assert _error(folder).render() == (
        f"Staff: Staff.csv is not a text file ({message}); save it as CSV UTF-8"
    )


@pytest.mark.parametrize(("delimiter", "said"), [(";", "';'"), ("\t", "tabs")])
def test_a_csv_with_another_delimiter_is_read_with_a_warning(
    tmp_path: Path, delimiter: str, said: str
) -> None:
    """Excel writes `;` where the decimal point is a comma; `adult;juvenile` is then quoted."""
    folder = _small_copy(tmp_path)
    for name in ("Staff.csv", "Shifts.csv"):
        with (SMALL / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter=delimiter).writerows(rows)
    assert '"adult;juvenile"' in (folder / "Shifts.csv").read_text(encoding="utf-8") or (
        delimiter == "\t"
    )

    loaded = load_problem(folder)

    assert (loaded.value.staff, loaded.value.shifts) == (
        read_problem(SMALL).staff,
        read_problem(SMALL).shifts,
    )
    assert [w for w in loaded.warnings if "separates columns" in w] == [
        f"Shifts: Shifts.csv separates columns with {said}, not commas; it was read that way",
        f"Staff: Staff.csv separates columns with {said}, not commas; it was read that way",
    ]


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a PNG image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "an old .xls workbook or a "
         "password-protected one; remove the password and save it as .xlsx"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_spreadsheet_renamed_xlsx(
    tmp_path: Path, content: bytes, kind: str
) -> None:
    path = tmp_path / "program.xlsx"
    path.write_bytes(content)
    assert (
        _error(path).render() == f"program.xlsx: cannot be read as an Excel workbook: it is {kind}"
    )


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "program.xlsx"
    path.write_bytes(b"")
    assert _error(path).render() == (
        "program.xlsx: the file is empty (0 bytes); expected an .xlsx workbook"
    )


def test_openpyxl_parses_workbooks_with_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize(
    ("part", "where"), [("xl/workbook.xml", "bomb.xlsx"), ("xl/worksheets/sheet3.xml", "Staff")]
)
def test_an_xml_entity_bomb_in_a_workbook_is_refused(tmp_path: Path, part: str, where: str) -> None:
    """Billion laughs: entities that expand to gigabytes; defusedxml refuses any entity."""
    good = tmp_path / "good.xlsx"
    csv_folder_to_workbook(SMALL, good)
    bomb = tmp_path / "bomb.xlsx"
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "lol"}">' for n in range(10))
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w") as target:
        assert "Staff" in source.read("xl/workbook.xml").decode().split('r:id="rId3"')[0][-40:]
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == part:
                text = data.decode("utf-8")
                root = text.index("<", text.index("?>") if text.startswith("<?xml") else 0)
                root_name = text[root + 1 :].split(" ", 1)[0].split(">", 1)[0]
                text = f"{text[:root]}<!DOCTYPE {root_name} [{laughs}]>{text[root:]}"
                data = text.replace(f"</{root_name}>", f"<x>&l9;</x></{root_name}>").encode()
            target.writestr(entry, data)

    error = _error(bomb)

    assert str(error.issues[0]) == (
        "bomb.xlsx: cannot be read as an Excel workbook (EntitiesForbidden: its XML declares "
        "entities or a DTD, which a spreadsheet program never writes; it may be an XML bomb)"
    )


# `Staff!D7 (role): ...` names a cell and its column; `Staff: missing column 'role' ...`
# names a column of the sheet; `Staff: ...` names the sheet alone.
_CELL = re.compile(r"^(\w+)!\$?[A-Z]+\$?\d+ \((\w+)\): ")
_MISSING_COLUMN = re.compile(r"^(\w+): missing column '(\w+)'")
_SHEET = re.compile(r"^(\w+): ")


def _covers(case: Path) -> tuple[str, str | None]:
    """The sheet and column a case's expected message names (column None: the whole sheet)."""
    expected = (case / "expected.txt").read_text(encoding="utf-8").strip()
    for pattern in (_CELL, _MISSING_COLUMN):
        if match := pattern.match(expected):
            return match.group(1), match.group(2)
    match = _SHEET.match(expected)
    assert match, f"{case.name}/expected.txt does not start with a location: {expected!r}"
    return match.group(1), None


def test_every_sheet_and_column_of_the_contract_has_a_case() -> None:
    covered: dict[str, set[str | None]] = {}
    for case in CASES:
        sheet, column = _covers(case)
        covered.setdefault(sheet, set()).add(column)
    missing = [
        f"{sheet.name}.{column.name}"
        for sheet in INPUT_SHEETS
        if sheet.used  # a sheet this version does not read cannot be wrong
        for column in sheet.columns
        if column.name not in covered.get(sheet.name, set())
    ]
    assert missing == [], f"no invalid case names these columns: {missing}"
    # Every required sheet, left out, has its own case.
    left_out = {
        _covers(case)[0]
        for case in CASES
        if "required sheet is missing" in (case / "expected.txt").read_text(encoding="utf-8")
    }
    assert left_out == {sheet.name for sheet in INPUT_SHEETS if sheet.required}
