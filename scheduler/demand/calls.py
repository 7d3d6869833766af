"""From a call log to units needed per weekday, hour, zone and team (no solver).

A call log is a CSV file: `received_at` (ISO date-time: with an offset or `Z` it is
converted to the program's time zone, without one it is local time), `zone` or
`neighborhood` (mapped through `Zones.neighborhoods`), `team` or `age` (under
18 is juvenile), optional `busy_minutes`. Rates are calls per hour averaged over
the occurrences of each weekday in the log's date span; units come from
`erlang.units_needed` with the wait allowance `target - travel` of the zone.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl.utils import get_column_letter

from scheduler.demand.erlang import service_level, units_needed
from scheduler.errors import InputError, InputIssue
from scheduler.io.read_cells import FIRST_DATE, LAST_DATE
from scheduler.io.read_workbook import MAX_UNITS
from scheduler.io.simulation_report import MAX_CALLS_PER_HOUR
from scheduler.io.tables import CsvFileError, read_csv_rows
from scheduler.model.calendar import Clock
from scheduler.model.problem import WEEKDAYS, Problem, Team

DEFAULT_BUSY_MINUTES = 75.0  # domain.md: travel + on scene + paperwork
JUVENILE_BELOW_AGE = 18
HOURS_PER_DAY = 24
MAX_CALL_LOG_BYTES = 50 * 1024 * 1024
MAX_BUSY_MINUTES = 24 * 60  # more would overflow the Erlang sums, or make them crawl
#: Rates are averaged over the log's whole span: a longer stretch without a single call
#: (a mistyped year, two logs pasted together) would dilute every rate, so it is refused.
MAX_CALL_GAP_DAYS = 28

_Issue = Callable[[str, str], None]  # records an issue: (column, message)


@dataclass(frozen=True)
class Call:
    received_at: dt.datetime
    zone: str
    team: Team
    busy_minutes: float | None = None


@dataclass(frozen=True)
class DemandSettings:
    target_minutes: float = 10.0
    service_level: float = 0.9
    growth: float = 1.0
    busy_minutes: float | None = None  # None: the log's mean, else the default
    min_units: int = 1
    # (first hour, end hour) staffed every day, end exclusive (8, 22); None: hours with calls
    operating_hours: tuple[int, int] | None = None
    # Mon-Fri share one rate per hour, Sat-Sun another: steadier rates from a short log.
    pool_weekdays: bool = False
    # A citywide team: all its calls are sized as one pool working from this zone.
    team_zones: tuple[tuple[Team, str], ...] = ()


@dataclass(frozen=True)
class HourlyNeed:
    """One row of the `Rates` sheet: the rate and the units it needs."""

    weekday: int  # 0 = Monday
    hour: int
    zone: str
    team: Team
    calls_per_hour: float
    busy_minutes: float
    wait_minutes: float  # target minus the longest drive sized for (wait_allowances)
    units: int
    expected_service_level: float

    @property
    def load(self) -> float:
        return self.calls_per_hour * self.busy_minutes / 60.0


def _missing_columns(header: Sequence[str]) -> list[str]:
    """The call log's required columns (each one of its names) not in `header`."""
    names = {name.strip().lower() for name in header}
    return [
        need
        for need, choices in (
            ("received_at", ("received_at",)),
            ("zone or neighborhood", ("zone", "neighborhood")),
            ("team or age", ("team", "age")),
        )
        if not any(choice in names for choice in choices)
    ]


