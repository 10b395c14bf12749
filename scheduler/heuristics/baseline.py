"""The greedy baseline: the plan a careful planner would make by hand, to measure the
optimiser against.

Highest risk first, each need filled from the nearest eligible resource with room, every
hard rule kept:

- staffing: `scheduler.heuristics.greedy`'s deployment (each worker's highest-risk shifts,
  the worker with most to lose placed first), the same the optimiser starts from;
- isolation: requests by risk (then earliest date), each admitted on the first day a
  facility accepting its need, serving its authority and nearest its home has a bed for
  the whole stay (and, after the first day, a site has a pre-admission slot); a request
  no bed is free for and whose home can keep it 1:1, supported at home when its open 1:1
  shifts cost less than leaving it unplaced (`scheduler.heuristics.at_home`);
- testing: cover windows by their price per untested person (weight x risk), each booked
  day by day from the window's first day into the sites with room, fastest results first.

The result is written as values of the neutral model's variables and turned into a `Plan`
by `scheduler.extract.extraction`, rather than built as plan records directly: the baseline's
objective, reasons, causes of unmet need and KPIs are then computed by exactly the code
that computes the optimiser's, so the two compare like for like, and `Model.violations`
checks every rule of the model before the plan is returned. The price is the model build
(reported apart, as `build_seconds`).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable

from constraints.build import BuiltModel, build_model
from constraints.context import Context
from constraints.isolation import request_risk, stay_days, swab_day
from constraints.model import Var, tier_terms, trivial_bound
from constraints.testing import untested_price
from scenarios.schema import IsolationFacility, IsolationRequest, Scenario, daily
from scheduler.extract.extraction import extract_plan
from scheduler.heuristics.at_home import stays_at_home
from scheduler.heuristics.booking import HomeBookings, SlotBook
from scheduler.heuristics.greedy import GreedyStaffing, greedy_staffing, initial_hint, staffing_hint
from scheduler.heuristics.rooms import greedy_rooms
from scheduler.heuristics.visits import greedy_visits
from scheduler.plan import InfeasibleError, Plan, StageResult, Summary, with_wall_seconds
from scheduler.solve.settings import SolverSettings
from scheduler.solve.tiers import Solution, gap

SOLVER = "greedy"
"""The baseline's name in summaries and benchmark tables."""

TestBooker = Callable[[BuiltModel, "SlotBook"], dict[Var, int]]
"""A rule that books tests into the slots a deployment leaves: its variables' values."""


def plan_baseline(scenario: Scenario, settings: SolverSettings | None = None) -> Plan:
    """The greedy plan of `scenario`; `settings` is accepted (and recorded) only so that the
    baseline can stand wherever a planner `(scenario, settings) -> Plan` is expected."""
    settings = settings or SolverSettings()
    started = time.perf_counter()
    built = build_model(scenario)
    built_at = time.perf_counter()
    values = baseline_values(built, settings)
    return plan_of_values(built, values, SOLVER, settings, started, built_at)


def plan_of_values(
    built: BuiltModel,
    values: list[int],
    solver: str,
    settings: SolverSettings,
    started: float,
    built_at: float,
) -> Plan:
    """The `Plan` of a hand rule's values (every rule of the model kept), with each tier's
    value against its trivial bound, extracted as the optimiser's plans are; `started`
    and `built_at` (perf_counter) time the build and the rule."""
    solved_at = time.perf_counter()
    stages = [
        _stage(built, values, tier, solved_at - built_at if n == 0 else 0.0)
        for n, tier in enumerate(sorted(built.tier_names))
    ]
    summary = Summary.of_stages(
        stages,
        scenario=built.ctx.scenario.name,
        status="FEASIBLE",
        solve_seconds=round(solved_at - built_at, 3),
        build_seconds=round(built_at - started, 3),
        solver=solver,
        seed=settings.seed,
        workers=1,
        model_size=built.model.size(),
    )
    plan = extract_plan(
        built, Solution("FEASIBLE", values, stages, []), summary, settings.explain_unmet
    )
    return with_wall_seconds(plan, started)


def _stage(built: BuiltModel, values: list[int], tier: int, seconds: float) -> StageResult:
    """A tier's value under the baseline; its only bound is the trivial one."""
    terms = tier_terms(built.penalties, tier)
    objective = float(sum(c * values[v] for v, c in terms))
    bound = float(trivial_bound(built.model, terms))
    return StageResult(
        tier=tier,
        name=built.tier_names[tier],
        status="FEASIBLE",
        objective=objective,
        best_bound=bound,
        gap=gap(objective, bound),
        seconds=round(seconds, 3),
        bound_source="trivial",
    )


def baseline_values(built: BuiltModel, settings: SolverSettings) -> list[int]:
    """A value for every variable of the model: the greedy decisions and what they imply.

    Raises InfeasibleError, naming a minimal conflict, when the greedy breaks a rule because
    the pins cannot hold with the others; RuntimeError when it breaks one that could hold
    (pins the greedy could not fit around, or a bug here)."""
    values = baseline_start(built)[1]
    if values is None:
        # Diagnosis loads CP-SAT into this process; only a scenario with no plan needs it.
        from scheduler.solve.diagnose import conflicting_rules

        conflict = conflicting_rules(built.model, settings, settings.time_limit)
        if conflict:
            raise InfeasibleError(conflict, built.model.notes)
        raise RuntimeError("the greedy could not fit its plan around pins that can all hold")
    return values


