"""Lexicographic solving: each objective tier in turn, within one shared time limit.

Tier k is minimised with every earlier tier held at its value (plus the policy's
tolerance), hinted with the previous stage's plan. Solving in stages keeps each objective's
coefficients small and exact, where one weighted sum would need coefficients large enough
to overflow exact integer arithmetic; it also states the priority order literally.

The tier loop and the helpers only it reads; what tier 1 starts from (the parts planned
apart, whole schedules) is in `first_tier`, completing a partial plan in `completion`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from constraints.build import BuiltModel
from constraints.model import (
    Model,
    Terms,
    Var,
    check_exact,
    terms_value,
    tier_terms,
    trivial_bound,
)
from scheduler.plan import StageResult
from scheduler.solve.apart import NOTHING, Apart
from scheduler.solve.backends import make_backend
from scheduler.solve.completion import complete_plan, repair_free_variables
from scheduler.solve.first_tier import DIRECT, plan_first_tier, tier_value
from scheduler.solve.interrupt import INTERRUPTION
from scheduler.solve.lp import lp_relaxation_bound
from scheduler.solve.patterns.path import PatternOutcome
from scheduler.solve.settings import QUIET, Backend, Progress, SolverSettings, StageOutcome

FIRST_TIER_SHARE = 0.6
"""Share of the time limit the first tier may use; later tiers split what is left."""

UNIMPROVED = "UNIMPROVED"
"""A stage's status when its search ended without beating the plan it started from."""

BackendFactory = Callable[[Model, SolverSettings], Backend]


@dataclass
class Solution:
    status: str
    values: list[int] | None
    stages: list[StageResult]
    diagnosis: list[str]
    interrupted: bool = False
    """Ctrl-C ended the search early; the plan is the best found until then."""
    failure: str = ""
    """The solver failed (how, in words); the plan is the best it reported, or the start."""
    path: str = ""
    """How tier 1 was planned, in words."""

    @property
    def found(self) -> bool:
        return self.values is not None


def gap(objective: float, bound: float) -> float:
    return abs(objective - bound) / max(1.0, abs(objective))


def solve(
    built: BuiltModel,
    settings: SolverSettings,
    warm_starts: Sequence[dict[Var, int]] = (),
    backend_factory: BackendFactory = make_backend,
    progress: Progress = QUIET,
) -> Solution:
    """`model.hints` (if any) is a complete starting plan, used only if it keeps every
    rule; each of `warm_starts`, values of some variables, is in turn completed optimally
    for tier 1 (ties broken by a re-plan's stability tier), and the first that completes
    becomes the starting plan unless it is worse than the hint. The plan returned is never
    worse than the starting plan by the tiers, taken in order, whatever the backend did."""
    backend = backend_factory(built.model, settings)
    backend.on_solution = progress.found
    try:
        return _tiers(built, settings, backend, warm_starts, progress)
    finally:
        backend.close()  # before the plan is extracted, which peaks on top of it otherwise


def _tiers(
    built: BuiltModel,
    settings: SolverSettings,
    backend: Backend,
    warm_starts: Sequence[dict[Var, int]],
    progress: Progress,
) -> Solution:
    # A scenario with nothing to want still gets one feasibility solve (tier 1, empty).
    tiers = [t for t in sorted(built.tier_names) if tier_terms(built.penalties, t)] or [1]
    # The LP bound is extra work on top of the search's time limit, not part of it.
    lp = (
        lp_relaxation_bound(
            built.model, tier_terms(built.penalties, tiers[0]), settings.time_limit, tiers[0]
        )
        if settings.lp_bound
        else None
    )
    run = _TierRun(built, settings, backend, progress, tiers, lp)
    return run.solve(warm_starts)


