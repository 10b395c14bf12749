"""What a home uses, what its own supplier brings it and what the depot receives, day by
day: the one reading of a scenario's PPE section that the model, the greedy start, the
plan's tables and the independent checker all count with, so that a projection in one
agrees with the others to the unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from scenarios.risk import outbreak_active
from scenarios.schema import (
    DepotDelivery,
    HomeDelivery,
    HomePpe,
    PpeItem,
    PpeSupply,
    Scenario,
    daily,
)


def use_on(s: Scenario, record: HomePpe, item: PpeItem, day: int) -> int:
    """Units of `item` the home uses on horizon day `day`: its normal use, times the
    policy's `outbreak_use_factor` while an outbreak is active there."""
    normal = record.daily_use.get(item, 0)
    home = next(h for h in s.homes if h.id == record.home)
    if outbreak_active(home, s.horizon.start + dt.timedelta(days=day)):
        return normal * s.policy.ppe.outbreak_use_factor
    return normal


def arrivals(supply: PpeSupply, s: Scenario, item: PpeItem, day: int) -> int:
    """Units of `item` delivered into the depot on horizon day `day` (usable that day)."""
    return _delivered(supply.deliveries, s, item, day)


def own_arrivals(s: Scenario, record: HomePpe, item: PpeItem, day: int) -> int:
    """Units of `item` the home's own supplier delivers on horizon day `day` (usable that
    day): stock the home holds whatever the council drops."""
    return _delivered(record.deliveries, s, item, day)


def _delivered(
    deliveries: Iterable[DepotDelivery | HomeDelivery], s: Scenario, item: PpeItem, day: int
) -> int:
    date = s.horizon.start + dt.timedelta(days=day)
    return sum(d.items.get(item, 0) for d in deliveries if d.date == date)


def drop_capacity(supply: PpeSupply, day: int) -> int:
    """Homes the vans can drop at on horizon day `day`: vans out times drops per van."""
    return daily(supply.vans, day) * supply.drops_per_van


def emergency_days(s: Scenario, home_id: str) -> range:
    """Day indices in which an outbreak home's emergency drop is due: from its outbreak's
    start (or the first day) to `emergency_days` after the start; empty for a home not in
    an outbreak, or one whose drop was due before the horizon began."""
    home = next(h for h in s.homes if h.id == home_id)
    since = home.outbreak.since
    if not outbreak_active(home, s.horizon.end) or since is None:
        return range(0)
    first = (since - s.horizon.start).days
    return range(max(0, first), min(s.horizon.days, first + s.policy.ppe.emergency_days + 1))


def supply_problems(s: Scenario) -> Iterator[tuple[str, str]]:
    """(field path, message) for every PPE record naming an unknown home, a home twice, a
    delivery (the depot's or a home's own) outside the horizon or a van count not one per
    day."""
    if s.ppe is None:
        return
    homes = {h.id for h in s.homes}
    seen: set[str] = set()
    for i, record in enumerate(s.ppe.homes):
        at = f"ppe.homes[{i}] ({record.home}).home"
        if record.home not in homes:
            yield at, f"unknown home {record.home!r}"
        elif record.home in seen:
            yield at, "the home's PPE is given twice"
        seen.add(record.home)
        for j, own in enumerate(record.deliveries):
            yield from _outside(s, own.date, f"ppe.homes[{i}] ({record.home}).deliveries[{j}].date")
    for i, delivery in enumerate(s.ppe.deliveries):
        yield from _outside(s, delivery.date, f"ppe.deliveries[{i}].date")
    if isinstance(s.ppe.vans, list) and len(s.ppe.vans) != s.horizon.days:
        yield (
            "ppe.vans",
            f"has {len(s.ppe.vans)} daily values but the horizon has {s.horizon.days} days",
        )


def _outside(s: Scenario, date: dt.date, at: str) -> Iterator[tuple[str, str]]:
    if not s.horizon.start <= date <= s.horizon.end:
        yield at, f"date {date} is outside the horizon {s.horizon.start} to {s.horizon.end}"
