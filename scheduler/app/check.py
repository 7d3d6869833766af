"""The check job: any roster (even one edited by hand) against the program's rules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from scheduler.app.common import (
    Outcome,
    PathLike,
    Report,
    as_input,
    as_path,
    bad_option,
    outcome_fields,
    paths_of,
    program_of,
    roster_of,
)
from scheduler.app.solve import _TablesOfRoster
from scheduler.errors import EXIT_OK, EXIT_VIOLATIONS
from scheduler.io.output_paths import guard_output_file
from scheduler.model.problem import Problem
from scheduler.model.report import Evaluation
from scheduler.model.roster import Roster
from scheduler.report_text import FINDINGS_PER_KIND as FINDINGS_PER_KIND

ReportFormat = Literal["text", "json"]
REPORT_FORMATS: tuple[ReportFormat, ...] = ("text", "json")


@dataclass(frozen=True, kw_only=True)
class CheckOutcome(Outcome, _TablesOfRoster):
    """The checker's evaluation of a roster and its report (text or JSON)."""

    problem: Problem
    roster: Roster
    evaluation: Evaluation
    report: str


def check(
    roster: PathLike | Roster,
    program: PathLike | Problem,
    *,
    out: PathLike | None = None,
    report_format: ReportFormat = "text",
    max_findings: int = FINDINGS_PER_KIND,
) -> CheckOutcome:
    """Check `roster`: hard rules, coverage gaps, hours; with `out`, the HR report
    workbook. Exit 0 when no hard rule is broken, 1 when one is."""
    if report_format not in REPORT_FORMATS:
        raise bad_option(f"--format {report_format}: expected one of {', '.join(REPORT_FORMATS)}")
    if isinstance(max_findings, bool) or not isinstance(max_findings, int) or max_findings < 0:
        raise bad_option(f"--max-findings {max_findings}: expected a whole number, 0 or more")
    roster, program = as_input(roster), as_input(program)
    out = None if out is None else as_path(out)
    if out is not None:
        inputs = paths_of(roster, program)
        guard_output_file("--out", out, inputs, what="a file name, e.g. hr.xlsx", suffix=".xlsx")
    from scheduler.evaluate import evaluate
    from scheduler.report_text import render_json, render_text

    report = Report()
    loaded_program = program_of(program, report)
    loaded_roster = roster_of(roster, report)
    problem, checked = loaded_program.value, loaded_roster.value
    evaluation = evaluate(problem, checked)
    render = render_json if report_format == "json" else render_text
    name = str(roster) if isinstance(roster, Path) else "roster"
    text = render(problem, evaluation, checked, name, max_findings)
    report.say(text)
    if out is not None:
        from scheduler.io.hr_report import write_hr_report

        written = report.wrote(
            write_hr_report(
                out,
                problem,
                evaluation,
                checked,
                loaded_program.warnings,
                loaded_roster.warnings,
                max_findings,
            )
        )
        if report_format == "json":  # JSON output stays one object on stdout
            report.note(f"\nHR report written to {written}")
        else:
            report.say(f"\nHR report written to {written}")
    code = EXIT_OK if evaluation.feasible else EXIT_VIOLATIONS
    return CheckOutcome(
        **outcome_fields(report, code),  # type: ignore[arg-type]
        problem=problem,
        roster=checked,
        evaluation=evaluation,
        report=text,
    )
