"""What every planner's summary shares: the first tier as the headline, the wall time
stamped last, and the shortfalls deployments are counted against."""

from __future__ import annotations

import time

from constraints.build import build_model
from scenarios.schema import Role, Shift
from scheduler.plan import Plan, StageResult, Summary, with_wall_seconds
from tests.conftest import home, scenario, shortfall


def _stage(tier: int, objective: float, bound: float) -> StageResult:
    gap = (objective - bound) / objective
    return StageResult(
        tier=tier,
        name=f"tier {tier}",
        status="FEASIBLE",
        objective=objective,
        best_bound=bound,
        gap=gap,
        seconds=1.0,
    )


def test_the_headline_is_the_first_tiers_whatever_follows():
    stages = [_stage(1, 100.0, 80.0), _stage(2, 7.0, 1.0), _stage(3, 50.0, 49.0)]
    summary = Summary.of_stages(stages, scenario="x", status="FEASIBLE", solve_seconds=3.0)
    assert (summary.objective, summary.best_bound, summary.gap) == (100.0, 80.0, 0.2)
    assert summary.stages == stages
    assert (summary.scenario, summary.solve_seconds) == ("x", 3.0)


def test_the_wall_time_runs_from_the_start_to_the_stamp_and_nothing_else_moves():
    summary = Summary.of_stages(
        [_stage(1, 10.0, 5.0)], scenario="x", status="OPTIMAL", solve_seconds=1.0
    )
    plan = Plan(summary=summary)
    stamped = with_wall_seconds(plan, time.perf_counter() - 2.5)
    assert 2.5 <= stamped.summary.wall_seconds < 10
    assert stamped.summary.model_copy(update={"wall_seconds": 0.0}) == summary
    assert plan.summary.wall_seconds == 0.0  # plans are values: the original is unchanged


def test_short_workers_are_keyed_by_home_day_shift_and_role():
    s = scenario(
        homes=[
            home("a", shortfalls=[shortfall(0, workers=2), shortfall(2, "night", "nurse")]),
            home("b", shortfalls=[shortfall(1)]),
            home("c"),
        ]
    )
    assert build_model(s).ctx.short_workers() == {
        ("a", 0, Shift.DAY, Role.CARER): 2,
        ("a", 2, Shift.NIGHT, Role.NURSE): 1,
        ("b", 1, Shift.DAY, Role.CARER): 1,
    }
