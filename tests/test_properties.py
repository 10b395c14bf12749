"""Property: on random small scenarios, every plan satisfies every hard rule.

Hypothesis draws the scenario's shape (homes, shortfalls, workers with histories and
tests, sites with lead times and mobile units, facilities, requests); the solver plans it;
the independent validator must find nothing. Needs are also accounted for exactly: every
shortfall shift is either filled or reported unmet.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios.load import parse_scenario
from scenarios.schema import Scenario
from tests.conftest import day, solve

HOME_TYPES = [
    "older_people_nursing",
    "older_people_residential",
    "learning_disability",
    "mental_health",
]
ROLES = ["carer", "senior_carer", "nurse"]
NEEDS = ["dementia", "residential", "learning_disability"]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    days = draw(st.integers(3, 9))
    n_homes = draw(st.integers(1, 4))
    homes = [draw(_home(f"h{i}", days)) for i in range(n_homes)]
    workers = [
        draw(_worker(f"w{i}", days, [h["id"] for h in homes]))
        for i in range(draw(st.integers(1, 4)))
    ]
    held = {r for w in workers for r in w["roles"]}
    for h in homes:
        h["shortfalls"] = [sf for sf in h["shortfalls"] if sf["role"] in held]
    sites = [draw(_site(f"s{i}", days)) for i in range(draw(st.integers(1, 2)))]
    facilities = [
        {
            "id": f"f{i}",
            "kind": "care_hotel",
            "beds": draw(st.integers(0, 2)),
            "accepts": draw(st.lists(st.sampled_from(NEEDS), min_size=1, max_size=2, unique=True)),
        }
        for i in range(draw(st.integers(1, 2)))
    ]
    accepted = sorted({n for f in facilities for n in f["accepts"]})
    requests = [
        {
            "id": f"r{i}",
            "from_home": draw(st.sampled_from([h["id"] for h in homes])),
            "need": draw(st.sampled_from(accepted)),
            "earliest": day(draw(st.integers(0, days - 1))),
            "stay_days": draw(st.integers(1, 5)),
        }
        for i in range(draw(st.integers(0, 4)))
    ]
    policy = {
        "quarantine_days": draw(st.integers(0, 10)),
        "max_shifts_per_7_days": draw(st.integers(1, 6)),
        "max_consecutive_days": draw(st.integers(1, 5)),
        "predeployment_test_valid_days": draw(st.integers(1, 4)),
    }
    data = {
        "horizon": {"start": day(0), "days": days},
        "policy": policy,
        "homes": homes,
        "test_sites": sites,
        "workers": workers,
        "isolation_facilities": facilities,
        "isolation_requests": requests,
    }
    return parse_scenario(data, source="hypothesis.yaml")


@st.composite
def _home(draw: st.DrawFn, home_id: str, days: int) -> dict[str, Any]:
    beds = draw(st.integers(1, 12))
    confirmed = draw(st.booleans())
    slots = draw(
        st.lists(
            st.tuples(
                st.integers(0, days - 1), st.sampled_from(["day", "night"]), st.sampled_from(ROLES)
            ),
            max_size=6,
            unique=True,
        )
    )
    return {
        "id": home_id,
        "name": home_id,
        "type": draw(st.sampled_from(HOME_TYPES)),
        "beds": beds,
        "residents": draw(st.integers(0, beds)),
        "staff": draw(st.integers(0, 12)),
        "agency_staff": draw(st.integers(0, 3)),
        "outbreak": {"status": "confirmed", "since": day(draw(st.integers(-5, days - 1)))}
        if confirmed
        else {},
        "last_tested": {
            "staff": day(-draw(st.integers(1, 10))),
            "residents": day(-draw(st.integers(1, 30))),
        },
        "shortfalls": [
            {"date": day(d), "shift": s, "role": r, "workers": draw(st.integers(1, 2))}
            for d, s, r in slots
        ],
    }


@st.composite
def _worker(draw: st.DrawFn, worker_id: str, days: int, homes: list[str]) -> dict[str, Any]:
    first = draw(st.integers(0, days - 1))
    last = draw(st.integers(first, days - 1))
    current = draw(st.sampled_from([None, *homes]))
    return {
        "id": worker_id,
        "kind": draw(st.sampled_from(["bank", "agency"])),
        "roles": draw(st.lists(st.sampled_from(ROLES), min_size=1, max_size=2, unique=True)),
        "availability": [{"from": day(first), "to": day(last), "shifts": draw(_shifts())}],
        "max_shifts": draw(st.none() | st.integers(1, 5)),
        "home_history": {"current_home": current, "last_shift": day(-draw(st.integers(1, 12)))}
        if current
        else {},
        "last_negative_test": draw(st.none() | st.integers(-6, 0).map(day)),
    }


def _shifts() -> st.SearchStrategy[list[str]]:
    return st.sampled_from([["day"], ["night"], ["day", "night"]])


@st.composite
def _site(draw: st.DrawFn, site_id: str, days: int) -> dict[str, Any]:
    mobile = draw(st.booleans())
    return {
        "id": site_id,
        "kind": "mobile_unit" if mobile else "local_site",
        "capacity": draw(
            st.integers(0, 25) | st.lists(st.integers(0, 25), min_size=days, max_size=days)
        ),
        "cohorts": draw(
            st.lists(
                st.sampled_from(["staff", "residents", "agency", "admissions"]),
                min_size=1,
                unique=True,
            )
        ),
        "home_types": draw(
            st.none() | st.lists(st.sampled_from(HOME_TYPES), min_size=1, unique=True)
        ),
        "lead_days": draw(st.integers(0, min(2, days - 1))),
        "result_days": draw(st.integers(0, 2)),
        "max_homes_per_day": draw(st.integers(1, 2)) if mobile else None,
    }


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_every_plan_satisfies_every_hard_rule(s: Scenario) -> None:
    plan = solve(s, time_limit=5.0)  # validates inside
    short = sum(sf.workers for h in s.homes for sf in h.shortfalls)
    unmet_shifts = sum(u.amount for u in plan.unmet if u.kind == "shift")
    assert len(plan.shifts) + unmet_shifts == short
    placed = {p.request_id for p in plan.placements}
    unplaced = {u.detail.split()[0] for u in plan.unmet if u.kind == "isolation"}
    assert placed | unplaced == {r.id for r in s.isolation_requests}
    assert not placed & unplaced
