"""A previous plan's PPE drops in a re-plan: read onto the new model, kept as they were
before the first open day, and told apart after it.

A drop dated before the first open day was made: its units are at the home, so its
quantities are kept to the unit (`kept_ppe_quantity`) and its row keeps its van and stop.
From that day on a drop may be added, cancelled, moved or resized; the stability tier
counts a stop added or cancelled (`ppe_drop`), not units, since the call to the home is
the same whatever the size, and the costs tier already sizes each drop to its need.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from constraints.ppe import PpeVars
from scenarios.schema import PpeItem, PpeSupply, Scenario, daily
from scheduler.plan import Plan

Key = tuple[object, ...]
"""A decision key as the re-plan reads it: its kind, then record ids, the date last."""

Row = tuple[dt.date, str | None, str | None, str]
"""A plan row's date, home, the worker whose own row it is, and what it is."""


def drops_before(plan: Plan) -> Counter[Key]:
    """The previous plan's drops as decisions: each stop (1) and its units of each item."""
    before: Counter[Key] = Counter()
    for row in plan.ppe_drops:
        before["ppe_drop", row.home_id, row.date] = 1
        before["ppe_quantity", row.home_id, str(row.item), row.date] += row.quantity
    return before


def drop_variables(pv: PpeVars, dates: list[dt.date]) -> Iterator[tuple[Key, int, dt.date]]:
    """The new model's drop variables keyed as `drops_before` keys the previous plan."""
    for (h, d), var in pv.drop.items():
        yield ("ppe_drop", h, dates[d]), var, dates[d]
    for (h, item, d), var in pv.quantity.items():
        yield ("ppe_quantity", h, str(item), dates[d]), var, dates[d]


UNCOUNTED = "ppe_quantity"
"""The decision kind the stability tier does not count (it is kept, or sized by costs)."""


def kept_quantities(
    plan: Plan, dates: list[dt.date], first_open: dt.date
) -> tuple[dict[tuple[str, PpeItem, int], int], int]:
    """Units of each item the previous plan dropped at each home before `first_open`, by
    the new model's (home, item, day), and the index of the first day not kept: what the
    greedy start must repeat, and until when."""
    day = {date: d for d, date in enumerate(dates)}
    made = {
        (row.home_id, row.item, day[row.date]): row.quantity
        for row in plan.ppe_drops
        if row.date in day and row.date < first_open
    }
    return made, sum(1 for date in dates if date < first_open)


def with_kept_rows(plan: Plan, previous: Plan, start: dt.date, first_open: dt.date) -> Plan:
    """`plan` with its drops before `first_open` as the previous plan's rows: the model
    keeps their units, and this keeps the van and stop each was made on (the numbering
    follows the day's risk order, which a new scenario may change after the fact)."""
    kept = [r for r in previous.ppe_drops if start <= r.date < first_open]
    rows = sorted(
        [*kept, *(r for r in plan.ppe_drops if r.date >= first_open)],
        key=lambda r: (r.date, r.van, r.stop, r.item),
    )
    return plan.model_copy(update={"ppe_drops": rows})


def drop_rows(plan: Plan) -> Counter[Row]:
    """Units dropped by (date, home, no worker, item): a change's row is the home's call."""
    rows: Counter[Row] = Counter()
    for row in plan.ppe_drops:
        rows[row.date, row.home_id, None, f"{row.item} drop"] += row.quantity
    return rows


def ppe_reasons(old: Scenario, new: Scenario) -> tuple[dict[str, str], dict[dt.date, str]]:
    """What changed in PPE between two scenarios: by home, its stock, use or own deliveries;
    by date, the depot's deliveries or vans (the depot's opening stock, on the first day)."""
    homes: dict[str, str] = {}
    supply: dict[dt.date, str] = {}
    was, now = old.ppe or PpeSupply(), new.ppe or PpeSupply()
    before = {r.home: r for r in was.homes}
    for record in now.homes:
        if before.get(record.home) != record:
            homes[record.home] = "its PPE stock, daily use or own deliveries changed"
    if was.depot_stock != now.depot_stock:
        supply[new.horizon.start] = "the depot's opening stock changed"
    for date in new.horizon.dates:
        then = sorted(x.model_dump_json() for x in was.deliveries if x.date == date)
        if then != sorted(x.model_dump_json() for x in now.deliveries if x.date == date):
            supply[date] = f"the depot's deliveries on {date} changed"
        elif (vans := _vans(old, date)) != _vans(new, date):
            supply[date] = f"vans on {date} now {_vans(new, date)}, not {vans}"
    return homes, supply


def _vans(s: Scenario, date: dt.date) -> int:
    """The vans out on `date` (none outside the scenario's horizon or without PPE)."""
    day = (date - s.horizon.start).days
    if s.ppe is None or not 0 <= day < s.horizon.days:
        return 0
    return daily(s.ppe.vans, day)
