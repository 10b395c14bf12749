"""The dashboard, scenario versions (upload, example, edits) and starting runs."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, UploadFile
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from scenarios.limits import MAX_FILE_BYTES
from scenarios.load import ScenarioError
from scenarios.schema import OutbreakStatus, Scenario, Shift
from scheduler.analysis.value import resources
from scheduler.solve.backends import SOLVERS
from scheduler.solve.settings import PATHS
from web.audit import record
from web.db import Run, RunKind, RunStatus, ScenarioVersion, User
from web.forms import (
    OutbreakReport,
    Pick,
    RequestPin,
    RunRequest,
    ScenarioUpload,
    SheetsUpload,
    WorkerPin,
    form_post,
)
from web.import_files import CqcUpload, Upload, expected, import_uploads
from web.pages.render import config, finished_plans, get_version, page
from web.scenario_files import (
    EXAMPLES,
    example,
    read_scenario,
    stored_scenario,
    with_outbreak,
    with_request_pin,
    with_worker_pin,
)
from web.security import DB, Coordinator, Planner

router = APIRouter()
RECENT = 50
STUDY_ROWS = 3
"""Variants offered on the version page's what-if form (a file holds any number)."""
IMPORTED = "imported.yaml"
"""The file name an imported scenario is stored (and downloaded) under."""


@router.get("/", name="dashboard")
def dashboard(request: Request, db: DB, user: Coordinator) -> Response:
    versions = db.scalars(select(ScenarioVersion).order_by(ScenarioVersion.id.desc())).all()
    runs = db.scalars(select(Run).order_by(Run.id.desc()).limit(RECENT)).all()
    return page(request, "dashboard.html", user, versions=versions[:RECENT], runs=runs)


@router.get("/scenarios/new", name="new_scenario")
def new_scenario(request: Request, user: Planner) -> Response:
    return _new_scenario_page(request, user)


def _new_scenario_page(
    request: Request, user: User, status_code: int = 200, problems: list[str] | None = None
) -> Response:
    return page(
        request,
        "new_scenario.html",
        user,
        status_code,
        problems=problems or [],
        examples=EXAMPLES,
        max_mb=MAX_FILE_BYTES // 1_000_000,
        expected=expected(),
    )


def _refused(
    request: Request, db: Session, user: User, files: str, problems: list[str]
) -> Response:
    """An upload or import not stored: every problem on the page and in the audit trail."""
    record(db, user, "upload refused", files[:80], "\n".join(problems))
    db.commit()
    return _new_scenario_page(request, user, 400, problems)


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


@form_post(router, "/scenarios/upload")
async def upload(
    request: Request, db: DB, user: Planner, form: Annotated[ScenarioUpload, Form()]
) -> Response:
    name = form.file.filename or ""
    data = await form.file.read(MAX_FILE_BYTES + 1)
    try:
        scenario, text = read_scenario(name, data)
    except ScenarioError as exc:
        return _refused(request, db, user, name, exc.lines)
    version = _store(db, user, scenario, name, text, f"uploaded {name}")
    return RedirectResponse(request.url_for("version_page", version_id=version.id), 303)


@form_post(router, "/scenarios/import")
async def import_sheets(
    request: Request, db: DB, user: Planner, form: Annotated[SheetsUpload, Form()]
) -> Response:
    """Spreadsheets as `carehome import` reads them; stored only if every file is good."""
    files = [await _read(f) for f in form.files if f.filename]
    directory = await _read(form.cqc) if form.cqc and form.cqc.filename else None
    cqc = None
    if directory is not None:
        details = await _read(form.cqc_details) if form.cqc_details else None
        cqc = CqcUpload(directory, details, form.authorities, form.all_england)
    names = ", ".join(u.name for u in [*files, *([directory] if directory else [])])
    try:
        imported, note = await run_in_threadpool(import_uploads, files, cqc)
    except ScenarioError as exc:
        return _refused(request, db, user, names, exc.lines)
    version = _store(db, user, imported.scenario, IMPORTED, imported.yaml(), note)
    return RedirectResponse(request.url_for("version_page", version_id=version.id), 303)


async def _read(file: UploadFile) -> Upload:
    """A sent file, read no further than one byte past the file limit."""
    return Upload(file.filename or "", await file.read(MAX_FILE_BYTES + 1))


@form_post(router, "/scenarios/example")
def from_example(
    request: Request, db: DB, user: Planner, form: Annotated[Pick, Form()]
) -> Response:
    name = form.name
    try:
        scenario, text = example(name)
    except ScenarioError as exc:
        raise HTTPException(400, "; ".join(exc.lines)) from None
    version = _store(db, user, scenario, name, text, f"example {name}")
    return RedirectResponse(request.url_for("version_page", version_id=version.id), 303)


