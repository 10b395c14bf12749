"""Re-planning keeps what is decided and moves little; pins are hard rules."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from cli.main import main
from scenarios.load import load_scenario, parse_scenario
from scenarios.schema import Scenario
from scheduler.pipeline.replan import Previous
from scheduler.plan import InfeasibleError
from tests.conftest import (
    DIRECT,
    EXAMPLES,
    START,
    Solver,
    day,
    home,
    scenario,
    shortfall,
    solve,
    worker,
)

TINY = EXAMPLES / "tiny.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _with_new_outbreak(tmp_path: Path, home_index: int = 2) -> Path:
    data: dict[str, Any] = yaml.safe_load(TINY.read_text())
    data["homes"][home_index]["outbreak"] = {
        "status": "confirmed",
        "since": day(1),
        "resident_cases": 2,
    }
    path = tmp_path / "outbreak.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture
def first_plan(tmp_path: Path) -> Path:
    out = tmp_path / "before"
    code, output = run("plan", str(TINY), "--out", str(out), "--workers", "1")
    assert code == 0, output
    return out


def test_a_replan_after_one_outbreak_moves_only_rows_tied_to_it(
    first_plan: Path, tmp_path: Path
) -> None:
    changed = _with_new_outbreak(tmp_path)
    out = tmp_path / "after"
    code, output = run(
        "plan", str(changed), "--out", str(out), "--workers", "1",
        "--previous", str(first_plan), "--from", day(1),
    )  # fmt: skip
    assert code == 0, output
    assert "stability: changes against the previous plan" in output
    changes = pd.read_csv(out / "changes.csv")
    assert len(changes) > 0
    new_home = load_scenario(changed).homes[2].id
    tied = changes["home_id"] == new_home
    assert changes[tied]["reason"].str.startswith(f"new demand at {new_home}").all()
    # Anything else that moved made room for it: fewer swabs elsewhere, never a shift.
    others = changes[~tied]
    assert (others["after"] < others["before"]).all()
    assert others["reason"].str.contains(f"make room for higher-priority need \\({new_home}").all()
    assert not (changes["kind"] == "shift").any()
    # No worker's plan changed; each home whose bookings moved is one call.
    homes = changes["home_id"].nunique()
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["workers_to_call"], summary["homes_to_call"]) == (0, homes)
    assert f"changes: {len(changes)} rows; calls: 0 workers, {homes} homes" in output
    # Decisions before --from are kept exactly.
    before = pd.read_csv(first_plan / "testing_roster.csv").fillna("")
    after = pd.read_csv(out / "testing_roster.csv").fillna("")
    past = ["date", "site_id", "home_id", "cohort", "tests", "worker_id", "request_id"]
    kept = [t[t["date"] < day(1)][past].reset_index(drop=True) for t in (before, after)]
    pd.testing.assert_frame_equal(kept[0], kept[1])


def test_a_replan_of_the_same_scenario_changes_nothing(first_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    code, output = run(
        "plan", str(TINY), "--out", str(out), "--workers", "1", "--previous", str(first_plan)
    )
    assert code == 0, output
    assert pd.read_csv(out / "changes.csv").empty
    for table in ("testing_roster.csv", "staff_roster.csv", "isolation_placements.csv"):
        assert (out / table).read_bytes() == (first_plan / table).read_bytes()


def test_a_past_the_new_scenario_contradicts_is_reported_as_infeasible(
    first_plan: Path, tmp_path: Path
) -> None:
    """The previous plan worked shifts on day 0 that the new scenario no longer has a
    worker for: keeping the past is impossible, and the kept decision is named."""
    data: dict[str, Any] = yaml.safe_load(TINY.read_text())
    staff = pd.read_csv(first_plan / "staff_roster.csv")
    worked = staff[staff["date"] == day(0)]["worker_id"].iloc[0]
    for w in data["workers"]:
        if w["id"] == worked:
            w["availability"] = [{"from": day(3), "to": day(6)}]
    path = tmp_path / "gone.yaml"
    path.write_text(yaml.safe_dump(data))
    code, output = run(
        "plan", str(path), "--out", str(tmp_path / "x"), "--workers", "1",
        "--previous", str(first_plan), "--from", day(2),
    )  # fmt: skip
    assert code == 3, output
    assert f"kept_shift[{worked}" in output


def test_conflicting_pins_name_the_pins() -> None:
    s = scenario(
        homes=[home("a", shortfalls=[shortfall(0)]), home("b", shortfalls=[shortfall(0)])],
        workers=[worker("w1")],
        pins={
            "workers": [
                {"worker": "w1", "home": "a", "date": day(0)},
                {"worker": "w1", "home": "b", "date": day(0)},
            ]
        },
    )
    with pytest.raises(InfeasibleError) as caught:
        solve(s)
    assert {r for r in caught.value.rules if r.startswith("pin_")} == {
        f"pin_worker[w1,a,{day(0)}]",
        f"pin_worker[w1,b,{day(0)}]",
    }


def test_pins_must_name_known_records_inside_the_horizon() -> None:
    data = {
        "horizon": {"start": day(0), "days": 7},
        "homes": [home("a")],
        "workers": [worker("w1")],
        "pins": {"workers": [{"worker": "w9", "home": "a", "date": day(30)}]},
    }
    with pytest.raises(Exception, match=r"pins.workers\[0\].worker: unknown worker 'w9'") as e:
        parse_scenario(data, source="pins.yaml")
    assert "pins.workers[0].date: date" in str(e.value)


def test_check_holds_a_replan_to_the_decisions_it_keeps(first_plan: Path, tmp_path: Path) -> None:
    """The re-plan passes `carehome check` (its previous plan found through summary.json);
    the same folder with a kept shift moved to another day is caught, naming the decision."""
    out = tmp_path / "after"
    code, output = run(
        "plan", str(TINY), "--out", str(out), "--workers", "1",
        "--previous", str(first_plan), "--from", day(2),
    )  # fmt: skip
    assert code == 0, output
    assert run("check", str(TINY), str(out)) == (0, "0 violations\n")
    staff = pd.read_csv(out / "staff_roster.csv")
    kept = staff.index[staff["date"] < day(2)][0]
    worker, date = staff.loc[kept, "worker_id"], staff.loc[kept, "date"]
    staff = staff.drop(index=kept)
    staff.to_csv(out / "staff_roster.csv", index=False)
    code, output = run("check", str(TINY), str(out))
    assert code == 1, output
    assert f"kept_decision[shift,{date},{worker} at" in output
    # Without its previous plan the re-plan cannot be checked: bad input, named.
    moved = tmp_path / "moved"
    first_plan.rename(moved)
    code, output = run("check", str(TINY), str(out))
    assert code == 2 and "summary.json" in output and "previous" in output, output
    code, output = run("check", str(TINY), str(out), "--previous", str(moved))
    assert code == 1 and "kept_decision[shift" in output, output


# ------------------------------------------------------------------ the battery, in-process


ONE_DAY = dt.timedelta(days=1)


def kept_shift_at_the_calmer_home(solver: Solver) -> tuple[Scenario, Previous]:
    """w1 worked at a on day 0; b, now red and short all week, would take w1 for more
    shifts, but the day-0 shift is kept and one home per worker holds w1 to a."""
    before = scenario(
        homes=[home("a", shortfalls=[shortfall(0), shortfall(1)]), home("b")],
        workers=[worker("w1")],
    )
    now = scenario(
        homes=[
            home("a", shortfalls=[shortfall(0), shortfall(1)]),
            home("b", shortfalls=[shortfall(d) for d in range(4)], rag={"workforce": "red"}),
        ],
        workers=[worker("w1")],
    )
    first = solver.plan(before)
    assert {(x.home_id, x.date) for x in first.shifts} == {("a", START), ("a", START + ONE_DAY)}
    return now, Previous(Path("before"), first, before, START + ONE_DAY)


def test_a_replan_keeps_the_decisions_before_its_first_open_day(solver: Solver) -> None:
    now, previous = kept_shift_at_the_calmer_home(solver)
    plan = solver.plan(now, previous)
    assert {(x.worker_id, x.home_id) for x in plan.shifts} == {("w1", "a")}
    assert ("a", START) in {(x.home_id, x.date) for x in plan.shifts}


def test_the_kept_decisions_are_what_binds(broken_without: Callable[..., set[str]]) -> None:
    now, previous = kept_shift_at_the_calmer_home(DIRECT)
    assert "kept_decision" in broken_without(
        "scheduler.pipeline.replan.add_kept_decisions", now, previous
    )


def _with_visits_rooms_and_taxis(path: Path, tmp_path: Path, name: str) -> Path:
    """The scenario at `path` with an officer, one hotel room a night and a staff member's
    stay in it from day 0, a taxi pair a day and a carless nurse: a city's every kind of
    decision on the tiny example."""
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    data["officers"] = [{"id": "l1", "delivers": ["liaison", "training"], "minutes_per_day": 120}]
    data["staff_hotels"] = [{"id": "hotel", "rooms": 1, "locality": "central"}]
    data["room_requests"] = [
        {"id": "q1", "home": "h1", "first_night": day(0), "nights": 3, "reason": "far_from_home"}
    ]
    data["policy"]["transport"] = {"journeys_per_day": 2}
    data["policy"]["accommodation"] = {"far_minutes": 20}
    data["workers"][0]["has_car"] = False
    out = tmp_path / name
    out.write_text(yaml.safe_dump(data))
    return out


def _rows_before(folder: Path, table: str, column: str, when: str) -> list[tuple[Any, ...]]:
    rows = pd.read_csv(folder / table).fillna("")
    return sorted(map(tuple, rows[rows[column] < when].drop(columns=["reason"]).values.tolist()))


def test_a_replan_keeps_visits_rooms_and_taxis_before_its_first_open_day(tmp_path: Path) -> None:
    """Planned with an officer, a hotel and taxis, then re-planned from day 1 after a new
    outbreak: the visits, room stays begun and taxis before day 1 are as they were,
    `carehome check` finds nothing, and the visits that moved are listed as changes."""
    old = _with_visits_rooms_and_taxis(TINY, tmp_path, "old.yaml")
    new = _with_visits_rooms_and_taxis(_with_new_outbreak(tmp_path), tmp_path, "new.yaml")
    first, out = tmp_path / "before", tmp_path / "after"
    code, output = run("plan", str(old), "--out", str(first), "--workers", "1")
    assert code == 0, output
    code, output = run(
        "plan", str(new), "--out", str(out), "--workers", "1",
        "--previous", str(first), "--from", day(1),
    )  # fmt: skip
    assert code == 0, output
    for table, column in (
        ("visits.csv", "date"),
        ("accommodation.csv", "first_night"),
        ("transport.csv", "date"),
    ):
        kept = _rows_before(first, table, column, day(1))
        assert kept, f"{table}: nothing before {day(1)} to keep"
        assert _rows_before(out, table, column, day(1)) == kept, table
    assert run("check", str(new), str(out)) == (0, "0 violations\n")
    # The officer's later days go to the new outbreak: rows naming the home and why.
    changes = pd.read_csv(out / "changes.csv")
    visits = changes[changes["kind"] == "visit"]
    outbreak = load_scenario(new).homes[2].id
    assert len(visits) and (visits["home_id"] == outbreak).all()
    assert visits["reason"].str.startswith(f"new demand at {outbreak}").all()
