"""Starting a program: a blank input workbook, or one built from a CSV folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scheduler.app.common import (
    Outcome,
    PathLike,
    Report,
    as_path,
    bad_option,
    load_program,
    outcome_fields,
    refused,
)
from scheduler.errors import EXIT_OK, InputError, InputIssue
from scheduler.io.output_paths import guard_output_file


@dataclass(frozen=True, kw_only=True)
class FileOutcome(Outcome):
    """A job that writes one file."""

    path: Path


def write_template(out: PathLike) -> FileOutcome:
    """A blank input workbook with drop-downs, to start a new program."""
    from scheduler.io.template import write_template as write

    out = as_path(out)
    guard_output_file("OUT", out, [], what="a file name, e.g. program.xlsx", suffix=".xlsx")
    report = Report()
    write(out)
    report.wrote(out)
    report.say(f"Blank input template written to {out}")
    return FileOutcome(**outcome_fields(report, EXIT_OK), path=out)  # type: ignore[arg-type]


def sample_path(folder: PathLike) -> Path:
    """Where `build_sample` writes by default: `<folder>/<folder name>.xlsx`."""
    path = as_path(folder)
    return path / f"{path.absolute().name}.xlsx"


def build_sample(folder: PathLike, out: PathLike | None = None) -> FileOutcome:
    """The input workbook of a CSV folder (the CSVs are what git reviews), written
    only once the program validates and the workbook is built whole."""
    from scheduler.io.template import csv_folder_to_workbook

    folder = as_path(folder)
    out = None if out is None else as_path(out)
    report = Report()
    for warning in load_program(folder).warnings:  # never a workbook of a broken program
        report.warn(warning)
    # A workbook, read first so that a broken one says what is wrong with it.
    if folder.exists() and not folder.is_dir():
        raise refused(
            folder,
            InputError(
                InputIssue(
                    sheet=folder.name,
                    message=f"not a folder: {folder}; sample builds a workbook from a "
                    "folder of CSV files named <Sheet>.csv",
                )
            ),
        )
    target = out or sample_path(folder)
    if target.suffix.lower() != ".xlsx":
        # Never a CSV of the folder itself, nor a folder.
        raise bad_option(f"--out {target}: expected the name of an .xlsx workbook to write")
    guard_output_file("--out", target, [folder], what="the name of an .xlsx workbook")
    try:
        csv_folder_to_workbook(folder, target)
    except InputError as error:  # e.g. a workbook given instead of a folder
        raise refused(folder, error) from None
    report.wrote(target)
    report.say(f"Input workbook written to {target}")
    return FileOutcome(**outcome_fields(report, EXIT_OK), path=target)  # type: ignore[arg-type]
