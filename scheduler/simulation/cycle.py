"""The base scenario's days, repeated: a simulation runs for weeks on a scenario of one or
two, so each later day takes the base day it falls on in turn (`World.base_day`). Daily
capacities are re-read day by day; dated needs and supplies (a staff member's hotel stay, a
PPE delivery) recur once a cycle, cut to the plan's days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from scenarios.accommodation import stay_dates
from scenarios.schema import (
    Capacity,
    DepotDelivery,
    HomeDelivery,
    PpeSupply,
    RoomRequest,
    Scenario,
    daily,
)


def capacity_on(
    capacity: Capacity, dates: list[dt.date], base_day: Callable[[dt.date], int]
) -> list[int]:
    """A daily capacity over `dates`, each day the base day it repeats."""
    return [daily(capacity, base_day(d)) for d in dates]


def room_requests_on(base: Scenario, dates: list[dt.date]) -> list[RoomRequest]:
    """Every cycle's copy of each base room request, cut to its nights among `dates`; a
    later cycle's copy is named after the request and its cycle."""
    cycle = base.horizon.days
    first_cycle = (dates[0] - base.horizon.start).days // cycle - 1
    last_cycle = (dates[-1] - base.horizon.start).days // cycle
    out = []
    for k in range(first_cycle, last_cycle + 1):
        shift = dt.timedelta(days=k * cycle)
        for q in base.room_requests:
            nights = [n + shift for n in stay_dates(q) if dates[0] <= n + shift <= dates[-1]]
            if nights:
                name = q.id if k == 0 else f"{q.id}.{k}"
                out.append(
                    q.model_copy(
                        update={"id": name, "first_night": nights[0], "nights": len(nights)}
                    )
                )
    return out


def ppe_on(
    base: Scenario, dates: list[dt.date], base_day: Callable[[dt.date], int]
) -> PpeSupply | None:
    """The deliveries (the depot's and each home's own supplier's) of every cycle that
    arrive among `dates`, and the vans each day of the base day it repeats. Homes' and the
    depot's opening stock stay the base's: the simulation tracks no PPE (it changes no
    infection), so each plan starts from them."""
    supply = base.ppe
    if supply is None:
        return None
    cycle = base.horizon.days
    homes = [
        h.model_copy(update={"deliveries": _recurring(h.deliveries, dates, cycle)})
        for h in supply.homes
    ]
    deliveries = _recurring(supply.deliveries, dates, cycle)
    vans = capacity_on(supply.vans, dates, base_day)
    return supply.model_copy(update={"homes": homes, "deliveries": deliveries, "vans": vans})


Dated = TypeVar("Dated", DepotDelivery, HomeDelivery)


def _recurring(deliveries: list[Dated], dates: list[dt.date], cycle: int) -> list[Dated]:
    """Each cycle's copy of a base delivery that arrives among `dates`, moved by whole
    cycles as the hotel stays are."""
    return [
        delivery.model_copy(update={"date": d})
        for d in dates
        for delivery in deliveries
        if (d - delivery.date).days % cycle == 0
    ]
