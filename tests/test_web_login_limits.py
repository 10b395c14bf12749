"""Password guessing is refused for a while: too many failed logins for one account, or
from one address, and even the right password is turned away until the window moves on."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
from sqlalchemy import select

from tests.webapp import PASSWORD, add_users, login, make_app
from web.db import AuditEvent, Role
from web.login_limits import PER_ACCOUNT, LoginLimits


@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = make_app(tmp_path)
    add_users(app, Role.PLANNER, Role.COORDINATOR)
    return app


def test_an_account_guessed_at_is_refused_even_the_right_password(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        for _ in range(PER_ACCOUNT.amount):
            assert login(client, "planner", "not the password").status_code == 401
        refused = login(client, "planner", PASSWORD)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0
        assert client.get("/", follow_redirects=False).status_code == 303  # not logged in
        assert login(client, "coordinator").status_code == 303  # another account is not
    with app.state.sessions() as db:
        actions = list(db.scalars(select(AuditEvent.action)))
    assert actions.count("login refused") == PER_ACCOUNT.amount
    assert "login throttled" in actions


def test_many_names_guessed_from_one_address_are_refused(app) -> None:  # type: ignore[no-untyped-def]
    app.state.login_limits = LoginLimits(per_address=RateLimitItemPerMinute(3, 15))
    with TestClient(app) as client:
        for name in ("ann", "bob", "cat"):
            assert login(client, name, "guess guess guess").status_code == 401
        assert login(client, "coordinator").status_code == 429
    with TestClient(app, client=("192.0.2.7", 40000)) as elsewhere:
        assert login(elsewhere, "coordinator").status_code == 303


def test_the_refusal_ends_when_the_window_has_moved_on(app) -> None:  # type: ignore[no-untyped-def]
    # A window long enough for three slow logins on a busy machine, short enough to wait.
    app.state.login_limits = LoginLimits(per_account=RateLimitItemPerSecond(2, 10))
    with TestClient(app) as client:
        for _ in range(2):
            assert login(client, "planner", "not the password").status_code == 401
        refused = login(client, "planner")
        assert refused.status_code == 429
        time.sleep(int(refused.headers["retry-after"]) + 0.5)
        assert login(client, "planner").status_code == 303


def test_a_good_login_starts_the_accounts_count_again(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        for _ in range(PER_ACCOUNT.amount - 1):
            assert login(client, "planner", "not the password").status_code == 401
        assert login(client, "planner").status_code == 303
        assert login(client, "planner", "not the password").status_code == 401
        assert login(client, "planner").status_code == 303
