"""Plan a multi-authority scenario authority by authority, in parallel, and merge the plans.

Every hard rule and every objective term of the model joins records of one authority only,
or through a resource that serves several (`Served.shared_with`): a test site, a worker or
a facility. Authorities linked by no shared resource are therefore independent problems,
and tier 1 (a sum of per-need penalties) of the whole is exactly the sum of the parts'.

Coordination where a resource is shared: the authorities it serves are planned together,
as one part (the connected components of "shares a resource with", by union-find; a
worker whose last home is in another authority links the two as well, for the quarantine
rule). This is the simplest sound approach: no part can over-book a shared site, because
every booking of it is in one model. Its cost is that a region-wide shared resource makes
one large part; price-based coordination (splitting a shared site's capacity by its LP
duals) would keep parts small but is not exact.

The lower tiers do not decompose exactly: tier 2 (the worst-served home, the busiest
worker) is a maximum over the whole, and each part minimises its own. The merged summary
reports each tier as the sum over parts (so tier 2 is a sum of per-part maxima, an upper
bound on the whole's max-based value); tier 1, status, bound and KPIs are exact.
"""

from __future__ import annotations

import concurrent.futures
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from constraints.build import BuiltModel
from constraints.context import Context
from constraints.isolation import IsolationVars
from constraints.model import Model
from constraints.staffing import StaffingVars
from constraints.testing import TestingVars, cover_windows
from scenarios.risk import RiskTable
from scenarios.schema import Scenario, Served
from scenarios.words import count
from scheduler.extract.kpis import daily_kpis, kpis_of
from scheduler.pipeline.planner import plan_scenario
from scheduler.plan import Plan, StageResult, Summary, with_wall_seconds
from scheduler.solve.settings import SolverSettings
from scheduler.solve.tiers import gap

Planner = Callable[[Scenario, SolverSettings], Plan]
"""Anything that plans one scenario: `plan_scenario`, or the greedy `plan_baseline`."""

STATUS_ORDER = ("OPTIMAL", "FEASIBLE", "UNIMPROVED")
"""Statuses from best to worst; any other (a failure) is worse than all of them."""


@dataclass(frozen=True)
class Part:
    """One independent sub-problem: the authorities planned together, and their records."""

    authorities: tuple[str | None, ...]
    scenario: Scenario

    @property
    def label(self) -> str:
        return "+".join(a or "-" for a in self.authorities)


def independent_parts(scenario: Scenario) -> list[Part]:
    """The scenario split into parts that share no resource, in the order of their first
    home. A scenario of one authority (or whose resources link them all) is one part."""
    parent: dict[str | None, str | None] = {h.authority: h.authority for h in scenario.homes}

    def root(a: str | None) -> str | None:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def join(authorities: Iterable[str | None]) -> None:
        known = [a for a in authorities if a in parent]
        for other in known[1:]:
            parent[root(other)] = root(known[0])

    homes = {h.id: h for h in scenario.homes}
    for resource in [*scenario.test_sites, *scenario.workers, *scenario.isolation_facilities]:
        join(resource.authorities)
    for w in scenario.workers:
        if w.home_history.current_home in homes:
            join([w.authority, homes[w.home_history.current_home].authority])
    groups: dict[str | None, list[str | None]] = {}
    for h in scenario.homes:
        members = groups.setdefault(root(h.authority), [])
        if h.authority not in members:
            members.append(h.authority)
    if len(groups) == 1:
        return [Part(tuple(next(iter(groups.values()))), scenario)]
    return [_part(scenario, tuple(members)) for members in groups.values()]


def _part(scenario: Scenario, authorities: tuple[str | None, ...]) -> Part:
    """The records of `authorities`: their homes and requests, every resource serving them,
    and the agencies of those workers (with the homes of theirs inside)."""
    inside = set(authorities)
    all_homes = {h.id: h for h in scenario.homes}

    def serves(x: Served) -> bool:
        return bool(x.authorities & inside)

    requests = [r for r in scenario.isolation_requests if r.authority_in(all_homes) in inside]
    workers = [w for w in scenario.workers if serves(w)]
    named = {w.agency for w in workers}
    agencies = [
        a.model_copy(update={"homes": [h for h in a.homes if all_homes[h].authority in inside]})
        for a in scenario.agencies
        if a.id in named
    ]
    label = "+".join(a or "-" for a in authorities)
    sub = scenario.model_copy(
        update={
            "name": f"{scenario.name}[{label}]",
            "homes": [h for h in scenario.homes if h.authority in inside],
            "test_sites": [s for s in scenario.test_sites if serves(s)],
            "workers": workers,
            "agencies": agencies,
            "isolation_facilities": [f for f in scenario.isolation_facilities if serves(f)],
            "isolation_requests": requests,
        }
    )
    return Part(authorities, sub)


