"""Isolation family: each rule on a tiny scenario where it binds."""

from __future__ import annotations

import pytest

from tests.conftest import day, home, scenario, solve

# Every rule of the family, checked with every backend (CP-SAT, CBC, HiGHS).
pytestmark = pytest.mark.usefixtures("each_solver")


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


def test_one_bed_holds_one_stay_at_a_time():
    s = scenario(
        homes=[home("a")],
        isolation_facilities=[facility(beds=1)],
        isolation_requests=[request("r1", 0, stay_days=3), request("r2", 0, stay_days=3)],
    )
    plan = solve(s)
    stays = sorted(
        (p.admit_date.isoformat(), p.discharge_date.isoformat()) for p in plan.placements
    )
    assert stays == [(day(0), day(3)), (day(3), day(6))]
    [wait] = [u for u in plan.unmet if u.kind == "isolation_wait"]
    assert wait.amount == 3 and "hotel full on 2020-06-01..2020-06-03" in wait.cause


def test_request_goes_only_where_its_need_is_accepted():
    s = scenario(
        homes=[home("a")],
        isolation_facilities=[
            facility(accepts=["learning_disability"]),
            {"id": "council", "kind": "council_beds", "beds": 1, "accepts": ["residential"]},
        ],
        isolation_requests=[request("r1", 1)],
    )
    plan = solve(s)
    assert [(p.request_id, p.facility_id) for p in plan.placements] == [("r1", "council")]


def test_admission_books_a_test_the_day_before():
    s = scenario(
        homes=[home("a")],
        isolation_facilities=[facility()],
        isolation_requests=[request("r1", 2)],
    )
    plan = solve(s)
    [placement] = plan.placements
    [swab] = [t for t in plan.testing if t.request_id == "r1"]
    assert placement.admit_date.isoformat() == day(2)
    assert swab.date.isoformat() == day(1) and swab.cohort == "admissions"


def test_no_admission_test_slot_means_no_admission_after_day_one():
    s = scenario(
        homes=[home("a")],
        test_sites=[{"id": "local", "kind": "local_site", "capacity": 5, "cohorts": ["staff"]}],
        isolation_facilities=[facility()],
        isolation_requests=[request("r1", 2)],
    )
    plan = solve(s)
    assert plan.placements == []
    [unmet] = plan.unmet
    assert unmet.kind == "isolation" and "pre-admission" in unmet.cause


def test_full_facility_leaves_request_unplaced_with_cause():
    s = scenario(
        homes=[home("a")],
        isolation_facilities=[facility(beds=[1, 1, 1, 0, 0, 0, 0])],
        isolation_requests=[request("r1", 0, stay_days=3), request("r2", 1, stay_days=3)],
    )
    plan = solve(s)
    assert [p.request_id for p in plan.placements] == ["r1"]
    [unmet] = [u for u in plan.unmet if u.kind == "isolation"]
    assert "hotel full" in unmet.cause
