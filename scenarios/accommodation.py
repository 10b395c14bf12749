"""Who may have a hotel room or a taxi, read by the model, the checker and the outputs
alike (one definition, as `scenarios.history` is for working-time windows).

A deployed bank worker is *far* from a home when travel from where they live to it takes
more than `policy.accommodation.far_minutes`; a hotel is *near* a home when travel between
them takes at most that. A worker-shift is *taxi-eligible* by `policy.transport.eligible`:
at a home in outbreak that day, or a bank worker without a car.
"""

from __future__ import annotations

import datetime as dt

from scenarios.risk import outbreak_active
from scenarios.schema import (
    Home,
    RoomReason,
    RoomRequest,
    Scenario,
    StaffHotel,
    TaxiEligibility,
    Worker,
    WorkerKind,
)

JOURNEYS_PER_SHIFT = 2
"""A taxi pair: to the home and back."""


def stay_dates(request: RoomRequest) -> list[dt.date]:
    """The nights a request's stay occupies a room: first_night .. first_night + nights - 1."""
    return [request.first_night + dt.timedelta(days=n) for n in range(request.nights)]


def far_from(scenario: Scenario, worker: Worker, home: Home) -> bool:
    """A bank worker deployed to `home` lives beyond far_minutes of it (never without an
    accommodation policy: then deployed workers are offered no rooms)."""
    policy = scenario.policy.accommodation
    return (
        policy is not None
        and worker.kind == WorkerKind.BANK
        and scenario.travel.minutes(worker, home) > policy.far_minutes
    )


def hotel_near(scenario: Scenario, hotel: StaffHotel, home: Home) -> bool:
    """A hotel a deployed worker may stay at for `home`: within far_minutes of it."""
    policy = scenario.policy.accommodation
    return policy is not None and scenario.travel.minutes(hotel, home) <= policy.far_minutes


def taxi_eligible(scenario: Scenario, worker: Worker, home: Home, date: dt.date) -> bool:
    """A worker's shift at `home` on `date` needs a taxi pair under the policy's budget."""
    transport = scenario.policy.transport
    if transport is None:
        return False
    eligible = transport.eligible
    return (TaxiEligibility.OUTBREAK_HOMES in eligible and outbreak_active(home, date)) or (
        TaxiEligibility.NO_CAR in eligible and worker.kind == WorkerKind.BANK and not worker.has_car
    )


def reason_text(reason: RoomReason) -> str:
    return {
        RoomReason.SHIELDING_FAMILY: "shielding family at home",
        RoomReason.FAR_FROM_HOME: "deployed far from home",
    }[reason]
