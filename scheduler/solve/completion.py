"""A plan made whole for the tiered solve: a partial plan (the heuristic's start, a
pattern path's deployment) completed into the best plan that keeps it, and a solved
plan's variables that only a later tier defines given their least consistent values, so
that each stage starts from a feasible hint."""

from __future__ import annotations

import time

from constraints.build import BuiltModel
from constraints.model import Model, Terms, Var, tier_terms
from scheduler.solve.lp import lp_completion
from scheduler.solve.settings import Backend, SolverSettings

WARM_START_SHARE = 0.15
"""Share of the time limit for completing the heuristic's partial plan into a hint."""


def complete_plan(
    backend: Backend,
    built: BuiltModel,
    tier: int,
    partial: dict[Var, int],
    settings: SolverSettings,
) -> list[int] | None:
    """The best plan that keeps `partial`: by LP when its optimum is integral (fast and
    exact on the city example), else by CP-SAT within a share of the time limit."""
    terms = tier_terms(built.penalties, tier)
    budget = settings.time_limit * WARM_START_SHARE
    backend.include_tier(tier)
    backend.minimize(terms)
    tie = built.stability_tier
    tie_break = (tie, tier_terms(built.penalties, tie)) if tie is not None else None

    def repair(held: dict[Var, int]) -> list[int] | None:
        if tie_break is None:
            return backend.complete(held, budget).values
        # Lexicographic in one objective: no change is worth a unit of tier 1.
        tie_tier, tie_terms = tie_break
        scale = 1 + sum(abs(c) * built.model.variables[v].ub for v, c in tie_terms)
        backend.include_tier(tie_tier)
        backend.minimize(_merged([(v, c * scale) for v, c in terms], tie_terms))
        try:
            return backend.complete(held, budget).values
        finally:
            backend.minimize(terms)

    exact = lp_completion(built.model, terms, partial, budget, tier, tie_break, repair)
    if exact is not None:
        return exact
    return backend.complete(partial, budget).values


def _merged(*parts: Terms) -> list[tuple[Var, int]]:
    total: dict[Var, int] = {}
    for terms in parts:
        for v, c in terms:
            total[v] = total.get(v, 0) + c
    return [(v, c) for v, c in total.items() if c]


def repair_free_variables(
    backend: Backend,
    model: Model,
    tier: int,
    terms: Terms,
    values: list[int],
    deadline: float,
) -> list[int]:
    """Give the variables defined only by this tier's rules (left free by earlier stages)
    their least values consistent with the plan so far, so the plan stays a feasible hint."""
    defined_earlier = {v for c in model.constraints if c.tier < tier for v, _ in c.terms}
    free = {v for v, _ in terms} - defined_earlier
    if not free:
        return values
    fixed = {v: x for v, x in enumerate(values) if v not in free}
    budget = max(0.1, min(2.0, deadline - time.perf_counter()))
    repaired = backend.complete(fixed, budget)
    if repaired.values is None:
        return values
    backend.set_hint(dict(enumerate(repaired.values)))
    return repaired.values
