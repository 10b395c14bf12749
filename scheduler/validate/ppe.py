"""The PPE rules: a home's stock and the depot's never below zero, re-projected from the
plan's drop table alone, and the vans' drops a day.

Each rule is one function named after it; its docstring states it as a formula, with
U[h,i,d] the day's use (`scenarios.ppe_use.use_on`, the model's own reading) and
dropped[h,i,d] the units of `ppe_drops.csv` rows for that home, item and date, and
O[h,i,d] the units the home's own supplier delivers that day
(`scenarios.ppe_use.own_arrivals`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from scenarios.ppe_use import arrivals, drop_capacity, own_arrivals, use_on
from scenarios.schema import PpeItem
from scheduler.validate.lookup import Found, Lookup, capacity_on, record_key


def _dropped(ix: Lookup) -> Counter[tuple[str, PpeItem, dt.date]]:
    dropped: Counter[tuple[str, PpeItem, dt.date]] = Counter()
    for row in ix.plan.ppe_drops:
        dropped[row.home_id, row.item, row.date] += row.quantity
    return dropped


def ppe_home_stock(ix: Lookup) -> Found:
    """For each home h with PPE, item i and day d in D:
    stock[h,i,d] = opening[h,i] + sum_{t<=d} (dropped[h,i,t] + O[h,i,t])
                   - sum_{t<=d, not without} U[h,i,t] >= 0,
    where `without` is the plan's `ppe_stock.csv` flag (the home went without that day);
    each stock row says the same stock. A drop goes only to a home with PPE records, inside
    the horizon."""
    supply = ix.scenario.ppe
    dropped = _dropped(ix)
    records = {r.home: r for r in supply.homes} if supply is not None else {}
    for h, item, date in sorted(dropped):
        if h not in records or not ix.in_horizon(date):
            yield record_key(h, item, date), f"a drop of {item} to {h} on {date} has no PPE home"
    rows = {(r.home_id, r.item, r.date): r for r in ix.plan.ppe_stock}
    for h, record in records.items():
        items = {i for i in PpeItem if record.daily_use.get(i, 0)} | {
            i for (home, i, _d) in dropped if home == h
        }
        for item in sorted(items):
            held = record.opening(item)
            for d, date in enumerate(ix.dates):
                row = rows.get((h, item, date))
                use = 0 if row is not None and row.without else use_on(ix.scenario, record, item, d)
                held += dropped[h, item, date] + own_arrivals(ix.scenario, record, item, d) - use
                k = record_key(h, item, date)
                if held < 0:
                    yield k, f"{h} holds {held} {item} at the end of {date}"
                if row is not None and row.stock != held:
                    yield k, f"{h}'s {item} stock on {date} is {held}, not {row.stock}"


def ppe_depot_stock(ix: Lookup) -> Found:
    """For each item i and day d in D: sum_{h, t<=d} dropped[h,i,t] <= depot_stock[i] +
    sum_{t<=d} arrivals[i,t] (a delivery can be dropped on the day it arrives)."""
    supply = ix.scenario.ppe
    if supply is None:
        return
    by_item_date: Counter[tuple[PpeItem, dt.date]] = Counter()
    for (_h, item, date), n in _dropped(ix).items():
        by_item_date[item, date] += n
    for item in PpeItem:
        held = supply.depot_stock.get(item, 0)
        for d, date in enumerate(ix.dates):
            held += arrivals(supply, ix.scenario, item, d) - by_item_date[item, date]
            if held < 0:
                yield record_key(item, date), f"the depot drops {-held} more {item} than it holds"


def ppe_van_capacity(ix: Lookup) -> Found:
    """For each day d in D: |{homes with a drop on d}| <= vans[d] * drops_per_van, each
    home's drop on one van's stop, van <= vans[d] and stop <= drops_per_van."""
    supply = ix.scenario.ppe
    stops: dict[dt.date, dict[str, set[tuple[int, int]]]] = defaultdict(lambda: defaultdict(set))
    for row in ix.plan.ppe_drops:
        stops[row.date][row.home_id].add((row.van, row.stop))
    for date, homes in sorted(stops.items()):
        d = ix.day_index(date)
        most = drop_capacity(supply, d) if supply is not None and ix.in_horizon(date) else 0
        if len(homes) > most:
            yield record_key(date), f"{len(homes)} homes get a drop on {date}; {most} drops"
        vans = capacity_on(supply.vans, d) if supply is not None else 0
        per_van = supply.drops_per_van if supply is not None else 0
        taken: Counter[tuple[int, int]] = Counter()
        for h, places in sorted(homes.items()):
            if len(places) != 1:
                yield record_key(h, date), f"{h}'s drop on {date} is on {len(places)} vans' stops"
            for van, stop in places:
                taken[van, stop] += 1
                if van > vans or stop > per_van:
                    message = f"{h}'s drop on {date} is van {van} stop {stop}: {vans} vans"
                    yield record_key(h, date), f"{message} of {per_van} drops"
        for (van, stop), n in taken.items():
            if n > 1:
                yield (
                    record_key(date, van, stop),
                    f"van {van} stop {stop} on {date} serves {n} homes",
                )
