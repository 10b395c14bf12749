"""The hand rule for training and liaison visits: needs by due date (the earliest
deadline first, which wastes no early day on a need that could wait), then by worth
(weight times the home's risk); each given the first day of its window and the nearest
officer who delivers the visit, works that day and has the minutes left, while the home
sees no other officer that day and (for training) the day's sessions last. Whatever is
left is the slack the model prices, so the values keep every hard rule. It is the start
the exact search of the visits begins from, and the plan when that search has no time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from constraints.build import BuiltModel
from constraints.model import Var
from constraints.visits import VisitKey
from scenarios.schema import VisitKind, daily
from scenarios.visits import VisitNeed, reason_weight, travel_minutes, visit_minutes


def greedy_visits(built: BuiltModel, kept: Mapping[VisitKey, int] | None = None) -> dict[Var, int]:
    """A value for every visit variable and every need's slack.

    The `kept` visits (a re-plan's, before its first open day) are made as they were
    before any need is served: they happened, and a start that moved them would break
    the rule keeping them; the needs they meet are met by them."""
    ctx, vv = built.ctx, built.visits
    kept = kept or {}
    officers = {o.id: o for o in ctx.scenario.officers}
    out: dict[Var, int] = dict.fromkeys(vv.visits.values(), 0)
    minutes: Counter[tuple[str, int]] = Counter()
    sessions: Counter[int] = Counter()
    visited: set[tuple[str, int]] = set()

    def cost(key: VisitKey) -> int:
        o, h, _d, k = key
        return visit_minutes(ctx.scenario, officers[o], ctx.homes[h], k)

    def make(key: VisitKey) -> None:
        o, h, d, k = key
        out[vv.visits[key]] = 1
        minutes[o, d] += cost(key)
        sessions[d] += k == VisitKind.TRAINING
        visited.add((h, d))

    def fits(key: VisitKey) -> bool:
        o, h, d, k = key
        if key in kept:
            return False
        training = k == VisitKind.TRAINING
        return (
            (h, d) not in visited
            and minutes[o, d] + cost(key) <= officers[o].minutes_per_day
            and not (
                training and sessions[d] >= daily(ctx.policy.visits.training_sessions_per_day, d)
            )
        )

    def priority(n: VisitNeed) -> tuple[object, int, str]:
        worth = reason_weight(ctx.scenario, n.reason) * ctx.risk.score(n.home, n.first)
        return (n.due, -worth, n.home)

    for key, made in sorted(kept.items()):
        if made:
            make(key)
    for n in sorted(vv.needs, key=priority):
        options = sorted(
            (
                k
                for k in vv.visits
                if k[1] == n.home and n.met_by(k[3]) and n.covers(ctx.dates[k[2]])
            ),
            key=lambda k: (
                k[2],
                travel_minutes(ctx.scenario, officers[k[0]], ctx.homes[k[1]]),
                k[0],
            ),
        )
        chosen = next((k for k in options if out[vv.visits[k]] or fits(k)), None)
        out[vv.unvisited[n]] = int(chosen is None)
        if chosen is not None and not out[vv.visits[chosen]]:
            make(chosen)
    return out
