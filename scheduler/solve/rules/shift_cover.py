"""`ShiftCover`: units wanted per day, shift, team and zone; soft both ways."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.model.calendar import shift_cover_rules
from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import RosterVariables


def add(v: RosterVariables) -> Parts:
    model = v.model
    terms: list[cp_model.LinearExprT] = []
    for key, row in shift_cover_rules(v.problem).items():
        k = v.option_at.get(key)
        if k is None:  # nobody may work it: every wanted unit is missing
            terms.append(row.weight_under * row.units)
            continue
        scheduled = v.units[k]
        # (The proto wrapper's repeated fields do not take negative indices.)
        most = list(scheduled.proto.domain)[-1]
        # scheduled + under - over == units: an equality (not two inequalities) so
        # presolve and the LP see under and over as one exact deviation.
        under = model.new_int_var(0, row.units, f"cover_under_o{k}")
        over = model.new_int_var(0, max(0, most - row.units), f"cover_over_o{k}")
        model.add(scheduled + under - over == row.units)
        # Never both: a roster found before the search ends could otherwise carry
        # under = over = 1 and report a penalty the checker does not count.
        short = model.new_bool_var(f"cover_short_o{k}")
        model.add(over == 0).only_enforce_if(short)
        model.add(under == 0).only_enforce_if(~short)
        terms.append(row.weight_under * under + row.weight_over * over)
    return {"shift_cover_penalty": total(terms)}
