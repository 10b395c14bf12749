"""The days before the horizon: rest, working-time and quarantine rules hold across its
edge, in the model (every backend), the greedy plan and the independent checker, and a
re-plan or a simulated day carries the shifts worked into the next scenario."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cli.main import main
from scenarios.history import working_windows
from scenarios.load import load_scenario
from scenarios.schema import HomeHistory, Role, Scenario, Shift
from scheduler.heuristics.baseline import plan_baseline
from scheduler.output.tables import read_plan
from scheduler.pipeline.replan import with_history
from scheduler.plan import Plan, ShiftAssignment
from scheduler.simulation.world import World
from scheduler.validate import validate_plan
from tests.conftest import EXAMPLES, START, Solver, day, home, scenario, shortfall, solve, worker


def history(*recent: tuple[int, str], home_id: str = "a") -> dict[str, Any]:
    """A worker's history: shifts (day index, shift) at `home_id` before the horizon."""
    last = max(n for n, _s in recent)
    return {
        "current_home": home_id,
        "last_shift": day(last),
        "recent_shifts": [{"date": day(n), "shift": s, "home": home_id} for n, s in recent],
    }


def night_before() -> Scenario:
    return scenario(
        days=3,
        homes=[home("a", shortfalls=[shortfall(0), shortfall(1)])],
        workers=[worker("w1", days=3, home_history=history((-1, "night")))],
    )


def four_days_worked() -> Scenario:
    """Four day shifts before the horizon, at most 5 consecutive days: day 0 may be the
    fifth, day 1 may not follow it."""
    return scenario(
        days=5,
        homes=[home("a", shortfalls=[shortfall(d) for d in range(5)])],
        workers=[worker("w1", days=5, home_history=history(*((n, "day") for n in range(-4, 0))))],
        policy={"max_consecutive_days": 5, "max_shifts_per_7_days": 7},
    )


def three_of_seven_worked() -> Scenario:
    """Three shifts in the three days before the horizon, at most 5 in any 7 days: days
    0-3 share a window with them, so only 2 of those 4 days can be worked."""
    return scenario(
        days=4,
        homes=[home("a", shortfalls=[shortfall(d) for d in range(4)])],
        workers=[worker("w1", days=4, home_history=history(*((n, "day") for n in range(-3, 0))))],
        policy={"max_consecutive_days": 7, "max_shifts_per_7_days": 5},
    )


def two_homes_one_home_rule_off(quarantine: int) -> Scenario:
    """Home a short on day 0, home b on days 1 and 3 (riskier): without a quarantine window
    one worker covers all three; with 3 days, a day 0 and b day 1 are too close."""
    return scenario(
        days=5,
        homes=[
            home("a", shortfalls=[shortfall(0)]),
            home("b", shortfalls=[shortfall(1), shortfall(3)], rag={"workforce": "red"}),
        ],
        workers=[worker("w1", days=5)],
        policy={"one_home_per_worker": False, "quarantine_days": quarantine},
    )


def worked_days(plan: Plan) -> list[int]:
    return sorted((x.date - START).days for x in plan.shifts)


class TestRulesAcrossTheEdge:
    def test_a_night_before_the_horizon_rules_out_a_day_shift_on_the_first_day(
        self, solver: Solver
    ) -> None:
        plan = solver.plan(night_before())
        assert worked_days(plan) == [1]
        [unmet] = [u for u in plan.unmet if u.kind == "shift"]
        assert unmet.date == START and unmet.cause_rule == "rest_after_night"

    def test_four_days_worked_before_leave_one_more_consecutive_day(self, solver: Solver) -> None:
        plan = solver.plan(four_days_worked())
        worked = worked_days(plan)
        assert len(worked) == 4 and not {0, 1} <= set(worked), worked

    def test_the_seven_day_window_counts_the_shifts_before_the_horizon(
        self, solver: Solver
    ) -> None:
        assert len(solver.plan(three_of_seven_worked()).shifts) == 2

    def test_a_quarantine_window_longer_than_the_horizon_means_one_home(
        self, solver: Solver
    ) -> None:
        plan = solver.plan(two_homes_one_home_rule_off(14))
        assert {x.home_id for x in plan.shifts} == {"b"} and len(plan.shifts) == 2

    def test_no_quarantine_window_lets_a_worker_move_between_homes(self, solver: Solver) -> None:
        assert len(solver.plan(two_homes_one_home_rule_off(0)).shifts) == 3


@pytest.mark.parametrize(
    ("build", "shifts"), [(night_before, 1), (four_days_worked, 4), (three_of_seven_worked, 2)]
)
def test_the_greedy_plan_keeps_the_rules_across_the_edge(build: Any, shifts: int) -> None:
    """The greedy plan (the optimiser's start) breaks no rule and still fills what it may."""
    s = build()
    plan = plan_baseline(s)
    assert validate_plan(s, plan) == [] and len(plan.shifts) == shifts


def assignment(n: int, home_id: str = "a", s: Shift = Shift.DAY) -> ShiftAssignment:
    return ShiftAssignment(date=START + dt.timedelta(days=n), shift=s, worker_id="w1",
                           home_id=home_id, role=Role.CARER)  # fmt: skip


@pytest.mark.parametrize(
    ("build", "doctored", "rule"),
    [
        (night_before, [0], "rest_after_night"),
        (four_days_worked, [0, 1], "max_consecutive_days"),
        (three_of_seven_worked, [0, 1, 2], "max_shifts_per_7_days"),
    ],
)
def test_the_checker_reads_the_history(build: Any, doctored: list[int], rule: str) -> None:
    s = build()
    plan = solve(s).model_copy(update={"shifts": [assignment(n) for n in doctored]})
    assert rule in {v.rule for v in validate_plan(s, plan)}
    # The same shifts with no history before the horizon break nothing.
    fresh = s.model_copy(
        update={
            "workers": [w.model_copy(update={"home_history": HomeHistory()}) for w in s.workers]
        }
    )
    assert validate_plan(fresh, plan) == []


