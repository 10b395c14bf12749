"""Officers' visits, hotel rooms and taxis in a re-plan: those before the first open day
kept (a room request's stay begun then kept whole) and checked; later ones may change,
each change a row naming the home or worker to call and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scenarios.schema import RoomReason, Scenario, VisitKind
from scheduler.pipeline.replan import Previous, calls, changes
from scheduler.plan import Plan, RoomStay, Summary, TaxiTrip, Visit
from scheduler.validate import validate_plan
from tests.conftest import DEFAULT, DIRECT, START, Solver, day, home, scenario, shortfall, worker
from tests.test_accommodation import FAR, hotel, request
from tests.test_visits import DAY_ONE, TRAINED, officer, red

OPEN = START + dt.timedelta(days=1)
OUTBREAK = {"status": "confirmed", "since": day(-1), "resident_cases": 2}

# ------------------------------------------------------------------ the tiny scenarios


def one_visit_a_day(b_red: bool = False) -> Scenario:
    """One liaison officer with minutes for one visit a day; a is red, due on day 0. Made
    red and rated inadequate, b is riskier, due the same day, and takes the day's visit."""
    b = red("b", cqc_rating="inadequate") if b_red else home("b", **TRAINED)
    return scenario(
        days=3,
        homes=[red("a"), b],
        officers=[officer("l1", "liaison", minutes_per_day=100)],
        policy=DAY_ONE,
    )


def one_room(outbreak_request: bool = False) -> Scenario:
    """One room a night; a's far-from-home stay, nights 0-2. A shielding family's stay
    from b, in outbreak, for nights 1-2 weighs more and takes the room when planned afresh."""
    requests = [request("q1", "a", 0, 3, "far_from_home")]
    b = home("b")
    if outbreak_request:
        requests.append(request("q2", "b", 1, 2, "shielding_family"))
        b = home("b", outbreak=OUTBREAK)
    return scenario(
        days=4, homes=[home("a"), b], staff_hotels=[hotel("h1", 1)], room_requests=requests
    )


def far_worker(outbreak_request: bool = False) -> Scenario:
    """A bank worker living an hour away covers a on days 0-2 and sleeps in the one room
    near it. A shielding family's stay from b, in outbreak, for nights 0-1 takes that room
    when planned afresh."""
    requests = [request("q2", "b", 0, 2, "shielding_family")] if outbreak_request else []
    return scenario(
        homes=[
            home("a", shortfalls=[shortfall(d) for d in range(3)]),
            home("b", outbreak=OUTBREAK) if outbreak_request else home("b"),
        ],
        workers=[worker("w1", locality="far")],
        staff_hotels=[hotel("near", 1)],
        room_requests=requests,
        travel=FAR,
        policy={"accommodation": {"far_minutes": 30}},
    )


def one_taxi_a_day(b_outbreak: bool = False) -> Scenario:
    """w1 (no car) covers a's carer shifts on days 0-2, w2 (with a car) b's nurse shifts.
    With b in outbreak w2 is eligible too, and the budget, cut to one pair a day, goes to
    the riskier home when planned afresh."""
    b = home("b", shortfalls=[shortfall(d, role="nurse") for d in range(3)])
    if b_outbreak:
        b["outbreak"] = OUTBREAK
    return scenario(
        days=3,
        homes=[home("a", shortfalls=[shortfall(d) for d in range(3)]), b],
        workers=[worker("w1", has_car=False), worker("w2", roles=["nurse"])],
        policy={"transport": {"journeys_per_day": 2 if b_outbreak else 4}},
    )


def _visits(plan: Plan) -> list[tuple[dt.date, str, str, str]]:
    return sorted((v.date, v.officer_id, v.home_id, str(v.kind)) for v in plan.visits)


def _rooms(plan: Plan) -> list[tuple[str, str, dt.date, int]]:
    return sorted((r.request_id or r.who, r.hotel_id, r.first_night, r.nights) for r in plan.rooms)


def _nights(plan: Plan, worker_id: str) -> set[dt.date]:
    return {
        r.first_night + dt.timedelta(days=n)
        for r in plan.rooms
        if r.worker_id == worker_id
        for n in range(r.nights)
    }


def _taxis(plan: Plan) -> list[tuple[dt.date, str, str]]:
    return sorted((t.date, t.worker_id, t.home_id) for t in plan.taxis)


def _before(rows: list[Any], first_open: dt.date) -> list[Any]:
    return [r for r in rows if r[0] < first_open]


# ------------------------------------------------------------------ kept on both paths


