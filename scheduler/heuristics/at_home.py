"""The hand rule's 1:1 option: a request no bed was free for is supported at its own home.

A planner offers 1:1 staffing when no bed can be had, not in place of a free bed: beds are
booked first (`baseline.place_requests`), then each request left unplaced that its home
can keep 1:1 (`constraints.one_to_one`), by risk, is met at home when its 1:1 shifts,
priced as the model prices them open, cost less than leaving it unplaced. The staffing
deployment is made before this choice, so every chosen 1:1 shift starts open
(`one_to_one_uncovered`); the optimiser then covers what workers can. Either way each
cover row holds, so the greedy start stays feasible.
"""

from __future__ import annotations

from collections import Counter

from constraints.build import BuiltModel
from constraints.isolation import request_risk
from constraints.model import Var
from scenarios.one_to_one import home_stays
from scenarios.schema import Role


def stays_at_home(built: BuiltModel, values: dict[Var, int]) -> dict[Var, int]:
    """at_home[r] = 1 and its shifts open for each unplaced request it is cheaper for, as
    values of the model's variables; `values` are the bed decisions made so far."""
    ctx, iv, sv = built.ctx, built.beds, built.staff
    price = {p.var: p.coef for p in built.penalties if p.tier == built.unmet_tier}
    requests = {r.id: r for r in ctx.scenario.isolation_requests}
    stays = home_stays(ctx.scenario)
    result: dict[Var, int] = {}
    open_shifts: Counter[Var] = Counter()
    by_risk = sorted(stays, key=lambda r: (-request_risk(ctx, requests[r]), stays[r].first, r))
    for r in by_risk:
        if values.get(iv.unplaced[r], 1) == 0:
            continue
        gaps = [
            sv.one_to_one_uncovered[h, ctx.day(d), s, Role.ONE_TO_ONE]
            for h, d, s, _role in stays[r].cover_keys()
        ]
        if sum(price.get(g, 0) for g in gaps) >= price.get(iv.unplaced[r], 0):
            continue
        result[iv.at_home[r]] = 1
        result[iv.unplaced[r]] = 0
        open_shifts.update(gaps)
    result.update(open_shifts)
    return result
