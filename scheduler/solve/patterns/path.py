"""Tier 1 by whole schedules: column generation for the bound, dives for the plan, both
within a time budget.

The starting deployments (the greedy's, a re-plan's previous one) enter the master as its
first schedules. When no dive finishes in time, the first starting deployment, completed,
is the plan; the bound stands against whichever plan is returned.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from constraints.build import BuiltModel
from constraints.model import Terms, Var, terms_value, tier_terms, trivial_bound
from scenarios.schema import Role, Shift
from scenarios.words import count
from scheduler.solve.patterns.blocks import Declined, Split, split
from scheduler.solve.patterns.improve import Improved, improve
from scheduler.solve.patterns.master import INTEGRAL, InfeasibleBlock, Master, MasterResult
from scheduler.solve.patterns.previous import PreviousDeployment
from scheduler.solve.patterns.pricing import Pricer, Schedule
from scheduler.solve.settings import SolverSettings

COLUMN_GENERATION_SHARE = 0.7
"""Share of the budget column generation may use before the dives start."""

ROUNDS_PER_UNIT = 4
"""With `deterministic_time`, the column generation rounds each unit of it allows, and
`MOVES_PER_UNIT` the moves improving the dive: counted work, not seconds, so that a run
repeats its plan on any machine that does that work within the time limit (which then
only caps it)."""

MOVES_PER_UNIT = 2

BOUND_SAFETY = 1e-7
"""Relative allowance for floating-point error in the bound, before rounding it up to the
integer objective's next value."""

Completion = Callable[[dict[Var, int]], list[int] | None]
"""The best plan keeping a partial one (a deployment): every variable's value, or None."""


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
    complete: Completion,
    stop: threading.Event | None = None,
    held: dict[Var, int] | None = None,
) -> PatternOutcome:
    """Raises Declined when the model has a rule the pattern path does not carry, or a
    worker who must work has no schedule (the direct model then finds the conflict).
    `held` fixes parts that share no rule with the rest (`scheduler.solve.apart`): the
    master leaves out their variables and rules and counts their value as a constant, so
    the bound is one on plans that hold them. `stop`, once set, ends the work at its next
    step with the best plan so far."""
    started = time.perf_counter()
    deadline = started + budget
    held = held or {}
    parts = split(built, set(held))
    terms = tier_terms(built.penalties, 1)
    stop = stop or threading.Event()
    scale = max((abs(k) for _v, k in terms), default=1)
    free = [(v, k) for v, k in terms if v not in held]
    work = settings.deterministic_time
    rounds = None if work is None else max(1, math.ceil(ROUNDS_PER_UNIT * work))
    moves = None if work is None else max(1, math.ceil(MOVES_PER_UNIT * work))
    until = started + (COLUMN_GENERATION_SHARE if work is None else 1.0) * budget
    master, result = _column_generation(built, parts, free, starts, until, scale, stop, rounds)
    constant = sum(k * held[v] for v, k in terms if v in held)
    bound = _rounded(result.bound + constant, built, terms)
    previous = PreviousDeployment(built, parts) if built.previous else None
    if previous is not None:
        master.prefer(previous.nudge)
    best, best_taken = _plan_to_beat(built, parts, starts, complete, previous, stop)
    # The dive may run over the budget by a quarter, and hurries from the budget's end:
    # without a dive there is no plan to show for the work.
    grace = deadline + DIVE_GRACE * budget
    improved = None
    dived = None
    if best is None or terms_value(terms, best) > bound:
        dived = master.dive(grace, scale, DIVE_SHARE, hurry=deadline)
    if dived is not None:
        improved = improve(
            master, dived, deadline, moves, bound - constant, scale, settings.seed, stop
        )
        # A re-plan's tests and beds are completed, so that its changes break ties there too.
        # Rounding the dive's visits is the dive's last step, so it has the dive's grace.
        values = (
            _whole(built, parts, master, improved.taken, held, DIVE_GRACE * budget)
            if previous is None
            else None
        )
        if values is None and not stop.is_set():
            values = complete(deployment_values(built, parts, improved.taken, previous))
        if values is not None and (
            best is None or terms_value(terms, values) < terms_value(terms, best)
        ):
            best, best_taken = values, improved.taken
    if best is None:
        out_of_time = stop.is_set() or time.perf_counter() >= deadline
        best = _fallback(built, parts, best_taken, complete, out_of_time, previous, held)
    if best is None:
        raise Declined("no dive finished and the start could not be completed in time")
    seconds = time.perf_counter() - started
    how = _how(result, len(master.pool.schedules), dived is not None, improved, rounds)
    return PatternOutcome(best, terms_value(terms, best), bound, seconds, how)


