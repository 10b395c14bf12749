"""Testing family: each rule on a tiny scenario where it binds, on every backend."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from constraints.build import build_model
from scenarios.schema import Scenario
from scheduler.plan import Plan
from tests.conftest import DIRECT, Solver, day, home, scenario, site


def swabs(plan: Plan, *fields: str) -> Counter[tuple[object, ...]]:
    counts: Counter[tuple[object, ...]] = Counter()
    for t in plan.testing:
        counts[tuple(getattr(t, f) for f in fields)] += t.tests
    return counts


def test_full_site_moves_tests_to_the_next_day(solver: Solver):
    # 15 staff due by day 1, 10 slots a day: day 0 fills, the rest go on day 1.
    s = scenario(
        homes=[home("a", last_tested={"staff": day(-6), "residents": day(-1)})],
        test_sites=[site(capacity=10)],
    )
    plan = solver.plan(s)
    per_day = swabs(plan, "date", "cohort")
    assert sum(n for (d, c), n in per_day.items() if c == "staff" and d <= s.horizon.dates[1]) == 10
    assert all(t.tests <= 10 for t in plan.testing)
    assert sum(per_day.values()) == 10  # residents are not due within 7 days


def full_site() -> Scenario:
    """30 staff due by day 1, 10 slots on each of days 0 and 1, none later."""
    return scenario(
        homes=[home("a", staff=30, last_tested={"staff": day(-6), "residents": day(-1)})],
        test_sites=[site(capacity=[10, 10, 0, 0, 0, 0, 0])],
    )


def test_full_site_leaves_a_shortfall_with_its_cause(solver: Solver):
    plan = solver.plan(full_site())
    [unmet] = plan.unmet
    assert (unmet.kind, unmet.amount, unmet.cause_family) == ("cohort_test", 10, "testing")
    assert "site local full on 2020-06-01..2020-06-02" in unmet.cause


def test_higher_risk_home_is_tested_first_when_capacity_is_short(solver: Solver):
    due = {"staff": day(-6), "residents": day(-1)}
    s = scenario(
        homes=[
            home("calm", last_tested=due),
            home("red", last_tested=due, rag={"overall": "red", "ppe": "red"}),
        ],
        test_sites=[site(capacity=[5, 5, 0, 0, 0, 0, 0])],
    )
    plan = solver.plan(s)
    assert swabs(plan, "home_id") == {("red",): 10}
    assert {u.home_id for u in plan.unmet} == {"calm"}


def test_national_portal_does_not_test_learning_disability_residents(solver: Solver):
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
            # no home_types: the portal's own rule is what keeps the residents out
            site("national", kind="national_portal", cohorts=["residents"])
        ],
    )
    plan = solver.plan(s)
    assert plan.testing == []
    residents = [u for u in plan.unmet if u.detail.startswith("residents")]
    assert (
        residents
        and "no test channel accepts residents of learning_disability homes" in residents[0].cause
    )


def portal_and_ld_home(home_types: list[str] | None = None) -> Scenario:
    """An LD home whose residents and staff are due, a national portal as the only channel
    (`home_types` as given, omitted if None)."""
    portal = {} if home_types is None else {"home_types": home_types}
    return scenario(
        homes=[home("ld", type="learning_disability", beds=8, residents=6, last_tested={})],
        test_sites=[
            site("national", 100, kind="national_portal", cohorts=["residents", "staff"], **portal)
        ],
    )


def test_a_national_portal_tests_no_learning_disability_residents_by_default(solver: Solver):
    # no home_types on the row: the portal's own rule holds (set up for over-65s and
    # residents with dementia), so the residents go untested; the staff are tested
    plan = solver.plan(portal_and_ld_home())
    assert {t.cohort for t in plan.testing} == {"staff"}
    residents = [u for u in plan.unmet if u.detail.startswith("residents")]
    assert residents and all(u.cause_rule == "site_accepts" for u in residents)
    assert all("national" in u.cause for u in residents)  # the cause names the portal


def test_an_explicit_home_types_list_lets_the_portal_test_learning_disability_residents(
    solver: Solver,
):
    s = portal_and_ld_home(["older_people_residential", "learning_disability"])
    residents = [t for t in solver.plan(s).testing if t.cohort == "residents"]
    assert sum(t.tests for t in residents) == 6
    # the booking says the scenario's list, not the portal's own rule, let it through
    override = s.test_sites[0].override(residents[0].cohort, s.homes[0].type)
    assert override and all(override in t.reason for t in residents)


def test_lead_time_delays_the_first_test(solver: Solver):
    s = scenario(
        days=10,
        homes=[home("a", last_tested={"staff": day(-7), "residents": day(-1)})],
        test_sites=[site(lead_days=3)],
    )
    plan = solver.plan(s)
    assert plan.testing and min(t.date for t in plan.testing).isoformat() >= day(3)
    # due on day 2, before the site opens: unmet in round one, explained by the lead time
    assert any("lead time" in u.cause for u in plan.unmet)


def test_outbreak_home_gets_whole_home_testing_within_two_days(solver: Solver):
    s = scenario(
        homes=[
            home(
                "ob",
                outbreak={"status": "confirmed", "since": day(0), "resident_cases": 2},
                last_tested={"staff": day(-2), "residents": day(-3)},
            )
        ],
    )
    plan = solver.plan(s)
    early = swabs(plan, "cohort")
    assert early[("staff",)] >= 10 and early[("residents",)] >= 10
    first_round = [t for t in plan.testing if t.date.isoformat() <= day(2)]
    assert sum(t.tests for t in first_round) == 20
    assert all("whole-home testing" in t.reason for t in first_round)


def two_sites_one_home() -> Scenario:
    """A home whose 10 staff are due, and two sites with room for all of them every day."""
    return scenario(
        homes=[home("a", last_tested={"staff": day(-7), "residents": day(-1)})],
        test_sites=[site("one"), site("two")],
    )


def most_swabs_in_a_day(solver: Solver) -> int:
    """The most staff tests the model allows at home a on day 0, over both sites."""
    built = build_model(two_sites_one_home())
    day0 = [v for (h, c, _s, d), v in built.tests.tests.items() if (h, c, d) == ("a", "staff", 0)]
    assert len(day0) == 2
    return solver.most(built, day0)


def test_one_swab_per_person_a_day_across_sites(solver: Solver):
    # No objective wants a second swab; a search that wants as many as it can get still
    # books no more tests in a day than the cohort has people.
    assert most_swabs_in_a_day(solver) == 10
    per_day = swabs(solver.plan(two_sites_one_home()), "date", "home_id", "cohort")
    assert per_day and max(per_day.values()) <= 10


def mobile_unit_wanted_by_three_homes() -> Scenario:
    """Three homes' staff due at once; the only channel a van visiting one home a day."""
    due = {"staff": day(-7), "residents": day(-1)}
    return scenario(
        days=3,
        homes=[home(h, last_tested=due) for h in ("a", "b", "c")],
        test_sites=[site("van", kind="mobile_unit", max_homes_per_day=1, cohorts=["staff"])],
    )


