"""A plan's PPE as its readers see it: each van's stop with what it brought, each home's
days of cover by item through the horizon, and the PPE needs left unmet.

`carehome explain`, the HTML report and the web app's pages all read these, off the plan's
`ppe_drops` and `ppe_stock` rows as `ppe_drops.csv` and `ppe_stock.csv` hold them, so no
surface can disagree with those tables or with another surface.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pydantic import BaseModel, ConfigDict

from scenarios.schema import PpeItem, Scenario
from scheduler.plan import Plan, PpeStock, UnmetKind, UnmetNeed

PPE_KINDS = (UnmetKind.PPE_COVER, UnmetKind.PPE_WITHOUT, UnmetKind.PPE_EMERGENCY)
"""The unmet needs that are PPE's: cover short, a day without, an emergency drop missed."""


def cover_of(row: PpeStock) -> float | None:
    """The row's days of cover, or None on a day the home does not use the item: such a
    day says nothing about cover (its `days_cover` is 0 only for want of a divisor)."""
    return row.days_cover if row.used or row.without else None


class DropStop(BaseModel):
    """A van's stop at a home on a day: every item it left there, and why it went."""

    model_config = ConfigDict(frozen=True)

    date: dt.date
    van: int
    stop: int
    home_id: str
    items: dict[PpeItem, int]
    reason: str

    @property
    def units(self) -> int:
        return sum(self.items.values())


def drop_stops(plan: Plan, home_id: str | None = None) -> list[DropStop]:
    """The plan's stops (one home's, if given) by date, van and stop: the order a van's
    round is driven in."""
    stops: dict[tuple[dt.date, int, int, str], dict[PpeItem, int]] = defaultdict(dict)
    reasons: dict[tuple[dt.date, int, int, str], str] = {}
    for d in plan.ppe_drops:
        if home_id is None or d.home_id == home_id:
            key = (d.date, d.van, d.stop, d.home_id)
            stops[key][d.item] = d.quantity
            reasons[key] = d.reason
    return [
        DropStop(date=k[0], van=k[1], stop=k[2], home_id=k[3], items=items, reason=reasons[k])
        for k, items in sorted(stops.items())
    ]


class ItemCover(BaseModel):
    """One home's days of cover of one item at the end of each horizon day (None on a day
    it does not use the item), and its lowest."""

    model_config = ConfigDict(frozen=True)

    home_id: str
    item: PpeItem
    by_day: list[float | None]
    stock: list[int | None]
    """Units held at the end of each horizon day (None on a day without a stock row)."""
    lowest: float
    lowest_on: dt.date
    dropped: int
    """Units of the item dropped at the home over the horizon."""
    own_delivered: int = 0
    """Units of the item the home's own supplier delivered over the horizon."""


def cover_by_item(plan: Plan, scenario: Scenario, home_id: str | None = None) -> list[ItemCover]:
    """Every home's (or one home's) cover of each item it uses, lowest first (ties by the
    earlier day, then home and item), so the item that runs out first leads."""
    index = {d: i for i, d in enumerate(scenario.horizon.dates)}
    rows: dict[tuple[str, PpeItem], list[PpeStock]] = defaultdict(list)
    for r in plan.ppe_stock:
        if (home_id is None or r.home_id == home_id) and r.date in index:
            rows[r.home_id, r.item].append(r)
    covers = []
    for (home, item), stock in rows.items():
        by_day: list[float | None] = [None] * len(index)
        held: list[int | None] = [None] * len(index)
        for r in stock:
            by_day[index[r.date]] = cover_of(r)
            held[index[r.date]] = r.stock
        seen = [(c, r.date) for r in stock if (c := cover_of(r)) is not None]
        if not seen:
            continue
        lowest, on = min(seen)
        covers.append(
            ItemCover(
                home_id=home,
                item=item,
                by_day=by_day,
                stock=held,
                lowest=lowest,
                lowest_on=on,
                dropped=sum(r.dropped for r in stock),
                own_delivered=sum(r.own_delivered for r in stock),
            )
        )
    return sorted(covers, key=lambda c: (c.lowest, c.lowest_on, c.home_id, c.item))


def own_deliveries(plan: Plan, home_id: str) -> dict[dt.date, dict[PpeItem, int]]:
    """What the home's own supplier delivered, by date and item: the stock the council did
    not have to drop."""
    by_date: dict[dt.date, dict[PpeItem, int]] = defaultdict(dict)
    for r in plan.ppe_stock:
        if r.home_id == home_id and r.own_delivered:
            by_date[r.date][r.item] = r.own_delivered
    return dict(sorted(by_date.items()))


def lowest_homes(covers: list[ItemCover]) -> list[ItemCover]:
    """Each home's lowest item, the homes lowest in cover first (`covers` as
    `cover_by_item` orders them)."""
    first: dict[str, ItemCover] = {}
    for c in covers:
        first.setdefault(c.home_id, c)
    return list(first.values())


def home_cover_by_day(covers: list[ItemCover], home_id: str) -> list[float | None]:
    """A home's cover of whichever item it holds fewest days of, each day."""
    series = [c.by_day for c in covers if c.home_id == home_id]
    return [
        min(known) if (known := [v for v in day if v is not None]) else None
        for day in zip(*series, strict=True)
    ]


def ppe_unmet(plan: Plan, home_id: str | None = None) -> list[UnmetNeed]:
    """The PPE needs left unmet (one home's, if given), highest risk first."""
    rows = [
        u for u in plan.unmet if u.kind in PPE_KINDS and (home_id is None or u.home_id == home_id)
    ]
    return sorted(rows, key=lambda u: (-u.risk, u.date, u.home_id or "", str(u.kind)))
