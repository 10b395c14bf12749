"""PPE drops by hand, as a council's team made them in 2020: day by day, outbreak homes
due their emergency drop first (at least a day's use each, however well stocked), then
the highest-risk homes below the cover target (counting what their own suppliers deliver
that day), each filled from what the depot holds that day to the target `ROUND_DAYS` on,
while vans last.

It is the PPE part of the starting plan every solve begins from (`greedy.initial_hint`):
complete and feasible, so the search starts from drops already made rather than from
none, which on a city's model it may not leave within the time limit.
"""

from __future__ import annotations

from collections.abc import Mapping

from constraints.build import BuiltModel
from constraints.model import Var
from constraints.ppe import PpeVars
from scenarios.ppe_use import arrivals, drop_capacity, emergency_days
from scenarios.schema import PpeItem

ROUND_DAYS = 2
"""Days of use a drop carries beyond the cover target: a round every other day. Filling
to the target a week on (a weekly round) empties a scarce depot into the riskiest homes
while the others go without; filling to the target alone sends a van to every home every
day, and the vans run out."""


def ppe_hint(
    built: BuiltModel, made: Mapping[tuple[str, PpeItem, int], int] | None = None, until: int = 0
) -> dict[Var, int]:
    """A value for every PPE variable: the drops above, and the shortfalls they leave.

    On the days before `until` (a re-plan's first open day) the drops are `made` (the
    previous plan's, by home, item and day) instead of the greedy's: they happened, and a
    start that moved them would break the rule keeping them."""
    ctx, pv = built.ctx, built.drops
    supply = ctx.scenario.ppe
    hint: dict[Var, int] = {v: 0 for v in [*pv.drop.values(), *pv.quantity.values()]}
    if supply is None:
        return hint
    target = ctx.policy.ppe.min_days_cover
    homes = sorted({h for h, _d in pv.drop})
    items = {h: [i for i in PpeItem if (h, i, 0) in pv.quantity] for h in homes}
    held = {(h, i): pv.opening[h, i] for h in homes for i in items[h]}
    depot = {i: supply.depot_stock.get(i, 0) for i in PpeItem}
    served: set[str] = set()
    for d, date in enumerate(ctx.dates):
        for i in PpeItem:
            depot[i] += arrivals(supply, ctx.scenario, i, d)
        for h in homes:
            for i in items[h]:
                held[h, i] += pv.own[h, i][d]
        vans = drop_capacity(supply, d)
        due_today = {h for h in homes if h not in served and d in emergency_days(ctx.scenario, h)}
        for h in sorted(homes, key=lambda h: (h not in due_today, -ctx.risk.score(h, date), h)):
            due = h in due_today
            below = any(held[h, i] - pv.use[h, i][d] < target * pv.use[h, i][d] for i in items[h])
            if d >= until and (vans == 0 or not (due or below)):
                continue
            sent = 0
            for i in items[h]:
                var = pv.quantity[h, i, d]
                week = pv.use[h, i][d : d + target]
                wanted = target * max(week) + sum(week[:ROUND_DAYS]) - held[h, i]
                if due:  # an emergency drop brings at least a day's use, however well stocked
                    wanted = max(wanted, week[0])
                n = max(0, min(wanted, depot[i], ctx.model.variables[var].ub))
                if d < until:
                    n = (made or {}).get((h, i, d), 0)
                hint[var], depot[i], held[h, i] = n, depot[i] - n, held[h, i] + n
                sent += n
            if sent:
                hint[pv.drop[h, d]] = 1
                vans -= 1
                if d in emergency_days(ctx.scenario, h):
                    served.add(h)
        _use_the_day(pv, d, target, items, held, hint)
    hint.update({v: int(h not in served) for h, v in pv.missed.items()})
    return hint


def _use_the_day(
    pv: PpeVars,
    d: int,
    target: int,
    items: Mapping[str, list[PpeItem]],
    held: dict[tuple[str, PpeItem], int],
    hint: dict[Var, int],
) -> None:
    """Each home's day of use out of what it holds after the day's drops, and the hint's
    value of the rules that watch the stock: a day without an item, and the days short of
    the cover target (the model's own reading of the stock, so the start keeps them)."""
    for h, home_items in items.items():
        for i in home_items:
            use = pv.use[h, i][d]
            gone = held[h, i] < use
            if (h, i, d) in pv.without:
                hint[pv.without[h, i, d]] = int(gone)
            held[h, i] -= 0 if gone else use
        if (h, d) in pv.short:
            short = max(
                (
                    -(-(target * pv.use[h, i][d] - held[h, i]) // pv.use[h, i][d])
                    for i in home_items
                    if pv.use[h, i][d]
                ),
                default=0,
            )
            hint[pv.short[h, d]] = min(2 * target, max(0, short))
