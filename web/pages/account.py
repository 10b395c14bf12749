"""Logging in and out, the first-run page, users (admins), and the audit trail."""

from __future__ import annotations

import math
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scenarios.words import count
from web.audit import record
from web.config import is_loopback
from web.db import AuditEvent, Role, User
from web.forms import Credentials, FirstAdmin, NewUser, UserChange, form_post
from web.login_limits import LoginLimits
from web.pages.render import page
from web.security import DB, Admin, log_in, password_matches
from web.users import create_user

router = APIRouter()

AUDIT_SHOWN = 500


@router.get("/login", name="login_page")
def login_page(request: Request) -> Response:
    return page(request, "login.html", None, error="")


@form_post(router, "/login")
def login(request: Request, db: DB, form: Annotated[Credentials, Form()]) -> Response:
    limits: LoginLimits = request.app.state.login_limits
    address = request.client.host if request.client else ""
    wait = limits.refused_for(form.name, address)
    if wait:
        record(db, None, "login throttled", f"user {form.name[:64]}", f"from {address}")
        db.commit()
        minutes = count(math.ceil(wait / 60), "minute")
        detail = f"too many failed logins for this account or from this address; try in {minutes}"
        raise HTTPException(429, detail, headers={"retry-after": str(wait)})
    user = db.scalar(select(User).where(User.name == form.name))
    if not password_matches(user, form.password) or user is None or not user.active:
        limits.failed(form.name, address)
        record(db, None, "login refused", f"user {form.name[:64]}", f"from {address}")
        db.commit()
        return page(request, "login.html", None, 401, error="wrong name or password")
    limits.succeeded(form.name)
    log_in(request, user)
    record(db, user, "login")
    db.commit()
    return RedirectResponse(request.url_for("dashboard"), status_code=303)


@form_post(router, "/logout")
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


@form_post(router, "/setup")
def setup(request: Request, db: DB, form: Annotated[FirstAdmin, Form()]) -> Response:
    _setup_allowed(request, db, form.token)
    try:
        user = create_user(db, form.name, form.password, Role.ADMIN)
    except ValueError as exc:
        return page(request, "setup.html", None, 400, token=form.token, error=str(exc))
    record(db, user, "first admin created", f"user {user.name}")
    db.commit()
    request.app.state.setup_token = None
    log_in(request, user)
    return RedirectResponse(request.url_for("dashboard"), status_code=303)


@router.get("/admin/users", name="users_page")
def users_page(request: Request, db: DB, admin: Admin) -> Response:
    users = db.scalars(select(User).order_by(User.name)).all()
    return page(request, "users.html", admin, users=users, error="")


@form_post(router, "/admin/users")
def add_user(request: Request, db: DB, admin: Admin, form: Annotated[NewUser, Form()]) -> Response:
    try:
        user = create_user(db, form.name, form.password, form.role)
    except (ValueError, IntegrityError) as exc:
        db.rollback()
        users = db.scalars(select(User).order_by(User.name)).all()
        return page(request, "users.html", admin, 400, users=users, error=str(exc))
    record(db, admin, "user created", f"user {user.name}", f"role {form.role}")
    db.commit()
    return RedirectResponse(request.url_for("users_page"), status_code=303)


@form_post(router, "/admin/users/{user_id}")
def change_user(
    request: Request, db: DB, admin: Admin, user_id: int, form: Annotated[UserChange, Form()]
) -> Response:
    role, active = form.role, form.active
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
