"""Lexicographic solving: each objective tier in turn, within one shared time limit.

Tier k is minimised with every earlier tier held at its value (plus the policy's
tolerance), hinted with the previous stage's plan. Solving in stages keeps each objective's
coefficients small and exact, where one weighted sum would need coefficients large enough
to overflow exact integer arithmetic; it also states the priority order literally.

The module stays whole at about 410 lines: one tier run and the helpers only it reads
(completing a partial plan into a hint is in `completion`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

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
from scheduler.solve.apart import NOTHING, Apart, Beside, plan_apart, plan_apart_beside
from scheduler.solve.backends import make_backend
from scheduler.solve.completion import WARM_START_SHARE, complete_plan, repair_free_variables
from scheduler.solve.interrupt import INTERRUPTION
from scheduler.solve.lp import lp_relaxation_bound
from scheduler.solve.patterns.blocks import Declined
from scheduler.solve.patterns.path import PatternOutcome, solve_tier_one
from scheduler.solve.settings import QUIET, Backend, Progress, SolverSettings, StageOutcome

DIRECT = "the direct model"
"""The path's name when tier 1 is searched over the whole model."""

FIRST_TIER_SHARE = 0.6
"""Share of the time limit the first tier may use; later tiers split what is left."""

PATTERN_SHARE = 0.8
"""Share of the time limit tier 1 by whole schedules may use: its plan is near the best
and proven so, and the later tiers only polish it; at a short limit a smaller share
leaves no time for a dive."""

APART_SHARE = WARM_START_SHARE
"""Share of the time limit for planning the parts of tier 1 apart from the deployment."""

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
        patterns = self.settings.path == "patterns" and self.tiers[0] == self.built.unmet_tier == 1
        beside = self._beside() if patterns else None
        if beside is None:
            self.apart = self._independent()
        if patterns and not INTERRUPTION.requested:
            self._whole_schedules(warm_starts, beside.held if beside else self.apart.values)
        if beside is not None:
            self.apart = beside.result()
        if self.patterns is not None:
            self._with_parts_apart(beside.held if beside else self.apart.values)
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

    def _beside(self) -> Beside | None:
        """The parts apart planned in a thread while whole schedules plan the rest, given
        two search workers or more (one works on each) and a start for the parts to be held
        at meanwhile; they then have the whole-schedules budget where alone they have
        `APART_SHARE` of the limit before it."""
        if self.settings.workers < 2:
            return None
        first = self.tiers[0]
        start = dict(enumerate(self.values)) if self.values is not None else self.built.model.hints
        self.progress.stage("planning the parts apart beside whole schedules")
        return plan_apart_beside(
            self.built.model,
            tier_terms(self.built.penalties, first),
            self.built.staff.deployment(),
            self._pattern_budget(),
            first,
            start,
            deterministic_time=self.settings.deterministic_time,
        )

    def _pattern_budget(self) -> float:
        return (PATTERN_SHARE if len(self.tiers) > 1 else 1.0) * self.settings.time_limit

    def _independent(self) -> Apart:
        """Tier 1's parts that share no rule with the deployment (PPE's drops, officers'
        visits), planned once up front: their yes/no choices would otherwise leave every
        completion's LP fractional, and the whole-schedules master would carry them into
        every dive. They start from the whole starting plan, or else (a re-plan) from the
        model's hints of their own variables (the greedy's), so that a plan comes back
        however short the time."""
        self.progress.stage("planning the parts apart")
        first = self.tiers[0]
        hints = self.built.model.hints
        return plan_apart(
            self.built.model,
            tier_terms(self.built.penalties, first),
            self.built.staff.deployment(),
            self.settings.time_limit * APART_SHARE,
            first,
            dict(enumerate(self.values)) if self.values is not None else hints,
            deterministic_time=self.settings.deterministic_time,
        )

    def _whole_schedules(self, warm_starts: Sequence[dict[Var, int]], held: dict[Var, int]) -> None:
        """Tier 1 by whole schedules, the parts apart `held` at their plan (or, planned
        beside, at their start until `_with_parts_apart` swaps their own plan in)."""
        self.progress.stage("planning whole schedules")
        built, first = self.built, self.tiers[0]
        stop = threading.Event()
        try:
            # Stoppable by Ctrl-C like a search: the best plan so far stands.
            patterns = INTERRUPTION.run(
                lambda: solve_tier_one(
                    built,
                    self.settings,
                    warm_starts,
                    self._pattern_budget(),
                    lambda partial: complete_plan(
                        self.backend, built, first, {**partial, **held}, self.settings
                    ),
                    stop,
                    held,
                ),
                stop.set,
            )
        except Declined as why:
            self.path = f"{DIRECT} (whole schedules cannot be used: {why})"
            return
        self.path = patterns.description
        self.patterns = patterns

    def _with_parts_apart(self, held: dict[Var, int]) -> None:
        """The whole-schedules plan with the parts apart at their own plan where it was
        made beside (they were `held` at their start), and the bound with their own proof
        in place of the held value column generation counted."""
        assert self.patterns is not None
        built, first = self.built, self.tiers[0]
        terms = tier_terms(built.penalties, first)
        values = self._apart_in(self.patterns.values)
        held_value = sum(k * held[v] for v, k in terms if v in held)
        patterns = replace(
            self.patterns,
            values=values,
            objective=terms_value(terms, values),
            bound=self.patterns.bound - held_value + self.apart.proven,
        )
        if self.start is not None and _value(built, self.start, first) < patterns.objective:
            # The starting plan is better (the deployment's tests could not be booked well
            # in time): the search starts from it, the bound still stands.
            start = self._apart_in(self.start)
            patterns = replace(patterns, values=start, objective=_value(built, start, 1))
            self.path += "; the starting plan was better"
        self.patterns = patterns

    def _apart_in(self, values: list[int]) -> list[int]:
        """`values` with the parts apart at their own plan."""
        out = list(values)
        for v, x in self.apart.values.items():
            out[v] = x
        return out

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
                if self.start is None or _value(self.built, completed, first) <= _value(
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
    changes = _value(built, values, tie) if tie is not None else 0
    return terms_value(terms, values), changes


def _value(built: BuiltModel, values: list[int], tier: int) -> int:
    return terms_value(tier_terms(built.penalties, tier), values)


def _lexicographic(
    built: BuiltModel, values: list[int], stages: Sequence[StageResult]
) -> tuple[int, ...]:
    """A plan's value in each tier solved, in priority order (smaller is better). Tiers not
    reached (a stopped search) are left out: their variables were never brought in line."""
    return tuple(_value(built, values, stage.tier) for stage in stages)


def _restated(
    built: BuiltModel, values: list[int], stages: Sequence[StageResult]
) -> list[StageResult]:
    """The stages' results for the starting plan, kept because the search's plan is worse
    (tolerance traded an earlier tier away, or a backend returned a poorer plan)."""
    restated = []
    for stage in stages:
        objective = float(_value(built, values, stage.tier))
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
