"""The tiered solve: the starting plan stands when the search finds nothing better."""

from __future__ import annotations

import pytest
from ortools.linear_solver import pywraplp

from constraints.build import build_model
from constraints.model import Model, tier_terms
from scenarios.load import ScenarioError
from scenarios.schema import Scenario
from scheduler.extract.extraction import extract_plan
from scheduler.heuristics.greedy import greedy_staffing, initial_hint, staffing_hint
from scheduler.pipeline.planner import plan_scenario
from scheduler.plan import Plan, Summary
from scheduler.solve.cpsat import CpSatBackend
from scheduler.solve.lp import lp_completion, lp_relaxation_bound, set_parameters
from scheduler.solve.settings import SolverSettings, StageOutcome
from scheduler.solve.tiers import solve
from scheduler.validate import validate_plan
from tests.conftest import home, rule, scenario, shortfall, worker


class SilentBackend(CpSatBackend):
    """A backend whose every search ends at the time limit without a solution."""

    def solve(self, time_limit: float) -> StageOutcome:
        return StageOutcome(status="UNKNOWN", seconds=time_limit)


def test_time_limit_without_a_solution_returns_the_greedy_plan_with_its_gap() -> None:
    s = scenario(
        homes=[
            home("a", shortfalls=[shortfall(0), shortfall(1)]),
            home("b", shortfalls=[shortfall(2)]),
        ],
        workers=[worker("w1"), worker("w2")],
    )
    built = build_model(s)
    deployment = staffing_hint(built.ctx, built.staff, greedy_staffing(built.ctx, built.staff))
    built.model.hints.update(initial_hint(built, deployment))

    def factory(model: Model, settings: SolverSettings) -> CpSatBackend:
        return SilentBackend(model, settings)

    solution = solve(
        built, SolverSettings(time_limit=1, workers=1, path="direct"), backend_factory=factory
    )
    assert solution.status == "FEASIBLE"
    assert [st.status for st in solution.stages] == ["UNIMPROVED"] * 3
    first = solution.stages[0]
    assert first.best_bound == 0 and first.gap == 1.0
    summary = Summary(
        scenario="t", status="FEASIBLE", objective=0, best_bound=0, gap=1, solve_seconds=0
    )
    plan = extract_plan(built, solution, summary)
    assert validate_plan(s, plan) == []
    assert len(plan.shifts) == 3  # the greedy covers every shift


class LooseBoundBackend(CpSatBackend):
    """A backend whose search stops early with a bound below the trivial one."""

    def solve(self, time_limit: float) -> StageOutcome:
        outcome = super().solve(time_limit)
        return StageOutcome(
            status="FEASIBLE", values=outcome.values, best_bound=-500_000.0, seconds=0.1
        )


def test_a_bound_below_the_variables_own_is_replaced_by_theirs() -> None:
    s = scenario(homes=[home("a", shortfalls=[shortfall(0, workers=3)])], workers=[worker("w1")])
    built = build_model(s)

    def factory(model: Model, settings: SolverSettings) -> CpSatBackend:
        return LooseBoundBackend(model, settings)

    solution = solve(
        built, SolverSettings(time_limit=2, workers=1, path="direct"), backend_factory=factory
    )
    first = solution.stages[0]
    assert first.objective > 0 and first.best_bound == 0.0 and first.gap == 1.0


def test_lp_bound_is_a_valid_lower_bound_and_tightens_the_gap() -> None:
    s = scenario(
        homes=[
            home("a", shortfalls=[shortfall(d) for d in range(5)]),
            home("b", shortfalls=[shortfall(1)]),
        ],
        workers=[worker("w1", max_shifts=3)],
        test_sites=[
            {"id": "local", "kind": "local_site", "capacity": 4, "cohorts": ["staff", "residents"]}
        ],
    )
    exact = plan_scenario(s, SolverSettings(time_limit=10, workers=1))
    assert exact.summary.status == "OPTIMAL"
    built = build_model(s)
    lp = lp_relaxation_bound(built.model, tier_terms(built.penalties, 1), 10)
    assert lp is not None and 0 < lp <= exact.summary.objective
    with_lp = plan_scenario(s, SolverSettings(time_limit=10, workers=1, lp_bound=True))
    assert with_lp.summary.objective == exact.summary.objective
    assert with_lp.summary.best_bound <= with_lp.summary.objective