@pytest.mark.parametrize("solver", [DEFAULT, DIRECT], ids=str)
def test_a_visit_before_the_first_open_day_is_kept(solver: Solver) -> None:
    first = solver.plan(one_visit_a_day())
    assert _visits(first)[0][:3] == (START, "l1", "a")
    now = one_visit_a_day(b_red=True)
    assert (START, "l1", "b") in {v[:3] for v in _visits(solver.plan(now))}
    replanned = solver.plan(now, Previous(Path("first"), first, one_visit_a_day(), OPEN))
    assert _before(_visits(replanned), OPEN) == _before(_visits(first), OPEN)


@pytest.mark.parametrize("solver", [DEFAULT, DIRECT], ids=str)
def test_a_room_stay_begun_before_the_first_open_day_is_kept_whole(solver: Solver) -> None:
    first = solver.plan(one_room())
    assert _rooms(first) == [("q1", "h1", START, 3)]
    now = one_room(outbreak_request=True)
    assert [r[0] for r in _rooms(solver.plan(now))] == ["q2"]
    replanned = solver.plan(now, Previous(Path("first"), first, one_room(), OPEN))
    assert _rooms(replanned) == _rooms(first)


@pytest.mark.parametrize("solver", [DEFAULT, DIRECT], ids=str)
def test_a_far_workers_night_before_the_first_open_day_is_kept(solver: Solver) -> None:
    first = solver.plan(far_worker())
    assert _nights(first, "w1") == {START + dt.timedelta(days=d) for d in range(3)}
    now = far_worker(outbreak_request=True)
    assert START not in _nights(solver.plan(now), "w1")
    replanned = solver.plan(now, Previous(Path("first"), first, far_worker(), OPEN))
    assert {n for n in _nights(replanned, "w1") if n < OPEN} == {START}
    assert len(replanned.shifts) == 3


@pytest.mark.parametrize("solver", [DEFAULT, DIRECT], ids=str)
def test_a_taxi_before_the_first_open_day_is_kept(solver: Solver) -> None:
    first = solver.plan(one_taxi_a_day())
    assert _taxis(first) == [(START + dt.timedelta(days=d), "w1", "a") for d in range(3)]
    now = one_taxi_a_day(b_outbreak=True)
    assert (START, "w2", "b") in _taxis(solver.plan(now))
    replanned = solver.plan(now, Previous(Path("first"), first, one_taxi_a_day(), OPEN))
    assert _before(_taxis(replanned), OPEN) == _before(_taxis(first), OPEN)
    # Later, the one pair a day goes to the outbreak home: each move is the worker's call.
    rows = [c for c in replanned.changes if c.kind == "taxi"]
    assert rows and all(c.date >= OPEN for c in rows)
    lost = [c for c in rows if c.worker_id == "w1"]
    assert lost and all(c.home_id == "a" and c.after < c.before for c in lost)
    assert all("taxi budget" in c.reason for c in lost)
    assert all(c.reason.startswith("new demand at b") for c in rows if c.worker_id == "w2")


# ------------------------------------------------------------------ the checker


def _altered(plan: Plan, table: str, fields: dict[str, Any]) -> Plan:
    """`plan` with the first row of `table` changed."""
    [kept, *rest] = getattr(plan, table)
    return plan.model_copy(update={table: [kept.model_copy(update=fields), *rest]})


CHECKED = [
    (one_visit_a_day, "visits", {"officer_id": "l2"}, "visit,"),
    (one_visit_a_day, "visits", {"date": OPEN}, "visit,"),
    (one_room, "rooms", {"hotel_id": "h2"}, "room stay,"),
    (far_worker, "rooms", {"hotel_id": "away"}, "room night,"),
    (one_taxi_a_day, "taxis", {"home_id": "b"}, "taxi,"),
]


@pytest.mark.parametrize(
    ("build", "table", "fields", "named"),
    CHECKED,
    ids=["visit-officer", "visit-day", "room-stay", "room-night", "taxi"],
)
def test_the_check_names_a_kept_visit_room_or_taxi_altered(
    build: Callable[[], Scenario], table: str, fields: dict[str, Any], named: str
) -> None:
    s = build()
    first = DEFAULT.plan(s)
    summary = first.summary.model_copy(update={"previous": "first", "kept_before": OPEN})
    again = first.model_copy(update={"summary": summary})
    assert validate_plan(s, again, first) == []
    found = validate_plan(s, _altered(again, table, fields), first)
    kept = [v for v in found if v.rule == "kept_decision"]
    assert kept and all(v.key.startswith(named) for v in kept)
    assert any(v.message.endswith("the plan has 0") for v in kept)


