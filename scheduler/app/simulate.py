"""The simulate job: dispatch on a roster, replayed or Poisson calls, with 95% intervals."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scheduler.app.common import (
    Outcome,
    Report,
    bad_option,
    outcome_fields,
    paths_of,
    program_of,
    refused,
    roster_of,
)
from scheduler.errors import EXIT_OK, InputError
from scheduler.io.output_paths import guard_output_file
from scheduler.model.problem import Problem
from scheduler.model.roster import Roster
from scheduler.simulate import SimulationSettings

#: How to simulate: target, replications, seed, busy times (`scheduler.simulate`).
SimulateSettings = SimulationSettings

if TYPE_CHECKING:
    from scheduler.simulate import SimulationResult


DEFAULT_SIMULATE = SimulateSettings()


@dataclass(frozen=True, kw_only=True)
class SimulateOutcome(Outcome):
    result: SimulationResult


def simulate(
    roster: Path | Roster,
    program: Path | Problem,
    *,
    calls: Path | None = None,
    rates: Path | None = None,
    settings: SimulateSettings = DEFAULT_SIMULATE,
    out: Path | None = None,
) -> SimulateOutcome:
    """Simulate `roster` against the logged `calls` replayed, or Poisson calls at the
    `rates` of a `demand` workbook (exactly one); with `out`, the report workbook."""
    from scheduler.demand.calls import mean_busy_minutes, read_calls
    from scheduler.io.simulation_report import read_rates, write_simulation_report
    from scheduler.simulate import ALL, LoggedCall, headline, replay, roster_issues
    from scheduler.simulate import simulate as run_simulation

    if (calls is None) == (rates is None):
        raise bad_option("Give exactly one of --calls CALLS.csv or --rates DEMAND.xlsx.")
    if out is not None:
        guard_output_file("--out", out, paths_of(roster, program, calls, rates))
    report = Report()
    problem = program_of(program, report).value
    simulated = roster_of(roster, report).value
    if isinstance(roster, Path):  # a roster of another program would simulate silently
        foreign = roster_issues(problem, simulated)
        if foreign:
            raise refused(roster, InputError(foreign))
    if calls is not None:
        try:
            logged = read_calls(calls, problem, averaged=False)  # replayed, not averaged
        except InputError as error:
            raise refused(calls, error) from None
        mean_busy = mean_busy_minutes(logged, None)
        replayed = replay(
            problem,
            [
                LoggedCall(c.received_at, c.zone, c.team, c.busy_minutes or mean_busy)
                for c in logged
            ],
        )
        report.say(replayed.description)
        result = run_simulation(problem, simulated, settings, calls=replayed)
    else:
        assert rates is not None
        try:
            rate_table, busy = read_rates(rates, problem)
        except InputError as error:
            raise refused(rates, error) from None
        result = run_simulation(problem, simulated, settings, rates=rate_table, busy_by_key=busy)
    for group in (g for g in result.groups if g.zone == ALL and g.hour is None):
        report.say(headline(group, settings.target_minutes))
    if out is not None:
        written = report.wrote(write_simulation_report(out, result))
        report.say(f"Simulation report written to {written}")
    return SimulateOutcome(**outcome_fields(report, EXIT_OK), result=result)  # type: ignore[arg-type]
