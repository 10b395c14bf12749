"""1:1 support at home: a request from a home met by one-to-one worker shifts at the
resident's own home instead of a bed, on every backend and path."""

from __future__ import annotations

from typing import Any

from scenarios.schema import Scenario
from scheduler.plan import AT_HOME, PlacementMode, ShiftSource, UnmetKind
from tests.conftest import DEFAULT, SOLVER_VARIANTS, Solver, day, home, scenario, worker
from tests.test_isolation import facility, request


def one_bed_two_requests(workers: int = 1, stay: int = 3, **policy: Any) -> Scenario:
    """Two requests from home a for `stay` days, one hotel bed, `workers` 1:1 workers at a: one
    request gets the bed, the other can only be met 1:1 at home (day shifts only)."""
    return scenario(
        homes=[home("a")],
        isolation_facilities=[facility(beds=1)],
        isolation_requests=[
            request("r1", 0, stay_days=stay, one_to_one_ok=True),
            request("r2", 0, stay_days=stay, one_to_one_ok=True),
        ],
        workers=[
            worker(
                f"w{i}",
                roles=["one_to_one"],
                home_history={"current_home": "a", "last_shift": day(-1)},
            )
            for i in range(workers)
        ],
        policy={"one_to_one": {"shifts": ["day"]} | policy},
    )


def test_a_request_no_bed_is_free_for_is_met_one_to_one_at_home(solver: Solver):
    plan = solver.plan(one_bed_two_requests())
    modes = sorted((p.mode, p.facility_id) for p in plan.placements)
    assert modes == [(PlacementMode.BED, "hotel"), (PlacementMode.ONE_TO_ONE, AT_HOME)]
    [at_home] = [p for p in plan.placements if p.mode == PlacementMode.ONE_TO_ONE]
    assert "hotel full" in at_home.reason and "costs 3 1:1 shifts" in at_home.reason
    assert [(a.date.isoformat(), a.source) for a in plan.shifts] == [
        (day(d), ShiftSource.ONE_TO_ONE) for d in range(3)
    ]
    assert not any(u.kind == UnmetKind.ISOLATION for u in plan.unmet)


def test_a_stay_at_home_without_a_worker_reports_its_open_shifts(solver: Solver):
    """The bed is held all week, so the second request cannot wait for it: open 1:1 shifts
    (20 x risk each) cost less than leaving it unplaced (270 x risk)."""
    plan = solver.plan(one_bed_two_requests(workers=0, stay=7))
    [at_home] = [p for p in plan.placements if p.mode == PlacementMode.ONE_TO_ONE]
    gaps = [u for u in plan.unmet if u.source == ShiftSource.ONE_TO_ONE]
    assert sum(u.amount for u in gaps) == 7
    assert all(at_home.request_id in u.detail for u in gaps)


def test_beds_only_leaves_the_second_request_unplaced(solver: Solver):
    plan = solver.plan(one_bed_two_requests(stay=7, enabled=False))
    assert [p.mode for p in plan.placements] == [PlacementMode.BED]
    assert [u.kind for u in plan.unmet] == [UnmetKind.ISOLATION]
    assert plan.shifts == []


def test_every_backend_and_path_agree_and_the_pattern_path_plans_it():
    s = one_bed_two_requests()
    plans = {str(v): v.plan(s) for v in SOLVER_VARIANTS}
    assert len({p.summary.stages[0].objective for p in plans.values()}) == 1
    assert plans[str(DEFAULT)].summary.path.startswith("whole schedules")
