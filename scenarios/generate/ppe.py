"""PPE for a synthetic city: each home's stock and daily use per item, the deliveries some
homes have from their own suppliers, the depot's opening stock, its LRF deliveries and a
council purchase, and the vans.

Use is drawn from the home's size (masks and eye protection by the staff on shift,
aprons and gloves by the residents cared for, gowns for the few aerosol-generating
procedures), stock as days of that use: most homes hold three to five weeks (the 7-day
target was met for all but 2 homes on 29 May 2020), a home whose PPE RAG rating is red
only a few days. The depot opens with three days of the city's normal use and receives
three days' again in an LRF delivery every four days: less than the city uses once its
outbreak homes use three times as much, and not enough to bring every home to the target
at once, so the cover rule binds and the plan chooses whom to top up first.
Homes that hold enough for the horizon and the target need no drop, and the model gives
them no variables, which keeps it small.

About a third of homes (`OWN_SUPPLY_SHARE`) also kept their usual wholesaler: a weekly
delivery, on a weekday drawn for the home, of 30 to 60 % of a week's normal use of each
item (`OWN_SUPPLY_PERCENT`), from one of a few invented suppliers. Synthetic, and a guess: many
homes kept their own supply chain in 2020, but no public record says which or how much.
"""

from __future__ import annotations

import datetime as dt
import random

from scenarios.schema import (
    DepotDelivery,
    Home,
    HomeDelivery,
    HomePpe,
    Horizon,
    PpeItem,
    PpeSupply,
    Rag,
)

DELIVERY_EVERY_DAYS = 4
"""An LRF delivery into the depot every this many days, from the horizon's third day."""
DEPOT_DAYS = 3
"""The depot's opening stock, in days of the whole city's use."""
DELIVERY_DAYS = 3
"""Each LRF delivery brings this many days of the city's use."""
DROPS_PER_VAN = 12
OWN_SUPPLY_SHARE = 1 / 3
"""The share of homes with a weekly delivery from their own supplier."""
OWN_SUPPLY_PERCENT = (30, 60)
"""The least and most of a week's normal use the own supplier's weekly delivery brings."""
SUPPLIERS = ("Tamar Care Supplies", "Westcountry Wholesale", "Moorland Medical")
"""Invented wholesalers, named so a planner can tell the deliveries apart."""


def home_use(home: Home) -> dict[PpeItem, int]:
    """Units a day: a mask and eye protection per worker on shift per session (4 a day),
    an apron and a pair of gloves per resident per care round (6 a day), a gown a day per
    ten residents."""
    on_shift = max(1, round(home.staff * 0.3))
    return {
        PpeItem.MASKS: on_shift * 4,
        PpeItem.APRONS: home.residents * 6,
        PpeItem.GLOVES: home.residents * 6,
        PpeItem.GOWNS: max(1, home.residents // 10),
        PpeItem.EYE_PROTECTION: max(1, on_shift // 2),
    }


def draw_ppe(rng: random.Random, homes: list[Home], horizon: Horizon) -> PpeSupply:
    records = []
    city: dict[PpeItem, int] = dict.fromkeys(PpeItem, 0)
    for home in homes:
        use = home_use(home)
        base = rng.randint(3, 8) if home.rag.ppe == Rag.RED else rng.randint(18, 35)
        stock = {item: n * max(1, base + rng.randint(-2, 3)) for item, n in use.items()}
        records.append(HomePpe(home=home.id, stock=stock, daily_use=use))
        for item, n in use.items():
            city[item] += n
    records = [_with_own_supplier(rng, r, horizon) for r in records]
    deliveries = [
        DepotDelivery(
            date=horizon.start + dt.timedelta(days=d),
            source="lrf",
            items={i: n * DELIVERY_DAYS for i, n in city.items()},
        )
        for d in range(2, horizon.days, DELIVERY_EVERY_DAYS)
    ]
    vans = max(1, round(len(homes) / 40))
    return PpeSupply(
        homes=records,
        depot_stock={i: n * DEPOT_DAYS for i, n in city.items()},
        deliveries=deliveries,
        vans=vans,
        drops_per_van=DROPS_PER_VAN,
    )


def _with_own_supplier(rng: random.Random, record: HomePpe, horizon: Horizon) -> HomePpe:
    """`record` with, for about a third of homes, a weekly delivery from its own supplier.
    Drawn after every home's stock and use, so the rest of the city's PPE is as before."""
    if rng.random() >= OWN_SUPPLY_SHARE:
        return record
    supplier = rng.choice(SUPPLIERS)
    percent = rng.randint(*OWN_SUPPLY_PERCENT)
    items = {item: n * 7 * percent // 100 for item, n in record.daily_use.items()}
    own = [
        HomeDelivery(date=horizon.start + dt.timedelta(days=d), supplier=supplier, items=items)
        for d in range(rng.randrange(7), horizon.days, 7)
    ]
    return record.model_copy(update={"deliveries": own})
