"""What a planner can trust of a solve: a solver crash never loses the plan, the plan is never
worse than the greedy plan by the tiers, and progress shows only on a terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from cli.progress import PlanProgress
from constraints.build import BuiltModel, build_model
from constraints.model import Model, Var, tier_terms
from scenarios.generate import generate
from scenarios.load import dump_scenario, load_scenario
from scenarios.schema import Scenario
from scheduler.heuristics.baseline import baseline_values
from scheduler.heuristics.greedy import greedy_staffing, staffing_hint
from scheduler.pipeline.decompose import merge_plans
from scheduler.pipeline.planner import plan_scenario
from scheduler.plan import Plan
from scheduler.solve.backends import SOLVERS, make_backend
from scheduler.solve.search_process import ABORT_AFTER_SOLUTIONS
from scheduler.solve.settings import Backend, SolverSettings, StageOutcome
from scheduler.solve.tiers import BackendFactory, solve
from scheduler.validate import validate_plan
from tests.conftest import EXAMPLES

TINY = EXAMPLES / "tiny.yaml"


class Recorder:
    """A progress watcher that keeps every objective reported, by stage."""

    def __init__(self) -> None:
        self.stages: list[str] = []
        self.found_in: dict[str, list[float]] = {}

    def stage(self, name: str) -> None:
        self.stages.append(name)

    def found(self, objective: float) -> None:
        self.found_in.setdefault(self.stages[-1], []).append(objective)


def tier_values(built: BuiltModel, values: list[int]) -> tuple[int, ...]:
    return tuple(
        sum(c * values[v] for v, c in tier_terms(built.penalties, t))
        for t in sorted(built.tier_names)
    )


def small_county() -> Scenario:
    return generate(12, 15, 7, 3)


# ------------------------------------------------------------------ a crashing solver


def test_a_search_process_that_aborts_leaves_the_best_plan_it_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ABORT_AFTER_SOLUTIONS, "1")
    s = small_county()
    watcher = Recorder()
    plan = plan_scenario(
        s, SolverSettings(time_limit=20, workers=1, path="direct"), progress=watcher
    )
    assert "SIGABRT" in plan.summary.solver_failure
    assert validate_plan(s, plan) == []
    first = plan.summary.stages[0]
    reported = watcher.found_in["solving tier 1 of 3"]
    assert len(reported) >= 2  # the search's own report, then the stage's result
    assert first.objective <= min(reported)
    greedy = build_model(s)
    assert first.objective <= tier_values(greedy, baseline_values(greedy, SolverSettings()))[0]


def test_the_command_writes_a_checked_plan_and_warns_when_the_solver_dies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ABORT_AFTER_SOLUTIONS, "1")
    scenario = tmp_path / "small.yaml"
    scenario.write_text(dump_scenario(small_county()))
    out = tmp_path / "plan"
    result = CliRunner().invoke(main, ["plan", str(scenario), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "SIGABRT" in line]
    assert len(warnings) == 1 and "cp-sat" in warnings[0]
    summary = json.loads((out / "summary.json").read_text())
    assert "SIGABRT" in summary["solver_failure"]
    checked = CliRunner().invoke(main, ["check", str(scenario), str(out)])
    assert checked.exit_code == 0 and checked.output.strip().endswith("0 violations")


def test_a_later_plan_gets_a_new_search_process_after_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = load_scenario(TINY)
    monkeypatch.setenv(ABORT_AFTER_SOLUTIONS, "1")
    assert plan_scenario(s, SolverSettings(time_limit=5, workers=1)).summary.solver_failure
    monkeypatch.delenv(ABORT_AFTER_SOLUTIONS)
    again = plan_scenario(s, SolverSettings(time_limit=5, workers=1))
    assert again.summary.solver_failure == "" and again.summary.status == "OPTIMAL"


# ------------------------------------------------------------------ never worse than the greedy


def no_staffing(built: BuiltModel) -> dict[Var, int]:
    """A deployment that sends nobody anywhere: feasible, and far worse than the greedy's."""
    return dict.fromkeys(built.staff.placed.values(), 0)


class Poorer:
    """Any backend, whose searches return the best plan that staffs nothing (a poor plan
    that keeps every rule), as a backend cut short far from the hint might."""

    def __init__(self, inner: Backend, partial: dict[Var, int]) -> None:
        self._inner = inner
        self._partial = partial
        self.name = inner.name
        self.on_solution = None

    def __getattr__(self, attr: str) -> object:
        return getattr(self._inner, attr)

    def solve(self, time_limit: float) -> StageOutcome:
        outcome = self._inner.complete(self._partial, time_limit)
        return StageOutcome(status="FEASIBLE", values=outcome.values, seconds=outcome.seconds)


