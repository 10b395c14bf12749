"""The rule named for an uncovered shift is the one that binds it: a worker who cannot
hold a valid negative test by the shift's day is stopped by the test rule, whatever else
the plan did with them; a worker placed elsewhere who could otherwise work it is stopped by
the one-home rule."""

from __future__ import annotations

from pathlib import Path

from scheduler.analysis.explain import explain_home
from scheduler.output.tables import write_plan
from tests.conftest import day, home, scenario, shortfall, site, solve, worker


def test_a_worker_untestable_in_time_is_blocked_by_the_test_rule_not_the_one_home_rule(
    tmp_path: Path,
) -> None:
    # w1's last test (10 days ago) has expired; a swab today at the site comes back
    # tomorrow, so w1 can start nowhere before day 1. The plan places w1 at b, which is
    # short on days 1-3, and a's day-0 shift stays open: the test rule binds, and it
    # would bind just the same had w1 been placed nowhere.
    s = scenario(
        days=5,
        homes=[
            home("a", shortfalls=[shortfall(0)]),
            home("b", shortfalls=[shortfall(1), shortfall(2), shortfall(3)]),
        ],
        test_sites=[site(result_days=1)],
        workers=[worker("w1", days=5, last_negative_test=day(-10))],
    )
    plan = solve(s, time_limit=5)
    assert {x.home_id for x in plan.shifts} == {"b"}
    [unmet] = [u for u in plan.unmet if u.kind == "shift"]
    assert (unmet.home_id, unmet.cause_family, unmet.cause_rule) == (
        "a",
        "staffing",
        "test_validity",
    )
    assert unmet.cause_date is not None and unmet.cause_date.isoformat() == day(1)
    assert unmet.blocked == f"w1:test_validity@{day(1)}"
    assert f"lets one start {day(1)}" in unmet.cause
    write_plan(plan, s, tmp_path / "plan")  # explain reads the same cause back
    [row] = explain_home(tmp_path / "plan", "a")["unmet"]
    assert row["cause_rule"] == "test_validity"
    assert [(w["worker_id"], w["rule"]) for w in row["workers"]] == [("w1", "test_validity")]


def test_a_worker_with_a_valid_test_placed_elsewhere_is_blocked_by_the_one_home_rule() -> None:
    # w1 was tested yesterday and could work at a on day 1, but is placed at b, which has
    # more shifts to cover: the one-home rule binds.
    s = scenario(
        days=5,
        homes=[
            home("a", shortfalls=[shortfall(1)]),
            home("b", shortfalls=[shortfall(0), shortfall(2), shortfall(3)]),
        ],
        workers=[worker("w1", days=5)],
    )
    plan = solve(s, time_limit=5)
    assert {x.home_id for x in plan.shifts} == {"b"}
    [unmet] = [u for u in plan.unmet if u.kind == "shift"]
    assert (unmet.home_id, unmet.cause_family, unmet.cause_rule) == ("a", "staffing", "one_home")
    assert unmet.blocked == "w1:one_home@b"
