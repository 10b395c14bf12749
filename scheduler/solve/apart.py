"""The parts of a tier that no deployment variable reaches (PPE stock and drops, training
and liaison visits), each planned once on its own, with its own proof.

A part is found from the model's structure: the connected components of the tier's rules
and variables that hold no deployment variable, grouped by the rule families of their
variables (one part per family, or per set of families sharing rules). Such a part shares
no rule with the rest of the tier, so its optimum adds to the rest's: every completion and
dive holds its plan fixed, the whole-schedules master leaves it out, and the tier's bound
is the rest's bound plus the part's own. Left to the LP completion, a part's yes/no
choices (a van's drop, an officer's visit) make that LP fractional, and the short search
that then completes it does far worse than an exact solve of a few thousand variables.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from constraints.model import Model, Terms, Var
from scheduler.solve.interrupt import INTERRUPTION
from scheduler.solve.lp import set_parameters

IND_SOLVER = "SCIP"
"""The part's exact search: an LP-based branch and bound suits the loose link between a
drop and its quantities, where CP-SAT and HiGHS stay near the greedy start (the figures
are in docs/model.md, under PPE)."""

NODES_PER_SECOND = 200
"""Branch-and-bound nodes the search may visit per second of `deterministic_time`: a limit
that ends the search at the same point on any machine (SCIP itself is deterministic)."""

TOLERANCE = 1e-6
"""Relative allowance for the LP's floating-point error, on the side that keeps the raised
bound valid."""


@dataclass(frozen=True)
class Apart:
    """The parts' plan (empty when none keeps its rules) and three integer bounds on their
    optimum, each what a different bound of the whole tier counts for them."""

    values: dict[Var, int]
    value: int = 0
    """The tier's terms over the parts at `values`: what holding them adds to the rest."""
    proven: int = 0
    """The part's own proven lower bound (its search's best bound, or one of the below)."""
    relaxed: int = 0
    """At least its LP optimum rounded up: what an LP-based bound of the whole can count."""
    trivial: int = 0
    """Its variables' own bounds: what the trivial bound of the whole counts."""
    families: tuple[str, ...] = ()
    """The rule families planned apart, for the summary."""

    @property
    def description(self) -> str:
        """What was planned apart and how well, for the summary's line on tier 1."""
        if not self.families:
            return ""
        proof = "proven optimal" if self.value <= self.proven else "with a proven bound"
        return f"; {' and '.join(self.families)} planned apart ({proof})"

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

_WORDS = {"ppe": "PPE"}
"""A family's name in the summary where it is not its own."""


class Beside:
    """The parts apart planned in a thread while the rest of the tier is planned, each on
    a core of its own: the rest holds the parts at `held` (their start, which keeps their
    rules) meanwhile, and `result` gives the parts' own plan to swap in. They share no rule
    up to the tier, so the swap keeps every rule and changes the tier's value by exactly
    the parts' difference. SCIP leaves Python's lock while it searches."""

    def __init__(self, held: dict[Var, int], search: Callable[[], Apart]) -> None:
        self.held = held
        self._outcome: list[Apart] = []
        self._failure: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(search,), name="parts apart")
        self._thread.start()

    def _run(self, search: Callable[[], Apart]) -> None:
        try:
            self._outcome.append(search())
        except BaseException as exc:  # re-raised by `result` in the caller's thread
            self._failure.append(exc)

    def result(self) -> Apart:
        self._thread.join()
        if self._failure:
            raise self._failure[0]
        return self._outcome[0]


def plan_apart_beside(
    model: Model,
    terms: Terms,
    deployment: set[Var],
    time_limit: float,
    tier: int,
    start: dict[Var, int],
    deterministic_time: float | None = None,
) -> Beside | None:
    """`plan_apart` begun in a thread; None when `start` does not give the parts a plan
    keeping their rules for the rest to hold meanwhile (then plan them first instead)."""
    parts = parts_apart(model, deployment, tier)
    variables = set().union(*parts)
    if not variables <= start.keys():
        return None
    held = {v: start[v] for v in variables}
    if not _keeps(model, held, tier):
        return None
    stop = _Stop()
    return Beside(
        held,
        lambda: INTERRUPTION.run(
            lambda: _plan_parts(
                model, terms, parts, time_limit, tier, start, stop, deterministic_time
            ),
            stop,
        ),
    )


