"""The brief's PPE section: the homes ending today with the fewest days of cover, the
item that is lowest and what the vans bring them today and tomorrow.

Read off the plan's `ppe_stock` and `ppe_drops` rows as `ppe_stock.csv` and
`ppe_drops.csv` hold them, so the brief never disagrees with those tables.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pydantic import BaseModel, ConfigDict

from scenarios.schema import PpeItem, Scenario
from scheduler.output.ppe_data import cover_of
from scheduler.plan import Plan, PpeStock

PPE_HOMES_SHOWN = 3
"""Homes shown with the fewest days of PPE cover at the end of today: one paragraph, so
that the brief stays on one page."""


class PpeHome(BaseModel):
    model_config = ConfigDict(frozen=True)

    home_id: str
    name: str
    item: PpeItem
    """The item the home has fewest days of."""
    days_cover: float
    """Days of that item's use the home holds at the end of today (0 on a day without)."""
    dropped: list[int]
    """Units of PPE (every item) the vans drop there each brief day."""


def lowest_cover(plan: Plan, scenario: Scenario, dates: list[dt.date]) -> list[PpeHome]:
    """The homes with the fewest days of cover of any item at the end of today, fewest
    first (ties by home id)."""
    worst: dict[str, PpeStock] = {}
    for row in plan.ppe_stock:
        if row.date != dates[0] or cover_of(row) is None:
            continue
        held = worst.get(row.home_id)
        if held is None or (row.days_cover, row.item) < (held.days_cover, held.item):
            worst[row.home_id] = row
    dropped: dict[tuple[str, dt.date], int] = defaultdict(int)
    for drop in plan.ppe_drops:
        dropped[drop.home_id, drop.date] += drop.quantity
    names = {h.id: h.name for h in scenario.homes}
    ranked = sorted(worst.values(), key=lambda r: (r.days_cover, r.home_id))
    return [
        PpeHome(
            home_id=r.home_id,
            name=names.get(r.home_id, ""),
            item=r.item,
            days_cover=r.days_cover,
            dropped=[dropped[r.home_id, d] for d in dates],
        )
        for r in ranked[:PPE_HOMES_SHOWN]
    ]
