"""Page data made from a problem, a roster and its evaluation (no I/O here)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scheduler.model.objective import STAGE1_PARTS, STAGE2_WEIGHTS

if TYPE_CHECKING:
    from scheduler.model.problem import Problem
    from scheduler.model.report import Evaluation
    from scheduler.model.roster import Assignment, Roster

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PAGE_SIZE = 100  # people per page of the grid


def summary(problem: Problem) -> dict[str, Any]:
    by_role_team: dict[tuple[str, str], int] = defaultdict(int)
    for person in problem.staff:
        for team in person.teams:
            by_role_team[(person.role.value, team.value)] += 1
    return {
        "staff": len(problem.staff),
        "by_role_team": sorted(by_role_team.items()),
        "zones": problem.zones,
        "shifts": problem.shifts,
        "days": problem.days,
        "start": problem.start_date,
        "end": problem.start_date + dt.timedelta(days=problem.days - 1),
    }


def demand_heat(problem: Problem) -> dict[str, Any]:
    """Required units by (team, zone) and (weekday, hour), from weekday rows."""
    cells: dict[tuple[str, str], list[int]] = {}
    dated = 0
    for row in problem.demand:
        if row.weekday is None and row.date is not None:
            dated += 1
            continue
        key = (row.team.value, row.zone)
        values = cells.setdefault(key, [0] * (7 * 24))
        days = range(7) if row.weekday is None else [row.weekday]
        start, end = row.start_minute // 60, -(-row.end_minute // 60)
        hours = list(range(start, end)) if end > start else [*range(start, 24), *range(0, end)]
        for day in days:
            for hour in hours:
                # An overnight window's hours after midnight belong to the next weekday.
                shifted = (day + (1 if end <= start and hour < start else 0)) % 7
                values[shifted * 24 + hour] += row.required_units
    peak = max((max(v) for v in cells.values()), default=0)
    return {"rows": sorted(cells.items()), "peak": peak, "dated": dated}


def heat_colour(value: int, peak: int) -> str:
    if value <= 0 or peak <= 0:
        return "#f4f6f8"
    share = value / peak
    light = int(92 - 52 * share)
    return f"hsl(210, 70%, {light}%)"


TEAM_COLOURS = {"adult": "#cfe3ff", "juvenile": "#ffe2c4"}


@dataclass(frozen=True)
class GridRow:
    employee_id: str
    name: str
    role: str
    teams: str
    cells: list[list[Assignment]]  # per day


def grid(problem: Problem, roster: Roster, page: int) -> dict[str, Any]:
    by_person_day: dict[tuple[str, int], list[Assignment]] = defaultdict(list)
    for a in roster.assignments:
        by_person_day[(a.employee_id, (a.date - problem.start_date).days)].append(a)
    people = list(problem.staff)
    known = {p.employee_id for p in people}
    extra = sorted({a.employee_id for a in roster.assignments} - known)
    pages = max(1, -(-(len(people) + len(extra)) // PAGE_SIZE))
    page = min(max(1, page), pages)
    chosen = [
        (p.employee_id, p.name, p.role.value, "/".join(t.value for t in p.teams)) for p in people
    ]
    chosen += [(e, "(not in Staff)", "", "") for e in extra]
    chosen = chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    days = [problem.start_date + dt.timedelta(days=d) for d in range(problem.days)]
    rows = [
        GridRow(e, name, role, teams, [by_person_day.get((e, d), []) for d in range(problem.days)])
        for e, name, role, teams in chosen
    ]
    return {"rows": rows, "days": days, "page": page, "pages": pages}


def timeline(problem: Problem, roster: Roster, day: dt.date, by: str) -> dict[str, Any]:
    """Bars of one day's shifts (0 to 36 h after midnight), per unit or per person."""
    names = {p.employee_id: p.name for p in problem.staff}
    zone_names = {z.zone_id: z.name for z in problem.zones}
    midnight = dt.datetime.combine(day, dt.time())
    span = 36 * 60
    lanes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    units: dict[str, list[Assignment]] = defaultdict(list)
    for a in roster.assignments:
        if a.date == day:
            units[a.unit_id].append(a)
    for _, members in sorted(units.items()):
        first = members[0]
        start = (first.start - midnight).total_seconds() / 60
        end = (first.end - midnight).total_seconds() / 60
        left, width = 100 * start / span, 100 * max(0.0, min(end, span) - start) / span
        people = " + ".join(names.get(m.employee_id, m.employee_id) for m in members)
        bar = {
            "left": round(left, 2),
            "width": round(width, 2),
            "team": first.team.value,
            "label": f"{first.shift_id} {first.start:%H:%M}-{first.end:%H:%M}",
            "people": people,
            "zone": zone_names.get(first.zone, first.zone),
        }
        if by == "person":
            for m in members:
                partners = [names.get(o.employee_id, o.employee_id) for o in members if o is not m]
                lanes[f"{names.get(m.employee_id, m.employee_id)} ({m.employee_id})"].append(
                    {**bar, "people": "with " + (", ".join(partners) or "nobody")}
                )
        else:
            lanes[f"{zone_names.get(first.zone, first.zone)} · {first.team.value}"].append(bar)
    # Overlapping bars of one lane go on rows of their own (a zone's units side by side).
    stacked: dict[str, list[dict[str, Any]]] = {}
    for name, bars in lanes.items():
        rows: list[list[dict[str, Any]]] = []
        for bar in sorted(bars, key=lambda bar: bar["left"]):
            row = next((r for r in rows if r[-1]["left"] + r[-1]["width"] <= bar["left"]), None)
            if row is None:
                rows.append([bar])
            else:
                row.append(bar)
        for n, row in enumerate(rows):
            stacked[name if n == 0 else f"{name} ({n + 1})"] = row
    ticks = [
        {"left": round(100 * h * 60 / span, 2), "label": f"{h % 24:02d}"} for h in range(0, 37, 3)
    ]
    return {"lanes": sorted(stacked.items()), "ticks": ticks}


