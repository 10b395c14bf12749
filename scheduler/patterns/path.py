"""Tier 1 by whole schedules: column generation for the bound, the integer master for the
plan, both within a time budget.

The starting deployments (the greedy's, a re-plan's previous one) enter the master as its
first schedules, so the plan over the columns is never worse than the best of them. The
integer master is told the bound, and stops as soon as a plan meets it.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scenarios.schema import Role, Shift
from scheduler.build import BuiltModel
from scheduler.lp import lp_completion
from scheduler.model import Model, Terms, Var, tier_terms
from scheduler.patterns.blocks import Declined, Split, split
from scheduler.patterns.integer import column_model, deployment_values, schedule_hint
from scheduler.patterns.master import InfeasibleBlock, Master
from scheduler.patterns.pricing import Pricer, Schedule
from scheduler.settings import Backend, SolverSettings

COLUMN_GENERATION_SHARE = 0.5
"""Share of the budget column generation may use before the integer master starts."""

BOUND_SAFETY = 1e-7
"""Relative allowance for floating-point error in the bound, before rounding it up to the
integer objective's next value."""

BackendFactory = Callable[[Model, SolverSettings], Backend]


@dataclass
class PatternOutcome:
    values: list[int]
    """The plan: a value for every variable of the built model, every tier-1 rule kept."""
    objective: int
    bound: int
    """A proven lower bound on tier 1 (the best Lagrangian bound, rounded up)."""
    seconds: float
    description: str
    """How the plan was found, for the summary."""

    @property
    def proven(self) -> bool:
        return self.objective <= self.bound


def solve_tier_one(
    built: BuiltModel,
    settings: SolverSettings,
    starts: Sequence[dict[Var, int]],
    budget: float,
    backend_factory: BackendFactory,
) -> PatternOutcome:
    """Raises Declined when the model has a rule the pattern path does not carry, or a
    worker who must work has no schedule (the direct model then finds the conflict)."""
    started = time.perf_counter()
    deadline = started + budget
    parts = split(built)
    terms = tier_terms(built.penalties, 1)
    ctx = built.ctx
    pricer = Pricer(parts.blocks, ctx.days, ctx.policy, parts.var_rows, parts.cost)
    master = Master(built.model, parts, terms, pricer)
    for start in starts:
        for schedule in _schedules(built, parts, start):
            master.add(schedule)
    scale = max((abs(k) for _v, k in terms), default=1)
    try:
        result = master.run(started + COLUMN_GENERATION_SHARE * budget, scale)
    except InfeasibleBlock as e:
        raise Declined("a pinned or kept worker has no schedule keeping every rule") from e
    bound = _rounded(result.bound)
    dived = master.dive(deadline, scale)
    first = _schedules(built, parts, starts[0]) if starts else []
    taken = dived if dived is not None else [(s, 1) for s in first]
    values = _completed(built, parts, terms, taken, deadline)
    if values is None:
        raise Declined("the deployment could not be completed in time")
    if POLISH and _value(terms, values) > bound:
        polished = _polish(master, terms, bound, taken, values, settings, deadline, backend_factory)
        if polished is not None:
            better = _completed(built, parts, terms, polished, deadline)
            if better is not None and _value(terms, better) < _value(terms, values):
                values = better
    how = (
        f"whole schedules: {result.rounds} rounds of column generation "
        f"({'converged' if result.converged else 'stopped by the time limit'}), "
        f"{len(master.pool.schedules):,} schedules, {settings.solver} over them"
    )
    return PatternOutcome(
        values, _value(terms, values), bound, time.perf_counter() - started, how
    )


POLISH = True


def _value(terms: Terms, values: list[int]) -> int:
    return sum(k * values[v] for v, k in terms)


def _completed(
    built: BuiltModel,
    parts: Split,
    terms: Terms,
    taken: list[tuple[Schedule, int]],
    deadline: float,
) -> list[int] | None:
    """The best plan with this deployment: testing and isolation by their LP, exact where
    its optimum is whole (their near-transportation structure makes it so)."""
    fixed = deployment_values(built, parts, taken)
    budget = max(1.0, deadline - time.perf_counter())
    return lp_completion(built.model, terms, fixed, budget, 1, None, lambda _held: None)


def _polish(
    master: Master,
    terms: Terms,
    bound: int,
    taken: list[tuple[Schedule, int]],
    values: list[int],
    settings: SolverSettings,
    deadline: float,
    backend_factory: BackendFactory,
) -> list[tuple[Schedule, int]] | None:
    """The integer master over every schedule generated, started from `taken`."""
    columns, mapped, chosen, objective = column_model(master, terms, bound)
    backend = backend_factory(columns, settings)
    try:
        backend.minimize(objective)
        backend.set_hint(schedule_hint(master, mapped, chosen, taken, values))
        outcome = backend.solve(max(0.05, deadline - time.perf_counter()))
    finally:
        backend.close()
    if outcome.values is None:
        return None
    return [
        (s, outcome.values[var])
        for s, var in zip(master.pool.schedules, chosen, strict=True)
        if outcome.values[var]
    ]


def _rounded(bound: float) -> int:
    """The least integer objective the bound allows, after allowing for rounding error."""
    if not math.isfinite(bound):
        return 0
    return math.ceil(bound - BOUND_SAFETY * max(1.0, abs(bound)))


def _schedules(built: BuiltModel, parts: Split, start: dict[Var, int]) -> list[Schedule]:
    """The schedules of a starting deployment (shift and test variables at 1)."""
    sv = built.staff
    block_of = {w: b for b, block in enumerate(parts.blocks) for w in block.workers}
    shifts: dict[tuple[str, str], list[tuple[int, Shift, Role, Var]]] = defaultdict(list)
    for (w, h, d, s, r), var in sv.shifts.items():
        if start.get(var) == 1 and w in block_of:
            shifts[w, h].append((d, s, r, var))
    tests = {w: (site, t, var) for (w, site, t), var in sv.tests.items() if start.get(var) == 1}
    return [
        Schedule(block_of[w], h, tuple(sorted(chosen, key=lambda x: x[0])), tests.get(w))
        for (w, h), chosen in sorted(shifts.items())
    ]

