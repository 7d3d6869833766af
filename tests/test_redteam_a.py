"""What a red-team pass over solve, check, repair, publish, template, sample and the
Python API found (issue 17 item 8), each pinned by a test that failed before its fix.

Every test here reads a tiny program and, except where a roster must be made, stops
before any solver runs (the guards and option checks come first)."""

from __future__ import annotations

import datetime as dt
import errno
import gc
import io
import math
import os
import shutil
import stat
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from icalendar import Calendar
from typer.testing import CliRunner

import scheduler
from scheduler.cli import app
from scheduler.io.output_paths import OutputPathError

runner = CliRunner()
DATA = Path(__file__).parent / "data"
SMALL = DATA / "valid" / "small"
ROSTER = DATA / "edited" / "small_solved.xlsx"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """The small program as a workbook and as CSVs, and a roster of it."""
    shutil.copytree(SMALL, tmp_path / "program")
    shutil.copy(ROSTER, tmp_path / "roster.xlsx")
    assert runner.invoke(app, ["sample", str(tmp_path / "program"), "--out",
                               str(tmp_path / "program.xlsx")]).exit_code == 0  # fmt: skip
    return tmp_path


# --- The Python API takes text paths as it takes Paths -----------------------------


def test_a_text_input_counts_for_the_output_guard(work: Path) -> None:
    # Text inputs were not counted as inputs: check and solve replaced the program
    # workbook with their output, repair the roster it repaired.
    program, roster = str(work / "program.xlsx"), str(work / "roster.xlsx")
    before = (work / "program.xlsx").read_bytes(), (work / "roster.xlsx").read_bytes()
    with pytest.raises(OutputPathError, match="would overwrite an input"):
        scheduler.check(roster, program, out=Path(program))
    with pytest.raises(OutputPathError, match="would overwrite an input"):
        scheduler.solve(program, out=Path(program))
    with pytest.raises(OutputPathError, match="would overwrite an input"):
        scheduler.repair(roster, program, [], out=Path(roster))
    assert ((work / "program.xlsx").read_bytes(), (work / "roster.xlsx").read_bytes()) == before


def test_text_paths_are_taken_everywhere(work: Path) -> None:
    # `out` as text was an AttributeError ('str' object has no attribute 'resolve').
    checked = scheduler.check(str(work / "roster.xlsx"), str(work / "program"),
                              out=str(work / "hr.xlsx"))  # fmt: skip
    assert checked.written == (work / "hr.xlsx",)
    published = scheduler.publish(str(work / "roster.xlsx"), None, str(work / "pub"))
    assert published.schedules == work / "pub" / "schedules.xlsx"
    assert scheduler.write_template(str(work / "t.xlsx")).path == work / "t.xlsx"
    assert scheduler.build_sample(str(work / "program")).path == work / "program" / "program.xlsx"


def test_a_leading_tilde_is_the_home_folder(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A quoted '~/x.xlsx' (a script, Windows, the API) made a folder named `~` here.
    monkeypatch.setenv("HOME", str(work / "home"))
    monkeypatch.chdir(work)
    (work / "home").mkdir()
    result = runner.invoke(app, ["template", "~/blank.xlsx"])
    assert result.exit_code == 0, result.output
    assert (work / "home" / "blank.xlsx").is_file()
    assert not (work / "~").exists()


# --- Options no search can run with --------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (scheduler.SolveSettings(time_limit=0), "--time-limit 0: expected a finite number"),
        (scheduler.SolveSettings(time_limit=math.nan), "--time-limit nan"),
        (scheduler.SolveSettings(time_limit=math.inf), "--time-limit inf"),
        (scheduler.SolveSettings(workers=0), "--workers 0: expected a whole number, 1 or more"),
        (scheduler.SolveSettings(seed=2**31), "--seed 2147483648: expected a whole number"),
        (scheduler.SolveSettings(method="fast"), "--method fast: expected one of whole"),  # type: ignore[arg-type]
    ],
)
def test_settings_no_search_can_run_with_are_refused(
    work: Path, settings: scheduler.SolveSettings, message: str
) -> None:
    # Before: a 0, negative or NaN limit gave a 0.5 s roster without a word, an unknown
    # method ran as auto, workers=0 went to CP-SAT; a seed of 2**31 was a TypeError.
    problem = scheduler.read_problem(work / "program")
    with pytest.raises(scheduler.InputError, match=message):
        scheduler.solve(problem, settings)
    with pytest.raises(scheduler.InputError, match=message):
        scheduler.repair(work / "roster.xlsx", problem, [], settings=settings)


