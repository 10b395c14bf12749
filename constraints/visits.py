"""Training and liaison visits: which officer goes to which home on which day, within
each officer's working minutes, the county's training sessions and one visit a home a
day, riskiest needs first (`scenarios.visits` says which homes need what by when).

Variables:

- ``officer_visit[o,h,k,d]`` (boolean) officer o visits home h for k (training or liaison)
  on day d: only where o delivers k (`domain.officer_delivers`), works on d
  (`domain.officer_on_duty`) and a need of h of kind k is open on d (`domain.visit_due`),
  so the model grows with the needs, not with every officer, home and day;
- ``unvisited[n]`` (boolean) need n (a home, a reason, a window) met by no visit.

The component shares no row with staffing, testing or beds: it is planned apart, on its
own with its own proof, and held in the whole-schedules master and every completion
(`scheduler.solve.apart`). Its unmet need is priced in tier 1,
below an uncovered shift, and stays out of the fairness tier's per-home need (as rooms and
taxis do); tier 3 counts each visit's travel so that no visit is made for nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from constraints import domain, rules
from constraints.context import Context
from constraints.model import Penalty, Var
from scenarios.schema import VisitKind, daily
from scenarios.visits import VisitNeed, reason_weight, travel_minutes, visit_minutes, visit_needs

VisitKey = tuple[str, str, int, VisitKind]
"""(officer, home, day index, kind)."""


@dataclass
class VisitsVars:
    needs: list[VisitNeed] = field(default_factory=list)
    visits: dict[VisitKey, Var] = field(default_factory=dict)
    unvisited: dict[VisitNeed, Var] = field(default_factory=dict)

    def meeting(self, ctx: Context, need: VisitNeed) -> list[Var]:
        """The visits that would meet `need`: at its home, inside its window, of a kind
        that meets it."""
        return [
            v
            for (_o, h, d, k), v in self.visits.items()
            if h == need.home and need.covers(ctx.dates[d]) and need.met_by(k)
        ]


# ------------------------------------------------------------------ variables


def add_visit_variables(ctx: Context) -> VisitsVars:
    """A visit variable for each officer, home, kind and day a need makes possible."""
    vv = VisitsVars(needs=visit_needs(ctx.scenario))
    by_home: dict[str, list[VisitNeed]] = defaultdict(list)
    for n in vv.needs:
        by_home[n.home].append(n)
    for officer in ctx.scenario.officers:
        for kind in VisitKind:
            if not domain.officer_delivers(officer, kind):
                continue
            for h, needs in sorted(by_home.items()):
                for d, date in enumerate(ctx.dates):
                    if domain.officer_on_duty(officer, date) and domain.visit_due(
                        needs, kind, date
                    ):
                        key = (officer.id, h, kind, date)
                        vv.visits[officer.id, h, d, kind] = ctx.model.boolean(
                            rules.OFFICER_VISIT, key
                        )
    return vv


# ------------------------------------------------------------------ hard rules


def add_officer_minutes(ctx: Context, vv: VisitsVars) -> None:
    """An officer's day holds their visits and the travel to them:
    sum_{h,k} (minutes[k] + 2 * travel[o,h]) * officer_visit[o,h,k,d] <= minutes_per_day[o]."""
    officers = {o.id: o for o in ctx.scenario.officers}
    day_terms: dict[tuple[str, int], list[tuple[Var, int]]] = defaultdict(list)
    for (o, h, d, k), var in vv.visits.items():
        minutes = visit_minutes(ctx.scenario, officers[o], ctx.homes[h], k)
        day_terms[o, d].append((var, minutes))
    for (o, d), terms in sorted(day_terms.items()):
        if sum(k for _v, k in terms) > officers[o].minutes_per_day:
            ctx.model.add_le(
                terms,
                officers[o].minutes_per_day,
                rule=rules.OFFICER_MINUTES,
                key=(o, ctx.dates[d]),
            )


def add_one_visit_a_day(ctx: Context, vv: VisitsVars) -> None:
    """A home sees at most one officer a day: sum_{o,k} officer_visit[o,h,k,d] <= 1."""
    by_home_day: dict[tuple[str, int], list[Var]] = defaultdict(list)
    for (_o, h, d, _k), var in vv.visits.items():
        by_home_day[h, d].append(var)
    for (h, d), variables in sorted(by_home_day.items()):
        if len(variables) > 1:
            ctx.model.add_at_most(variables, 1, rule=rules.ONE_VISIT_A_DAY, key=(h, ctx.dates[d]))


def add_trained_once(ctx: Context, vv: VisitsVars) -> None:
    """A home is trained at most once: sum_{o,d} officer_visit[o,h,training,d] <= 1."""
    by_home: dict[str, list[Var]] = defaultdict(list)
    for (_o, h, _d, k), var in vv.visits.items():
        if k == VisitKind.TRAINING:
            by_home[h].append(var)
    for h, variables in sorted(by_home.items()):
        if len(variables) > 1:
            ctx.model.add_at_most(variables, 1, rule=rules.TRAINED_ONCE, key=(h,))


def add_training_sessions(ctx: Context, vv: VisitsVars) -> None:
    """The county's sessions a day, shared by every officer:
    sum_{o,h} officer_visit[o,h,training,d] <= sessions[d]."""
    sessions = ctx.policy.visits.training_sessions_per_day
    by_day: dict[int, list[Var]] = defaultdict(list)
    for (_o, _h, d, k), var in vv.visits.items():
        if k == VisitKind.TRAINING:
            by_day[d].append(var)
    for d, variables in sorted(by_day.items()):
        if len(variables) > daily(sessions, d):
            ctx.model.add_at_most(
                variables, daily(sessions, d), rule=rules.TRAINING_SESSIONS, key=(ctx.dates[d],)
            )


# ------------------------------------------------------------------ soft rules


def add_visit_needs(ctx: Context, vv: VisitsVars) -> list[Penalty]:
    """Each need met by a visit in its window or counted unvisited:
    sum_{visits meeting n} officer_visit + unvisited[n] >= 1, the unvisited one priced
    weight[reason] * risk[h, first] at the first day's weighting."""
    penalties = []
    for n in vv.needs:
        key = (n.home, n.reason, n.due)
        unvisited = ctx.model.boolean(rules.UNVISITED, key)
        vv.unvisited[n] = unvisited
        ctx.model.add_ge(
            [*((v, 1) for v in vv.meeting(ctx, n)), (unvisited, 1)],
            1,
            rule=rules.VISIT_NEED,
            key=key,
        )
        first = ctx.day(n.first)
        price = reason_weight(ctx.scenario, n.reason) * ctx.risk.score(n.home, n.first)
        penalties.append(
            Penalty(1, unvisited, ctx.need_price(price, first), rules.VISIT_NEED, key, n.home)
        )
    return penalties


def add_officer_travel(ctx: Context, vv: VisitsVars) -> list[Penalty]:
    """Tier 3: each visit costs one plus travel_minute times its round trip, so that no
    visit is made that meets nothing and a nearer officer goes first."""
    officers = {o.id: o for o in ctx.scenario.officers}
    weight = ctx.policy.objective.travel_minute
    return [
        Penalty(
            3,
            var,
            1 + weight * travel_minutes(ctx.scenario, officers[o], ctx.homes[h]),
            rules.OFFICER_TRAVEL,
            (o, h, k, ctx.dates[d]),
            h,
            is_need=False,
        )
        for (o, h, d, k), var in sorted(vv.visits.items())
    ]
