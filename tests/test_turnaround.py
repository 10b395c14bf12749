"""Results that take a range of days: one reading at the policy's percentile, shared by the
model, the validator and the what-if shocks."""

from __future__ import annotations

import random
from typing import Any

import pytest
from pydantic import TypeAdapter

from scenarios.load import ScenarioError
from scenarios.schema import Scenario, TestSite
from scenarios.shocks import Shock, apply_shocks
from scenarios.turnaround import days_to_result
from scheduler.validate import validate_plan
from tests.conftest import day, home, scenario, shortfall, solve, worker


def _site(result_days: Any) -> TestSite:
    return TestSite.model_validate(
        {"id": "portal", "kind": "national_portal", "capacity": 5, "cohorts": ["staff"]}
        | {"result_days": result_days}
    )


@pytest.mark.parametrize(
    ("result_days", "percentile", "expected"),
    [
        (3, 0, 3),
        (3, 100, 3),
        ({"min": 1, "max": 14}, 0, 1),
        ({"min": 1, "max": 14}, 50, 8),  # 7.5 rounded up: a result counts once it is back
        ({"min": 1, "max": 14}, 100, 14),
        ({"min": 1, "max": 5}, 50, 3),
        ({"min": 4, "max": 4}, 90, 4),
    ],
)
def test_the_percentile_of_a_uniform_range_rounded_up(
    result_days: Any, percentile: int, expected: int
) -> None:
    assert days_to_result(_site(result_days), percentile) == expected


def _new_worker(percentile: int, result_days: Any = None) -> Scenario:
    """A never-tested worker wanted at a home every day; the one site swabs from day 0 with
    results in 1-5 days, and a test stays valid long enough for the slowest."""
    return scenario(
        homes=[home("a", shortfalls=[shortfall(d) for d in range(7)])],
        workers=[worker("w1", last_negative_test=None)],
        test_sites=[
            {
                "id": "portal",
                "kind": "national_portal",
                "capacity": 5,
                "cohorts": ["staff"],
                "result_days": result_days or {"min": 1, "max": 5},
            }
        ],
        policy={
            "result_percentile": percentile,
            "predeployment_test_valid_days": 7,
            "max_consecutive_days": 7,
            "max_shifts_per_7_days": 7,
        },
    )


def _first_shift(s: Scenario) -> str:
    return min(x.date for x in solve(s).shifts).isoformat()


def test_the_slowest_result_delays_a_new_workers_first_shift_by_the_maximum() -> None:
    assert _first_shift(_new_worker(percentile=0)) == day(1)
    assert _first_shift(_new_worker(percentile=100)) == day(5)


def test_the_validator_reads_the_same_percentile_as_the_model() -> None:
    fast, slow = _new_worker(percentile=0), _new_worker(percentile=100)
    plan = solve(fast)  # first shift on day 1, the day after its swab
    assert validate_plan(fast, plan) == []
    found = validate_plan(slow, plan)
    assert [v.rule for v in found] == ["tested_before_first_shift"]
    assert "w1" in found[0].message


def test_a_range_with_min_above_max_names_the_site_and_field() -> None:
    with pytest.raises(ScenarioError) as error:
        _new_worker(percentile=50, result_days={"min": 5, "max": 2})
    assert error.value.lines == [
        "test.yaml: test_sites[0] (portal).result_days: min 5 is more than max 2 days"
    ]


SHOCKS: TypeAdapter[list[Shock]] = TypeAdapter(list[Shock])


def _shocked(s: Scenario, *shocks: dict[str, Any]) -> Scenario:
    return apply_shocks(s, SHOCKS.validate_python(shocks), random.Random(0), "shocked", "w.yaml")


def test_a_shock_sets_or_scales_a_sites_result_days() -> None:
    base = _new_worker(percentile=100, result_days=2)
    ranged = {"kind": "site_result_days", "site": "portal", "set": {"min": 1, "max": 5}}
    assert _shocked(base, ranged).test_sites[0].result_days.model_dump() == {"min": 1, "max": 5}
    scaled = _shocked(base, {"kind": "site_result_days", "site": "portal", "scale": 1.5})
    assert scaled.test_sites[0].result_days == 3  # 2 x 1.5
    both = _shocked(base, ranged, {"kind": "site_result_days", "site": "portal", "scale": 0.5})
    assert both.test_sites[0].result_days.model_dump() == {"min": 1, "max": 3}  # rounded up


def test_a_slower_lab_shock_changes_the_plan() -> None:
    base = _new_worker(percentile=100, result_days=1)
    slower = _shocked(base, {"kind": "site_result_days", "site": "portal", "scale": 4})
    assert (_first_shift(base), _first_shift(slower)) == (day(1), day(4))


def test_a_shock_on_an_unknown_site_is_refused() -> None:
    with pytest.raises(ScenarioError, match="unknown test site 'lab'"):
        _shocked(_new_worker(50), {"kind": "site_result_days", "site": "lab", "set": 3})
    with pytest.raises(ValueError, match="exactly one of scale or set"):
        SHOCKS.validate_python([{"kind": "site_result_days", "site": "portal"}])
