"""PPE: drops from the council depot keep every home's stock above the minimum days of cover.

Variables, kept few: a home gets any only if, without a drop, some item it uses would fall
below `policy.ppe.min_days_cover` days of use within the horizon, or it is an outbreak home
whose emergency drop is due. Such a home has ``drop[h,d]`` (boolean: a van's drop that
day) and ``quantity[h,i,d]`` (units of item i, bounded by what could ever be wanted) for
each item it could run short of; ``short[h,d]`` (days below the cover target, from the
first day the target could be missed) and ``without[h,i,d]`` (the home went without item
i that day, from the first day its opening stock could run out) are the unmet need.

With U[h,i,d] the day's use (`scenarios.ppe_use.use_on`: outbreak homes use
`outbreak_use_factor` times as much), O[h,i,d] the units its own supplier delivers that
day (`scenarios.ppe_use.own_arrivals`) and

    stock[h,i,d] = opening[h,i] + sum_{t<=d} O[h,i,t] + sum_{t<=d} quantity[h,i,t]
                   - sum_{t<=d} U[h,i,t] * (1 - without[h,i,t])

a home's stock is what it holds at the end of day d. Its own deliveries are known, so
they sit in the stock with no drop (`PpeVars.fixed_stock`): a home they keep above the
target in time gets no variables and no drop. A home that runs out goes without
(its use that day is not made) rather than into negative stock, so the hard rules always
hold and the shortage is priced instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from constraints import rules
from constraints.context import Context
from constraints.model import Penalty, Var
from scenarios.ppe_use import arrivals, drop_capacity, emergency_days, own_arrivals, use_on
from scenarios.schema import HomePpe, PpeItem


@dataclass
class PpeVars:
    drop: dict[tuple[str, int], Var] = field(default_factory=dict)
    quantity: dict[tuple[str, PpeItem, int], Var] = field(default_factory=dict)
    short: dict[tuple[str, int], Var] = field(default_factory=dict)
    without: dict[tuple[str, PpeItem, int], Var] = field(default_factory=dict)
    missed: dict[str, Var] = field(default_factory=dict)
    use: dict[tuple[str, PpeItem], list[int]] = field(default_factory=dict)
    """Units used each day, by (home, item), for every item a home uses."""
    opening: dict[tuple[str, PpeItem], int] = field(default_factory=dict)
    own: dict[tuple[str, PpeItem], list[int]] = field(default_factory=dict)
    """Units the home's own supplier delivers each day, by (home, item), as `use`."""

    def stock_terms(self, home: str, item: PpeItem, day: int) -> list[tuple[Var, int]]:
        """The decisions in stock[home,item,day]: drops add, days gone without give back."""
        use = self.use[home, item]
        days = range(day + 1)
        dropped = [self.quantity.get((home, item, t)) for t in days]
        went = [self.without.get((home, item, t)) for t in days]
        return [
            *((v, 1) for v in dropped if v is not None),
            *((v, use[t]) for t, v in zip(days, went, strict=True) if v is not None),
        ]

    def fixed_stock(self, home: str, item: PpeItem, day: int) -> int:
        """stock[home,item,day] with no drop and nothing gone without: the opening stock
        and the home's own deliveries, less its use."""
        days = slice(day + 1)
        return (
            self.opening[home, item]
            + sum(self.own[home, item][days])
            - sum(self.use[home, item][days])
        )


def _first(days: range, holds: list[bool]) -> int | None:
    return next((d for d in days if not holds[d]), None)


# ------------------------------------------------------------------ variables


def add_drop_variables(ctx: Context) -> PpeVars:
    """The drops and the need variables, for the homes that could run short only."""
    pv = PpeVars()
    supply = ctx.scenario.ppe
    if supply is None:
        return pv
    target = ctx.policy.ppe.min_days_cover
    days = range(ctx.days)
    for record in supply.homes:
        h = record.home
        emergency = emergency_days(ctx.scenario, h)
        needy: list[PpeItem] = []
        first_short: list[int] = []
        for item in _used(record):
            use = [use_on(ctx.scenario, record, item, d) for d in days]
            pv.use[h, item], pv.opening[h, item] = use, record.opening(item)
            pv.own[h, item] = [own_arrivals(ctx.scenario, record, item, d) for d in days]
            fixed = [pv.fixed_stock(h, item, d) for d in days]
            short = _first(days, [fixed[d] >= target * use[d] for d in days])
            if short is None and not emergency:
                continue
            needy.append(item)
            if short is not None:
                first_short.append(short)
            wanted = max(0, target * max(use) + sum(use) - pv.opening[h, item])
            for d in days:
                pv.quantity[h, item, d] = ctx.model.integer(
                    0, max(wanted, 1), rules.PPE_QUANTITY, (h, item, ctx.dates[d])
                )
            out = _first(days, [fixed[d] >= 0 for d in days])
            for d in range(out if out is not None else ctx.days, ctx.days):
                if use[d]:
                    at = (h, item, ctx.dates[d])
                    pv.without[h, item, d] = ctx.model.boolean(rules.PPE_WITHOUT, at)
        if not needy:
            continue
        for d in days:
            pv.drop[h, d] = ctx.model.boolean(rules.PPE_DROP, (h, ctx.dates[d]))
        # Up to twice the target: the cover rule alone would let stock below zero; the
        # stock rule (hard) is what keeps it at zero or above, and a home out of stock goes without.
        for d in range(min(first_short, default=ctx.days), ctx.days):
            pv.short[h, d] = ctx.model.integer(0, 2 * target, rules.PPE_SHORT, (h, ctx.dates[d]))
        if emergency:
            pv.missed[h] = ctx.model.boolean(rules.PPE_MISSED, (h,))
    return pv


