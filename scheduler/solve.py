"""Lexicographic solving: each objective tier in turn, within one shared time limit.

Tier k is minimised with every earlier tier held at its value (plus the policy's
tolerance), hinted with the previous stage's plan. Solving in stages keeps each objective's
coefficients small and exact, where one weighted sum would need coefficients large enough
to overflow exact integer arithmetic; it also states the priority order literally.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from scheduler.build import TIERS, BuiltModel
from scheduler.cpsat import CpSatBackend
from scheduler.model import Model, check_exact, tier_terms
from scheduler.plan import StageResult
from scheduler.settings import SolverSettings

FIRST_TIER_SHARE = 0.6
"""Share of the time limit the first tier may use; later tiers split what is left."""

WARM_START_SHARE = 0.15
"""Share of the time limit for completing the heuristic's partial plan into a hint."""

BackendFactory = Callable[[Model, SolverSettings], CpSatBackend]


@dataclass
class Solution:
    status: str
    values: list[int] | None
    stages: list[StageResult]
    diagnosis: list[str]

    @property
    def found(self) -> bool:
        return self.values is not None


def gap(objective: float, bound: float) -> float:
    return abs(objective - bound) / max(1.0, abs(objective))


def solve(
    built: BuiltModel, settings: SolverSettings, backend_factory: BackendFactory = CpSatBackend
) -> Solution:
    model = built.model
    backend = backend_factory(model, settings)
    # A scenario with nothing to want still gets one feasibility solve (tier 1, empty).
    tiers = [t for t in sorted(TIERS) if tier_terms(built.penalties, t)] or [min(TIERS)]
    deadline = time.perf_counter() + settings.time_limit
    values: list[int] | None = None
    stages: list[StageResult] = []
    if model.hints:
        backend.minimize(tier_terms(built.penalties, tiers[0]))
        warm = backend.complete(model.hints, settings.time_limit * WARM_START_SHARE)
        if warm.values is not None:
            backend.set_hint(dict(enumerate(warm.values)))
    for n, tier in enumerate(tiers):
        terms = tier_terms(built.penalties, tier)
        check_exact(model, terms, f"tier {tier}")
        backend.minimize(terms)
        remaining = max(0.0, deadline - time.perf_counter())
        later = len(tiers) - n - 1
        budget = remaining * (FIRST_TIER_SHARE if n == 0 and later else 1 / (later + 1))
        outcome = backend.solve(budget)
        if outcome.values is None:
            if n == 0:
                diagnosis = (
                    backend.conflicting_families(settings.time_limit)
                    if outcome.status == "INFEASIBLE"
                    else []
                )
                return Solution(outcome.status, None, stages, diagnosis)
            stages.append(
                StageResult(
                    tier=tier,
                    name=TIERS[tier],
                    status="UNKNOWN",
                    objective=math.nan,
                    best_bound=math.nan,
                    gap=math.nan,
                    seconds=outcome.seconds,
                )
            )
            continue
        assert outcome.objective is not None and outcome.best_bound is not None
        values = outcome.values
        stages.append(
            StageResult(
                tier=tier,
                name=TIERS[tier],
                status=outcome.status,
                objective=outcome.objective,
                best_bound=outcome.best_bound,
                gap=gap(outcome.objective, outcome.best_bound),
                seconds=outcome.seconds,
            )
        )
        slack = math.floor(model_tolerance(built) * abs(outcome.objective))
        backend.bound_objective(terms, outcome.objective + slack, f"objective_tier{tier}")
        backend.set_hint(dict(enumerate(values)))
    status = "OPTIMAL" if all(s.status == "OPTIMAL" for s in stages) else "FEASIBLE"
    return Solution(status, values, stages, [])


def model_tolerance(built: BuiltModel) -> float:
    return built.ctx.policy.objective.tier_tolerance
