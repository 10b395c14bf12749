"""Who may do what: logging in and out, each route's role from the route table, the form
token on every POST, and the first-run page."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import web.pages
from tests.conftest import EXAMPLES
from tests.webapp import PASSWORD, add_users, login, make_app, post, token
from web.app import ROUTERS
from web.db import Role, Run, ScenarioVersion
from web.security import RoleRequired

PUBLIC = {
    ("/login", "GET"),
    ("/login", "POST"),
    ("/logout", "POST"),
    ("/setup", "GET"),
    ("/setup", "POST"),
}
"""The only routes open without a role: logging in and out, and the first-run page."""

FILL = {
    "version_id": "1",
    "run_id": "1",
    "user_id": "1",
    "home_id": "h1",
    "name": "unmet.csv",
    "variant": "base",
}


def required_role(route: APIRoute) -> Role | None:
    todo = list(route.dependant.dependencies)
    while todo:
        dependency = todo.pop()
        if isinstance(dependency.call, RoleRequired):
            return dependency.call.role
        todo.extend(dependency.dependencies)
    return None


def routes() -> list[tuple[str, str, APIRoute]]:
    return [
        (route.path, method, route)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods)
    ]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, module_database_url: str):  # type: ignore[no-untyped-def]
    app = make_app(tmp_path_factory.mktemp("access"), database_url=module_database_url)
    add_users(app, *Role)
    with app.state.sessions() as db:
        text = (EXAMPLES / "tiny.yaml").read_text()
        version = ScenarioVersion(
            name="tiny", filename="tiny.yaml", text=text, note="", created_by=1
        )
        db.add(version)
        db.flush()
        db.add(Run(version_id=version.id, settings="{}", status="failed", created_by=1))
        db.commit()
    return app


def test_the_walk_covers_every_pages_router() -> None:
    """A page module whose router is not in the table would be served by no test here."""
    modules = [
        importlib.import_module(f"web.pages.{m.name}")
        for m in pkgutil.iter_modules(web.pages.__path__)
    ]
    routers = [m.router for m in modules if hasattr(m, "router")]
    assert routers and all(any(r is known for known in ROUTERS) for r in routers)
    walked = {path for path, _method, _route in routes()}
    assert {"/versions/{version_id}/value", "/runs/{run_id}/value.csv"} <= walked


def test_every_route_but_logging_in_needs_a_role() -> None:
    open_routes = {(path, method) for path, method, route in routes() if not required_role(route)}
    assert open_routes == PUBLIC


def test_each_role_is_refused_what_it_may_not_do_and_given_what_it_may(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as anonymous:
        clients = {role: TestClient(app) for role in Role}
        tokens = {}
        for role, client in clients.items():
            login(client, str(role))
            tokens[role] = token(client, "/")
        for path, method, route in routes():
            needed = required_role(route)
            if needed is None:
                continue
            url = path.format(**FILL)
            answer = anonymous.request(method, url, follow_redirects=False)
            if method == "GET":
                assert answer.status_code == 303, (url, answer.status_code)
                assert answer.headers["location"].endswith("/login")
            else:
                assert answer.status_code == 403, (url, answer.status_code)
            for role, client in clients.items():
                data = {"csrf_token": tokens[role]} if method == "POST" else None
                answer = client.request(method, url, data=data, follow_redirects=False)
                if role.allows(needed):
                    assert answer.status_code not in (401, 403), (url, role, answer.text[:300])
                    assert "/login" not in answer.headers.get("location", "")
                else:
                    assert answer.status_code == 403, (url, role, answer.status_code)


def test_login_and_logout(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        assert login(client, "planner", "wrong password").status_code == 401
        assert client.get("/", follow_redirects=False).status_code == 303
        assert login(client, "planner").status_code == 303
        assert client.get("/").status_code == 200
        assert post(client, "/logout", {}).status_code == 303
        assert client.get("/", follow_redirects=False).status_code == 303


def test_a_deactivated_user_is_logged_out_at_the_next_click(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as admin, TestClient(app) as coordinator:
        login(admin, "admin")
        login(coordinator, "coordinator")
        assert coordinator.get("/").status_code == 200
        user_id = 1 + list(Role).index(Role.COORDINATOR)
        assert post(admin, f"/admin/users/{user_id}", {"role": "coordinator"}).status_code == 303
        assert coordinator.get("/", follow_redirects=False).status_code == 303
        post(admin, f"/admin/users/{user_id}", {"role": "coordinator", "active": "true"})


def test_a_post_without_the_sessions_form_token_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    posts = [path.format(**FILL) for path, method, _ in routes() if method == "POST"]
    with TestClient(app) as client:
        login(client, "admin")
        for url in posts:
            for data in ({}, {"csrf_token": "forged"}):
                answer = client.post(url, data=data, follow_redirects=False)
                assert answer.status_code == 403, (url, data, answer.status_code)
        assert client.get("/").status_code == 200  # still logged in: nothing was done


def test_the_first_run_page_opens_only_locally_with_its_token_while_no_one_has_an_account(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, database_url=database_url)
    setup_token = app.state.setup_token
    with TestClient(app) as remote:
        assert remote.get(f"/setup?token={setup_token}").status_code == 404
    with TestClient(app, client=("127.0.0.1", 50000)) as local:
        assert local.get("/setup?token=guess").status_code == 403
        form = {
            "name": "first",
            "password": PASSWORD,
            "token": setup_token,
            "csrf_token": token(local, f"/setup?token={setup_token}"),
        }
        assert local.post("/setup", data=form, follow_redirects=False).status_code == 303
        assert "first (admin)" in local.get("/").text
        assert local.get(f"/setup?token={setup_token}").status_code == 404


def test_pages_forbid_framing_and_foreign_scripts(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        headers = client.get("/login").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]  # default-src 'self' holds
    assert headers["x-content-type-options"] == "nosniff"