def poorer_backends() -> tuple[BuiltModel, list[int], BackendFactory]:
    """The small county built with its greedy plan as the hint, and backends that return
    the plan staffing nobody from every search."""
    built = build_model(small_county())
    greedy = baseline_values(built, SolverSettings())
    built.model.hints.update(dict(enumerate(greedy)))
    poor = no_staffing(built)

    def factory(model: Model, settings: SolverSettings) -> Backend:
        return Poorer(make_backend(model, settings), poor)  # type: ignore[return-value]

    return built, greedy, factory


@pytest.mark.parametrize("solver", SOLVERS)
def test_the_plan_is_never_worse_than_the_greedy_whatever_the_backend_returns(
    solver: str,
) -> None:
    built, greedy, factory = poorer_backends()
    settings = SolverSettings(time_limit=10, workers=1, solver=solver, path="direct")
    solution = solve(built, settings, backend_factory=factory)
    assert solution.values is not None
    assert tier_values(built, solution.values) <= tier_values(built, greedy)
    # Tier 1 as the greedy's; a later tier's variables are repaired to their least, so
    # they may only improve on the greedy's own.
    assert solution.stages[0].objective == tier_values(built, greedy)[0]
    assert [st.objective for st in solution.stages] <= list(tier_values(built, greedy))


def test_a_search_worse_than_the_whole_schedule_plan_does_not_replace_it() -> None:
    """Tier 1 by whole schedules, not proven, hands its plan to the direct search: a search
    that returns worse leaves that plan, better than the greedy's."""
    built, greedy, factory = poorer_backends()
    solution = solve(built, SolverSettings(time_limit=10, workers=1), backend_factory=factory)
    assert solution.values is not None and solution.path.startswith("whole schedules")
    first = tier_values(built, solution.values)[0]
    assert first == solution.stages[0].objective < tier_values(built, greedy)[0]


def test_a_completed_warm_start_worse_than_the_greedy_does_not_replace_it() -> None:
    s = small_county()
    built = build_model(s)
    greedy = baseline_values(built, SolverSettings())
    built.model.hints.update(dict(enumerate(greedy)))
    settings = SolverSettings(time_limit=0.05, workers=1, deterministic_time=0.0001)
    solution = solve(built, settings, warm_starts=[no_staffing(built)])
    assert solution.values is not None
    assert tier_values(built, solution.values) <= tier_values(built, greedy)


def test_the_greedy_deployment_is_the_warm_start_the_greedy_plan_is_the_hint() -> None:
    """The planner's own path: warm start and hint both from the greedy; the result keeps
    every rule and beats or equals the greedy in tier order."""
    s = small_county()
    built = build_model(s)
    greedy = tier_values(built, baseline_values(built, SolverSettings()))
    deployment = staffing_hint(built.ctx, built.staff, greedy_staffing(built.ctx, built.staff))
    assert deployment  # the greedy places someone: the warm start path is taken
    plan = plan_scenario(s, SolverSettings(time_limit=2, workers=1))
    assert tuple(st.objective for st in plan.summary.stages) <= greedy
    assert validate_plan(s, plan) == []


# ------------------------------------------------------------------ progress


def test_progress_redraws_the_stage_and_best_plan_on_a_terminal() -> None:
    screen = io.StringIO()
    with PlanProgress(terminal=True, stream=screen) as progress:
        progress.stage("solving tier 1 of 3")
        progress.found(813_110)
    drawn = screen.getvalue()
    assert "solving tier 1 of 3" in drawn and "813,110" in drawn
    assert "\r" in drawn and "\n" not in drawn  # in place, and cleared at the end


def test_progress_is_silent_off_a_terminal(tmp_path: Path) -> None:
    screen = io.StringIO()
    with PlanProgress(stream=screen) as progress:  # StringIO is no terminal
        progress.stage("building the model")
        progress.found(1)
    assert screen.getvalue() == ""
    out = tmp_path / "plan"
    result = CliRunner().invoke(main, ["plan", str(TINY), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "\r" not in result.output and "solving tier" not in result.output
    assert result.output.startswith("tiny: 3 homes")


def test_a_plan_merged_from_parts_keeps_a_part_s_solver_failure(
    tiny_plan: tuple[Scenario, Plan],
) -> None:
    s, plan = tiny_plan
    failed = plan.model_copy(
        update={"summary": plan.summary.model_copy(update={"solver_failure": "killed"})}
    )
    assert merge_plans(s, [failed, plan]).summary.solver_failure == "killed"
