"""Rule families. Each `add(v)` posts its constraints on the model held by the
variables container and returns the objective parts it defines (name -> expression).
Each hard constraint is registered with its group (`RosterVariables.hard`), which
is what `scheduler.solve.explain` names when the rules conflict."""

from __future__ import annotations

from scheduler.solve.linear import Expr as Expr
from scheduler.solve.linear import Parts as Parts
from scheduler.solve.linear import total as total
