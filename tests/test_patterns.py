"""Tier 1 by whole schedules: the DP is exact, the bound is one, the plan is the optimum.

Each property is checked against an independent computation: a block's best schedule
against CP-SAT over that worker's variables and rules in the built model; the bound and the
plan against the direct model solved to proven optimality.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from ortools.sat.python import cp_model

from constraints.build import BuiltModel, build_model
from constraints.model import terms_value, tier_terms
from scenarios.generate import generate
from scenarios.schema import HomeHistory, RecentShift, Scenario, Shift
from scheduler.heuristics.baseline import baseline_start
from scheduler.heuristics.greedy import previous_deployment, staffing_hint
from scheduler.pipeline.planner import plan_scenario
from scheduler.pipeline.replan import Previous, add_previous
from scheduler.solve.backends import make_backend
from scheduler.solve.lp import lp_completion
from scheduler.solve.patterns.blocks import Declined, Split, split
from scheduler.solve.patterns.master import Master, MasterResult
from scheduler.solve.patterns.path import (
    Completion,
    _column_generation,
    _whole,
    deployment_values,
    solve_tier_one,
)
from scheduler.solve.patterns.pricing import Pricer
from scheduler.solve.settings import SolverSettings
from scheduler.validate import validate_plan
from tests.conftest import home as a_home
from tests.conftest import scenario, shortfall, worker

BLOCK_FAMILIES = {"staffing", "pins", "replan"}


def _completion(built: BuiltModel) -> Completion:
    """A deployment completed as the planner completes it: tier 1's LP, CP-SAT where the
    LP's optimum is not whole."""
    terms = tier_terms(built.penalties, 1)
    backend = make_backend(built.model, SolverSettings(workers=1))
    backend.minimize(terms)

    def complete(partial: dict[int, int]) -> list[int] | None:
        return lp_completion(
            built.model,
            terms,
            partial,
            30.0,
            1,
            None,
            lambda held: backend.complete(held, 30).values,
        )

    return complete


def _with_history(s: Scenario, seed: int) -> Scenario:
    """Workers with recent shifts (runs, nights on the last day), caps and expired tests, so
    that every rule a schedule must keep binds somewhere, across the horizon's edge too."""
    rng = random.Random(seed)
    start = s.horizon.start
    workers = []
    for w in s.workers:
        recent = [
            RecentShift(date=start - dt.timedelta(days=k), shift=rng.choice(list(Shift)))
            for k in range(1, 8)
            if rng.random() < 0.6
        ]
        workers.append(
            w.model_copy(
                update={
                    "home_history": HomeHistory(recent_shifts=recent),
                    "max_shifts": rng.choice([None, 2, 3, 6]),
                    "last_negative_test": rng.choice([None, start - dt.timedelta(days=1)]),
                }
            )
        )
    return s.model_copy(update={"workers": workers})


def _block_optimum(built: BuiltModel, worker_id: str, gain: dict[int, int]) -> int:
    """The most a worker's variables can be worth under every rule over them alone, by
    CP-SAT on the built model's own rows: the DP's answer, found another way."""
    parts = split(built)
    mine = {v for v, w in parts.owner.items() if w == worker_id}
    model = cp_model.CpModel()
    xs = {
        v: model.new_int_var(built.model.variables[v].lb, built.model.variables[v].ub, "")
        for v in mine
    }
    for c in built.model.constraints:
        if c.tier == 1 and c.family in BLOCK_FAMILIES and {v for v, _ in c.terms} <= mine:
            expr = sum(k * xs[v] for v, k in c.terms)
            if c.lb is not None:
                model.add(expr >= c.lb)
            if c.ub is not None:
                model.add(expr <= c.ub)
    model.maximize(sum(gain.get(v, 0) * xs[v] for v in mine))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return round(solver.objective_value)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_each_blocks_best_schedule_is_the_optimum_of_its_rules(seed: int) -> None:
    s = _with_history(generate(homes=8, workers=8, days=14, seed=seed), seed)
    built = build_model(s)
    parts = split(built)
    pricer = Pricer(parts.blocks, built.ctx.days, s.policy, parts.var_rows, parts.cost)
    rng = np.random.default_rng(seed)
    rows = [built.model.constraints[i] for i in parts.linking]
    # Cover rows reward a shift; capacity rows (upper limits) charge for a test.
    duals = np.array([rng.integers(-30, 1) if c.lb is None else rng.integers(-5, 60) for c in rows])
    priced = pricer.price(duals.astype(float), np.full(len(parts.blocks), -np.inf), 1)
    for b, block in enumerate(parts.blocks):
        gain = {
            v: int(sum(duals[pos] * k for pos, k in parts.var_rows.get(v, ()))) for v in parts.owner
        }
        assert priced.best[b] == _block_optimum(built, block.workers[0], gain), block.workers