def _used(record: HomePpe) -> list[PpeItem]:
    return [item for item in PpeItem if record.daily_use.get(item, 0) > 0]


# ------------------------------------------------------------------ hard rules


def add_home_stock(ctx: Context, pv: PpeVars) -> None:
    """A home's stock never goes below zero: stock[h,i,d] >= 0 (the module's formula), from
    the first day its opening stock alone could run out."""
    for h, item, d in sorted(pv.without):
        ctx.model.add_ge(
            pv.stock_terms(h, item, d),
            -pv.fixed_stock(h, item, d),
            rule=rules.PPE_STOCK,
            key=(h, item, ctx.dates[d]),
        )


def add_depot_stock(ctx: Context, pv: PpeVars) -> None:
    """The depot drops only what it holds, deliveries arriving on their date:
    sum_{h, t<=d} quantity[h,i,t] <= depot_stock[i] + sum_{t<=d} arrivals[i,t]."""
    supply = ctx.scenario.ppe
    if supply is None:
        return
    by_item_day: dict[tuple[PpeItem, int], list[Var]] = defaultdict(list)
    for (_h, item, d), var in pv.quantity.items():
        by_item_day[item, d].append(var)
    for item in PpeItem:
        held = supply.depot_stock.get(item, 0)
        dropped: list[Var] = []
        for d in range(ctx.days):
            held += arrivals(supply, ctx.scenario, item, d)
            dropped += by_item_day[item, d]
            if dropped:
                ctx.model.add_le(
                    [(v, 1) for v in dropped], held, rule=rules.PPE_DEPOT, key=(item, ctx.dates[d])
                )


def add_van_capacity(ctx: Context, pv: PpeVars) -> None:
    """The vans make at most their drops a day: sum_h drop[h,d] <= vans[d] * drops_per_van."""
    supply = ctx.scenario.ppe
    if supply is None:
        return
    by_day: dict[int, list[Var]] = defaultdict(list)
    for (_h, d), var in pv.drop.items():
        by_day[d].append(var)
    for d, variables in sorted(by_day.items()):
        ctx.model.add_at_most(
            variables, drop_capacity(supply, d), rule=rules.PPE_VAN_CAPACITY, key=(ctx.dates[d],)
        )


def add_drop_link(ctx: Context, pv: PpeVars) -> None:
    """PPE reaches a home only on a drop, which is what uses a van, and a drop carries
    some: quantity[h,i,d] <= ub(quantity[h,i,d]) * drop[h,d] and
    sum_i quantity[h,i,d] >= drop[h,d]. The second lets the emergency rule count drops."""
    for (h, item, d), var in sorted(pv.quantity.items()):
        ub = ctx.model.variables[var].ub
        ctx.model.add_le(
            [(var, 1), (pv.drop[h, d], -ub)],
            0,
            rule=rules.PPE_DROP_LINK,
            key=(h, item, ctx.dates[d]),
        )
    carried: dict[tuple[str, int], list[tuple[Var, int]]] = defaultdict(list)
    for (h, _item, d), var in sorted(pv.quantity.items()):
        carried[h, d].append((var, 1))
    for (h, d), drop in sorted(pv.drop.items()):
        ctx.model.add_ge(
            [*carried[h, d], (drop, -1)], 0, rule=rules.PPE_DROP_LINK, key=(h, ctx.dates[d])
        )


# ------------------------------------------------------------------ soft rules


