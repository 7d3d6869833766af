"""Synthetic crisis-response programs for benchmarks and property tests.

`synthetic_program` builds a realistic random program straight into the frozen
models of `scheduler.model.problem`; `write_problem_csv` writes any program as a
CSV folder in the input contract (`docs/workbook.md`), so a
synthetic program can be opened in Excel and read back.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

from scheduler.io.write_workbook import write_csv_atomically
from scheduler.model.calendar import Week
from scheduler.model.problem import (
    MINUTES_PER_DAY,
    PERSON_RULE_NAMES,
    TRAINEE_SKILL,
    WEEKDAYS,
    DemandRow,
    PairKind,
    PairRule,
    Person,
    PersonRules,
    Pin,
    Problem,
    Role,
    Rules,
    ShiftTemplate,
    Team,
    TimeOff,
    TimeOffKind,
    Zone,
)

#: Shifts of 7.5 hours or more carry a 30-minute unpaid meal break (Connecticut).
MEAL_BREAK_MINUTES = 30


def _template(shift_id: str, start_hour: float, end_hour: float) -> ShiftTemplate:
    return ShiftTemplate(
        shift_id=shift_id,
        start_minute=round(start_hour * 60),
        end_minute=round(end_hour * 60),
        unpaid_break_minutes=MEAL_BREAK_MINUTES,
    )


#: The sample shift templates of the domain; N12 only in 24/7 programs.
DAY_SHIFTS = (
    _template("D8", 8, 16.5),
    _template("E8", 13.5, 22),
    _template("D10", 8, 18.5),
    _template("M10", 10, 20.5),
    _template("L10", 11.5, 22),
    _template("D12", 8, 20),
)
NIGHT_SHIFT = _template("N12", 20, 8)

#: The required demand may use at most this share of the staff's capacity.
MAX_LOAD = 0.85

PART_TIME_SHARE = 0.2
BOTH_TEAMS_SHARE = 0.3
TRAINEE_SHARE = 0.05
SPANISH_SHARE = 0.2
DRIVER_SHARE = 0.6
FULL_TIME_HOURS = 40
PART_TIME_HOURS = 32
MAX_HOURS = 48
CLINICIAN_RATES = (36.0, 46.0)
PEER_RATES = (26.0, 34.0)

FIRST_NAMES = (
    "Aaliyah", "Andre", "Ana", "Brianna", "Carlos", "Danielle", "Darnell", "Elena",
    "Marcus", "Fatima", "Gabriel", "Hannah", "Isaiah", "Jasmine", "Jorge", "Keisha",
    "Kevin", "Lucia", "Malik", "Maria", "Nadia", "Omar", "Patricia", "Rafael",
    "Rosa", "Samuel", "Tanisha", "Tomas", "Valerie", "Wei", "Xavier", "Yolanda",
)  # fmt: skip
LAST_NAMES = (
    "Alvarez", "Baptiste", "Brooks", "Castillo", "Chen", "Delgado", "Evans", "Figueroa",
    "Grant", "Hernandez", "Jackson", "Kowalski", "Lopez", "Mensah", "Morales", "Nguyen",
    "Okafor", "Ortiz", "Pereira", "Quinones", "Ramos", "Robinson", "Santiago", "Sullivan",
    "Torres", "Vasquez", "Walker", "Williams",
)  # fmt: skip
NEIGHBORHOODS = (
    "Riverside", "Hillcrest", "Mill District", "Oak Park", "Fairview", "Lakeside",
    "Old Town", "Harbor", "Northgate", "Southgate", "Elm Heights", "Brookside",
    "Union Square", "Cedar Hill", "Market Street", "Westwood", "Eastfield", "Parkway",
    "Maple Grove", "Station Hill", "Greenfield", "Bridgeport Row", "Kingsway", "Orchard",
)  # fmt: skip


class _Window(Enum):
    """The adult window of one zone and day, with the cover the sizing counts for it."""

    SHORT = "10:00-20:00, one M10 per unit"
    LONG = "08:00-22:00, D8 + E8 per unit"
    ALL = "24/7: 08:00-22:00 plus a 1-unit night 22:00-08:00, D12 + N12 for one unit"


#: Demand windows, as (start hour, end hour); an end at or before the start is the next day.
_DAY_WINDOW = {_Window.SHORT: (10, 20), _Window.LONG: (8, 22), _Window.ALL: (8, 22)}
NIGHT_WINDOW = (22, 8)
PEAK_WINDOW = (13, 19)
JUVENILE_WINDOW = (12, 20)


@dataclass(frozen=True)
class _ZonePlan:
    """What one zone's demand looks like; grown step by step by the sizing."""

    zone_id: str
    busy: bool  # may get the 2-unit afternoon peak
    has_juvenile: bool  # may get juvenile demand
    weekday: _Window = _Window.SHORT
    weekend: _Window = _Window.SHORT
    units: int = 1  # adult units in the day window
    peak: bool = False  # weekdays 13:00-19:00 at units + 1
    juvenile_units: int = 0  # weekdays 12:00-20:00

    def adult_cover(self, weekend: bool) -> list[str]:
        """Shift templates that cover one day of adult demand, one per unit-shift.

        A valid cover with the fewest shifts: any 14-hour window needs two
        shifts per unit, since no template is longer than 12 hours.
        """
        window = self.weekend if weekend else self.weekday
        peak = self.peak and not weekend
        if window is _Window.SHORT:
            return ["M10"] * (self.units + peak)
        cover = ["D12", "N12"] if window is _Window.ALL else []
        day_pairs = self.units - len(cover) // 2
        if peak and day_pairs:
            # D12 + L10 covers 08:00-22:00 once and 12:00-20:00 twice.
            cover += ["D12", "L10"]
            day_pairs -= 1
        elif peak:
            cover.append("M10")
        return cover + ["D8", "E8"] * day_pairs

    def juvenile_cover(self, weekend: bool) -> list[str]:
        return [] if weekend else ["M10"] * self.juvenile_units


