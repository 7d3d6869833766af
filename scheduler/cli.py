"""The command line: options -> job (`scheduler.app`) -> print -> exit code.

Exit codes: 0 done, 1 a roster breaks a hard rule, 2 bad input, 3 infeasible,
4 an output could not be written (nothing replaced), 130 / 143 stopped by
SIGINT / SIGTERM (`solve` and `repair` write the best roster found so far; see
scheduler/interrupt.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from scheduler import app as jobs
from scheduler import interrupt
from scheduler.model.result import SolveParams
from scheduler.terminal import (
    SAMPLE_WORKBOOK,
    ProgressPrinter,
    err,
    plan_progress,
    refusals,
    run,
    sample_program,
    serve_web,
)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Roster optimizer for crisis response teams (clinician + peer responder units).",
    pretty_exceptions_enable=False,
)


def out_option(what: str) -> Any:
    """`--out`/`-o` with its help text."""
    return typer.Option("--out", "-o", help=what)


# Options and arguments several commands share.
Program = Annotated[Path, typer.Argument(help="Input workbook (.xlsx) or folder of CSV files.")]
RosterIn = Annotated[
    Path, typer.Argument(help="Roster workbook (its Assignments sheet), or CSV folder.")
]
Inputs = Annotated[
    Path,
    typer.Option("--inputs", "-i", help="The program's input workbook or folder of CSV files."),
]
JobSeconds = Annotated[
    float, typer.Option(help="Seconds for the whole solve (all stages).", min=0.1)
]
Workers = Annotated[int, typer.Option(help="Parallel search workers.", min=1)]
#: The solver's seed is a 32-bit number: a larger one was a TypeError from OR-Tools.
Seed = Annotated[int, typer.Option(help="Random seed of the search.", min=-(2**31), max=2**31 - 1)]
Deterministic = Annotated[
    bool,
    typer.Option(
        "--deterministic",
        help="Same input and seed give the same result (time limit in deterministic units).",
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")]
CallsTarget = Annotated[float, typer.Option(help="Response target for --calls, in minutes.", min=1)]
Target = Annotated[
    float, typer.Option(help="Response target: minutes from call to a unit on scene.", min=0)
]


@app.command()
@interrupt.stops_on_signals
def solve(
    input_path: Program = SAMPLE_WORKBOOK,
    out: Annotated[Path, out_option("Roster workbook to write.")] = Path("outputs/roster.xlsx"),
    time_limit: JobSeconds = 30.0,
    workers: Workers = 2,
    seed: Seed = 0,
    deterministic: Deterministic = False,
    quiet: Quiet = False,
    method: Annotated[
        jobs.Method,
        typer.Option(
            help="whole: one model; zones: zone groups solved one by one (large programs; "
            "no bound); auto: when the whole model would be too big, zone groups warm-start it.",
        ),
    ] = "auto",
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="The previous roster workbook (or CSV folder): its Assignments rows before "
            "start_date are added to the input's History, so rules hold across the join.",
        ),
    ] = None,
    calls: Annotated[
        Path | None,
        typer.Option(
            "--calls",
            help="A call log (CSV): the roster is then simulated against fresh Poisson calls "
            "at the log's rates, and the response times go to the summary.",
        ),
    ] = None,
    target_minutes: CallsTarget = 10.0,
) -> None:
    """Make a roster from a program's workbook and write the roster workbook."""
    settings = jobs.SolveSettings(time_limit, workers, seed, deterministic, method, target_minutes)
    hooks = ProgressPrinter(quiet).hooks()
    program = sample_program(input_path)
    run(
        lambda: jobs.solve(program, settings, out=out, previous=previous, calls=calls, **hooks),
        True,
    )


@app.command()
def check(
    roster_path: RosterIn,
    inputs: Inputs,
    out: Annotated[Path | None, out_option("HR report workbook to write.")] = None,
    report_format: Annotated[
        jobs.ReportFormat, typer.Option("--format", help="text for people, json for other tools.")
    ] = "text",
    max_findings: Annotated[
        int,
        typer.Option(
            help="Findings listed per rule (and gaps) in the report and the HR report's"
            " sheets; totals always whole; 0: all.",
            min=0,
        ),
    ] = jobs.FINDINGS_PER_KIND,
) -> None:
    """Check a roster, even one edited by hand: hard rules, coverage gaps, hours.

    Exit 0 when no hard rule is broken, 1 when one is, 2 when a file cannot be read.
    """
    run(
        lambda: jobs.check(
            roster_path,
            inputs,
            out=out,
            report_format=report_format,
            max_findings=max_findings,
        )
    )


@app.command()
def publish(
    roster_path: RosterIn,
    out: Annotated[Path, out_option("Folder for the .ics files and schedules.xlsx.")],
    inputs: Annotated[
        Path | None,
        typer.Option(
            "--inputs",
            "-i",
            help="The program's input workbook or CSV folder: names of people and zones, "
            "and a schedule page for staff without a shift.",
        ),
    ] = None,
) -> None:
    """Publish a roster: one calendar (.ics) per person and a printable schedules.xlsx.

    Exit 0 when written, 2 when a file cannot be read (nothing is written then).
    """
    run(lambda: jobs.publish(roster_path, inputs, out))


