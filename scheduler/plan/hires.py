"""Candidate hires: which `Hiring` kinds to hire, how many, and what a year costs.

`plan_hires` adds each kind's candidates to the staff (`with_candidates`), solves
with the plan objective (`engine.solve(hire_limits=...)`: required shortfall, then
annual hire cost plus annualised overtime, then target shortfall, then the usual
stage 2) and reads every figure back from the checker (`scheduler.evaluate`),
never from the solver. A candidate is hired exactly when they work a shift.

Modes, all through `plan_hires`:
- minimum cost (default): the least required shortfall reachable with every
  candidate, at the least cost; when hiring cannot lower the shortfall at all,
  no hire is recommended and `note` says why;
- `max_hires=k`: at most k hires in all (a point of the frontier);
- `budget`: annual hire cost at most `budget` (currency units).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

from scheduler.evaluate import evaluate, hire_costs, hired_only
from scheduler.model.problem import Hire, Person, PersonRules, Problem, Role, Team
from scheduler.model.report import Evaluation
from scheduler.model.result import HireLimits, SolveParams, SolveResult, SolveStatus
from scheduler.model.roster import Roster
from scheduler.solve.engine import solve

#: How the plan's annual cost is computed, in words (shown in the plan workbook).
COST_FORMULA = (
    "Total annual cost = annual hire cost + annualised overtime cost. "
    "Annual hire cost = the sum over people hired of their kind's annual_cost, or, when "
    "only hourly_rate is given, hourly_rate x weekly hours x 52 (weekly hours = "
    "max_hours_per_week, else min_hours_per_week). "
    "Annualised overtime cost = the overtime cost of everyone (staff and hires) over the "
    "roster x 365 / roster days, where overtime cost = hours paid above "
    "overtime_after_hours in a week x hourly rate x overtime_multiplier. "
    "A hire's overtime is paid on hourly_rate, else on annual_cost / 52 / weekly hours "
    "(40 if the kind gives none). "
    "Plans are compared on required coverage first, then on this total."
)

DAYS_PER_YEAR = 365


@dataclass(frozen=True)
class HirePlan:
    """One plan: whom to hire and what it buys, every figure from the checker (all 0,
    `evaluation` None and `note` saying why, when `status` has no roster)."""

    hires: dict[str, int]  # hire_id -> people hired of that kind (every kind listed)
    hired_people: tuple[Person, ...]
    annual_hire_cost: float  # currency units a year
    overtime_hours: float  # over the roster's horizon
    annual_overtime_cost: float  # the horizon's overtime cost x 365 / days
    total_annual_cost: float
    required_coverage: float  # share of required unit-slots met, 0..1
    required_shortfall: int  # unit-slots below required
    hard_violations: int  # broken hard rules in the roster (0 for a usable plan)
    status: SolveStatus
    solve_seconds: float  # every solve this plan took
    # The input with the hired people in `staff` and no `Hiring` rows left: a plain
    # program that writers and `check` take as it is.
    problem: Problem
    result: SolveResult
    evaluation: Evaluation | None  # None when the solve found no roster
    # The checker on `problem` (hired people as staff): what the written roster shows.
    roster_check: Evaluation | None = None
    note: str = ""
    max_hires: int | None = None  # the limits asked for
    budget: float | None = None

    @property
    def hire_count(self) -> int:
        return len(self.hired_people)

    @property
    def cost_lower_bound(self) -> float | None:
        """The solver's proof: no plan leaving at most as many required unit-slots
        short costs less a year (None when unknown; the total itself when optimal)."""
        if self.evaluation is None or self.result.plan_cost_bound is None:
            return None
        return min(self.result.plan_cost_bound, self.total_annual_cost)

    @property
    def cost_gap(self) -> float | None:
        """How much cheaper a plan covering as much might still be, as a share of the
        total (0 when proven cheapest)."""
        bound = self.cost_lower_bound
        if bound is None or self.total_annual_cost <= 0:
            return None if bound is None else 0.0
        return (self.total_annual_cost - bound) / self.total_annual_cost


def candidate_id(hire: Hire, number: int) -> str:
    """The employee id of a kind's `number`th candidate (from 1)."""
    return f"{hire.hire_id}#{number}"