def coverage(problem: Problem, evaluation: Evaluation, day: dt.date) -> dict[str, Any]:
    """Scheduled against required per team and zone, hour by hour of one day."""
    rows: dict[tuple[str, str], dict[int, tuple[int, int, int]]] = defaultdict(dict)
    for c in evaluation.coverage:
        if c.slot_start.date() == day:
            rows[(c.team.value, c.zone)][c.slot_start.hour] = (c.scheduled, c.required, c.target)
    return {"rows": sorted(rows.items()), "hours": list(range(24))}


def score(evaluation: Evaluation) -> list[dict[str, Any]]:
    parts = evaluation.parts.as_dict()
    table = []
    for name, count in parts.items():
        weight = STAGE2_WEIGHTS.get(name)
        table.append(
            {
                "part": name.replace("_", " "),
                "count": count,
                "weight": "first (coverage)" if name in STAGE1_PARTS else weight,
                "points": None if weight is None else weight * count,
            }
        )
    return table


def contributors(evaluation: Evaluation, limit: int = 15) -> list[Any]:
    return sorted(evaluation.soft_violations, key=lambda v: -v.penalty)[:limit]


def days_of(problem: Problem) -> list[dt.date]:
    return [problem.start_date + dt.timedelta(days=d) for d in range(problem.days)]


def progress_chart(progress: list[dict[str, Any]]) -> dict[str, Any]:
    """Polyline points (0-100 scaled) of the cost and its bound over time (stage 2)."""
    cost = [e for e in progress if e.get("stage") == 2 and e.get("objective") is not None]
    if len(cost) < 1:
        return {"cost": "", "bound": ""}
    t_max = max(e["seconds"] for e in cost) or 1.0
    values = [e["objective"] for e in cost] + [max(0.0, e["bound"] or 0.0) for e in cost]
    top, bottom = max(values), min(values)
    scale = (top - bottom) or 1.0

    def points(key: str) -> str:
        return " ".join(
            f"{300 * e['seconds'] / t_max:.1f},"
            f"{100 - 90 * (max(0.0, e[key] or 0.0) - bottom) / scale:.1f}"
            for e in cost
        )

    return {"cost": points("objective"), "bound": points("bound")}