@app.command()
@interrupt.stops_on_signals
def repair(
    roster_path: RosterIn,
    inputs: Inputs,
    unavailable: Annotated[
        list[str] | None,
        typer.Option(
            "--unavailable",
            "-u",
            help="EMPLOYEE:DATE (the whole day) or EMPLOYEE:DATE:SHIFT now unavailable; "
            "repeat it for each day.",
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            help="Shifts starting before this local date-time (YYYY-MM-DDTHH:MM; with an "
            "offset such as Z or -05:00 it is converted to the program's time_zone) stay as "
            "they are, and nobody is newly put on one."
        ),
    ] = None,
    out: Annotated[
        Path | None, out_option("Repaired roster workbook (default: <roster>_repaired.xlsx).")
    ] = None,
    time_limit: JobSeconds = 30.0,
    workers: Workers = 2,
    seed: Seed = 0,
    quiet: Quiet = False,
) -> None:
    """Repair a roster after call-outs, moving as few people as required coverage allows.

    Writes the roster workbook with a Changes sheet and prints the changes. Exit 2
    for a bad argument or file (nothing written), 3 when the rules cannot all hold.
    """
    settings = jobs.SolveSettings(time_limit, workers, seed)
    out = out or jobs.repaired_path(roster_path)
    hooks = ProgressPrinter(quiet).hooks()
    called_out = unavailable or []
    run(
        lambda: jobs.repair(
            roster_path, inputs, called_out, now=now, settings=settings, out=out, **hooks
        ),
        True,
    )


@app.command()
def template(
    out: Annotated[Path, typer.Argument(help="Where to write the blank input workbook.")] = Path(
        "outputs/input_template.xlsx"
    ),
) -> None:
    """Write a blank input workbook with drop-downs, to start a new program."""
    run(lambda: jobs.write_template(out))


@app.command()
def sample(
    folder: Annotated[Path, typer.Argument(help="CSV folder of a program.")] = Path(
        "inputs/hartford"
    ),
    out: Annotated[
        Path | None, typer.Option(help="Workbook to write (default: <folder>/<folder name>.xlsx).")
    ] = None,
) -> None:
    """Build an input workbook from a CSV folder (the CSVs are what git reviews)."""
    run(lambda: jobs.build_sample(folder, out))


@app.command()
def demand(
    inputs: Annotated[Path, typer.Option("--inputs", help="Input workbook or CSV folder.")],
    calls: Annotated[Path, typer.Option("--calls", help="Call log CSV (see docs/demand.md).")],
    out: Annotated[Path, out_option("Input workbook to write, with Demand from calls.")] = Path(
        "outputs/demand.xlsx"
    ),
    target_minutes: Target = 10.0,
    service_level: Annotated[
        float, typer.Option(help="Share of calls to reach within the target.", min=0, max=1)
    ] = 0.9,
    growth: Annotated[float, typer.Option(help="Factor applied to the logged rates.", min=0)] = 1.0,
    busy_minutes: Annotated[
        float | None,
        typer.Option(help="Mean minutes a unit is busy per call (default: the log's mean, or 75)."),
    ] = None,
    min_units: Annotated[
        int, typer.Option(help="Fewest units in every operating hour.", min=0)
    ] = 1,
    hours: Annotated[
        str | None,
        typer.Option(
            help="Operating hours every day, e.g. 08-22 (24: all day); "
            "default: the hours with calls."
        ),
    ] = None,
    pool_weekdays: Annotated[
        bool, typer.Option(help="One rate per hour for Mon-Fri and one for Sat-Sun.")
    ] = False,
    team_zone: Annotated[
        list[str] | None,
        typer.Option(
            help="TEAM=ZONE: a citywide team, all its calls sized in one zone "
            "(e.g. juvenile=Central); repeatable."
        ),
    ] = None,
) -> None:
    """Demand from a call log by Erlang C: writes the input with Demand replaced."""
    with refusals():
        settings = jobs.demand_settings(
            target_minutes=target_minutes, service_level=service_level, growth=growth,
            busy_minutes=busy_minutes, min_units=min_units, hours=hours,
            pool_weekdays=pool_weekdays, team_zones=team_zone or [],
        )  # fmt: skip
    run(lambda: jobs.demand(inputs, calls, settings, out, hours=hours, on_note=err), streamed=True)


