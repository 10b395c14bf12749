"""Two plans side by side: before and after a re-plan, the rows that differ are the
re-plan's own changes, and every KPI of both is shown with its change."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fastapi.testclient import TestClient
from markupsafe import escape

from scheduler.output.report_data import kpi_label
from scheduler.output.tables import read_plan
from tests.conftest import EXAMPLES
from tests.webapp import add_users, login, make_app
from web.db import Role, Run, RunStatus, ScenarioVersion
from web.run_files import plan_dir
from web.run_worker import execute_run
from web.scenario_files import stored_scenario, with_outbreak

QUICK = '{"time_limit": 2, "workers": 1}'


def _run(app, text: str, previous: int | None = None) -> int:  # type: ignore[no-untyped-def]
    """A version of `text` planned here and now (as the pool's worker would)."""
    with app.state.sessions() as db:
        version = ScenarioVersion(name="tiny", filename="tiny.yaml", text=text, created_by=1)
        db.add(version)
        db.flush()
        run = Run(
            version_id=version.id,
            previous_run_id=previous,
            first_open=dt.date(2020, 6, 3) if previous else None,
            settings=QUICK,
            status=RunStatus.RUNNING,
            created_by=1,
        )
        db.add(run)
        db.commit()
        run_id = run.id
    execute_run(run_id, app.state.config.url, str(app.state.config.runs_dir))
    with app.state.sessions() as db:
        assert db.get(Run, run_id).status == RunStatus.DONE  # type: ignore[union-attr]
    return run_id


def test_before_and_after_a_replan_side_by_side(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    add_users(app, Role.COORDINATOR)
    text = (EXAMPLES / "tiny.yaml").read_text()
    before = _run(app, text)
    scenario = stored_scenario("tiny.yaml", text)
    _, outbreak = with_outbreak(scenario, "tiny.yaml", "h3", "confirmed", dt.date(2020, 6, 3), 3, 1)
    after = _run(app, outbreak, previous=before)
    replan = read_plan(plan_dir(app.state.config.runs_dir, after))
    assert replan.changes  # an outbreak moves something

    with TestClient(app) as client:
        login(client, "coordinator")
        assert client.get("/compare").status_code == 200  # the pickers alone
        page = client.get(f"/compare?first={before}&second={after}").text
        assert client.get(f"/compare?first={before}&second=999").status_code == 404
    said = re.search(r"(\d+) rows differ", page)
    assert said and int(said.group(1)) == len(replan.changes)
    for change in replan.changes:
        assert escape(change.detail) in page and escape(change.reason) in page
    for key in replan.summary.kpis:
        assert kpi_label(key)[0] in page
    assert f"run #{before}" in page and f"run #{after}" in page
