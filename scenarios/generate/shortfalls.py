"""The shifts short-staffed homes cannot cover, sized to the workforce's supply so that
staffing binds but is not hopeless.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence

from scenarios.generate.shape import LD, MH, NURSING, RESIDENTIAL, SHORTFALL_PRESSURE, SUBSTANCE
from scenarios.generate.workers import bank_supply
from scenarios.schema import (
    SHIFTS,
    Home,
    HomeType,
    Horizon,
    OutbreakStatus,
    Role,
    Shift,
    Shortfall,
    Worker,
)

_ROLE_WEIGHTS: Mapping[HomeType, Mapping[Role, float]] = {
    NURSING: {Role.CARER: 0.55, Role.SENIOR_CARER: 0.15, Role.NURSE: 0.27, Role.ONE_TO_ONE: 0.03},
    RESIDENTIAL: {Role.CARER: 0.75, Role.SENIOR_CARER: 0.20, Role.ONE_TO_ONE: 0.05},
    LD: {Role.CARER: 0.45, Role.SENIOR_CARER: 0.10, Role.ONE_TO_ONE: 0.45},
    MH: {Role.CARER: 0.50, Role.SENIOR_CARER: 0.15, Role.ONE_TO_ONE: 0.35},
    SUBSTANCE: {Role.CARER: 0.70, Role.SENIOR_CARER: 0.20, Role.ONE_TO_ONE: 0.10},
}
"""Which roles a home runs short of: carers most; nurses only in nursing homes; one-to-one
support mostly in learning disability and mental health homes."""


def with_shortfalls(
    rng: random.Random,
    homes: Sequence[Home],
    short_ids: set[str],
    workers: Sequence[Worker],
    horizon: Horizon,
) -> list[Home]:
    """Give the short-staffed homes shortfalls totalling 1.0-1.3 times the bank's supply.

    Shift by shift, a weighted home (confirmed outbreaks weigh most, then suspected, then
    size) gets one more worker short on a day in its own run of bad days. Only roles some
    worker holds are used, so every shortfall can in principle be covered."""
    held = {r for w in workers for r in w.roles}
    target = round(bank_supply(workers) * rng.uniform(*SHORTFALL_PRESSURE))
    gaps = {
        h.id: _HomeGaps(
            rng, h, {r: x for r, x in _ROLE_WEIGHTS[h.type].items() if r in held}, horizon
        )
        for h in homes
        if h.id in short_ids
    }
    open_ids = sorted(i for i, g in gaps.items() if g.roles)
    weights = {i: gaps[i].weight for i in open_ids}
    for _ in range(target):
        if not open_ids:
            break
        home_id = rng.choices(open_ids, weights=[weights[i] for i in open_ids])[0]
        if not gaps[home_id].add_one(rng):
            open_ids.remove(home_id)
    return [
        h.model_copy(update={"shortfalls": gaps[h.id].shortfalls()}) if h.id in gaps else h
        for h in homes
    ]


_GAP_WEIGHT: Mapping[OutbreakStatus, float] = {
    OutbreakStatus.CONFIRMED: 3.0,
    OutbreakStatus.SUSPECTED: 2.0,
    OutbreakStatus.NONE: 1.0,
}


class _HomeGaps:
    """One home's shortfalls while they are drawn: (day, shift, role) -> workers short."""

    MAX_SHORT = 3

    def __init__(
        self, rng: random.Random, home: Home, roles: Mapping[Role, float], horizon: Horizon
    ) -> None:
        self.roles = dict(roles)
        self.horizon = horizon
        status = home.outbreak.status
        self.weight = _GAP_WEIGHT[status] * home.beds**0.5
        # A run of bad days: from the outbreak's start (or the plan's first day, if it began
        # before), else anywhere in the horizon.
        days = horizon.days
        since = home.outbreak.since
        if since is None:
            length = rng.randint(min(days, max(2, days // 3)), days)
            first = rng.randint(0, days - length)
        else:
            first = max(0, (since - horizon.start).days)
            length = rng.randint(min(days - first, max(2, days // 3)), days - first)
        self.window = range(first, first + length)
        self.short: dict[tuple[int, Shift, Role], int] = {}

    def add_one(self, rng: random.Random) -> bool:
        """One more worker short somewhere; False when every slot is at its maximum."""
        for window in (self.window, range(self.horizon.days)):
            for _ in range(8):
                slot = (
                    rng.choice(window),
                    rng.choices(SHIFTS, weights=(60, 40))[0],
                    rng.choices(list(self.roles), weights=list(self.roles.values()))[0],
                )
                if self.short.get(slot, 0) < self.MAX_SHORT:
                    self.short[slot] = self.short.get(slot, 0) + 1
                    return True
            free = [
                (d, s, r)
                for d in window
                for s in SHIFTS
                for r in self.roles
                if self.short.get((d, s, r), 0) < self.MAX_SHORT
            ]
            if free:
                slot = rng.choice(free)
                self.short[slot] = self.short.get(slot, 0) + 1
                return True
        return False

    def shortfalls(self) -> list[Shortfall]:
        order = {s: i for i, s in enumerate(SHIFTS)}
        return [
            Shortfall(date=self.horizon.start + dt.timedelta(days=d), shift=s, role=r, workers=n)
            for (d, s, r), n in sorted(
                self.short.items(), key=lambda kv: (kv[0][0], order[kv[0][1]], kv[0][2].value)
            )
        ]
