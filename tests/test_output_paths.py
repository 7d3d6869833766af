"""A corpus of bad output paths, run through every command that writes: each is
refused with exit 2 and a message naming the option and the path, before anything
is read or computed, and nothing on disk changes (bytes, modes and mtimes of the
whole work folder). Then what happens when a write fails midway (exit 4), what a
symbolic link `--out` does, and that an explanation never replaces a roster."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.io.output_paths import (
    CannotWriteError,
    OutputPathError,
    guard_output_file,
    infeasible_path,
)
from scheduler.io.read_workbook import read_problem

runner = CliRunner()
DATA = Path(__file__).parent / "data"
SMALL = DATA / "valid" / "small"
ROSTER = DATA / "edited" / "small_solved.xlsx"
CALLS = Path("inputs/hartford/calls/calls.csv")
INSTANCE = Path("benchmarks/curtois/Instance1.txt")


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder as a user has it: the program's CSVs, a roster, a call log, a
    benchmark instance, a plain file, a folder, a FIFO."""
    shutil.copytree(SMALL, tmp_path / "program")
    shutil.copy(ROSTER, tmp_path / "roster.xlsx")
    shutil.copy(CALLS, tmp_path / "calls.csv")
    (tmp_path / "curtois").mkdir()
    shutil.copy(INSTANCE, tmp_path / "curtois" / "Instance1.txt")
    (tmp_path / "afile").write_text("keep me")
    (tmp_path / "dir.xlsx").mkdir()
    os.mkfifo(tmp_path / "fifo.xlsx")
    return tmp_path


def snapshot(root: Path) -> dict[str, tuple[int, int, bytes | None]]:
    """Every entry under `root`: mode, mtime and (for regular files) the bytes."""
    found: dict[str, tuple[int, int, bytes | None]] = {}
    for folder, names, files in os.walk(root):
        for name in [*names, *files]:
            path = Path(folder) / name
            info = path.lstat()
            data = path.read_bytes() if stat.S_ISREG(info.st_mode) else None
            found[str(path.relative_to(root))] = (info.st_mode, info.st_mtime_ns, data)
    return found


# The commands that write a file, each with its arguments around `out`; `input` is
# one file the command reads (for "the same file as an input").
FILE_COMMANDS: dict[str, tuple[Callable[[Path, str], list[str]], str]] = {
    "solve": (
        lambda w, out: ["solve", str(w / "program"), "--out", out, "-q", "--time-limit", "1"],
        "program/Staff.csv",
    ),
    "check": (
        lambda w, out: ["check", str(w / "roster.xlsx"), "-i", str(w / "program"), "-o", out],
        "roster.xlsx",
    ),
    "repair": (
        lambda w, out: ["repair", str(w / "roster.xlsx"), "-i", str(w / "program"), "-o", out],
        "program/Program.csv",
    ),
    "demand": (
        lambda w, out: [
            "demand", "--inputs", str(w / "program"), "--calls", str(w / "calls.csv"), "-o", out,
        ],
        "calls.csv",
    ),
    "simulate": (
        lambda w, out: [
            "simulate", str(w / "roster.xlsx"), "-i", str(w / "program"),
            "--calls", str(w / "calls.csv"), "-o", out,
        ],
        "roster.xlsx",
    ),
    "plan": (
        lambda w, out: ["plan", str(w / "program"), "--out", out, "-q", "--time-limit", "1"],
        "program/Demand.csv",
    ),
    "template": (lambda w, out: ["template", out], ""),
    "sample": (lambda w, out: ["sample", str(w / "program"), "--out", out], "program/Shifts.csv"),
    "bench curtois": (
        lambda w, out: ["bench", "curtois", str(w / "curtois" / "Instance1.txt"), "--out", out],
        "curtois/Instance1.txt",
    ),
}  # fmt: skip

# name -> (make the path in the work folder, a text the message must hold)
BAD_FILES: dict[str, tuple[Callable[[Path, str], str], str]] = {
    "a folder": (lambda w, _: str(w / "dir.xlsx"), "is a folder"),
    "a FIFO": (lambda w, _: str(w / "fifo.xlsx"), "named pipe"),
    "a device": (lambda w, _: "/dev/null", "system path"),
    "under /proc": (lambda w, _: "/proc/self/roster.xlsx", "system path"),
    "under /sys": (lambda w, _: "/sys/roster.xlsx", "system path"),
    "under a file": (lambda w, _: str(w / "afile" / "roster.xlsx"), "is a file, not a folder"),
    "an input": (lambda w, source: str(w / source), "would overwrite an input"),
    "a link to an input": (lambda w, source: _link(w, source, symbolic=True), "would overwrite"),
    "a hard link to an input": (
        lambda w, source: _link(w, source, symbolic=False),
        "would overwrite",
    ),
}


def _link(work: Path, source: str, symbolic: bool) -> str:
    link = work / "link.xlsx"
    if symbolic:
        link.symlink_to(work / source)
    else:
        os.link(work / source, link)
    return str(link)


