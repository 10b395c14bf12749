"""PPE: each home's stock and daily use per item, the council depot, its deliveries, the
vans that drop from it, and the policy's minimum days of cover.

Homes reported PPE daily (the RAG rating's `ppe` part says how they felt about it; these
records say how much they hold). The council and the Local Resilience Forum (LRF) delivered
into one depot; vans dropped from it to homes. Many homes also kept their own supply chain
(their usual wholesaler): its deliveries, where the home reported them, arrive on their
date whatever the council plans. The whole section is optional: a scenario without it plans
exactly as before.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field, NonNegativeInt, PositiveInt, model_validator

from scenarios.schema.base import Capacity, Id, Strict


class PpeItem(StrEnum):
    MASKS = "masks"
    APRONS = "aprons"
    GLOVES = "gloves"
    GOWNS = "gowns"
    EYE_PROTECTION = "eye_protection"


Units = dict[PpeItem, NonNegativeInt]
"""Units of each item; an item not named is 0."""


class HomeDelivery(Strict):
    """Units a home's own supplier delivers to it on `date` (usable that day): known
    arrivals the council need not cover with a drop."""

    date: dt.date
    supplier: str | None = Field(default=None, description="The home's wholesaler, if known.")
    items: Units


class HomePpe(Strict):
    """A home's PPE on the morning of the horizon's first day, what it uses a day, and what
    its own supplier is known to deliver.

    Stock is given in units (`stock`) or, as homes often reported it, in days of cover at
    normal use (`cover_days`); an item in both is an error. `daily_use` is the home's
    normal use by residents and staff together; in an outbreak it is multiplied by the
    policy's `ppe.outbreak_use_factor`."""

    home: Id
    stock: Units = Field(default={}, description="Units on hand per item.")
    cover_days: Units = Field(
        default={}, description="Days of normal use on hand per item (instead of stock)."
    )
    daily_use: Units = Field(default={}, description="Units used a day per item, normally.")
    deliveries: list[HomeDelivery] = Field(
        default=[], description="Deliveries from the home's own supplier, where known."
    )

    @model_validator(mode="after")
    def _stock_or_cover(self) -> HomePpe:
        both = sorted(set(self.stock) & set(self.cover_days))
        if both:
            raise ValueError(f"gives both stock and cover_days for {', '.join(both)}; give one")
        return self

    def opening(self, item: PpeItem) -> int:
        """Units on hand at the start of the first day."""
        if item in self.cover_days:
            return self.cover_days[item] * self.daily_use.get(item, 0)
        return self.stock.get(item, 0)


class DepotDelivery(Strict):
    """Units arriving at the depot on `date` (usable for drops that day)."""

    date: dt.date
    source: str = Field(default="lrf", description="Who sends it: lrf, purchase, ...")
    items: Units


class PpeSupply(Strict):
    """The council depot and its vans."""

    homes: list[HomePpe] = Field(default=[])
    depot_stock: Units = Field(default={}, description="Units in the depot on day one.")
    deliveries: list[DepotDelivery] = Field(default=[])
    vans: Capacity = Field(default=1, description="Vans out a day (or one per day).")
    drops_per_van: PositiveInt = Field(default=10, description="Homes one van drops at a day.")


class PpePolicy(Strict):
    """The target and the prices of missing it (each times the home's risk)."""

    min_days_cover: PositiveInt = Field(
        default=7,
        description="Days of use every home should hold at the end of each day. Source: "
        "the 2020 target of a minimum of 7 days' PPE at every home.",
    )
    outbreak_use_factor: PositiveInt = Field(
        default=3, description="How many times its normal use a home in an outbreak uses."
    )
    emergency_days: NonNegativeInt = Field(
        default=1, description="Days from an outbreak's start by which a drop is due."
    )
    cover_day: NonNegativeInt = Field(
        default=5, description="Price of a home-day below the minimum cover, per day short."
    )
    without_day: NonNegativeInt = Field(
        default=100, description="Price of a home going a day without an item it uses."
    )
    emergency_missed: NonNegativeInt = Field(
        default=200, description="Price of an outbreak home given no drop in time."
    )
    stop_cost: NonNegativeInt = Field(
        default=20,
        description="Cost (tier 3) of a van's stop at a home, against 1 per unit dropped: "
        "among plans meeting the same need, fewer stops and no more PPE than needed, so "
        "the depot keeps the rest.",
    )
