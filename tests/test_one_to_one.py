"""1:1 support at home: a request from a home met by one-to-one worker shifts at the
resident's own home instead of a bed, on every backend and path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from constraints.build import build_model
from scenarios.load import ScenarioError
from scenarios.schema import AT_HOME, Scenario
from scenarios.whatif import Variant, apply_variant
from scheduler.analysis.explain import explain_home, explain_text
from scheduler.analysis.value import Resource, value_table
from scheduler.heuristics.greedy import previous_deployment, staffing_hint
from scheduler.output.tables import read_plan, write_plan
from scheduler.pipeline.replan import Previous, changes, decisions
from scheduler.plan import Placement, PlacementMode, Plan, ShiftSource, UnmetKind
from scheduler.solve.settings import SolverSettings
from tests.conftest import (
    DEFAULT,
    SOLVER_VARIANTS,
    START,
    Solver,
    day,
    home,
    scenario,
    solve,
    worker,
)
from tests.test_isolation import facility, request


def one_bed_two_requests(
    workers: int = 1, stay: int = 3, beds: int = 1, pins: Any = None, **policy: Any
) -> Scenario:
    """Two requests from home a for `stay` days, `beds` hotel beds (1: one request gets the
    bed, the other can only be met 1:1 at home), `workers` 1:1 workers at a (day shifts)."""
    return scenario(
        homes=[home("a")],
        isolation_facilities=[facility(beds=beds)],
        pins={"requests": pins or []},
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


def at_home(plan: Plan) -> list[str]:
    """The requests the plan meets 1:1 at their own home."""
    return [p.request_id for p in plan.placements if p.mode == PlacementMode.ONE_TO_ONE]


def previous_of(solver: Solver, first_open: int) -> tuple[Previous, Placement]:
    """The one-bed plan as a previous plan, open from day `first_open`, and its stay at home."""
    before = one_bed_two_requests()
    first = solver.plan(before)
    [stay] = [p for p in first.placements if p.mode == PlacementMode.ONE_TO_ONE]
    return Previous(Path("before"), first, before, START + dt.timedelta(days=first_open)), stay


def test_a_replan_keeps_a_stay_at_home_begun_before_its_first_open_day(solver: Solver):
    """A second bed frees up, but the resident has been staffed at home since day 0: the
    re-plan from day 1 keeps the stay (kept_at_home) rather than moving them."""
    previous, stay = previous_of(solver, first_open=1)
    plan = solver.plan(one_bed_two_requests(beds=2), previous)
    assert at_home(plan) == [stay.request_id]


def test_a_replan_moves_a_stay_at_home_only_as_a_counted_change(solver: Solver):
    """Open from day 0, the stay may move to the second bed, which would spare the worker's
    three shifts (fairness), but the change costs more in the stability tier, so it stays;
    with 1:1 at home switched off it must move, and the move is listed as a change."""
    previous, stay = previous_of(solver, first_open=0)
    assert at_home(solver.plan(one_bed_two_requests(beds=2), previous)) == [stay.request_id]
    beds_only = one_bed_two_requests(beds=2, enabled=False)
    plan = solver.plan(beds_only, previous)
    assert at_home(plan) == []
    moved = [c for c in changes(previous, beds_only, plan) if c.kind == "isolation placement"]
    rows = [(c.detail, c.before, c.after) for c in moved]
    assert (f"{stay.request_id} at {AT_HOME}", 1, 0) in rows


def test_a_request_pinned_to_its_own_home_is_met_there(solver: Solver):
    pinned = one_bed_two_requests(beds=2, pins=[{"request": "r1", "facility": AT_HOME}])
    assert at_home(solver.plan(pinned)) == ["r1"]


def test_a_pin_to_own_home_for_a_request_not_offered_it_is_bad_input():
    with pytest.raises(ScenarioError, match=r"pins.requests\[0\].facility: r1 is not offered"):
        one_bed_two_requests(pins=[{"request": "r1", "facility": AT_HOME}], enabled=False)


def test_explain_says_which_requests_of_a_home_are_met_one_to_one_and_why(tmp_path: Path):
    s = one_bed_two_requests()
    plan = solve(s)
    write_plan(plan, s, tmp_path / "plan")
    assert read_plan(tmp_path / "plan").placements == plan.placements
    report = explain_home(tmp_path / "plan", "a")
    [home_stay] = at_home(plan)
    lines = explain_text(report).splitlines()
    [line] = [x for x in lines if x.startswith(f"isolation {home_stay} ")]
    assert "met 1:1 at home from 2020-06-01 to 2020-06-04" in line
    assert "hotel full" in line and "costs 3 1:1 shifts" in line
    assert [d["shifts_one_to_one"] for d in report["days"][:4]] == [1, 1, 1, 0]
    assert not any(d["shifts_filled"] for d in report["days"])  # no shortfall was reported
    [bed] = [x for x in lines if x.startswith("isolation r") and x != line]
    assert bed.endswith("placed at hotel on 2020-06-01 (the home offered 1:1 at home)")


def test_one_more_one_to_one_worker_is_worth_the_stay_shifts_left_open():
    """One 1:1 worker works 5 of a 7-day stay's day shifts (policy: 5 in 7): two are left
    open until a second 1:1 worker joins."""
    s = one_bed_two_requests(stay=7)
    assert [u.amount for u in solve(s).unmet if u.source == ShiftSource.ONE_TO_ONE] == [1, 1]
    table = value_table(
        s, SolverSettings(time_limit=5, workers=1), [Resource("role", "one_to_one")], step=1
    )
    rows = {r.step: r for r in table.itertuples()}
    assert rows[1].value_per_unit > 0
    assert rows[-1].d_objective > 0  # without the one 1:1 worker every shift is open


def test_a_what_if_turning_one_to_one_off_makes_the_second_request_wait_for_the_bed():
    base = one_bed_two_requests()
    variant = Variant.model_validate(
        {
            "name": "beds only",
            "shocks": [{"kind": "policy", "changes": {"one_to_one": {"enabled": False}}}],
        }
    )
    off = apply_variant(base, variant, 0, "w.yaml")
    assert not off.policy.one_to_one.enabled
    assert len(at_home(solve(base))) == 1
    plan = solve(off)
    assert at_home(plan) == [] and [u.kind for u in plan.unmet] == [UnmetKind.ISOLATION_WAIT]
    assert sorted(p.admit_date.isoformat() for p in plan.placements) == [day(0), day(3)]


def test_a_replans_starting_deployment_keeps_the_one_to_one_shifts_it_must_keep():
    """The re-plan starts from the previous deployment: it must hold the shifts staffing
    the stay at home before the first open day, or no plan can be completed from it."""
    previous, stay = previous_of(DEFAULT, first_open=2)
    built = build_model(one_bed_two_requests())
    deployment = previous_deployment(built.ctx, built.staff, previous.plan)
    hint = staffing_hint(built.ctx, built.staff, deployment)
    kept = [d for d in decisions(built, previous) if d.kept and d.kind == "shift"]
    assert [d.before for d in kept] == [1, 1]
    assert all(hint[d.var] == d.before for d in kept if d.var is not None)
    assert stay.request_id in at_home(previous.plan)
