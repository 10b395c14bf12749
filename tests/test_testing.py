"""Testing family: each rule on a tiny scenario where it binds."""

from __future__ import annotations

from collections import Counter

import pytest

from scenarios.schema import Scenario
from scheduler.plan import Plan
from tests.conftest import day, home, scenario, site, solve

# Every rule of the family, checked with every backend (CP-SAT, CBC, HiGHS).
pytestmark = pytest.mark.usefixtures("each_solver")


def swabs(plan: Plan, *fields: str) -> Counter[tuple[object, ...]]:
    counts: Counter[tuple[object, ...]] = Counter()
    for t in plan.testing:
        counts[tuple(getattr(t, f) for f in fields)] += t.tests
    return counts


def test_full_site_moves_tests_to_the_next_day():
    # 15 staff due by day 1, 10 slots a day: day 0 fills, the rest go on day 1.
    s = scenario(
        homes=[home("a", last_tested={"staff": day(-6), "residents": day(-1)})],
        test_sites=[site(capacity=10)],
    )
    plan = solve(s)
    per_day = swabs(plan, "date", "cohort")
    assert sum(n for (d, c), n in per_day.items() if c == "staff" and d <= s.horizon.dates[1]) == 10
    assert all(t.tests <= 10 for t in plan.testing)
    assert sum(per_day.values()) == 10  # residents are not due within 7 days


def test_full_site_leaves_a_shortfall_with_its_cause():
    s = scenario(
        homes=[home("a", staff=30, last_tested={"staff": day(-6), "residents": day(-1)})],
        test_sites=[site(capacity=[10, 10, 0, 0, 0, 0, 0])],
    )
    plan = solve(s)
    [unmet] = plan.unmet
    assert (unmet.kind, unmet.amount, unmet.cause_family) == ("cohort_test", 10, "testing")
    assert "site local full on 2020-06-01..2020-06-02" in unmet.cause


def test_higher_risk_home_is_tested_first_when_capacity_is_short():
    due = {"staff": day(-6), "residents": day(-1)}
    s = scenario(
        homes=[
            home("calm", last_tested=due),
            home("red", last_tested=due, rag={"overall": "red", "ppe": "red"}),
        ],
        test_sites=[site(capacity=[5, 5, 0, 0, 0, 0, 0])],
    )
    plan = solve(s)
    assert swabs(plan, "home_id") == {("red",): 10}
    assert {u.home_id for u in plan.unmet} == {"calm"}


def test_national_portal_does_not_test_learning_disability_residents():
    s = scenario(
        homes=[
            home(
                "ld",
                type="learning_disability",
                beds=8,
                residents=6,
                last_tested={"staff": day(-1)},
            )
        ],
        test_sites=[
            site(
                "national",
                kind="national_portal",
                cohorts=["residents"],
                home_types=["older_people_residential", "older_people_nursing"],
            )
        ],
    )
    plan = solve(s)
    assert plan.testing == []
    residents = [u for u in plan.unmet if u.detail.startswith("residents")]
    assert (
        residents
        and "no test channel accepts residents of learning_disability homes" in residents[0].cause
    )


def _portal_and_ld_home(home_types: list[str] | None = None) -> tuple[Scenario, Plan]:
    """An LD home whose residents and staff are due, a national portal as the only channel
    (`home_types` as given, omitted if None), and the plan."""
    portal = {} if home_types is None else {"home_types": home_types}
    s = scenario(
        homes=[home("ld", type="learning_disability", beds=8, residents=6, last_tested={})],
        test_sites=[
            site("national", 100, kind="national_portal", cohorts=["residents", "staff"], **portal)
        ],
    )
    return s, solve(s)


def test_a_national_portal_tests_no_learning_disability_residents_by_default():
    # no home_types on the row: the portal's own rule holds (set up for over-65s and
    # residents with dementia), so the residents go untested; the staff are tested
    _s, plan = _portal_and_ld_home()
    assert {t.cohort for t in plan.testing} == {"staff"}
    residents = [u for u in plan.unmet if u.detail.startswith("residents")]
    assert residents and all(u.cause_rule == "site_accepts" for u in residents)
    assert all("national" in u.cause for u in residents)  # the cause names the portal


def test_an_explicit_home_types_list_lets_the_portal_test_learning_disability_residents():
    s, plan = _portal_and_ld_home(["older_people_residential", "learning_disability"])
    residents = [t for t in plan.testing if t.cohort == "residents"]
    assert sum(t.tests for t in residents) == 6
    # the booking says the scenario's list, not the portal's own rule, let it through
    override = s.test_sites[0].override(residents[0].cohort, s.homes[0].type)
    assert override and all(override in t.reason for t in residents)


def test_lead_time_delays_the_first_test():
    s = scenario(
        days=10,
        homes=[home("a", last_tested={"staff": day(-7), "residents": day(-1)})],
        test_sites=[site(lead_days=3)],
    )
    plan = solve(s)
    assert plan.testing and min(t.date for t in plan.testing).isoformat() >= day(3)
    # due on day 2, before the site opens: unmet in round one, explained by the lead time
    assert any("lead time" in u.cause for u in plan.unmet)


def test_outbreak_home_gets_whole_home_testing_within_two_days():
    s = scenario(
        homes=[
            home(
                "ob",
                outbreak={"status": "confirmed", "since": day(0), "resident_cases": 2},
                last_tested={"staff": day(-2), "residents": day(-3)},
            )
        ],
    )
    plan = solve(s)
    early = swabs(plan, "cohort")
    assert early[("staff",)] >= 10 and early[("residents",)] >= 10
    first_round = [t for t in plan.testing if t.date.isoformat() <= day(2)]
    assert sum(t.tests for t in first_round) == 20
    assert all("whole-home testing" in t.reason for t in first_round)


def test_one_swab_per_person_a_day_across_sites():
    s = scenario(
        homes=[home("a", last_tested={"staff": day(-7), "residents": day(-1)})],
        test_sites=[site("one"), site("two")],
    )
    plan = solve(s)
    per_day = swabs(plan, "date", "home_id", "cohort")
    assert per_day and max(per_day.values()) <= 10


def test_mobile_unit_visits_at_most_its_daily_homes():
    due = {"staff": day(-7), "residents": day(-1)}
    s = scenario(
        days=3,
        homes=[home(h, last_tested=due) for h in ("a", "b", "c")],
        test_sites=[site("van", kind="mobile_unit", max_homes_per_day=1, cohorts=["staff"])],
    )
    plan = solve(s)
    visits = Counter(t.date for t in plan.testing)
    assert set(visits.values()) == {1}
    assert len(plan.testing) == 3  # one home a day over three days


def test_validate_states_an_explicit_list_that_overrides_the_portal_rule(tmp_path):
    from click.testing import CliRunner

    from cli.main import main
    from scenarios.load import dump_scenario

    results = []
    for types in (None, ["learning_disability"]):
        s, _plan = _portal_and_ld_home(types)
        path = tmp_path / f"s{len(results)}.yaml"
        path.write_text(dump_scenario(s))
        results.append(CliRunner().invoke(main, ["validate", str(path)]))
    plain, overridden = results
    assert plain.exit_code == overridden.exit_code == 0
    assert "learning_disability" not in plain.output
    assert "learning_disability" in overridden.output and "national" in overridden.output
