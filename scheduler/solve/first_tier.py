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
from scheduler.solve.apart import NOTHING, Apart, Beside, plan_apart, plan_apart_beside
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


def plan_first_tier(
    built: BuiltModel,
    settings: SolverSettings,
    backend: Backend,
    tiers: Sequence[int],
    values: list[int] | None,
    start: list[int] | None,
    warm_starts: Sequence[dict[Var, int]],
    progress: Progress,
) -> tuple[Apart, PatternOutcome | None, str]:
    """The parts apart (beside whole schedules where two workers can share the work,
    else first) and tier 1 by whole schedules where the model allows it, with the path's
    description; no whole-schedules outcome on the direct path."""
    whole = settings.path == "patterns" and tiers[0] == built.unmet_tier == 1
    beside = parts_apart_beside(built, settings, tiers, values, progress) if whole else None
    apart = (
        NOTHING if beside is not None else parts_apart(built, settings, tiers[0], values, progress)
    )
    held = beside.held if beside is not None else apart.values
    patterns, path = None, DIRECT
    if whole and not INTERRUPTION.requested:
        patterns, path = whole_schedules(
            built, settings, backend, tiers, held, warm_starts, progress
        )
    if beside is not None:
        apart = beside.result()
    if patterns is not None:
        patterns, better_start = with_parts_apart(built, patterns, apart, held, start)
        path += "; the starting plan was better" if better_start else ""
    return apart, patterns, path


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


def parts_apart_beside(
    built: BuiltModel,
    settings: SolverSettings,
    tiers: Sequence[int],
    values: list[int] | None,
    progress: Progress,
) -> Beside | None:
    """The parts apart planned in a thread while whole schedules plan the rest, given two
    search workers or more (one works on each) and a start for the parts to be held at
    meanwhile; they then have the whole-schedules budget where alone they have
    `APART_SHARE` of the limit before it. None otherwise: plan them first."""
    if settings.workers < 2:
        return None
    first = tiers[0]
    progress.stage("planning the parts apart beside whole schedules")
    return plan_apart_beside(
        built.model,
        tier_terms(built.penalties, first),
        built.staff.deployment(),
        _pattern_budget(settings, tiers),
        first,
        dict(enumerate(values)) if values is not None else built.model.hints,
        deterministic_time=settings.deterministic_time,
    )


def _pattern_budget(settings: SolverSettings, tiers: Sequence[int]) -> float:
    return (PATTERN_SHARE if len(tiers) > 1 else 1.0) * settings.time_limit


def whole_schedules(
    built: BuiltModel,
    settings: SolverSettings,
    backend: Backend,
    tiers: Sequence[int],
    held: dict[Var, int],
    warm_starts: Sequence[dict[Var, int]],
    progress: Progress,
) -> tuple[PatternOutcome | None, str]:
    """Tier 1 by whole schedules with the parts apart `held` at their plan (or, planned
    beside, at their start until `with_parts_apart` swaps their own plan in), and the
    path's description; no outcome when the model has a rule the pattern path does not
    carry."""
    progress.stage("planning whole schedules")
    first = tiers[0]
    stop = threading.Event()
    try:
        # Stoppable by Ctrl-C like a search: the best plan so far stands.
        patterns = INTERRUPTION.run(
            lambda: solve_tier_one(
                built,
                settings,
                warm_starts,
                _pattern_budget(settings, tiers),
                lambda partial: complete_plan(backend, built, first, {**partial, **held}, settings),
                stop,
                held,
            ),
            stop.set,
        )
    except Declined as why:
        return None, f"{DIRECT} (whole schedules cannot be used: {why})"
    return patterns, patterns.description


def with_parts_apart(
    built: BuiltModel,
    patterns: PatternOutcome,
    apart: Apart,
    held: dict[Var, int],
    start: list[int] | None,
) -> tuple[PatternOutcome, bool]:
    """The whole-schedules plan with the parts apart at their own plan (they were `held`
    at their start while planned beside; they share no rule of tier 1 with the rest, so
    the swap keeps every rule), the bound with their own proof in place of the held value
    column generation counted; and whether the starting plan, so completed, was better
    (the deployment's tests could not be booked well in time: the search then starts from
    it, the bound still stands)."""
    terms = tier_terms(built.penalties, 1)
    values = apart_in(patterns.values, apart)
    held_value = sum(k * held[v] for v, k in terms if v in held)
    patterns = replace(
        patterns,
        values=values,
        objective=terms_value(terms, values),
        bound=patterns.bound - held_value + apart.proven,
    )
    if start is not None:
        start = apart_in(start, apart)
        if tier_value(built, start, 1) < patterns.objective:
            return replace(patterns, values=start, objective=tier_value(built, start, 1)), True
    return patterns, False


def apart_in(values: list[int], apart: Apart) -> list[int]:
    """`values` with the parts apart at their own plan."""
    out = list(values)
    for v, x in apart.values.items():
        out[v] = x
    return out