def plan_decomposed(
    scenario: Scenario,
    settings: SolverSettings,
    executor: concurrent.futures.Executor | None = None,
    planner: Planner = plan_scenario,
) -> Plan:
    """Plan each independent part of `scenario` with `planner` (each with the full
    `settings`, time limit included), on `executor` (local processes or a Dask cluster's
    executor; in this process when None), and merge the plans into one plan of the whole.

    A scenario that is one part is planned directly. A part that fails (infeasible, no plan
    in time) raises its planner's exception, as planning the whole would."""
    started = time.perf_counter()
    parts = independent_parts(scenario)
    if len(parts) == 1:
        return planner(scenario, settings)
    if executor is None:
        plans = [planner(p.scenario, settings) for p in parts]
    else:
        futures = [executor.submit(planner, p.scenario, settings) for p in parts]
        plans = [f.result() for f in futures]
    return with_wall_seconds(merge_plans(scenario, plans), started)


def merge_plans(scenario: Scenario, plans: list[Plan]) -> Plan:
    """One plan of the whole from plans of its independent parts: the tables concatenated
    in part order, the worst status, objective and bound summed (so the gap is of the
    whole), seconds and model sizes summed (processor work, not elapsed time), and the KPIs
    recomputed over the whole by `scheduler.extract.kpis`."""
    summaries = [p.summary for p in plans]
    first = summaries[0]
    objective = sum(s.objective for s in summaries)
    bound = sum(s.best_bound for s in summaries)
    sizes: dict[str, int] = {}
    for s in summaries:
        for k, n in s.model_size.items():
            sizes[k] = sizes.get(k, 0) + n
    plan = Plan(
        testing=[t for p in plans for t in p.testing],
        shifts=[a for p in plans for a in p.shifts],
        placements=[x for p in plans for x in p.placements],
        unmet=[u for p in plans for u in p.unmet],
        risk=[r for p in plans for r in p.risk],
        summary=Summary(
            scenario=scenario.name,
            status=worst_status(s.status for s in summaries),
            objective=objective,
            best_bound=bound,
            gap=gap(objective, bound),
            solve_seconds=round(sum(s.solve_seconds for s in summaries), 3),
            build_seconds=round(sum(s.build_seconds for s in summaries), 3),
            solver=first.solver,
            seed=first.seed,
            workers=first.workers,
            time_limit=first.time_limit,
            stages=_merged_stages(summaries),
            model_size=sizes,
            lp_bound_asked=first.lp_bound_asked,
            solver_failure="; ".join(s.solver_failure for s in summaries if s.solver_failure),
            interrupted=any(s.interrupted for s in summaries),
            path=_paths(summaries),
        ),
    )
    whole = _needs_of(scenario, plan)
    return plan.model_copy(
        update={
            "summary": plan.summary.model_copy(
                update={"kpis": kpis_of(whole, plan), "daily": daily_kpis(whole, plan)}
            )
        }
    )


def _paths(summaries: list[Summary]) -> str:
    """Each way tier 1 was planned, with how many parts took it."""
    ways = Counter(s.path.split(":")[0].split(" (")[0] for s in summaries if s.path)
    return "; ".join(f"{way} ({count(n, 'part')})" for way, n in sorted(ways.items()))


def worst_status(statuses: Iterable[str]) -> str:
    def rank(status: str) -> int:
        return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)

    return max(statuses, key=rank)


def _merged_stages(summaries: list[Summary]) -> list[StageResult]:
    """Each tier summed over the parts that have it (a part with nothing to want in a tier
    skips it), its status the worst."""
    by_tier: dict[int, list[StageResult]] = {}
    for s in summaries:
        for stage in s.stages:
            by_tier.setdefault(stage.tier, []).append(stage)
    merged = []
    for tier, stages in sorted(by_tier.items()):
        objective = sum(x.objective for x in stages)
        bound = sum(x.best_bound for x in stages)
        sources = sorted({x.bound_source for x in stages})
        merged.append(
            StageResult(
                tier=tier,
                name=stages[0].name,
                status=worst_status(x.status for x in stages),
                objective=objective,
                best_bound=bound,
                gap=gap(objective, bound),
                seconds=round(sum(x.seconds for x in stages), 3),
                bound_source="+".join(sources),
                lp_bound=_sum_or_none([x.lp_bound for x in stages]),
            )
        )
    return merged


def _sum_or_none(values: list[float | None]) -> float | None:
    """A bound summed over the parts, None unless every part has one."""
    known = [v for v in values if v is not None]
    return sum(known) if len(known) == len(values) else None


def _needs_of(scenario: Scenario, plan: Plan) -> BuiltModel:
    """What `kpis_of` and `daily_kpis` read of a built model (the context, risk scores and
    cover windows) for the whole scenario, without building its variables: the parts'
    risk rows are reused, the windows are plain data."""
    ctx = Context(scenario, Model(), RiskTable.from_rows(plan.risk))
    tests = TestingVars(windows=cover_windows(ctx))
    return BuiltModel(ctx, tests, StaffingVars(), IsolationVars(), [], {})
