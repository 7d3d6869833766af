"""Publishing a roster to the people on it: one iCalendar (.ics) file per person.

Each shift of the roster's `Assignments` becomes one VEVENT in its person's file:
DTSTART/DTEND as the roster states them, SUMMARY `<program> <team> <zone> - <shift>`,
a DESCRIPTION for people, and `X-ROSTER-*` properties (employee, role, shift, team,
zone, unit, partners) for tools. The partners of a shift are the other people of its
unit (same `unit_id`, as the checker groups units), with their names when the
program's input is given.

With the program's `time_zone`, times carry `TZID=<zone>` (RFC 5545 form 3) and each
file holds a `VTIMEZONE` built from the zone for the roster's dates, so every
calendar application shows each shift at its real instant wherever the phone is; a
start in a skipped or repeated hour is written as the instant the rule makes of it
(`calendar.Clock`). Without a time zone (or without the program's input), times are
floating local times (form 1, no `TZID`): shown at the roster's clock time in
whatever zone the device is in.

The UID of an event is made of the shift's start, the employee id and the unit id,
so publishing the same roster again (or a re-solved one with the same unit) gives
the same UIDs and a calendar updates the event instead of adding a second one.

A person with no shift gets no file: RFC 5545 requires at least one component in a
calendar, and some clients reject an empty one. Every file is built in memory first,
then written to a temporary file and renamed, so a failure leaves no half-written file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from icalendar import Calendar, Event

from scheduler.io.write_workbook import replace_atomically
from scheduler.model.problem import WEEKDAYS, Problem, Team
from scheduler.model.roster import Assignment, Roster

PRODUCT_ID = "-//crisis-roster//publish//EN"
UID_DOMAIN = "crisis-roster"
CALENDAR_SUFFIX = ".ics"

# Custom properties: what a tool reading the file needs, without parsing DESCRIPTION.
X_EMPLOYEE_ID = "X-ROSTER-EMPLOYEE-ID"
X_ROLE = "X-ROSTER-ROLE"
X_SHIFT_ID = "X-ROSTER-SHIFT-ID"
X_TEAM = "X-ROSTER-TEAM"
X_ZONE = "X-ROSTER-ZONE"
X_UNIT_ID = "X-ROSTER-UNIT-ID"
X_PARTNER_ID = "X-ROSTER-PARTNER-ID"  # one property per partner, in unit order
X_PARTNER_NAME = "X-ROSTER-PARTNER-NAME"  # same order as the ids; blank when unknown


@dataclass(frozen=True)
class Partner:
    employee_id: str
    name: str  # blank when the program's Staff does not name them

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_id})" if self.name else self.employee_id


@dataclass(frozen=True)
class PersonShift:
    """One row of `Assignments` with the other people of its unit."""

    assignment: Assignment
    partners: tuple[Partner, ...]


@dataclass(frozen=True)
class PersonSchedule:
    """Everything published for one person."""

    employee_id: str
    name: str  # blank when the program's Staff does not name them
    role: str
    teams: tuple[Team, ...]
    shifts: tuple[PersonShift, ...]  # by start

    @property
    def title(self) -> str:
        return f"{self.name} ({self.employee_id})" if self.name else self.employee_id


def person_schedules(roster: Roster, problem: Problem | None) -> list[PersonSchedule]:
    """Each person's shifts with partners: Staff in input order (with or without a
    shift), then people the roster names who are not in Staff, by employee id."""
    rows = roster.sorted().assignments
    by_unit: dict[str, list[Assignment]] = defaultdict(list)
    by_person: dict[str, list[Assignment]] = defaultdict(list)
    for row in rows:
        by_unit[row.unit_id].append(row)
        by_person[row.employee_id].append(row)

    def name_of(employee_id: str) -> str:
        person = problem.people_by_id.get(employee_id) if problem is not None else None
        return person.name if person is not None else ""

    def partners_of(row: Assignment) -> tuple[Partner, ...]:
        others = dict.fromkeys(
            other.employee_id
            for other in by_unit[row.unit_id]
            if other.employee_id != row.employee_id
        )
        return tuple(Partner(other, name_of(other)) for other in others)

    staff = [] if problem is None else [p.employee_id for p in problem.staff]
    known = set(staff)
    people = staff + sorted(employee_id for employee_id in by_person if employee_id not in known)
    schedules = []
    for employee_id in people:
        shifts = by_person.get(employee_id, [])
        person = problem.people_by_id.get(employee_id) if problem is not None else None
        if person is not None:
            role, teams = person.role.value, person.teams
        else:
            role = shifts[0].role.value
            teams = tuple(team for team in Team if any(s.team is team for s in shifts))
        schedules.append(
            PersonSchedule(
                employee_id=employee_id,
                name=name_of(employee_id),
                role=role,
                teams=teams,
                shifts=tuple(PersonShift(row, partners_of(row)) for row in shifts),
            )
        )
    return schedules


# --- File names -----------------------------------------------------------------------

_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_UNSAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
# Names Windows refuses for a file, whatever the extension.
_RESERVED_NAMES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def calendar_file_names(employee_ids: Sequence[str]) -> dict[str, str]:
    """employee_id -> a file name that is safe on every system and unique among them.

    A plain id (letters, digits, `.`, `_`, `-`) is the name as it is (`C01.ics`).
    Any other id, and ids that would clash on a case-insensitive file system
    (`a1`, `A1`), keep their safe characters and add a short hash of the full id.
    """
    folded: dict[str, int] = defaultdict(int)
    for employee_id in set(employee_ids):
        folded[employee_id.casefold()] += 1
    names = {}
    for employee_id in employee_ids:
        plain = (
            _PLAIN_ID.fullmatch(employee_id) is not None
            and employee_id.casefold() not in _RESERVED_NAMES
            and folded[employee_id.casefold()] == 1
        )
        if plain:
            stem = employee_id
        else:
            safe = _UNSAFE_CHARACTERS.sub("_", employee_id).strip("._-")[:48]
            digest = hashlib.sha256(employee_id.encode()).hexdigest()[:10]
            stem = f"{safe}-{digest}" if safe else f"person-{digest}"
        names[employee_id] = stem + CALENDAR_SUFFIX
    return names


# --- Calendars ------------------------------------------------------------------------


def event_uid(assignment: Assignment) -> str:
    """Stable across runs: the same person, unit and start give the same UID."""
    parts = (
        f"{assignment.start:%Y%m%dT%H%M}",
        quote(assignment.employee_id, safe=""),
        quote(assignment.unit_id, safe=""),
    )
    return "-".join(parts) + f"@{UID_DOMAIN}"


def _clock(moment: dt.datetime, since: dt.date) -> str:
    """`08:00`, or `08:00 (Tue)` when the moment is not on the shift's start date."""
    if moment.date() == since:
        return f"{moment:%H:%M}"
    return f"{moment:%H:%M} ({WEEKDAYS[moment.weekday()]})"


