"""A run's page, its live progress, cancelling, the brief and the downloads."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from scheduler.output.tables import BRIEF
from web.audit import record
from web.db import ACTIVE, Run, RunKind, RunStatus, now
from web.forms import form_post
from web.pages.render import config, get_run, page, run_plan
from web.pages.studies import study_context
from web.pages.value import value_context
from web.run_files import DOWNLOADS, download_path
from web.security import DB, Coordinator, Planner

router = APIRouter()

BRIEF_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
"""The brief is the scheduler's self-contained page, with its styles inline: shown as it
is, but sandboxed, with no script and nothing fetched."""


def progress_of(run: Run) -> dict[str, object]:
    started = run.started_at
    end = run.finished_at or now()
    limit = json.loads(run.settings).get("time_limit")
    return {
        "status": run.status,
        "stage": run.stage,
        "best_objective": run.best_objective,
        "seconds": round((end - started).total_seconds(), 1) if started else 0,
        "time_limit": limit,
        "active": run.status in ACTIVE,
    }


@router.get("/runs/{run_id}", name="run_page")
def run_page(request: Request, db: DB, user: Coordinator, run_id: int) -> Response:
    run = get_run(db, run_id)
    if run.kind == RunKind.WHATIF:
        return page(
            request,
            "study.html",
            user,
            run=run,
            progress=progress_of(run),
            settings=json.loads(run.settings),
            **study_context(request, run),
        )
    if run.kind == RunKind.VALUE:
        return page(
            request,
            "value.html",
            user,
            run=run,
            progress=progress_of(run),
            settings=json.loads(run.settings),
            resources=json.loads(run.value_resources or "[]"),
            **value_context(request, run),
        )
    plan = None
    if run.status in (RunStatus.DONE, RunStatus.CANCELLED):
        try:
            plan = run_plan(request, run)[0]
        except HTTPException:
            plan = None  # cancelled before any plan was found
    runs_dir = config(request).runs_dir
    files = [n for n in DOWNLOADS if (p := download_path(runs_dir, run.id, n)) and p.is_file()]
    return page(
        request,
        "run.html",
        user,
        run=run,
        plan=plan,
        progress=progress_of(run),
        settings=json.loads(run.settings),
        downloads=files,
    )


@router.get("/runs/{run_id}/progress", name="run_progress")
def run_progress(db: DB, user: Coordinator, run_id: int) -> JSONResponse:
    return JSONResponse(progress_of(get_run(db, run_id)))


@form_post(router, "/runs/{run_id}/cancel")
def cancel(request: Request, db: DB, user: Planner, run_id: int) -> Response:
    run = get_run(db, run_id)
    if run.status not in ACTIVE:
        raise HTTPException(409, f"run {run_id} has ended ({run.status})")
    outcome = request.app.state.pool.cancel(run.id)
    record(db, user, "run cancel", f"run {run.id}", outcome)
    db.commit()
    return RedirectResponse(request.url_for("run_page", run_id=run.id), 303)


@router.get("/runs/{run_id}/brief", name="run_brief")
def brief(request: Request, db: DB, user: Coordinator, run_id: int) -> Response:
    _plan, _scenario, folder = run_plan(request, get_run(db, run_id))
    return HTMLResponse(
        (folder / BRIEF).read_text(encoding="utf-8"),
        headers={"content-security-policy": BRIEF_CSP},
    )


@router.get("/runs/{run_id}/files/{name}", name="run_file")
def download(request: Request, db: DB, user: Coordinator, run_id: int, name: str) -> Response:
    run = get_run(db, run_id)
    run_plan(request, run)
    path = download_path(config(request).runs_dir, run.id, name)
    if path is None or not path.is_file():
        raise HTTPException(404, f"run {run.id} has no file {name!r}")
    record(db, user, "download", f"run {run.id}", name)
    db.commit()
    return FileResponse(path, filename=f"run-{run.id}-{name}")