def _plan_to_beat(
    built: BuiltModel,
    parts: Split,
    starts: Sequence[dict[Var, int]],
    complete: Completion,
    previous: PreviousDeployment | None,
    stop: threading.Event,
) -> tuple[list[int] | None, list[tuple[Schedule, int]]]:
    """The first start's schedules, the fallback when no dive finishes; for a re-plan
    also its plan, the previous deployment completed, which a dive replaces only by doing
    better in tier 1 (a fresh plan's start is completed only if no dive finishes)."""
    taken = [(s, 1) for s in _schedules(built, parts, starts[0])] if starts else []
    if previous is not None and taken and not stop.is_set():
        return complete(deployment_values(built, parts, taken, previous)), taken
    return None, taken


def _how(
    result: MasterResult,
    schedules: int,
    dived: bool,
    improved: Improved | None,
    most_rounds: int | None,
) -> str:
    """How the plan was made, for the summary's line on tier 1."""
    if result.converged:
        ended = "converged"
    elif most_rounds is not None and result.rounds >= most_rounds:
        ended = "stopped by the deterministic limit"
    else:
        ended = "stopped by the time limit"
    if improved is not None:
        after = f"a dive and {count(improved.moves, 'move')} ({improved.better} better)"
    else:
        after = "a dive" if dived else "no dive"
    return (
        f"whole schedules: {result.rounds} rounds of column generation ({ended}), "
        f"{schedules:,} schedules, {after}"
    )


def _column_generation(
    built: BuiltModel,
    parts: Split,
    terms: Terms,
    starts: Sequence[dict[Var, int]],
    until: float,
    scale: int,
    stop: threading.Event,
    rounds: int | None,
) -> tuple[Master, MasterResult]:
    """The master, seeded with the starting plans' schedules and grown by column
    generation until `until` (or convergence, or `rounds` rounds), and what that proved."""
    ctx = built.ctx
    pricer = Pricer(parts.blocks, ctx.days, ctx.policy, parts.var_rows, parts.cost)
    master = Master(built.model, parts, terms, pricer, stop)
    for start in starts:
        for schedule in _schedules(built, parts, start):
            master.add(schedule)
    try:
        return master, master.run(until, scale, rounds)
    except InfeasibleBlock as e:
        raise Declined("a pinned or kept worker has no schedule keeping every rule") from e


DIVE_SHARE = 0.2
"""The share of the fractional schedules each step of the dive rounds: coarse and fast,
since the moves after it (`improve`) do better with the time a finer dive would take
(docs/patterns.md has the figures)."""


DIVE_GRACE = 0.25
"""Share of the budget the dive may run past it."""


def _fallback(
    built: BuiltModel,
    parts: Split,
    start: list[tuple[Schedule, int]],
    complete: Completion,
    out_of_time: bool,
    previous: PreviousDeployment | None,
    held: dict[Var, int],
) -> list[int] | None:
    """The plan when no dive finished: the starting deployment completed while time is
    left, else the complete starting plan as it stands (completing a county's deployment
    takes longer than its whole budget); the bound stands against either."""
    if out_of_time:
        return _starting_plan(built, held) or complete(
            deployment_values(built, parts, start, previous)
        )
    return complete(deployment_values(built, parts, start, previous)) or _starting_plan(built, held)


