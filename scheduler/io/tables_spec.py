"""The workbook contract as data: sheets, their columns and what each means.

The reader uses it for required and known columns, the template for headers and
header comments. Names follow docs/workbook.md exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.model.problem import HISTORY_LOOKBACK_DAYS, PERSON_RULE_NAMES


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    meaning: str
    required: bool = False
    in_template: bool = True  # per-person rule overrides are optional extras


@dataclass(frozen=True)
class SheetSpec:
    name: str
    meaning: str
    columns: tuple[ColumnSpec, ...]
    required: bool = False
    used: bool = True  # False: accepted but not read by this version

    @property
    def key(self) -> str:
        """How the sheet is looked up: names match case-insensitively."""
        return self.name.lower()

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def known_columns(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns)

    @property
    def template_columns(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.in_template)


def _col(name: str, meaning: str, required: bool = False) -> ColumnSpec:
    return ColumnSpec(name=name, meaning=meaning, required=required)


PROGRAM_KEY_MEANINGS = {
    "name": "Program name, shown on every output (required).",
    "start_date": "First day of the roster, YYYY-MM-DD (a Monday for weekly rosters; required).",
    "days": "Length of the roster in days (7, 14, 28, ...). Default 7.",
    "slot_minutes": "Length of a coverage slot in minutes: 60, 30 or 15. Default 60.",
    "people_per_unit": "People in a unit: 2 (a clinician and a peer, paired) or 1 (every "
    "person is a unit alone; roles and Pairs play no part). Default 2.",
    "time_zone": "IANA time zone every time is local to, e.g. America/New_York: paid hours, "
    "rest and coverage follow daylight saving. Blank: times are taken as they are and "
    "daylight saving is not applied.",
}

#: Values of the optional `Program` keys when the key or its value is left out.
PROGRAM_DEFAULTS = {"days": 7, "slot_minutes": 60, "people_per_unit": 2}

RULE_MEANINGS = {
    "min_rest_hours": "Minimum hours between the end of one shift and the start of the next.",
    "max_consecutive_days": "Most calendar days in a row with a shift start (hard limit).",
    "preferred_max_consecutive_days": "Soft limit on days in a row; penalised above it.",
    "min_days_off_per_week": "Days off needed in every 7-day window starting on start_date.",
    "overtime_after_hours": "Paid hours per week above which overtime is paid.",
    "overtime_multiplier": "Overtime pay rate multiplier.",
    "max_shift_hours": "Longest shift allowed in Shifts (checked when reading).",
    "min_consecutive_days": "Fewest days in a row with a shift start (hard); a run touching "
    "the first or last day of the roster is exempt (the first day not, with History). "
    "Default 1 (no minimum).",
    "min_consecutive_days_off": "Fewest days off in a row between two shifts (hard); a run "
    "touching the first or last day of the roster is exempt (the first day not, with "
    "History). Default 1 (no minimum).",
    "max_weekends": "Most weekends (Sat+Sun) with any shift starting on them over the whole "
    "roster (hard); blank = no limit.",
}

_ASSIGNMENT_COLUMNS = (
    _col("date", "Date the shift starts, YYYY-MM-DD.", required=True),
    _col("shift_id", "Shift template code.", required=True),
    _col("start", "Start of the shift, YYYY-MM-DDTHH:MM.", required=True),
    _col("end", "End of the shift, YYYY-MM-DDTHH:MM (may be the next day).", required=True),
    _col("team", "adult or juvenile.", required=True),
    _col("zone", "Zone id where the unit works.", required=True),
    _col("unit_id", "The paired unit: one clinician and one peer share it.", required=True),
    _col("employee_id", "Who works.", required=True),
    _col("role", "clinician or peer.", required=True),
)
#: Written after them in a roster of a program with a time zone; never read.
PAID_HOURS_COLUMN = ColumnSpec(
    "paid_hours",
    "Paid hours of the shift as worked (real time: 9 or 11 h on a night across a clock "
    "change); written by the tool, not read.",
    in_template=False,
)

PROGRAM = SheetSpec(
    "Program",
    "Program settings: one row per key.",
    (
        _col(
            "key",
            "Setting name: name, start_date, days, slot_minutes, people_per_unit or time_zone.",
            required=True,
        ),
        _col("value", "The setting's value.", required=True),
    ),
    required=True,
)
RULES = SheetSpec(
    "Rules",
    "Labor rules for everyone unless a Staff column overrides them; blank value = default.",
    (
        _col("rule", "Rule name (" + ", ".join(RULE_MEANINGS) + ").", required=True),
        _col("value", "The rule's value.", required=True),
    ),
)
STAFF = SheetSpec(
    "Staff",
    "One row per person.",
    (
        _col("employee_id", "Unique id (text).", required=True),
        _col("name", "Display name; blank = the employee_id."),
        _col("role", "clinician or peer.", required=True),
        _col(
            "teams",
            "Teams the person may work on: adult, juvenile or adult;juvenile.",
            required=True,
        ),
        _col("home_zone", "Zone id the person knows best (a zone_id of Zones).", required=True),
        _col("min_hours_per_week", "Paid hours the person should get (contract); default 0."),
        _col(
            "max_hours_per_week",
            "Hard cap on paid hours per week, overtime included; blank = no cap.",
        ),
        _col("hourly_rate", "Base pay per hour; default 0."),
        _col("skills", "Optional list separated by ; (spanish;driver;trainee)."),
        _col("overtime_eligible", "yes or no; blank = yes."),
        _col(
            "min_hours_total",
            "Fewest paid hours over the whole roster (hard); default 0.",
        ),
        _col(
            "max_hours_total",
            "Most paid hours over the whole roster (hard); blank = no cap.",
        ),
        *(
            ColumnSpec(
                name=rule,
                meaning=f"Overrides the rule {rule} for this person; blank = the Rules value.",
                in_template=False,
            )
            for rule in PERSON_RULE_NAMES
        ),
    ),
    required=True,
)
ZONES = SheetSpec(
    "Zones",
    "One row per zone.",
    (
        _col("zone_id", "Unique zone id.", required=True),
        _col("name", "Display name; blank = the zone_id."),
        _col("neighborhoods", "Neighborhoods in the zone, separated by ;."),
        _col("travel_minutes", "Optional typical travel time in the zone, minutes."),
    ),
    required=True,
)
TRAVEL = SheetSpec(
    "Travel",
    "Driving minutes between zones, for response times (simulate, demand). A row counts both "
    "ways unless the other direction has its own row; a missing pair is the call zone's "
    "travel_minutes plus 8.",
    (
        _col("from_zone", "Zone the unit is based in (a zone_id of Zones).", required=True),
        _col("to_zone", "Zone of the call (another zone_id).", required=True),
        _col("minutes", "Typical driving minutes.", required=True),
    ),
)
SHIFTS = SheetSpec(
    "Shifts",
    "Shift templates.",
    (
        _col("shift_id", "Unique code (D8, L10, N12).", required=True),
        _col("start", "Start time HH:MM (24 h).", required=True),
        _col(
            "end", "End time HH:MM; at or before start means it ends the next day.", required=True
        ),
        _col("unpaid_break_minutes", "Subtracted from paid hours; default 0."),
        _col("teams", "Optional list of teams the shift is for; blank = every team."),
        _col(
            "forbidden_next",
            "Optional list of shift_ids separated by ; that a person may not start "
            "on the day after starting this shift.",
        ),
    ),
    required=True,
)
DEMAND = SheetSpec(
    "Demand",
    "Paired units needed per team, zone and time window.",
    (
        _col("team", "adult or juvenile.", required=True),
        _col("zone", "A zone_id of Zones.", required=True),
        _col("weekday", "Mon ... Sun (repeats every week); give this or date."),
        _col(
            "date", "One date YYYY-MM-DD; give this or weekday. Replaces that day's weekday rows."
        ),
        _col("start", "Window start HH:MM.", required=True),
        _col("end", "Window end HH:MM; at or before start means the next day.", required=True),
        _col("required_units", "Minimum units on duty in every slot of the window.", required=True),
        _col("target_units", "Optional desired units (at least required_units)."),
    ),
    required=True,
)
TIME_OFF = SheetSpec(
    "TimeOff",
    "Availability and requests.",
    (
        _col("employee_id", "Who (an employee_id of Staff).", required=True),
        _col(
            "start",
            "First date YYYY-MM-DD (whole days) or date-time YYYY-MM-DDTHH:MM.",
            required=True,
        ),
        _col("end", "Last date (inclusive) or end date-time (exclusive).", required=True),
        _col("kind", "unavailable (hard), prefer_off or prefer_on (soft).", required=True),
        _col("shift_id", "Optional: the request is about this shift only."),
        _col("weight", "Optional penalty weight for prefer_off / prefer_on; default 1."),
    ),
)
PINS = SheetSpec(
    "Pins",
    "Assignments that must stay.",
    (
        _col("employee_id", "Who (an employee_id of Staff).", required=True),
        _col("date", "Date the shift starts, inside the roster.", required=True),
        _col("shift_id", "Shift template code.", required=True),
        _col("team", "Optional team: adult or juvenile."),
        _col("zone", "Optional zone id."),
    ),
)
PAIRS = SheetSpec(
    "Pairs",
    "Pairing wishes between a clinician and a peer.",
    (
        _col("clinician_id", "A clinician's employee_id.", required=True),
        _col("peer_id", "A peer's employee_id.", required=True),
        _col("kind", "prefer, avoid or forbid.", required=True),
    ),
)
SHIFT_COVER = SheetSpec(
    "ShiftCover",
    "Units wanted on a shift per team, zone and day (soft: each unit under or over costs its "
    "weight).",
    (
        _col("shift_id", "A shift_id of Shifts.", required=True),
        _col("team", "adult or juvenile (the shift must allow it).", required=True),
        _col("zone", "A zone_id of Zones.", required=True),
        _col("weekday", "Mon ... Sun (repeats every week); give this or date."),
        _col(
            "date",
            "One date YYYY-MM-DD the shift starts; give this or weekday. Replaces that "
            "day's weekday row for the same shift, team and zone.",
        ),
        _col("units", "Units wanted on that shift (whole number, 0 or more).", required=True),
        _col("weight_under", "Penalty per unit below units; default 1."),
        _col("weight_over", "Penalty per unit above units; default 0."),
    ),
)
SHIFT_LIMITS = SheetSpec(
    "ShiftLimits",
    "Most shifts of one template a person may work over the whole roster.",
    (
        _col("employee_id", "Who (an employee_id of Staff).", required=True),
        _col("shift_id", "A shift_id of Shifts.", required=True),
        _col("max_shifts", "Most shifts of it over the roster; 0 forbids it.", required=True),
    ),
)
HIRING = SheetSpec(
    "Hiring",
    "People the program could hire, for `plan`: each row is a kind of hire, of whom up to "
    "max_count may be hired; hired people keep every rule Staff keep. `solve` ignores "
    "this sheet.",
    (
        _col("hire_id", "Unique id of this kind of hire (text).", required=True),
        _col("role", "clinician or peer.", required=True),
        _col(
            "teams",
            "Teams a hire may work on: adult, juvenile or adult;juvenile.",
            required=True,
        ),
        _col("home_zone", "Zone id a hire is based in (a zone_id of Zones).", required=True),
        _col(
            "min_hours_per_week",
            "Contract hours of a hire (paid hours owed, as in Staff); default 0.",
        ),
        _col(
            "max_hours_per_week",
            "Hard cap on a hire's paid hours per week, overtime included; blank = no cap.",
        ),
        _col(
            "annual_cost",
            "What one hire costs a year; give this or hourly_rate. When both are given, "
            "annual_cost is the yearly cost and hourly_rate the pay overtime is paid on.",
        ),
        _col(
            "hourly_rate",
            "Base pay per hour; without annual_cost the yearly cost is hourly_rate x "
            "max_hours_per_week (else min_hours_per_week) x 52.",
        ),
        _col(
            "max_count",
            "How many of this kind may be hired at most (whole number, 0 or more).",
            required=True,
        ),
    ),
)
HISTORY = SheetSpec(
    "History",
    "Shifts worked before start_date, as in the output's Assignments (paste the previous "
    "roster's rows): rest, runs of days and fairness reach back into them, and a unit still "
    "on duty after start_date counts toward coverage. Rows more than "
    f"{HISTORY_LOOKBACK_DAYS} days old are ignored.",
    _ASSIGNMENT_COLUMNS,
)

#: Input sheets in the order the template shows them.
INPUT_SHEETS = (
    PROGRAM,
    RULES,
    STAFF,
    ZONES,
    TRAVEL,
    SHIFTS,
    DEMAND,
    TIME_OFF,
    PINS,
    PAIRS,
    SHIFT_COVER,
    SHIFT_LIMITS,
    HIRING,
    HISTORY,
)
INPUT_SHEETS_BY_KEY = {sheet.key: sheet for sheet in INPUT_SHEETS}

#: The template's instructions sheet; reading it back is not worth a warning.
README_SHEET = "README"
#: Sheets `demand` adds to the input workbook it writes: `read_problem` skips them quietly.
RATES_SHEET = "Rates"
CALLS_BY_HOUR_SHEET = "CallsByHour"
QUIETLY_SKIPPED_SHEETS = frozenset(
    name.lower() for name in (README_SHEET, RATES_SHEET, CALLS_BY_HOUR_SHEET)
)

ASSIGNMENTS = SheetSpec(
    "Assignments",
    "One row per person and shift worked.",
    (*_ASSIGNMENT_COLUMNS, PAID_HOURS_COLUMN),
    required=True,
)