def candidates(problem: Problem, hire: Hire) -> list[Person]:
    """A kind's `max_count` candidates: Persons under the program's rules."""
    rules = PersonRules.from_rules(problem.rules)
    return [
        Person(
            employee_id=candidate_id(hire, number),
            name=f"New {hire.role} ({hire.hire_id} #{number})",
            role=hire.role,
            teams=hire.teams,
            home_zone=hire.home_zone,
            min_hours_per_week=hire.min_hours_per_week,
            max_hours_per_week=hire.max_hours_per_week,
            hourly_rate=hire.overtime_base_rate,
            rules=rules,
            row=hire.row,
            hire_id=hire.hire_id,
        )
        for number in range(1, hire.max_count + 1)
    ]


def with_candidates(problem: Problem) -> Problem:
    """The program with every kind's candidates added to `staff` (ids already in
    `staff` are not added twice)."""
    known = set(problem.people_by_id)
    added = [
        person
        for hire in problem.hires
        for person in candidates(problem, hire)
        if person.employee_id not in known
    ]
    if not added:
        return problem
    return problem.replaced(staff=(*problem.staff, *added))


def plan_hires(
    problem: Problem,
    params: SolveParams,
    *,
    max_hires: int | None = None,
    budget: float | None = None,
    hint: Roster | None = None,
) -> HirePlan:
    """Plan the hires of `problem` (see the module's modes); `budget` in currency units.
    A `hint` (another plan's roster of the same program, e.g. a neighbouring frontier
    point's) warm-starts the search: stage 1 from its units, the plan stage from it
    when it keeps stage 1's coverage for less."""
    started = time.monotonic()
    program = with_candidates(problem)
    budget_cents = None if budget is None else round(budget * 100)
    limits = HireLimits(max_hires=max_hires, budget_cents=budget_cents)
    result = solve(program, params, hire_limits=limits, hint=hint)
    plan = _plan_of(program, result, started, limits)
    if plan.evaluation is None or plan.required_shortfall == 0:
        return plan
    short = f"{plan.required_shortfall} required unit-slots stay short"
    if not any(hire.max_count for hire in program.hires):
        return _with_note(plan, f"{short}; Hiring has no candidate to hire")
    if max_hires is not None or budget is not None:
        limit = f"at most {max_hires} hires" if budget is None else f"a budget of {budget:,.0f}"
        return _with_note(plan, f"{short} with {limit}")
    if not plan.hired_people:
        # Stage 1 had every candidate and used none: they cannot lower the shortfall.
        return _with_note(plan, _useless_note(program, plan))
    # Some are hired, yet a shortfall stays: would no hire leave as much short, for less?
    alone = _plan_of(program, solve(program, params, hire_limits=HireLimits(0)), started, limits)
    if alone.evaluation is None or alone.required_shortfall > plan.required_shortfall:
        return _with_note(plan, f"{short} even with every candidate available{_out_of_reach(plan)}")
    # Hiring does not lower the shortfall; plans then compare on cost (COST_FORMULA).
    if alone.total_annual_cost <= plan.total_annual_cost:
        # The first solve's bound holds for every plan as short as it (this one too);
        # the no-hire solve's own bound holds only for plans without hires.
        proven = replace(alone.result, plan_cost_bound=plan.result.plan_cost_bound)
        return _with_note(replace(alone, result=proven), _useless_note(program, plan))
    saved = alone.total_annual_cost - plan.total_annual_cost
    return _with_note(
        plan,
        f"{short} with or without hires{_because(_short_reasons(program, plan))}; the hires "
        f"are recommended for cost alone: they save {saved:,.0f} a year of overtime"
        f"{_out_of_reach(plan)}",
    )


#: How the checker words a gap no shift of the roster can fill (`evaluate._gap_reason`).
NO_SHIFT_REASON = "shift starting in the roster covers any of this span"


def _out_of_reach(plan: HirePlan) -> str:
    """The part of the shortfall no shift of the roster can cover, whoever is hired
    (e.g. the first night before the roster's first shift), said with where it is."""
    gaps = [] if plan.evaluation is None else plan.evaluation.gaps
    unreachable = [gap for gap in gaps if NO_SHIFT_REASON in gap.reason]
    if not unreachable:
        return ""
    slots = sum(gap.unit_slots_short for gap in unreachable)
    first = unreachable[0]
    where = f"{first.team} {first.zone} {first.start:%a %H:%M}-{first.end:%a %H:%M}"
    return (
        f"; {slots} of them no shift starting in the roster can cover ({where}"
        f"{' and more' if len(unreachable) > 1 else ''}); hiring cannot change that: add a "
        "shift that covers it, or give the shifts worked before start_date as History"
    )


