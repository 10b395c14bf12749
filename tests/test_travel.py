"""Travel minutes: by distance where both places have coordinates, else by locality."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from scenarios.load import ScenarioError
from scenarios.schema import Scenario, Travel
from tests.conftest import home, scenario, shortfall, solve, worker

PLYMOUTH = (50.370, -4.140)
NORTH = (50.470, -4.140)
"""0.1 degree of latitude apart: 11.12 km, so 11.12 x 1.3 / 30 km/h = 28.9 minutes."""


@dataclass(frozen=True)
class Spot:
    locality: str
    latitude: float | None = None
    longitude: float | None = None


def test_minutes_by_distance_with_detour_and_speed() -> None:
    travel = Travel()
    assert travel.minutes(Spot("x", *PLYMOUTH), Spot("x", *NORTH)) == 29
    assert travel.minutes(Spot("x", *PLYMOUTH), Spot("y", *PLYMOUTH)) == 0
    slower = Travel(detour_factor=1.5, speed_kmh=20)
    assert slower.minutes(Spot("x", *PLYMOUTH), Spot("x", *NORTH)) == 50  # 11.12 x 1.5 / 20 h


def test_locality_when_either_place_lacks_coordinates() -> None:
    travel = Travel(default_minutes=25, same_locality_minutes=5)
    assert travel.minutes(Spot("x", *PLYMOUTH), Spot("x")) == 5
    assert travel.minutes(Spot("x"), Spot("y", *NORTH)) == 25


def test_a_home_needs_both_coordinates_in_range() -> None:
    with pytest.raises(ScenarioError, match="latitude and longitude together"):
        scenario(homes=[home("a", latitude=50.3)])
    with pytest.raises(ScenarioError, match="latitude"):
        scenario(homes=[home("a", latitude=95.0, longitude=0.0)])


def two_homes_two_workers(coordinates: bool) -> Scenario:
    """Homes a and b, each one carer short on day 0; w1 lives by a and w2 by b, all in one
    locality, so only coordinates tell the workers apart."""

    def at(point: tuple[float, float]) -> dict[str, float]:
        return {"latitude": point[0], "longitude": point[1]} if coordinates else {}

    return scenario(
        homes=[
            home("a", shortfalls=[shortfall(0)], **at(PLYMOUTH)),
            home("b", shortfalls=[shortfall(0)], **at(NORTH)),
        ],
        workers=[worker("w2", **at(NORTH)), worker("w1", **at(PLYMOUTH))],
    )


def travel_cost(s: Scenario, pairs: set[tuple[str, str]]) -> int:
    workers = {w.id: w for w in s.workers}
    homes = {h.id: h for h in s.homes}
    return sum(s.travel.minutes(workers[w], homes[h]) for w, h in pairs)


def test_coordinates_send_each_worker_to_the_home_nearby() -> None:
    by_locality = two_homes_two_workers(coordinates=False)
    plan = solve(by_locality)
    assert travel_cost(by_locality, {(x.worker_id, x.home_id) for x in plan.shifts}) == 10

    by_distance = two_homes_two_workers(coordinates=True)
    plan = solve(by_distance)
    chosen = {(x.worker_id, x.home_id) for x in plan.shifts}
    assert chosen == {("w1", "a"), ("w2", "b")}
    assert travel_cost(by_distance, chosen) == 0
    assert travel_cost(by_distance, {("w1", "b"), ("w2", "a")}) == 58  # the plan it avoided