def read_calls(path: str | Path, problem: Problem, *, averaged: bool = True) -> list[Call]:
    """Read and check a call log; every bad cell is reported at once (file, row, column).
    `averaged`: its rates are averaged over its span, which a long gap would dilute, so
    one is refused (a replay of the log's own calls passes False)."""
    source = Path(path)
    sheet = source.name
    if not source.is_file():
        raise InputError(InputIssue(sheet=sheet, message=f"no such file: {source}"))
    if source.stat().st_size > MAX_CALL_LOG_BYTES:
        raise InputError(InputIssue(sheet=sheet, message="the call log is over 50 MB"))
    try:  # Windows-1252 and ';' or tab delimiters are read, with a warning, as sheets are
        reader, warnings = read_csv_rows(source)
        rows = list(reader)
    except CsvFileError as error:
        raise InputError(InputIssue(sheet=sheet, message=str(error))) from None
    except csv.Error as error:
        raise InputError(
            InputIssue(sheet=sheet, message=f"cannot be read as CSV ({error})")
        ) from None
    for warning in warnings:  # read_calls returns calls only; the CLI prints warnings so
        print(f"warning: {warning}", file=sys.stderr)
    header = [name.strip().lower() for name in rows[0]] if rows else []
    columns: dict[str, int] = {}
    for position, name in enumerate(header):
        if name in columns:  # as the workbook reader says: which value counts is unknown
            first, again = get_column_letter(columns[name] + 1), get_column_letter(position + 1)
            raise InputError(
                InputIssue(
                    sheet=sheet,
                    row=1,
                    column=name,
                    column_letter=again,
                    message=f"column '{name}' appears twice ({first} and {again}); keep one",
                )
            )
        if name:
            columns[name] = position
    missing = _missing_columns(header)
    if missing:
        # A title row above the header: name where the header is, not what is missing.
        below = next(
            (n for n, row in enumerate(rows[1:10], start=2) if not _missing_columns(row)), None
        )
        found = ", ".join(name.strip() for name in rows[0] if name.strip()) if rows else ""
        row_one = f"row 1 has {found}" if found else "row 1 is blank"
        if below is not None:
            above = "row 1" if below == 2 else f"rows 1-{below - 1}"
            message = (
                f"the header is on row {below}, not row 1 ({row_one}); "
                f"delete {above} above it so that the header is row 1"
            )
        else:
            message = f"missing column(s): {', '.join(missing)} ({row_one})"
        raise InputError(InputIssue(sheet=sheet, row=1, message=message))
    zone_ids = set(problem.zone_ids)
    zone_of_neighborhood: dict[str, str] = {}
    for zone in problem.zones:
        for neighborhood in zone.neighborhoods:
            zone_of_neighborhood.setdefault(neighborhood.strip().lower(), zone.zone_id)
    issues: list[InputIssue] = []
    calls: list[Call] = []
    call_rows: list[int] = []
    first_row_of: dict[tuple[tuple[str, str], ...], int] = {}
    repeats: list[tuple[int, int]] = []  # (row, the earlier row it repeats)
    with_offset = without_offset = 0
    for number, values in enumerate(rows[1:], start=2):
        cells = {
            name: values[position].strip()
            for name, position in columns.items()
            if position < len(values) and values[position].strip()
        }
        if not cells:
            continue  # blank rows are ignored, as in the workbook
        earlier = first_row_of.setdefault(tuple(sorted(cells.items())), number)
        if earlier != number:
            repeats.append((number, earlier))

        def issue(column: str, message: str, row: int = number) -> None:
            issues.append(
                InputIssue(
                    sheet=sheet,
                    row=row,
                    column=column,
                    column_letter=get_column_letter(columns[column] + 1)
                    if column in columns
                    else None,
                    message=message,
                )
            )

        before = len(issues)
        received_at = _received_at(cells.get("received_at"), issue)
        if received_at is not None:
            # One rule for every timestamp: an offset (or Z) is converted to the
            # program's zone, a timestamp without one is its local time.
            with_offset += received_at.tzinfo is not None
            without_offset += received_at.tzinfo is None
            received_at = _in_range(problem.clock, received_at, cells["received_at"], issue)
        zone_id = _zone(cells, zone_ids, zone_of_neighborhood, issue)
        team = _team(cells, issue)
        busy = None
        if "busy_minutes" in cells:
            busy = _number(cells["busy_minutes"])
            if busy is None or not 0 < busy <= MAX_BUSY_MINUTES:
                issue(
                    "busy_minutes",
                    f"busy_minutes '{cells['busy_minutes']}' is not a number of minutes "
                    f"above 0 and at most {MAX_BUSY_MINUTES:g}",
                )
        if len(issues) == before:
            assert received_at is not None and zone_id is not None and team is not None
            calls.append(Call(received_at, zone_id, team, busy))
            call_rows.append(number)
    if issues:
        raise InputError(issues)
    if not calls:
        raise InputError(InputIssue(sheet=sheet, message="the call log has no calls"))
    if averaged:
        _refuse_a_long_gap(sheet, calls, call_rows, columns)
    if repeats:
        row, earlier = repeats[0]
        print(
            f"warning: {sheet}: {len(repeats)} row(s) repeat an earlier row exactly (row {row} "
            f"is row {earlier}); each is counted as a call: remove them if the log was "
            "pasted in twice",
            file=sys.stderr,
        )
    for warning in offset_warnings(problem, with_offset, without_offset):
        print(f"warning: {sheet}: {warning}", file=sys.stderr)
    return calls


