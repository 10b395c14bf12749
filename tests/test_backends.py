"""The MILP backends' plumbing: installs that work together, model export, solver faults."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import highspy
import pytest
from click.testing import CliRunner

from cli.main import main
from constraints.build import build_model
from constraints.model import Model
from scenarios.load import load_scenario
from scheduler.heuristics.greedy import greedy_staffing, initial_hint, staffing_hint
from scheduler.solve.cpsat import CpSatBackend
from scheduler.solve.mip import PulpBackend, safe_names
from scheduler.solve.settings import Backend, SolverSettings, StageOutcome
from scheduler.solve.tiers import solve
from tests.conftest import EXAMPLES, rule

TINY = EXAMPLES / "tiny.yaml"
TINY_TIER1_OPTIMUM = 5570

_CP_SAT = (
    "from ortools.sat.python import cp_model\n"
    "m = cp_model.CpModel(); x = m.new_bool_var('x'); m.maximize(x)\n"
    "s = cp_model.CpSolver(); assert s.solve(m) == cp_model.OPTIMAL\n"
)
_HIGHS = (
    "import highspy\n"
    "h = highspy.Highs(); h.setOptionValue('output_flag', False)\n"
    "h.addVar(0, 1); h.changeColCost(0, -1); h.run()\n"
    "assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal\n"
)


@pytest.mark.parametrize(
    "order", [(_CP_SAT, _HIGHS), (_HIGHS, _CP_SAT)], ids=["ortools-first", "highspy-first"]
)
def test_ortools_and_highspy_solve_in_one_process(order: tuple[str, str]) -> None:
    """OR-Tools bundles its own HiGHS: a highspy whose symbols clash (1.15 beside ortools
    9.15) fails here, not in a planner's hands."""
    done = subprocess.run(
        [sys.executable, "-c", "".join(order)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_the_written_model_solves_to_the_same_optimum_in_plain_highs(tmp_path: Path) -> None:
    for suffix in (".mps", ".lp"):
        path = tmp_path / f"tiny{suffix}"
        out = tmp_path / f"plan{suffix}"
        args = ["plan", str(TINY), "--out", str(out), "--write-model", str(path), "--workers", "1"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        assert h.readModel(str(path)) == highspy.HighsStatus.kOk
        h.run()
        assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        assert round(h.getInfo().objective_function_value) == TINY_TIER1_OPTIMUM
    bad = CliRunner().invoke(
        main,
        ["plan", str(TINY), "--out", str(tmp_path / "x"), "--write-model", str(tmp_path / "m.txt")],
    )
    assert bad.exit_code == 2 and "--write-model" in bad.output


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_plan_with_a_milp_solver_from_the_command_line(solver: str, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    result = CliRunner().invoke(main, ["plan", str(TINY), "--out", str(out), "--solver", solver])
    assert result.exit_code == 0, result.output
    assert f"solver {solver}: OPTIMAL" in result.output
    assert f"{TINY_TIER1_OPTIMUM:,} (bound {TINY_TIER1_OPTIMUM:,})" in result.output
    assert "independent check: 0 violations" in result.output
    summary = json.loads((out / "summary.json").read_text())
    # Tier 1 by whole schedules, its bound proved by column generation; later tiers by the
    # MILP solver, each bound named by whoever proved it.
    assert summary["path"].startswith("whole schedules")
    first, *later = summary["stages"]
    assert first["bound_source"] == "column-generation"
    assert {stage["bound_source"] for stage in later} <= {solver, "trivial"}
    direct = CliRunner().invoke(
        main,
        [
            "plan",
            str(TINY),
            "--out",
            str(tmp_path / "direct"),
            "--solver",
            solver,
            "--path",
            "direct",
        ],
    )
    assert direct.exit_code == 0, direct.output
    summary = json.loads((tmp_path / "direct" / "summary.json").read_text())
    assert summary["path"] == "the direct model"
    assert {stage["bound_source"] for stage in summary["stages"]} <= {solver, "trivial"}


class FalselyInfeasible(CpSatBackend):
    """A backend that claims infeasibility whatever it is given, as a buggy solver might."""

    def solve(self, time_limit: float) -> StageOutcome:
        return StageOutcome(status="INFEASIBLE", seconds=0.0)


def test_an_infeasibility_claim_against_a_plan_in_hand_is_not_believed() -> None:
    s = load_scenario(TINY)
    built = build_model(s)
    deployment = staffing_hint(built.ctx, built.staff, greedy_staffing(built.ctx, built.staff))
    built.model.hints.update(initial_hint(built, deployment))

    def factory(model: Model, settings: SolverSettings) -> Backend:
        return FalselyInfeasible(model, settings)

    solution = solve(
        built, SolverSettings(time_limit=2, workers=1, path="direct"), backend_factory=factory
    )
    assert solution.found and solution.status == "FEASIBLE"
    assert {stage.status for stage in solution.stages} == {"UNIMPROVED"}


def test_names_are_safe_and_unique_for_every_file_format() -> None:
    names = safe_names(["site_capacity[local,2020-06-02]", "site_capacity[local_2020-06-02]", "+"])
    assert names == ["site_capacity_local_2020_06_02", "site_capacity_local_2020_06_02__1", "x"]


def test_a_ranged_row_becomes_two_rows_and_keeps_its_meaning() -> None:
    m = Model()
    x, y = m.integer(0, 10, rule("x")), m.integer(0, 10, rule("y"))
    m.add([(x, 1), (y, 1)], lb=3, ub=5, rule=rule("range"), key=("1",))
    for goal, best in (([(x, 1), (y, 1)], 3), ([(x, -1), (y, -1)], -5)):
        backend = PulpBackend(m, SolverSettings(time_limit=5, workers=1), "highs")
        backend.minimize(goal)
        assert backend.solve(5).objective == best
