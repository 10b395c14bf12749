"""PPE's part of tier 1, planned apart: a start in every plan, a bound that counts its own
proof, and Ctrl-C while it is searched."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import scheduler.solve.first_tier
from constraints.build import build_model
from constraints.rules import Family
from scenarios.load import load_scenario
from scenarios.schema import Scenario
from scheduler import validate_plan
from scheduler.pipeline.planner import plan_scenario
from scheduler.pipeline.replan import Previous
from scheduler.solve.apart import Apart
from scheduler.solve.interrupt import stop_search_on_ctrl_c
from scheduler.solve.patterns.master import Master
from scheduler.solve.settings import SolverSettings
from tests.conftest import EXAMPLES, Solver, day, home, scenario, shortfall, worker
from tests.test_ppe import ppe_home, supply
from tests.test_visits import the_first_officer_does_both


def vans_and_a_shift() -> Scenario:
    """Twelve homes a day short of cover, their stock a little apart, on one van stop a
    day, beside a worker for one short shift: the patterns path runs with PPE apart. The
    LP spreads the van over every home, so the bound that counts PPE at its relaxation is
    half the optimum, which no short search closes."""
    homes = [home(f"h{n:02}", shortfalls=[shortfall(1)] if n == 0 else []) for n in range(12)]
    stock = [ppe_home(f"h{n:02}", 70 + 5 * n) for n in range(12)]
    return scenario(
        days=6,
        homes=homes,
        workers=[worker("w1")],
        ppe=supply(stock, depot=100_000, drops_per_van=1),
    )


def vans_visits_and_a_shift() -> Scenario:
    """The vans and the shift, and the officers whose hand rule leaves a home untrained:
    two parts apart from the worker, each with a greedy start short of its optimum."""
    s = vans_and_a_shift()
    visits = the_first_officer_does_both()
    return s.model_copy(
        update={
            "homes": [*s.homes, *visits.homes],
            "officers": visits.officers,
            "policy": s.policy.model_copy(update={"visits": visits.policy.visits}),
        }
    )


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("case", [vans_and_a_shift, vans_visits_and_a_shift])
def test_the_bound_counts_the_ppe_part_proven_and_never_passes_the_optimum(
    case: Callable[[], Scenario], workers: int
):
    """With one worker the parts are planned before whole schedules; with two, beside
    them, held at their start meanwhile and swapped in after: the same proof either way."""
    s = case()
    optimum = Solver("highs", "direct").plan(s, time_limit=60).summary.stages[0]
    assert optimum.status == "OPTIMAL"
    for limit in (1, 2, 5):
        plan = plan_scenario(s, SolverSettings(time_limit=limit, workers=workers))
        first = plan.summary.stages[0]
        assert first.best_bound <= optimum.objective
        assert not validate_plan(s, plan)
    # The part apart is proven optimal on its own, so the whole tier is, with no gap left.
    assert first.objective == first.best_bound == optimum.objective and first.gap == 0


APART = {Family.PPE, Family.VISITS}
"""The families that share no rule with any worker in these scenarios."""


@pytest.mark.parametrize("workers", [1, 2])
def test_the_whole_schedules_master_holds_nothing_planned_apart(
    monkeypatch: pytest.MonkeyPatch, workers: int
):
    """PPE's drops and the officers' visits share no rule with any worker: held at their
    plan, they stay out of the master's LP and so out of every dive's re-solve."""
    s = vans_visits_and_a_shift()
    model = build_model(s).model
    apart = {v for v, x in enumerate(model.variables) if x.rule.family in APART}
    seen: list[set[int]] = []
    made = Master.__init__

    def spied(self: Master, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        seen.append(set(self.rest_vars))

    monkeypatch.setattr(Master, "__init__", spied)
    plan = plan_scenario(s, SolverSettings(time_limit=5, workers=workers))
    [master] = seen
    assert apart and master and not master & apart
    assert "PPE and visits planned apart" in plan.summary.path


def test_a_replan_starts_its_parts_apart_from_the_greedy_drops_and_visits(
    monkeypatch: pytest.MonkeyPatch,
):
    s = vans_visits_and_a_shift()
    settings = SolverSettings(time_limit=5, workers=1)
    first = plan_scenario(s, settings)
    starts: list[dict[Any, int] | None] = []
    planned = scheduler.solve.first_tier.plan_apart

    def spied(*args: Any, **kwargs: Any) -> Apart:
        starts.append(args[5])
        return planned(*args, **kwargs)

    monkeypatch.setattr(scheduler.solve.first_tier, "plan_apart", spied)
    previous = Previous(Path("first"), first, s, dt.date.fromisoformat(day(1)))
    replanned = plan_scenario(s, settings, previous)
    built = build_model(s)
    ppe = {*built.drops.drop.values(), *built.drops.quantity.values()}
    visits = {*built.visits.visits.values(), *built.visits.unvisited.values()}
    [start] = starts
    assert start is not None and ppe <= start.keys() and visits <= start.keys()
    assert "visits planned apart (proven optimal)" in replanned.summary.path
    assert replanned.ppe_drops and not validate_plan(s, replanned, first)


class _SignalAtStage:
    """Sends this process SIGINT `delay` seconds after the stage named `at` begins."""

    def __init__(self, at: str, delay: float) -> None:
        self.at, self.delay, self.sent = at, delay, 0.0

    def stage(self, name: str) -> None:
        if name == self.at:
            threading.Timer(self.delay, self._send).start()

    def _send(self) -> None:
        self.sent = time.perf_counter()
        os.kill(os.getpid(), signal.SIGINT)

    def found(self, objective: float) -> None:
        pass


@pytest.mark.slow
@pytest.mark.parametrize(
    ("workers", "stage"),
    [(1, "planning the parts apart"), (2, "planning the parts apart beside whole schedules")],
)
def test_ctrl_c_while_ppe_is_searched_keeps_the_best_plan_so_far(workers: int, stage: str):
    """The example's PPE part is far from proven within its budget (90 s of 600 alone, 480 s
    beside whole schedules): the interruption must stop that search, not wait it out, and
    end with a whole plan."""
    s = load_scenario(EXAMPLES / "plymouth-2020.yaml")
    progress = _SignalAtStage(stage, 1.0)
    with stop_search_on_ctrl_c():
        plan = plan_scenario(s, SolverSettings(time_limit=600, workers=workers), progress=progress)
    assert progress.sent and time.perf_counter() - progress.sent < 60
    assert plan.summary.interrupted and plan.ppe_drops
    assert not validate_plan(s, plan)