@app.command()
def simulate(
    roster_path: RosterIn,
    inputs: Inputs,
    calls: Annotated[
        Path | None, typer.Option("--calls", help="Call log CSV to replay (see docs/demand.md).")
    ] = None,
    rates: Annotated[
        Path | None,
        typer.Option(
            "--rates", help="Workbook from `demand` whose Rates sheet gives Poisson calls."
        ),
    ] = None,
    replications: Annotated[
        int, typer.Option(help="Runs with seeds seed, seed+1, ... (2 to 1,000).", min=2, max=1000)
    ] = 30,
    seed: Annotated[int, typer.Option(help="Seed of the first run.")] = 1,
    target_minutes: Target = 10.0,
    out: Annotated[Path | None, out_option("Simulation report workbook to write.")] = None,
) -> None:
    """Simulate dispatch on a roster: share of calls reached within the target, by team,
    zone and hour, with 95% confidence intervals over the runs (docs/simulation.md)."""
    settings = jobs.SimulateSettings(
        target_minutes=target_minutes, replications=replications, seed=seed
    )
    run(
        lambda: jobs.simulate(
            roster_path, inputs, calls=calls, rates=rates, settings=settings, out=out
        )
    )


@app.command()
@interrupt.stops_on_signals
def plan(
    input_path: Program,
    out: Annotated[Path, out_option("Plan workbook to write.")] = Path("outputs/plan.xlsx"),
    scenarios: Annotated[
        Path | None,
        typer.Option(
            help="Scenarios (.xlsx with a Scenarios sheet, or .csv); 'as is' is always planned."
        ),
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option(help="Annual budget for hires: the hires that buy the most coverage."),
    ] = None,
    frontier: Annotated[
        bool,
        typer.Option(
            "--frontier",
            help="Also plan a scenario ('as is' unless --frontier-scenario) with at most "
            "0, 1, 2, ... hires (up to its Hiring limits): coverage and cost per hire.",
        ),
    ] = False,
    hiring: Annotated[
        Path | None,
        typer.Option(
            help="Hiring rows from this file (.csv, or a workbook's Hiring sheet) instead "
            "of the input's Hiring sheet."
        ),
    ] = None,
    frontier_scenario: Annotated[
        str | None,
        typer.Option(help="The scenario whose frontier --frontier plans (implies --frontier)."),
    ] = None,
    calls: Annotated[
        Path | None,
        typer.Option(help="Call log (CSV): each plan's roster is simulated against its rates."),
    ] = None,
    service_level: Annotated[
        float | None,
        typer.Option(
            help="With --calls: Demand sized from the calls by Erlang C for this share "
            "within --target-minutes, before the scenarios change it."
        ),
    ] = None,
    target_minutes: CallsTarget = 10.0,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://HOST:8786); default: local processes."),
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option(help="Seconds for each solve (one scenario or frontier point).", min=0.1),
    ] = 60.0,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Solves run at once (local processes); default: one per 2 cores, each "
            "solve searching with 2 threads.",
            min=1,
        ),
    ] = None,
    seed: Seed = 0,
    deterministic: Deterministic = False,
    quiet: Quiet = False,
) -> None:
    """Plan hires: for each scenario the cheapest hires that meet required coverage (or,
    with --budget, the most coverage for the money), checked rosters and PLAN.xlsx."""
    # In PlanSettings' order.
    settings = jobs.PlanSettings(
        budget, frontier, frontier_scenario, service_level, target_minutes, scheduler,
        time_limit, workers, seed, deterministic,
    )  # fmt: skip
    files = {"scenarios": scenarios, "hiring": hiring, "calls": calls}
    with plan_progress(quiet) as hooks:
        run(lambda: jobs.plan(input_path, settings, out=out, **files, **hooks), streamed=True)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (other than 127.0.0.1 needs --token).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open the browser.")
    ] = False,
    token: Annotated[
        str | None, typer.Option(help="Access token every page then asks for.")
    ] = None,
) -> None:
    """Open the roster in a browser: a local web app for every job (docs: README)."""
    serve_web(host, port, open_browser=not no_browser, token=token)


bench_app = typer.Typer(
    no_args_is_help=True, help="Public benchmarks, solved by the same engine as rosters."
)
app.add_typer(bench_app, name="bench")


@bench_app.command("curtois")
def bench_curtois(
    instance: Annotated[
        Path | None, typer.Argument(help="A Curtois & Qu instance file (InstanceN.txt).")
    ] = None,
    all_in: Annotated[
        Path | None,
        typer.Option("--all", help="Solve every instance (*.txt) of this folder instead."),
    ] = None,
    out: Annotated[
        Path | None,
        out_option("Solution CSV (one instance), or folder for solutions and results (--all)."),
    ] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds per instance.", min=0.1)] = 60.0,
    workers: Workers = 2,
    seed: Seed = 0,
    quiet: Quiet = False,
) -> None:
    """Solve benchmark instances; every written solution is rechecked independently."""
    params = SolveParams(time_limit=time_limit, workers=workers, seed=seed)
    show = typer.echo if not quiet or all_in is None else None
    run(lambda: jobs.bench_curtois(instance, all_in=all_in, out=out, params=params, on_run=show))


def main() -> None:
    """The command line (`main.py`, the `crisis-roster` script)."""
    interrupt.run_command_line(app)
