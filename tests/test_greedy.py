"""The greedy's schedule builder: committing a worker takes their shifts off what is short
and their test slot off the site, and records them, in one step."""

from __future__ import annotations

from constraints.build import build_model
from scenarios.load import load_scenario
from scheduler.heuristics.greedy import DeploymentPlanner
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
