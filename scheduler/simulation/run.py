"""One simulated run: a policy planning inside the simulated city, day after day.

For each day: on a re-planning day (every day, or every 7 with weekly re-planning) the
policy plans the scenario the planner would write that morning (`World.scenario_for`),
kept close to its previous plan where the two overlap (`previous=`, warm-started from its
deployment; with no overlap, as with weekly re-plans of 7-day plans, a fresh plan from the
greedy's deployment, since a search from an empty deployment leaves more shifts uncovered
than the greedy within a short limit); then the day of
the current plan is carried out and the epidemic steps
(`World.apply_day`). A plan the policy cannot make (no plan within the time limit) is
replaced by the greedy baseline's for that day, and counted.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from scenarios.schema import Scenario
from scheduler.heuristics.baseline import plan_baseline
from scheduler.pipeline.replan import Previous
from scheduler.plan import Plan
from scheduler.simulation.policies import Turns, make_plan, policy_scenario
from scheduler.simulation.world import DayOutcome, World
from scheduler.solve.settings import SolverSettings

REPLAN_EVERY = {"daily": 1, "weekly": 7}
OUTCOMES = (
    "resident_infections",
    "deaths",
    "staff_days_lost",
    "uncovered_shifts",
    "isolation_waiting_days",
    "introductions",
    "staff_infections",
    "worker_infections",
)
"""A run's outcomes (totals over the simulated days); lower is better for every one."""


@dataclass(frozen=True)
class PlanStat:
    """One plan made inside a run."""

    day: dt.date
    status: str
    seconds: float
    gap: float


@dataclass
class RunOutcome:
    policy: str
    seed: int
    totals: dict[str, float]
    days: list[DayOutcome] = field(default_factory=list)
    plans: list[PlanStat] = field(default_factory=list)
    error: str = ""


def simulate_run(
    base: Scenario,
    policy: str,
    seed: int,
    weeks: int,
    replan: str,
    settings: SolverSettings,
) -> RunOutcome:
    """Simulate `weeks` of `base` under `policy`, re-planning `replan` (daily or weekly),
    epidemic seeded with `seed` (the same seed gives every policy the same random draws
    home by home, so runs pair by seed)."""
    world = World(base, seed)
    every = REPLAN_EVERY[replan]
    horizon = max(every, base.simulation.plan_days)
    plan: Plan | None = None
    scenario: Scenario | None = None
    stats: list[PlanStat] = []
    turns = Turns()  # round robin's turns, carried from plan to plan
    # Nobody reads the causes of unmet needs here, and they are the slow part.
    settings = replace(settings, explain_unmet=False)
    for t in range(7 * weeks):
        day = base.horizon.start + dt.timedelta(days=t)
        if t % every == 0:
            new = policy_scenario(world.scenario_for(day, horizon), policy)
            previous = None
            kept = _from(plan, day) if plan is not None else None
            if kept is not None and scenario is not None and (kept.shifts or kept.testing):
                previous = Previous(Path(f"day-{t - every}"), kept, scenario, day)
            turns.resume(day)
            plan, stat = plan_or_baseline(policy, new, settings, previous, day, turns)
            stats.append(stat)
            scenario = new
        assert plan is not None
        world.apply_day(plan, day)
    return RunOutcome(policy, seed, totals(world), world.outcomes, stats)


def plan_or_baseline(
    policy: str,
    scenario: Scenario,
    settings: SolverSettings,
    previous: Previous | None,
    day: dt.date,
    turns: Turns,
) -> tuple[Plan, PlanStat]:
    """The plan `policy` makes of the morning's `scenario`, or, if it cannot make one, the
    greedy baseline's: a simulated day must go on with some plan, and the stat says which."""
    started = time.perf_counter()
    try:
        plan = make_plan(policy, scenario, settings, previous, turns)
        status = plan.summary.status
    except Exception as exc:  # the day goes on with the baseline's plan, and says so
        plan = plan_baseline(scenario, settings)
        status = f"FAILED ({type(exc).__name__}: {exc}); greedy plan used"
    seconds = round(time.perf_counter() - started, 3)
    return plan, PlanStat(day, status, seconds, plan.summary.gap)


def _from(plan: Plan, day: dt.date) -> Plan:
    """The part of `plan` from `day` on: what a re-plan starting that day can keep."""
    return plan.model_copy(
        update={
            "testing": [b for b in plan.testing if b.date >= day],
            "shifts": [a for a in plan.shifts if a.date >= day],
            "placements": [p for p in plan.placements if p.admit_date >= day],
            "unmet": [],
            "changes": [],
        }
    )


def totals(world: World) -> dict[str, float]:
    """A run's outcomes: new infections (residents, home staff, planned workers), deaths,
    staff-days off sick, uncovered shifts and days residents waited for an isolation bed,
    summed over the simulated days."""
    days = world.outcomes
    start_r = sum(r for r, _s in world.initial_infected.values())
    start_s = sum(s for _r, s in world.initial_infected.values())
    last = days[-1] if days else None
    return {
        "resident_infections": (last.resident_infections - start_r) if last else 0,
        "deaths": sum(d.deaths for d in days),
        "staff_days_lost": sum(d.staff_off for d in days),
        "uncovered_shifts": sum(d.shifts_uncovered for d in days),
        "isolation_waiting_days": sum(d.requests_waiting for d in days),
        "introductions": sum(d.introductions for d in days),
        "staff_infections": (last.staff_infections - start_s) if last else 0,
        "worker_infections": last.worker_infections if last else 0,
    }