@dataclass
class _TierRun:
    """One lexicographic solve: the tiers in turn, the plan so far carried between them."""

    built: BuiltModel
    settings: SolverSettings
    backend: Backend
    progress: Progress
    tiers: list[int]
    lp: float | None
    deadline: float = field(init=False)
    values: list[int] | None = None
    """The best complete plan so far: the hint, then each stage's result."""
    start: list[int] | None = None
    """The plan to beat: a complete hint keeping the rules of every tier (the greedy plan)."""
    patterns: PatternOutcome | None = None
    path: str = DIRECT
    stages: list[StageResult] = field(default_factory=list)
    failure: str = ""
    apart: Apart = NOTHING
    """The parts of tier 1 no deployment reaches (PPE, visits), planned once with their own
    proof; their plan is held in every completion and dive (`scheduler.solve.apart`)."""

    def __post_init__(self) -> None:
        self.deadline = time.perf_counter() + self.settings.time_limit

    def solve(self, warm_starts: Sequence[dict[Var, int]]) -> Solution:
        self._hinted()
        self.apart, self.patterns, self.path = plan_first_tier(
            self.built,
            self.settings,
            self.backend,
            self.tiers,
            self.values,
            self.start,
            warm_starts,
            self.progress,
        )
        if self.patterns is None:
            self._completed(warm_starts)
        if self.values is not None:
            self.backend.set_hint(dict(enumerate(self.values)))
        for n, tier in enumerate(self.tiers):
            self.progress.stage(f"solving tier {n + 1} of {len(self.tiers)}")
            terms = tier_terms(self.built.penalties, tier)
            check_exact(self.built.model, terms, f"tier {tier}")
            self.backend.include_tier(tier)
            self.backend.minimize(terms)
            if n == 0 and self._proven_by_patterns(tier, terms):
                if INTERRUPTION.requested:
                    break
                continue
            no_plan = self._search(n, tier, terms)
            if no_plan is not None:
                return no_plan
            if INTERRUPTION.requested or self.failure:
                break
            _hold(self.backend, self.built, terms, tier, self.stages[-1].objective, self._plan)
        return self._solution()

    @property
    def _plan(self) -> list[int]:
        assert self.values is not None  # every stage holds a plan (a start, or the search's)
        return self.values

    def _hinted(self) -> None:
        model = self.built.model
        if len(model.hints) == len(model.variables):
            hinted = [model.hints[v] for v in range(len(model.variables))]
            if not model.violations(hinted, max(self.built.tier_names)):
                self.values = self.start = hinted
            elif not model.violations(hinted, self.tiers[0]):
                self.values = hinted

    def _completed(self, warm_starts: Sequence[dict[Var, int]]) -> None:
        """The first warm start that completes, unless the starting plan is better."""
        if warm_starts:
            self.progress.stage("completing the starting plan")
        first = self.tiers[0]
        for partial in warm_starts:
            completed = complete_plan(
                self.backend, self.built, first, {**partial, **self.apart.values}, self.settings
            )
            if completed is not None:
                if self.start is None or tier_value(self.built, completed, first) <= tier_value(
                    self.built, self.start, first
                ):
                    self.values = completed
                return

    def _proven_by_patterns(self, tier: int, terms: Terms) -> bool:
        """Tier 1 settled by whole schedules (proven, or stopped by Ctrl-C); else the direct
        search starts from their plan, knowing the bound, and stops as soon as it meets it."""
        patterns = self.patterns
        if patterns is None:
            return False
        self.values = patterns.values
        if patterns.proven or INTERRUPTION.requested:
            self.stages.append(_by_patterns(self.built, tier, patterns, self.lp))
            self.progress.found(patterns.objective)
            if not INTERRUPTION.requested:
                _hold(self.backend, self.built, terms, tier, patterns.objective, patterns.values)
            return True
        self.backend.set_hint(dict(enumerate(patterns.values)))
        self.backend.bound_objective(terms, patterns.bound, None, f"proven_bound_tier{tier}")
        self.path += "; then the direct model from that plan"
        return False

    def _search(self, n: int, tier: int, terms: Terms) -> Solution | None:
        """Search the tier within its share of the time left and record its stage; a
        Solution without a plan when the rules cannot hold or nothing was found."""
        model = self.built.model
        if n > 0 and self.values is not None:
            self.values = repair_free_variables(
                self.backend, model, tier, terms, self.values, self.deadline
            )
        remaining = max(0.0, self.deadline - time.perf_counter())
        later = len(self.tiers) - n - 1
        budget = remaining * (FIRST_TIER_SHARE if n == 0 and later else 1 / (later + 1))
        if INTERRUPTION.requested:  # Ctrl-C before this search began: the plan in hand
            budget = 0.0
        outcome = self.backend.solve(budget)
        values = self.values
        if (
            outcome.status == "INFEASIBLE"
            and values is not None
            and not model.violations(values, tier)
        ):
            # A plan that keeps every rule is in hand, so the claim is a solver fault (CBC's
            # preprocessing can make it); the plan stands, unimproved.
            outcome = StageOutcome(status="UNKNOWN", seconds=outcome.seconds)
        # Only the first stage can prove the hard rules infeasible: later ones start from a plan.
        if (n == 0 and outcome.status == "INFEASIBLE") or (
            outcome.values is None and values is None
        ):
            diagnosis = []
            if outcome.status == "INFEASIBLE":
                # Diagnosis loads CP-SAT into this process; only a model with no plan needs it.
                from scheduler.solve.diagnose import conflicting_rules

                diagnosis = conflicting_rules(model, self.settings, self.settings.time_limit)
            return Solution(outcome.status, None, self.stages, diagnosis)
        if outcome.values is not None and (
            values is None
            or _ranked(self.built, terms, outcome.values) <= _ranked(self.built, terms, values)
        ):
            self.values = outcome.values
        elif outcome.values is not None:
            # A search that returns worse than it started from (a backend cut short far
            # from the hint): the plan it started from stands.
            outcome = StageOutcome(status=UNIMPROVED, seconds=outcome.seconds)
        self.stages.append(self._stage(n, tier, terms, outcome))
        self.progress.found(self.stages[-1].objective)
        self.failure = outcome.failure
        return None

    def _stage(self, n: int, tier: int, terms: Terms, outcome: StageOutcome) -> StageResult:
        """The stage's result, with the tightest valid bound any source proved."""
        objective = terms_value(terms, self._plan)
        # A search stopped early can report a bound below the variables' own (a negative
        # bound on a sum of non-negative terms); both are valid, so take the tighter.
        bound = max(
            outcome.best_bound
            if outcome.values is not None and outcome.best_bound is not None
            else -math.inf,
            trivial_bound(self.built.model, terms) + (self.apart.over_trivial if n == 0 else 0),
        )
        source = self.settings.solver  # the search's own bound, named by its solver
        patterns, lp = self.patterns, self.lp
        if n == 0 and patterns is not None and patterns.bound >= bound:
            bound, source = min(patterns.bound, objective), "column-generation"
        if n == 0 and lp is not None and lp + self.apart.over_relaxation > bound:
            # The relaxation counts the part apart at its LP optimum; its own proof adds.
            bound, source = min(lp + self.apart.over_relaxation, objective), "lp-relaxation"
        return StageResult(
            tier=tier,
            name=self.built.tier_names[tier],
            # No better plan found in time: the starting plan stands, unimproved.
            status=outcome.status if outcome.values is not None else UNIMPROVED,
            objective=objective,
            best_bound=bound,
            gap=gap(objective, bound),
            seconds=outcome.seconds + (patterns.seconds if n == 0 and patterns else 0.0),
            bound_source=source,
            lp_bound=lp if n == 0 else None,
        )

    def _solution(self) -> Solution:
        """The plan, or the starting plan where the stages ended worse by the tiers."""
        values, stages = self._plan, self.stages
        start = self.start
        if start is not None and _lexicographic(self.built, start, stages) < _lexicographic(
            self.built, values, stages
        ):
            values, stages = start, _restated(self.built, start, stages)
        finished = len(stages) == len(self.tiers)
        optimal = finished and all(s.status == "OPTIMAL" for s in stages)
        return Solution(
            "OPTIMAL" if optimal else "FEASIBLE",
            values,
            stages,
            [],
            interrupted=INTERRUPTION.requested,
            failure=self.failure,
            path=self.path + self.apart.description,
        )