def _plan_of(program: Problem, result: SolveResult, started: float, limits: HireLimits) -> HirePlan:
    """The plan a solve gives, with every figure from the checker."""
    budget = None if limits.budget_cents is None else limits.budget_cents / 100
    if not result.status.has_roster:
        plain = _plain(program.replaced(staff=_real_staff(program.staff)))
        return HirePlan(
            hires={hire.hire_id: 0 for hire in program.hires},
            hired_people=(),
            annual_hire_cost=0.0,
            overtime_hours=0.0,
            annual_overtime_cost=0.0,
            total_annual_cost=0.0,
            required_coverage=0.0,
            required_shortfall=0,
            hard_violations=0,
            status=result.status,
            solve_seconds=time.monotonic() - started,
            problem=plain,
            result=result,
            evaluation=None,
            note=f"no roster ({result.status}): {result.message}".rstrip(": "),
            max_hires=limits.max_hires,
            budget=budget,
        )
    roster = result.roster
    evaluation = evaluate(program, roster)
    costs = hire_costs(program, roster)
    hired = hired_only(program, roster)
    hired_people = tuple(p for p in hired.staff if p.hire_id is not None)
    plain = _plain(hired)
    annual_hire_cost = sum(cost.annual_cost_cents for cost in costs) / 100
    annual_overtime_cost = evaluation.parts.overtime_cost * DAYS_PER_YEAR / program.days
    return HirePlan(
        hires={cost.hire_id: cost.count for cost in costs},
        hired_people=hired_people,
        annual_hire_cost=annual_hire_cost,
        overtime_hours=evaluation.overtime_hours,
        annual_overtime_cost=annual_overtime_cost,
        total_annual_cost=annual_hire_cost + annual_overtime_cost,
        required_coverage=evaluation.coverage_pct / 100,
        required_shortfall=evaluation.parts.required_shortfall,
        hard_violations=len(evaluation.hard_violations),
        status=result.status,
        solve_seconds=time.monotonic() - started,
        problem=plain,
        result=result,
        evaluation=evaluation,
        # The checker recounts the roster itself: the plan's own numbers are not trusted.
        roster_check=evaluate(plain, roster),
        max_hires=limits.max_hires,
        budget=budget,
    )


def _plain(program: Problem) -> Problem:
    """Without `Hiring` rows: a plain roster's program."""
    return program.replaced(hires=())


def _real_staff(staff: Iterable[Person]) -> tuple[Person, ...]:
    return tuple(p for p in staff if p.hire_id is None)


def _with_note(plan: HirePlan, note: str) -> HirePlan:
    return replace(plan, note=note)


def _useless_note(program: Problem, plan: HirePlan) -> str:
    """Why hiring does not lower the required shortfall, as far as the data tells."""
    reasons = _short_reasons(program, plan)
    unproven = "" if plan.result.stage1_optimal else " (not proven within the time limit)"
    return (
        f"hiring does not help: {plan.required_shortfall} required unit-slots stay short "
        f"with every candidate hired{_because(reasons)}; no hire is "
        f"recommended{unproven}{_out_of_reach(plan)}"
    )


def _because(reasons: list[str]) -> str:
    return f", because {'; '.join(reasons)}" if reasons else ""


def _short_reasons(program: Problem, plan: HirePlan) -> list[str]:
    """Why hires cannot close the gaps, as far as the data tells."""
    reasons: list[str] = []
    evaluation = plan.evaluation
    short_teams = sorted({gap.team for gap in evaluation.gaps} if evaluation else set())
    for team in short_teams:
        kinds = [h for h in program.hires if team in h.teams and h.max_count > 0]
        if not kinds:
            reasons.append(f"no Hiring kind may work on the {team} team")
            continue
        missing = _missing_role(program, team)
        if missing:
            reasons.append(missing)
    if not reasons and not _out_of_reach(plan):  # which, when there, says it itself
        reasons.append(
            "the rules leave the candidates no shift that covers the gaps (see the gaps' reasons)"
        )
    return reasons


def _missing_role(program: Problem, team: Team) -> str | None:
    """With units of two, a team needs both roles: one nobody on staff or in Hiring has
    (`program.staff` holds the candidates too)."""
    if program.people_per_unit == 1:
        return None
    for role in Role:
        if not any(team in p.teams and p.role is role for p in program.staff):
            return f"every {team} unit needs a {role} and none is on staff or in Hiring"
    return None


__all__ = [
    "COST_FORMULA",
    "HirePlan",
    "candidate_id",
    "candidates",
    "plan_hires",
    "with_candidates",
]
