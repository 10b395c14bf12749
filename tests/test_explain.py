"""`carehome explain` and the causes behind it: each unmet need names the tight rule, its
resource and day, who used the resource, and who was next in line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.main import main
from scheduler.explain import explain_home, explain_text
from scheduler.tables import read_plan, write_plan
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