def _refuse_a_long_gap(
    sheet: str, calls: list[Call], rows: list[int], columns: dict[str, int]
) -> None:
    """Refuse a log with more than MAX_CALL_GAP_DAYS between two calls, naming both rows."""
    order = sorted(range(len(calls)), key=lambda i: calls[i].received_at)
    for before, after in itertools.pairwise(order):
        gap = calls[after].received_at - calls[before].received_at
        if gap > dt.timedelta(days=MAX_CALL_GAP_DAYS):
            raise InputError(
                InputIssue(
                    sheet=sheet,
                    row=rows[after],
                    column="received_at",
                    column_letter=get_column_letter(columns["received_at"] + 1),
                    message=f"no call for {gap.days} days between row {rows[before]} "
                    f"({calls[before].received_at:%Y-%m-%d}) and row {rows[after]} "
                    f"({calls[after].received_at:%Y-%m-%d}): rates are averaged over the "
                    f"log's whole span, so a gap over {MAX_CALL_GAP_DAYS} days would make "
                    "every rate too low; correct the date, or give one stretch of calls",
                )
            )


def offset_warnings(problem: Problem, with_offset: int, without_offset: int) -> list[str]:
    """What to say about a log's UTC offsets: a mix of both kinds, or offsets that a
    program without a time zone cannot convert."""
    zone = problem.time_zone
    if with_offset and zone is None:
        return [
            f"{with_offset} received_at timestamp(s) carry a UTC offset but Program has no "
            "time_zone: the offsets are dropped and the clock times taken as they are; add "
            "time_zone to Program to convert them"
        ]
    if with_offset and without_offset:
        return [
            f"the log mixes {with_offset} received_at timestamp(s) with a UTC offset "
            f"(converted to {zone}) and {without_offset} without one (taken as {zone} "
            "local time); check that its export writes one kind"
        ]
    return []


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _received_at(text: str | None, issue: _Issue) -> dt.datetime | None:
    if text is None:
        issue("received_at", "received_at is required but the cell is blank")
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        issue("received_at", f"received_at '{text}' is not a date-time; expected YYYY-MM-DDTHH:MM")
        return None
    return moment


def _in_range(clock: Clock, moment: dt.datetime, text: str, issue: _Issue) -> dt.datetime | None:
    """The timestamp as local time, if its date is one the log's span may walk day by day."""
    try:
        moment = clock.local(moment)
    except OverflowError:  # an offset that moves year 1 or 9999 out of range
        moment = dt.datetime.min
    if not FIRST_DATE <= moment.date() <= LAST_DATE:
        issue(
            "received_at",
            f"received_at '{text}' is out of range; expected a date-time from {FIRST_DATE} "
            f"to {LAST_DATE}",
        )
        return None
    return moment


def _zone(
    cells: dict[str, str],
    zone_ids: set[str],
    zone_of_neighborhood: dict[str, str],
    issue: _Issue,
) -> str | None:
    # A zone cell wins; a neighborhood is only looked up when the zone is blank.
    if "zone" in cells:
        if cells["zone"] in zone_ids:
            return cells["zone"]
        issue("zone", f"zone '{cells['zone']}' is not in Zones ({', '.join(sorted(zone_ids))})")
        return None
    if "neighborhood" in cells:
        zone = zone_of_neighborhood.get(cells["neighborhood"].lower())
        if zone is None:
            issue(
                "neighborhood",
                f"neighborhood '{cells['neighborhood']}' is not in any zone's neighborhoods",
            )
        return zone
    issue("zone", "zone (or neighborhood) is required but the cell is blank")
    return None


