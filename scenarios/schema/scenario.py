"""The scenario whole: its horizon, the planner's pins, and every record and setting in one
model, the root of a scenario file.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from scenarios.limits import MAX_HORIZON_DAYS
from scenarios.schema.accommodation import RoomRequest, StaffHotel
from scenarios.schema.base import Id, Shift, Strict
from scenarios.schema.homes import Home
from scenarios.schema.isolation import IsolationFacility, IsolationRequest
from scenarios.schema.policy import Policy
from scenarios.schema.ppe import PpeSupply
from scenarios.schema.simulation import Simulation
from scenarios.schema.sites import TestSite
from scenarios.schema.travel import Travel
from scenarios.schema.visits import Officer
from scenarios.schema.workers import Agency, Worker


class Horizon(Strict):
    start: dt.date
    days: Annotated[int, Field(ge=1, le=MAX_HORIZON_DAYS)]

    @property
    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    @property
    def end(self) -> dt.date:
        """The last day of the horizon (inclusive)."""
        return self.start + dt.timedelta(days=self.days - 1)


# --------------------------------------------------------------------------- pins


class WorkerPin(Strict):
    """A planner's decision the plan must keep: `worker` works at `home` on `date` (on
    `shift` if given)."""

    worker: Id
    home: Id
    date: dt.date
    shift: Shift | None = None


AT_HOME = "own home (1:1)"
"""The facility a stay met 1:1 at the resident's own home is written under (placements and
request pins): not an `Id`, so no facility of the scenario can be called it."""


class RequestPin(Strict):
    """A planner's decision the plan must keep: `request` is placed at `facility` (admitted
    on `admit` if given), or with facility `own home (1:1)` met 1:1 at its own home (the
    stay starts on its earliest day), when the scenario offers that (`policy.one_to_one`)."""

    request: Id
    facility: Id | Literal["own home (1:1)"]
    admit: dt.date | None = None


class Pins(Strict):
    """Decisions fixed by hand, honoured as hard rules; one that cannot hold is named in
    the infeasibility report."""

    workers: list[WorkerPin] = Field(default=[])
    requests: list[RequestPin] = Field(default=[])


class Scenario(Strict):
    name: str = "scenario"
    description: str = ""
    horizon: Horizon
    policy: Policy = Policy()
    homes: list[Home] = Field(min_length=1)
    test_sites: list[TestSite] = Field(default=[])
    workers: list[Worker] = Field(default=[])
    agencies: list[Agency] = Field(default=[])
    isolation_facilities: list[IsolationFacility] = Field(default=[])
    isolation_requests: list[IsolationRequest] = Field(default=[])
    staff_hotels: list[StaffHotel] = Field(default=[])
    room_requests: list[RoomRequest] = Field(default=[])
    officers: list[Officer] = Field(default=[])
    ppe: PpeSupply | None = None
    travel: Travel = Travel()
    pins: Pins = Pins()
    simulation: Simulation = Simulation()
