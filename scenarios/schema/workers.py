"""The workers a council can send to a short-staffed home: their roles, availability and
what they worked before the horizon, and the agencies some of them come from.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, PositiveInt

from scenarios.schema.base import Id, Role, Served, Shift, Strict, WorkerKind, contact
from scenarios.schema.travel import Latitude, Located, Longitude


class Availability(Strict):
    """Available for `shifts` on every date from `from` to `to` inclusive."""

    from_: dt.date = Field(alias="from")
    to: dt.date | None = None
    shifts: list[Shift] = Field(default=[Shift.DAY, Shift.NIGHT], min_length=1)

    @property
    def last(self) -> dt.date:
        return self.to or self.from_


class RecentShift(Strict):
    """A shift the worker worked on a day before the horizon."""

    date: dt.date
    shift: Shift
    home: Id | None = Field(default=None, description="Where, if known.")


class HomeHistory(Strict):
    """What the worker did before the horizon: the working-time, rest and quarantine rules
    read it so that none of them restarts at the horizon's first day."""

    current_home: Id | None = Field(
        default=None,
        description="The home of the worker's last shift. Checked, not derived: where the "
        "latest recent shift names a home, it must be this one.",
    )
    last_shift: dt.date | None = Field(
        default=None,
        description="The date of the worker's last shift at current_home. Checked, not "
        "derived: it must be the latest recent shift's date where that shift names a home, "
        "and never after the latest recent shift.",
    )
    recent_shifts: list[RecentShift] = Field(
        default=[],
        description="Shifts worked in the days just before the horizon (one per date, at "
        "most 56 days back); a day not listed was not worked. Empty: nothing known, so the "
        "rules count nothing before the horizon.",
    )


class Worker(Served, Located):
    id: Id
    name: str = ""
    kind: WorkerKind = WorkerKind.BANK
    roles: list[Role] = Field(min_length=1)
    available_from: dt.date | None = Field(
        default=None,
        description="A recruit's first day after training (required for recruits, only "
        "for them): never planned before it, whatever the availability says.",
    )
    agency: Id | None = Field(
        default=None,
        description="An agency worker's agency (one of `agencies`): they work only at the "
        "homes it supplies. Omitted: any home.",
    )
    availability: list[Availability] = Field(default=[])
    max_shifts: PositiveInt | None = Field(default=None, description="Most shifts in the horizon.")
    home_history: HomeHistory = HomeHistory()
    last_negative_test: dt.date | None = None
    has_car: bool = Field(
        default=True,
        description="False: deployed, the worker needs a taxi (`policy.transport`).",
    )
    locality: str = "central"
    latitude: Latitude = None
    longitude: Longitude = None
    phone: str = contact("The worker's own number: on their own roster lines only.")

    def available_on(self, day: dt.date, shift: Shift) -> bool:
        return any(a.from_ <= day <= a.last and shift in a.shifts for a in self.availability)


class Agency(Strict):
    """A staffing agency and the homes it supplies with regular shifts: its workers cover
    those homes only, so an agency does not bring a new infection route into another."""

    id: Id
    name: str = ""
    homes: list[Id] = Field(min_length=1)
