"""The greedy's schedule builder: committing a worker takes their shifts off what is short
and their test slot off the site, and records them, in one step."""

from __future__ import annotations

import pytest

from constraints.build import build_model
from scenarios.generate import generate
from scenarios.load import load_scenario
from scheduler.heuristics.greedy import DeploymentPlanner, greedy_staffing
from tests.conftest import EXAMPLES

TINY = EXAMPLES / "tiny.yaml"


def test_a_committed_worker_is_deployed_and_what_they_cover_is_no_longer_short():
    built = build_model(load_scenario(TINY))
    planner = DeploymentPlanner(built.ctx, built.staff)
    _value, plan = planner.schedule("w3", "h2")
    assert plan.test is not None  # w3 has no recent test: a slot must be booked
    site_id, t = plan.test
    free = planner.test_slots.free(site_id, t)
    short = dict(planner.remaining)
    planner.commit("w3", plan)
    staffing = planner.staffing()
    assert staffing.deployments == {"w3": plan}
    assert planner.test_slots.free(site_id, t) == free - 1
    for d, (s, r, _v) in plan.shifts.items():
        assert staffing.remaining["h2", d, s, r] == short["h2", d, s, r] - 1
    untouched = set(short) - {("h2", d, s, r) for d, (s, r, _v) in plan.shifts.items()}
    assert all(staffing.remaining[k] == short[k] for k in untouched)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_pairs_most_is_never_below_its_schedule_as_workers_are_committed(seed: int) -> None:
    """The greedy scores a pair in full only when its `most` could rank it: that is the
    same plan as scoring every pair only if `most` is never below the schedule's value,
    before any commit and after each."""
    built = build_model(generate(homes=12, workers=16, days=14, seed=seed))
    planner = DeploymentPlanner(built.ctx, built.staff)
    pairs = sorted(planner.slots)
    committed: set[str] = set()
    for w, h in pairs:
        for pair in pairs:
            if pair[0] not in committed:
                assert planner.most(*pair) >= planner.schedule(*pair)[0], pair
        if w not in committed:
            value, plan = planner.schedule(w, h)
            if value > 0:
                planner.commit(w, plan)
                committed.add(w)
    assert committed  # the commits did take shifts away


def _rank(w: str, scores: list[tuple[float, str]]) -> tuple[float, float, str]:
    """The greedy's order: best + (best - second best), then best, then the name."""
    best, second = scores[0][0], scores[1][0] if len(scores) > 1 else 0
    return (2 * best - second, best, w)


def test_greedy_staffing_is_the_plan_of_scoring_every_pair_after_every_commit() -> None:
    """The lazily scored greedy against the same rule scored in full, on a city."""
    built = build_model(generate(homes=20, workers=30, days=14, seed=4))
    lazy = greedy_staffing(built.ctx, built.staff)
    planner = DeploymentPlanner(built.ctx, built.staff)
    waiting = {w for w, _h in planner.slots}
    while waiting:
        scores = {
            w: sorted(
                ((planner.schedule(w, h)[0], h) for v, h in planner.slots if v == w),
                reverse=True,
            )
            for w in waiting
        }
        w = max(waiting, key=lambda w: _rank(w, scores[w]))
        waiting.discard(w)
        value, home = scores[w][0]
        if value > 0:
            planner.commit(w, planner.schedule(w, home)[1])
    assert lazy.deployments == planner.staffing().deployments
