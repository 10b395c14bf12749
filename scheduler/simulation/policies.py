"""The allocation policies a simulation compares, each a function (scenario, settings,
previous) -> Plan run through the same loop.

- `optimiser`: the tiered CP-SAT plan (`plan_scenario`), a re-plan kept close to the
  previous plan and warm-started from its deployment;
- `greedy`: the careful planner's baseline, highest risk first (`plan_baseline`);
- `proportional`: test slots of each site-day split between homes in proportion to beds,
  bank workers spread over homes in proportion to their short shifts;
- `round_robin`: homes in a fixed rotation, each taking its turn at a site-day's test
  slots (its whole due cohort) and at the next bank worker;
- `no_one_home`: the optimiser with the one-home rule relaxed (`one_home_per_worker`
  false, `quarantine_days` 0), so workers may move between homes: what the rule is worth.

The two spreadsheet rules never look at risk. They are written as values of the neutral
model's variables, like the baseline, so every hard rule is checked (`Model.violations`)
and the plan is extracted by the same code as the optimiser's; isolation beds are placed
by the baseline's rule (risk first) in all three non-optimising policies, so the
comparison isolates testing and staffing.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable

from scenarios.schema import Cohort, Scenario
from scheduler.baseline import (
    SlotBook,
    plan_baseline,
    plan_of_values,
    rule_values,
    window_shortfalls,
)
from scheduler.build import BuiltModel, build_model
from scheduler.greedy import (
    Deployment,
    DeploymentPlanner,
    GreedyStaffing,
)
from scheduler.model import Var
from scheduler.plan import Plan
from scheduler.planner import plan_scenario
from scheduler.replan import Previous
from scheduler.settings import SolverSettings

Planner = Callable[[Scenario, SolverSettings, Previous | None], Plan]

POLICIES = ("optimiser", "greedy", "proportional", "round_robin", "no_one_home")


def policy_scenario(scenario: Scenario, policy: str) -> Scenario:
    """The scenario a policy plans: `no_one_home` lifts the one-home rule and quarantine."""
    if policy != "no_one_home":
        return scenario
    relaxed = scenario.policy.model_copy(
        update={"one_home_per_worker": False, "quarantine_days": 0}
    )
    return scenario.model_copy(update={"policy": relaxed})


def make_plan(
    policy: str, scenario: Scenario, settings: SolverSettings, previous: Previous | None
) -> Plan:
    """The plan `policy` makes of `scenario` (already `policy_scenario`'d)."""
    if policy in ("optimiser", "no_one_home"):
        return plan_scenario(scenario, settings, previous)
    if policy == "greedy":
        return plan_baseline(scenario, settings)
    if policy in ("proportional", "round_robin"):
        return rule_plan(scenario, policy)
    raise ValueError(f"unknown policy {policy!r}; choose from {', '.join(POLICIES)}")


# ------------------------------------------------------------------ rule-based plans


def rule_plan(scenario: Scenario, rule: str) -> Plan:
    """`proportional` or `round_robin` as a complete plan keeping every hard rule."""
    started = time.perf_counter()
    built = build_model(scenario)
    built_at = time.perf_counter()
    staffing = _proportional_staff(built) if rule == "proportional" else _rotating_staff(built)
    _deployment, values, broken = rule_values(
        built, staffing, lambda b, slots: _book_tests(b, slots, rule)
    )
    if broken:
        raise RuntimeError(f"{rule} plan breaks {len(broken)} rules: {broken[:5]}")
    # Rule plans are made only inside a simulation, which reads no unmet causes.
    settings = SolverSettings(explain_unmet=False)
    return plan_of_values(built, values, rule, settings, started, built_at)


class _Uniform(DeploymentPlanner):
    """The greedy's schedule builder with every shift worth the same (no risk)."""

    def weight(self, home: str, d: int) -> int:
        return 1


def _short_by_home(built: BuiltModel) -> dict[str, int]:
    return {
        h.id: sum(sf.workers for sf in h.shortfalls)
        for h in built.ctx.scenario.homes
        if h.shortfalls
    }


def _deploy(
    built: BuiltModel, choose: Callable[[str, dict[str, int]], str | None]
) -> GreedyStaffing:
    """Workers in id order, each sent to the home `choose(worker, shifts it could fill by
    home)` picks, with the greedy's schedule there (every rule kept)."""
    planner = _Uniform(built.ctx, built.staff)
    homes_of: dict[str, list[str]] = defaultdict(list)
    for w, h in sorted(planner.slots):
        homes_of[w].append(h)
    result = GreedyStaffing()
    for w in sorted(homes_of):
        options = {h: planner.schedule(w, h) for h in homes_of[w]}
        fill = {h: value for h, (value, _plan) in options.items() if value > 0}
        home = choose(w, fill) if fill else None
        if home is None:
            continue
        plan: Deployment = options[home][1]
        planner.commit(w, plan)
        result.deployments[w] = plan
    result.remaining = planner.remaining
    return result


def _proportional_staff(built: BuiltModel) -> GreedyStaffing:
    """Home h gets about n_workers * short[h] / sum short workers (largest remainders);
    each worker goes to the home furthest below its share among those they can help."""
    short = _short_by_home(built)
    total = sum(short.values()) or 1
    workers = len(built.ctx.scenario.workers)
    share = {h: workers * n / total for h, n in short.items()}
    sent: Counter[str] = Counter()

    def choose(_w: str, fill: dict[str, int]) -> str | None:
        home = max(fill, key=lambda h: (share.get(h, 0) - sent[h], fill[h], h))
        sent[home] += 1
        return home

    return _deploy(built, choose)


def _rotating_staff(built: BuiltModel) -> GreedyStaffing:
    """Homes short of staff in a fixed rotation (by id); each worker goes to the next home
    in the rotation they can help."""
    order = sorted(_short_by_home(built))
    turn = [0]

    def choose(_w: str, fill: dict[str, int]) -> str | None:
        for k in range(len(order)):
            home = order[(turn[0] + k) % len(order)]
            if home in fill:
                turn[0] = (turn[0] + k + 1) % len(order)
                return home
        return None

    return _deploy(built, choose)


def _book_tests(built: BuiltModel, slots: SlotBook, rule: str) -> dict[Var, int]:
    """Each site-day's free slots: `proportional` splits them between the homes with a
    cohort due in proportion to beds (largest remainders, spare slots passed on);
    `round_robin` gives them to the homes in turn, each its whole due cohort, the turn
    carried from day to day. Within every rule of the model: capacity, one swab per person a
    day, a mobile unit's homes a day."""
    ctx, tv = built.ctx, built.tests
    windows: dict[tuple[str, Cohort], list] = defaultdict(list)
    for w in tv.windows:
        windows[w.home, w.cohort].append(w)
    options: dict[tuple[str, Cohort], list[tuple[int, str]]] = defaultdict(list)
    at: dict[tuple[str, int], list[tuple[str, Cohort]]] = defaultdict(list)
    for h, c, site, d in sorted(tv.tests):
        options[h, c].append((d, site))
        at[site, d].append((h, c))
    booked: Counter[tuple[str, Cohort, str, int]] = Counter()
    per_day: Counter[tuple[str, Cohort, int]] = Counter()
    visiting: dict[tuple[str, int], set[str]] = defaultdict(set)
    beds = {h.id: h.beds for h in ctx.scenario.homes}

    def need(h: str, c: Cohort, d: int) -> int:
        open_ = [w for w in windows[h, c] if w.first <= d <= w.last]
        if not open_:
            return 0
        left = max(
            w.size - sum(booked[h, c, s, x] for x, s in options[h, c] if w.first <= x <= w.last)
            for w in open_
        )
        return max(0, min(left, open_[0].size - per_day[h, c, d]))

    def book(h: str, c: Cohort, site_id: str, d: int, most: int) -> int:
        mobile = ctx.sites[site_id].max_homes_per_day
        if (
            mobile is not None
            and h not in visiting[site_id, d]
            and len(visiting[site_id, d]) >= mobile
        ):
            return 0
        n = min(most, need(h, c, d), slots.free(site_id, d))
        if n > 0:
            slots.take(site_id, d, n)
            booked[h, c, site_id, d] += n
            per_day[h, c, d] += n
            if mobile is not None:
                visiting[site_id, d].add(h)
        return max(0, n)

    turn = 0
    for (site_id, d), due in sorted(at.items(), key=lambda x: (x[0][1], x[0][0])):
        if rule == "round_robin":
            for k in range(len(due)):
                h, c = due[(turn + k) % len(due)]
                if slots.free(site_id, d) <= 0:
                    turn = (turn + k) % len(due)
                    break
                book(h, c, site_id, d, need(h, c, d))
            continue
        for _ in range(3):  # spare slots of homes needing less than their share go round
            free = slots.free(site_id, d)
            wanting = [(h, c) for h, c in due if need(h, c, d) > 0]
            if free <= 0 or not wanting:
                break
            weight = sum(beds[h] for h, _c in wanting)
            for h, c in wanting:
                book(h, c, site_id, d, max(1, free * beds[h] // weight))
    values: dict[Var, int] = {tv.tests[k]: n for k, n in booked.items()}
    values.update({tv.visits[h, s, d]: 1 for (s, d), homes in visiting.items() for h in homes})
    values.update(window_shortfalls(tv.windows, tv.short, options, booked))
    return values