def add_cover(ctx: Context, pv: PpeVars) -> list[Penalty]:
    """Each home ends each day with the minimum days of cover of every item it uses, or is
    short by short[h,d] days, the worst item's:
    stock[h,i,d] + U[h,i,d] * short[h,d] >= min_days_cover * U[h,i,d].

    A day short is priced `ppe.cover_day` times the home's risk, and a day gone without an
    item `ppe.without_day` times it: far more than the whole target's worth of cover days,
    so a home goes without only when nothing can reach it."""
    target, prices = ctx.policy.ppe.min_days_cover, ctx.policy.ppe
    penalties = []
    for (h, d), short in sorted(pv.short.items()):
        for item in PpeItem:
            use = pv.use.get((h, item))
            if use is None or not use[d]:
                continue
            ctx.model.add_ge(
                [*pv.stock_terms(h, item, d), (short, use[d])],
                target * use[d] - pv.fixed_stock(h, item, d),
                rule=rules.PPE_COVER,
                key=(h, item, ctx.dates[d]),
            )
            _add_cover_by_drops(ctx, pv, h, item, d, short)
        risk = ctx.risk.score(h, ctx.dates[d])
        price = ctx.need_price(prices.cover_day * risk, d)
        penalties.append(Penalty(1, short, price, rules.PPE_COVER, (h, ctx.dates[d]), h))
    for (h, item, d), var in sorted(pv.without.items()):
        price = ctx.need_price(prices.without_day * ctx.risk.score(h, ctx.dates[d]), d)
        penalties.append(Penalty(1, var, price, rules.PPE_GONE_WITHOUT, (h, item, ctx.dates[d]), h))
    return penalties


def _add_cover_by_drops(
    ctx: Context, pv: PpeVars, home: str, item: PpeItem, day: int, short: Var
) -> None:
    """The cover rule restated over the drops, implied by it and the drop link, so that
    the LP cannot meet a day's need with a sliver of a van: with the deficit
    E = min_days_cover * U[h,i,d] - stock[h,i,d] when nothing is dropped,

        sum_{t<=d} min(ub(quantity[h,i,t]), E) * drop[h,t]
        + sum_{t<=d} min(U[h,i,t], E) * without[h,i,t] + min(U[h,i,d], E) * short[h,d] >= E.

    Any plan keeping the cover rule keeps this: a term whose coefficient reaches E meets it
    alone, and below E each term is at least its share of the cover rule's sum. The LP's
    optimum barely moves, but its drops come out far nearer whole, which is what the
    exact search's first plans are rounded from."""
    use = pv.use[home, item]
    deficit = ctx.policy.ppe.min_days_cover * use[day] - pv.fixed_stock(home, item, day)
    if deficit <= 0:
        return
    model = ctx.model
    terms = [
        *(
            (pv.drop[home, t], min(deficit, model.variables[q].ub))
            for t, q in _dropped(pv, home, item, day)
        ),
        *(
            (v, min(deficit, use[t]))
            for t in range(day + 1)
            if (v := pv.without.get((home, item, t))) is not None
        ),
        (short, min(deficit, use[day])),
    ]
    model.add_ge(terms, deficit, rule=rules.PPE_COVER_BY_DROPS, key=(home, item, ctx.dates[day]))


def _dropped(pv: PpeVars, home: str, item: PpeItem, day: int) -> list[tuple[int, Var]]:
    """Each day up to `day` on which `item` can be dropped at `home`, with its quantity."""
    return [(t, q) for t in range(day + 1) if (q := pv.quantity.get((home, item, t))) is not None]


def add_emergency_drop(ctx: Context, pv: PpeVars) -> list[Penalty]:
    """An outbreak home gets PPE within `emergency_days` of its outbreak's start, or the
    drop is missed: sum_{d in window} drop[h,d] + missed[h] >= 1 (a drop carries some PPE:
    `add_drop_link`).

    Soft, at `ppe.emergency_missed` times the home's risk: an empty depot or no van on
    those days must leave a plan, with the missed drop named, not an infeasible model."""
    penalties = []
    for h, missed in sorted(pv.missed.items()):
        window = emergency_days(ctx.scenario, h)
        sent = [(v, 1) for (home, d), v in pv.drop.items() if home == h and d in window]
        key = (h,)
        ctx.model.add_ge([*sent, (missed, 1)], 1, rule=rules.PPE_EMERGENCY, key=key)
        risk = ctx.risk.score(h, ctx.dates[window[0]])
        price = ctx.need_price(ctx.policy.ppe.emergency_missed * risk, window[0])
        penalties.append(Penalty(1, missed, price, rules.PPE_EMERGENCY, key, h))
    return penalties


# ------------------------------------------------------------------ costs


def add_drop_costs(ctx: Context, pv: PpeVars) -> list[Penalty]:
    """Tier 3: stop_cost * sum drop[h,d] + sum quantity[h,i,d]. Among plans meeting the
    same need, fewer stops and no more than needed leave the depot stock for tomorrow's
    plan."""
    cost = ctx.policy.ppe.stop_cost
    return [
        *(Penalty(3, v, cost, rules.PPE_STOP, is_need=False) for v in pv.drop.values()),
        *(Penalty(3, v, 1, rules.PPE_UNIT, is_need=False) for v in pv.quantity.values()),
    ]
