"""Rendering pages and finding the records a route names, shared by every router."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from scenarios.schema import Scenario
from scheduler.output.report_data import format_kpi, kpi_label
from scheduler.output.tables import read_plan_folder
from scheduler.plan import Plan
from web.config import WebConfig
from web.db import Role, Run, RunKind, RunStatus, ScenarioVersion, User
from web.run_files import plan_dir
from web.security import csrf_token

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
TEMPLATES.env.globals.update(kpi_label=kpi_label, format_kpi=format_kpi, Role=Role)


def page(
    request: Request, name: str, user: User | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page with what every page needs: the user (for the menu) and the form token."""
    role = Role(user.role) if user is not None else None
    return TEMPLATES.TemplateResponse(
        request,
        name,
        {"user": user, "role": role, "csrf": csrf_token(request), **context},
        status_code=status_code,
    )


def config(request: Request) -> WebConfig:
    return request.app.state.config  # type: ignore[no-any-return]


def get_version(db: Session, version_id: int) -> ScenarioVersion:
    version = db.get(ScenarioVersion, version_id)
    if version is None:
        raise HTTPException(404, f"no scenario version {version_id}")
    return version


def get_run(db: Session, run_id: int) -> Run:
    run = db.get(Run, run_id)
    if run is None:
        raise HTTPException(404, f"no run {run_id}")
    return run


def finished_plans() -> Select[Run]:
    """Plans (not studies) that ended with a plan, newest first: what a re-plan or a
    comparison of two plans may start from."""
    return (
        select(Run)
        .where(Run.kind == RunKind.PLAN, Run.status.in_([RunStatus.DONE, RunStatus.CANCELLED]))
        .order_by(Run.id.desc())
    )


def run_plan(request: Request, run: Run) -> tuple[Plan, Scenario, Path]:
    """The plan a finished run wrote (a cancelled run's best plan so far included)."""
    folder = plan_dir(config(request).runs_dir, run.id)
    if run.status not in (RunStatus.DONE, RunStatus.CANCELLED) or not folder.is_dir():
        raise HTTPException(404, f"run {run.id} has no plan ({run.status})")
    plan, scenario = _read(str(folder))
    return plan, scenario, folder


@functools.lru_cache(maxsize=8)
def _read(folder: str) -> tuple[Plan, Scenario]:
    """A plan folder, read once: a run's folder never changes after the run ends."""
    return read_plan_folder(folder)