def plan_apart(
    model: Model,
    terms: Terms,
    deployment: set[Var],
    time_limit: float,
    tier: int = 1,
    start: dict[Var, int] | None = None,
    deterministic_time: float | None = None,
) -> Apart:
    """The parts of `tier` no chain of rules links to a `deployment` variable, each
    searched exactly in turn within an even share of what is left of `time_limit`, and
    stoppable by Ctrl-C (the best found so far stands).

    `start` (the greedy's plan) is each search's hint and the part's plan unless the search
    beats it: the weak links between a yes/no choice and its quantities leave a search
    alone far from the greedy plan in a few seconds, and with no time at all the start is
    still a plan. Ctrl-C at any point ends the search, or skips those not begun, and the
    best plan so far (the start) stands. With `deterministic_time` each search also stops
    after its share of `NODES_PER_SECOND` nodes a second of it, so that a run cut short
    gives the same plan on any machine that reaches that many in `time_limit`. A part
    without a plan keeping its rules is left out of the result (and so to the rest)."""
    stop = _Stop()
    parts = parts_apart(model, deployment, tier)
    return INTERRUPTION.run(
        lambda: _plan_parts(model, terms, parts, time_limit, tier, start, stop, deterministic_time),
        stop,
    )


@dataclass(eq=False)  # each search's own: told apart by identity, never by its fields
class _Stop:
    """Ctrl-C's way into the parts' planning: before a search, the search is skipped;
    during it, the search is interrupted and returns the best it found."""

    requested: bool = False
    solver: pywraplp.Solver | None = None

    def __call__(self) -> None:
        self.requested = True
        if self.solver is not None:
            self.solver.InterruptSolve()


def _plan_parts(
    model: Model,
    terms: Terms,
    parts: list[set[Var]],
    time_limit: float,
    tier: int,
    start: dict[Var, int] | None,
    stop: _Stop,
    deterministic_time: float | None,
) -> Apart:
    """Every part planned in turn, and their plans and bounds added up."""
    ends = time.perf_counter() + time_limit
    planned = []
    for n, part in enumerate(parts):
        left = max(0.0, ends - time.perf_counter()) / (len(parts) - n)
        nodes = (
            None
            if deterministic_time is None
            else math.ceil(NODES_PER_SECOND * deterministic_time / len(parts))
        )
        planned.append(_plan(model, terms, part, left, tier, start, stop, nodes))
    held = [(part, a) for part, a in zip(parts, planned, strict=True) if a.values]
    # A component of one variable (a need no one can meet) is no plan worth naming.
    tied = {v for c in model.constraints if c.tier <= tier and len(c.terms) > 1 for v, _ in c.terms}
    named = {model.variables[v].rule.family for part, _a in held for v in part & tied}
    families = {_WORDS.get(family, family) for family in named}
    return Apart(
        {v: x for _part, a in held for v, x in a.values.items()},
        sum(a.value for _part, a in held),
        sum(a.proven for _part, a in held),
        sum(a.relaxed for _part, a in held),
        sum(a.trivial for _part, a in held),
        tuple(sorted(families)),
    )


def _plan(
    model: Model,
    terms: Terms,
    part: set[Var],
    time_limit: float,
    tier: int,
    start: dict[Var, int] | None,
    stop: _Stop,
    nodes: int | None,
) -> Apart:
    """One part's plan (the search's or the start, the better) and bounds."""
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
    searched, proven = _search(model, coefficients, part, tier, time_limit, found, nodes, stop)
    kept = [plan for plan in [*found, *searched] if _keeps(model, plan, tier)]
    values = min(kept, key=lambda plan: _value(coefficients, plan), default={})
    if proven is None:  # no search's bound: the LP's, rounded up after allowing for error
        proven = trivial if optimum is None else _ceil(optimum, -TOLERANCE)
    value = _value(coefficients, values) if values else 0
    if values:
        proven = min(proven, value)
    proven = max(proven, trivial)
    # What an LP-based bound of the whole counts for the part, allowing for error upwards.
    relaxed = proven if optimum is None else _ceil(optimum, TOLERANCE)
    return Apart(values, value, proven, relaxed, trivial)


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
    # SCIP's own Ctrl-C handler would take the signal from the planner's and end the
    # search only tens of seconds later; InterruptSolve (from `stop`) ends it within one.
    parameters = "misc/catchctrlc = FALSE\n"
    if nodes is not None:
        parameters += f"limits/nodes = {nodes}\n"
    set_parameters(solver, parameters)
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


def parts_apart(model: Model, deployment: set[Var], tier: int) -> list[set[Var]]:
    """The variables that no chain of rules up to `tier` links to a deployment variable
    (connected components by union-find over the rules), as one part per set of rule
    families its components' variables belong to, smallest first."""
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
    linked = sorted({v for c in model.constraints if c.tier <= tier for v, _k in c.terms})
    components: dict[int, list[Var]] = defaultdict(list)
    for v in linked:
        if root(v) not in reached:
            components[root(v)].append(v)
    parts: dict[frozenset[object], set[Var]] = {}
    for variables in components.values():
        families = frozenset(model.variables[v].rule.family for v in variables)
        parts.setdefault(families, set()).update(variables)
    # Smallest first: a part proven early leaves its unused time to the larger ones.
    return sorted(parts.values(), key=lambda part: (len(part), min(part)))
