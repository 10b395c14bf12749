"""Fairness across homes and workers: the tier between unmet need and small costs.

Tier 1 minimises total risk-weighted unmet need, which may leave one home with nothing if
that is cheapest overall. Tier 2 then bounds the worst-served home: the share of a home's
risk-weighted need left unmet, in thousandths, is at most ``worst`` for every home,
``1000 * unmet_h <= need_h * worst``, and ``worst`` is minimised; and the busiest
worker's shifts are minimised, so work is spread over the bank.
"""

from __future__ import annotations

from collections import defaultdict

from constraints import rules
from constraints.context import Context
from constraints.model import Penalty
from constraints.staffing import StaffingVars, worked_by_worker

SCALE = 1000


def add_worst_home_ratio(ctx: Context, unmet: list[Penalty]) -> list[Penalty]:
    """`unmet` are the tier-1 penalties; each home's need is its penalties at their bound."""
    by_home: dict[str, list[Penalty]] = defaultdict(list)
    for p in unmet:
        if p.tier == 1 and p.home_id is not None:
            by_home[p.home_id].append(p)
    if not by_home:
        return []
    worst = ctx.model.integer(0, SCALE, rules.WORST_HOME_UNMET)
    for home_id, penalties in sorted(by_home.items()):
        terms = [(p.var, p.coef) for p in penalties]
        need = sum(p.coef * ctx.model.variables[p.var].ub for p in penalties if p.is_need)
        if need <= 0:
            continue
        ctx.model.add_le(
            [*((v, SCALE * c) for v, c in terms), (worst, -need)],
            0,
            rule=rules.WORST_HOME_RATIO,
            key=(home_id,),
            tier=2,
        )
    return [Penalty(2, worst, ctx.policy.objective.worst_home_ratio, rules.WORST_HOME_RATIO)]


def add_workload_spread(ctx: Context, sv: StaffingVars) -> list[Penalty]:
    """Tier 2: the busiest worker's shifts, so work is spread over the bank:
    most >= sum_{h,d,s,r} shift[w,h,d,s,r] for every w."""
    per_worker = {w: list(days.values()) for w, days in worked_by_worker(sv).items()}
    if not per_worker:
        return []
    most = ctx.model.integer(0, ctx.days, rules.MOST_SHIFTS)
    for worker_id, variables in sorted(per_worker.items()):
        ctx.model.add_le(
            [*((v, 1) for v in variables), (most, -1)],
            0,
            rule=rules.WORKLOAD,
            key=(worker_id,),
            tier=2,
        )
    return [Penalty(2, most, ctx.policy.objective.max_worker_shifts, rules.WORKLOAD)]
