"""What tier 1's search starts from when its stages are not the whole story: the parts
planned apart from the deployment, and the whole-schedules plan with its proven bound.

Kept apart from the tier loop (`scheduler.solve.tiers`) because both are planned once,
before any tier is searched, each with its own solver and proof; the loop only reads their
outcome.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace

from constraints.build import BuiltModel
from constraints.model import Var, terms_value, tier_terms
from scheduler.solve.apart import Apart, plan_apart
from scheduler.solve.completion import WARM_START_SHARE, complete_plan
from scheduler.solve.interrupt import INTERRUPTION
from scheduler.solve.patterns.blocks import Declined
from scheduler.solve.patterns.path import PatternOutcome, solve_tier_one
from scheduler.solve.settings import Backend, Progress, SolverSettings

DIRECT = "the direct model"
"""The path's name when tier 1 is searched over the whole model."""

PATTERN_SHARE = 0.8
"""Share of the time limit tier 1 by whole schedules may use: its plan is near the best
and proven so, and the later tiers only polish it; at a short limit a smaller share
leaves no time for a dive."""

APART_SHARE = WARM_START_SHARE
"""Share of the time limit for planning the parts of tier 1 apart from the deployment."""


def tier_value(built: BuiltModel, values: list[int], tier: int) -> int:
    """A plan's value by one tier's terms, for comparing plans across stages."""
    return terms_value(tier_terms(built.penalties, tier), values)


def parts_apart(
    built: BuiltModel,
    settings: SolverSettings,
    first: int,
    values: list[int] | None,
    progress: Progress,
) -> Apart:
    """Tier 1's parts that share no rule with the deployment (PPE's drops, officers'
    visits), planned once up front: their yes/no choices would otherwise leave every
    completion's LP fractional, and the whole-schedules master would carry them into
    every dive. They start from the whole starting plan, or else (a re-plan) from the
    model's hints of their own variables (the greedy's), so that a plan comes back
    however short the time."""
    progress.stage("planning the parts apart")
    return plan_apart(
        built.model,
        tier_terms(built.penalties, first),
        built.staff.deployment(),
        settings.time_limit * APART_SHARE,
        first,
        dict(enumerate(values)) if values is not None else built.model.hints,
        deterministic_time=settings.deterministic_time,
    )


def whole_schedules(
    built: BuiltModel,
    settings: SolverSettings,
    backend: Backend,
    tiers: Sequence[int],
    apart: Apart,
    start: list[int] | None,
    warm_starts: Sequence[dict[Var, int]],
    progress: Progress,
) -> tuple[PatternOutcome | None, str]:
    """Tier 1 by whole schedules, and the path's description; no outcome when the model
    has a rule the pattern path does not carry. Its bound counts the parts apart by their
    own proof, and a better starting plan replaces its plan (the bound still stands)."""
    progress.stage("planning whole schedules")
    first = tiers[0]
    share = PATTERN_SHARE if len(tiers) > 1 else 1.0
    stop = threading.Event()
    try:
        # Stoppable by Ctrl-C like a search: the best plan so far stands.
        patterns = INTERRUPTION.run(
            lambda: solve_tier_one(
                built,
                settings,
                warm_starts,
                share * settings.time_limit,
                lambda partial: complete_plan(
                    backend, built, first, {**partial, **apart.values}, settings
                ),
                stop,
                apart.values,
            ),
            stop.set,
        )
    except Declined as why:
        return None, f"{DIRECT} (whole schedules cannot be used: {why})"
    path = patterns.description
    # Column generation held the parts apart at their plan; their own proof counts.
    patterns = replace(patterns, bound=patterns.bound - apart.value + apart.proven)
    if start is not None and tier_value(built, start, first) < patterns.objective:
        # The starting plan is better (the deployment's tests could not be booked well
        # in time): the search starts from it, the bound still stands.
        patterns = replace(patterns, values=start, objective=tier_value(built, start, 1))
        path += "; the starting plan was better"
    return patterns, path
