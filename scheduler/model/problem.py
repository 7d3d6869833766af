"""The validated program: frozen pydantic models, built once by the readers.

Times of day are minutes after midnight, local wall-clock times of the program's
`time_zone`; a template whose end is at or before its start ends the next day.
Everything the rules need in real (elapsed) time is derived in
`scheduler.model.calendar`, through its one `Clock`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

if TYPE_CHECKING:
    from scheduler.model.clock import Clock

# Team and Role live in `kinds` so that `roster` (a History row is an Assignment)
# and this module both build on them without importing each other.
from scheduler.model.kinds import Role as Role
from scheduler.model.kinds import Team as Team
from scheduler.model.roster import Assignment

MINUTES_PER_DAY = 24 * 60
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TimeOffKind(StrEnum):
    UNAVAILABLE = "unavailable"
    PREFER_OFF = "prefer_off"
    PREFER_ON = "prefer_on"


class PairKind(StrEnum):
    PREFER = "prefer"
    AVOID = "avoid"
    FORBID = "forbid"


TRAINEE_SKILL = "trainee"

#: Days before `start_date` that `History` rows are read for; older rows are dropped
#: with a warning. Runs longer than this (a `max_consecutive_days` above 35) are not
#: seen whole, and the fairness totals count this far back.
HISTORY_LOOKBACK_DAYS = 35

NonNegative = Annotated[float, Field(ge=0)]


class Rules(Frozen):
    """Labor rules that apply to everyone unless a `Staff` column overrides them."""

    min_rest_hours: NonNegative = 10
    max_consecutive_days: Annotated[int, Field(ge=1)] = 6
    preferred_max_consecutive_days: Annotated[int, Field(ge=1)] = 5
    min_days_off_per_week: Annotated[int, Field(ge=0, le=7)] = 2
    overtime_after_hours: NonNegative = 40
    overtime_multiplier: Annotated[float, Field(ge=1)] = 1.5
    max_shift_hours: Annotated[float, Field(gt=0, le=24)] = 12
    # Runs shorter than these are broken rules, except a run that touches the
    # first or last day of the horizon (the roster is taken to continue there).
    min_consecutive_days: Annotated[int, Field(ge=1)] = 1
    min_consecutive_days_off: Annotated[int, Field(ge=1)] = 1
    # Weekends (Sat+Sun) with any shift starting on them, over the whole horizon.
    max_weekends: Annotated[int, Field(ge=0)] | None = None  # None: no limit


#: Rules a `Staff` column may override per person (everything but validation limits).
PERSON_RULE_NAMES = (
    "min_rest_hours",
    "max_consecutive_days",
    "preferred_max_consecutive_days",
    "min_days_off_per_week",
    "overtime_after_hours",
    "overtime_multiplier",
    "min_consecutive_days",
    "min_consecutive_days_off",
    "max_weekends",
)


class PersonRules(Frozen):
    """The labor rules in force for one person (program rules plus overrides)."""

    min_rest_hours: NonNegative
    max_consecutive_days: Annotated[int, Field(ge=1)]
    preferred_max_consecutive_days: Annotated[int, Field(ge=1)]
    min_days_off_per_week: Annotated[int, Field(ge=0, le=7)]
    overtime_after_hours: NonNegative
    overtime_multiplier: Annotated[float, Field(ge=1)]
    min_consecutive_days: Annotated[int, Field(ge=1)] = 1
    min_consecutive_days_off: Annotated[int, Field(ge=1)] = 1
    max_weekends: Annotated[int, Field(ge=0)] | None = None

    @classmethod
    def from_rules(cls, rules: Rules, **overrides: float | int | None) -> PersonRules:
        values = {name: getattr(rules, name) for name in PERSON_RULE_NAMES}
        values.update(overrides)
        return cls.model_validate(values)


class Person(Frozen):
    employee_id: str
    name: str
    role: Role
    teams: tuple[Team, ...]
    home_zone: str
    min_hours_per_week: NonNegative = 0
    max_hours_per_week: NonNegative | None = None  # None: no cap
    # Paid hours over the whole horizon (hard, both ways); None: no cap.
    min_hours_total: NonNegative = 0
    max_hours_total: NonNegative | None = None
    hourly_rate: NonNegative = 0
    skills: tuple[str, ...] = ()
    overtime_eligible: bool = True
    rules: PersonRules
    row: int | None = None  # Excel row in `Staff`, for messages (`Hiring` for a candidate)
    # The `Hiring` kind of a candidate hire (a virtual person `plan` may switch on);
    # None for real staff. A candidate with no shift in a roster is not hired.
    hire_id: str | None = None

    @property
    def is_trainee(self) -> bool:
        return TRAINEE_SKILL in self.skills

    @property
    def overtime_rate_cents_per_hour(self) -> int:
        """What one overtime hour costs, in whole cents (rate x multiplier)."""
        if not self.overtime_eligible:
            return 0
        return round(self.hourly_rate * self.rules.overtime_multiplier * 100)


#: Driving minutes to a call in a unit's own zone when `Zones.travel_minutes` is blank
#: (domain.md: 6 to 8 minutes).
DEFAULT_TRAVEL_MINUTES = 7.0
#: Extra minutes to a call in another zone when `Travel` has no row for the pair.
OTHER_ZONE_PENALTY_MINUTES = 8.0


#: Weeks in a year, for annual costs (hourly pay x weekly hours x 52).
WEEKS_PER_YEAR = 52


class Hire(Frozen):
    """`Hiring` row: a kind of person the program could hire, up to `max_count` of them.

    The yearly cost of one hire is `annual_cost` when given (it wins over
    `hourly_rate`), else `hourly_rate` x weekly hours x 52, the weekly hours being
    `max_hours_per_week`, else `min_hours_per_week`. Overtime is paid at
    `hourly_rate`, else at `annual_cost` / 52 / those weekly hours (40 if none).
    """

    hire_id: str
    role: Role
    teams: tuple[Team, ...]
    home_zone: str
    min_hours_per_week: NonNegative = 0
    max_hours_per_week: NonNegative | None = None  # None: no cap
    annual_cost: NonNegative | None = None
    hourly_rate: NonNegative | None = None
    max_count: Annotated[int, Field(ge=0)] = 1
    row: int | None = None  # Excel row in `Hiring`, for messages

    @model_validator(mode="after")
    def _priced(self) -> Hire:
        if self.annual_cost is None and self.hourly_rate is None:
            raise ValueError("give annual_cost or hourly_rate")
        if self.annual_cost is None and not self.weekly_hours:
            raise ValueError("hourly_rate needs max_hours_per_week or min_hours_per_week")
        most = self.max_hours_per_week
        if most is not None and most < self.min_hours_per_week:
            raise ValueError("max_hours_per_week is below min_hours_per_week")
        return self

    @property
    def weekly_hours(self) -> float:
        """The hours a year's pay is counted on: the cap, else the contract."""
        if self.max_hours_per_week is not None:
            return self.max_hours_per_week
        return self.min_hours_per_week

    @property
    def annual_cost_cents(self) -> int:
        """What one hire costs a year, in whole cents."""
        if self.annual_cost is not None:
            return round(self.annual_cost * 100)
        assert self.hourly_rate is not None  # _priced
        return round(self.hourly_rate * self.weekly_hours * WEEKS_PER_YEAR * 100)

    @property
    def overtime_base_rate(self) -> float:
        """Base pay per hour that overtime is paid on."""
        if self.hourly_rate is not None:
            return self.hourly_rate
        return self.annual_cost_cents / 100 / WEEKS_PER_YEAR / (self.weekly_hours or 40)


