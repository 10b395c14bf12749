"""Staff accommodation and transport: hotel rooms booked for care staff so that they can
keep working at one home (shielding family at home, or deployed far from where they live),
and taxis to and from homes so that staff need not mix on public transport.

Everything here is optional: a scenario without staff hotels, room requests or a transport
budget plans exactly as one written before these existed.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field, NonNegativeInt, PositiveInt

from scenarios.schema.base import Capacity, Id, Strict
from scenarios.schema.travel import Latitude, Located, Longitude


class RoomReason(StrEnum):
    """Why a member of a home's staff needs a room: the reasons commissioners booked for."""

    SHIELDING_FAMILY = "shielding_family"
    """Someone at home is shielding or at risk: without a room the worker stays away."""
    FAR_FROM_HOME = "far_from_home"
    """The worker is deployed too far from where they live to travel each day."""


class TaxiEligibility(StrEnum):
    """Who a taxi journey pair may be given to, one worker-shift at a time."""

    OUTBREAK_HOMES = "outbreak_homes"
    """Workers the plan deploys to a home in outbreak on that day."""
    NO_CAR = "no_car"
    """Bank workers the plan deploys who have no car (`has_car: false`)."""


class StaffHotel(Located):
    """A hotel the commissioners booked rooms at, and where it is (as homes are located)."""

    id: Id
    name: str = ""
    rooms: Capacity = Field(description="Rooms a night: one number, or one per horizon day.")
    locality: str = "central"
    latitude: Latitude = None
    longitude: Longitude = None


class RoomRequest(Strict):
    """A member of a home's staff who needs a room from `first_night` for `nights` nights:
    met for the whole stay, in one hotel, or not at all."""

    id: Id
    home: Id
    staff: str = Field(default="", description="Who needs the room, as the home names them.")
    first_night: dt.date
    nights: PositiveInt
    reason: RoomReason


class ReasonWeights(Strict):
    """How much one unmet night weighs, by reason (times the home's risk)."""

    shielding_family: NonNegativeInt = 3
    far_from_home: NonNegativeInt = 1

    def of(self, reason: RoomReason) -> int:
        return int(getattr(self, reason.value))


class AccommodationPolicy(Strict):
    """Rooms: who is far from home, and what an unmet night costs in tier 1."""

    far_minutes: NonNegativeInt = Field(
        default=45,
        description="A deployed bank worker whose travel from where they live to the home "
        "is above this many minutes may take a room at a hotel within it of the home.",
    )
    room_night: NonNegativeInt = Field(
        default=4,
        description="Price of one unmet room night, times the reason weight and the home's "
        "risk; kept below `objective.uncovered_shift` so a far worker still covers a shift.",
    )
    reason_weights: ReasonWeights = ReasonWeights()


class TransportPolicy(Strict):
    """The taxi budget: journeys a day, who is eligible, and what a missing pair costs."""

    journeys_per_day: Capacity = Field(
        description="Taxi journeys a day (a shift takes two: to the home and back)."
    )
    eligible: list[TaxiEligibility] = Field(
        default=[TaxiEligibility.OUTBREAK_HOMES, TaxiEligibility.NO_CAR],
        description="Worker-shifts that need a taxi pair.",
    )
    untaxied_shift: NonNegativeInt = Field(
        default=2,
        description="Price of an eligible shift without a taxi, times the home's risk.",
    )