def _starting_plan(built: BuiltModel, held: dict[Var, int]) -> list[int] | None:
    """The complete starting plan (the greedy's) with the `held` parts' plan, if it keeps
    every tier-1 rule."""
    model = built.model
    if len(model.hints) < len(model.variables):
        return None
    values = [held.get(v, model.hints[v]) for v in range(len(model.variables))]
    return None if model.violations(values, 1) else values


def _whole(
    built: BuiltModel,
    parts: Split,
    master: Master,
    taken: list[tuple[Schedule, int]],
    held: dict[Var, int],
    time_limit: float,
) -> list[int] | None:
    """The dive's own plan when its last LP is whole in testing and isolation too (their
    structure often makes it so), or becomes whole once its fractional yes/no variables
    (a mobile unit's visits) are rounded on the master's LP: no completion needed. None
    otherwise, or if it breaks a tier-1 rule (checked, not assumed)."""
    rest = np.array(master.rest_values)
    if _fractional(rest):
        rounded = master.whole_rest(taken, time_limit)
        if rounded is None or _fractional(np.array(rounded)):
            return None
        rest = np.array(rounded)
    model = built.model
    values = [held.get(v, model.hints.get(v, x.lb)) for v, x in enumerate(model.variables)]
    for v, x in zip(master.rest_vars, rest, strict=True):
        values[v] = round(x)
    deployment = deployment_values(built, parts, taken)
    for v, x in {**deployment, **_implied(built, deployment)}.items():
        values[v] = x
    return None if model.violations(values, 1) else values


def _fractional(values: np.ndarray) -> bool:
    return bool(np.any(np.abs(values - np.round(values)) > INTEGRAL))


def deployment_values(
    built: BuiltModel,
    split: Split,
    schedules: list[tuple[Schedule, int]],
    previous: PreviousDeployment | None = None,
) -> dict[Var, int]:
    """Every shift, placement and pre-deployment test variable of the built model under
    the chosen schedules, taken by each block's workers in name order, or in a re-plan by
    the worker each fits best (so that no identical worker is swapped in for nothing)."""
    sv = built.staff
    values = {v: 0 for v in [*sv.shifts.values(), *sv.placed.values(), *sv.tests.values()]}
    by_block: dict[int, list[Schedule]] = defaultdict(list)
    for schedule, taken in schedules:
        by_block[schedule.block] += [schedule] * taken
    for b, chosen in by_block.items():
        workers = split.blocks[b].workers
        matched = (
            previous.assign(workers, chosen)
            if previous is not None
            else list(zip(workers, chosen, strict=False))
        )
        for w, schedule in matched:
            values[sv.placed[w, schedule.home]] = 1
            for d, s, r, _v in schedule.shifts:
                values[sv.shifts[w, schedule.home, d, s, r]] = 1
            if schedule.test is not None:
                site, t, _v = schedule.test
                values[sv.tests[w, site, t]] = 1
    return values


def _implied(built: BuiltModel, deployment: dict[Var, int]) -> dict[Var, int]:
    """The staffing variables a deployment determines: the days each worker works and, at
    a home new to them, the days since they started there."""
    sv = built.staff
    current = {w.id: w.home_history.current_home for w in built.ctx.scenario.workers}
    worked: set[tuple[str, int]] = set()
    first_new: dict[str, int] = {}
    for (w, h, d, _s, _r), var in sv.shifts.items():
        if deployment[var]:
            worked.add((w, d))
            if h != current[w]:
                first_new[w] = min(first_new.get(w, d), d)
    implied = {var: int(k in worked) for k, var in sv.worked.items()}
    implied.update(
        {var: int(w in first_new and d >= first_new[w]) for (w, d), var in sv.started.items()}
    )
    return implied


def _rounded(bound: float, built: BuiltModel, terms: Terms) -> int:
    """The least integer objective the bound allows, after allowing for rounding error;
    the variables' own bounds where no round finished."""
    trivial = trivial_bound(built.model, terms)
    if not math.isfinite(bound):
        return trivial
    return max(trivial, math.ceil(bound - BOUND_SAFETY * max(1.0, abs(bound))))


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