class Zone(Frozen):
    zone_id: str
    name: str
    neighborhoods: tuple[str, ...] = ()
    travel_minutes: NonNegative | None = None


class TravelTime(Frozen):
    """`Travel` row: minutes for a unit based in `from_zone` to reach a call in `to_zone`."""

    from_zone: str
    to_zone: str
    minutes: NonNegative
    row: int | None = None


class ShiftTemplate(Frozen):
    shift_id: str
    start_minute: Annotated[int, Field(ge=0, lt=MINUTES_PER_DAY)]
    end_minute: Annotated[int, Field(ge=0, lt=MINUTES_PER_DAY)]
    unpaid_break_minutes: Annotated[int, Field(ge=0)] = 0
    teams: tuple[Team, ...] = ()  # empty: every team
    # Shifts a person may not start on the day after starting this one.
    forbidden_next: tuple[str, ...] = ()

    @property
    def duration_minutes(self) -> int:
        """Length by the wall clock (a night across a clock change differs in real
        time: `calendar.instance`)."""
        length = self.end_minute - self.start_minute
        return length if length > 0 else length + MINUTES_PER_DAY

    @property
    def paid_minutes(self) -> int:
        """Paid minutes by the wall clock; a shift instance's own are real (`calendar`)."""
        return max(0, self.duration_minutes - self.unpaid_break_minutes)

    def allows(self, team: Team) -> bool:
        return not self.teams or team in self.teams