def _hold(
    backend: Backend,
    built: BuiltModel,
    terms: Terms,
    tier: int,
    objective: float,
    values: list[int],
) -> None:
    """Keep a solved tier at its value (within the policy's tolerance) for the tiers after
    it, and start them from its plan."""
    slack = math.floor(model_tolerance(built) * abs(objective))
    backend.bound_objective(terms, None, int(objective) + slack, f"objective_tier{tier}")
    backend.set_hint(dict(enumerate(values)))


def _by_patterns(
    built: BuiltModel, tier: int, patterns: PatternOutcome, lp: float | None
) -> StageResult:
    """Tier 1 by whole schedules alone: optimal when its plan meets the bound column
    generation proved, else (stopped by Ctrl-C) the plan so far against that bound."""
    objective = float(patterns.objective)
    bound = float(min(patterns.bound, patterns.objective))
    return StageResult(
        tier=tier,
        name=built.tier_names[tier],
        status="OPTIMAL" if patterns.proven else "FEASIBLE",
        objective=objective,
        best_bound=bound,
        gap=gap(objective, bound),
        seconds=round(patterns.seconds, 3),
        bound_source="column-generation",
        lp_bound=lp,
    )


def _ranked(built: BuiltModel, terms: Terms, values: list[int]) -> tuple[int, int]:
    """A stage's plan by its own tier, ties broken by a re-plan's changes: a search that
    only matches the plan in hand does not replace it with one that moves more."""
    tie = built.stability_tier
    changes = tier_value(built, values, tie) if tie is not None else 0
    return terms_value(terms, values), changes


def _lexicographic(
    built: BuiltModel, values: list[int], stages: Sequence[StageResult]
) -> tuple[int, ...]:
    """A plan's value in each tier solved, in priority order (smaller is better). Tiers not
    reached (a stopped search) are left out: their variables were never brought in line."""
    return tuple(tier_value(built, values, stage.tier) for stage in stages)


def _restated(
    built: BuiltModel, values: list[int], stages: Sequence[StageResult]
) -> list[StageResult]:
    """The stages' results for the starting plan, kept because the search's plan is worse
    (tolerance traded an earlier tier away, or a backend returned a poorer plan)."""
    restated = []
    for stage in stages:
        objective = float(tier_value(built, values, stage.tier))
        restated.append(
            stage.model_copy(
                update={
                    "status": UNIMPROVED,
                    "objective": objective,
                    "gap": gap(objective, stage.best_bound),
                }
            )
        )
    return restated


def model_tolerance(built: BuiltModel) -> float:
    return built.ctx.policy.objective.tier_tolerance
