"""The dashboard, scenario versions (upload, example, edits) and starting runs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from scenarios.limits import MAX_FILE_BYTES
from scenarios.load import ScenarioError
from scenarios.schema import OutbreakStatus, Scenario, Shift
from scheduler.solve.backends import SOLVERS
from scheduler.solve.settings import PATHS, SolverSettings
from web.audit import record
from web.db import Run, RunStatus, ScenarioVersion, User
from web.pages.render import config, get_run, get_version, page
from web.scenario_files import (
    EXAMPLES,
    example,
    read_scenario,
    stored_scenario,
    with_outbreak,
    with_request_pin,
    with_worker_pin,
)
from web.security import DB, Coordinator, Csrf, Planner

router = APIRouter()
RECENT = 50


class RunForm(BaseModel):
    """A run's settings as the form sends them: `carehome plan`'s options and ranges."""

    model_config = ConfigDict(extra="forbid")

    time_limit: float = Field(20.0, ge=0.1, le=3600)
    workers: int = Field(ge=1, le=64)
    seed: int = 0
    solver: str = Field("cp-sat", pattern="|".join(SOLVERS))
    relative_gap: float = Field(0.0, ge=0.0, le=1.0)
    path: str = Field("patterns", pattern="|".join(PATHS))
    lp_bound: bool = False

    def settings(self) -> SolverSettings:
        return SolverSettings(**self.model_dump())


@router.get("/", name="dashboard")
def dashboard(request: Request, db: DB, user: Coordinator) -> Response:
    versions = db.scalars(select(ScenarioVersion).order_by(ScenarioVersion.id.desc())).all()
    runs = db.scalars(select(Run).order_by(Run.id.desc()).limit(RECENT)).all()
    return page(request, "dashboard.html", user, versions=versions[:RECENT], runs=runs)


@router.get("/scenarios/new", name="new_scenario")
def new_scenario(request: Request, user: Planner) -> Response:
    return page(
        request,
        "new_scenario.html",
        user,
        problems=[],
        examples=EXAMPLES,
        max_mb=MAX_FILE_BYTES // 1_000_000,
    )


def _store(
    db: Session,
    user: User,
    scenario: Scenario,
    filename: str,
    text: str,
    note: str,
    parent: ScenarioVersion | None = None,
    based_on_run: int | None = None,
) -> ScenarioVersion:
    version = ScenarioVersion(
        name=scenario.name,
        filename=filename,
        text=text,
        note=note,
        created_by=user.id,
        parent_id=parent.id if parent else None,
        based_on_run_id=based_on_run,
    )
    db.add(version)
    db.flush()
    record(db, user, "scenario version stored", f"version {version.id}", note)
    db.commit()
    return version


@router.post("/scenarios/upload", dependencies=[Csrf])
async def upload(
    request: Request, db: DB, user: Planner, file: Annotated[UploadFile, File()]
) -> Response:
    data = await file.read(MAX_FILE_BYTES + 1)
    try:
        scenario, text = read_scenario(file.filename or "", data)
    except ScenarioError as exc:
        record(db, user, "upload refused", (file.filename or "")[:80], "\n".join(exc.lines))
        db.commit()
        return page(
            request,
            "new_scenario.html",
            user,
            400,
            problems=exc.lines,
            examples=EXAMPLES,
            max_mb=MAX_FILE_BYTES // 1_000_000,
        )
    version = _store(db, user, scenario, file.filename or "", text, f"uploaded {file.filename}")
    return RedirectResponse(request.url_for("version_page", version_id=version.id), 303)


@router.post("/scenarios/example", dependencies=[Csrf])
def from_example(request: Request, db: DB, user: Planner, name: Annotated[str, Form()]) -> Response:
    try:
        scenario, text = example(name)
    except ScenarioError as exc:
        raise HTTPException(400, "; ".join(exc.lines)) from None
    version = _store(db, user, scenario, name, text, f"example {name}")
    return RedirectResponse(request.url_for("version_page", version_id=version.id), 303)


def _version_page(
    request: Request,
    db: Session,
    user: User,
    version: ScenarioVersion,
    status_code: int = 200,
    problems: list[str] | None = None,
) -> Response:
    scenario = stored_scenario(version.filename, version.text)
    runs = db.scalars(select(Run).where(Run.version_id == version.id).order_by(Run.id)).all()
    done = db.scalars(
        select(Run)
        .where(Run.status.in_([RunStatus.DONE, RunStatus.CANCELLED]))
        .order_by(Run.id.desc())
        .limit(RECENT)
    ).all()
    return page(
        request,
        "version.html",
        user,
        status_code,
        version=version,
        scenario=scenario,
        runs=runs,
        previous_runs=done,
        problems=problems or [],
        solvers=SOLVERS,
        paths=PATHS,
        default_workers=config(request).search_workers,
        statuses=list(OutbreakStatus),
        shifts=list(Shift),
    )


@router.get("/versions/{version_id}", name="version_page")
def version_page(request: Request, db: DB, user: Coordinator, version_id: int) -> Response:
    return _version_page(request, db, user, get_version(db, version_id))


@router.get("/versions/{version_id}/scenario")
def version_text(db: DB, user: Coordinator, version_id: int) -> Response:
    version = get_version(db, version_id)
    return PlainTextResponse(
        version.text,
        media_type="application/x-yaml"
        if not version.filename.endswith(".json")
        else "application/json",
        headers={
            "content-disposition": f'attachment; filename="version-{version.id}-{version.filename}"'
        },
    )


@router.post("/versions/{version_id}/runs", dependencies=[Csrf])
def start_run(
    request: Request,
    db: DB,
    user: Planner,
    version_id: int,
    time_limit: Annotated[float, Form()],
    workers: Annotated[int, Form()],
    seed: Annotated[int, Form()] = 0,
    solver: Annotated[str, Form()] = "cp-sat",
    relative_gap: Annotated[float, Form()] = 0.0,
    path: Annotated[str, Form()] = "patterns",
    lp_bound: Annotated[bool, Form()] = False,
    previous_run: Annotated[str, Form()] = "",
    first_open: Annotated[str, Form()] = "",
) -> Response:
    """Queue a plan of the version; with `previous_run`, a re-plan against that run's plan
    that keeps its decisions before `first_open` (`carehome plan --previous --from`)."""
    version = get_version(db, version_id)
    problems: list[str] = []
    try:
        settings = RunForm(
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            solver=solver,
            relative_gap=relative_gap,
            path=path,
            lp_bound=lp_bound,
        ).settings()
    except ValidationError as exc:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    previous, opens = None, None
    if previous_run:
        previous = get_run(db, int(previous_run)) if previous_run.isdigit() else None
        if previous is None or previous.status not in (RunStatus.DONE, RunStatus.CANCELLED):
            problems.append(f"previous run: {previous_run!r} is not a finished run with a plan")
        try:
            opens = dt.date.fromisoformat(first_open) if first_open else None
        except ValueError:
            problems.append(f"from: {first_open!r} is not a date (YYYY-MM-DD)")
    if problems:
        return _version_page(request, db, user, version, 400, problems)
    run = Run(
        version_id=version.id,
        previous_run_id=previous.id if previous else None,
        first_open=opens,
        settings=json.dumps(dataclasses.asdict(settings)),
        status=RunStatus.QUEUED,
        created_by=user.id,
    )
    db.add(run)
    db.flush()
    what = f"re-plan of run {previous.id}" if previous else "plan"
    record(db, user, "run queued", f"run {run.id}", f"{what} of version {version.id}")
    db.commit()
    return RedirectResponse(request.url_for("run_page", run_id=run.id), 303)


def _edit(
    request: Request,
    db: Session,
    user: User,
    version: ScenarioVersion,
    edit: object,
    note: str,
    based_on_run: str,
) -> Response:
    """Store the edited scenario as a new version, or show why the edit is refused."""
    scenario = stored_scenario(version.filename, version.text)
    try:
        edited, text = edit(scenario)  # type: ignore[operator]
    except ScenarioError as exc:
        return _version_page(request, db, user, version, 400, exc.lines)
    run_id = int(based_on_run) if based_on_run.isdigit() else version.based_on_run_id
    child = _store(db, user, edited, version.filename, text, note, version, run_id)
    return RedirectResponse(request.url_for("version_page", version_id=child.id), 303)


@router.post("/versions/{version_id}/pins/worker", dependencies=[Csrf])
def pin_worker(
    request: Request,
    db: DB,
    user: Planner,
    version_id: int,
    worker: Annotated[str, Form()],
    home: Annotated[str, Form()],
    date: Annotated[dt.date, Form()],
    shift: Annotated[str, Form()] = "",
    run: Annotated[str, Form()] = "",
) -> Response:
    version = get_version(db, version_id)
    return _edit(
        request,
        db,
        user,
        version,
        lambda s: with_worker_pin(s, version.filename, worker, home, date, shift),
        f"pinned {worker} to {home} on {date} {shift}".strip(),
        run,
    )


@router.post("/versions/{version_id}/pins/request", dependencies=[Csrf])
def pin_request(
    request: Request,
    db: DB,
    user: Planner,
    version_id: int,
    request_id: Annotated[str, Form()],
    facility: Annotated[str, Form()],
    admit: Annotated[dt.date | None, Form()] = None,
    run: Annotated[str, Form()] = "",
) -> Response:
    version = get_version(db, version_id)
    return _edit(
        request,
        db,
        user,
        version,
        lambda s: with_request_pin(s, version.filename, request_id, facility, admit),
        f"pinned request {request_id} to {facility}" + (f" on {admit}" if admit else ""),
        run,
    )


@router.post("/versions/{version_id}/outbreaks", dependencies=[Csrf])
def outbreak(
    request: Request,
    db: DB,
    user: Planner,
    version_id: int,
    home: Annotated[str, Form()],
    status: Annotated[str, Form()],
    since: Annotated[dt.date, Form()],
    resident_cases: Annotated[int, Form()] = 0,
    staff_cases: Annotated[int, Form()] = 0,
    run: Annotated[str, Form()] = "",
) -> Response:
    version = get_version(db, version_id)
    return _edit(
        request,
        db,
        user,
        version,
        lambda s: with_outbreak(
            s, version.filename, home, status, since, resident_cases, staff_cases
        ),
        f"outbreak at {home}: {status} since {since}",
        run,
    )
