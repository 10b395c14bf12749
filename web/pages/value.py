"""Value tables of a stored version: started from its page ("What is one more worth?"),
queued as a run of kind value, and read on the run's page as the table `carehome value`
prints and writes, with the CSV to download: the evidence for a funding request."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from scenarios.load import ScenarioError
from scenarios.words import count
from web.audit import record
from web.db import Run, RunKind, RunStatus
from web.forms import ValueForm, form_post
from web.pages.render import config, get_run, get_version
from web.pages.scenarios import show_version
from web.run_files import VALUE_TABLE, value_table_path
from web.scenario_files import stored_scenario
from web.security import DB, Coordinator, Planner
from web.value_worker import chosen_resources

router = APIRouter()


@form_post(router, "/versions/{version_id}/value")
def start_value(
    request: Request, db: DB, user: Planner, version_id: int, form: Annotated[ValueForm, Form()]
) -> Response:
    """Queue the value table of the resources ticked, each re-plan with the form's settings."""
    version = get_version(db, version_id)
    base = stored_scenario(version.filename, version.text)
    try:
        chosen = chosen_resources(base, form.resources)
    except ScenarioError as exc:
        record(db, user, "run refused", f"version {version.id}", "\n".join(exc.lines))
        db.commit()
        return show_version(request, db, user, version, 400, exc.lines)
    run = Run(
        kind=RunKind.VALUE,
        version_id=version.id,
        value_resources=json.dumps(form.resources),
        value_step=form.step,
        settings=json.dumps(dataclasses.asdict(form.settings())),
        status=RunStatus.QUEUED,
        created_by=user.id,
    )
    db.add(run)
    db.flush()
    size = f"{count(len(chosen), 'resource')}, step {form.step}"
    detail = f"value table of version {version.id} ({size})"
    record(db, user, "run queued", f"run {run.id}", detail)
    db.commit()
    return RedirectResponse(request.url_for("run_page", run_id=run.id), 303)


def value_context(request: Request, run: Run) -> dict[str, Any]:
    """What the run page shows of a value table: its rows, as the CSV holds them."""
    path = value_table_path(config(request).runs_dir, run.id)
    if not path.is_file():
        return {"table": None, "columns": []}
    table = pd.read_csv(path)
    return {
        "table": table.astype(object).where(table.notna(), None).to_dict("records"),
        "columns": list(table.columns),
    }


@router.get("/runs/{run_id}/value.csv", name="value_csv")
def value_csv(request: Request, db: DB, user: Coordinator, run_id: int) -> Response:
    run = get_run(db, run_id)
    path = value_table_path(config(request).runs_dir, run.id)
    if run.kind != RunKind.VALUE or not path.is_file():
        raise HTTPException(404, f"run {run.id} has no value table")
    record(db, user, "download", f"run {run.id}", VALUE_TABLE)
    db.commit()
    return FileResponse(path, filename=f"run-{run.id}-{VALUE_TABLE}")