def show_version(
    request: Request,
    db: Session,
    user: User,
    version: ScenarioVersion,
    status_code: int = 200,
    problems: list[str] | None = None,
) -> Response:
    scenario = stored_scenario(version.filename, version.text)
    runs = db.scalars(select(Run).where(Run.version_id == version.id).order_by(Run.id)).all()
    done = db.scalars(finished_plans().limit(RECENT)).all()
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
        study_rows=STUDY_ROWS,
        value_resources=resources(scenario),
        shifts=list(Shift),
    )


@router.get("/versions/{version_id}", name="version_page")
def version_page(request: Request, db: DB, user: Coordinator, version_id: int) -> Response:
    return show_version(request, db, user, get_version(db, version_id))


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


@form_post(router, "/versions/{version_id}/runs")
def start_run(
    request: Request, db: DB, user: Planner, version_id: int, form: Annotated[RunRequest, Form()]
) -> Response:
    """Queue a plan of the version; with `previous_run`, a re-plan against that run's plan
    that keeps its decisions before `first_open` (`carehome plan --previous --from`)."""
    version = get_version(db, version_id)
    previous = db.get(Run, form.previous_run) if form.previous_run is not None else None
    if form.previous_run is not None and (
        previous is None
        or previous.status not in (RunStatus.DONE, RunStatus.CANCELLED)
        or previous.kind != RunKind.PLAN
    ):
        problem = f"previous run: {form.previous_run} is not a finished run with a plan"
        return show_version(request, db, user, version, 400, [problem])
    run = Run(
        version_id=version.id,
        previous_run_id=previous.id if previous else None,
        first_open=form.first_open if previous else None,
        settings=json.dumps(dataclasses.asdict(form.settings())),
        status=RunStatus.QUEUED,
        created_by=user.id,
    )
    db.add(run)
    db.flush()
    what = f"re-plan of run {previous.id}" if previous else "plan"
    record(db, user, "run queued", f"run {run.id}", f"{what} of version {version.id}")
    db.commit()
    return RedirectResponse(request.url_for("run_page", run_id=run.id), 303)


Change = Callable[[Scenario, str], tuple[Scenario, str]]
"""An edit of a version's scenario, given its file name for the problem lines."""


def _edit(
    request: Request,
    db: Session,
    user: User,
    version_id: int,
    change: Change,
    note: str,
    based_on_run: str,
) -> Response:
    """Store the edited scenario as a new version, or show why the edit is refused."""
    version = get_version(db, version_id)
    scenario = stored_scenario(version.filename, version.text)
    try:
        edited, text = change(scenario, version.filename)
    except ScenarioError as exc:
        return show_version(request, db, user, version, 400, exc.lines)
    run_id = int(based_on_run) if based_on_run.isdigit() else version.based_on_run_id
    child = _store(db, user, edited, version.filename, text, note, version, run_id)
    return RedirectResponse(request.url_for("version_page", version_id=child.id), 303)


@form_post(router, "/versions/{version_id}/pins/worker")
def pin_worker(
    request: Request, db: DB, user: Planner, version_id: int, form: Annotated[WorkerPin, Form()]
) -> Response:
    f = form
    return _edit(
        request,
        db,
        user,
        version_id,
        lambda s, source: with_worker_pin(s, source, f.worker, f.home, f.date, f.shift),
        f"pinned {f.worker} to {f.home} on {f.date} {f.shift}".strip(),
        f.run,
    )


@form_post(router, "/versions/{version_id}/pins/request")
def pin_request(
    request: Request, db: DB, user: Planner, version_id: int, form: Annotated[RequestPin, Form()]
) -> Response:
    f = form
    return _edit(
        request,
        db,
        user,
        version_id,
        lambda s, source: with_request_pin(s, source, f.request_id, f.facility, f.admit),
        f"pinned request {f.request_id} to {f.facility}" + (f" on {f.admit}" if f.admit else ""),
        f.run,
    )


@form_post(router, "/versions/{version_id}/outbreaks")
def outbreak(
    request: Request,
    db: DB,
    user: Planner,
    version_id: int,
    form: Annotated[OutbreakReport, Form()],
) -> Response:
    f = form
    return _edit(
        request,
        db,
        user,
        version_id,
        lambda s, source: with_outbreak(
            s, source, f.home, f.status, f.since, f.resident_cases, f.staff_cases
        ),
        f"outbreak at {f.home}: {f.status} since {f.since}",
        f.run,
    )