def test_the_checker_catches_a_move_inside_the_quarantine_window() -> None:
    s = two_homes_one_home_rule_off(3)
    plan = solve(s)
    moved = plan.model_copy(update={"shifts": [assignment(0), assignment(1, "b")]})
    assert [v.rule for v in validate_plan(s, moved)] == ["quarantine_between_homes"]
    apart = plan.model_copy(update={"shifts": [assignment(0), assignment(3, "b")]})
    assert validate_plan(s, apart) == []


def test_windows_reaching_back_allow_what_the_history_leaves() -> None:
    shape = [(w.first, w.days, w.allowance) for w in working_windows(10, 7, 5, [-1])]
    assert shape == [(-1, range(6), 4), *((n, range(n, n + 7), 5) for n in range(4))]
    # Without a history: the windows inside the horizon, or the whole of a shorter one.
    assert [w.first for w in working_windows(10, 7, 5, [])] == [0, 1, 2, 3]
    assert [(w.days, w.allowance) for w in working_windows(4, 7, 5, [])] == [(range(4), 5)]
    # Windows reaching back over a horizon shorter than them: the tightest one is enough.
    shape = [(w.first, w.days, w.allowance) for w in working_windows(4, 7, 5, [-3, -2, -1])]
    assert shape == [(-3, range(4), 2)]
    # A history over the limit forbids work in its windows, never a negative allowance.
    assert min(w.allowance for w in working_windows(3, 4, 3, [-3, -2, -1])) == 0


def test_recent_shifts_are_checked() -> None:
    bad = {
        "current_home": "a",
        "last_shift": day(-1),
        "recent_shifts": [
            {"date": day(0), "shift": "day", "home": "a"},
            {"date": day(-2), "shift": "day", "home": "x"},
            {"date": day(-2), "shift": "night"},
            {"date": day(-100), "shift": "day"},
        ],
    }
    with pytest.raises(Exception) as caught:
        scenario(homes=[home("a")], workers=[worker("w1", home_history=bad)])
    text = str(caught.value)
    for field in ("recent_shifts[0].date", "recent_shifts[1].home", "recent_shifts[2].date",
                  "recent_shifts[3].date", "home_history.current_home"):  # fmt: skip
        assert field in text, text


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_a_replan_of_a_later_horizon_carries_the_shifts_worked(tmp_path: Path) -> None:
    """Plan days 0-2 (w1 covers a night on day 0), then re-plan from day 1 with a new day
    shift short on day 1: the new scenario holds that night as recent history, so w1
    cannot take the day shift."""
    first = scenario(
        days=3,
        homes=[home("a", shortfalls=[shortfall(0, "night")])],
        workers=[worker("w1", days=3)],
    )
    data = yaml.safe_load(yaml.safe_dump(first.model_dump(mode="json", by_alias=True)))
    (tmp_path / "first.yaml").write_text(yaml.safe_dump(data))
    code, output = run("plan", str(tmp_path / "first.yaml"), "--out", str(tmp_path / "p1"),
                       "--workers", "1")  # fmt: skip
    assert code == 0, output
    assert [(a.date, a.shift) for a in read_plan(tmp_path / "p1").shifts] == [(START, Shift.NIGHT)]
    data["horizon"] = {"start": day(1), "days": 2}
    data["homes"][0]["shortfalls"] = [shortfall(1)]
    data["homes"][0]["last_tested"] = {"staff": day(0), "residents": day(0)}
    (tmp_path / "second.yaml").write_text(yaml.safe_dump(data))
    code, output = run("plan", str(tmp_path / "second.yaml"), "--out", str(tmp_path / "p2"),
                       "--workers", "1", "--previous", str(tmp_path / "p1"))  # fmt: skip
    assert code == 0, output
    carried = load_scenario(tmp_path / "p2" / "scenario.yaml")
    hist = carried.workers[0].home_history
    assert [(r.date, r.shift, r.home) for r in hist.recent_shifts] == [(START, Shift.NIGHT, "a")]
    assert (hist.current_home, hist.last_shift) == ("a", START)
    assert read_plan(tmp_path / "p2").shifts == []
    assert run("check", str(tmp_path / "p2" / "scenario.yaml"), str(tmp_path / "p2"))[0] == 0


def test_with_history_keeps_only_the_look_back() -> None:
    s = load_scenario(EXAMPLES / "tiny.yaml")
    w = s.workers[0].id
    old = [assignment(n).model_copy(update={"worker_id": w, "home_id": s.homes[0].id})
           for n in (-30, -2)]  # fmt: skip
    later = with_history(s, Plan.model_construct(shifts=old))
    dates = [r.date for r in later.workers[0].home_history.recent_shifts]
    assert dates == [START - dt.timedelta(days=2)]
    assert later.workers[0].home_history.current_home == s.homes[0].id


def test_a_simulated_day_becomes_the_next_plans_history() -> None:
    s = load_scenario(EXAMPLES / "tiny.yaml")
    w, h = s.workers[0].id, s.homes[0].id
    world = World(s, 0)
    shift = assignment(0, h, Shift.NIGHT).model_copy(update={"worker_id": w})
    world.apply_day(Plan.model_construct(shifts=[shift], testing=[], placements=[]), START)
    next_day = world.scenario_for(START + dt.timedelta(days=1), 7)
    hist = next_day.workers[0].home_history
    assert [(r.date, r.shift, r.home) for r in hist.recent_shifts] == [(START, Shift.NIGHT, h)]
    assert (hist.current_home, hist.last_shift) == (h, START)