@pytest.mark.parametrize(
    "arguments",
    [["--time-limit", "inf"], ["--seed", "2147483648"], ["--seed", "99999999999999999999"]],
)
def test_the_command_line_refuses_them_with_exit_2(work: Path, arguments: list[str]) -> None:
    # Before: --time-limit inf stopped after seconds with a 99% gap and a blank limit in
    # Summary; a seed past 32 bits was an OR-Tools traceback, exit 1.
    out = work / "roster_new.xlsx"
    result = runner.invoke(app, ["solve", str(work / "program"), "--out", str(out), "-q",
                                 *arguments])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert arguments[0] in result.output and "Traceback" not in result.output
    assert not out.exists()


# --- Output names ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["roster.csv", "roster", "roster.xls"])
@pytest.mark.parametrize("command", ["solve", "check", "repair", "template"])
def test_a_workbook_output_must_be_named_xlsx(work: Path, command: str, name: str) -> None:
    # Before: an .xlsx workbook was written as roster.csv (which `check` then refuses as
    # "one CSV file"), as roster.xls or with no extension at all.
    out = str(work / name)
    arguments = {
        "solve": ["solve", str(work / "program"), "--out", out, "-q"],
        "check": ["check", str(work / "roster.xlsx"), "-i", str(work / "program"), "-o", out],
        "repair": ["repair", str(work / "roster.xlsx"), "-i", str(work / "program"), "-o", out],
        "template": ["template", out],
    }[command]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2, result.output
    assert f"{out}: does not end in .xlsx" in result.output
    assert not Path(out).exists()


def test_an_upper_case_xlsx_name_is_a_workbook_name(work: Path) -> None:
    assert runner.invoke(app, ["template", str(work / "BLANK.XLSX")]).exit_code == 0


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_read_only_out_is_never_replaced(work: Path) -> None:
    # Before: the rename that replaces a file needs only the folder's permission, so a
    # roster made read-only to keep it was replaced (by any user, not only root).
    kept = work / "kept.xlsx"
    shutil.copy(ROSTER, kept)
    kept.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    before = kept.read_bytes()
    for arguments in (
        ["check", str(work / "roster.xlsx"), "-i", str(work / "program"), "-o", str(kept)],
        ["template", str(kept)],
    ):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 2, result.output
        assert f"{kept}: is read-only; make it writable or give another file" in result.output
    assert kept.read_bytes() == before


def test_sample_of_a_workbook_says_it_is_no_folder(work: Path) -> None:
    # Before: "--out <workbook>/<workbook>.xlsx: ... is a file, not a folder", naming an
    # --out that was never given.
    result = runner.invoke(app, ["sample", str(work / "program.xlsx")])
    assert result.exit_code == 2, result.output
    assert "not a folder" in result.output and "folder of CSV files" in result.output
    assert "--out" not in result.output


