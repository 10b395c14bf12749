"""Differential tests: CP-SAT, CBC and HiGHS, solved to optimality on the same model, must
agree on every tier's optimum and on feasibility, and every plan must pass the validator.

Two independent solver families (lazy clause generation and branch-and-cut) reaching the
same optimum is evidence the model, not a solver bug, decided the plan. A disagreement
prints the scenario's size and seed and each solver's objectives, so it can be replayed
with `carehome generate --homes H --workers W --days D --seed S`.
"""

from __future__ import annotations

import random

import pytest

from constraints.build import build_model
from constraints.rules import Family
from scenarios.generate import generate
from scenarios.schema import Scenario
from scenarios.shocks import SiteCapacity, apply_shocks
from scheduler.heuristics.greedy import greedy_staffing, initial_hint, staffing_hint
from scheduler.pipeline.planner import plan_scenario
from scheduler.solve.backends import SOLVERS
from scheduler.solve.settings import SolverSettings
from scheduler.solve.tiers import solve
from scheduler.validate import validate_plan
from tests.conftest import rule

# (homes, workers, days, seed): tiny to ~30 homes; each solves to optimality in about a
# second with every backend on 2 cores.
SIZES = [(3, 3, 7), (6, 4, 7), (10, 6, 7), (15, 6, 7), (30, 5, 7)]
CORPUS = [(*size, seed) for size in SIZES for seed in (1, 2, 3)]


def _tight(s: Scenario) -> Scenario:
    """The same city with every test site at a fifth of its capacity: testing binds hard."""
    shocks = [SiteCapacity(kind="site_capacity", site=t.id, scale=0.2) for t in s.test_sites]
    return apply_shocks(s, shocks, random.Random(0), f"{s.name} tight", "corpus")


def _optima(s: Scenario) -> dict[str, list[float]]:
    objectives = {}
    for solver in SOLVERS:
        settings = SolverSettings(time_limit=60, workers=1, seed=0, solver=solver)
        plan = plan_scenario(s, settings)
        assert plan.summary.status == "OPTIMAL", f"{solver} did not prove optimality on {s.name}"
        assert validate_plan(s, plan) == [], f"{solver}'s plan breaks a rule on {s.name}"
        objectives[solver] = [stage.objective for stage in plan.summary.stages]
    return objectives


@pytest.mark.parametrize("tight", [False, True], ids=["as-generated", "capacity-binds"])
@pytest.mark.parametrize(("homes", "workers", "days", "seed"), CORPUS)
def test_every_backend_reaches_the_same_optimum(
    homes: int, workers: int, days: int, seed: int, tight: bool
) -> None:
    s = generate(homes, workers, days, seed)
    if tight:
        s = _tight(s)
    objectives = _optima(s)
    assert len({tuple(v) for v in objectives.values()}) == 1, (
        f"backends disagree on generate(homes={homes}, workers={workers}, days={days}, "
        f"seed={seed}){' with tight capacity' if tight else ''}: {objectives}"
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_backend_proves_the_same_infeasibility(seed: int) -> None:
    """A worker pinned to shifts at two homes on one day: every backend says INFEASIBLE."""
    s = generate(15, 6, 7, seed)
    statuses = {}
    for solver in SOLVERS:
        built = build_model(s)
        homes_of: dict[tuple[str, int], dict[str, int]] = {}
        for (w, h, d, _s, _r), var in built.staff.shifts.items():
            homes_of.setdefault((w, d), {}).setdefault(h, var)
        (w, d), by_home = next((k, v) for k, v in sorted(homes_of.items()) if len(v) >= 2)
        for h, var in list(by_home.items())[:2]:
            built.model.add_ge([(var, 1)], 1, rule=rule("pin", Family.PINS), key=(w, h, str(d)))
        settings = SolverSettings(time_limit=20, workers=1, solver=solver)
        statuses[solver] = solve(built, settings).status
    assert set(statuses.values()) == {"INFEASIBLE"}, f"seed {seed}: {statuses}"


def test_a_hint_is_a_mip_start_for_every_backend() -> None:
    """Cut short to almost no time, each backend still returns the greedy's plan."""
    s = generate(10, 6, 7, 1)
    for solver in SOLVERS:
        built = build_model(s)
        deployment = staffing_hint(built.ctx, built.staff, greedy_staffing(built.ctx, built.staff))
        built.model.hints.update(initial_hint(built, deployment))
        solution = solve(built, SolverSettings(time_limit=1, workers=1, solver=solver))
        assert solution.found, solver