def test_policy_orders_the_goals() -> None:
    homes = [
        home("a", shortfalls=[shortfall(0), shortfall(1)]),
        home("b", shortfalls=[shortfall(2)]),
    ]
    fair_first = scenario(
        homes=homes,
        workers=[worker("w1"), worker("w2")],
        policy={"objective": {"order": ["fairness", "unmet_need", "costs"]}},
    )
    plan = plan_scenario(fair_first, SolverSettings(time_limit=10, workers=1))
    assert validate_plan(fair_first, plan) == []
    assert [st.name.split(":")[0] for st in plan.summary.stages] == [
        "fairness",
        "risk-weighted unmet need",
        "costs",
    ]


def test_goal_order_must_rank_each_goal_once() -> None:
    with pytest.raises(
        ScenarioError, match="must rank each of unmet_need, fairness, costs exactly once"
    ):
        scenario(homes=[home("a")], policy={"objective": {"order": ["costs", "costs", "fairness"]}})


def test_daily_kpis_add_up_to_the_plan(tiny_plan: tuple[Scenario, Plan]) -> None:
    s, plan = tiny_plan
    days = plan.summary.daily
    assert [d.date for d in days] == s.horizon.dates
    assert sum(d.shifts_filled for d in days) == len(plan.shifts)
    assert sum(d.tests_booked for d in days) == plan.summary.kpis["tests_booked"]
    untested = sum(u.amount for u in plan.unmet if u.kind in ("cohort_test", "outbreak_test"))
    assert sum(d.tests_due - d.tests_due_met for d in days) == untested
    stays = sum((p.discharge_date - p.admit_date).days for p in plan.placements)
    assert sum(d.isolation_beds_used for d in days) <= stays
    assert 0 < plan.summary.kpis["risk_weighted_coverage_pct"] < 100


def test_a_completion_whose_lp_leaves_a_yes_no_choice_fractional_rounds_it() -> None:
    """A mobile unit's visit (yes/no) allows up to 10 tests, the site takes 5: the LP visits
    half-way. Held whole and solved again, every variable is whole, and the plan keeps
    every rule, without any repair by search."""
    model = Model()
    visit = model.boolean(rule("visit"))
    tests = model.integer(0, 10, rule("tests"))
    short = model.integer(0, 10, rule("short"))
    model.add_le([(tests, 1), (visit, -10)], 0, rule=rule("visit_link"), key=())
    model.add_le([(tests, 1)], 5, rule=rule("site_capacity"), key=())
    model.add_eq([(tests, 1), (short, 1)], 10, rule=rule("cover"), key=())
    terms = [(short, 2), (visit, 1)]
    completed = lp_completion(model, terms, {}, 5.0, 1, None, None)
    assert completed is not None and model.violations(completed, 1) == []
    assert completed[visit] == 1 and completed[tests] == 5 and completed[short] == 5


def test_a_rounding_that_would_drop_every_visit_takes_the_largest_and_undoes_what_breaks() -> None:
    """Two homes each need 3 tests, a visit allows up to 10, the unit makes one visit: the
    LP visits each home 0.3 of the way. Rounded to the nearer value both visits would go,
    and the LP would only move the fraction again; so the larger goes up instead. Then
    the other's fraction returns, and rounding it up breaks the unit's limit: that pass
    is undone and it is held down. One home is tested, every variable whole."""
    model = Model()
    visits = [model.boolean(rule("visit"), (h,)) for h in "ab"]
    tests = [model.integer(0, 10, rule("tests"), (h,)) for h in "ab"]
    short = [model.integer(0, 3, rule("short"), (h,)) for h in "ab"]
    for h, (v, t, u) in enumerate(zip(visits, tests, short, strict=True)):
        model.add_le([(t, 1), (v, -10)], 0, rule=rule("visit_link"), key=(h,))
        model.add_eq([(t, 1), (u, 1)], 3, rule=rule("cover"), key=(h,))
    model.add_le([(v, 1) for v in visits], 1, rule=rule("unit_visits"), key=())
    terms = [*((u, 2) for u in short), *((v, 1) for v in visits)]
    completed = lp_completion(model, terms, {}, 5.0, 1, None, None)
    assert completed is not None and model.violations(completed, 1) == []
    assert sorted(completed[v] for v in visits) == [0, 1]
    assert sum(completed[u] for u in short) == 3


def test_a_parameter_the_lp_solver_does_not_know_is_refused_not_ignored() -> None:
    """OR-Tools logs an unknown parameter and solves on with its defaults; a renamed one
    must stop the run instead of changing it silently."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    set_parameters(solver, "use_preprocessing: false")
    with pytest.raises(ValueError, match="use_preprocesing"):
        set_parameters(solver, "use_preprocesing: false")