class DemandRow(Frozen):
    team: Team
    zone: str
    weekday: Annotated[int, Field(ge=0, le=6)] | None = None  # 0 = Monday
    date: dt.date | None = None
    start_minute: Annotated[int, Field(ge=0, lt=MINUTES_PER_DAY)]
    end_minute: Annotated[int, Field(ge=0, lt=MINUTES_PER_DAY)]
    required_units: Annotated[int, Field(ge=0)]
    target_units: Annotated[int, Field(ge=0)] | None = None
    row: int | None = None

    @model_validator(mode="after")
    def _one_day_kind(self) -> DemandRow:
        if (self.weekday is None) == (self.date is None):
            raise ValueError("give exactly one of weekday or date")
        if self.target_units is not None and self.target_units < self.required_units:
            raise ValueError("target_units must be at least required_units")
        return self

    @property
    def duration_minutes(self) -> int:
        length = self.end_minute - self.start_minute
        return length if length > 0 else length + MINUTES_PER_DAY

    @property
    def target(self) -> int:
        return self.required_units if self.target_units is None else self.target_units


class ShiftCover(Frozen):
    """Units wanted on one shift (by template) per day, team and zone; soft both ways.

    Each unit below `units` costs `weight_under` points and each unit above it
    `weight_over`, in the same points as a request's weight. A row makes the
    shift workable for that team and zone even when `DemandRow`s do not.
    """

    shift_id: str
    team: Team
    zone: str
    weekday: Annotated[int, Field(ge=0, le=6)] | None = None  # 0 = Monday
    date: dt.date | None = None
    units: Annotated[int, Field(ge=0)]
    weight_under: Annotated[int, Field(ge=0)] = 1
    weight_over: Annotated[int, Field(ge=0)] = 0
    row: int | None = None

    @model_validator(mode="after")
    def _one_day_kind(self) -> ShiftCover:
        if (self.weekday is None) == (self.date is None):
            raise ValueError("give exactly one of weekday or date")
        return self


class ShiftLimit(Frozen):
    """At most `max_shifts` shifts of one template over the horizon for one person
    (0 forbids that shift)."""

    employee_id: str
    shift_id: str
    max_shifts: Annotated[int, Field(ge=0)]
    row: int | None = None


class TimeOff(Frozen):
    """Unavailability or a request. `start`/`end` are absolute; `end` is exclusive.

    Whole-date rows (`whole_days`) run from the first date 00:00 to the day after
    the last date 00:00.
    """

    employee_id: str
    start: dt.datetime
    end: dt.datetime
    whole_days: bool
    kind: TimeOffKind
    shift_id: str | None = None
    weight: Annotated[int, Field(ge=0)] = 1
    row: int | None = None

    @model_validator(mode="after")
    def _ordered(self) -> TimeOff:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Pin(Frozen):
    employee_id: str
    date: dt.date
    shift_id: str
    team: Team | None = None
    zone: str | None = None
    row: int | None = None


