"""Logging in and out, the first-run page, users (admins), and the audit trail."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from web.audit import record
from web.config import is_loopback
from web.db import AuditEvent, Role, User
from web.pages.render import page
from web.security import DB, Admin, Csrf, log_in, password_matches
from web.users import create_user

router = APIRouter()

AUDIT_SHOWN = 500


@router.get("/login", name="login_page")
def login_page(request: Request) -> Response:
    return page(request, "login.html", None, error="")


@router.post("/login", dependencies=[Csrf])
def login(
    request: Request, db: DB, name: Annotated[str, Form()], password: Annotated[str, Form()]
) -> Response:
    user = db.scalar(select(User).where(User.name == name))
    if not password_matches(user, password) or user is None or not user.active:
        record(db, None, "login refused", f"user {name[:64]}")
        db.commit()
        return page(request, "login.html", None, 401, error="wrong name or password")
    log_in(request, user)
    record(db, user, "login")
    db.commit()
    return RedirectResponse(request.url_for("dashboard"), status_code=303)


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, db: DB) -> Response:
    user_id = request.session.get("user_id")
    user = db.get(User, user_id) if isinstance(user_id, int) else None
    request.session.clear()
    if user is not None:
        record(db, user, "logout")
        db.commit()
    return RedirectResponse(request.url_for("login_page"), status_code=303)


def _setup_allowed(request: Request, db: Session, token: str) -> None:
    """The first-run page exists only while no user does, only from this machine, and
    only with the token `carehome serve` printed."""
    expected = request.app.state.setup_token
    users = db.scalar(select(func.count()).select_from(User)) or 0
    client = request.client.host if request.client else ""
    if users or expected is None or not is_loopback(client):
        raise HTTPException(404, "no such page")
    if not secrets.compare_digest(expected, token):
        raise HTTPException(403, "open the address `carehome serve` printed, with its token")


@router.get("/setup")
def setup_page(request: Request, db: DB, token: str = "") -> Response:
    _setup_allowed(request, db, token)
    return page(request, "setup.html", None, token=token, error="")


@router.post("/setup", dependencies=[Csrf])
def setup(
    request: Request,
    db: DB,
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    token: Annotated[str, Form()] = "",
) -> Response:
    _setup_allowed(request, db, token)
    try:
        user = create_user(db, name, password, Role.ADMIN)
    except ValueError as exc:
        return page(request, "setup.html", None, 400, token=token, error=str(exc))
    record(db, user, "first admin created", f"user {user.name}")
    db.commit()
    request.app.state.setup_token = None
    log_in(request, user)
    return RedirectResponse(request.url_for("dashboard"), status_code=303)


@router.get("/admin/users", name="users_page")
def users_page(request: Request, db: DB, admin: Admin) -> Response:
    users = db.scalars(select(User).order_by(User.name)).all()
    return page(request, "users.html", admin, users=users, error="")


@router.post("/admin/users", dependencies=[Csrf])
def add_user(
    request: Request,
    db: DB,
    admin: Admin,
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[Role, Form()],
) -> Response:
    try:
        user = create_user(db, name, password, role)
    except (ValueError, IntegrityError) as exc:
        db.rollback()
        users = db.scalars(select(User).order_by(User.name)).all()
        return page(request, "users.html", admin, 400, users=users, error=str(exc))
    record(db, admin, "user created", f"user {user.name}", f"role {role}")
    db.commit()
    return RedirectResponse(request.url_for("users_page"), status_code=303)


@router.post("/admin/users/{user_id}", dependencies=[Csrf])
def change_user(
    request: Request,
    db: DB,
    admin: Admin,
    user_id: int,
    role: Annotated[Role, Form()],
    active: Annotated[bool, Form()] = False,
) -> Response:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(404, f"no user {user_id}")
    if user.id == admin.id and (role != Role.ADMIN or not active):
        raise HTTPException(400, "an admin cannot take away their own admin role or account")
    record(db, admin, "user changed", f"user {user.name}", f"role {role}, active {active}")
    user.role, user.active = role, active
    db.commit()
    return RedirectResponse(request.url_for("users_page"), status_code=303)


@router.get("/admin/audit", name="audit_page")
def audit_page(request: Request, db: DB, admin: Admin) -> Response:
    events = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(AUDIT_SHOWN)).all()
    return page(request, "audit.html", admin, events=events)