# ------------------------------------------------------------------ changes and reasons


def _plan(
    visits: tuple[Visit, ...] = (),
    rooms: tuple[RoomStay, ...] = (),
    taxis: tuple[TaxiTrip, ...] = (),
) -> Plan:
    summary = Summary(
        scenario="test", status="OPTIMAL", objective=0, best_bound=0, gap=0, solve_seconds=0
    )
    return Plan(visits=list(visits), rooms=list(rooms), taxis=list(taxis), summary=summary)


def _on(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def _visit(n: int, officer_id: str) -> Visit:
    return Visit(
        date=_on(n), officer_id=officer_id, home_id="a", kind=VisitKind.LIAISON, travel_minutes=10
    )


def _stay(hotel_id: str) -> RoomStay:
    return RoomStay(
        who="staff of a",
        home_id="a",
        hotel_id=hotel_id,
        first_night=_on(1),
        nights=2,
        reason=RoomReason.FAR_FROM_HOME,
        request_id="q1",
    )


def _night(n: int, hotel_id: str) -> RoomStay:
    return RoomStay(
        who="w1",
        home_id="a",
        hotel_id=hotel_id,
        first_night=_on(n),
        nights=1,
        reason=RoomReason.FAR_FROM_HOME,
        worker_id="w1",
    )


def _cities(**new: Any) -> tuple[Scenario, Scenario]:
    """The same city twice, the second with `new` sections: officers, hotels or policy."""
    base: dict[str, Any] = {
        "homes": [home("a")],
        "workers": [worker("w1")],
        "officers": [officer("l1", "liaison"), officer("l2", "liaison")],
        "staff_hotels": [hotel("h1", 2), hotel("h2", 2)],
        "room_requests": [request("q1", "a", 1, 2, "far_from_home")],
        "policy": {"transport": {"journeys_per_day": 4}},
    }
    return scenario(days=4, **base), scenario(days=4, **(base | new))


MOVED = [
    (
        {"officers": [officer("l1", "liaison", available=[day(0)]), officer("l2", "liaison")]},
        _plan(visits=(_visit(2, "l1"),)),
        _plan(visits=(_visit(2, "l2"),)),
        "visit",
        "officer l1's availability changed",
        (0, 1),
    ),
    (
        {"staff_hotels": [hotel("h1", [2, 2, 0, 2]), hotel("h2", 2)]},
        _plan(rooms=(_stay("h1"),)),
        _plan(rooms=(_stay("h2"),)),
        "room stay",
        "rooms at h1 cut from 2 to 0",
        (0, 1),
    ),
    (
        {"staff_hotels": [hotel("h1", [2, 0, 2, 2]), hotel("h2", 2)]},
        _plan(rooms=(_night(1, "h1"),)),
        _plan(rooms=(_night(1, "h2"),)),
        "room night",
        "rooms at h1 cut from 2 to 0",
        (1, 0),
    ),
    (
        {"policy": {"transport": {"journeys_per_day": [4, 4, 0, 4]}}},
        _plan(taxis=(TaxiTrip(worker_id="w1", date=_on(2), home_id="a", journeys=2),)),
        _plan(),
        "taxi",
        "taxi budget on 2020-06-03 cut from 4 to 0",
        (1, 0),
    ),
]


@pytest.mark.parametrize(("new", "old_plan", "new_plan", "kind", "why", "to_call"), MOVED)
def test_a_moved_visit_room_or_taxi_is_a_row_naming_the_home_and_why(
    new: dict[str, Any],
    old_plan: Plan,
    new_plan: Plan,
    kind: str,
    why: str,
    to_call: tuple[int, int],
) -> None:
    old, now = _cities(**new)
    rows = changes(Previous(Path("first"), old_plan, old, OPEN), now, new_plan)
    assert rows and {(c.kind, c.home_id) for c in rows} == {(kind, "a")}
    assert all(why in c.reason for c in rows)
    assert calls(rows) == to_call


def test_unchanged_visits_rooms_and_taxis_are_no_change() -> None:
    old, now = _cities()
    plan = _plan(
        visits=(_visit(2, "l1"),),
        rooms=(_stay("h1"), _night(2, "h1")),
        taxis=(TaxiTrip(worker_id="w1", date=_on(2), home_id="a", journeys=2),),
    )
    assert changes(Previous(Path("first"), plan, old, OPEN), now, plan) == []
