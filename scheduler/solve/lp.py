"""Linear programming on the neutral model with GLOP: tier 1's relaxation bound, and the
exact completion of a partial plan.

With the staff-bank deployment fixed, testing and isolation are close to a transportation
problem: the LP over them is fast and its optimum is usually integral, so it completes a
deployment exactly where a search would wander. The full relaxation is a proven bound the
search's own does not reach (docs/solvers.md has the figures).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from ortools.linear_solver import pywraplp

from constraints.model import Constraint, Model, Terms, Var

INTEGRAL = 1e-6


def set_parameters(solver: pywraplp.Solver, parameters: str) -> None:
    """A solver's own parameters, refused loudly: OR-Tools only logs one it does not know
    and solves on with its defaults, so a parameter renamed by a new release would change
    every run without a word."""
    if not solver.SetSolverSpecificParametersAsString(parameters):
        raise ValueError(f"{solver.SolverVersion()} refused the parameters {parameters!r}")


def _build_lp(
    model: Model, terms: Terms, fixed: dict[Var, int], time_limit: float, tier: int
) -> tuple[pywraplp.Solver, list[pywraplp.Variable], list[pywraplp.Constraint | None]] | None:
    """min sum(coef * var) over the rules up to `tier`, integrality dropped, `fixed` held;
    rows are the model's constraints in order (None where a rule is above `tier`)."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    solver.SetTimeLimit(max(1, int(time_limit * 1000)))
    inf = solver.infinity()
    xs = [
        solver.NumVar(fixed.get(i, v.lb), fixed.get(i, v.ub), "")
        for i, v in enumerate(model.variables)
    ]
    rows: list[pywraplp.Constraint | None] = []
    for c in model.constraints:
        if c.tier > tier:
            rows.append(None)
            continue
        row = solver.Constraint(-inf if c.lb is None else c.lb, inf if c.ub is None else c.ub)
        for v, k in c.terms:
            row.SetCoefficient(xs[v], k)
        rows.append(row)
    objective = solver.Objective()
    for v, k in terms:
        objective.SetCoefficient(xs[v], k)
    objective.SetMinimization()
    return solver, xs, rows


def _solve_lp(
    model: Model, terms: Terms, fixed: dict[Var, int], time_limit: float, tier: int
) -> tuple[float, list[float]] | None:
    """min sum(coef * var) over the rules up to `tier`, integrality dropped, `fixed` held."""
    built = _build_lp(model, terms, fixed, time_limit, tier)
    if built is None or built[0].Solve() != pywraplp.Solver.OPTIMAL:
        return None
    solver, xs, _rows = built
    return solver.Objective().Value(), [x.solution_value() for x in xs]


def lp_duals(
    model: Model, terms: Terms, time_limit: float, tier: int = 1
) -> tuple[float, list[tuple[Constraint, float]]] | None:
    """The relaxation's optimum and each rule's dual value: the change of the
    optimum per unit of the rule's right-hand side (<= 0 for a binding capacity, as more
    capacity can only lower a minimised objective), valid until the basis changes."""
    built = _build_lp(model, terms, {}, time_limit, tier)
    if built is None or built[0].Solve() != pywraplp.Solver.OPTIMAL:
        return None
    solver, _xs, rows = built
    duals = [
        (c, row.dual_value())
        for c, row in zip(model.constraints, rows, strict=True)
        if row is not None
    ]
    return solver.Objective().Value(), duals


def lp_relaxation_bound(
    model: Model, terms: Terms, time_limit: float, tier: int = 1
) -> float | None:
    """A proven lower bound on a tier (None if GLOP does not finish in time). Integer
    coefficients: the integer optimum is at least the LP optimum rounded up."""
    solved = _solve_lp(model, terms, {}, time_limit, tier)
    return None if solved is None else float(math.ceil(solved[0] - INTEGRAL))


