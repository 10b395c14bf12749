"""A part of a tier that no deployment variable reaches (PPE stock and drops), planned
once on its own, with its own proof.

Such a part shares no rule with the rest of the tier, so its optimum adds to the rest's:
every completion and dive may hold its plan fixed, and the tier's bound is the rest's
bound plus the part's own. Left to the LP completion, the part's yes/no choices (a van's
drop) make that LP fractional, and the short search that then completes it does far worse
than an exact solve of a few thousand variables. The bounds of the whole tier that count
the part at its LP relaxation (column generation's, the LP's) are weakest exactly there:
a drop's link to its quantities is loose. The part's own search closes that, and `Apart`
says by how much a bound of the whole may be raised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from constraints.model import Model, Terms, Var
from scheduler.solve.interrupt import INTERRUPTION

IND_SOLVER = "SCIP"
"""The part's exact search: an LP-based branch and bound suits the loose link between a
drop and its quantities. On the Plymouth example's PPE, in 15 s, SCIP ends within 12 % of
optimal where CP-SAT through the same wrapper leaves a plan 30 times worse."""

NODES_PER_SECOND = 200
"""Branch-and-bound nodes the search may visit per second of `deterministic_time`: a limit
that ends the search at the same point on any machine (SCIP itself is deterministic)."""

TOLERANCE = 1e-6
"""Relative allowance for the LP's floating-point error, on the side that keeps the raised
bound valid."""


@dataclass(frozen=True)
class Apart:
    """The part's plan (empty when none keeps its rules) and three integer bounds on its
    optimum, each what a different bound of the whole tier counts for it."""

    values: dict[Var, int]
    proven: int = 0
    """The part's own proven lower bound (its search's best bound, or one of the below)."""
    relaxed: int = 0
    """At least its LP optimum rounded up: what an LP-based bound of the whole can count."""
    trivial: int = 0
    """Its variables' own bounds: what the trivial bound of the whole counts."""

    @property
    def over_relaxation(self) -> int:
        """How much a bound of the whole that counts the part at its LP relaxation (column
        generation's Lagrangian bound, the LP relaxation's) may be raised and stay valid."""
        return max(0, self.proven - self.relaxed)

    @property
    def over_trivial(self) -> int:
        """How much the trivial bound of the whole may be raised and stay valid."""
        return max(0, self.proven - self.trivial)


NOTHING = Apart({})


def plan_apart(
    model: Model,
    terms: Terms,
    deployment: set[Var],
    time_limit: float,
    tier: int = 1,
    start: dict[Var, int] | None = None,
    holding: set[Var] | None = None,
    deterministic_time: float | None = None,
) -> Apart:
    """The part of `tier` no chain of rules links to a `deployment` variable, searched
    exactly within `time_limit` and stoppable by Ctrl-C (the best found so far stands).

    `start` (the greedy drops) is the search's hint and the plan unless the search beats
    it: the weak link between a drop and its quantities leaves the search alone far from
    the greedy drops in a few seconds, and with no time at all the start is still a plan.
    `holding` limits the part to the components holding one of its variables (the PPE
    family's): a component whose LP is whole already (testing or isolation cut off from
    every worker) is better left to the LP completion. Ctrl-C at any point of it ends the
    search, or skips it, and the best plan so far (the start) stands. With `deterministic_time` the
    search also stops after `NODES_PER_SECOND` nodes a second of it, so that a run cut
    short gives the same plan on any machine that reaches that many in `time_limit`."""
    stop = _Stop()
    return INTERRUPTION.run(
        lambda: _plan(
            model, terms, deployment, time_limit, tier, start, holding, stop, deterministic_time
        ),
        stop,
    )


@dataclass
class _Stop:
    """Ctrl-C's way into the part's planning: before its search, the search is skipped;
    during it, the search is interrupted and returns the best it found."""

    requested: bool = False
    solver: pywraplp.Solver | None = None

    def __call__(self) -> None:
        self.requested = True
        if self.solver is not None:
            self.solver.InterruptSolve()


def _plan(
    model: Model,
    terms: Terms,
    deployment: set[Var],
    time_limit: float,
    tier: int,
    start: dict[Var, int] | None,
    holding: set[Var] | None,
    stop: _Stop,
    deterministic_time: float | None,
) -> Apart:
    part = _apart_from(model, deployment, tier, holding)
    if not part:
        return NOTHING
    coefficients: dict[Var, int] = {}
    for v, k in terms:
        if v in part:
            coefficients[v] = coefficients.get(v, 0) + k
    bounds = [
        model.variables[v].lb if k > 0 else model.variables[v].ub for v, k in coefficients.items()
    ]
    trivial = sum(k * x for k, x in zip(coefficients.values(), bounds, strict=True))
    optimum = _relaxed(model, coefficients, part, tier, time_limit)
    found = [{v: start[v] for v in part}] if start is not None and part <= start.keys() else []
    nodes = None if deterministic_time is None else math.ceil(NODES_PER_SECOND * deterministic_time)
    searched, proven = _search(model, coefficients, part, tier, time_limit, found, nodes, stop)
    kept = [plan for plan in [*found, *searched] if _keeps(model, plan, tier)]
    values = min(kept, key=lambda plan: _value(coefficients, plan), default={})
    if proven is None:  # no search's bound: the LP's, rounded up after allowing for error
        proven = trivial if optimum is None else _ceil(optimum, -TOLERANCE)
    if values:
        proven = min(proven, _value(coefficients, values))
    proven = max(proven, trivial)
    # What an LP-based bound of the whole counts for the part, allowing for error upwards.
    relaxed = proven if optimum is None else _ceil(optimum, TOLERANCE)
    return Apart(values, proven, relaxed, trivial)


