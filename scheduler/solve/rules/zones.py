"""Peers work best in the zone they know (`home_zone`), soft."""

from __future__ import annotations

from scheduler.model.problem import Role
from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import RosterVariables


def add(v: RosterVariables) -> Parts:
    away = [
        var
        for p, person in enumerate(v.problem.staff)
        if person.role is Role.PEER
        for day_x in v.x[p]
        for k, var in day_x.items()
        if v.option(k).zone != person.home_zone
    ]
    return {"peer_shifts_away_from_home": total(away)}