@pytest.mark.parametrize("seed", [5, 6])
def test_every_generated_schedule_keeps_its_workers_rules(seed: int) -> None:
    s = _with_history(generate(homes=10, workers=10, days=14, seed=seed), seed)
    built = build_model(s)
    parts = split(built)
    pricer = Pricer(parts.blocks, built.ctx.days, s.policy, parts.var_rows, parts.cost)
    duals = np.random.default_rng(seed).uniform(0, 50, len(parts.linking))
    priced = pricer.price(duals, np.full(len(parts.blocks), -np.inf), 10)
    assert priced.schedules
    sv = built.staff
    current = {x.id: x.home_history.current_home for x in s.workers}
    for _value, schedule in [x for x in priced.schedules if x[1].shifts]:
        w = parts.blocks[schedule.block].workers[0]
        values = [0] * len(built.model.variables)
        for d, sh, r, _v in schedule.shifts:
            values[sv.shifts[w, schedule.home, d, sh, r]] = 1
            values[sv.worked[w, d]] = 1
        values[sv.placed[w, schedule.home]] = 1
        if schedule.test is not None:
            values[sv.tests[w, schedule.test[0], schedule.test[1]]] = 1
        first = schedule.shifts[0][0]
        new = schedule.home != current[w]
        for (x, d), var in sv.started.items():
            values[var] = int(x == w and new and d >= first)
        mine = {v for v, o in parts.owner.items() if o == w}
        broken = [
            c.name
            for c in built.model.constraints
            if c.family == "staffing"
            and {v for v, _ in c.terms} <= mine
            and not _holds(c.terms, c.lb, c.ub, values)
        ]
        assert broken == [], (w, schedule.home, schedule.shifts, broken)


def _holds(
    terms: tuple[tuple[int, int], ...], lb: int | None, ub: int | None, values: list[int]
) -> bool:
    total = sum(k * values[v] for v, k in terms)
    return (lb is None or total >= lb) and (ub is None or total <= ub)


CORPUS = [(6, 4, 7, 1), (10, 6, 7, 2), (15, 6, 7, 3), (30, 5, 7, 1), (8, 6, 14, 2)]
"""Small enough for the direct model to prove tier 1 optimal within seconds."""


@pytest.mark.parametrize(("homes", "workers", "days", "seed"), CORPUS)
def test_whole_schedules_reach_the_proven_optimum_and_bound_below_it(
    homes: int, workers: int, days: int, seed: int
) -> None:
    s = generate(homes, workers, days, seed)
    direct = plan_scenario(s, SolverSettings(time_limit=60, workers=1, path="direct"))
    assert direct.summary.stages[0].status == "OPTIMAL"
    optimum = direct.summary.stages[0].objective
    built = build_model(s)
    greedy, _whole = baseline_start(built)
    outcome = solve_tier_one(built, SolverSettings(workers=1), [greedy], 30.0, _completion(built))
    assert outcome.bound <= optimum <= outcome.objective
    planned = plan_scenario(s, SolverSettings(time_limit=60, workers=1))
    assert planned.summary.path.startswith("whole schedules")
    assert planned.summary.stages[0].status == "OPTIMAL"
    assert planned.summary.stages[0].objective == optimum
    assert validate_plan(s, planned) == []


@pytest.fixture(scope="module")
def known_plan() -> tuple[Scenario, float]:
    """A mid-size scenario and the tier-1 value of a plan for it (the direct model's)."""
    s = generate(homes=30, workers=40, days=14, seed=7)
    known = plan_scenario(s, SolverSettings(time_limit=3, workers=1, path="direct"))
    return s, known.summary.stages[0].objective


@pytest.mark.parametrize("budget", [0.2, 0.5, 2.0])
def test_the_bound_is_one_whatever_the_time(
    known_plan: tuple[Scenario, float], budget: float
) -> None:
    """Stopped early, the bound is weaker but never above a plan that exists."""
    s, known = known_plan
    built = build_model(s)
    greedy, _whole = baseline_start(built)
    outcome = solve_tier_one(built, SolverSettings(workers=1), [greedy], budget, _completion(built))
    assert outcome.bound <= known
    assert outcome.bound <= outcome.objective


