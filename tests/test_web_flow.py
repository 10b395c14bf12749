"""The planning team's day in the web app, end to end on an empty SQLite and PostgreSQL database:
upload a scenario, plan it, open a home, pin a worker, record an outbreak, re-plan with
the previous plan kept, read what changed, trace who worked at a home, and download the
workbook; and runs that are
cancelled, or whose worker dies, never stay "running"."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import EXAMPLES
from tests.webapp import (
    add_users,
    kill_worker,
    location_id,
    login,
    long_run,
    make_app,
    post,
    wait_for,
)
from web.db import AuditEvent, Role, Run, RunStatus, ScenarioVersion

QUICK = {"time_limit": 2, "workers": 1}


def test_upload_plan_pin_replan_and_download(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url=database_url)
    add_users(app, Role.PLANNER, Role.COORDINATOR)
    with TestClient(app) as planner, TestClient(app) as coordinator:
        login(planner, "planner")
        login(coordinator, "coordinator")
        tiny = (EXAMPLES / "tiny.yaml").read_bytes()
        version = location_id(
            post(planner, "/scenarios/upload", {}, files={"file": ("tiny.yaml", tiny)})
        )
        run = location_id(post(planner, f"/versions/{version}/runs", QUICK))
        assert wait_for(planner, run)["status"] == "done"

        page = coordinator.get(f"/runs/{run}").text
        assert "Independent check: 0 violations" in page
        for view in ("testing", "staff", "homes", "isolation", "unmet", "brief"):
            assert coordinator.get(f"/runs/{run}/{view}").status_code == 200, view
        home = coordinator.get(f"/runs/{run}/homes/h1").text
        assert "Rowan House" in home and "Risk" in home
        assert coordinator.get(f"/runs/{run}/homes/nope").status_code == 404

        roster = coordinator.get(f"/runs/{run}/files/staff_roster.csv").text
        shift = next(csv.DictReader(io.StringIO(roster)))
        pinned = location_id(
            post(
                planner,
                f"/versions/{version}/pins/worker",
                {
                    "worker": shift["worker_id"],
                    "home": shift["home_id"],
                    "date": shift["date"],
                    "shift": shift["shift"],
                    "run": str(run),
                },
            )
        )
        assert post(coordinator, f"/versions/{pinned}/outbreaks", {}).status_code == 403
        outbreak = location_id(
            post(
                planner,
                f"/versions/{pinned}/outbreaks",
                {
                    "home": "h3",
                    "status": "confirmed",
                    "since": "2020-06-03",
                    "resident_cases": 2,
                    "run": str(run),
                },
            )
        )
        version_page = planner.get(f"/versions/{outbreak}").text
        assert f'value="{run}" selected' in version_page  # offered as the previous plan
        assert f"worker {shift['worker_id']} at {shift['home_id']}" in version_page

        replan = location_id(
            post(
                planner,
                f"/versions/{outbreak}/runs",
                {**QUICK, "previous_run": str(run), "first_open": "2020-06-03"},
            )
        )
        assert wait_for(planner, replan)["status"] == "done"
        changes = coordinator.get(f"/runs/{replan}/changes").text
        assert "What changed" in changes and "h3" in changes
        table = coordinator.get(f"/runs/{replan}/files/changes.csv").text
        rows = list(csv.DictReader(io.StringIO(table)))
        assert rows and all(r["date"] >= "2020-06-03" for r in rows)
        assert any(r["home_id"] == "h3" for r in rows)

        traced = coordinator.get(
            f"/runs/{replan}/homes/{shift['home_id']}/trace", params={"date": shift["date"]}
        )
        assert traced.status_code == 200 and shift["worker_id"] in traced.text
        assert "2 plans" in traced.text  # the re-plan and the run it re-planned
        outside = coordinator.get(f"/runs/{replan}/homes/h1/trace", params={"date": "2021-01-01"})
        assert outside.status_code == 400 and "2021-01-01 is outside" in outside.text
        assert str(tmp_path) not in outside.text  # no server path in what a browser reads
        assert coordinator.get(f"/runs/{replan}/homes/nope/trace").status_code == 404

        workbook = coordinator.get(f"/runs/{replan}/files/plan.xlsx")
        assert workbook.status_code == 200
        assert "attachment" in workbook.headers["content-disposition"]
        book = openpyxl.load_workbook(io.BytesIO(workbook.content), read_only=True)
        assert len(book.sheetnames) > 3

    with app.state.sessions() as db:
        kept = db.get(Run, replan)
        assert kept is not None and kept.previous_run_id == run
        trail = [(e.user.name if e.user else "", e.action) for e in db.scalars(select(AuditEvent))]
    assert ("planner", "run queued") in trail
    assert trail.count(("planner", "scenario version stored")) == 3
    assert ("coordinator", "download") in trail


def test_cancel_keeps_the_best_plan_so_far(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url=database_url)
    add_users(app, Role.PLANNER)
    client, run = long_run(app)
    try:
        wait_for(client, run, stage="planning whole schedules")
        asked = time.monotonic()
        assert post(client, f"/runs/{run}/cancel", {}).status_code == 303
        progress = wait_for(client, run, timeout=60)
        assert progress["status"] == "cancelled"
        assert time.monotonic() - asked < 30  # not the 120 s time limit
        page = client.get(f"/runs/{run}").text
        assert "the best plan found until then" in page
        assert client.get(f"/runs/{run}/files/staff_roster.csv").status_code == 200
    finally:
        client.__exit__(None, None, None)


def test_a_killed_worker_leaves_its_run_failed_not_running(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, database_url=database_url)
    add_users(app, Role.PLANNER)
    client, run = long_run(app)
    try:
        kill_worker(app, client, run)
        progress = wait_for(client, run, timeout=30)
        assert progress["status"] == "failed"
        assert "SIGKILL" in client.get(f"/runs/{run}").text
    finally:
        client.__exit__(None, None, None)


def test_a_run_left_running_by_a_dead_app_is_failed_on_restart(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, database_url=database_url)
    add_users(app, Role.PLANNER)
    with app.state.sessions() as db:
        text = (EXAMPLES / "tiny.yaml").read_text()
        version = ScenarioVersion(name="tiny", filename="tiny.yaml", text=text, created_by=1)
        db.add(version)
        db.flush()
        db.add(
            Run(
                version_id=version.id,
                settings="{}",
                status=RunStatus.RUNNING,
                pid=999999,
                created_by=1,
            )
        )
        db.commit()
    restarted = make_app(tmp_path, database_url=database_url)
    with TestClient(restarted), restarted.state.sessions() as db:
        statuses = set(db.scalars(select(Run.status)))
    assert statuses == {RunStatus.FAILED}
