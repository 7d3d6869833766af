"""The publish job: one calendar (.ics) per person and a printable schedules.xlsx."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from scheduler.app.common import (
    Outcome,
    PathLike,
    Report,
    as_input,
    as_path,
    outcome_fields,
    paths_of,
    program_of,
    roster_of,
)
from scheduler.errors import EXIT_OK
from scheduler.io.output_paths import guard_output_folder
from scheduler.model.problem import Problem
from scheduler.model.roster import Roster


@dataclass(frozen=True, kw_only=True)
class PublishOutcome(Outcome):
    calendars: tuple[Path, ...]
    schedules: Path


def publish(
    roster: PathLike | Roster, program: PathLike | Problem | None, out_dir: PathLike
) -> PublishOutcome:
    """Write the calendars and schedules of `roster` to `out_dir` (names of people and
    zones, and pages for staff without a shift, from `program` when given)."""
    roster, out_dir = as_input(roster), as_path(out_dir)
    program = None if program is None else as_input(program)
    from scheduler.io.publish import publish_folder
    from scheduler.io.schedule_sheet import SCHEDULE_WORKBOOK, write_schedule_workbook

    schedules_path = out_dir / SCHEDULE_WORKBOOK
    guard_output_folder(
        "--out", out_dir, paths_of(roster, program), names=[SCHEDULE_WORKBOOK], suffixes=[".ics"]
    )
    report = Report()
    problem = program_of(program, report).value if program is not None else None
    published = roster_of(roster, report).value
    for rejected in published.rejected_rows:
        report.warn(f"Assignments row {rejected.row} skipped: {rejected.message}")
    if problem is not None:
        people_named = {a.employee_id for a in published.assignments}
        not_in_staff = sorted(people_named - set(problem.people_by_id))
        if not_in_staff:
            report.warn(f"not in Staff, published without a name: {', '.join(not_in_staff)}")
    # Calendars and schedules.xlsx swapped in together, or nothing changed.
    side = {SCHEDULE_WORKBOOK: partial(write_schedule_workbook, problem=problem, roster=published)}
    calendars = publish_folder(published, problem, out_dir, side_files=side)
    report.written.extend(calendars)
    schedules = report.wrote(schedules_path)
    people = len({a.employee_id for a in published.assignments})
    report.say(
        f"Read {published.rows_read} Assignments rows: {len(published.assignments)} shifts of "
        f"{people} people published, {len(published.rejected_rows)} rows skipped",
        f"Calendars: {len(calendars)} .ics files written to {out_dir}",
        f"Schedules: {schedules} (one page per person)",
    )
    return PublishOutcome(
        **outcome_fields(report, EXIT_OK),  # type: ignore[arg-type]
        calendars=tuple(calendars),
        schedules=schedules,
    )
