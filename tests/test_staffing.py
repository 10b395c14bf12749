"""Staffing family: each rule on a tiny scenario where it binds."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scenarios.schema import Scenario
from tests.conftest import (
    START,
    Solver,
    day,
    home,
    scenario,
    shortfall,
    worker,
)
from tests.test_history import two_homes_one_home_rule_off


def two_homes_one_worker() -> Scenario:
    return scenario(
        homes=[
            home("a", shortfalls=[shortfall(0), shortfall(2)]),
            home("b", shortfalls=[shortfall(1), shortfall(3)], rag={"workforce": "red"}),
        ],
        workers=[worker("w1")],
    )


def test_one_free_worker_wanted_by_two_homes_serves_exactly_one(solver: Solver):
    plan = solver.plan(two_homes_one_worker())
    assert {x.home_id for x in plan.shifts} == {"b"}  # the higher-risk home
    assert len(plan.shifts) == 2
    assert {u.home_id for u in plan.unmet if u.kind == "shift"} == {"a"}
    assert all("one home per worker" in u.cause for u in plan.unmet if u.kind == "shift")


def moving_after_four_days() -> Scenario:
    """Last shift at home a four days before the plan: free for b from day 10 (14-day window)."""
    return scenario(
        days=14,
        homes=[home("a"), home("b", shortfalls=[shortfall(d) for d in range(14)])],
        workers=[worker("w1", days=14, home_history={"current_home": "a", "last_shift": day(-4)})],
    )


def test_worker_waits_out_the_quarantine_window_before_a_new_home(solver: Solver):
    s = moving_after_four_days()
    plan = solver.plan(s)
    assert plan.shifts and min(x.date for x in plan.shifts).isoformat() == day(10)
    early = [u for u in plan.unmet if u.kind == "shift" and u.date.isoformat() < day(10)]
    assert len(early) == 10 and all("quarantine window" in u.cause for u in early)


def test_with_one_home_off_a_worker_still_waits_out_the_window_between_homes(solver: Solver):
    # a short on day 0, b on days 1 and 3 (riskier), 3-day window: a day 0 and b day 1
    # are too close, so one of the three goes unmet
    plan = solver.plan(two_homes_one_home_rule_off(3))
    assert len(plan.shifts) == 2
    assert [u.cause_rule for u in plan.unmet if u.kind == "shift"] == ["quarantine"]


def test_worker_staying_at_current_home_needs_no_quarantine_or_test(solver: Solver):
    s = scenario(
        homes=[home("a", shortfalls=[shortfall(0)])],
        workers=[
            worker(
                "w1",
                last_negative_test=None,
                home_history={"current_home": "a", "last_shift": day(-1)},
            )
        ],
    )
    plan = solver.plan(s)
    assert [(x.worker_id, x.home_id) for x in plan.shifts] == [("w1", "a")]
    assert not [t for t in plan.testing if t.worker_id]


def night_then_day() -> Scenario:
    return scenario(
        homes=[home("a", shortfalls=[shortfall(0, "night"), shortfall(1, "day")])],
        workers=[worker("w1")],
    )


def day_and_night_on_one_day() -> Scenario:
    return scenario(
        homes=[home("a", shortfalls=[shortfall(0, "day"), shortfall(0, "night")])],
        workers=[worker("w1")],
    )


def test_no_day_shift_straight_after_a_night(solver: Solver):
    plan = solver.plan(night_then_day())
    assert len(plan.shifts) == 1
    assert sum(u.amount for u in plan.unmet if u.kind == "shift") == 1


def test_one_shift_a_day(solver: Solver):
    plan = solver.plan(day_and_night_on_one_day())
    assert len(plan.shifts) == 1
    assert sum(u.amount for u in plan.unmet if u.kind == "shift") == 1


def a_week_short_every_day() -> Scenario:
    return scenario(
        homes=[home("a", shortfalls=[shortfall(d) for d in range(7)])],
        workers=[worker("w1")],
        policy={"max_consecutive_days": 3, "max_shifts_per_7_days": 5},
    )


def test_max_consecutive_days_and_weekly_limit(solver: Solver):
    plan = solver.plan(a_week_short_every_day())
    worked = sorted((x.date - START).days for x in plan.shifts)
    assert len(worked) == 5
    assert _longest_run(worked) <= 3, worked


def _longest_run(days: list[int]) -> int:
    longest = run = 0
    for i, d in enumerate(days):
        run = run + 1 if i and d == days[i - 1] + 1 else 1
        longest = max(longest, run)
    return longest


def never_tested_site_opens_on_day_two() -> Scenario:
    """Never tested; the only site opens on day 2 with next-day results: first shift day 3."""
    return scenario(
        homes=[home("a", shortfalls=[shortfall(d) for d in range(6)])],
        workers=[worker("w1", last_negative_test=None)],
        test_sites=[
            {
                "id": "local",
                "kind": "local_site",
                "capacity": 5,
                "cohorts": ["staff"],
                "lead_days": 2,
            }
        ],
        policy={"max_consecutive_days": 7, "max_shifts_per_7_days": 7},
    )


def test_first_shift_at_a_new_home_waits_for_a_booked_test(solver: Solver):
    plan = solver.plan(never_tested_site_opens_on_day_two())
    assert min(x.date for x in plan.shifts).isoformat() == day(3)
    [booking] = [t for t in plan.testing if t.worker_id == "w1"]
    assert booking.date.isoformat() == day(2) and "pre-deployment" in booking.reason


def test_role_must_be_held(solver: Solver):
    s = scenario(
        homes=[home("a", type="older_people_nursing", shortfalls=[shortfall(0, role="nurse")])],
        workers=[worker("w1", roles=["carer"]), worker("w2", roles=["nurse"], availability=[])],
    )
    plan = solver.plan(s)
    assert plan.shifts == []
    [unmet] = plan.unmet
    assert "no nurse is available" in unmet.cause


def test_max_shifts_in_horizon(solver: Solver):
    s = scenario(
        homes=[home("a", shortfalls=[shortfall(d) for d in range(6)])],
        workers=[worker("w1", max_shifts=2)],
    )
    assert len(solver.plan(s).shifts) == 2


def test_a_role_no_bank_worker_holds_is_unmet_with_that_cause(solver: Solver):
    s = scenario(
        homes=[home("a", shortfalls=[shortfall(0, role="nurse"), shortfall(1)])],
        workers=[worker("w1")],
    )
    plan = solver.plan(s)
    assert [(x.date.isoformat(), x.role) for x in plan.shifts] == [(day(1), "carer")]
    [unmet] = [u for u in plan.unmet if u.kind == "shift"]
    assert unmet.date.isoformat() == day(0)
    assert unmet.cause_rule == "role" and "nurse" in unmet.cause


BINDS: dict[str, tuple[Callable[[], Scenario], set[str]]] = {
    "add_one_home_per_worker": (two_homes_one_worker, {"one_home_per_worker"}),
    "add_quarantine_between_homes": (
        lambda: two_homes_one_home_rule_off(3),
        {"quarantine_between_homes"},
    ),
    # shifts only at the placed home: without it the one-home rule holds nothing
    "add_one_shift_a_day_at_placed_home": (two_homes_one_worker, {"one_home_per_worker"}),
    "add_rest_after_night": (night_then_day, {"rest_after_night"}),
    "add_working_time_limits": (
        a_week_short_every_day,
        {"max_consecutive_days", "max_shifts_per_7_days"},
    ),
    "add_tested_before_first_shift": (
        never_tested_site_opens_on_day_two,
        {"tested_before_first_shift"},
    ),
}
"""Each rule of the family: a battery scenario, and the checker's rules it keeps."""


@pytest.mark.parametrize("rule", BINDS)
def test_each_rule_is_what_binds(rule: str, broken_without: Callable[..., set[str]]):
    build, checked = BINDS[rule]
    assert checked <= broken_without(f"constraints.staffing.{rule}", build())