class PairRule(Frozen):
    clinician_id: str
    peer_id: str
    kind: PairKind
    row: int | None = None


class Problem(Frozen):
    """One program's rostering problem, validated and immutable."""

    name: str
    start_date: dt.date
    days: Annotated[int, Field(ge=1, le=366)] = 7
    slot_minutes: Annotated[int, Field(ge=15, le=MINUTES_PER_DAY)] = 60
    rules: Rules = Rules()
    staff: tuple[Person, ...]
    zones: tuple[Zone, ...]
    shifts: tuple[ShiftTemplate, ...]
    demand: tuple[DemandRow, ...] = ()
    time_off: tuple[TimeOff, ...] = ()
    pins: tuple[Pin, ...] = ()
    pairs: tuple[PairRule, ...] = ()
    shift_cover: tuple[ShiftCover, ...] = ()
    shift_limits: tuple[ShiftLimit, ...] = ()
    # 2: a unit is a clinician and a peer (the crisis program); 1: every person
    # is a unit alone, roles and `Pairs` play no part (e.g. a benchmark).
    people_per_unit: Literal[1, 2] = 2
    # Shifts worked before `start_date` (`History`, or a previous roster): fixed facts
    # the rules see across the join (calendar.history_instance); never rostered again.
    history: tuple[Assignment, ...] = ()
    # Zone-to-zone driving minutes (`Travel`); see `travel_minutes`.
    travel: tuple[TravelTime, ...] = ()
    # `Hiring`: candidates for `plan` (`scheduler.plan.hires` makes them Persons with a
    # `hire_id`); `solve` ignores them.
    hires: tuple[Hire, ...] = ()
    # IANA name of the zone every input time is local to (`Program.time_zone`); None:
    # times are taken as they are, daylight saving is not applied.
    time_zone: str | None = None

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, name: str | None) -> str | None:
        from scheduler.model.clock import time_zone_of

        time_zone_of(name)  # raises ValueError for a name zoneinfo does not know
        return name

    @model_validator(mode="after")
    def _consistent(self) -> Problem:
        if MINUTES_PER_DAY % self.slot_minutes:
            raise ValueError("slot_minutes must divide a day")
        if self.people_per_unit == 1 and self.pairs:
            raise ValueError("Pairs rows need units of 2 people (people_per_unit = 2)")
        shift_ids = {s.shift_id for s in self.shifts}
        for template in self.shifts:
            unknown = set(template.forbidden_next) - shift_ids
            if unknown:
                raise ValueError(
                    f"shift {template.shift_id}: forbidden_next names unknown {sorted(unknown)}"
                )
        limits: set[tuple[str, str]] = set()
        for limit in self.shift_limits:
            key = (limit.employee_id, limit.shift_id)
            if key in limits:
                raise ValueError(f"ShiftLimits: {key[0]} and {key[1]} have more than one row")
            limits.add(key)
        for row in self.history:
            # Rows of people outside `staff` are allowed: a zone group of
            # `solve.decompose` keeps the whole history but only its own people.
            if row.date >= self.start_date:
                raise ValueError(
                    f"History: {row.employee_id}'s {row.shift_id} on {row.date} is not before "
                    f"start_date {self.start_date}"
                )
        zone_ids = {z.zone_id for z in self.zones}
        pairs_given: set[tuple[str, str]] = set()
        for trip in self.travel:
            if {trip.from_zone, trip.to_zone} - zone_ids or trip.from_zone == trip.to_zone:
                raise ValueError(f"Travel: {trip.from_zone} to {trip.to_zone} is not two zones")
            if (trip.from_zone, trip.to_zone) in pairs_given:
                raise ValueError(f"Travel: {trip.from_zone} to {trip.to_zone} has two rows")
            pairs_given.add((trip.from_zone, trip.to_zone))
        hire_ids = [hire.hire_id for hire in self.hires]
        if len(set(hire_ids)) != len(hire_ids):
            raise ValueError("Hiring: a hire_id has more than one row")
        seen: set[tuple[str, str]] = set()
        for rule in self.pairs:
            key = (rule.clinician_id, rule.peer_id)
            if key in seen:
                raise ValueError(f"Pairs: {key[0]} and {key[1]} have more than one row")
            seen.add(key)
        return self

    @property
    def horizon_start(self) -> dt.datetime:
        """Local midnight of `start_date`."""
        return dt.datetime.combine(self.start_date, dt.time())

    @cached_property
    def clock(self) -> Clock:
        """The one conversion between local times and real minutes (`calendar.Clock`)."""
        from scheduler.model.clock import Clock, time_zone_of

        return Clock(self.start_date, time_zone_of(self.time_zone))

    @cached_property
    def horizon_minutes(self) -> int:
        """Real minutes from the first day's midnight to the day after the last's."""
        return self.clock.wall_minute(self.date_of(self.days), 0)

    @cached_property
    def _travel_by_pair(self) -> dict[tuple[str, str], float]:
        given = {(row.from_zone, row.to_zone): float(row.minutes) for row in self.travel}
        # A row counts both ways unless the other direction has its own row.
        return given | {
            (to, start): m for (start, to), m in given.items() if (to, start) not in given
        }

    def travel_minutes(self, from_zone: str, to_zone: str) -> float:
        """Driving minutes from a unit in `from_zone` to a call in `to_zone`: `Zones.travel_minutes`
        (default 7) within a zone; between zones the `Travel` row (either direction), else the
        call zone's own travel plus an 8-minute penalty."""
        if from_zone == to_zone:
            zone = self.zones_by_id.get(to_zone)
            within = None if zone is None else zone.travel_minutes
            return DEFAULT_TRAVEL_MINUTES if within is None else float(within)
        between = self._travel_by_pair.get((from_zone, to_zone))
        if between is not None:
            return between
        return self.travel_minutes(to_zone, to_zone) + OTHER_ZONE_PENALTY_MINUTES

    @cached_property
    def people_by_id(self) -> dict[str, Person]:
        return {p.employee_id: p for p in self.staff}

    @cached_property
    def staff_index(self) -> dict[str, int]:
        """employee_id -> position in `staff` (the solver's person index)."""
        return {p.employee_id: i for i, p in enumerate(self.staff)}

    @cached_property
    def shifts_by_id(self) -> dict[str, ShiftTemplate]:
        return {s.shift_id: s for s in self.shifts}

    @cached_property
    def shift_limit_of(self) -> dict[tuple[str, str], int]:
        """(employee_id, shift_id) -> most shifts of that template over the horizon."""
        return {(lim.employee_id, lim.shift_id): lim.max_shifts for lim in self.shift_limits}

    def person(self, employee_id: str) -> Person:
        return self.people_by_id[employee_id]

    def replaced(self, **changes: object) -> Problem:
        """A copy with some fields changed, validated again (`model_copy` would keep
        the cached lookups such as `staff_index` of the original)."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values.update(changes)
        return type(self)(**values)

    def shift(self, shift_id: str) -> ShiftTemplate:
        return self.shifts_by_id[shift_id]

    @property
    def zone_ids(self) -> tuple[str, ...]:
        return tuple(z.zone_id for z in self.zones)

    @cached_property
    def zones_by_id(self) -> dict[str, Zone]:
        return {z.zone_id: z for z in self.zones}

    def date_of(self, day: int) -> dt.date:
        return self.start_date + dt.timedelta(days=day)

    def day_of(self, date: dt.date) -> int:
        return (date - self.start_date).days

    def minute_of(self, moment: dt.datetime) -> int:
        """Real minutes from the horizon's start to a local time (negative before it)."""
        return self.clock.minute_of(moment)

    def moment(self, minute: float) -> dt.datetime:
        """The local time (naive) `minute` real minutes after the horizon's start."""
        return self.clock.moment(minute)
