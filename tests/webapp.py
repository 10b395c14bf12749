"""Helpers for the web app's tests: an app on a temporary database and data folder,
users of each role, logging in, and the form token a page carries."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from scenarios.generate import generate
from scenarios.load import dump_scenario
from web.app import create_app
from web.config import WebConfig
from web.db import Role, Run, RunStatus, ScenarioVersion
from web.run_worker import execute_run
from web.users import create_user

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_app(tmp_path: Path, **settings: Any) -> FastAPI:
    return create_app(WebConfig(data_dir=tmp_path / "web", search_workers=1, **settings))


def add_users(app: FastAPI, *roles: Role) -> None:
    """One user per role, named after it."""
    with app.state.sessions() as db:
        for role in roles:
            create_user(db, str(role), PASSWORD, role)
        db.commit()


def token(client: TestClient, path: str = "/login") -> str:
    found = TOKEN.search(client.get(path).text)
    assert found, f"no form token on {path}"
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": token(client)},
        follow_redirects=False,
    )


def post(client: TestClient, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """A form post with the session's token, as the app's own pages send it."""
    return client.post(
        path, data={**data, "csrf_token": token(client, "/")}, follow_redirects=False, **kwargs
    )


def kill_worker(app: FastAPI, client: TestClient, run_id: int) -> None:
    """SIGKILL the worker process of a run once it is running: no clean-up of any kind."""
    wait_for(client, run_id, status="running")
    with app.state.sessions() as db:
        while (pid := db.get(Run, run_id).pid) is None:  # type: ignore[union-attr]
            db.expire_all()
    os.kill(pid, signal.SIGKILL)


def wait_for(client: TestClient, run_id: int, timeout: float = 90, **until: Any) -> dict[str, Any]:
    """The run's progress once it matches `until` (default: no longer active)."""
    until = until or {"active": False}
    deadline = time.monotonic() + timeout
    while True:
        progress: dict[str, Any] = client.get(f"/runs/{run_id}/progress").json()
        if all(progress.get(k) == v for k, v in until.items()):
            return progress
        assert time.monotonic() < deadline, f"run {run_id}: {progress}"
        time.sleep(0.2)


def location_id(response: Any) -> int:
    """The id at the end of a redirect's address (`/runs/3` -> 3)."""
    assert response.status_code == 303, response.text[:2000]
    return int(response.headers["location"].rstrip("/").rsplit("/", 1)[1])


def plan_run(app: FastAPI, text: str, previous: int | None = None) -> int:
    """A version of `text` planned here and now (as the pool's worker would), for a test
    that reads a finished run without waiting on the pool; a re-plan of `previous` keeps
    its first two days."""
    with app.state.sessions() as db:
        version = ScenarioVersion(name="tiny", filename="tiny.yaml", text=text, created_by=1)
        db.add(version)
        db.flush()
        run = Run(
            version_id=version.id,
            previous_run_id=previous,
            first_open=dt.date(2020, 6, 3) if previous else None,
            settings='{"time_limit": 2, "workers": 1}',
            status=RunStatus.RUNNING,
            created_by=1,
        )
        db.add(run)
        db.commit()
        run_id: int = run.id
    execute_run(run_id, app.state.config.url, str(app.state.config.runs_dir))
    with app.state.sessions() as db:
        done = db.get(Run, run_id)
        assert done is not None and done.status == RunStatus.DONE
    return run_id


def long_run(app: FastAPI) -> tuple[TestClient, int]:
    """A logged-in planner's client, its app started, and a run that would search for
    120 s: 25 homes, whose plan can always be improved on within that time. The caller
    ends the client (`client.__exit__`)."""
    client = TestClient(app)
    client.__enter__()
    login(client, "planner")
    text = dump_scenario(generate(homes=25, workers=30, days=14, seed=3)).encode()
    upload = post(client, "/scenarios/upload", {}, files={"file": ("city.yaml", text)})
    version = location_id(upload)
    run = location_id(post(client, f"/versions/{version}/runs", {"time_limit": 120, "workers": 1}))
    return client, run
