"""PPE in the web app: a run's PPE page (the vans' stops, every home's cover, the PPE left
unmet), PPE on each home's page, the link in the run's navigation, and the page's role."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape

from scenarios.load import dump_scenario
from scheduler.output.tables import read_plan
from tests.conftest import EXAMPLES
from tests.test_ppe import one_van_two_homes
from tests.test_web_access import required_role, routes
from tests.webapp import add_users, login, make_app, plan_run
from web.db import Role
from web.run_files import plan_dir


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, module_database_url: str) -> FastAPI:
    app = make_app(tmp_path_factory.mktemp("ppe"), database_url=module_database_url)
    add_users(app, Role.COORDINATOR)
    return app


@pytest.fixture(scope="module")
def runs(app: FastAPI) -> dict[str, int]:
    """A run of two homes short of masks with one van a day, and the tiny example's run,
    which has no PPE."""
    return {
        "ppe": plan_run(app, dump_scenario(one_van_two_homes())),
        "plain": plan_run(app, (EXAMPLES / "tiny.yaml").read_text()),
    }


def _coordinator(app: FastAPI) -> TestClient:
    client = TestClient(app)
    login(client, "coordinator")
    return client


def test_the_ppe_page_shows_the_drops_the_cover_and_what_is_unmet(
    app: FastAPI, runs: dict[str, int]
) -> None:
    run = runs["ppe"]
    plan = read_plan(plan_dir(app.state.config.runs_dir, run))
    with _coordinator(app) as client:
        page = client.get(f"/runs/{run}/ppe")
        staff = client.get(f"/runs/{run}/staff").text
    assert page.status_code == 200
    assert f'href="/runs/{run}/ppe"' in staff  # in the run's navigation
    text = page.text
    for d in plan.ppe_drops:
        assert f"<td>{d.date}</td><td>{d.van}</td><td>{d.stop}</td>" in text
        assert f"masks {d.quantity}" in text
    lowest = min(plan.ppe_stock, key=lambda r: r.days_cover)
    assert f"{lowest.days_cover} on {lowest.date:%a %d}" in text
    unmet = [u for u in plan.unmet if u.kind.startswith("ppe_")]
    assert unmet
    for u in unmet:
        assert escape(u.cause) in text and escape(u.detail) in text


def test_a_homes_page_shows_its_ppe(app: FastAPI, runs: dict[str, int]) -> None:
    run = runs["ppe"]
    plan = read_plan(plan_dir(app.state.config.runs_dir, run))
    [drop] = [d for d in plan.ppe_drops if d.home_id == "a"]
    with _coordinator(app) as client:
        page = client.get(f"/runs/{run}/homes/a").text
    section = page[page.index("<h2>PPE") : page.index("<h2>Unmet")]
    assert f"<td>{drop.date}</td>" in section and f"masks {drop.quantity}" in section
    assert "/homes/b" not in section  # only this home's drops and cover
    cover = [r for r in plan.ppe_stock if r.home_id == "a"]
    assert all(f"{r.days_cover} <small>({r.stock})</small>" in section for r in cover)


def test_a_run_without_ppe_says_so(app: FastAPI, runs: dict[str, int]) -> None:
    run = runs["plain"]
    with _coordinator(app) as client:
        page = client.get(f"/runs/{run}/ppe")
        home = client.get(f"/runs/{run}/homes/h1").text
    assert page.status_code == 200 and "no PPE" in page.text
    assert "<h2>PPE" not in home


def test_the_ppe_page_is_a_coordinators_and_walked_by_the_access_test() -> None:
    [route] = [r for path, method, r in routes() if path == "/runs/{run_id}/ppe"]
    assert required_role(route) == Role.COORDINATOR
