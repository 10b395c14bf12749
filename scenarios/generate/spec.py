"""What to build: a city's size and seed, and the public figures an example pins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scenarios.generate.rooms import StaffRooms
from scenarios.generate.visits import Officers
from scenarios.schema import HomeType, Policy, TestSite


@dataclass(frozen=True)
class Spec:
    """What to build. Fields left None are drawn or scaled from the city's size."""

    name: str
    description: str
    seed: int
    start: dt.date
    days: int
    homes: int
    workers: int
    type_counts: Mapping[HomeType, int] | None = None
    total_beds: int | None = None
    incidents: tuple[int, int] | None = None
    """(incidents, of which confirmed)."""
    sites: Sequence[TestSite] | None = None
    facility_beds: tuple[int, int, int] | None = None
    """(care hotel, council beds, learning disability respite)."""
    hospital_discharges: int | None = None
    ppe: bool = False
    """Draw PPE stock, use, the depot and its deliveries (`scenarios.generate.ppe`)."""
    policy: Policy | None = None
    """The scenario's policy; None: the defaults."""
    staff_rooms: StaffRooms | None = None
    """A staff hotel, room requests and workers without cars; None: none."""
    officers: Officers | None = None
    """Training and liaison officers and the homes trained before the horizon; None: none."""