def test_identical_workers_are_priced_once() -> None:
    twins = [worker(f"w{i}", days=7) for i in range(3)]
    s = scenario(
        homes=[a_home("a", shortfalls=[shortfall(d) for d in range(7)])],
        workers=twins,
    )
    built = build_model(s)
    parts = split(built)
    assert [b.workers for b in parts.blocks] == [["w0", "w1", "w2"]]
    plan = plan_scenario(s, SolverSettings(time_limit=10, workers=1))
    assert plan.summary.status == "OPTIMAL"
    assert len(plan.shifts) == 7
    assert validate_plan(s, plan) == []


def test_moves_between_homes_are_planned_by_the_direct_model() -> None:
    s = generate(homes=6, workers=5, days=7, seed=1)
    s = s.model_copy(update={"policy": s.policy.model_copy(update={"one_home_per_worker": False})})
    with pytest.raises(Declined, match="several homes"):
        split(build_model(s))
    plan = plan_scenario(s, SolverSettings(time_limit=10, workers=1))
    assert plan.summary.path.startswith("the direct model (whole schedules cannot be used")
    assert validate_plan(s, plan) == []


@dataclass
class _GreedyStart:
    """A model hinted with the greedy's complete plan, and a completion that only records
    that it was asked (it finds nothing)."""

    built: BuiltModel
    greedy: dict[int, int]
    whole: list[int]
    completions: list[dict[int, int]] = field(default_factory=list)

    def complete(self, partial: dict[int, int]) -> list[int] | None:
        self.completions.append(partial)
        return None


def _greedy_start(s: Scenario) -> _GreedyStart:
    built = build_model(s)
    greedy, whole = baseline_start(built)
    assert whole is not None
    built.model.hints.update(dict(enumerate(whole)))
    return _GreedyStart(built, greedy, whole)


def test_out_of_time_the_starting_plan_stands_without_another_completion(
    known_plan: tuple[Scenario, float],
) -> None:
    """A budget spent before any dive: the complete starting plan is the plan, as it is,
    rather than a completion that would run past the time limit."""
    start = _greedy_start(known_plan[0])
    settings = SolverSettings(workers=1)
    outcome = solve_tier_one(start.built, settings, [start.greedy], 1e-6, start.complete)
    assert start.completions == []
    assert outcome.values == start.whole
    assert outcome.bound <= outcome.objective


def test_a_stopped_run_keeps_the_starting_plan_at_once(
    known_plan: tuple[Scenario, float],
) -> None:
    """Ctrl-C (the stop event) ends whole schedules at their next step: the complete
    starting plan stands, with no completion run after the stop."""
    start = _greedy_start(known_plan[0])
    stop = threading.Event()
    stop.set()
    started = time.perf_counter()
    outcome = solve_tier_one(
        start.built, SolverSettings(workers=1), [start.greedy], 600.0, start.complete, stop
    )
    assert time.perf_counter() - started < 60  # not the 600 s budget
    assert start.completions == [] and outcome.values == start.whole
    assert outcome.bound <= outcome.objective


def test_a_replan_keeps_identical_workers_on_their_own_schedules() -> None:
    """Three identical workers, two homes short all week: any of them fills a schedule
    alike. A previous plan that sent them against name order is kept as it was by the
    dives, worker for worker: an identical worker swapped in is a call made for nothing."""
    twins = [worker(f"w{i}", days=7) for i in range(3)]
    short = [shortfall(d) for d in range(7)]
    s = scenario(
        homes=[a_home("a", shortfalls=short), a_home("b", shortfalls=short)], workers=twins
    )
    first = plan_scenario(s, SolverSettings(time_limit=10, workers=1))
    # The same plan with its workers shifted round: w1 where w0 was, and so on.
    rename = {"w0": "w1", "w1": "w2", "w2": "w0"}
    previous = first.model_copy(
        update={
            "shifts": [
                a.model_copy(update={"worker_id": rename[a.worker_id]}) for a in first.shifts
            ],
            "testing": [
                t.model_copy(update={"worker_id": rename.get(t.worker_id, t.worker_id)})
                for t in first.testing
            ],
        }
    )
    built = build_model(s)
    add_previous(built, Previous(Path("."), previous, s, s.horizon.start))
    kept = staffing_hint(
        built.ctx, built.staff, previous_deployment(built.ctx, built.staff, previous)
    )
    greedy, _whole = baseline_start(built)
    outcome = solve_tier_one(
        built, SolverSettings(workers=1), [kept, greedy], 30.0, _completion(built)
    )
    assert outcome.objective == first.summary.stages[0].objective
    dates = built.ctx.dates
    worked = {
        (w, h, dates[d]) for (w, h, d, _s, _r), v in built.staff.shifts.items() if outcome.values[v]
    }
    assert worked == {(a.worker_id, a.home_id, a.date) for a in previous.shifts}


