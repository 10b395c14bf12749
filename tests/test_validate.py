"""The independent validator on a hand-written plan: valid as written, then broken one rule
at a time. No solver runs here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from scenarios.checks import scenario_problems
from scenarios.schema import (
    AT_HOME,
    Availability,
    Cohort,
    FacilityKind,
    Home,
    HomeHistory,
    HomeType,
    IsolationFacility,
    IsolationRequest,
    Need,
    Policy,
    Role,
    Scenario,
    Shift,
    Shortfall,
    SiteKind,
    TestSite,
    Worker,
    WorkerKind,
)
from scheduler.plan import (
    Placement,
    PlacementMode,
    Plan,
    ShiftAssignment,
    Summary,
    TestBooking,
)
from scheduler.validate import RULE_NAMES, Violation, validate_plan

START = dt.date(2020, 6, 1)
DAY, NIGHT = Shift.DAY, Shift.NIGHT
CARER, SENIOR, NURSE = Role.CARER, Role.SENIOR_CARER, Role.NURSE


def d(n: int) -> dt.date:
    """Horizon day `n` (0-based); negative or past 6 lies outside the horizon."""
    return START + dt.timedelta(days=n)


def short(n: int, shift: Shift, role: Role, workers: int = 1) -> Shortfall:
    return Shortfall(date=d(n), shift=shift, role=role, workers=workers)


# ------------------------------------------------------------------ the scenario


def make_scenario() -> Scenario:
    """Three homes, a local site and a mobile unit, three workers, one facility, two requests.

    Policy: at most 4 shifts in 7 days, 3 consecutive days, stays of 4 days by default.
    """
    homes = [
        Home(
            id="h1",
            name="Home 1",
            type=HomeType.OLDER_PEOPLE_RESIDENTIAL,
            beds=12,
            residents=10,
            staff=8,
            agency_staff=2,
            shortfalls=[
                short(1, DAY, SENIOR),
                short(2, DAY, SENIOR),
                short(2, NIGHT, SENIOR),
                short(3, DAY, SENIOR),
                short(3, DAY, CARER),
                short(4, DAY, SENIOR),
                short(4, DAY, CARER),
                short(5, DAY, SENIOR),
            ],
        ),
        Home(
            id="h2",
            name="Home 2",
            type=HomeType.LEARNING_DISABILITY,
            beds=8,
            residents=6,
            staff=5,
            shortfalls=[short(n, DAY, CARER) for n in (2, 3, 4, 6)],
        ),
        Home(
            id="h3",
            name="Home 3",
            type=HomeType.OLDER_PEOPLE_NURSING,
            beds=24,
            residents=20,
            staff=12,
            shortfalls=[
                short(0, NIGHT, NURSE),
                short(1, NIGHT, NURSE),
                short(2, DAY, NURSE),
                short(4, NIGHT, NURSE),
                short(5, NIGHT, NURSE),
                short(6, NIGHT, NURSE),
                short(1, DAY, SENIOR),
                short(2, DAY, SENIOR),
            ],
        ),
    ]
    sites = [
        TestSite(id="local", kind=SiteKind.LOCAL_SITE, capacity=20, cohorts=list(Cohort)),
        TestSite(
            id="mobile",
            kind=SiteKind.MOBILE_UNIT,
            capacity=15,
            cohorts=[Cohort.STAFF, Cohort.RESIDENTS],
            home_types=[HomeType.OLDER_PEOPLE_RESIDENTIAL, HomeType.OLDER_PEOPLE_NURSING],
            lead_days=1,
            result_days=2,
            max_homes_per_day=1,
        ),
    ]
    workers = [
        # New to every home, never tested: needs a booked test before the first shift.
        Worker(
            id="w1",
            roles=[CARER],
            availability=[Availability(from_=d(0), to=d(6))],
            max_shifts=3,
        ),
        # Agency nurse staying at her current home: no quarantine, no test needed.
        Worker(
            id="w2",
            kind=WorkerKind.AGENCY,
            roles=[NURSE, CARER],
            availability=[Availability(from_=d(0), to=d(6))],
            home_history=HomeHistory(current_home="h3", last_shift=d(-2)),
        ),
        # At h1 until a week ago; quarantined from other homes until 2020-06-08.
        Worker(
            id="w3",
            roles=[SENIOR],
            availability=[Availability(from_=d(0), to=d(4))],
            home_history=HomeHistory(current_home="h1", last_shift=d(-7)),
            last_negative_test=d(-1),
        ),
    ]
    return Scenario(
        name="validate",
        horizon={"start": START, "days": 7},
        policy=Policy(max_shifts_per_7_days=4, max_consecutive_days=3, isolation_stay_days=4),
        homes=homes,
        test_sites=sites,
        workers=workers,
        isolation_facilities=[
            IsolationFacility(
                id="f1",
                kind=FacilityKind.CARE_HOTEL,
                beds=[2, 2, 2, 1, 1, 1, 1],
                accepts=[Need.RESIDENTIAL, Need.DEMENTIA],
            )
        ],
        isolation_requests=[
            IsolationRequest(
                id="r1",
                from_home="h1",
                need=Need.RESIDENTIAL,
                earliest=d(0),
                stay_days=3,
                one_to_one_ok=True,  # h1 could keep r1 1:1 at home; the plan gives a bed
            ),
            IsolationRequest(id="r2", from_hospital="Derriford", need=Need.DEMENTIA, earliest=d(1)),
        ],
    )


# ------------------------------------------------------------------ the valid plan


def home_test(n: int, site: str, home: str, cohort: Cohort, tests: int) -> TestBooking:
    return TestBooking(date=d(n), site_id=site, home_id=home, cohort=cohort, tests=tests)


def worker_test(n: int, worker: str, cohort: Cohort = Cohort.STAFF, **kw: Any) -> TestBooking:
    return TestBooking(date=d(n), site_id="local", cohort=cohort, tests=1, worker_id=worker, **kw)


def admission_test(n: int, request: str, **kw: Any) -> TestBooking:
    fields: dict[str, Any] = {"site_id": "local", "cohort": Cohort.ADMISSIONS, "tests": 1}
    return TestBooking(date=d(n), request_id=request, **(fields | kw))


def shift(n: int, s: Shift, worker: str, home: str, role: Role) -> ShiftAssignment:
    return ShiftAssignment(date=d(n), shift=s, worker_id=worker, home_id=home, role=role)


def placement(request: str, admit: int, stay: int, wait: int, facility: str = "f1") -> Placement:
    return Placement(
        request_id=request,
        facility_id=facility,
        admit_date=d(admit),
        discharge_date=d(admit + stay),
        wait_days=wait,
    )


R, S, A = Cohort.RESIDENTS, Cohort.STAFF, Cohort.AGENCY

TESTING = [
    worker_test(0, "w1"),  # result back on day 1, valid for w1's first shift on day 2
    home_test(0, "local", "h2", R, 6),
    home_test(0, "local", "h2", S, 5),
    home_test(1, "local", "h1", R, 6),
    home_test(1, "mobile", "h1", S, 8),  # the mobile unit's one visit on day 1
    home_test(2, "mobile", "h3", S, 12),  # ... and on day 2
    admission_test(2, "r2"),  # r2 is admitted on day 3; results take one day
    home_test(3, "local", "h3", R, 20),  # local site exactly at capacity
    home_test(4, "local", "h1", A, 1),
]
SHIFTS = [
    *(shift(n, DAY, "w1", "h2", CARER) for n in (2, 3, 4)),  # w1's max_shifts is 3
    *(shift(n, NIGHT, "w2", "h3", NURSE) for n in (0, 1, 4)),
    *(shift(n, DAY, "w3", "h1", SENIOR) for n in (1, 2)),
]
W1_TEST, R2_TEST = 0, 6  # indices into TESTING
W1_DAY_4 = 2  # index into SHIFTS
NOT_W3 = slice(0, 6)  # SHIFTS without w3's
R1, R2 = 0, 1  # indices into PLACEMENTS
MET_AT_HOME: dict[str, Any] = {"mode": PlacementMode.ONE_TO_ONE, "facility_id": AT_HOME}
"""A placement's fields turned into a stay at the resident's own home, same dates."""

PLACEMENTS = [
    placement("r1", admit=0, stay=3, wait=0),  # first day: swabbed before the plan
    placement("r2", admit=3, stay=4, wait=2),  # one bed from day 3
]


@pytest.fixture(scope="module")
def s() -> Scenario:
    return make_scenario()


@pytest.fixture(scope="module")
def plan() -> Plan:
    summary = Summary(
        scenario="validate",
        status="OPTIMAL",
        objective=0.0,
        best_bound=0.0,
        gap=0.0,
        solve_seconds=0.0,
    )
    return Plan(testing=TESTING, shifts=SHIFTS, placements=PLACEMENTS, summary=summary)


def add(plan: Plan, **rows: list[Any]) -> Plan:
    """`plan` with extra rows appended to the named lists."""
    return plan.model_copy(
        update={name: [*getattr(plan, name), *extra] for name, extra in rows.items()}
    )


def replace(plan: Plan, name: str, index: int, **fields: Any) -> Plan:
    """`plan` with row `index` of list `name` changed."""
    rows = list(getattr(plan, name))
    rows[index] = rows[index].model_copy(update=fields)
    return plan.model_copy(update={name: rows})


def drop(plan: Plan, name: str, index: int) -> Plan:
    rows = list(getattr(plan, name))
    del rows[index]
    return plan.model_copy(update={name: rows})


# ------------------------------------------------------------------ the valid plan holds


def test_scenario_itself_is_well_formed(s: Scenario) -> None:
    assert scenario_problems(s) == []


def test_hand_written_plan_keeps_every_rule(s: Scenario, plan: Plan) -> None:
    assert validate_plan(s, plan) == []


def test_violation_prints_rule_key_and_message() -> None:
    v = Violation("site_capacity", "local,2020-06-02", "site local books 231 tests; capacity 220")
    assert str(v) == "site_capacity[local,2020-06-02]: site local books 231 tests; capacity 220"


def test_violations_are_sorted_by_rule_order_then_key(s: Scenario, plan: Plan) -> None:
    broken = add(
        plan,
        testing=[home_test(0, "local", "h3", R, 10)],  # site_capacity
        shifts=[shift(6, DAY, "w1", "h2", CARER), shift(2, DAY, "w2", "h3", NURSE)],
    )
    found = validate_plan(s, broken)
    order = {name: i for i, name in enumerate(RULE_NAMES)}
    assert found == sorted(found, key=lambda v: (order[v.rule], v.key, v.message))
    assert [v.rule for v in found] == ["site_capacity", "rest_after_night", "max_shifts"]
    assert validate_plan(s, broken.model_copy(update={"shifts": broken.shifts[::-1]})) == found


# ------------------------------------------------------------------ one broken rule each

BREAKS: list[tuple[str, str, Any]] = [
    # reference
    ("reference", "unknown site", lambda p: add(p, testing=[home_test(4, "nowhere", "h3", S, 1)])),
    ("reference", "unknown home", lambda p: add(p, testing=[home_test(5, "local", "h9", S, 1)])),
    ("reference", "unknown facility", lambda p: replace(p, "placements", R2, facility_id="f9")),
    (
        "reference",
        "duplicate booking",
        lambda p: add(p, testing=[home_test(4, "local", "h1", A, 1)]),
    ),
    (
        "reference",
        "after the horizon",
        lambda p: add(p, testing=[home_test(7, "local", "h1", A, 1)]),
    ),
    # testing
    (
        "site_capacity",
        "22 tests at 20",
        lambda p: add(p, testing=[home_test(0, "local", "h3", R, 10)]),
    ),
    (
        "site_eligibility",
        "learning disability home at the mobile unit",
        lambda p: add(p, testing=[home_test(3, "mobile", "h2", R, 3)]),
    ),
    (
        "site_eligibility",
        "bank worker booked as agency",
        lambda p: replace(p, "testing", W1_TEST, cohort=Cohort.AGENCY),
    ),
    (
        "site_eligibility",
        "booking for nobody",
        lambda p: add(p, testing=[TestBooking(date=d(5), site_id="local", cohort=S, tests=1)]),
    ),
    (
        "site_eligibility",
        "admission booked as residents",
        lambda p: replace(p, "testing", R2_TEST, cohort=Cohort.RESIDENTS),
    ),
    (
        "site_eligibility",
        "home booked for admissions",
        lambda p: add(p, testing=[home_test(5, "local", "h1", Cohort.ADMISSIONS, 1)]),
    ),
    (
        "site_eligibility",
        "cohort the mobile unit does not test",
        lambda p: add(p, testing=[home_test(3, "mobile", "h1", A, 1)]),
    ),
    (
        "site_lead_time",
        "mobile unit on the first day",
        lambda p: add(p, testing=[home_test(0, "mobile", "h1", R, 3)]),
    ),
    (
        "cohort_size",
        "11 of 10 residents",
        lambda p: add(p, testing=[home_test(1, "mobile", "h1", R, 5)]),
    ),
    (
        "mobile_unit_visits",
        "two homes a day",
        lambda p: add(p, testing=[home_test(2, "mobile", "h1", S, 2)]),
    ),
    ("booking_size", "two swabs for one worker", lambda p: replace(p, "testing", W1_TEST, tests=2)),
    # staffing
    (
        "one_shift_per_day",
        "day and night",
        lambda p: add(p, shifts=[shift(2, NIGHT, "w3", "h1", SENIOR)]),
    ),
    (
        "availability",
        "after availability ends",
        lambda p: add(p, shifts=[shift(5, DAY, "w3", "h1", SENIOR)]),
    ),
    ("role", "senior carer as carer", lambda p: add(p, shifts=[shift(3, DAY, "w3", "h1", CARER)])),
    (
        "rest_after_night",
        "day after a night",
        lambda p: add(p, shifts=[shift(2, DAY, "w2", "h3", NURSE)]),
    ),
    (
        "max_shifts",
        "fourth shift of three",
        lambda p: add(p, shifts=[shift(6, DAY, "w1", "h2", CARER)]),
    ),
    (
        "max_shifts_per_7_days",
        "five shifts in seven days",
        lambda p: add(p, shifts=[shift(n, NIGHT, "w2", "h3", NURSE) for n in (5, 6)]),
    ),
    (
        "max_consecutive_days",
        "four days running",
        lambda p: add(p, shifts=[shift(n, DAY, "w3", "h1", SENIOR) for n in (3, 4)]),
    ),
    (
        "shortfall_cover",
        "no shortfall on that shift",
        lambda p: add(p, shifts=[shift(0, DAY, "w3", "h1", SENIOR)]),
    ),
    ("one_home_per_worker", "two homes", lambda p: replace(p, "shifts", W1_DAY_4, home_id="h1")),
    (
        "quarantine_window",
        "new home inside the window",
        lambda p: p.model_copy(
            update={
                "shifts": [
                    *p.shifts[NOT_W3],
                    *(shift(n, DAY, "w3", "h3", SENIOR) for n in (1, 2)),
                ]
            }
        ),
    ),
    ("tested_before_first_shift", "no test at all", lambda p: drop(p, "testing", W1_TEST)),
    (
        "tested_before_first_shift",
        "result not back by the shift",
        lambda p: replace(p, "testing", W1_TEST, date=d(2)),
    ),
    # isolation
    ("placed_once", "placed twice", lambda p: add(p, placements=[placement("r1", 0, 3, 0)])),
    (
        "admit_not_before_earliest",
        "before earliest",
        lambda p: drop(
            replace(p, "placements", R2, admit_date=d(0), discharge_date=d(4), wait_days=0),
            "testing",
            R2_TEST,
        ),
    ),
    (
        "admit_not_before_earliest",
        "after the horizon",
        lambda p: replace(
            replace(p, "placements", R2, admit_date=d(7), discharge_date=d(11), wait_days=6),
            "testing",
            R2_TEST,
            date=d(6),
        ),
    ),
    ("stay_length", "one day short", lambda p: replace(p, "placements", R2, discharge_date=d(6))),
    ("stay_length", "wrong wait", lambda p: replace(p, "placements", R2, wait_days=0)),
    (
        "bed_occupancy",
        "two stays in one bed",
        lambda p: add(
            replace(p, "placements", R1, admit_date=d(2), discharge_date=d(5), wait_days=2),
            testing=[admission_test(1, "r1")],
        ),
    ),
    ("pre_admission_test", "no test", lambda p: drop(p, "testing", R2_TEST)),
    (
        "pre_admission_test",
        "test on the wrong day",
        lambda p: replace(p, "testing", R2_TEST, date=d(1)),
    ),
    ("pre_admission_test", "two tests", lambda p: add(p, testing=[admission_test(1, "r2")])),
    (
        "pre_admission_test",
        "test for a first-day admission",
        lambda p: add(p, testing=[admission_test(0, "r1")]),
    ),
    ("pre_admission_test", "test for an unplaced request", lambda p: drop(p, "placements", R2)),
    # 1:1 at home
    (
        "at_home_offered",
        "a hospital discharge kept 1:1 at home",
        lambda p: drop(replace(p, "placements", R2, **MET_AT_HOME), "testing", R2_TEST),
    ),
    (
        "one_to_one_gap",
        "a stay at home without its 1:1 shifts",
        lambda p: replace(p, "placements", R1, **MET_AT_HOME),
    ),
]


@pytest.mark.parametrize(
    ("rule", "breaker"),
    [pytest.param(rule, breaker, id=f"{rule}: {why}") for rule, why, breaker in BREAKS],
)
def test_breaking_one_rule_reports_exactly_that_rule(
    s: Scenario, plan: Plan, rule: str, breaker: Any
) -> None:
    found = validate_plan(s, breaker(plan))
    assert {v.rule for v in found} == {rule}, "\n".join(map(str, found))
    assert all(v.key and v.message for v in found)


def test_a_stay_at_home_books_no_admission_test(s: Scenario, plan: Plan) -> None:
    at_home = add(replace(plan, "placements", R1, **MET_AT_HOME), testing=[admission_test(0, "r1")])
    found = validate_plan(s, at_home)
    assert {v.rule for v in found} == {"pre_admission_test", "one_to_one_gap"}
    assert any("met 1:1 at its own home" in v.message for v in found)


def test_facility_that_does_not_take_the_need(s: Scenario, plan: Plan) -> None:
    r1 = s.isolation_requests[0].model_copy(update={"need": Need.NURSING})
    nursing = s.model_copy(update={"isolation_requests": [r1, s.isolation_requests[1]]})
    found = validate_plan(nursing, plan)
    assert [(v.rule, v.key) for v in found] == [("facility_need", "r1")]


def test_resource_of_another_authority(s: Scenario, plan: Plan) -> None:
    """A worker of authority b works (and is tested) where only the unnamed authority is
    served; sharing the worker and the site with that authority makes the plan valid."""
    w1 = s.workers[0].model_copy(update={"authority": "b"})
    found = validate_plan(s.model_copy(update={"workers": [w1, *s.workers[1:]]}), plan)
    assert {v.rule for v in found} == {"local_authority"}
    assert any("does not serve" in v.message for v in found)
    shared = s.model_copy(
        update={"homes": [h.model_copy(update={"authority": "a"}) for h in s.homes]}
    )
    site_cut = validate_plan(shared, plan)
    assert site_cut and {v.rule for v in site_cut} == {"local_authority"}
    served = shared.model_copy(
        update={
            key: [x.model_copy(update={"authority": "a"}) for x in getattr(shared, key)]
            for key in ("test_sites", "workers", "isolation_facilities")
        }
        | {
            "isolation_requests": [
                r.model_copy(update={"authority": None if r.from_home else "a"})
                for r in shared.isolation_requests
            ]
        }
    )
    assert validate_plan(served, plan) == []


def test_every_rule_has_a_breaking_case() -> None:
    """Rules needing another scenario or a previous plan are broken in their own tests
    (here, in test_validate_decisions.py, with the one-home rule off in test_history.py,
    the labour pools' rules in test_pools.py, and PPE's, which need a scenario with a
    `ppe` section, by the plan the model makes without each rule in test_ppe.py)."""
    elsewhere = {
        "trained",
        "agency_supplies_home",
        "quarantine_between_homes",
        "facility_need",
        "local_authority",
        "portal_eligibility",
        "pin_worker",
        "pin_request",
        "kept_decision",
        "ppe_home_stock",
        "ppe_depot_stock",
        "ppe_van_capacity",
        # staff rooms and taxis: broken with their model rule off in test_accommodation.py
        "hotel_rooms",
        "whole_stay",
        "room_at_far_shift",
        "taxi_budget",
        "taxi_eligibility",
        # training and liaison visits: broken with their model rule off in test_visits.py
        "officer_minutes",
        "one_visit_a_day",
        "trained_once",
        "training_sessions",
        "visit_eligibility",
    }
    assert {rule for rule, _why, _breaker in BREAKS} | elsewhere == set(RULE_NAMES)


# ------------------------------------------------------------------ details of single rules


def test_capacity_message_names_site_day_and_amounts(s: Scenario, plan: Plan) -> None:
    found = validate_plan(s, add(plan, testing=[home_test(0, "local", "h3", R, 10)]))
    assert [str(v) for v in found] == [
        "site_capacity[local,2020-06-01]: site local books 22 tests on 2020-06-01; capacity 20"
    ]


def test_per_day_capacity_list_is_read_by_day(s: Scenario, plan: Plan) -> None:
    local = s.test_sites[0].model_copy(update={"capacity": [20, 20, 20, 19, 20, 20, 20]})
    tight = s.model_copy(update={"test_sites": [local, s.test_sites[1]]})
    found = validate_plan(tight, plan)
    assert [(v.rule, v.key) for v in found] == [("site_capacity", "local,2020-06-04")]


def test_last_negative_test_from_the_scenario_covers_a_new_home(s: Scenario, plan: Plan) -> None:
    tested = s.workers[0].model_copy(update={"last_negative_test": d(-1)})
    scenario = s.model_copy(update={"workers": [tested, *s.workers[1:]]})
    assert validate_plan(scenario, drop(plan, "testing", W1_TEST)) == []
    stale = s.workers[0].model_copy(update={"last_negative_test": d(-2)})  # 4 days before day 2
    scenario = s.model_copy(update={"workers": [stale, *s.workers[1:]]})
    found = validate_plan(scenario, drop(plan, "testing", W1_TEST))
    assert [(v.rule, v.key) for v in found] == [("tested_before_first_shift", "w1,2020-06-03")]


def with_shortfalls(s: Scenario, home: int, *extra: Shortfall) -> Scenario:
    homes = list(s.homes)
    homes[home] = homes[home].model_copy(update={"shortfalls": [*homes[home].shortfalls, *extra]})
    return s.model_copy(update={"homes": homes})


def test_quarantine_ends_exactly_at_last_shift_plus_window(s: Scenario, plan: Plan) -> None:
    # w3 last worked at h1 on 2020-05-25; an 11-day window frees it for h3 from day 3 (06-04).
    policy = s.policy.model_copy(update={"quarantine_days": 11})
    scenario = with_shortfalls(
        s.model_copy(update={"policy": policy}), 2, short(3, DAY, SENIOR), short(4, DAY, SENIOR)
    )
    # w3's own negative test (05-31) is too old by then: book one on day 2, back on day 3.
    testing = [*plan.testing, worker_test(2, "w3")]

    def w3_at_h3(n: int) -> Plan:
        shifts = [*plan.shifts[NOT_W3], shift(n, DAY, "w3", "h3", SENIOR)]
        return plan.model_copy(update={"shifts": shifts, "testing": testing})

    assert validate_plan(scenario, w3_at_h3(4)) == []
    found = validate_plan(scenario, w3_at_h3(3))
    assert [(v.rule, v.key) for v in found] == [("quarantine_window", "w3,2020-06-04")]


def test_seven_day_windows_slide_over_a_longer_horizon(s: Scenario, plan: Plan) -> None:
    longer = s.model_copy(update={"horizon": s.horizon.model_copy(update={"days": 10})})
    longer = with_shortfalls(longer, 2, *(short(n, NIGHT, NURSE) for n in (7, 8, 9)))
    w2 = longer.workers[1].model_copy(update={"availability": [Availability(from_=d(0), to=d(9))]})
    longer = longer.model_copy(update={"workers": [longer.workers[0], w2, longer.workers[2]]})
    # Nights 0, 1, 4, 7, 8: at most 3 in any 7 days, but 5 in the horizon.
    nights = add(plan, shifts=[shift(n, NIGHT, "w2", "h3", NURSE) for n in (7, 8)])
    assert validate_plan(longer, nights) == []
    # With nights 5 and 9 as well, only the last window (days 3-9) holds 5 shifts.
    found = validate_plan(
        longer, add(nights, shifts=[shift(n, NIGHT, "w2", "h3", NURSE) for n in (5, 9)])
    )
    assert [(v.rule, v.key) for v in found] == [("max_shifts_per_7_days", "w2,2020-06-04")]


def test_occupancy_after_the_horizon_is_not_checked(s: Scenario, plan: Plan) -> None:
    # r2 stays until day 7, past the horizon, where the facility lists no beds at all.
    assert plan.placements[R2].discharge_date > s.horizon.end
    assert validate_plan(s, plan) == []


def test_empty_plan_is_valid(s: Scenario, plan: Plan) -> None:
    assert validate_plan(s, Plan(summary=plan.summary)) == []


def _with_portal(s: Scenario, plan: Plan, **portal: Any) -> tuple[Scenario, Plan]:
    """`s` with a national portal (home_types as given) and `plan` with h2's (a learning
    disability home's) residents booked there."""
    national = TestSite(
        id="national",
        kind=SiteKind.NATIONAL_PORTAL,
        capacity=50,
        cohorts=[Cohort.RESIDENTS, Cohort.STAFF],
        **portal,
    )
    with_portal = s.model_copy(update={"test_sites": [*s.test_sites, national]})
    return with_portal, add(plan, testing=[home_test(3, "national", "h2", R, 6)])


def test_a_portal_booking_for_learning_disability_residents_needs_an_explicit_list(
    s: Scenario, plan: Plan
) -> None:
    found = validate_plan(*_with_portal(s, plan))
    assert [(v.rule, v.key) for v in found] == [
        ("portal_eligibility", "2020-06-04,national,h2,residents")
    ]


def test_an_explicit_home_types_list_lets_the_portal_test_them(s: Scenario, plan: Plan) -> None:
    listed = [HomeType.LEARNING_DISABILITY, HomeType.OLDER_PEOPLE_RESIDENTIAL]
    assert validate_plan(*_with_portal(s, plan, home_types=listed)) == []