def _zone_name(problem: Problem | None, zone_id: str) -> str:
    if problem is None:
        return ""
    for zone in problem.zones:
        if zone.zone_id == zone_id:
            return zone.name
    return ""


def shift_summary(problem: Problem | None, assignment: Assignment) -> str:
    """`Hartford HEARTeam adult South - D8`: program (when known), team, zone, shift."""
    words = [problem.name] if problem is not None else []
    words += [assignment.team.value, assignment.zone]
    return " ".join(words) + f" - {assignment.shift_id}"


def _description(problem: Problem | None, shift: PersonShift) -> str:
    a = shift.assignment
    zone_name = _zone_name(problem, a.zone)
    lines = [
        f"Shift {a.shift_id}, {WEEKDAYS[a.start.weekday()]} {a.start:%Y-%m-%d} "
        f"{_clock(a.start, a.date)} - {_clock(a.end, a.start.date())}",
        f"Team: {a.team.value}",
        f"Zone: {a.zone}" + (f" ({zone_name})" if zone_name and zone_name != a.zone else ""),
        "Partner: " + ("; ".join(str(p) for p in shift.partners) or "none"),
        f"Unit: {a.unit_id}",
        f"Role: {a.role.value}",
    ]
    if problem is not None:
        lines.append(f"Program: {problem.name}")
    return "\n".join(lines)


