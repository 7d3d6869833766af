"""Changes between two rosters of one program, one per person and date (`scheduler.repair`
finds them; the `Changes` sheet and the printed table show them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from scheduler.model.kinds import Team


class ChangeKind(StrEnum):
    REMOVED = "removed"  # worked that day before, not after
    ADDED = "added"  # newly called in that day
    SHIFT = "shift"  # another shift that day
    TEAM_ZONE = "team/zone"  # the same shift in another team or zone
    PARTNER = "partner"  # the same shift, team and zone with someone else


@dataclass(frozen=True, order=True)
class Post:
    """What one person works on one day: shift, team, zone and unit partners."""

    shift_id: str
    team: Team
    zone: str
    partners: tuple[str, ...] = ()

    def text(self) -> str:
        with_whom = f" with {';'.join(self.partners)}" if self.partners else ""
        return f"{self.shift_id} {self.team.value}/{self.zone}{with_whom}"


@dataclass(frozen=True)
class Change:
    employee_id: str
    date: dt.date
    before: Post | None
    after: Post | None
    kind: ChangeKind
