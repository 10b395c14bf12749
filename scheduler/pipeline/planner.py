"""One call from a scenario to a plan: build, solve in tiers, extract. No I/O here."""

from __future__ import annotations

import time
from pathlib import Path

from constraints.build import BuiltModel, build_model
from constraints.model import Var, tier_terms
from scenarios.atomic import write_replacing
from scenarios.schema import Scenario
from scheduler.extract.extraction import extract_plan
from scheduler.heuristics.baseline import baseline_start
from scheduler.heuristics.greedy import initial_hint, previous_deployment, staffing_hint
from scheduler.heuristics.ppe_greedy import ppe_hint
from scheduler.heuristics.visits import greedy_visits
from scheduler.pipeline.replan import Previous, add_previous, calls, changes
from scheduler.pipeline.replan_ppe import kept_quantities, with_kept_rows
from scheduler.pipeline.replan_visits_rooms import kept_visits
from scheduler.plan import InfeasibleError, Plan, Summary, with_wall_seconds
from scheduler.solve.mip import PulpBackend
from scheduler.solve.search_process import search_process
from scheduler.solve.settings import QUIET, Progress, SolverSettings
from scheduler.solve.tiers import solve


class NoPlanError(Exception):
    """The time limit ended before any plan was found."""


def plan_scenario(
    scenario: Scenario,
    settings: SolverSettings,
    previous: Previous | None = None,
    progress: Progress = QUIET,
) -> Plan:
    """The plan of `scenario`; with `previous`, a re-plan that keeps the previous plan's
    decisions before `previous.first_open` and changes as little as it can after."""
    started = time.perf_counter()
    if settings.solver == "cp-sat":
        search_process()  # starts (once) while the model is built
    progress.stage("building the model")
    built = build_model(scenario)
    progress.stage("greedy plan")
    starts = _starts(built, previous)
    built_at = time.perf_counter()
    solution = solve(built, settings, warm_starts=starts, progress=progress)
    if solution.status == "INFEASIBLE":
        raise InfeasibleError(solution.diagnosis, built.model.notes)
    if not solution.found:
        cause = solution.failure or f"status {solution.status}"
        raise NoPlanError(f"no plan found within {settings.time_limit:g} s ({cause})")
    progress.stage("extracting the plan")
    summary = Summary.of_stages(
        solution.stages,
        scenario=scenario.name,
        status=solution.status,
        solve_seconds=round(sum(s.seconds for s in solution.stages), 3),
        solver=settings.solver,
        seed=settings.seed,
        workers=settings.workers,
        time_limit=settings.time_limit,
        model_size=built.model.size(),
        build_seconds=round(built_at - started, 3),
        interrupted=solution.interrupted,
        solver_failure=solution.failure,
        previous=str(previous.folder) if previous is not None else "",
        kept_before=previous.first_open if previous is not None else None,
        lp_bound_asked=settings.lp_bound,
        path=solution.path,
    )
    plan = extract_plan(built, solution, summary, settings.explain_unmet)
    if previous is not None:
        start, first_open = scenario.horizon.start, previous.first_open
        plan = with_kept_rows(plan, previous.plan, start, first_open)
        plan = _with_changes(plan, previous, scenario)
    return with_wall_seconds(plan, started)


def _starts(built: BuiltModel, previous: Previous | None) -> list[dict[Var, int]]:
    """The deployments the solve starts from: the greedy's, after a re-plan's previous
    one. A fresh plan also hints the whole greedy plan (every hard rule kept): the plan to
    beat, so that where the LP completion of its deployment does not finish (the county)
    the optimiser still never ends below the greedy baseline. A re-plan hints the greedy
    PPE drops and visits alone (repeating the previous plan's before its first open day):
    they depend on no deployment, so they are the start of their parts planned apart
    there too."""
    greedy, whole = baseline_start(built)
    if previous is None:
        built.model.hints.update(
            dict(enumerate(whole)) if whole is not None else initial_hint(built, greedy)
        )
        return [greedy]
    add_previous(built, previous)
    made, until = kept_quantities(previous.plan, built.ctx.dates, previous.first_open)
    visits = greedy_visits(built, kept_visits(built, previous.plan, previous.first_open))
    built.model.hints.update({**ppe_hint(built, made, until), **visits})
    kept = previous_deployment(built.ctx, built.staff, previous.plan)
    return [staffing_hint(built.ctx, built.staff, kept), greedy]


def _with_changes(plan: Plan, previous: Previous, scenario: Scenario) -> Plan:
    """A re-plan with what moved against its previous plan, and the calls that costs."""
    moved = changes(previous, scenario, plan)
    workers, homes = calls(moved)
    to_call = {"workers_to_call": workers, "homes_to_call": homes}
    return plan.model_copy(
        update={"changes": moved, "summary": plan.summary.model_copy(update=to_call)}
    )


def write_model_file(scenario: Scenario, path: Path) -> Path:
    """Tier 1 of the scenario's model (every hard rule it needs and the risk-weighted
    objective) as MPS or LP by the file's suffix, for any MILP solver."""
    built = build_model(scenario)
    backend = PulpBackend(built.model, SolverSettings(), "highs")
    backend.minimize(tier_terms(built.penalties, min(built.tier_names)))
    return write_replacing(path, lambda staging: backend.write(staging, path.suffix))