def _team(cells: dict[str, str], issue: _Issue) -> Team | None:
    # A team cell wins; an age is only used when the team is blank.
    if "team" in cells:
        try:
            return Team(cells["team"].lower())
        except ValueError:
            teams = ", ".join(team.value for team in Team)
            issue("team", f"team '{cells['team']}' is not one of {teams}")
            return None
    if "age" in cells:
        age = _number(cells["age"])
        if age is None or age < 0:
            issue("age", f"age '{cells['age']}' is not a number >= 0")
            return None
        return Team.JUVENILE if age < JUVENILE_BELOW_AGE else Team.ADULT
    issue("team", "team (or age) is required but the cell is blank")
    return None


def weekday_occurrences(calls: list[Call]) -> list[int]:
    """How many times each weekday (0 = Monday) occurs from the first call's day to the last's."""
    first = min(call.received_at.date() for call in calls)
    last = max(call.received_at.date() for call in calls)
    counts = [0] * len(WEEKDAYS)
    for offset in range((last - first).days + 1):
        counts[(first + dt.timedelta(days=offset)).weekday()] += 1
    return counts


def call_rates(calls: list[Call], growth: float = 1.0) -> dict[tuple[int, int, str, Team], float]:
    """Calls per hour by (weekday, hour, zone, team), averaged over the weeks the log covers."""
    occurrences = weekday_occurrences(calls)
    counts = Counter(
        (call.received_at.weekday(), call.received_at.hour, call.zone, call.team) for call in calls
    )
    return {key: count / occurrences[key[0]] * growth for key, count in counts.items()}


def mean_busy_minutes(calls: list[Call], override: float | None) -> float:
    """`--busy-minutes` if given, else the log's mean, else the default 75."""
    if override is not None:
        return override
    given = [call.busy_minutes for call in calls if call.busy_minutes is not None]
    return sum(given) / len(given) if given else DEFAULT_BUSY_MINUTES


def hourly_needs(calls: list[Call], problem: Problem, settings: DemandSettings) -> list[HourlyNeed]:
    """Rates and units for every weekday, hour, zone and team.

    Without `operating_hours`, a slot is operating when its hour had calls
    (rate > 0): it needs at least `min_units`, an hour without calls none. With
    `operating_hours`, every hour of that window is operating for each zone and
    team with any call in the log (at least `min_units`, calls or not), and the
    hours outside it need no unit: their calls keep their rate but get no unit
    (expected service level 0), left to other services.
    A team in `team_zones` has all its calls counted in that one zone, and its
    wait allowance is what the longest reachable drive from there leaves
    (`wait_allowances`).
    """
    citywide = _citywide_zones(problem, settings)
    allowances = wait_allowances(calls, problem, settings)
    calls = [replace(call, zone=citywide.get(call.team, call.zone)) for call in calls]
    occurrences = weekday_occurrences(calls)
    counts = Counter(
        (call.received_at.weekday(), call.received_at.hour, call.zone, call.team) for call in calls
    )
    if settings.pool_weekdays:
        counts, occurrences = _pooled(counts, occurrences)
    served = {(call.zone, call.team) for call in calls}
    busy = mean_busy_minutes(calls, settings.busy_minutes)
    needs: list[HourlyNeed] = []
    for zone in problem.zones:
        for team in Team:
            wait = allowances.get((zone.zone_id, team))
            if wait is None:  # no call of this team is sized here: its rate is 0
                travel = problem.travel_minutes(zone.zone_id, zone.zone_id)
                wait = max(0.0, settings.target_minutes - travel)
            for weekday in range(len(WEEKDAYS)):
                for hour in range(HOURS_PER_DAY):
                    count = counts[(weekday, hour, zone.zone_id, team)]
                    days = occurrences[weekday]
                    rate = count / days * settings.growth if days else 0.0
                    if not rate <= MAX_CALLS_PER_HOUR:  # NaN too: sized in O(units)
                        raise _too_much(weekday, hour, zone.zone_id, team, settings, rate=rate)
                    if settings.operating_hours is None:
                        operating = rate > 0
                    else:
                        first, end = settings.operating_hours
                        operating = first <= hour < end and (zone.zone_id, team) in served
                    units = 0  # calls outside operating hours stay in Rates, unstaffed
                    if operating or settings.operating_hours is None:
                        units = units_needed(rate, busy, wait, settings.service_level)
                    if operating:
                        units = max(units, settings.min_units)
                    if units > MAX_UNITS:
                        raise _too_much(weekday, hour, zone.zone_id, team, settings, units=units)
                    load = rate * busy / 60.0
                    level = service_level(load, units, wait, busy) if rate > 0 else 1.0
                    needs.append(
                        HourlyNeed(
                            weekday, hour, zone.zone_id, team, rate, busy, wait, units, level
                        )
                    )
    return needs


