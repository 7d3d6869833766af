"""The demand job: Demand sized from a call log by Erlang C, written into a new input."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scheduler.app.common import (
    Outcome,
    Report,
    bad_option,
    outcome_fields,
    program_of,
    refused,
    unlocated,
)
from scheduler.demand.calls import DemandSettings as DemandSettings
from scheduler.errors import EXIT_OK, InputError
from scheduler.io.output_paths import guard_output_file

if TYPE_CHECKING:
    from scheduler.app.common import NoteHandler


@dataclass(frozen=True, kw_only=True)
class DemandOutcome(Outcome):
    calls: int
    demand_rows: int
    unit_hours: int  # a week, required


def demand_settings(
    *,
    target_minutes: float = 10.0,
    service_level: float = 0.9,
    growth: float = 1.0,
    busy_minutes: float | None = None,
    min_units: int = 1,
    hours: str | None = None,
    pool_weekdays: bool = False,
    team_zones: Sequence[str] = (),
) -> DemandSettings:
    """`DemandSettings` from the command line's words (`--hours 08-22`,
    `--team-zone juvenile=Central`); a value that cannot be used raises `InputError`."""
    from scheduler.demand.calls import MAX_BUSY_MINUTES, parse_team_zones
    from scheduler.io.read_cells import CellError, parse_hours
    from scheduler.io.read_workbook import MAX_UNITS

    try:
        pooled = parse_team_zones(list(team_zones))
    except ValueError as error:
        raise bad_option(str(error)) from None
    if not 0 < service_level < 1:
        raise bad_option(
            f"--service-level {service_level:g}: expected a share between 0 and 1, e.g. 0.9"
        )
    if min_units > MAX_UNITS:  # else blamed on the log when the Demand is sized
        raise bad_option(f"--min-units {min_units}: expected at most {MAX_UNITS} units")
    if not math.isfinite(growth):
        raise bad_option(f"--growth {growth:g}: expected a finite factor, e.g. 1.1")
    if busy_minutes is not None and not 0 < busy_minutes <= MAX_BUSY_MINUTES:
        raise bad_option(
            f"--busy-minutes {busy_minutes:g}: expected minutes above 0 and at most "
            f"{MAX_BUSY_MINUTES:g}"
        )
    try:
        operating = None if hours is None else parse_hours(hours, "--hours")
    except CellError as error:
        raise bad_option(str(error)) from None
    return DemandSettings(
        target_minutes=target_minutes,
        service_level=service_level,
        growth=growth,
        busy_minutes=busy_minutes,
        min_units=min_units,
        operating_hours=operating,
        pool_weekdays=pool_weekdays,
        team_zones=pooled,
    )


def demand(
    program: Path,
    calls: Path,
    settings: DemandSettings,
    out: Path,
    *,
    hours: str | None = None,
    on_note: NoteHandler | None = None,
) -> DemandOutcome:
    """Size Demand from `calls` and write `program` with its Demand replaced to `out`
    (read back first: what is written is a program `solve` reads). `hours` is how
    the operating hours were given, for the summary."""
    from scheduler.demand.calls import (
        calls_outside,
        demand_windows,
        hourly_needs,
        read_calls,
        unreachable_zones,
    )
    from scheduler.demand.workbook import write_demand_workbook

    guard_output_file("--out", out, [program, calls])
    report = Report(on_note)
    problem = program_of(program, report).value
    try:
        logged = read_calls(calls, problem)
    except InputError as error:
        raise refused(calls, error) from None
    try:
        needs = hourly_needs(logged, problem, settings)
    except InputError as error:  # the options do not fit the program's zones
        raise unlocated(error) from None
    for warning in unreachable_zones(logged, problem, settings):
        report.warn(warning, prefix="Warning")
    windows = demand_windows(needs)
    try:
        written = report.wrote(write_demand_workbook(program, needs, windows, out))
    except InputError as error:
        raise refused(program, error) from None
    unit_hours = sum(need.units for need in needs)
    report.say(
        f"{len(logged)} calls; {len(windows)} Demand rows, {unit_hours} unit-hours a week "
        f"required for {settings.service_level:.0%} within {settings.target_minutes:g} minutes"
    )
    outside = calls_outside(logged, settings.operating_hours)
    if outside:
        report.say(f"{outside} calls ({outside / len(logged):.1%}) fall outside --hours {hours}")
    report.say(f"Input workbook with Demand from calls written to {written}")
    return DemandOutcome(
        **outcome_fields(report, EXIT_OK),  # type: ignore[arg-type]
        calls=len(logged),
        demand_rows=len(windows),
        unit_hours=unit_hours,
    )
