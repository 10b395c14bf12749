"""A plan as every front end makes it: whole or by authority, then checked independently.

The command line, what-if and any other front end must decide the same two things the same
way: whether a scenario is planned whole or as independent authorities fanned out over
processes (a re-plan is always whole: its previous plan is one), and what the independent
checker says of the result before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scenarios.schema import Scenario
from scheduler.heuristics.baseline import plan_baseline
from scheduler.pipeline.decompose import independent_parts, plan_decomposed
from scheduler.pipeline.executors import open_executor
from scheduler.pipeline.planner import plan_scenario
from scheduler.pipeline.replan import Previous
from scheduler.plan import Plan
from scheduler.solve.interrupt import INTERRUPTION
from scheduler.solve.settings import QUIET, Progress, SolverSettings
from scheduler.validate import Violation, validate_plan


@dataclass
class CheckedPlan:
    plan: Plan
    violations: list[Violation]
    parts: int
    """How many independent parts the scenario was planned as (1: whole)."""

    def may_replace(self, out: Path, force: bool) -> bool:
        """Whether this plan may be written over whatever is in `out`: a plan the checker
        faults never replaces an earlier one unless forced (a first plan is written, so
        that its faults can be read)."""
        return not self.violations or not out.exists() or force


def plan_and_check(
    scenario: Scenario,
    settings: SolverSettings,
    previous: Previous | None = None,
    jobs: int = 1,
    dask: str | None = None,
    progress: Progress = QUIET,
    on_parts: Callable[[int], None] = lambda parts: None,
) -> CheckedPlan:
    """Plan `scenario` (by its independent parts on `jobs` processes or the Dask cluster at
    `dask`, unless it is one part or a re-plan) and re-check every hard rule of the plan;
    `on_parts` hears how many parts before they are planned.

    With one job and no cluster the parts are planned one after another in this process:
    a caller that is itself one of many processes (a what-if run, a web run) adds none,
    and a SIGINT to it reaches the search it is running."""
    parts = independent_parts(scenario)
    if len(parts) > 1 and previous is None:
        on_parts(len(parts))
        if jobs <= 1 and dask is None:
            plan = plan_decomposed(scenario, settings, planner=_part_in_process)
        else:
            with open_executor(min(jobs, len(parts)), dask) as (executor, _slots):
                plan = plan_decomposed(scenario, settings, executor)
    else:
        plan = plan_scenario(scenario, settings, previous, progress)
    progress.stage("checking the plan")
    before = previous.plan if previous is not None else None
    return CheckedPlan(plan, validate_plan(scenario, plan, before), len(parts))


def _part_in_process(scenario: Scenario, settings: SolverSettings) -> Plan:
    """A part planned in this process. After a Ctrl-C (a cancel in the web app) the parts
    not yet planned take the greedy plan at once (every hard rule kept), so that stopping
    ends in seconds with the best plans so far, not after every later part's time limit."""
    if not INTERRUPTION.requested:
        return plan_scenario(scenario, settings)
    plan = plan_baseline(scenario, settings)
    return plan.model_copy(
        update={"summary": plan.summary.model_copy(update={"interrupted": True})}
    )