def event_time(problem: Problem | None, moment: dt.datetime) -> dt.datetime:
    """A roster time as written to the calendar: aware in the program's zone (the real
    instant of the local time), else the naive (floating) local time."""
    if problem is None or problem.time_zone is None:
        return moment
    return problem.clock.instant(problem.clock.elapsed(moment))


def shift_event(problem: Problem | None, shift: PersonShift, stamp: dt.datetime) -> Event:
    """One VEVENT; times with the program's TZID, floating without a time zone."""
    a = shift.assignment
    event = Event()
    event.add("uid", event_uid(a))
    event.add("dtstamp", stamp)
    event.add("dtstart", event_time(problem, a.start))
    event.add("dtend", event_time(problem, a.end))
    event.add("summary", shift_summary(problem, a))
    event.add("description", _description(problem, shift))
    event.add("location", _zone_name(problem, a.zone) or a.zone)
    event.add("categories", [a.team.value])
    event.add("status", "CONFIRMED")
    event.add(X_EMPLOYEE_ID, a.employee_id)
    event.add(X_ROLE, a.role.value)
    event.add(X_SHIFT_ID, a.shift_id)
    event.add(X_TEAM, a.team.value)
    event.add(X_ZONE, a.zone)
    event.add(X_UNIT_ID, a.unit_id)
    for partner in shift.partners:
        event.add(X_PARTNER_ID, partner.employee_id)
        event.add(X_PARTNER_NAME, partner.name)
    return event


def person_calendar(
    problem: Problem | None, schedule: PersonSchedule, stamp: dt.datetime
) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    title = f"{problem.name}: {schedule.title}" if problem is not None else schedule.title
    # NAME is RFC 7986; X-WR-CALNAME is what most clients show.
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    seen: dict[str, int] = defaultdict(int)
    for shift in schedule.shifts:
        event = shift_event(problem, shift, stamp)
        uid = str(event["uid"])
        seen[uid] += 1
        if seen[uid] > 1:
            # The same row twice in a hand-edited roster: both stay visible, UIDs unique.
            event["uid"] = uid.replace(f"@{UID_DOMAIN}", f"-{seen[uid]}@{UID_DOMAIN}")
        calendar.add_component(event)
    if problem is not None and problem.time_zone is not None and schedule.shifts:
        # The zone's rules for the roster's span only, with a year's margin each side.
        first = min(s.assignment.start for s in schedule.shifts).date()
        last = max(s.assignment.end for s in schedule.shifts).date()
        calendar.add_missing_timezones(
            first_date=first.replace(year=max(1, first.year - 1), month=1, day=1),
            last_date=last.replace(year=min(9999, last.year + 2), month=1, day=1),
        )
    return calendar


def write_calendars(
    roster: Roster,
    problem: Problem | None,
    out_dir: str | Path,
    stamp: dt.datetime | None = None,
) -> list[Path]:
    """Write `<employee_id>.ics` for every person with a shift; return the paths written.

    `stamp` is the DTSTAMP of every event (default: now, in UTC).
    """
    stamp = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    schedules = [s for s in person_schedules(roster, problem) if s.shifts]
    file_names = calendar_file_names([s.employee_id for s in schedules])
    # Serialise everything before the first write: a bad value fails with nothing written.
    contents = {
        file_names[s.employee_id]: person_calendar(problem, s, stamp).to_ical() for s in schedules
    }
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return [write_bytes_atomically(folder / name, data) for name, data in contents.items()]


def write_bytes_atomically(target: Path, data: bytes) -> Path:
    """Write `data` to `target` so that readers never see half a file."""
    return replace_atomically(target, lambda path: path.write_bytes(data), suffix=".tmp")