@pytest.mark.parametrize("bad", list(BAD_FILES))
@pytest.mark.parametrize("command", list(FILE_COMMANDS))
def test_a_bad_file_output_is_refused_and_nothing_changes(
    work: Path, command: str, bad: str
) -> None:
    arguments, source = FILE_COMMANDS[command]
    make, expected = BAD_FILES[bad]
    if "input" in bad and not source:
        pytest.skip(f"{command} reads no input")
    out = make(work, source)
    before = snapshot(work)
    device = os.stat("/dev/null")
    result = runner.invoke(app, arguments(work, out))
    assert result.exit_code == 2, result.output
    message = result.output
    if command == "sample" and bad in ("a device", "an input"):
        # sample refuses any name that is not an .xlsx first.
        expected = "expected the name of an .xlsx workbook"
    assert expected in message
    assert out in message and ("--out" in message or "OUT" in message)
    assert "Traceback" not in message
    assert snapshot(work) == before
    after = os.stat("/dev/null")
    assert (after.st_mode, after.st_ino) == (device.st_mode, device.st_ino)


FOLDER_COMMANDS: dict[str, Callable[[Path, str], list[str]]] = {
    "publish": lambda w, out: ["publish", str(w / "roster.xlsx"), "--out", out],
    "bench curtois --all": lambda w, out: [
        "bench", "curtois", "--all", str(w / "curtois"), "--out", out, "-q",
    ],
}  # fmt: skip


def _schedules_is_a_folder(work: Path) -> str:
    (work / "pub" / "schedules.xlsx").mkdir(parents=True)
    (work / "pub" / "results.csv").mkdir(parents=True)
    return str(work / "pub")


def _holds_the_input(work: Path) -> str:
    shutil.copy(work / "roster.xlsx", work / "curtois" / "schedules.xlsx")
    (work / "curtois" / "best_known.csv").write_text("instance,objective\n")
    return str(work / "curtois")


BAD_FOLDERS: dict[str, tuple[Callable[[Path], str], str]] = {
    "a file": (lambda w: str(w / "afile"), "is a file"),
    "under a file": (lambda w: str(w / "afile" / "pub"), "is a file, not a folder"),
    "under /proc": (lambda w: "/proc/self/pub", "system path"),
    "a name taken by a folder": (_schedules_is_a_folder, "not a regular file"),
    "holding an input": (_holds_the_input, "would overwrite"),
}


@pytest.mark.parametrize("bad", list(BAD_FOLDERS))
@pytest.mark.parametrize("command", list(FOLDER_COMMANDS))
def test_a_bad_folder_output_is_refused_and_nothing_changes(
    work: Path, command: str, bad: str
) -> None:
    make, expected = BAD_FOLDERS[bad]
    if command != "publish" and bad == "holding an input":
        pytest.skip("bench writes <instance>.csv and results.*: never a name it reads")
    if command == "publish":
        shutil.copy(work / "roster.xlsx", work / "curtois" / "roster.xlsx")
    out = make(work)
    arguments = FOLDER_COMMANDS[command](work, out)
    if command == "publish" and bad == "holding an input":
        arguments[1] = str(work / "curtois" / "schedules.xlsx")
    before = snapshot(work)
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2, result.output
    assert expected in result.output and out in result.output
    assert snapshot(work) == before


def test_a_full_disk_exits_4_and_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "template.xlsx"
    out.write_bytes(b"last week's template")

    def full(source: Any, target: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    result = runner.invoke(app, ["template", str(out)])
    assert result.exit_code == 4, result.output
    assert f"Cannot write {out}: the disk is full" in result.output
    assert "Traceback" not in result.output
    assert out.read_bytes() == b"last week's template"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["template.xlsx"]  # no temporary


def test_a_symbolic_link_out_is_written_through_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real.xlsx"
    target.write_bytes(b"old")
    link = tmp_path / "link.xlsx"
    link.symlink_to(target)
    result = runner.invoke(app, ["sample", str(SMALL), "--out", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == target  # the link stays a link
    assert openpyxl.load_workbook(target, read_only=True).sheetnames[0] == "Program"
    written = runner.invoke(app, ["template", str(link)])
    assert f"written to {link}" in written.output  # template names the path given
    assert link.is_symlink()


def test_the_guard_names_the_option_and_compares_after_resolving(tmp_path: Path) -> None:
    (tmp_path / "program").mkdir()
    staff = tmp_path / "program" / "Staff.csv"
    staff.write_text("employee_id\n")
    with pytest.raises(OutputPathError, match=r"^--out .*Staff.csv: would overwrite"):
        guard_output_file("--out", tmp_path / "program" / ".." / "program" / "Staff.csv",
                          [tmp_path / "program"])  # fmt: skip
    assert guard_output_file("--out", tmp_path / "new" / "roster.xlsx", [staff]).name == (
        "roster.xlsx"
    )
    assert infeasible_path(Path("a/roster.xlsx")) == Path("a/roster.infeasible.xlsx")
    assert CannotWriteError(Path("x"), OSError(errno.EACCES, "Permission denied")).exit_code == 4


def test_an_infeasible_solve_never_replaces_the_roster_at_out(tmp_path: Path) -> None:
    program = tmp_path / "program"
    shutil.copytree(SMALL, program)
    # A pin on a day the person is unavailable: infeasible before the search.
    pin = read_problem(program).pins[0]
    with (program / "TimeOff.csv").open("a", encoding="utf-8") as file:
        file.write(f"{pin.employee_id},{pin.date},{pin.date},unavailable,,\n")
    out = tmp_path / "roster.xlsx"
    shutil.copy(ROSTER, out)
    before = out.read_bytes()
    result = runner.invoke(app, ["solve", str(program), "--out", str(out), "-q"])
    assert result.exit_code == 3, result.output
    assert out.read_bytes() == before
    explanation = tmp_path / "roster.infeasible.xlsx"
    assert f"Explanation written to {explanation}" in result.output
    assert openpyxl.load_workbook(explanation, read_only=True).sheetnames == ["Summary"]