def _too_much(
    weekday: int,
    hour: int,
    zone: str,
    team: Team,
    settings: DemandSettings,
    *,
    rate: float | None = None,
    units: int | None = None,
) -> InputError:
    """Rates or units that `solve` and `simulate` would refuse to read: said here, of the
    log, rather than as a bad cell of a Demand sheet the user never wrote."""
    where = f"{WEEKDAYS[weekday]} {hour:02d}:00 {zone} {team.value}"
    growth = f" (--growth {settings.growth:g})" if settings.growth != 1 else ""
    if rate is not None:
        found = f"comes to {rate:g} calls an hour{growth}, above the {MAX_CALLS_PER_HOUR}"
    else:
        found = f"needs {units} units{growth}, above the {MAX_UNITS}"
    return InputError(
        InputIssue(
            sheet="Demand",
            message=f"{where} {found} a Demand can be sized for; check the call log for rows "
            "repeated or misdated" + (", or lower --growth" if growth else ""),
        )
    )


def _citywide_zones(problem: Problem, settings: DemandSettings) -> dict[Team, str]:
    citywide = dict(settings.team_zones)
    for team, zone_id in citywide.items():
        if zone_id not in problem.zone_ids:
            known = ", ".join(problem.zone_ids)
            raise InputError(
                InputIssue(
                    sheet="--team-zone",
                    message=f"{team.value}={zone_id}: zone '{zone_id}' is not in Zones ({known})",
                )
            )
    return citywide


def wait_allowances(
    calls: list[Call], problem: Problem, settings: DemandSettings
) -> dict[tuple[str, Team], float]:
    """Minutes a call may wait for a free unit, per (zone the units are sized in, team).

    A team sized in its calls' own zones leaves `target - Zones.travel_minutes`. A
    citywide team (`team_zones`) drives from its zone to every zone it serves, so the
    allowance is what the longest drive it can make in time leaves; calls from zones
    farther than the target cannot be reached in time by any number of units
    (`unreachable_zones`) and are not sized for.
    """
    citywide = _citywide_zones(problem, settings)
    call_zones: dict[tuple[str, Team], set[str]] = {}
    for call in calls:
        base = citywide.get(call.team, call.zone)
        call_zones.setdefault((base, call.team), {base}).add(call.zone)
    allowances: dict[tuple[str, Team], float] = {}
    for (base, team), zones in call_zones.items():
        drives = [problem.travel_minutes(base, zone) for zone in zones]
        reachable = [drive for drive in drives if drive <= settings.target_minutes]
        if not reachable:
            # Not even the team's own zone is in reach: say which setting to change.
            wait_minutes(problem, base, base, settings.target_minutes)
        allowances[(base, team)] = settings.target_minutes - max(reachable, default=0.0)
    return allowances


def unreachable_zones(calls: list[Call], problem: Problem, settings: DemandSettings) -> list[str]:
    """Warnings: a citywide team's calls from zones it cannot reach within the target."""
    citywide = _citywide_zones(problem, settings)
    counts = Counter((call.team, call.zone) for call in calls if call.team in citywide)
    warnings = []
    for (team, zone), count in sorted(counts.items()):
        drive = problem.travel_minutes(citywide[team], zone)
        if drive > settings.target_minutes:
            warnings.append(
                f"{team.value} calls in {zone} ({count} in the log) cannot be reached within "
                f"{settings.target_minutes:g} minutes from {citywide[team]}: the drive takes "
                f"{drive:g} minutes (Travel). No number of units fixes that; base part of the "
                f"team in {zone} (size it per zone, without --team-zone), or change Travel."
            )
    return warnings


