"""`carehome explain` and the causes behind it: each unmet need names the tight rule, its
resource and day, who used the resource, and who was next in line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from cli.main import main
from scheduler.analysis.explain import explain_home, explain_text
from scheduler.output.tables import read_plan, write_plan
from tests.conftest import day, home, scenario, shortfall, site, solve, worker


def _starved_by_a_full_site() -> tuple[object, object]:
    """Two homes due a staff retest by day 1 at one site of 10 tests a day, open on days
    0 and 1 only: the high-risk home takes the slots, the calm one gets none."""
    s = scenario(
        days=3,
        homes=[
            home("calm", staff=10, last_tested={"staff": day(-6), "residents": day(-1)}),
            home(
                "hot",
                staff=20,
                rag={"overall": "red"},
                outbreak={"status": "confirmed", "since": day(-20), "resident_cases": 3},
                last_tested={"staff": day(-6), "residents": day(-1)},
            ),
        ],
        test_sites=[site(capacity=[10, 10, 0], cohorts=["staff"])],
    )
    return s, solve(s, time_limit=5)


def test_a_home_starved_by_a_full_site_gets_the_site_and_day_and_who_used_it(
    tmp_path: Path,
) -> None:
    s, plan = _starved_by_a_full_site()
    [unmet] = [u for u in plan.unmet if u.home_id == "calm"]  # type: ignore[attr-defined]
    assert (unmet.cause_family, unmet.cause_rule, unmet.cause_resource) == (
        "testing",
        "site_capacity",
        "local",
    )
    assert unmet.cause_date.isoformat() == day(1)
    assert "site_capacity[local,2020-06-02]" in unmet.binding.split()
    assert "used by higher-risk hot" in unmet.cause
    assert unmet.remedy == f"+10 tests at site local on {day(1)}"
    write_plan(plan, s, tmp_path / "plan")  # type: ignore[arg-type]
    assert read_plan(tmp_path / "plan").unmet == plan.unmet  # type: ignore[attr-defined]
    report = explain_home(tmp_path / "plan", "calm")
    [row] = [u for u in report["unmet"] if u["kind"] == "cohort_test"]
    assert row["used_by"] == [{"home_id": "hot", "risk": row["used_by"][0]["risk"], "tests": 10}]
    assert report["changes"][0]["change"] == f"+10 tests at site local on {day(1)}"
    assert "local on 2020-06-02 used by hot" in explain_text(report)


def test_a_worker_blocked_by_the_quarantine_window_gets_the_date_it_ends(tmp_path: Path) -> None:
    # Last shift at home a four days before the plan: free for b from day 10.
    s = scenario(
        days=14,
        homes=[home("a"), home("b", shortfalls=[shortfall(3)])],
        workers=[worker("w1", days=14, home_history={"current_home": "a", "last_shift": day(-4)})],
    )
    plan = solve(s, time_limit=5)
    [unmet] = [u for u in plan.unmet if u.kind == "shift"]
    assert unmet.cause_rule == "quarantine"
    assert unmet.cause_date is not None and unmet.cause_date.isoformat() == day(10)
    assert unmet.blocked == f"w1:quarantine@{day(10)}"
    assert f"ends {day(10)}" in unmet.cause
    write_plan(plan, s, tmp_path / "plan")
    result = CliRunner().invoke(main, ["explain", str(tmp_path / "plan"), "--home", "b"])
    assert result.exit_code == 0, result.output
    assert f"quarantine: w1 until {day(10)}" in result.output
    as_json = CliRunner().invoke(main, ["explain", str(tmp_path / "plan"), "--home", "b", "--json"])
    [row] = json.loads(as_json.output)["unmet"]
    assert row["workers"] == [
        {"worker_id": "w1", "rule": "quarantine", "at": day(10), "why": row["workers"][0]["why"]}
    ]


def test_a_worker_placed_elsewhere_names_the_one_home_rule_and_the_home() -> None:
    s = scenario(
        homes=[
            home("a", shortfalls=[shortfall(0)]),
            home("b", shortfalls=[shortfall(0, "night")], rag={"workforce": "red"}),
        ],
        workers=[worker("w1")],
    )
    plan = solve(s, time_limit=5)
    [unmet] = [u for u in plan.unmet if u.kind == "shift"]
    assert (unmet.home_id, unmet.cause_rule) == ("a", "one_home")
    assert unmet.blocked == "w1:one_home@b"
    assert "one_home[w1]" in unmet.binding.split()


def test_explain_an_unknown_home_is_bad_input(tmp_path: Path) -> None:
    s, plan = _starved_by_a_full_site()
    write_plan(plan, s, tmp_path / "plan")  # type: ignore[arg-type]
    result = CliRunner().invoke(main, ["explain", str(tmp_path / "plan"), "--home", "nope"])
    assert result.exit_code == 2 and "no home 'nope'" in result.output


def test_a_site_with_no_slots_is_named_as_the_cause_not_its_lead_time() -> None:
    # lead time 0, so it cannot bind: the site has no slots on the days the cohort is due
    s = scenario(
        days=3,
        homes=[home("a", staff=10, last_tested={"staff": day(-7), "residents": day(-1)})],
        test_sites=[site(capacity=[0, 0, 0], lead_days=0)],
    )
    [unmet] = [u for u in solve(s).unmet if u.detail.startswith("staff")]
    assert (unmet.cause_rule, unmet.cause_resource) == ("site_capacity", "local")
    assert "lead time" not in unmet.cause and "local" in unmet.cause


def test_a_lead_time_that_covers_the_window_is_named_with_its_site() -> None:
    s = scenario(
        days=5,
        homes=[home("a", staff=10, last_tested={"staff": day(-7), "residents": day(-1)})],
        test_sites=[site(capacity=50, lead_days=3)],
    )
    [unmet] = [u for u in solve(s).unmet if u.detail.startswith("staff")]
    assert (unmet.cause_rule, unmet.cause_resource) == ("lead_time", "local")
    assert day(3) in unmet.cause  # the site's first day


def _unplaced_for_want_of_a_swab(**admissions_site: object) -> object:
    """A request from day 1 (its admission needs a swab the day before) with a free bed;
    the only site taking pre-admission swabs as given."""
    s = scenario(
        days=5,
        homes=[home("a")],
        test_sites=[site(cohorts=["admissions"], **admissions_site)],
        isolation_facilities=[
            {"id": "hotel", "kind": "care_hotel", "beds": 1, "accepts": ["residential"]}
        ],
        isolation_requests=[
            {"id": "r1", "from_home": "a", "need": "residential", "earliest": day(1)}
        ],
    )
    [unmet] = [u for u in solve(s).unmet if u.kind == "isolation"]
    return unmet


def test_an_admission_swab_blocked_by_lead_time_is_not_blamed_on_capacity() -> None:
    unmet = _unplaced_for_want_of_a_swab(lead_days=4)
    assert (unmet.cause_rule, unmet.cause_resource) == ("lead_time", "local")


def test_an_admission_swab_site_without_slots_is_named() -> None:
    unmet = _unplaced_for_want_of_a_swab(capacity=0)
    assert (unmet.cause_rule, unmet.cause_resource) == ("site_capacity", "local")


def test_a_swab_the_replan_keeps_is_not_called_one_swab_per_person() -> None:
    # 25 staff due by day 3, 5 slots a day: 5 untested. The re-plan from day 2 keeps days
    # 0-1 as booked though slots were added there since: those days are bound by the
    # kept bookings, not by the one-swab-a-day rule.
    from pathlib import Path as _Path

    from scheduler.pipeline.planner import plan_scenario
    from scheduler.pipeline.replan import Previous
    from scheduler.solve.settings import SolverSettings

    def city(capacity: list[int]) -> object:
        return scenario(
            days=4,
            homes=[home("a", staff=25, last_tested={"staff": day(-4), "residents": day(-1)})],
            test_sites=[site(capacity=capacity, cohorts=["staff"])],
        )

    before = city([5, 5, 5, 5])
    first = solve(before)
    settings = SolverSettings(time_limit=5, workers=1, seed=0)
    previous = Previous(_Path("first"), first, before, dt.date.fromisoformat(day(2)))
    again = plan_scenario(city([20, 20, 5, 5]), settings, previous)
    [unmet] = [u for u in again.unmet if u.detail.startswith("staff")]
    assert unmet.cause_rule.startswith("kept"), unmet
    assert "one swab per person" not in unmet.cause
