"""Staff accommodation and transport: each rule on a tiny scenario where it binds, on
every backend and path, and the pattern path still planning tier 1 with rooms linked to
shifts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from scenarios.schema import Scenario
from tests.conftest import DEFAULT, DIRECT, Solver, day, home, scenario, shortfall, worker

FAR = {"times": [{"from": "far", "to": "central", "minutes": 60}]}
"""Travel: a worker living in `far` is an hour from every home in `central`."""


def hotel(hotel_id: str, rooms: int | list[int], locality: str = "central") -> dict[str, Any]:
    return {"id": hotel_id, "rooms": rooms, "locality": locality}


def request(request_id: str, home_id: str, first: int, nights: int, reason: str) -> dict[str, Any]:
    return {
        "id": request_id,
        "home": home_id,
        "staff": f"staff of {home_id}",
        "first_night": day(first),
        "nights": nights,
        "reason": reason,
    }


def two_requests_one_room() -> Scenario:
    """One room a night; a shielding family's three nights and a far-from-home stay that
    overlaps it on day 1: the shielding request (weighed 3 a night) is met whole."""
    return scenario(
        homes=[home("a"), home("b")],
        staff_hotels=[hotel("h1", 1)],
        room_requests=[
            request("q1", "a", 0, 3, "shielding_family"),
            request("q2", "b", 1, 2, "far_from_home"),
        ],
    )


def far_worker_short_room() -> Scenario:
    """A bank worker living an hour away covers home a on days 0-2; the hotel near a has
    no room on night 1 and a far hotel (too far from a) has rooms every night."""
    return scenario(
        homes=[home("a", shortfalls=[shortfall(d) for d in range(3)])],
        workers=[worker("w1", locality="far")],
        staff_hotels=[hotel("near", [1, 0, 1, 1, 1, 1, 1]), hotel("away", 5, "far")],
        travel=FAR,
        policy={"accommodation": {"far_minutes": 30}},
    )


def near_and_far_workers_spare_rooms() -> Scenario:
    """Two bank workers cover home a's two carers a day on days 0-2, one living an hour
    away and one in the home's own locality; the hotel near a has rooms to spare."""
    return scenario(
        homes=[home("a", shortfalls=[shortfall(d, workers=2) for d in range(3)])],
        workers=[worker("w1", locality="far"), worker("w2", locality="central")],
        staff_hotels=[hotel("near", 5)],
        travel=FAR,
        policy={"accommodation": {"far_minutes": 30}},
    )


def carless_worker_short_budget() -> Scenario:
    """A bank worker without a car and one with, both at work days 0-2; no taxi journeys
    on day 1: the carless worker goes by taxi on days 0 and 2 only."""
    return scenario(
        homes=[
            home("a", shortfalls=[shortfall(d) for d in range(3)]),
            home("b", shortfalls=[shortfall(d) for d in range(3)]),
        ],
        workers=[worker("w1", has_car=False), worker("w2")],
        policy={"transport": {"journeys_per_day": [4, 0, 4, 4, 4, 4, 4]}},
    )


def test_a_room_request_is_met_whole_or_not_and_names_the_full_night(solver: Solver):
    plan = solver.plan(two_requests_one_room())
    assert [
        (r.request_id, r.hotel_id, r.first_night.isoformat(), r.nights) for r in plan.rooms
    ] == [("q1", "h1", day(0), 3)]
    (unmet,) = [u for u in plan.unmet if u.kind == "room"]
    assert unmet.home_id == "b" and unmet.cause_rule == "hotel_rooms"
    assert unmet.cause_resource == "h1" and unmet.cause_date is not None
    assert unmet.cause_date.isoformat() == day(1)


def test_a_far_deployed_worker_takes_a_room_near_the_home_when_one_is_free(solver: Solver):
    plan = solver.plan(far_worker_short_room())
    assert len(plan.shifts) == 3  # a room short never stops a shift being covered
    nights = sorted((r.hotel_id, r.first_night.isoformat(), r.nights) for r in plan.rooms)
    assert nights == [("near", day(0), 1), ("near", day(2), 1)]
    (unmet,) = [u for u in plan.unmet if u.kind == "room_night"]
    assert unmet.date.isoformat() == day(1) and unmet.cause_rule == "hotel_rooms"
    assert unmet.cause_resource == "near"


def test_only_a_far_deployed_worker_takes_a_room_however_many_are_free(solver: Solver):
    plan = solver.plan(near_and_far_workers_spare_rooms())
    assert len(plan.shifts) == 6
    assert {r.worker_id for r in plan.rooms} == {"w1"}


def test_taxis_go_to_eligible_shifts_within_the_day_budget(solver: Solver):
    plan = solver.plan(carless_worker_short_budget())
    assert len(plan.shifts) == 6
    w1 = {x.home_id for x in plan.shifts if x.worker_id == "w1"}
    assert [(t.worker_id, t.date.isoformat()) for t in plan.taxis] == [
        ("w1", day(0)),
        ("w1", day(2)),
    ]
    assert {t.home_id for t in plan.taxis} == w1
    (unmet,) = [u for u in plan.unmet if u.kind == "taxi"]
    assert unmet.date.isoformat() == day(1) and unmet.cause_rule == "taxi_budget"