def baseline_start(built: BuiltModel) -> tuple[dict[Var, int], list[int] | None]:
    """The greedy staffing deployment (the optimiser's `warm_start`) and the whole greedy
    plan as values of every variable (a complete, feasible hint), or None where it breaks a
    rule the greedy does not know (a pin, a re-plan's kept decision).

    Where the LP completion of the deployment does not finish within its share of the
    limit (a county), a hint with no test booked would stand as the plan; hinting this
    plan instead means the optimiser can never end below the greedy baseline."""
    deployment, values, broken = rule_values(
        built, greedy_staffing(built.ctx, built.staff), _book_windows
    )
    return deployment, None if broken else values


def rule_values(
    built: BuiltModel, staffing: GreedyStaffing, book_tests: TestBooker
) -> tuple[dict[Var, int], list[int], list[str]]:
    """A hand rule's plan as values of every variable: its staffing deployment, isolation
    beds by the baseline's rule (risk first, nearest facility), tests by `book_tests` into
    the slots left; with the deployment's hint and the names of any rules it breaks."""
    deployment = staffing_hint(built.ctx, built.staff, staffing)
    values = initial_hint(built, deployment)
    slots = SlotBook(
        built.ctx, (plan.test for plan in staffing.deployments.values() if plan.test is not None)
    )
    values.update(place_requests(built, slots))
    values.update(book_tests(built, slots))
    values.update(greedy_rooms(built, values))
    values.update(greedy_visits(built))
    result = [values[v] for v in range(len(built.model.variables))]
    return deployment, result, built.model.violations(result, max_tier=max(built.tier_names))


# ------------------------------------------------------------------ isolation


def place_requests(built: BuiltModel, slots: SlotBook) -> dict[Var, int]:
    """Pinned requests, then the rest by risk, each at the first day and nearest facility
    with a bed for the whole stay (inside the horizon) and, after the first day, a
    pre-admission slot: sum_{stays covering t} 1 <= beds[f,t] and swab load <= capacity,
    as the model says."""
    ctx, iv = built.ctx, built.beds
    facilities = {f.id: f for f in ctx.scenario.isolation_facilities}
    beds_used: Counter[tuple[str, int]] = Counter()
    pins = {p.request: p for p in ctx.scenario.pins.requests}
    options: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for r, f, d in iv.admit:
        pin = pins.get(r)
        if pin is None or (f == pin.facility and pin.admit in (None, ctx.dates[d])):
            options[r].append((d, f))
    swabs: dict[tuple[str, int], list[str]] = defaultdict(list)
    for r, site_id, d in sorted(iv.tests):
        swabs[r, d].append(site_id)
    values: dict[Var, int] = {}
    # Pinned requests first, each only where (and when) it is pinned.
    requests = sorted(
        ctx.scenario.isolation_requests,
        key=lambda r: (r.id not in pins, -request_risk(ctx, r), r.earliest, r.id),
    )
    for req in requests:
        stay = stay_days(ctx, req)
        near = _nearest(ctx, req, facilities)
        for d, f in sorted(options[req.id], key=lambda o: (o[0], near[o[1]], o[1])):
            days = range(d, min(ctx.days, d + stay))
            if any(beds_used[f, t] >= daily(facilities[f].beds, t) for t in days):
                continue
            site = None
            if d >= 1:
                site = next(
                    (
                        s
                        for s in swabs[req.id, d]
                        if slots.free(s, swab_day(ctx, ctx.sites[s], d)) > 0
                    ),
                    None,
                )
                if site is None:
                    continue
                slots.take(site, swab_day(ctx, ctx.sites[site], d), 1)
                values[iv.tests[req.id, site, d]] = 1
            beds_used.update((f, t) for t in days)
            values[iv.admit[req.id, f, d]] = 1
            values[iv.unplaced[req.id]] = 0
            break
    values.update(stays_at_home(built, values))
    return values


def _nearest(
    ctx: Context, req: IsolationRequest, facilities: dict[str, IsolationFacility]
) -> dict[str, int]:
    """Travel minutes from the request's home to each facility (0 from a hospital)."""
    if req.from_home is None:
        return dict.fromkeys(facilities, 0)
    home = ctx.homes[req.from_home]
    travel = ctx.scenario.travel
    return {f: travel.minutes(home, x) for f, x in facilities.items()}


# ------------------------------------------------------------------ testing


def _book_windows(built: BuiltModel, slots: SlotBook) -> dict[Var, int]:
    """Windows by price per untested person, each filled from its first day on, at the
    sites with room (fastest results first), within one swab per person a day and a mobile
    unit's visits a day. A booking counts for every window of its cohort holding that day,
    so a window already part-covered by an overlapping one books only the rest."""
    ctx, tv = built.ctx, built.tests
    b = HomeBookings(built, slots)
    fastest = {
        key: sorted(options, key=lambda o: (o[0], ctx.result_days(ctx.sites[o[1]]), o[1]))
        for key, options in b.options.items()
    }
    for w in sorted(tv.windows, key=lambda w: (-untested_price(ctx, w), w.due, w.home, w.cohort)):
        need = w.size - b.done(w)
        for d, site_id in fastest.get((w.home, w.cohort), []):
            if need <= 0:
                break
            if not w.first <= d <= w.last or b.full(site_id, d, w.home):
                continue
            n = min(need, slots.free(site_id, d), w.size - b.per_day[w.home, w.cohort, d])
            if n <= 0:
                continue
            b.take(w.home, w.cohort, site_id, d, n)
            need -= n
    return b.values()
