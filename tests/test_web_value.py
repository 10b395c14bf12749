"""Value tables in the web app, on SQLite and PostgreSQL: a table started from a version's
page equals what `scheduler.analysis.value` gives for the same scenario and settings; a
cancel keeps the resources valued and marks the rest not computed; coordinators read and
download but do not start; an unknown resource is refused and nothing is queued."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from scenarios.generate import generate
from scenarios.load import dump_scenario, load_scenario
from scheduler.analysis.value import NOT_COMPUTED, find_resource, value_table
from scheduler.solve.settings import SolverSettings
from tests.conftest import EXAMPLES
from tests.webapp import add_users, location_id, login, make_app, post, wait_for
from web.db import AuditEvent, Role, Run, RunKind

QUICK = {"time_limit": 1, "workers": 1}
CHOSEN = ["local", "role:carer"]


def upload_version(client: TestClient, name: str, text: bytes) -> int:
    return location_id(post(client, "/scenarios/upload", {}, files={"file": (name, text)}))


def start_value(client: TestClient, version: int, chosen: list[str], **settings: object) -> Any:
    form = {**QUICK, "resources": chosen, "step": 1, **settings}
    return post(client, f"/versions/{version}/value", form)


def csv_table(client: TestClient, run: int) -> pd.DataFrame:
    answer = client.get(f"/runs/{run}/value.csv")
    assert answer.status_code == 200
    return pd.read_csv(io.StringIO(answer.text))


def test_the_page_shows_the_table_value_gives(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url=database_url)
    add_users(app, Role.PLANNER, Role.COORDINATOR)
    with TestClient(app) as planner, TestClient(app) as coordinator:
        login(planner, "planner")
        login(coordinator, "coordinator")
        version = upload_version(planner, "tiny.yaml", (EXAMPLES / "tiny.yaml").read_bytes())
        assert "What is one more worth?" in planner.get(f"/versions/{version}").text
        assert start_value(coordinator, version, CHOSEN).status_code == 403
        run = location_id(start_value(planner, version, CHOSEN))
        assert wait_for(coordinator, run, timeout=120)["status"] == "done"
        page = coordinator.get(f"/runs/{run}").text
        table = csv_table(coordinator, run)
        assert post(coordinator, f"/runs/{run}/cancel", {}).status_code == 403

    base = load_scenario(EXAMPLES / "tiny.yaml")
    chosen = [find_resource(base, w) for w in CHOSEN]
    expected = value_table(base, SolverSettings(time_limit=1, workers=1), chosen, step=1)
    pd.testing.assert_frame_equal(table, expected, check_dtype=False, check_exact=False)
    assert "2 of 2 resources valued" in page and "value.csv" in page
    for row in expected.itertuples():
        assert f"<td>{row.resource}</td>" in page
    with app.state.sessions() as db:
        trail = {(e.user.name, e.action) for e in db.scalars(select(AuditEvent)) if e.user}
        assert set(db.scalars(select(Run.kind))) == {RunKind.VALUE}
    assert ("planner", "run queued") in trail and ("coordinator", "download") in trail


@pytest.mark.slow
def test_cancel_keeps_the_resources_valued_and_marks_the_rest_not_computed(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, database_url=database_url)
    add_users(app, Role.PLANNER)
    chosen = ["site:local", "facility:care-hotel", "role:carer"]
    with TestClient(app) as client:
        login(client, "planner")
        city = dump_scenario(generate(homes=25, workers=30, days=14, seed=3)).encode()
        version = upload_version(client, "city.yaml", city)
        run = location_id(start_value(client, version, chosen, time_limit=3))
        wait_for(client, run, timeout=120, stage="planning facility:care-hotel: resource 2 of 3")
        assert post(client, f"/runs/{run}/cancel", {}).status_code == 303
        assert wait_for(client, run, timeout=90)["status"] == "cancelled"
        table = csv_table(client, run)
        assert "1 of 3 resources valued" in client.get(f"/runs/{run}").text
    status = table.groupby("resource")["status"].agg(set).to_dict()
    assert NOT_COMPUTED not in status["site:local"]
    assert status["facility:care-hotel"] == status["role:carer"] == {NOT_COMPUTED}
    valued = table[table["resource"] == "site:local"]
    assert valued["value_per_unit"].notna().all()
    assert table[table["status"] == NOT_COMPUTED]["value_per_unit"].isna().all()
    assert list(table["resource"][:2]) == ["site:local", "site:local"]  # not computed last


def test_an_unknown_resource_is_refused_and_nothing_queued(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, database_url=database_url)
    add_users(app, Role.PLANNER)
    with TestClient(app) as planner:
        login(planner, "planner")
        version = upload_version(planner, "tiny.yaml", (EXAMPLES / "tiny.yaml").read_bytes())
        refused = start_value(planner, version, ["local", "nowhere"])
        assert refused.status_code == 400
        assert "resources:" in refused.text and "nowhere" in refused.text
        assert start_value(planner, version, ["local"], step=0).status_code == 400
    with app.state.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Run)) == 0
