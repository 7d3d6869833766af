"""Pure problem and roster data. Never imports OR-Tools."""

from scheduler.model.problem import (
    DemandRow,
    PairKind,
    PairRule,
    Person,
    PersonRules,
    Pin,
    Problem,
    Role,
    Rules,
    ShiftCover,
    ShiftLimit,
    ShiftTemplate,
    Team,
    TimeOff,
    TimeOffKind,
    Zone,
)
from scheduler.model.roster import Assignment, Roster

__all__ = [
    "Assignment",
    "DemandRow",
    "PairKind",
    "PairRule",
    "Person",
    "PersonRules",
    "Pin",
    "Problem",
    "Role",
    "Roster",
    "Rules",
    "ShiftCover",
    "ShiftLimit",
    "ShiftTemplate",
    "Team",
    "TimeOff",
    "TimeOffKind",
    "Zone",
]
