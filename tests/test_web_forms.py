"""Forms are read one way: a field out of range is listed by name and nothing is done, a
blank optional field is taken as not given, and no route handler grows past a page."""

from __future__ import annotations

import inspect
from pathlib import Path

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import EXAMPLES
from tests.webapp import add_users, location_id, login, make_app, post
from web.app import ROUTERS
from web.db import Role, Run, ScenarioVersion
from web.scenario_files import stored_scenario

LONGEST_HANDLER = 60


def test_no_route_handler_is_longer_than_a_page() -> None:
    long = {
        route.path: n
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        and (n := len(inspect.getsourcelines(route.endpoint)[0])) > LONGEST_HANDLER
    }
    assert long == {}


def test_a_setting_out_of_range_is_named_and_nothing_is_queued(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    add_users(app, Role.PLANNER)
    with TestClient(app) as planner:
        login(planner, "planner")
        tiny = (EXAMPLES / "tiny.yaml").read_bytes()
        version = location_id(
            post(planner, "/scenarios/upload", {}, files={"file": ("tiny.yaml", tiny)})
        )
        bad = {"time_limit": 99999, "workers": 0, "first_open": "someday", "previous_run": ""}
        answer = post(planner, f"/versions/{version}/runs", bad)
        assert answer.status_code == 400
        for field in ("time_limit", "workers", "first_open"):
            assert field in answer.text, field
        answer = post(planner, f"/versions/{version}/runs", {"workers": 1, "previous_run": "7"})
        assert answer.status_code == 400 and "previous run" in answer.text
    with app.state.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Run)) == 0


def test_a_blank_optional_date_is_not_given(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    add_users(app, Role.PLANNER)
    with TestClient(app) as planner:
        login(planner, "planner")
        tiny = (EXAMPLES / "tiny.yaml").read_bytes()
        version = location_id(
            post(planner, "/scenarios/upload", {}, files={"file": ("tiny.yaml", tiny)})
        )
        form = {"request_id": "r1", "facility": "care-hotel", "admit": "", "run": ""}
        pinned = location_id(post(planner, f"/versions/{version}/pins/request", form))
    with app.state.sessions() as db:
        child = db.get(ScenarioVersion, pinned)
        assert child is not None
        pins = stored_scenario(child.filename, child.text).pins.requests
    assert [(p.request, p.facility, p.admit) for p in pins] == [("r1", "care-hotel", None)]