def lp_completion(
    model: Model,
    terms: Terms,
    fixed: dict[Var, int],
    time_limit: float,
    tier: int = 1,
    tie_break: tuple[int, Terms] | None = None,
    repair: Callable[[dict[Var, int]], list[int] | None] | None = None,
) -> list[int] | None:
    """The optimum of a tier with `fixed` held, when the LP's optimum is integral and
    satisfies every rule up to that tier exactly; otherwise None.

    `tie_break` (a lower tier and its terms) then picks, among the tier's optima, one best
    for that tier: the LP is solved again with the tier held at its optimum. An LP that
    ends a few variables short of integral (12 of 24,559 on the city re-plan's second LP)
    is handed to `repair`, which completes it with every variable away from the
    fractional ones held at the LP's values.
    """
    deadline = time.perf_counter() + time_limit
    upto = max(tier, tie_break[0]) if tie_break else tier
    built = _build_lp(model, terms, fixed, time_limit, upto)
    if built is None or built[0].Solve() != pywraplp.Solver.OPTIMAL:
        return None
    solver, xs, _rows = built
    first = [x.solution_value() for x in xs]
    solved = first
    if tie_break is not None:
        best = solver.Objective().Value()
        held = solver.Constraint(-solver.infinity(), best + max(1e-6, 1e-9 * abs(best)))
        for v, k in terms:
            held.SetCoefficient(xs[v], k)
        objective = solver.Objective()
        objective.Clear()
        for v, k in tie_break[1]:
            objective.SetCoefficient(xs[v], k)
        objective.SetMinimization()
        if solver.Solve() == pywraplp.Solver.OPTIMAL:
            solved = [x.solution_value() for x in xs]
    exact = _integral(model, solved, upto) or _rounded(model, solver, xs, solved, upto, deadline)
    if exact is not None:
        return exact
    repaired = repair(_held_away_from_fractions(model, solved, upto)) if repair else None
    return repaired or _integral(model, first, upto)


def _rounded(
    model: Model,
    solver: pywraplp.Solver,
    xs: list[pywraplp.Variable],
    solved: list[float],
    tier: int,
    deadline: float,
) -> list[int] | None:
    """The LP's optimum with its fractional yes/no variables rounded (`rounded_binaries`),
    if that makes every variable whole and keeps every rule up to `tier`."""
    bounds = [(v.lb, v.ub) for v in model.variables]
    rounded = rounded_binaries(solver, xs, bounds, solved, ROUNDING_PASSES, deadline)
    return None if rounded is None else _integral(model, rounded, tier)


def rounded_binaries(
    solver: pywraplp.Solver,
    xs: list[pywraplp.Variable],
    bounds: list[tuple[int, int]],
    solved: list[float],
    passes: int,
    deadline: float,
) -> list[float] | None:
    """The LP again and again with its fractional yes/no variables (`bounds` are each
    x's own) held whole, until none is fractional: a dive over the few binaries, the
    LP's values after it. A mobile unit's visits are such binaries, and the test counts
    they allow follow them; a search repairing around them in a short budget books far
    fewer tests than the LP allows.

    Each pass holds them at the nearer whole value, and the largest up when all would go
    down (else the LP moves the same fraction of a visit to another home, pass after
    pass); a pass the LP cannot carry is undone and its binaries held down instead. Each
    pass holds at least one binary more, so as many passes as there are binaries always
    settle it. None when the LP is infeasible even so, or has not settled after
    `passes` or by `deadline` (perf_counter); the bounds are restored either way."""
    held: list[int] = []
    try:
        for _ in range(passes):
            fractional = [
                j
                for j, x in enumerate(solved)
                if abs(x - round(x)) > INTEGRAL and bounds[j][1] - bounds[j][0] == 1
            ]
            if not fractional:
                return solved
            whole = {j: math.floor(solved[j] - bounds[j][0] + 0.5) for j in fractional}
            if not any(whole.values()):
                whole[max(fractional, key=lambda j: solved[j])] = 1
            held += fractional
            for attempt in (whole, dict.fromkeys(fractional, 0)):
                left = deadline - time.perf_counter()
                if left <= 0:
                    return None
                for j, x in attempt.items():
                    xs[j].SetBounds(bounds[j][0] + x, bounds[j][0] + x)
                solver.SetTimeLimit(max(1, int(1000 * left)))
                status = solver.Solve()
                if status == pywraplp.Solver.OPTIMAL:
                    break
                if status != pywraplp.Solver.INFEASIBLE:
                    return None
            else:
                return None
            solved = [x.solution_value() for x in xs]
        return None
    finally:
        for j in held:
            xs[j].SetBounds(*bounds[j])


ROUNDING_PASSES = 10
"""Rounds of holding fractional binaries whole before `lp_completion` gives up."""


def _held_away_from_fractions(model: Model, solved: list[float], tier: int) -> dict[Var, int]:
    """The LP's values of every variable that shares no rule with a fractional one."""
    fractional = {v for v, x in enumerate(solved) if abs(x - round(x)) > INTEGRAL}
    near = {
        v
        for c in model.constraints
        if c.tier <= tier and any(u in fractional for u, _k in c.terms)
        for v, _k in c.terms
    }
    return {v: round(x) for v, x in enumerate(solved) if v not in near}


def _integral(model: Model, solved: list[float], tier: int) -> list[int] | None:
    values = [round(x) for x in solved]
    if any(abs(x - v) > INTEGRAL for x, v in zip(solved, values, strict=True)):
        return None
    return None if model.violations(values, max_tier=tier) else values