def _ceil(x: float, allowance: float) -> int:
    return math.ceil(x + allowance * max(1.0, abs(x)))


def _value(coefficients: dict[Var, int], plan: dict[Var, int]) -> int:
    return sum(k * plan[v] for v, k in coefficients.items())


def _solver(
    model: Model,
    coefficients: dict[Var, int],
    part: set[Var],
    tier: int,
    name: str,
    time_limit: float,
) -> tuple[pywraplp.Solver, dict[Var, pywraplp.Variable]] | None:
    """min the part's terms over its rules up to `tier`: integer with `IND_SOLVER`,
    continuous with GLOP."""
    solver = pywraplp.Solver.CreateSolver(name)
    if solver is None:
        return None
    solver.SetTimeLimit(max(1, int(time_limit * 1000)))
    make = solver.NumVar if name == "GLOP" else solver.IntVar
    xs = {v: make(model.variables[v].lb, model.variables[v].ub, "") for v in sorted(part)}
    inf = solver.infinity()
    for c in model.constraints:
        if c.tier <= tier and c.terms and c.terms[0][0] in xs:
            row = solver.Constraint(-inf if c.lb is None else c.lb, inf if c.ub is None else c.ub)
            for v, k in c.terms:
                row.SetCoefficient(xs[v], k)
    objective = solver.Objective()
    for v, k in coefficients.items():
        objective.SetCoefficient(xs[v], k)
    objective.SetMinimization()
    return solver, xs


def _relaxed(
    model: Model, coefficients: dict[Var, int], part: set[Var], tier: int, time_limit: float
) -> float | None:
    """The part's LP optimum; None if GLOP does not finish."""
    made = _solver(model, coefficients, part, tier, "GLOP", time_limit)
    if made is None or made[0].Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return float(made[0].Objective().Value())


def _search(
    model: Model,
    coefficients: dict[Var, int],
    part: set[Var],
    tier: int,
    time_limit: float,
    hints: list[dict[Var, int]],
    nodes: int | None,
    stop: _Stop,
) -> tuple[list[dict[Var, int]], int | None]:
    """The exact search's plan (if it found one) and its proven bound, rounded down; the
    search starts from the first of `hints`, if any."""
    made = _solver(model, coefficients, part, tier, IND_SOLVER, time_limit)
    if made is None:
        return [], None
    solver, xs = made
    if nodes is not None:
        solver.SetSolverSpecificParametersAsString(f"limits/nodes = {nodes}\n")
    for hint in hints[:1]:
        solver.SetHint([xs[v] for v in sorted(hint)], [float(hint[v]) for v in sorted(hint)])
    stop.solver = solver
    if stop.requested:
        return [], None
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return [], None
    plan = {v: round(x.solution_value()) for v, x in xs.items()}
    bound = solver.Objective().BestBound()
    return [plan], math.floor(bound + TOLERANCE) if math.isfinite(bound) else None


def _keeps(model: Model, part: dict[Var, int], tier: int) -> bool:
    """Whether a part's values keep every rule up to `tier` over that part."""
    for c in model.constraints:
        if c.tier <= tier and c.terms and c.terms[0][0] in part:
            total = sum(k * part[v] for v, k in c.terms)
            if (c.lb is not None and total < c.lb) or (c.ub is not None and total > c.ub):
                return False
    return True


def _apart_from(
    model: Model, deployment: set[Var], tier: int, holding: set[Var] | None = None
) -> set[Var]:
    """The variables that no chain of rules up to `tier` links to a deployment variable
    (connected components by union-find over the rules), in the components holding a
    variable of `holding` if given."""
    parent = list(range(len(model.variables)))

    def root(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for c in model.constraints:
        if c.tier <= tier and c.terms:
            first = root(c.terms[0][0])
            for v, _k in c.terms[1:]:
                parent[root(v)] = first
    reached = {root(v) for v in deployment}
    wanted = None if holding is None else {root(v) for v in holding}
    linked = {v for c in model.constraints if c.tier <= tier for v, _k in c.terms}
    return {v for v in linked if root(v) not in reached and (wanted is None or root(v) in wanted)}
