"""Who is asking and what they may do: password hashes, the signed session, the role each
route needs, and the CSRF token every form carries.

Sessions are Starlette's signed cookies (itsdangerous), holding only the user's id and the
form token; the user's role and whether they are still active are read from the database
on every request, so a change by an admin takes effect at the next click. Passwords are
hashed with Argon2id (argon2-cffi). CSRF: the synchronizer-token pattern, the token kept in
the signed session and compared in constant time with the form's field.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Form, HTTPException, Request
from sqlalchemy.orm import Session

from web.db import Role, User

HASHER = PasswordHasher()
MIN_PASSWORD = 10
CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """No one is logged in: pages answer with a redirect to the login page, never data."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password: at least {MIN_PASSWORD} characters")
    return HASHER.hash(password)


def password_matches(user: User | None, password: str) -> bool:
    """Whether `password` is `user`'s; without a user, a hash is still checked so that an
    unknown name takes as long to refuse as a wrong password."""
    try:
        return HASHER.verify(user.password_hash if user else _DUMMY, password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


_DUMMY = HASHER.hash(secrets.token_urlsafe(16))


def database(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as db:
        yield db


DB = Annotated[Session, Depends(database)]


def csrf_token(request: Request) -> str:
    """The session's form token, made on first use."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


def check_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """Refuse a form not rendered by this app for this login (403)."""
    expected = request.session.get(CSRF_FIELD)
    if not isinstance(expected, str) or not secrets.compare_digest(expected, csrf_token):
        raise HTTPException(403, "the form has expired or did not come from this site; reload")


def log_in(request: Request, user: User) -> None:
    """A fresh session for `user`: nothing from before the login carries over."""
    request.session.clear()
    request.session["user_id"] = user.id
    csrf_token(request)


class RoleRequired:
    """A route's gate: the logged-in, active user with at least `role`, else a redirect to
    the login page (no one logged in) or 403. Every route but the login, setup and static
    ones depends on one; `tests/test_web_access.py` checks that against the route table."""

    def __init__(self, role: Role) -> None:
        self.role = role

    def __call__(self, request: Request, db: DB) -> User:
        user_id = request.session.get("user_id")
        user = db.get(User, user_id) if isinstance(user_id, int) else None
        if user is None or not user.active:
            request.session.clear()
            raise LoginRequired
        if not Role(user.role).allows(self.role):
            raise HTTPException(403, f"this needs the {self.role} role")
        return user


Coordinator = Annotated[User, Depends(RoleRequired(Role.COORDINATOR))]
Planner = Annotated[User, Depends(RoleRequired(Role.PLANNER))]
Admin = Annotated[User, Depends(RoleRequired(Role.ADMIN))]
Csrf = Depends(check_csrf)
