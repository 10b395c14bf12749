"""Isolation family: each rule on a tiny scenario where it binds."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scenarios.schema import Scenario
from tests.conftest import Solver, day, home, scenario


def facility(beds: int | list[int] = 1, accepts: list[str] | None = None) -> dict[str, object]:
    return {
        "id": "hotel",
        "kind": "care_hotel",
        "beds": beds,
        "accepts": accepts or ["residential"],
    }


def request(request_id: str, earliest: int, **fields: object) -> dict[str, object]:
    return {
        "id": request_id,
        "from_home": "a",
        "need": "residential",
        "earliest": day(earliest),
    } | fields


def two_stays_one_bed() -> Scenario:
    return scenario(
        homes=[home("a")],
        isolation_facilities=[facility(beds=1)],
        isolation_requests=[request("r1", 0, stay_days=3), request("r2", 0, stay_days=3)],
    )


def test_one_bed_holds_one_stay_at_a_time(solver: Solver):
    plan = solver.plan(two_stays_one_bed())
    stays = sorted(
        (p.admit_date.isoformat(), p.discharge_date.isoformat()) for p in plan.placements
    )
    assert stays == [(day(0), day(3)), (day(3), day(6))]
    [wait] = [u for u in plan.unmet if u.kind == "isolation_wait"]
    assert wait.amount == 3 and "hotel full on 2020-06-01..2020-06-03" in wait.cause


def test_request_goes_only_where_its_need_is_accepted(solver: Solver):
    s = scenario(
        homes=[home("a")],
        isolation_facilities=[
            facility(accepts=["learning_disability"]),
            {"id": "council", "kind": "council_beds", "beds": 1, "accepts": ["residential"]},
        ],
        isolation_requests=[request("r1", 1)],
    )
    plan = solver.plan(s)
    assert [(p.request_id, p.facility_id) for p in plan.placements] == [("r1", "council")]


def test_admission_books_a_test_the_day_before(solver: Solver):
    s = scenario(
        homes=[home("a")],
        isolation_facilities=[facility()],
        isolation_requests=[request("r1", 2)],
    )
    plan = solver.plan(s)
    [placement] = plan.placements
    [swab] = [t for t in plan.testing if t.request_id == "r1"]
    assert placement.admit_date.isoformat() == day(2)
    assert swab.date.isoformat() == day(1) and swab.cohort == "admissions"


def no_admission_test_slot() -> Scenario:
    return scenario(
        homes=[home("a")],
        test_sites=[{"id": "local", "kind": "local_site", "capacity": 5, "cohorts": ["staff"]}],
        isolation_facilities=[facility()],
        isolation_requests=[request("r1", 2)],
    )


def test_no_admission_test_slot_means_no_admission_after_day_one(solver: Solver):
    plan = solver.plan(no_admission_test_slot())
    assert plan.placements == []
    [unmet] = plan.unmet
    assert unmet.kind == "isolation" and "pre-admission" in unmet.cause


def test_full_facility_leaves_request_unplaced_with_cause(solver: Solver):
    s = scenario(
        homes=[home("a")],
        isolation_facilities=[facility(beds=[1, 1, 1, 0, 0, 0, 0])],
        isolation_requests=[request("r1", 0, stay_days=3), request("r2", 1, stay_days=3)],
    )
    plan = solver.plan(s)
    assert [p.request_id for p in plan.placements] == ["r1"]
    [unmet] = [u for u in plan.unmet if u.kind == "isolation"]
    assert "hotel full" in unmet.cause


BINDS: dict[str, tuple[Callable[[], Scenario], set[str]]] = {
    "add_bed_occupancy": (two_stays_one_bed, {"bed_occupancy"}),
    "add_pre_admission_tests": (no_admission_test_slot, {"pre_admission_test"}),
}
"""Each rule of the family: a battery scenario, and the checker's rule."""


@pytest.mark.parametrize("rule", BINDS)
def test_each_rule_is_what_binds(rule: str, broken_without: Callable[..., set[str]]):
    build, checked = BINDS[rule]
    assert checked <= broken_without(f"constraints.isolation.{rule}", build())