def test_mobile_unit_visits_at_most_its_daily_homes(solver: Solver):
    plan = solver.plan(mobile_unit_wanted_by_three_homes())
    visits = Counter(t.date for t in plan.testing)
    assert set(visits.values()) == {1}
    assert len(plan.testing) == 3  # one home a day over three days


def test_validate_states_an_explicit_list_that_overrides_the_portal_rule(tmp_path):
    from click.testing import CliRunner

    from cli.main import main
    from scenarios.load import dump_scenario

    results = []
    for types in (None, ["learning_disability"]):
        s = portal_and_ld_home(types)
        path = tmp_path / f"s{len(results)}.yaml"
        path.write_text(dump_scenario(s))
        results.append(CliRunner().invoke(main, ["validate", str(path)]))
    plain, overridden = results
    assert plain.exit_code == overridden.exit_code == 0
    assert "learning_disability" not in plain.output
    assert "learning_disability" in overridden.output and "national" in overridden.output


BINDS: dict[str, tuple[Callable[[], Scenario], set[str]]] = {
    "add_site_capacity": (full_site, {"site_capacity"}),
    "add_mobile_unit_visits": (mobile_unit_wanted_by_three_homes, {"mobile_unit_visits"}),
}
"""Each rule the objective pushes against: a battery scenario, and the checker's rule."""


@pytest.mark.parametrize("rule", BINDS)
def test_each_rule_is_what_binds(rule: str, broken_without: Callable[..., set[str]]):
    build, checked = BINDS[rule]
    assert checked <= broken_without(f"constraints.testing.{rule}", build())


def test_without_the_cohort_rule_a_day_could_swab_people_twice(
    switch_off: Callable[[str], None],
):
    switch_off("constraints.testing.add_cohort_size")
    assert most_swabs_in_a_day(DIRECT) == 20