@dataclass(frozen=True)
class _Load:
    """Paid minutes and shifts: needed by the demand, or available from the staff."""

    minutes: int = 0
    shifts: int = 0

    def __add__(self, other: _Load) -> _Load:
        return _Load(self.minutes + other.minutes, self.shifts + other.shifts)

    def times(self, count: int) -> _Load:
        return _Load(self.minutes * count, self.shifts * count)

    def fits_in(self, capacity: _Load) -> bool:
        return (
            self.minutes <= MAX_LOAD * capacity.minutes
            and self.shifts <= MAX_LOAD * capacity.shifts
        )


def synthetic_program(
    clinicians: int = 10,
    peers: int = 10,
    zones: int = 3,
    days: int = 7,
    around_the_clock: bool = False,
    juvenile: bool = True,
    seed: int = 0,
    start_date: dt.date = dt.date(2026, 3, 2),
    juvenile_zones: int | None = None,
    pins: int = 0,
) -> Problem:
    """A realistic random program; the same arguments always give an equal Problem.

    Zones `Z1`..`Zn`; the domain's shift templates (with N12 20:00-08:00 when
    `around_the_clock`); rules at the domain defaults. Staff: about 30% of each
    role on both teams (never a trainee; trainees start on the adult team), 5%
    trainees, 20% part-time (32 h contracts, the rest 40 h), everyone capped at
    48 h; home zones spread evenly. One time-off row per 10 people, at least 3
    (unavailable days or an afternoon, prefer_off days, prefer_on shifts, with
    weights 1-3), one prefer pair per 10 people of the smaller role, and one
    forbid pair whose clinician is adult-only (so it never removes the only
    juvenile pairing).

    Demand is sized to the staff. Each role's capacity is, per person and week,
    `min(days in the week - days off, days available)` shifts and at most
    `max_hours_per_week` paid hours (unavailable days are taken as lost). The
    needed load is the fewest shifts that cover the demand, counted with a
    concrete cover per zone and day: D8 + E8 per unit of an 08:00-22:00
    window, D12 + N12 for the unit that runs 24/7, one M10 per unit of a
    10:00-20:00 or juvenile window, and for the afternoon peak D12 + L10 in
    place of one D8 + E8 (or one more M10). Every unit needs a clinician and a
    peer, so each role needs the whole load; juvenile work is also checked
    against the juvenile-eligible people alone. Demand then grows in steps,
    each kept only if the load stays within 85% of every capacity:

    1. every zone, every day: adult 10:00-20:00 at 1 unit (always kept, so a
       staff too small for its zones shows up as shortfall);
    2. per zone, weekdays 08:00-22:00;
    3. if `around_the_clock`, per zone 24/7: 08:00-22:00 plus a night window
       22:00-08:00 at 1 unit, every day;
    4. the 2-unit afternoon peak, weekdays 13:00-19:00, in about half of the
       zones (elsewhere the peak window carries a target of one more unit);
    5. if `juvenile`, juvenile 12:00-20:00 Mon-Fri at 1 unit in about half of
       the zones;
    6. per zone, weekends 08:00-22:00;
    7. rounds of one more adult day unit per zone, busy zones first, until
       none fits.

    Steps are small against the capacity, so the required demand ends up
    using about 70-85% of it (the default program: 41 of 50 shifts and 405
    of 480 paid hours per role, as in the Hartford sample); with that slack a
    good solver reaches full required coverage. A 24/7 program also gets, per
    zone, a `date` row for the day before `start_date` that sets the night
    spilling into the first morning to 0 units: that night belongs to the
    previous roster, and no shift of this one could cover it.

    `juvenile_zones` sets how many zones have juvenile demand (default half).
    `pins` adds that many `Pins` rows (`_pins`, from a generator of its own, so
    the rest of the program is the same with or without them).
    """
    if min(clinicians, peers, zones, days) < 1:
        raise ValueError("clinicians, peers, zones and days must each be at least 1")
    rng = random.Random(seed)
    rules = Rules()
    zone_list = _zones(rng, zones)
    zone_ids = [zone.zone_id for zone in zone_list]
    shifts = (*DAY_SHIFTS, NIGHT_SHIFT) if around_the_clock else DAY_SHIFTS
    names = _names(rng, clinicians + peers)
    staff = _staff(rng, Role.CLINICIAN, clinicians, names[:clinicians], zone_ids, juvenile, rules)
    staff += _staff(rng, Role.PEER, peers, names[clinicians:], zone_ids, juvenile, rules)
    time_off = _time_off(rng, staff, shifts, start_date, days)

    zone_order = rng.sample(zone_ids, len(zone_ids))
    busy = set(zone_order[: (zones + 1) // 2])
    juvenile_count = max(1, zones // 2) if juvenile_zones is None else juvenile_zones
    with_juvenile = set(rng.sample(zone_ids, min(zones, juvenile_count))) if juvenile else set()
    # Busy zones first: they get the first share of the staff in every step.
    plans = [
        _ZonePlan(zone_id=z, busy=z in busy, has_juvenile=z in with_juvenile)
        for z in sorted(zone_ids, key=lambda z: (z not in busy, zone_ids.index(z)))
    ]
    fits = _fits_check(staff, shifts, time_off, start_date, days)
    _grow_demand(plans, fits, around_the_clock)
    pin_rows = _pins(
        random.Random(seed + 1), staff, zone_ids, with_juvenile, time_off, pins, start_date, days
    )
    if pin_rows:
        # The first pin's person may only work juvenile (see `_pins`).
        staff = [
            _juvenile_only(p) if p.employee_id == pin_rows[0].employee_id else p for p in staff
        ]

    return Problem(
        name=f"Synthetic program (seed {seed})",
        start_date=start_date,
        days=days,
        slot_minutes=60,
        rules=rules,
        staff=tuple(staff),
        zones=tuple(zone_list),
        shifts=shifts,
        demand=tuple(
            _demand_rows(sorted(plans, key=lambda p: zone_ids.index(p.zone_id)), start_date)
        ),
        time_off=tuple(time_off),
        pairs=tuple(_pairs(rng, staff)),
        pins=tuple(pin_rows),
    )


def _juvenile_only(person: Person) -> Person:
    return person.model_copy(update={"teams": (Team.JUVENILE,)})


def _pins(
    rng: random.Random,
    staff: Sequence[Person],
    zone_ids: Sequence[str],
    with_juvenile: set[str],
    time_off: Sequence[TimeOff],
    count: int,
    start_date: dt.date,
    days: int,
) -> list[Pin]:
    """`count` pins in the first week, each on a day the person is not off. The
    first, when a peer is on both teams and a zone has no juvenile demand, puts
    that peer (made juvenile-only) on the juvenile team in such a zone, on M10:
    the case a decomposition by zone does not expect. The rest put adult-team
    people (no trainees) on D8 in their home zone."""
    if count <= 0:
        return []

    def day() -> dt.date:
        return start_date + dt.timedelta(days=rng.randrange(min(days, 7)))

    off = {row.employee_id for row in time_off}
    free = [p for p in staff if p.employee_id not in off and TRAINEE_SKILL not in p.skills]
    pins: list[Pin] = []
    both = [p for p in free if p.role is Role.PEER and Team.JUVENILE in p.teams]
    without = [z for z in zone_ids if z not in with_juvenile]
    used: set[str] = set()
    if both and without:
        peer = rng.choice(both)
        zone = rng.choice(without)
        pins.append(
            Pin(
                employee_id=peer.employee_id,
                date=day(),
                shift_id="M10",
                team=Team.JUVENILE,
                zone=zone,
            )
        )
        used.add(peer.employee_id)
    adults = [p for p in free if Team.ADULT in p.teams and p.employee_id not in used]
    for person in rng.sample(adults, min(len(adults), count - len(pins))):
        pins.append(
            Pin(
                employee_id=person.employee_id,
                date=day(),
                shift_id="D8",
                team=Team.ADULT,
                zone=person.home_zone,
            )
        )
    return pins


def _zones(rng: random.Random, count: int) -> list[Zone]:
    per_zone = max(1, min(6, len(NEIGHBORHOODS) // count))
    pool = rng.sample(NEIGHBORHOODS, len(NEIGHBORHOODS))
    return [
        Zone(
            zone_id=f"Z{i + 1}",
            name=f"Zone {i + 1}",
            neighborhoods=tuple(pool[i * per_zone : (i + 1) * per_zone]),
        )
        for i in range(count)
    ]


def _names(rng: random.Random, count: int) -> list[str]:
    every = [f"{first} {last}" for first, last in itertools.product(FIRST_NAMES, LAST_NAMES)]
    return rng.sample(every, count) if count <= len(every) else rng.choices(every, k=count)


def _share(count: int, share: float) -> int:
    return int(count * share + 0.5)


def _staff(
    rng: random.Random,
    role: Role,
    count: int,
    names: Sequence[str],
    zone_ids: Sequence[str],
    juvenile: bool,
    rules: Rules,
) -> list[Person]:
    prefix = "C" if role is Role.CLINICIAN else "P"
    width = max(2, len(str(count)))
    trainees = set(rng.sample(range(count), _share(count, TRAINEE_SHARE)))
    others = [i for i in range(count) if i not in trainees]
    both_teams = set(rng.sample(others, _share(count, BOTH_TEAMS_SHARE))) if juvenile else set()
    part_time = set(rng.sample(range(count), _share(count, PART_TIME_SHARE)))
    homes = rng.sample(range(count), count)  # spread evenly, in random order
    low, high = CLINICIAN_RATES if role is Role.CLINICIAN else PEER_RATES
    person_rules = PersonRules.from_rules(rules)
    people = []
    for i in range(count):
        skills = [
            skill
            for skill, chosen in (
                ("driver", rng.random() < DRIVER_SHARE),
                ("spanish", rng.random() < SPANISH_SHARE),
                (TRAINEE_SKILL, i in trainees),
            )
            if chosen
        ]
        people.append(
            Person(
                employee_id=f"{prefix}{i + 1:0{width}d}",
                name=names[i],
                role=role,
                teams=(Team.ADULT, Team.JUVENILE) if i in both_teams else (Team.ADULT,),
                home_zone=zone_ids[homes[i] % len(zone_ids)],
                min_hours_per_week=PART_TIME_HOURS if i in part_time else FULL_TIME_HOURS,
                max_hours_per_week=MAX_HOURS,
                hourly_rate=round(rng.uniform(low, high) * 2) / 2,
                skills=tuple(skills),
                rules=person_rules,
            )
        )
    return people


def _time_off(
    rng: random.Random,
    staff: Sequence[Person],
    shifts: Sequence[ShiftTemplate],
    start_date: dt.date,
    days: int,
) -> list[TimeOff]:
    horizon_start = dt.datetime.combine(start_date, dt.time())
    rows = []
    for _ in range(max(3, len(staff) // 10)):
        person = rng.choice(staff).employee_id
        day = rng.randrange(days)
        first = horizon_start + dt.timedelta(days=day)
        after_day = first + dt.timedelta(days=1)
        weight = rng.randint(1, 3)
        draw = rng.random()
        if draw < 0.35:
            length = min(rng.randint(1, 2), days - day)
            end = first + dt.timedelta(days=length)
            row = TimeOff(
                employee_id=person,
                start=first,
                end=end,
                whole_days=True,
                kind=TimeOffKind.UNAVAILABLE,
            )
        elif draw < 0.45:
            row = TimeOff(
                employee_id=person,
                start=first + dt.timedelta(hours=12),
                end=first + dt.timedelta(hours=18),
                whole_days=False,
                kind=TimeOffKind.UNAVAILABLE,
            )
        elif draw < 0.75:
            row = TimeOff(
                employee_id=person,
                start=first,
                end=after_day,
                whole_days=True,
                kind=TimeOffKind.PREFER_OFF,
                weight=weight,
            )
        else:
            row = TimeOff(
                employee_id=person,
                start=first,
                end=after_day,
                whole_days=True,
                kind=TimeOffKind.PREFER_ON,
                shift_id=rng.choice(shifts).shift_id,
                weight=weight,
            )
        rows.append(row)
    return rows


def _pairs(rng: random.Random, staff: Sequence[Person]) -> list[PairRule]:
    clinicians = [p for p in staff if p.role is Role.CLINICIAN]
    peers = [p for p in staff if p.role is Role.PEER]
    preferred = max(1, min(len(clinicians), len(peers)) // 10)
    rows = [
        PairRule(clinician_id=c.employee_id, peer_id=p.employee_id, kind=PairKind.PREFER)
        for c, p in zip(
            rng.sample(clinicians, preferred), rng.sample(peers, preferred), strict=True
        )
    ]
    taken = {(row.clinician_id, row.peer_id) for row in rows}
    adult_only = [c for c in clinicians if Team.JUVENILE not in c.teams]
    if adult_only and len(peers) >= 2:
        clinician, peer = rng.choice(adult_only), rng.choice(peers)
        if (clinician.employee_id, peer.employee_id) not in taken:
            rows.append(
                PairRule(
                    clinician_id=clinician.employee_id,
                    peer_id=peer.employee_id,
                    kind=PairKind.FORBID,
                )
            )
    return rows


def _week_windows(days: int) -> list[Week]:
    return [
        Week(index=i, first_day=first, n_days=min(7, days - first))
        for i, first in enumerate(range(0, days, 7))
    ]


def _unavailable_days(time_off: Iterable[TimeOff], start_date: dt.date) -> dict[str, set[int]]:
    """Days touched by an `unavailable` row, per person (a lost afternoon loses the day)."""
    lost: dict[str, set[int]] = {}
    for row in time_off:
        if row.kind is not TimeOffKind.UNAVAILABLE:
            continue
        first = (row.start.date() - start_date).days
        last = ((row.end - dt.timedelta(minutes=1)).date() - start_date).days
        lost.setdefault(row.employee_id, set()).update(range(first, last + 1))
    return lost


def _capacity(
    people: Iterable[Person],
    weeks: Sequence[Week],
    lost_days: dict[str, set[int]],
    longest_paid_minutes: int,
) -> _Load:
    total = _Load()
    for person in people:
        lost = lost_days.get(person.employee_id, set())
        for week in weeks:
            free = sum(1 for day in week.days if day not in lost)
            working = week.n_days - week.min_days_off(person.rules.min_days_off_per_week)
            shifts = min(working, free)
            minutes = shifts * longest_paid_minutes
            if person.max_hours_per_week is not None:
                minutes = min(minutes, round(person.max_hours_per_week * 60))
            total += _Load(minutes, shifts)
    return total


def _fits_check(
    staff: Sequence[Person],
    shifts: Sequence[ShiftTemplate],
    time_off: Sequence[TimeOff],
    start_date: dt.date,
    days: int,
) -> Callable[[Sequence[_ZonePlan]], bool]:
    """Whether a demand plan's load stays within `MAX_LOAD` of each capacity."""
    weeks = _week_windows(days)
    lost = _unavailable_days(time_off, start_date)
    longest = max(s.paid_minutes for s in shifts)
    capacities = [
        (
            _capacity([p for p in staff if p.role is role], weeks, lost, longest),
            _capacity(
                [p for p in staff if p.role is role and Team.JUVENILE in p.teams],
                weeks,
                lost,
                longest,
            ),
        )
        for role in Role
    ]
    paid = {s.shift_id: s.paid_minutes for s in shifts}
    weekend_days = sum(1 for d in range(days) if (start_date + dt.timedelta(d)).weekday() >= 5)
    count_by_weekend = {False: days - weekend_days, True: weekend_days}

    def load(cover: list[str], count: int) -> _Load:
        return _Load(sum(paid[s] for s in cover), len(cover)).times(count)

    def fits(plans: Sequence[_ZonePlan]) -> bool:
        adult = _Load()
        young = _Load()
        for plan in plans:
            for weekend, count in count_by_weekend.items():
                adult += load(plan.adult_cover(weekend), count)
                young += load(plan.juvenile_cover(weekend), count)
        return all(
            (adult + young).fits_in(everyone) and young.fits_in(juvenile_eligible)
            for everyone, juvenile_eligible in capacities
        )

    return fits


def _grow_demand(
    plans: list[_ZonePlan], fits: Callable[[Sequence[_ZonePlan]], bool], around_the_clock: bool
) -> None:
    """Grow the plans in the steps of `synthetic_program`'s docstring, in place."""

    def grow(index: int, **changes: Any) -> bool:
        trial = list(plans)
        trial[index] = replace(plans[index], **changes)
        if not fits(trial):
            return False
        plans[index] = trial[index]
        return True

    indexes = range(len(plans))
    for i in indexes:
        grow(i, weekday=_Window.LONG)
    if around_the_clock:
        for i in indexes:
            grow(i, weekday=_Window.ALL, weekend=_Window.ALL)
    for i in indexes:
        if plans[i].busy:
            grow(i, peak=True)
    for i in indexes:
        if plans[i].has_juvenile:
            grow(i, juvenile_units=1)
    for i in indexes:
        if plans[i].weekend is _Window.SHORT:
            grow(i, weekend=_Window.LONG)
    while any([grow(i, units=plans[i].units + 1) for i in indexes]):
        pass


def _demand_rows(plans: Iterable[_ZonePlan], start_date: dt.date) -> list[DemandRow]:
    rows = []
    for plan in plans:
        zone = plan.zone_id
        for weekday in range(7):
            weekend = weekday >= 5
            window = plan.weekend if weekend else plan.weekday
            rows.append(_row(Team.ADULT, zone, weekday, _DAY_WINDOW[window], plan.units))
            if window is _Window.ALL:
                rows.append(_row(Team.ADULT, zone, weekday, NIGHT_WINDOW, 1))
            if weekend:
                continue
            peak_units = plan.units + plan.peak
            rows.append(_row(Team.ADULT, zone, weekday, PEAK_WINDOW, peak_units, plan.units + 1))
            if plan.juvenile_units:
                rows.append(
                    _row(Team.JUVENILE, zone, weekday, JUVENILE_WINDOW, plan.juvenile_units)
                )
        eve = start_date - dt.timedelta(days=1)
        if (plan.weekend if eve.weekday() >= 5 else plan.weekday) is _Window.ALL:
            rows.append(_row(Team.ADULT, zone, eve, NIGHT_WINDOW, 0))
    return rows


def _row(
    team: Team,
    zone: str,
    day: int | dt.date,
    hours: tuple[int, int],
    required: int,
    target: int | None = None,
) -> DemandRow:
    """A demand row for a weekday (0 = Monday) or a date, hours on the clock."""
    return DemandRow(
        team=team,
        zone=zone,
        weekday=day if isinstance(day, int) else None,
        date=day if isinstance(day, dt.date) else None,
        start_minute=hours[0] * 60,
        end_minute=hours[1] * 60 % MINUTES_PER_DAY,
        required_units=required,
        target_units=target if target != required else None,
    )


# --- writing a program as a CSV folder -------------------------------------------------

Cell = str | int
CsvTable = tuple[list[str], list[list[Cell]]]  # header, rows


def write_problem_csv(problem: Problem, folder: str | Path) -> None:
    """Write `problem` as a folder of `<Sheet>.csv` files in the input contract.

    UTF-8, comma-separated, `;` inside list cells. Optional columns are written
    only when some row needs them (`overtime_eligible`, per-person rule
    overrides, `travel_minutes`), and `Pins` and `Pairs` only when they have
    rows. `row` fields and warnings are not data, so they are not written.
    """
    sheets = {
        "Program": _program_table(problem),
        "Rules": _rules_table(problem),
        "Staff": _staff_table(problem),
        "Zones": _zones_table(problem),
        "Shifts": _shifts_table(problem),
        "Demand": _demand_table(problem),
        "TimeOff": _time_off_table(problem),
    }
    if problem.pins:
        sheets["Pins"] = _pins_table(problem)
    if problem.pairs:
        sheets["Pairs"] = _pairs_table(problem)
    for sheet, (header, rows) in sheets.items():
        write_csv_atomically(Path(folder) / f"{sheet}.csv", header, rows)


def _program_table(problem: Problem) -> CsvTable:
    return ["key", "value"], [
        ["name", problem.name],
        ["start_date", problem.start_date.isoformat()],
        ["days", problem.days],
        ["slot_minutes", problem.slot_minutes],
    ]


def _rules_table(problem: Problem) -> CsvTable:
    values = problem.rules.model_dump()
    return ["rule", "value"], [[name, _number(value)] for name, value in values.items()]


def _staff_table(problem: Problem) -> CsvTable:
    header = [
        "employee_id",
        "name",
        "role",
        "teams",
        "home_zone",
        "min_hours_per_week",
        "max_hours_per_week",
        "hourly_rate",
        "skills",
    ]
    with_eligibility = any(not p.overtime_eligible for p in problem.staff)
    if with_eligibility:
        header.append("overtime_eligible")
    program_rules = problem.rules.model_dump()
    overridden = [
        name
        for name in PERSON_RULE_NAMES
        if any(getattr(p.rules, name) != program_rules[name] for p in problem.staff)
    ]
    header += overridden
    rows: list[list[Cell]] = []
    for p in problem.staff:
        row: list[Cell] = [
            p.employee_id,
            p.name,
            p.role.value,
            _joined(p.teams),
            p.home_zone,
            _number(p.min_hours_per_week),
            _number(p.max_hours_per_week),
            _number(p.hourly_rate),
            _joined(p.skills),
        ]
        if with_eligibility:
            row.append("yes" if p.overtime_eligible else "no")
        for name in overridden:
            value = getattr(p.rules, name)
            row.append("" if value == program_rules[name] else _number(value))
        rows.append(row)
    return header, rows


def _zones_table(problem: Problem) -> CsvTable:
    header = ["zone_id", "name", "neighborhoods"]
    with_travel = any(z.travel_minutes is not None for z in problem.zones)
    if with_travel:
        header.append("travel_minutes")
    rows: list[list[Cell]] = []
    for z in problem.zones:
        row: list[Cell] = [z.zone_id, z.name, _joined(z.neighborhoods)]
        if with_travel:
            row.append(_number(z.travel_minutes))
        rows.append(row)
    return header, rows


def _shifts_table(problem: Problem) -> CsvTable:
    header = ["shift_id", "start", "end", "unpaid_break_minutes", "teams"]
    rows: list[list[Cell]] = []
    for s in problem.shifts:
        window = [_clock(s.start_minute), _clock(s.end_minute)]
        rows.append([s.shift_id, *window, s.unpaid_break_minutes, _joined(s.teams)])
    return header, rows


def _demand_table(problem: Problem) -> CsvTable:
    header = ["team", "zone", "weekday", "date", "start", "end", "required_units", "target_units"]
    rows: list[list[Cell]] = []
    for d in problem.demand:
        weekday = "" if d.weekday is None else WEEKDAYS[d.weekday]
        date = "" if d.date is None else d.date.isoformat()
        target = "" if d.target_units is None else d.target_units
        window = [_clock(d.start_minute), _clock(d.end_minute)]
        rows.append([d.team.value, d.zone, weekday, date, *window, d.required_units, target])
    return header, rows


def _time_off_table(problem: Problem) -> CsvTable:
    header = ["employee_id", "start", "end", "kind", "shift_id", "weight"]
    rows: list[list[Cell]] = []
    for t in problem.time_off:
        if t.whole_days:  # whole days: the last date is inclusive
            span = [t.start.date().isoformat(), (t.end - dt.timedelta(days=1)).date().isoformat()]
        else:
            span = [t.start.isoformat(timespec="minutes"), t.end.isoformat(timespec="minutes")]
        # A weight means nothing on an `unavailable` row; leave the default blank there.
        unweighted = t.kind is TimeOffKind.UNAVAILABLE and t.weight == 1
        weight: Cell = "" if unweighted else t.weight
        rows.append([t.employee_id, *span, t.kind.value, t.shift_id or "", weight])
    return header, rows


def _pins_table(problem: Problem) -> CsvTable:
    header = ["employee_id", "date", "shift_id", "team", "zone"]
    return header, [
        [p.employee_id, p.date.isoformat(), p.shift_id, p.team or "", p.zone or ""]
        for p in problem.pins
    ]


def _pairs_table(problem: Problem) -> CsvTable:
    header = ["clinician_id", "peer_id", "kind"]
    return header, [[p.clinician_id, p.peer_id, p.kind.value] for p in problem.pairs]


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _joined(values: Iterable[str]) -> str:
    return ";".join(values)


def _number(value: float | None) -> str:
    """`40` rather than `40.0`, as a person types it; blank for None."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)