WORKDAYS = range(5)  # Mon-Fri; the rest is the weekend


def _pooled(
    counts: Counter[tuple[int, int, str, Team]], occurrences: list[int]
) -> tuple[Counter[tuple[int, int, str, Team]], list[int]]:
    """Counts and day totals of Mon-Fri together and of Sat-Sun together, for each weekday."""
    groups = [day in WORKDAYS for day in range(len(WEEKDAYS))]
    pooled: Counter[tuple[int, int, str, Team]] = Counter()
    for (weekday, hour, zone, team), count in counts.items():
        for day in range(len(WEEKDAYS)):
            if groups[day] == groups[weekday]:
                pooled[(day, hour, zone, team)] += count
    days = [
        sum(occurrences[other] for other in range(len(WEEKDAYS)) if groups[other] == groups[day])
        for day in range(len(WEEKDAYS))
    ]
    return pooled, days


def parse_team_zones(pairs: list[str]) -> tuple[tuple[Team, str], ...]:
    """`["juvenile=Central"]` as ((Team.JUVENILE, "Central"),); ValueError says what is wrong."""
    chosen: list[tuple[Team, str]] = []
    for pair in pairs:
        team, _, zone = (part.strip() for part in pair.partition("="))
        if team.lower() not in {t.value for t in Team} or not zone:
            teams = ", ".join(t.value for t in Team)
            raise ValueError(f"--team-zone {pair!r}: expected TEAM=ZONE with TEAM one of {teams}")
        chosen.append((Team(team.lower()), zone))
    return tuple(chosen)


def wait_minutes(problem: Problem, from_zone: str, to_zone: str, target_minutes: float) -> float:
    """What the target leaves after the drive; refused when nothing is left."""
    travel = problem.travel_minutes(from_zone, to_zone)
    wait = target_minutes - travel
    if wait < 0:
        where = f"zone {from_zone}" if from_zone == to_zone else f"{from_zone} to {to_zone}"
        sheet, column = (
            ("Zones", "travel_minutes") if from_zone == to_zone else ("Travel", "minutes")
        )
        raise InputError(
            InputIssue(
                sheet=sheet,
                column=column,
                message=f"{where}: {travel:g} minutes of travel leave no time within the "
                f"{target_minutes:g}-minute target; raise --target-minutes or lower the "
                f"travel minutes",
            )
        )
    return wait


def calls_outside(calls: list[Call], operating_hours: tuple[int, int] | None) -> int:
    """How many logged calls fall outside the operating hours (not staffed for)."""
    if operating_hours is None:
        return 0
    first, end = operating_hours
    return sum(not first <= call.received_at.hour < end for call in calls)


@dataclass(frozen=True)
class DemandWindow:
    """One `Demand` row: consecutive hours of one day with the same units."""

    team: Team
    zone: str
    weekday: int
    start_hour: int
    end_hour: int  # exclusive; 24 is written as 00:00 (the next midnight)
    units: int


def demand_windows(needs: list[HourlyNeed]) -> list[DemandWindow]:
    """Merge consecutive hours with equal units into windows; hours needing 0 are left out."""
    by_day: dict[tuple[Team, str, int], list[int]] = {}
    for need in needs:
        by_day.setdefault((need.team, need.zone, need.weekday), [0] * HOURS_PER_DAY)[need.hour] = (
            need.units
        )
    windows: list[DemandWindow] = []
    for (team, zone, weekday), units in by_day.items():
        hour = 0
        while hour < HOURS_PER_DAY:
            end = hour
            while end < HOURS_PER_DAY and units[end] == units[hour]:
                end += 1
            if units[hour] > 0:
                windows.append(DemandWindow(team, zone, weekday, hour, end, units[hour]))
            hour = end
    return windows
