"""The validator's twins of pins and of a re-plan's kept decisions, on the hand-written
plan of test_validate.py: kept as written, then broken one decision at a time."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scenarios.schema import RequestPin, Scenario, WorkerPin
from scheduler.plan import Plan
from scheduler.validate import validate_plan
from tests.test_validate import (
    DAY,
    NIGHT,
    NURSE,
    R1,
    R2,
    SENIOR,
    SHIFTS,
    W1_DAY_4,
    S,
    add,
    d,
    drop,
    home_test,
    plan,
    replace,
    s,
    shift,
)

__all__ = ["plan", "s"]  # fixtures used by name

PINS = {
    "workers": [
        WorkerPin(worker="w1", home="h2", date=d(3), shift=DAY),
        WorkerPin(worker="w2", home="h3", date=d(0)),
    ],
    "requests": [
        RequestPin(request="r2", facility="f1", admit=d(3)),
        RequestPin(request="r1", facility="f1"),
    ],
}


@pytest.fixture
def pinned(s: Scenario) -> Scenario:
    return s.model_copy(update={"pins": s.pins.model_copy(update=PINS)})


def _found(scenario: Scenario, plan: Plan, previous: Plan | None = None) -> list[tuple[str, str]]:
    return [(v.rule, v.key) for v in validate_plan(scenario, plan, previous)]


def test_a_plan_keeping_its_pins_passes(pinned: Scenario, plan: Plan) -> None:
    assert validate_plan(pinned, plan) == []


def test_a_worker_pin_broken_three_ways_names_the_pin_and_what_the_plan_did(
    pinned: Scenario, plan: Plan
) -> None:
    at_h1 = validate_plan(pinned, replace(plan, "shifts", W1_DAY_4 - 1, home_id="h1"))
    assert [(v.rule, v.key) for v in at_h1 if v.rule.startswith("pin")] == [
        ("pin_worker", "w1,h2,2020-06-04")
    ]
    [broken] = [v for v in at_h1 if v.rule == "pin_worker"]
    assert "w1" in broken.message and "h1" in broken.message
    off = validate_plan(
        pinned, drop(plan, "shifts", SHIFTS.index(shift(0, NIGHT, "w2", "h3", NURSE)))
    )
    assert ("pin_worker", "w2,h3,2020-06-01") in [(v.rule, v.key) for v in off]
    assert "off" in next(v.message for v in off if v.rule == "pin_worker")
    night = replace(plan, "shifts", W1_DAY_4 - 1, shift=NIGHT)
    assert ("pin_worker", "w1,h2,2020-06-04") in _found(pinned, night)


def test_a_request_pin_broken_names_the_pin_and_the_placement(pinned: Scenario, plan: Plan) -> None:
    later = replace(plan, "placements", R2, admit_date=d(4), discharge_date=d(8), wait_days=3)
    found = validate_plan(pinned, later)
    [broken] = [v for v in found if v.rule == "pin_request"]
    assert broken.key == "r2,f1" and "2020-06-05" in broken.message
    unplaced = _found(pinned, drop(plan, "placements", R1))
    assert ("pin_request", "r1,f1") in unplaced


# ------------------------------------------------------------------ kept decisions


def _replan(plan: Plan, first_open: int) -> Plan:
    """`plan` as a re-plan of itself keeping what is dated before day `first_open`."""
    summary = plan.summary.model_copy(update={"previous": "old", "kept_before": d(first_open)})
    return plan.model_copy(update={"summary": summary})


def test_a_replan_keeping_the_past_passes_and_may_change_the_rest(s: Scenario, plan: Plan) -> None:
    again = _replan(plan, 3)
    assert validate_plan(s, again, plan) == []
    # w1's shift on day 4 (after the first open day) may go
    assert validate_plan(s, drop(again, "shifts", W1_DAY_4), plan) == []


MOVED_PAST = [
    # w3's shift at h1 on day 2, worked in the previous plan, dropped
    (
        lambda p: drop(p, "shifts", SHIFTS.index(shift(2, DAY, "w3", "h1", SENIOR))),
        {"shift,2020-06-03,w3 at h1, day senior_carer": "1 in the previous plan"},
    ),
    # a booking on day 1 added to the past
    (
        lambda p: add(p, testing=[home_test(1, "local", "h3", S, 2)]),
        {"test booking,2020-06-02,h3 staff at local": "the plan has 2"},
    ),
    # r1, admitted on day 0, moved to day 1
    (
        lambda p: replace(p, "placements", R1, admit_date=d(1), discharge_date=d(4), wait_days=1),
        {
            "admission,2020-06-01,r1 at f1": "the plan has 0",
            "admission,2020-06-02,r1 at f1": "0 in the previous plan",
        },
    ),
]


@pytest.mark.parametrize(("change", "expected"), MOVED_PAST)
def test_a_kept_decision_changed_is_named_with_before_and_after(
    s: Scenario, plan: Plan, change: Callable[[Plan], Plan], expected: dict[str, str]
) -> None:
    found = validate_plan(s, change(_replan(plan, 3)), plan)
    kept = {v.key: v.message for v in found if v.rule == "kept_decision"}
    assert set(kept) == set(expected)
    for key, said in expected.items():
        assert said in kept[key]


def test_a_plan_that_is_no_replan_is_not_held_to_a_previous_one(s: Scenario, plan: Plan) -> None:
    assert validate_plan(s, drop(plan, "shifts", W1_DAY_4), plan) == []
