"""What `changes.csv` says moved, and how many people a re-plan asks the planners to call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cli.report import summary_text
from scenarios.schema import Cohort, Role, Scenario, Shift
from scheduler.pipeline.replan import Previous, calls, changes
from scheduler.plan import Plan, ShiftAssignment, Summary, TestBooking
from tests.conftest import START, home, scenario, shortfall, worker

OPEN = START + dt.timedelta(days=1)


def _scenario(outbreak_at_b: bool = False) -> Scenario:
    b = home("b")
    if outbreak_at_b:
        b["outbreak"] = {"status": "confirmed", "since": OPEN.isoformat(), "resident_cases": 2}
    return scenario(
        homes=[home("a", shortfalls=[shortfall(1), shortfall(2)]), b],
        workers=[worker("w1"), worker("w2"), worker("w3")],
    )


def _plan(shifts: list[tuple[str, int]], b_tests: int = 0) -> Plan:
    summary = Summary(
        scenario="test", status="OPTIMAL", objective=0, best_bound=0, gap=0, solve_seconds=0
    )
    rows = [
        ShiftAssignment(
            date=START + dt.timedelta(days=d),
            shift=Shift.DAY,
            worker_id=w,
            home_id="a",
            role=Role.CARER,
        )
        for w, d in shifts
    ]
    booked = [
        TestBooking(date=OPEN, site_id="local", home_id="b", cohort=Cohort.STAFF, tests=n)
        for n in (b_tests,)
        if n
    ]
    return Plan(shifts=rows, testing=booked, summary=summary)


def _replan(old: Plan, new: Plan) -> Plan:
    previous = Previous(Path("old"), old, _scenario(), OPEN)
    return new.model_copy(update={"changes": changes(previous, _scenario(True), new)})


def test_a_like_for_like_swap_says_so_on_both_rows_naming_each_other() -> None:
    """One worker off and another on the same shift, where nothing changed at the home,
    did not make room for anything: both rows say it is a swap and who replaced whom."""
    replan = _replan(_plan([("w1", 1), ("w3", 2)]), _plan([("w2", 1), ("w3", 2)], b_tests=10))
    shifts = [c for c in replan.changes if c.kind == "shift"]
    assert {(c.worker_id, c.before, c.after) for c in shifts} == {("w1", 1, 0), ("w2", 0, 1)}
    for c in shifts:
        assert c.reason.startswith("swapped: w1 replaced by w2"), c.reason
    [booking] = [c for c in replan.changes if c.kind == "test booking"]
    assert booking.reason.startswith("new demand at b")


def test_a_worker_moved_to_another_shift_is_not_a_swap() -> None:
    replan = _replan(_plan([("w1", 1)]), _plan([("w1", 2)]))
    assert replan.changes
    assert not any(c.reason.startswith("swapped") for c in replan.changes)


def test_calls_count_each_worker_and_each_home_once() -> None:
    """w1 moves from day 1 to day 2 (two rows, one call) and home b's bookings change (one
    call): nobody else's plan changed."""
    replan = _replan(_plan([("w1", 1), ("w3", 2)]), _plan([("w1", 2), ("w3", 2)], b_tests=10))
    assert len(replan.changes) == 3
    assert calls(replan.changes) == (1, 1)


def test_the_printed_summary_of_a_replan_counts_rows_and_calls() -> None:
    replan = _replan(_plan([("w1", 1)]), _plan([("w1", 2)], b_tests=10))
    workers, homes = calls(replan.changes)
    summary = replan.summary.model_copy(
        update={
            "previous": "old",
            "kept_before": OPEN,
            "workers_to_call": workers,
            "homes_to_call": homes,
        }
    )
    text = summary_text(_scenario(True), replan.model_copy(update={"summary": summary}), Path("x"))
    assert "changes: 3 rows; calls: 1 worker, 1 home" in text
