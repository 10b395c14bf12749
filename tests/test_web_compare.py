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
from tests.webapp import add_users, login, make_app, plan_run
from web.db import Role
from web.run_files import plan_dir
from web.scenario_files import stored_scenario, with_outbreak


def test_before_and_after_a_replan_side_by_side(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    add_users(app, Role.COORDINATOR)
    text = (EXAMPLES / "tiny.yaml").read_text()
    before = plan_run(app, text)
    scenario = stored_scenario("tiny.yaml", text)
    _, outbreak = with_outbreak(scenario, "tiny.yaml", "h3", "confirmed", dt.date(2020, 6, 3), 3, 1)
    after = plan_run(app, outbreak, previous=before)
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
