"""The `check` report: text for a person, JSON for other tools.

Every figure comes from the checker's `Evaluation`, except the number of
distinct partners per person, which is counted here from the roster rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from scheduler.model.calendar import date_text
from scheduler.model.objective import stage2_total
from scheduler.model.problem import Problem, Role
from scheduler.model.report import FINDINGS_PER_KIND as FINDINGS_PER_KIND
from scheduler.model.report import Evaluation, Gap, PersonHours, Violation, capped_per_kind
from scheduler.model.roster import Roster
from scheduler.model.wording import count

#: Columns of the hours table, and whether each is right-aligned (numbers).
HOURS_COLUMNS: tuple[tuple[str, bool], ...] = (
    ("id", False),
    ("name", False),
    ("role", False),
    ("paid h", True),
    ("contract h", True),
    ("OT h", True),
    ("OT cost", True),
    ("requests met", True),
    ("weekends", True),
    ("evenings", True),
    ("nights", True),
    ("partners", True),
)
INDENT = "  "
COLUMN_GAP = "  "


def _left_out_lines(left_out: dict[str, int]) -> list[str]:
    return [
        f"{INDENT}... and {n:,} more {kind} (not listed; --max-findings raises the limit)"
        for kind, n in left_out.items()
    ]


def distinct_partners(roster: Roster) -> dict[str, int]:
    """Per employee id in the roster: how many different people shared a unit with them.

    Counted from the rows as written (by `unit_id`), whether or not the unit is valid.
    """
    members: dict[str, set[str]] = defaultdict(set)
    for row in roster.assignments:
        members[row.unit_id].add(row.employee_id)
    partners: dict[str, set[str]] = defaultdict(set)
    for people in members.values():
        for employee_id in people:
            partners[employee_id] |= people - {employee_id}
    return {employee_id: len(others) for employee_id, others in sorted(partners.items())}


# --- Text ---------------------------------------------------------------------------


def render_text(
    problem: Problem,
    evaluation: Evaluation,
    roster: Roster,
    roster_file: str,
    max_per_kind: int = FINDINGS_PER_KIND,
) -> str:
    """The report as plain text: header, hard rules, gaps, hours table, summary; at
    most `max_per_kind` findings of each rule and gaps listed (0: all)."""
    sections = [
        _header(problem, evaluation, roster, roster_file),
        _hard_section(evaluation.hard_violations, max_per_kind),
        _gaps_section(evaluation.gaps, max_per_kind),
        _hours_section(evaluation.hours, distinct_partners(roster)),
        _summary_section(evaluation),
    ]
    return "\n\n".join(sections)


def _header(problem: Problem, evaluation: Evaluation, roster: Roster, roster_file: str) -> str:
    last_day = problem.date_of(problem.days - 1)
    horizon = f"{date_text(problem.start_date)} - {date_text(last_day)} ({problem.days} days)"
    unreadable = len(roster.rejected_rows)
    rows = f"{roster.rows_read} rows read" + (f" ({unreadable} unreadable)" if unreadable else "")
    units = evaluation.unit_count
    return f"Check of {roster_file} for {problem.name}, {horizon}: {rows}, {units} units"


def _hard_section(violations: Sequence[Violation], cap: int) -> str:
    shown, left_out = capped_per_kind(violations, lambda v: v.rule, cap)
    rows = [(v.rule, v.employee_id or "-", v.when, v.detail) for v in shown]
    lines = _columns(rows) + _left_out_lines(left_out)
    return _section(f"Hard rules broken ({len(violations):,})", lines)


def _gaps_section(all_gaps: Sequence[Gap], cap: int) -> str:
    gaps, left_out = capped_per_kind(all_gaps, lambda g: "gaps", cap)
    rows = [
        (
            _span_text(g.start, g.end),
            f"{g.zone} {g.team.value}: {g.scheduled} of {count(g.required, 'unit')}",
            f"({g.reason})" if g.reason else "",
        )
        for g in gaps
    ]
    lines = _columns(rows) + _left_out_lines(left_out)
    return _section(f"Coverage gaps ({len(all_gaps):,})", lines)


def _hours_section(hours: Sequence[PersonHours], partners: dict[str, int]) -> str:
    rows = [
        (
            h.employee_id,
            h.name,
            h.role.value,
            f"{h.paid_hours:.1f}",
            f"{h.contract_hours:.1f}",
            f"{h.overtime_hours:.1f}",
            f"{h.overtime_cost:,.2f}",
            f"{h.requests_met}/{h.requests}",
            str(h.weekend_days),
            str(h.evenings),
            str(h.nights),
            str(partners.get(h.employee_id, 0)),
        )
        for h in hours
    ]
    headers = tuple(title for title, _ in HOURS_COLUMNS)
    right = {i for i, (_, numeric) in enumerate(HOURS_COLUMNS) if numeric}
    lines = _columns([headers, *rows], right) if rows else []
    return _section(f"Hours and fairness ({count(len(rows), 'person', 'people')})", lines)


def _summary_section(evaluation: Evaluation) -> str:
    parts = evaluation.parts
    by_team = ", ".join(f"{team} {short}" for team, short in evaluation.shortfall_by_team.items())
    soft = len(evaluation.soft_violations)
    rows = [
        (
            "coverage met",
            f"{evaluation.coverage_pct:.1f}% of {evaluation.required_unit_slots:,}"
            " required unit-slots",
        ),
        ("shortfall by team", f"{by_team} unit-slots" if by_team else "none"),
        ("below target", f"{parts.target_shortfall:,} unit-slots"),
        ("overtime", f"{evaluation.overtime_hours:.1f} h, cost {parts.overtime_cost:,.2f}"),
        ("requests honoured", f"{evaluation.requests_met} of {evaluation.requests_total}"),
        ("soft penalties", f"{stage2_total(parts):,} points in {count(soft, 'finding')}"),
        ("hard rules broken", str(len(evaluation.hard_violations))),
    ]
    return "\n".join(["Summary", *_columns(rows)])


def _section(title: str, lines: list[str]) -> str:
    return "\n".join([title, *(lines or [f"{INDENT}none"])])


def _columns(rows: Sequence[Sequence[str]], right: set[int] | None = None) -> list[str]:
    """Rows as indented lines, each column padded to its widest cell (`right`: numbers)."""
    if not rows:
        return []
    right = right or set()
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append((INDENT + COLUMN_GAP.join(cells)).rstrip())
    return lines


def _span_text(start: dt.datetime, end: dt.datetime) -> str:
    """`Tue 2026-03-03 18:00-22:00`; both dates when the span runs past midnight."""
    first = f"{date_text(start.date())} {start:%H:%M}"
    if end.date() == start.date():
        return f"{first}-{end:%H:%M}"
    if end == dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time()):
        return f"{first}-24:00"
    return f"{first} - {date_text(end.date())} {end:%H:%M}"


# --- JSON ---------------------------------------------------------------------------


def report_data(
    problem: Problem,
    evaluation: Evaluation,
    roster: Roster,
    roster_file: str,
    max_per_kind: int = FINDINGS_PER_KIND,
) -> dict[str, Any]:
    """The report as JSON-ready data (the `Coverage` rows are left out: too long).
    Each list holds at most `max_per_kind` findings of each rule (0: all);
    `not_listed` counts the rest per rule, and `summary` the totals."""
    partners = distinct_partners(roster)
    parts = evaluation.parts
    hard, hard_left = capped_per_kind(evaluation.hard_violations, lambda v: v.rule, max_per_kind)
    soft, soft_left = capped_per_kind(evaluation.soft_violations, lambda v: v.rule, max_per_kind)
    gaps, gaps_left = capped_per_kind(evaluation.gaps, lambda g: "gaps", max_per_kind)
    return {
        "checked": {
            "program": problem.name,
            "horizon_start": problem.start_date.isoformat(),
            "horizon_days": problem.days,
            "roster": roster_file,
            "rows": roster.rows_read,
            "unreadable_rows": len(roster.rejected_rows),
        },
        "hard_violations": [_violation_data(v) for v in hard],
        "soft_violations": [{**_violation_data(v), "penalty": v.penalty} for v in soft],
        "gaps": [_gap_data(g) for g in gaps],
        "not_listed": {
            "max_per_kind": max_per_kind,
            "hard_violations": hard_left,
            "soft_violations": soft_left,
            "gaps": gaps_left.get("gaps", 0),
        },
        "hours": [
            {**_hours_data(h), "distinct_partners": partners.get(h.employee_id, 0)}
            for h in evaluation.hours
        ],
        "summary": {
            "coverage_pct": round(evaluation.coverage_pct, 2),
            "required_unit_slots": evaluation.required_unit_slots,
            "shortfall_by_team": dict(evaluation.shortfall_by_team),
            "target_shortfall": parts.target_shortfall,
            "overtime_hours": round(evaluation.overtime_hours, 2),
            "overtime_cost": round(parts.overtime_cost, 2),
            "requests_met": evaluation.requests_met,
            "requests_total": evaluation.requests_total,
            "hard_violation_count": len(evaluation.hard_violations),
            "soft_violation_count": len(evaluation.soft_violations),
            "gap_count": len(evaluation.gaps),
            "soft_penalty_total": stage2_total(parts),
            "units": evaluation.unit_count,
            "objective_parts": parts.as_dict(),
        },
    }


def render_json(
    problem: Problem,
    evaluation: Evaluation,
    roster: Roster,
    roster_file: str,
    max_per_kind: int = FINDINGS_PER_KIND,
) -> str:
    """`report_data` as one indented JSON object, non-ASCII text kept as is."""
    data = report_data(problem, evaluation, roster, roster_file, max_per_kind)
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False)


def _violation_data(v: Violation) -> dict[str, Any]:
    return {
        "rule": v.rule,
        "employee_id": v.employee_id,
        "when": v.when,
        "detail": v.detail,
        "amount": v.amount,
    }


def _gap_data(g: Gap) -> dict[str, Any]:
    return {
        "team": g.team.value,
        "zone": g.zone,
        "start": g.start.isoformat(timespec="minutes"),
        "end": g.end.isoformat(timespec="minutes"),
        "required": g.required,
        "scheduled": g.scheduled,
        "unit_slots_short": g.unit_slots_short,
        "reason": g.reason,
    }


def _hours_data(h: PersonHours) -> dict[str, Any]:
    """Every `PersonHours` field under its own name."""
    data: dict[str, Any] = {}
    for f in fields(PersonHours):
        value = getattr(h, f.name)
        if isinstance(value, Role):
            value = value.value
        elif isinstance(value, tuple):
            value = list(value)
        data[f.name] = value
    return data
