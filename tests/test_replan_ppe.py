"""PPE drops in a re-plan: those before the first open day kept to the unit (van and stop
included) and checked; later ones may change, each change a row naming the home to call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from scenarios.schema import PpeItem, Scenario
from scheduler.pipeline.replan import Previous, calls, changes
from scheduler.plan import Plan, PpeDrop, Summary
from scheduler.validate import validate_plan
from tests.conftest import DEFAULT, DIRECT, START, Solver, day, home, scenario
from tests.test_ppe import ppe_home, supply

OPEN = START + dt.timedelta(days=1)


def _one_van(outbreak_at_b: int | None = None) -> Scenario:
    """a runs below its cover on day 0, b holds plenty; one drop a day, and an outbreak
    home's emergency drop is due on its outbreak's first day."""
    b = home("b")
    if outbreak_at_b is not None:
        b["outbreak"] = {"status": "confirmed", "since": day(outbreak_at_b), "resident_cases": 2}
    return scenario(
        days=4,
        homes=[home("a"), b],
        ppe=supply([ppe_home("a", 70), ppe_home("b", 1000)], depot=2000, drops_per_van=1),
        policy={"ppe": {"emergency_days": 0}},
    )


@pytest.fixture(scope="module")
def first() -> Plan:
    plan = DEFAULT.plan(_one_van())
    assert {(d.home_id, d.date) for d in plan.ppe_drops} == {("a", START)}
    return plan


def _drops(plan: Plan, before: dt.date) -> list[tuple[dt.date, int, int, str, str, int]]:
    return sorted(
        (d.date, d.van, d.stop, d.home_id, str(d.item), d.quantity)
        for d in plan.ppe_drops
        if d.date < before
    )


@pytest.mark.parametrize("solver", [DEFAULT, DIRECT], ids=str)
def test_a_drop_before_the_first_open_day_is_kept(first: Plan, solver: Solver) -> None:
    """b's outbreak, reported late, started on day 0: planned afresh, the day's one drop
    goes to b; re-planned from day 1, a's drop on day 0 was made and stays as it was."""
    now = _one_van(outbreak_at_b=0)
    fresh = solver.plan(now)
    assert ("b", START) in {(d.home_id, d.date) for d in fresh.ppe_drops}
    replanned = solver.plan(now, Previous(Path("first"), first, _one_van(), OPEN))
    assert _drops(replanned, OPEN) == _drops(first, OPEN)
    a = [s for s in replanned.ppe_stock if s.home_id == "a" and s.date == START]
    assert [s.dropped for s in a] == [d.quantity for d in first.ppe_drops if d.date == START]


def _replanned(plan: Plan, first_open: dt.date) -> Plan:
    summary = plan.summary.model_copy(update={"previous": "first", "kept_before": first_open})
    return plan.model_copy(update={"summary": summary})


def _changed(plan: Plan, **fields: Any) -> Plan:
    [kept, *rest] = plan.ppe_drops
    return plan.model_copy(update={"ppe_drops": [kept.model_copy(update=fields), *rest]})


@pytest.mark.parametrize(
    "fields", [{"quantity": 1}, {"date": OPEN}, {"van": 1, "stop": 2}], ids=str
)
def test_the_check_names_a_kept_drop_altered(first: Plan, fields: dict[str, Any]) -> None:
    s = _one_van()
    again = _replanned(first, OPEN)
    assert validate_plan(s, again, first) == []
    found = validate_plan(s, _changed(again, **fields), first)
    kept = [v for v in found if v.rule == "kept_decision"]
    assert kept and all(v.key.startswith("PPE drop,") and "to a," in v.key for v in kept)


def test_a_later_drop_added_is_a_change_naming_the_home_to_call(first: Plan) -> None:
    """b's outbreak starts on day 2, after the first open day: its emergency drop is new."""
    now = _one_van(outbreak_at_b=2)
    replanned = DEFAULT.plan(now, Previous(Path("first"), first, _one_van(), OPEN))
    assert _drops(replanned, OPEN) == _drops(first, OPEN)
    rows = [c for c in replanned.changes if c.kind == "PPE drop"]
    assert rows and {c.home_id for c in rows} == {"b"}
    assert all(
        c.before == 0 and c.after > 0 and c.date == START + dt.timedelta(days=2) for c in rows
    )
    assert all(c.reason.startswith("new demand at b") for c in rows)
    assert replanned.summary.homes_to_call >= 1


def _plan(*drops: tuple[int, str, int]) -> Plan:
    summary = Summary(
        scenario="test", status="OPTIMAL", objective=0, best_bound=0, gap=0, solve_seconds=0
    )
    rows = [
        PpeDrop(
            date=START + dt.timedelta(days=d),
            van=1,
            stop=n + 1,
            home_id=h,
            item=PpeItem.MASKS,
            quantity=q,
        )
        for n, (d, h, q) in enumerate(drops)
    ]
    return Plan(ppe_drops=rows, summary=summary)


def test_drops_moved_resized_and_cancelled_are_each_a_home_to_call() -> None:
    """From day 1: a's drop moves from day 1 to day 2, b's grows, c's is cancelled, and a
    smaller depot delivery on day 1 is the reason where no home's own need changed."""
    old = _one_van()
    fewer = old.model_copy(update={"ppe": old.ppe and old.ppe.model_copy(update={"vans": 0})})
    previous = Previous(
        Path("first"), _plan((0, "c", 5), (1, "a", 5), (1, "b", 5), (1, "c", 5)), old, OPEN
    )
    plan = _plan((0, "c", 5), (2, "a", 5), (1, "b", 9))
    rows = changes(previous, fewer, plan)
    moved = {(c.home_id, (c.date - START).days, c.before, c.after) for c in rows}
    assert moved == {("a", 1, 5, 0), ("a", 2, 0, 5), ("b", 1, 5, 9), ("c", 1, 5, 0)}
    assert all(c.kind == "PPE drop" and c.reason.startswith("PPE supply: vans") for c in rows)
    assert calls(rows) == (0, 3)
