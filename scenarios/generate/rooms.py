"""Staff hotel rooms and taxis for a generated city: one staff hotel in the centre, room
requests from homes' staff (shielding family, or living far away), and bank workers
without a car. Drawn from their own random stream, after every other section, so a city
generated before staff rooms existed keeps every other draw."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from scenarios.schema import (
    Home,
    Horizon,
    RoomReason,
    RoomRequest,
    StaffHotel,
    Worker,
    WorkerKind,
)


@dataclass(frozen=True)
class StaffRooms:
    """What to draw: the hotel's rooms a night (fewer on `tight_nights`), how many room
    requests and what share of bank workers have no car."""

    rooms: int
    tight_rooms: int
    tight_nights: tuple[int, ...]
    requests: int
    no_car_share: float


def staff_hotel(spec: StaffRooms, horizon: Horizon) -> StaffHotel:
    rooms = [
        spec.tight_rooms if d in spec.tight_nights else spec.rooms for d in range(horizon.days)
    ]
    return StaffHotel(id="staff-hotel", name="Harbour Lodge (staff)", rooms=rooms)


def draw_room_requests(
    rng: random.Random, spec: StaffRooms, homes: list[Home], horizon: Horizon
) -> list[RoomRequest]:
    """Requests from homes drawn at random, each from a night in the first half of the
    horizon for 3 to 7 nights; two in three for shielding family."""
    requests = []
    for n in range(spec.requests):
        home = rng.choice(homes)
        first = rng.randrange(max(1, horizon.days // 2))
        reason = RoomReason.SHIELDING_FAMILY if rng.random() < 2 / 3 else RoomReason.FAR_FROM_HOME
        requests.append(
            RoomRequest(
                id=f"room-{n + 1:03d}",
                home=home.id,
                staff=f"staff member {n + 1}",
                first_night=horizon.start + dt.timedelta(days=first),
                nights=rng.randint(3, 7),
                reason=reason,
            )
        )
    return requests


def without_cars(rng: random.Random, spec: StaffRooms, workers: list[Worker]) -> list[Worker]:
    """Bank workers, each without a car with probability `no_car_share`."""
    return [
        w.model_copy(update={"has_car": False})
        if w.kind == WorkerKind.BANK and rng.random() < spec.no_car_share
        else w
        for w in workers
    ]
