"""The web app and the what-if study plan through `carehome plan`'s pipeline: a region of
independent authorities by its parts, every plan checked by the independent checker, and
the checker's verdict on the run page."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import scheduler.pipeline.checked as checked
from scenarios.generate import generate_authorities
from scenarios.load import dump_scenario
from scheduler.analysis.compare import plan_variant
from scheduler.heuristics.baseline import SOLVER as GREEDY
from scheduler.solve.interrupt import stop_search_on_ctrl_c
from scheduler.solve.settings import SolverSettings
from scheduler.validate import Violation
from tests.webapp import add_users, login, make_app
from web.db import Role, Run, RunStatus, ScenarioVersion
from web.run_worker import execute_run

QUICK = '{"time_limit": 3, "workers": 1}'


def _queued_run(app, filename: str, text: str) -> int:  # type: ignore[no-untyped-def]
    """A version and its run, as the version page's form leaves them, taken by the pool."""
    with app.state.sessions() as db:
        version = ScenarioVersion(name="r", filename=filename, text=text, note="", created_by=1)
        db.add(version)
        db.flush()
        run = Run(version_id=version.id, settings=QUICK, status=RunStatus.RUNNING, created_by=1)
        db.add(run)
        db.commit()
        return run.id


def test_a_web_run_plans_independent_authorities_by_parts_and_shows_the_check(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)  # no lifespan: the run is executed here, not by the pool
    add_users(app, Role.COORDINATOR)
    region = generate_authorities(3, homes=9, workers=9, days=5, seed=5)
    run_id = _queued_run(app, "region.yaml", dump_scenario(region))
    config = app.state.config
    execute_run(run_id, config.url, str(config.runs_dir))
    with app.state.sessions() as db:
        run = db.get(Run, run_id)
        assert run is not None and run.status == RunStatus.DONE, run and run.message
        assert run.violations == 0
        assert "3 independent parts" in run.stage
    with TestClient(app) as client:
        login(client, "coordinator")
        page = client.get(f"/runs/{run_id}").text
    assert "Independent check: 0 violations" in page and "3 independent parts" in page


def test_a_whatif_run_reports_the_pipelines_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """What-if rows carry the verdict of the same checker `carehome plan` prints."""
    found = Violation("test", "x1", "a rule the pipeline's checker found broken")
    monkeypatch.setattr(checked, "validate_plan", lambda *_args: [found])
    region = generate_authorities(2, homes=6, workers=6, days=4, seed=3)
    row, plan = plan_variant("region", region, SolverSettings(time_limit=3, workers=1))
    assert plan is not None, row
    assert row["violations"] == 1


def test_after_a_cancel_the_parts_left_take_the_greedy_plan_at_once() -> None:
    """A cancel during a region's first part ends the run with a checked plan of every
    part, said to be interrupted, without each later part's search."""
    region = generate_authorities(3, homes=9, workers=9, days=5, seed=5)
    with stop_search_on_ctrl_c() as interruption:
        interruption.requested = True  # as the first SIGINT leaves it
        result = checked.plan_and_check(region, SolverSettings(time_limit=3, workers=1))
    assert result.parts == 3 and result.violations == []
    assert result.plan.summary.interrupted
    assert result.plan.summary.solver == GREEDY  # no part searched after the cancel