BINDS: dict[str, tuple[Callable[[], Scenario], set[str]]] = {
    "constraints.accommodation.add_hotel_rooms": (two_requests_one_room, {"hotel_rooms"}),
    "constraints.domain.stay_covers": (two_requests_one_room, {"whole_stay"}),
    "constraints.domain.near_hotel": (far_worker_short_room, {"room_at_far_shift"}),
    "constraints.domain.far_deployed": (near_and_far_workers_spare_rooms, {"room_at_far_shift"}),
    "constraints.accommodation.add_taxi_budget": (carless_worker_short_budget, {"taxi_budget"}),
    "constraints.domain.needs_taxi": (carless_worker_short_budget, {"taxi_eligibility"}),
}


@pytest.mark.parametrize("rule", BINDS)
def test_each_rule_is_what_binds(rule: str, broken_without: Callable[..., set[str]]):
    build, checked = BINDS[rule]
    assert checked <= broken_without(rule, build())


@pytest.mark.parametrize("build", [far_worker_short_room, carless_worker_short_budget])
def test_whole_schedules_plan_rooms_and_taxis_as_the_direct_model_does(
    build: Callable[[], Scenario],
):
    """The rows tying rooms and taxis to shifts are linking rows of the pattern split: the
    pattern path still plans tier 1 and reaches the direct model's optimum."""
    s = build()
    patterns, direct = DEFAULT.plan(s), DIRECT.plan(s)
    assert patterns.summary.path.startswith("whole schedules")
    assert patterns.summary.stages[0].objective == direct.summary.stages[0].objective
    assert len(patterns.rooms) == len(direct.rooms) and len(patterns.taxis) == len(direct.taxis)


def test_a_scenario_without_rooms_or_taxis_builds_no_accommodation_rows():
    from constraints.build import build_model
    from constraints.rules import Family

    built = build_model(
        scenario(homes=[home("a", shortfalls=[shortfall(0)])], workers=[worker("w1")])
    )
    assert not [c for c in built.model.constraints if c.rule.family == Family.ACCOMMODATION]
    assert not [v for v in built.model.variables if v.rule.family == Family.ACCOMMODATION]


def test_one_more_room_and_one_more_journey_are_worth_something_where_they_bind():
    from scheduler.analysis.value import Resource, value_table
    from scheduler.solve.settings import SolverSettings

    rooms = value_table(
        two_requests_one_room(),
        SolverSettings(time_limit=5, workers=1),
        [Resource("hotel", "h1")],
        step=1,
    )
    assert rooms.set_index(["resource", "step"]).loc[("hotel:h1", 1), "value_per_unit"] > 0
    # one journey completes the pair day 1 lacks (a shift takes two)
    s = carless_worker_short_budget()
    odd = s.policy.model_copy(
        update={
            "transport": s.policy.transport.model_copy(  # type: ignore[union-attr]
                update={"journeys_per_day": [4, 1, 4, 4, 4, 4, 4]}
            )
        }
    )
    taxis = value_table(
        s.model_copy(update={"policy": odd}),
        SolverSettings(time_limit=5, workers=1),
        [Resource("taxi", "journeys")],
        step=1,
    )
    row = taxis.set_index(["resource", "step"]).loc[("taxi:journeys", 1)]
    assert row["value_per_unit"] > 0


def test_shocks_withdraw_hotel_rooms_and_cut_the_taxi_budget():
    import random

    from scenarios.shocks import HotelRooms, TaxiBudget, apply_shocks

    s = apply_shocks(
        far_worker_short_room(),
        [HotelRooms(kind="hotel_rooms", hotel="near", set=0)],
        random.Random(0),
        "no rooms",
        "test",
    )
    assert s.staff_hotels[0].rooms == [0] * 7
    plan = DIRECT.plan(s)
    assert not [r for r in plan.rooms if r.hotel_id == "near"]
    assert len([u for u in plan.unmet if u.kind == "room_night"]) == 3
    cut = apply_shocks(
        carless_worker_short_budget(),
        [TaxiBudget(kind="taxi_budget", scale=0.0)],
        random.Random(0),
        "no taxis",
        "test",
    )
    assert not DIRECT.plan(cut).taxis


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        (
            {"room_requests": [request("q1", "nowhere", 0, 2, "shielding_family")]},
            "bad.yaml: room_requests[0] (q1).home: unknown home 'nowhere'",
        ),
        (
            {"staff_hotels": [hotel("h1", [1, 1])]},
            "bad.yaml: staff_hotels[0] (h1).rooms: has 2 daily values but the horizon has 7 days",
        ),
        (
            {"room_requests": [request("q1", "h1", 0, 2, "boredom")]},
            "bad.yaml: room_requests[0] (q1).reason: input should be",
        ),
    ],
)
def test_bad_rooms_input_is_one_line_exit_2_nothing_written(
    tmp_path, changes: dict[str, Any], line: str
):
    from tests.test_bad_input import _plan, _scenario

    code, output, out = _plan(tmp_path, _scenario(**changes))
    assert code == 2 and not out.exists()
    assert output.strip().startswith(line), output
    assert len(output.strip().splitlines()) == 1
