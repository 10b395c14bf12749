"""`carehome trace`: who worked at a home in the days before it reported an outbreak, read
from plan folders (later re-plans superseding earlier plans) and recorded recent shifts,
and where each of them goes next."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import main
from scenarios.schema import Scenario
from scheduler.analysis.trace import PlanFolder, trace
from scheduler.output.tables import write_plan
from scheduler.plan import Plan, ShiftAssignment, Summary
from tests.conftest import START, day, home, scenario, worker


def _date(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def _city(days: int = 14, quarantine_days: int = 5, **sections: Any) -> Scenario:
    """Homes H, H2 and H3; an agency worker w1 and bank workers w2 to w6."""
    people = [worker("w1", name="Ann Agency", kind="agency", days=days)]
    people += [worker(f"w{i}", name=f"Bank {i}", days=days) for i in range(2, 7)]
    return scenario(
        days=days,
        homes=[home("H"), home("H2"), home("H3")],
        workers=sections.pop("workers", people),
        policy={"quarantine_days": quarantine_days},
        **sections,
    )


def _plan(shifts: list[tuple[str, str, int]], previous: Path | None = None, kept: int = 0) -> Plan:
    """A plan of day shifts (worker, home, horizon day); a re-plan of `previous` from `kept`."""
    return Plan(
        shifts=[
            ShiftAssignment(date=_date(d), shift="day", worker_id=w, home_id=h, role="carer")
            for w, h, d in shifts
        ],
        summary=Summary(
            scenario="test",
            status="FEASIBLE",
            objective=0,
            best_bound=0,
            gap=0,
            solve_seconds=0,
            previous=str(previous) if previous is not None else "",
            kept_before=_date(kept) if previous is not None else None,
        ),
    )


def test_a_worker_from_the_home_is_listed_with_where_they_go_next_and_their_quarantine() -> None:
    s = _city()
    plan = _plan(
        [
            ("w1", "H3", 1),
            ("w1", "H", 4),
            ("w1", "H2", 9),
            ("w1", "H2", 10),
            ("w6", "H2", 4),  # never at H
        ]
    )
    found = trace([PlanFolder(Path("plan"), plan, s)], "H", _date(7), days=14)
    [w1] = found.workers
    assert (w1.worker_id, w1.name, w1.kind) == ("w1", "Ann Agency", "agency")
    assert [(x.date, x.home_id) for x in w1.at_home] == [(_date(4), "H")]
    assert w1.quarantine_ends == _date(9)  # last at H on day 4, 5 quarantine days
    assert w1.in_quarantine
    assert [(x.date, x.home_id) for x in w1.next_shifts] == [(_date(9), "H2"), (_date(10), "H2")]
    assert w1.routes == ["H2"]
    assert found.contacts == {"H3": ["w1"]}
    later = trace([PlanFolder(Path("plan"), plan, s)], "H", _date(9), days=14)
    assert not later.workers[0].in_quarantine


def test_only_shifts_in_the_window_count() -> None:
    s = _city(days=28)
    plan = _plan([("w2", "H", 1), ("w3", "H", 18)])
    folders = [PlanFolder(Path("plan"), plan, s)]
    assert [w.worker_id for w in trace(folders, "H", _date(21), days=14).workers] == ["w3"]
    assert [w.worker_id for w in trace(folders, "H", _date(21), days=21).workers] == ["w3", "w2"]


@pytest.mark.parametrize("kept", [0, 5])
def test_a_re_plan_supersedes_the_earlier_plan_for_the_days_it_covers(kept: int) -> None:
    s = _city()
    first = Path("plans/z-first")  # named to sort after the re-plan
    earlier = _plan([("w3", "H", 3), ("w3", "H", 8), ("w4", "H", 6)])
    later = _plan([("w3", "H", 3), ("w3", "H2", 8), ("w4", "H2", 6)], previous=first, kept=kept)
    folders = [PlanFolder(Path("plans/a-noon"), later, s), PlanFolder(first, earlier, s)]
    found = trace(folders, "H", _date(7), days=14)
    [w3] = found.workers
    assert w3.worker_id == "w3"
    assert [(x.date, x.home_id) for x in w3.next_shifts] == [(_date(8), "H2")]
    assert w3.routes == ["H2"]


def test_of_two_re_plans_of_one_plan_the_one_from_a_later_day_supersedes() -> None:
    s = _city()
    first = Path("plans/first")
    by_day_3 = _plan([("w3", "H", 2), ("w3", "H", 8)], previous=first, kept=3)
    by_day_6 = _plan([("w3", "H", 2), ("w3", "H3", 8)], previous=first, kept=6)
    folders = [PlanFolder(Path("plans/b"), by_day_6, s), PlanFolder(Path("plans/c"), by_day_3, s)]
    [w3] = trace(folders, "H", _date(7), days=14).workers
    assert w3.routes == ["H3"]


AT_H_BEFORE = {
    "current_home": "H",
    "last_shift": day(-2),
    "recent_shifts": [
        {"date": day(-3), "shift": "day", "home": "H"},
        {"date": day(-2), "shift": "day", "home": "H"},
    ],
}
"""A recorded history: day shifts at H three and two days before the horizon."""


def test_recent_shifts_before_the_horizon_count() -> None:
    s = _city(workers=[worker("w5", name="Bank 5", home_history=AT_H_BEFORE)])
    found = trace([PlanFolder(Path("plan"), _plan([]), s)], "H", _date(3), days=14)
    [w5] = found.workers
    assert [x.date for x in w5.at_home] == [_date(-3), _date(-2)]


def test_a_last_shift_at_the_current_home_counts_without_recent_shifts() -> None:
    history = {"current_home": "H", "last_shift": day(-4)}
    s = _city(workers=[worker("w6", name="Bank 6", home_history=history)])
    plan = _plan([("w6", "H2", 12)])
    [w6] = trace([PlanFolder(Path("plan"), plan, s)], "H", _date(3), days=14).workers
    assert [x.date for x in w6.at_home] == [_date(-4)]
    assert w6.routes == ["H2"]


def test_a_recent_shift_on_a_day_a_plan_covers_is_read_from_the_plan() -> None:
    s = _city(workers=[worker("w5", name="Bank 5", home_history=AT_H_BEFORE)])
    # A plan that covers those days is the record for them: it has w5 elsewhere.
    earlier = scenario(
        homes=[home(h, last_tested={"staff": day(-3)}) for h in ("H", "H2", "H3")],
        workers=[worker("w5", name="Bank 5", last_negative_test=day(-3))],
        horizon={"start": day(-2), "days": 14},
    )
    covered = PlanFolder(Path("before"), _plan([("w5", "H2", -2)]), earlier)
    found = trace([PlanFolder(Path("plan"), _plan([]), s), covered], "H", _date(3), days=14)
    assert [x.date for x in found.workers[0].at_home] == [_date(-3)]


# ------------------------------------------------------------------ the command, end to end


def _two_plans(tmp_path: Path) -> Path:
    """`plans/first` and its re-plan `plans/noon` from day 5, as `carehome plan` writes them."""
    s = _city()
    first = tmp_path / "plans" / "first"
    write_plan(_plan([("w1", "H", 4), ("w1", "H", 8), ("w2", "H2", 4)]), s, first)
    noon = _plan([("w1", "H", 4), ("w1", "H2", 9), ("w2", "H2", 4)], previous=first, kept=5)
    write_plan(noon, s, tmp_path / "plans" / "noon")
    return tmp_path / "plans"


def _run(*args: str | Path) -> Any:
    return CliRunner().invoke(main, ["trace", *map(str, args)])


def test_trace_prints_the_workers_and_writes_the_csv(tmp_path: Path) -> None:
    plans = _two_plans(tmp_path)
    out = tmp_path / "trace.csv"
    result = _run(plans, "--home", "H", "--date", day(7), "--out", out)
    assert result.exit_code == 0, result.output
    assert "Ann Agency" in result.output and "Bank 2" not in result.output
    [row] = list(csv.DictReader(out.open(encoding="utf-8")))
    assert row["worker_id"] == "w1"
    assert row["kind"] == "agency"
    assert row["shifts_at_home"] == f"{day(4)} day"
    assert (row["next_date"], row["next_home_id"], row["next_home_name"]) == (
        day(9),
        "H2",
        "Home H2",
    )
    assert row["quarantine_ends"] == day(9)
    assert row["in_quarantine"] == "yes"
    same = _run(plans / "noon", plans / "first", "--home", "H", "--date", day(7))
    assert same.output.splitlines()[1:] == result.output.splitlines()[1:-1]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--home", "H9", "--date", day(7)], ["H9", "first", "noon"]),
        (["--home", "H", "--date", day(30)], [day(30)]),
    ],
)
def test_an_unknown_home_or_a_date_outside_every_plan_is_bad_input(
    tmp_path: Path, args: list[str], named: list[str]
) -> None:
    plans = _two_plans(tmp_path)
    out = tmp_path / "trace.csv"
    result = _run(plans, *args, "--out", out)
    assert result.exit_code == 2
    [line] = result.output.splitlines()
    assert all(word in line for word in named)
    assert not out.exists()


def test_a_folder_that_is_no_plan_is_bad_input(tmp_path: Path) -> None:
    plans = _two_plans(tmp_path)
    (plans / "noon" / "staff_roster.csv").write_text("date,shift\nnot a date,day\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder, named in ((plans / "noon", "staff_roster.csv"), (empty, "empty")):
        result = _run(folder, "--home", "H", "--date", day(7), "--out", tmp_path / "t.csv")
        assert result.exit_code == 2
        [line] = result.output.splitlines()
        assert named in line
        assert not (tmp_path / "t.csv").exists()