def test_sample_of_the_current_folder_is_named_after_it(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: `sample .` wrote a hidden `./.xlsx`.
    monkeypatch.chdir(work / "program")
    result = runner.invoke(app, ["sample", "."])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(work / "program" / "program.xlsx", read_only=True)


# --- Publishing next week's roster into this week's folder --------------------------


def _week_later(source: Path, target: Path) -> None:
    """The roster moved on by 7 days (dates, starts, ends and unit ids)."""
    book = openpyxl.load_workbook(source)
    sheet = book["Assignments"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for name in ("date", "start", "end"):
            cell = row[header.index(name)]
            moment = dt.datetime.fromisoformat(str(cell.value)) + dt.timedelta(days=7)
            cell.value = moment.strftime("%Y-%m-%d" if name == "date" else "%Y-%m-%dT%H:%M")
        unit_cell = row[header.index("unit_id")]
        unit_cell.value = f"next-{unit_cell.value}"
    book.save(target)


def _statuses(folder: Path) -> dict[str, str]:
    """UID -> STATUS of every event of every calendar in `folder`."""
    found = {}
    for path in folder.glob("*.ics"):
        for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            found[str(event["uid"])] = str(event["status"])
    return found


@pytest.mark.parametrize("with_inputs", [False, True])
def test_publishing_next_week_keeps_this_weeks_shifts(work: Path, with_inputs: bool) -> None:
    # Before: every shift of this week became STATUS:CANCELLED in every calendar when
    # next week's roster was published into the same folder (mid-week, people's
    # remaining shifts of the week showed as cancelled).
    _week_later(work / "roster.xlsx", work / "next.xlsx")
    next_program = work / "next_program"
    shutil.copytree(work / "program", next_program)
    text = (next_program / "Program.csv").read_text(encoding="utf-8")
    (next_program / "Program.csv").write_text(text.replace("2026-03-02", "2026-03-09"))
    for dated in ("Pins.csv", "TimeOff.csv"):  # this week's dates
        (next_program / dated).unlink(missing_ok=True)
    this_week = ["-i", str(work / "program")] if with_inputs else []
    next_week = ["-i", str(next_program)] if with_inputs else []
    pub = work / "pub"
    first = runner.invoke(app, ["publish", str(work / "roster.xlsx"), "-o", str(pub), *this_week])
    assert first.exit_code == 0, first.output
    published = _statuses(pub)
    second = runner.invoke(app, ["publish", str(work / "next.xlsx"), "-o", str(pub), *next_week])
    assert second.exit_code == 0, second.output
    statuses = _statuses(pub)
    assert {uid: statuses[uid] for uid in published} == published  # all CONFIRMED still
    assert set(published.values()) == {"CONFIRMED"}
    assert len(statuses) == 2 * len(published)  # and next week's beside them


def test_republishing_the_same_week_without_inputs_still_cancels(work: Path) -> None:
    # The week without --inputs is its first to last shift's day: a shift dropped from
    # inside it is cancelled as with the program's horizon.
    pub = work / "pub"
    assert runner.invoke(app, ["publish", str(work / "roster.xlsx"), "-o", str(pub)]).exit_code == 0
    book = openpyxl.load_workbook(work / "roster.xlsx")
    sheet = book["Assignments"]
    dropped = [cell.value for cell in sheet[3]]
    assert (
        dropped[0] == "2026-03-02" and sheet.cell(row=sheet.max_row, column=1).value > "2026-03-02"
    )
    sheet.delete_rows(3)
    book.save(work / "edited.xlsx")
    assert runner.invoke(app, ["publish", str(work / "edited.xlsx"), "-o", str(pub)]).exit_code == 0
    cancelled = [uid for uid, status in _statuses(pub).items() if status == "CANCELLED"]
    assert len(cancelled) == 1 and dropped[7] in cancelled[0]


# --- A disk that fills up midway ---------------------------------------------------


class _FullDisk:
    """A file on a disk with room for `room` bytes: writing past it, and flushing or
    closing what is buffered past it, fail with ENOSPC (as on a full tmpfs)."""

    def __init__(self, file: Any, room: int) -> None:
        self.file, self.room, self.written = file, room, 0

    def write(self, data: Any) -> int:
        self.written += len(data)
        if self.written > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        return int(self.file.write(data))

    def flush(self) -> None:
        if self.written > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.file.flush()

    def close(self) -> None:
        if self.file.closed:
            return
        try:
            self.flush()
        finally:
            self.file.close()

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.file, name)


@pytest.fixture
def full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Files opened for writing under `disk/` get 2,000 bytes of room; returns what
    Python reports as "Exception ignored" (unraisable) while the test runs."""
    disk = tmp_path / "disk"
    disk.mkdir()
    real_open = io.open

    def open_on_disk(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        opened = real_open(file, mode, *args, **kwargs)
        inside = isinstance(file, str | os.PathLike) and str(file).startswith(str(disk))
        return _FullDisk(opened, 2_000) if inside and set(mode) & set("wax+") else opened

    monkeypatch.setattr(io, "open", open_on_disk)
    ignored: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda raised: ignored.append(repr(raised)))
    return ignored


def test_a_full_disk_gives_its_message_and_no_traceback(work: Path, full_disk: list[str]) -> None:
    # Before: exit 4 and the right message, then "Exception ignored in: <function
    # ZipFile.__del__> ... OSError: [Errno 28]" when openpyxl's half-written zip, left
    # open, failed again as Python collected it.
    disk = work / "disk"
    previous = disk / "roster.xlsx"
    shutil.copy(ROSTER, previous)
    before = previous.read_bytes()
    result = runner.invoke(app, ["template", str(previous)])
    code, output = result.exit_code, result.output
    del result  # its exception's frames hold what failed; now Python may collect it
    gc.collect()
    assert code == 4, output
    assert "the disk is full" in output
    assert full_disk == []
    assert previous.read_bytes() == before


def test_demand_on_a_full_disk_gives_its_message_and_no_traceback(
    work: Path, full_disk: list[str]
) -> None:
    # Before: demand saved with openpyxl straight to the file, so its half-written
    # zip failed again as Python collected it ("Exception ignored ... Traceback").
    hartford = Path(__file__).parent.parent / "inputs" / "hartford"
    out = work / "disk" / "demand.xlsx"
    arguments = [
        "demand",
        "--inputs",
        str(hartford),
        "--calls",
        str(hartford / "calls" / "calls.csv"),
    ]
    result = runner.invoke(app, [*arguments, "--out", str(out)])
    code, output = result.exit_code, result.output
    del result
    gc.collect()
    assert code == 4, output
    assert "the disk is full" in output
    assert full_disk == []
    assert not out.exists()


def test_a_failed_write_leaves_no_folder_it_made(work: Path, full_disk: list[str]) -> None:
    # Before: `--out new/week/roster.xlsx` (or publish into a new folder) on a full disk
    # left the empty folders new/week behind.
    disk = work / "disk"
    for arguments in (
        ["template", str(disk / "new" / "week" / "blank.xlsx")],
        ["publish", str(work / "roster.xlsx"), "-o", str(disk / "new" / "week" / "pub")],
    ):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 4, result.output
        assert list(disk.iterdir()) == []


# --- Inputs typed by hand ------------------------------------------------------------


@pytest.mark.parametrize("title", ["Assignments ", " ASSIGNMENTS"])
def test_a_sheet_name_with_spaces_around_it_is_found(work: Path, title: str) -> None:
    # Before: "the workbook has no sheet named Assignments" for a tab the user sees
    # named Assignments (Excel keeps a trailing space typed when renaming a tab).
    book = openpyxl.load_workbook(work / "roster.xlsx")
    book["Assignments"].title = title
    book.save(work / "renamed.xlsx")
    result = runner.invoke(app, ["check", str(work / "renamed.xlsx"), "-i", str(work / "program")])
    assert result.exit_code == 0, result.output
    assert "12 rows read" in result.output


def test_a_folder_given_as_dot_is_named(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: "no Program.csv in the folder " (the name of `.` is blank).
    (work / "empty").mkdir()
    monkeypatch.chdir(work / "empty")
    result = runner.invoke(app, ["check", str(work / "roster.xlsx"), "-i", "."])
    assert result.exit_code == 2, result.output
    assert "no Program.csv in the folder empty)" in result.output


@pytest.mark.parametrize(
    ("sheet", "column"), [("Staff", "employee_id"), ("Zones", "zone_id"), ("Shifts", "shift_id")]
)
def test_ids_that_differ_only_in_case_are_refused(work: Path, sheet: str, column: str) -> None:
    # Before: Staff rows C1 and c1 were two people (the same name rostered twice), a
    # zone N and n two zones, a shift D8 and d8 two shifts.
    path = work / "program" / f"{sheet}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    first = lines[1]
    first_id = first.split(",")[0]
    lines.append(first_id.lower() + first[len(first_id) :])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(scheduler.InputError) as raised:
        scheduler.read_problem(work / "program")
    (issue,) = [issue for issue in raised.value.issues if issue.column == column]
    assert (issue.sheet, issue.row) == (sheet, len(lines))
    assert f"'{first_id.lower()}' differs from '{first_id}' (row 2) only in case" in issue.message


# --- Names the file system will not look up ----------------------------------------

TOO_LONG = "é" * 140  # 280 bytes in UTF-8: over the 255 bytes a file name may have


@pytest.mark.parametrize("command", ["solve", "check", "repair", "publish", "template", "sample"])
def test_an_out_name_too_long_is_refused_not_a_traceback(work: Path, command: str) -> None:
    # Before: OSError [Errno 36] File name too long, a traceback, exit 1.
    out = str(work / f"{TOO_LONG}.xlsx")
    roster, program = str(work / "roster.xlsx"), str(work / "program")
    arguments = {
        "solve": ["solve", program, "--out", out, "-q"],
        "check": ["check", roster, "-i", program, "-o", out],
        "repair": ["repair", roster, "-i", program, "-o", out],
        "publish": ["publish", roster, "-o", str(work / TOO_LONG)],
        "template": ["template", out],
        "sample": ["sample", program, "--out", out],
    }[command]
    before = sorted(p.name for p in work.iterdir())
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2, result.output
    assert "the name is too long for the file system" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert sorted(p.name for p in work.iterdir()) == before


def test_an_input_name_too_long_is_a_located_refusal(work: Path) -> None:
    result = runner.invoke(
        app, ["solve", str(work / f"{TOO_LONG}.xlsx"), "--out", str(work / "new.xlsx"), "-q"]
    )
    assert result.exit_code == 2, result.output
    assert "cannot be opened: File name too long" in result.output
    assert "--out" not in result.output  # the input is at fault, not the output


def test_write_roster_guards_its_path_as_every_out(work: Path) -> None:
    # Before: scheduler.write_roster had no guard: it replaced a FIFO (and, as root, a
    # device such as /dev/null: the red-team pass did so once) with a regular file.
    problem = scheduler.read_problem(work / "program")
    roster = scheduler.read_roster(work / "roster.xlsx")
    fifo = work / "pipe.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(OutputPathError, match="named pipe"):
        scheduler.write_roster(fifo, problem, roster)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    with pytest.raises(OutputPathError, match=r"does not end in \.xlsx"):
        scheduler.write_roster(str(work / "roster.csv"), problem, roster)
    assert scheduler.write_roster(str(work / "new.xlsx"), problem, roster) == work / "new.xlsx"


@pytest.mark.parametrize(("zone", "warned"), [("EST", True), ("America/New_York", False)])
def test_a_fixed_offset_zone_that_looks_regional_is_warned(
    work: Path, zone: str, warned: bool
) -> None:
    # Before: time_zone EST (a fixed UTC-5 all year) was taken without a word: an office
    # in Hartford got no clock change on 8 March, and nights across it paid 1 h more.
    path = work / "program" / "Program.csv"
    path.write_text(path.read_text(encoding="utf-8") + f"time_zone,{zone}\n", encoding="utf-8")
    loaded = scheduler.load_program(work / "program")
    found = [w for w in loaded.warnings if "no daylight saving" in w]
    assert bool(found) == warned
    if warned:
        assert found == [
            "Program row 6: time_zone EST is a fixed offset with no daylight saving; "
            "for US Eastern time with its clock changes write America/New_York"
        ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"report_format": "xml"}, "--format xml: expected one of text, json"),
        ({"max_findings": -1}, "--max-findings -1: expected a whole number, 0 or more"),
    ],
)
def test_check_refuses_options_it_cannot_honour(
    work: Path, options: dict[str, Any], message: str
) -> None:
    # Before: format 'xml' gave the text report and -1 findings a report, silently.
    with pytest.raises(scheduler.InputError, match=message):
        scheduler.check(work / "roster.xlsx", work / "program", **options)


def test_a_call_out_that_takes_no_shift_away_says_so(work: Path) -> None:
    # Before: `-u C1:2026-03-02:E8` for C1, who works D8 that day, gave "Changes (0)"
    # and exit 0 without a word: the wrong shift typed looked like a repair done.
    from scheduler.repair import prepare_repair

    problem = scheduler.read_problem(work / "program")
    roster = scheduler.read_roster(work / "roster.xlsx")
    request = prepare_repair(
        problem, roster, ["C1:2026-03-02:E8", "C3:2026-03-05", "C1:2026-03-03"]
    )
    assert request.notes == (
        "--unavailable C1:2026-03-02:E8: C1 is not on E8 on Mon 2026-03-02 in the roster "
        "(they work D8 that day); nothing moves for it",
        "--unavailable C3:2026-03-05: C3 has no shift on Thu 2026-03-05 in the roster; "
        "nothing moves for it (they are only not called in)",
    )


@pytest.mark.parametrize("year", ["9999", "0001"])
def test_a_roster_row_dated_far_away_is_unreadable_not_a_traceback(work: Path, year: str) -> None:
    # Before: check and publish died with "OverflowError: date value out of range" from
    # the clock (exit 1, which check documents as "a hard rule is broken").
    book = openpyxl.load_workbook(work / "roster.xlsx")
    sheet = book["Assignments"]
    sheet["A2"], sheet["C2"], sheet["D2"] = (
        f"{year}-12-31",
        f"{year}-12-31T08:00",
        f"{year}-12-31T16:30",
    )
    book.save(work / "far.xlsx")
    checked = runner.invoke(app, ["check", str(work / "far.xlsx"), "-i", str(work / "program")])
    assert checked.exit_code == 1, checked.output
    assert (
        f"Assignments row 2     date {year}-12-31 is out of range; expected a date from 1900-01-01"
        in checked.output
    )
    published = runner.invoke(app, ["publish", str(work / "far.xlsx"), "-o", str(work / "pub")])
    assert published.exit_code == 0, published.output
    assert "1 rows skipped" in published.output


def test_a_line_break_in_a_name_cannot_forge_a_line_of_a_report(work: Path) -> None:
    # Before: a Staff name 'Ana\n\nSummary\n  hard rules broken  0' was printed raw in
    # check's text report: a section of its own, saying what the roster did not.
    path = work / "program" / "Staff.csv"
    text = path.read_text(encoding="utf-8")
    first_name = scheduler.read_problem(SMALL).staff[0].name
    forged = '"Ana\r\n\r\nSummary\n  hard rules broken  0\t"'
    path.write_text(text.replace(first_name, forged, 1), encoding="utf-8")
    assert scheduler.read_problem(work / "program").staff[0].name == (
        "Ana Summary hard rules broken 0"
    )
    result = runner.invoke(app, ["check", str(work / "roster.xlsx"), "-i", str(work / "program")])
    assert result.output.count("\nSummary\n") == 1  # the report's own


@pytest.mark.parametrize("now", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_now_far_away_is_a_located_refusal(work: Path, now: str) -> None:
    # Before: --now 9999-12-31T23:59 died with "OverflowError: date value out of range".
    from scheduler.repair import prepare_repair

    problem = scheduler.read_problem(work / "program")
    roster = scheduler.read_roster(work / "roster.xlsx")
    with pytest.raises(scheduler.InputError) as raised:
        prepare_repair(problem, roster, ["C1:2026-03-02"], now)
    assert str(raised.value) == (
        f"--now {now}: out of range; expected a date from 1900-01-01 to 2999-12-31"
    )