class _CountingSolves:
    """The master's LP solver, counting its solves."""

    def __init__(self, solver: object) -> None:
        self.solver = solver
        self.solves = 0

    def Solve(self) -> int:
        self.solves += 1
        return self.solver.Solve()  # type: ignore[attr-defined,no-any-return]

    def __getattr__(self, name: str) -> object:
        return getattr(self.solver, name)


def _grown(s: Scenario, rounds: int | None) -> tuple[BuiltModel, Split, Master, MasterResult]:
    """The scenario's master grown from the greedy's schedules by `rounds` rounds of column
    generation (None: to convergence)."""
    built = build_model(s)
    greedy, _whole = baseline_start(built)
    parts = split(built)
    terms = tier_terms(built.penalties, 1)
    master, result = _column_generation(
        built, parts, terms, [greedy], time.perf_counter() + 600, 1, threading.Event(), rounds
    )
    return built, parts, master, result


def test_a_dive_past_its_hurry_time_rounds_everything_that_fits_and_still_finishes(
    known_plan: tuple[Scenario, float],
) -> None:
    """A dive that would take many small steps, hurried from the start, takes fewer
    re-solves, and its deployment is still one every tier-1 rule allows."""
    built, parts, master, _result = _grown(known_plan[0], 8)
    counted = _CountingSolves(master.solver)
    master.solver = counted  # type: ignore[assignment]
    far = time.perf_counter() + 600
    slow = master.dive(far, 1, 0.02)
    careful = counted.solves
    fast = master.dive(far, 1, 0.02, hurry=time.perf_counter())
    hurried = counted.solves - careful
    assert slow is not None and fast is not None
    assert hurried < careful
    values = _completion(built)(deployment_values(built, parts, fast))
    assert values is not None and built.model.violations(values, 1) == []


def test_column_generation_ends_only_when_nothing_prices_out_at_the_lps_own_prices(
    known_plan: tuple[Scenario, float],
) -> None:
    """Converged means no new schedule prices out at the last LP's prices: the LP is then
    the master's optimum, and the bound meets it."""
    _built, _parts, master, result = _grown(known_plan[0], None)
    assert result.converged and result.lp_value is not None
    assert master.solver.Solve() == master.solver.OPTIMAL
    duals = np.array([row.dual_value() for row in master.rows])
    mu = np.array([row.dual_value() for row in master.convexity])
    priced = master.pricer.price(duals[master.first_linking :], -mu + 1e-6, 5)
    # A schedule in the pool may price out at its upper bound (a whole worker): only a
    # new one would mean the LP is not yet the master's optimum.
    assert not [sc for _v, sc in priced.schedules if sc not in master.pool]
    assert result.bound <= result.lp_value + 1e-6 * abs(result.lp_value)
    assert result.bound >= result.lp_value - 1e-6 * abs(result.lp_value)


def test_a_dives_fractional_visits_are_made_whole_on_the_master() -> None:
    """A city with a mobile unit: the dive's last LP books tests on fractions of visits.
    Rounded on the master's own LP (no second LP over the whole model), the plan keeps
    every tier-1 rule and is worth what completing the deployment over the whole model
    gets, within 0.5 %."""
    built, parts, master, _result = _grown(generate(homes=45, workers=50, days=7, seed=1), None)
    terms = tier_terms(built.penalties, 1)
    dived = master.dive(time.perf_counter() + 600, 1, 0.2)
    assert dived is not None
    rest = np.array(master.rest_values)
    assert np.any(np.abs(rest - np.round(rest)) > 1e-6)
    values = _whole(built, parts, master, dived, {}, 30.0)
    assert values is not None and built.model.violations(values, 1) == []
    completed = _completion(built)(deployment_values(built, parts, dived))
    assert completed is not None
    value, reference = terms_value(terms, values), terms_value(terms, completed)
    assert value <= reference * 1.005
