"""Limits on input: huge, bomb-like and hostile files are refused fast, with exit 2.

The large files are made here at run time in tmp_path (never committed). Each refusal
is timed against a generous bound, since machines are noisy; docs/security.md records
the times measured.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.errors import EXIT_BAD_INPUT, InputError
from scheduler.io import tables
from scheduler.io.read_workbook import read_problem
from scheduler.io.template import csv_folder_to_workbook
from tests.solving import solve_checked

DATA = Path(__file__).parent / "data"
SMALL = DATA / "valid" / "small"
CALLS = Path(__file__).parent.parent / "inputs" / "hartford" / "calls" / "calls.csv"
MILLION = 1_000_000
#: A refusal must come within this many seconds (a second or two is what it takes).
REFUSED_WITHIN = 10.0

runner = CliRunner()


def _refusal(path: Path) -> tuple[InputError, float]:
    started = time.perf_counter()
    with pytest.raises(InputError) as raised:
        read_problem(path)
    return raised.value, time.perf_counter() - started


def _small_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "program"
    shutil.copytree(SMALL, folder)
    return folder


def _workbook(tmp_path: Path) -> Path:
    path = tmp_path / "good.xlsx"
    csv_folder_to_workbook(SMALL, path)
    return path


def _staff_part(workbook: Path) -> str:
    with zipfile.ZipFile(workbook) as archive:
        parts = {sheet: part for part, sheet in tables._sheet_names_by_part(archive).items()}
    return parts["Staff"]


def _replace_part(
    workbook: Path, target: Path, part: str, write: Callable[[zipfile.ZipFile], None]
) -> None:
    """A copy of `workbook` whose `part` is written by `write` (streamed, never in memory)."""
    with (
        zipfile.ZipFile(workbook) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
    ):
        for entry in source.infolist():
            if entry.filename == part:
                write(archive)
            else:
                archive.writestr(entry, source.read(entry))


def _staff_rows_xml(rows: int) -> Iterator[str]:
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>employee_id</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>role</t></is></c></row>'
    )
    for number in range(2, rows + 2):
        yield (
            f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>E{number}</t></is></c>'
            f'<c r="B{number}" t="inlineStr"><is><t>peer</t></is></c></row>'
        )
    yield "</sheetData></worksheet>"


def test_a_workbook_with_a_million_rows_is_refused_before_it_is_unpacked(
    tmp_path: Path,
) -> None:
    good = _workbook(tmp_path)
    big = tmp_path / "million.xlsx"
    part = _staff_part(good)

    def million_rows(archive: zipfile.ZipFile) -> None:
        with archive.open(part, "w", force_zip64=True) as handle:
            chunk: list[str] = []
            for text in _staff_rows_xml(MILLION):
                chunk.append(text)
                if len(chunk) == 10_000:
                    handle.write("".join(chunk).encode())
                    chunk.clear()
            handle.write("".join(chunk).encode())

    _replace_part(good, big, part, million_rows)

    error, seconds = _refusal(big)

    # About 95 bytes of XML per row: some 90 MB, over the 20 MB a sheet may unpack to.
    message = error.render()
    assert message.startswith("million.xlsx: sheet Staff unpacks to ")
    assert message.endswith(
        " MB of XML; parts over 20 MB are refused (some 40,000 rows of a dozen columns); "
        "delete the rows and columns beyond the data"
    )
    assert seconds < REFUSED_WITHIN


def test_a_csv_with_a_million_rows_is_refused_by_its_size(tmp_path: Path) -> None:
    folder = _small_copy(tmp_path)
    header = (folder / "Staff.csv").read_text(encoding="utf-8").splitlines()[0]
    with (folder / "Staff.csv").open("w", encoding="utf-8") as handle:
        handle.write(header + "\n")
        handle.writelines(
            f"E{n},Person {n},peer,adult,N,32,40,24.5,,yes,,\n" for n in range(MILLION)
        )

    error, seconds = _refusal(folder)

    # ~45 bytes a row: over 40 MB, refused before a byte is parsed.
    assert error.render().startswith("Staff: Staff.csv is ")
    assert error.render().endswith(" MB; files over 20 MB are refused")
    assert seconds < REFUSED_WITHIN


def test_a_csv_with_a_million_short_rows_is_refused_by_its_row_count(tmp_path: Path) -> None:
    """Short rows fit under the size limit: the row limit stops the reading."""
    folder = _small_copy(tmp_path)
    with (folder / "Staff.csv").open("w", encoding="utf-8") as handle:
        handle.write("employee_id,role\n")
        handle.writelines(f"E{n},peer\n" for n in range(MILLION))
    assert (folder / "Staff.csv").stat().st_size < tables.MAX_FILE_BYTES

    error, seconds = _refusal(folder)

    assert error.render() == (
        "Staff: more than 50,000 data rows; this tool reads at most 50,000 rows per sheet"
    )
    assert seconds < REFUSED_WITHIN


def test_a_sheet_of_blank_rows_is_refused_by_its_row_count(tmp_path: Path) -> None:
    """Blank rows are skipped, but reading them is not free."""
    folder = _small_copy(tmp_path)
    staff = (folder / "Staff.csv").read_text(encoding="utf-8")
    (folder / "Staff.csv").write_text(staff + ",\n" * 300_000, encoding="utf-8")

    error, seconds = _refusal(folder)

    assert error.render() == (
        "Staff: more than 200,000 rows, blank ones included; this tool reads at most "
        "200,000 rows per sheet (delete the rows below the data)"
    )
    assert seconds < REFUSED_WITHIN


def test_a_row_of_millions_of_cells_is_refused(tmp_path: Path) -> None:
    folder = _small_copy(tmp_path)
    staff = (folder / "Staff.csv").read_text(encoding="utf-8")
    (folder / "Staff.csv").write_text(staff + "C9" + "," * 2_100_000 + "\n", encoding="utf-8")

    error, seconds = _refusal(folder)

    assert error.render() == (
        "Staff: more than 2,000,000 cells, blank ones included, by row 8; "
        "delete the columns and rows beyond the data"
    )
    assert seconds < REFUSED_WITHIN


def test_values_in_the_last_excel_column_are_refused_by_the_cell_count(tmp_path: Path) -> None:
    """A value in column XFD makes openpyxl fill 16,383 blank cells before it, each row."""
    good = _workbook(tmp_path)
    wide = tmp_path / "wide.xlsx"
    part = _staff_part(good)
    rows = tables.MAX_SHEET_CELLS // 16_384 + 2

    def far_right(archive: zipfile.ZipFile) -> None:
        cells = "".join(
            f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>'
            for n in range(2, rows + 2)
        )
        archive.writestr(
            part,
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
            '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>employee_id</t></is></c></row>'
            f"{cells}</sheetData></worksheet>",
        )

    _replace_part(good, wide, part, far_right)
    assert wide.stat().st_size < 100_000  # small on disk and unpacked: only the cells cost

    error, seconds = _refusal(wide)

    assert str(error.issues[0]).startswith("Staff: more than 2,000,000 cells, blank ones included")
    assert seconds < REFUSED_WITHIN


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path: Path) -> None:
    """250 MB of zeros pack into a few hundred KB; the declared size gives it away."""
    bomb = tmp_path / "bomb.xlsx"
    shutil.copy(_workbook(tmp_path), bomb)
    with (
        zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("xl/media/image1.png", "w", force_zip64=True) as handle,
    ):
        block = bytes(1024 * 1024)
        for _ in range(250):
            handle.write(block)
    assert bomb.stat().st_size < 2 * 1024 * 1024

    error, seconds = _refusal(bomb)

    assert error.render() == (
        "bomb.xlsx: the workbook unpacks to 250 MB; workbooks that unpack to more than "
        "200 MB are refused (it may be a zip bomb)"
    )
    assert seconds < REFUSED_WITHIN


def test_one_part_that_unpacks_too_large_is_refused(tmp_path: Path) -> None:
    good = _workbook(tmp_path)
    bomb = tmp_path / "strings.xlsx"
    part = "xl/styles.xml"
    with zipfile.ZipFile(good) as source:
        assert part in source.namelist()

    def padded(archive: zipfile.ZipFile) -> None:
        with archive.open(part, "w", force_zip64=True) as handle:
            handle.write(b" " * (21 * 1024 * 1024))

    _replace_part(good, bomb, part, padded)

    error, seconds = _refusal(bomb)

    assert error.render() == (
        "strings.xlsx: xl/styles.xml unpacks to 21 MB of XML; parts over 20 MB are refused "
        "(some 40,000 rows of a dozen columns); delete the rows and columns beyond the data"
    )
    assert seconds < REFUSED_WITHIN


def test_a_workbook_of_too_many_files_is_refused(tmp_path: Path) -> None:
    good = _workbook(tmp_path)
    many = tmp_path / "many.xlsx"
    shutil.copy(good, many)
    with zipfile.ZipFile(many, "a") as archive:
        for n in range(tables.MAX_ZIP_ENTRIES):
            archive.writestr(f"xl/extra/{n}.xml", "")

    error, seconds = _refusal(many)

    assert error.render().startswith("many.xlsx: the workbook holds 10,0")
    assert error.render().endswith(
        " files; workbooks of more than 10,000 are refused (it may be a zip bomb)"
    )
    assert seconds < REFUSED_WITHIN


# -- Every command that reads input refuses the same way: exit 2, nothing written -------


def _not_a_workbook(folder: Path) -> tuple[Path, str]:
    path = folder / "scan.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    return path, "scan.xlsx: cannot be read as an Excel workbook: it is a PDF document"


def _zip_bomb(folder: Path) -> tuple[Path, str]:
    """A workbook whose Staff sheet declares 30 MB of XML (spaces, packed to 30 KB)."""
    good = folder / "good.xlsx"
    csv_folder_to_workbook(SMALL, good)
    part = _staff_part(good)

    def spaces(archive: zipfile.ZipFile) -> None:
        with archive.open(part, "w", force_zip64=True) as handle:
            handle.write(b" " * (30 * 1024 * 1024))

    bomb = folder / "bomb.xlsx"
    _replace_part(good, bomb, part, spaces)
    return bomb, "bomb.xlsx: sheet Staff unpacks to 30 MB of XML; parts over 20 MB are refused"


@pytest.fixture(scope="module")
def small_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A roster workbook of the small program, checked, to read back."""
    out = tmp_path_factory.mktemp("roster") / "roster.xlsx"
    result = runner.invoke(
        app, ["solve", str(SMALL), "--out", str(out), "--time-limit", "5", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    return out


def _commands(bad: Path, roster: Path, out: Path) -> dict[str, list[str]]:
    return {
        "solve": ["solve", str(bad), "--out", str(out), "--quiet"],
        "solve --previous": [
            "solve", str(SMALL), "--previous", str(bad), "--out", str(out), "--quiet",
        ],
        "check input": ["check", str(roster), "--inputs", str(bad), "--out", str(out)],
        "check roster": ["check", str(bad), "--inputs", str(SMALL), "--out", str(out)],
        "repair": ["repair", str(roster), "--inputs", str(bad), "--out", str(out), "-q"],
        "publish": ["publish", str(bad), "--out", str(out)],
        "publish --inputs": ["publish", str(roster), "--inputs", str(bad), "--out", str(out)],
        "demand": ["demand", "--inputs", str(bad), "--calls", str(CALLS), "--out", str(out)],
        "simulate --rates": [
            "simulate", str(roster), "--inputs", str(SMALL), "--rates", str(bad), "--out",
            str(out),
        ],
        "plan": ["plan", str(bad), "--out", str(out), "--quiet"],
        "plan --scenarios": [
            "plan", str(SMALL), "--scenarios", str(bad), "--out", str(out), "--quiet",
        ],
        "sample": ["sample", str(bad), "--out", str(out)],
    }  # fmt: skip


@pytest.mark.parametrize("make_bad", [_not_a_workbook, _zip_bomb], ids=["pdf", "zip bomb"])
def test_every_command_refuses_a_bad_workbook_and_writes_nothing(
    tmp_path: Path, small_roster: Path, make_bad: Callable[[Path], tuple[Path, str]]
) -> None:
    bad, message = make_bad(tmp_path)
    out = tmp_path / "out.xlsx"  # a workbook name (publish takes it as a folder's)
    for name, arguments in _commands(bad, small_roster, out).items():
        result = runner.invoke(app, arguments)
        assert result.exit_code == EXIT_BAD_INPUT, (name, result.output)
        assert message in result.output, (name, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), name
        assert not out.exists(), name


@pytest.mark.parametrize("command", ["demand", "simulate", "solve", "plan"])
def test_commands_reading_a_call_log_refuse_a_binary_one(
    tmp_path: Path, small_roster: Path, command: str
) -> None:
    calls = tmp_path / "calls.csv"
    calls.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    out = tmp_path / "out.xlsx"
    arguments = {
        "demand": ["demand", "--inputs", str(SMALL), "--calls", str(calls), "--out", str(out)],
        "simulate": [
            "simulate", str(small_roster), "--inputs", str(SMALL), "--calls",
            str(calls), "--out", str(out),
        ],
        "solve": ["solve", str(SMALL), "--calls", str(calls), "--out", str(out), "-q"],
        "plan": ["plan", str(SMALL), "--calls", str(calls), "--out", str(out), "-q"],
    }[command]  # fmt: skip

    result = runner.invoke(app, arguments)

    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert (
        "calls.csv: calls.csv is not a text file (a NUL byte at offset 8); save it as CSV UTF-8"
    ) in result.output
    assert not out.exists()


def test_a_windows_1252_call_log_with_semicolons_is_read_with_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from scheduler.demand.calls import read_calls

    problem = read_problem(SMALL)
    calls = tmp_path / "calls.csv"
    log = "received_at;zone;team;note\n2026-03-02T09:15;N;adult;Müller\n"
    calls.write_bytes(log.encode("cp1252"))

    logged = read_calls(calls, problem)

    assert [(c.received_at.hour, c.zone, c.team) for c in logged] == [(9, "N", "adult")]
    assert capsys.readouterr().err.splitlines() == [
        "warning: calls.csv is not UTF-8 (byte 0xFC at offset 53); it was read as "
        "Windows-1252, as Excel on Windows saves CSV: check names with accents, or save it "
        "as CSV UTF-8",
        "warning: calls.csv separates columns with ';', not commas; it was read that way",
    ]


def test_time_off_until_further_notice_is_cut_to_the_roster(tmp_path: Path) -> None:
    """Found by hand while fuzzing: a soft row "until 9999-12-31" (how HR systems say "until
    further notice") was one request per day, 2.9 million, and `solve` hung on it."""
    from scheduler.model.calendar import requests

    folder = _small_copy(tmp_path)
    (folder / "TimeOff.csv").write_text(
        "employee_id,start,end,kind\nC1,2026-03-04,9999-12-31,prefer_off\n"
        "C2,1900-01-01,1900-01-09,prefer_off\nP1,9999-12-31,9999-12-31,unavailable\n"
        "C2,9999-12-31,9999-12-31,prefer_off\n",
        encoding="utf-8",
    )
    started = time.perf_counter()

    problem = read_problem(folder)

    windows = [(item.start, item.end) for item in problem.time_off]
    assert windows == [
        # From its start to the day after the roster's last (2026-03-08): all it can touch.
        (dt.datetime(2026, 3, 4), dt.datetime(2026, 3, 10)),
        # Wholly before or after the roster: one day just beyond the days a shift can
        # touch (found by review: a request on 9999-12-31 overflowed the date arithmetic).
        (dt.datetime(2026, 2, 28), dt.datetime(2026, 3, 1)),
        (dt.datetime(2026, 3, 10), dt.datetime(2026, 3, 11)),
        (dt.datetime(2026, 3, 10), dt.datetime(2026, 3, 11)),
    ]
    assert len(requests(problem)) == 6 + 1 + 1  # 4 to 9 March, one day before, one after
    assert time.perf_counter() - started < REFUSED_WITHIN
    # Solving and checking take them as they are.
    result, evaluation = solve_checked(problem, time_limit=3.0)
    assert result.status.has_roster and evaluation.hard_violations == ()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        # Found by hand: `demand` hung in the Erlang sums, `simulate` overflowed.
        (
            "2026-03-02T09:15,N,adult,1e308",
            "calls.csv!D3 (busy_minutes): busy_minutes '1e308' is not a number of minutes "
            "above 0 and at most 1440",
        ),
        # Found by hand: `simulate` overflowed replaying it; `demand` spread the rates
        # over 8,000 years.
        (
            "9999-12-31T23:59,N,adult,60",
            "calls.csv!A3 (received_at): received_at '9999-12-31T23:59' is out of range; "
            "expected a date-time from 1900-01-01 to 2999-12-31",
        ),
    ],
)
def test_a_call_log_with_a_value_out_of_range(tmp_path: Path, row: str, message: str) -> None:
    from scheduler.demand.calls import read_calls

    calls = tmp_path / "calls.csv"
    calls.write_text(
        f"received_at,zone,team,busy_minutes\n2026-03-02T08:00,S,adult,45\n{row}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        read_calls(calls, read_problem(SMALL))
    assert raised.value.render() == message
