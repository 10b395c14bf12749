"""What-if studies of a stored version: started from its page with a what-if file or the
form of common shocks, queued as a run of kind what-if, and read on the run's page as the
comparison `carehome whatif --out` writes, with each run's plan tables to download."""

from __future__ import annotations

import dataclasses
import itertools
import json
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from scenarios.limits import MAX_FILE_BYTES
from scenarios.load import ScenarioError
from scenarios.whatif import Study
from scheduler.analysis.compare import KPIS
from scheduler.output.tables import PLAN_FILES
from web.audit import record
from web.db import Run, RunKind, RunStatus, ScenarioVersion, User
from web.forms import SolverFields, StudyForm, StudyUpload, form_post
from web.pages.render import config, get_run, get_version
from web.pages.scenarios import show_version
from web.run_files import COMPARISON, STUDY_RUNS, study_dir, study_run_file
from web.scenario_files import stored_scenario
from web.security import DB, Coordinator, Planner
from web.whatif_files import VariantRow, form_study, read_study

router = APIRouter()


@form_post(router, "/versions/{version_id}/studies/upload")
async def upload_study(
    request: Request, db: DB, user: Planner, version_id: int, form: Annotated[StudyUpload, Form()]
) -> Response:
    """A what-if file planned on this version (its `base:` ignored)."""
    version = get_version(db, version_id)
    name = form.file.filename or ""
    data = await form.file.read(MAX_FILE_BYTES + 1)
    base = stored_scenario(version.filename, version.text)
    try:
        study = read_study(name, data, base, version.filename)
    except ScenarioError as exc:
        return _refused(request, db, user, version, name, exc.lines)
    return _queue(request, db, user, version, form, study, (name, data.decode("utf-8")))


@form_post(router, "/versions/{version_id}/studies")
def form_study_post(
    request: Request, db: DB, user: Planner, version_id: int, form: Annotated[StudyForm, Form()]
) -> Response:
    """A study of the variants typed on the version page's form."""
    version = get_version(db, version_id)
    fields = (
        form.name,
        form.outbreaks,
        form.bank_unavailable,
        form.site,
        form.site_scale,
        form.staff_sick,
    )
    rows = [VariantRow(*row) for row in itertools.zip_longest(*fields, fillvalue="")]
    base = stored_scenario(version.filename, version.text)
    try:
        study, text = form_study(rows, form.seed, base, version.filename)
    except ScenarioError as exc:
        return _refused(request, db, user, version, "the what-if form", exc.lines)
    return _queue(request, db, user, version, form, study, ("whatif.yaml", text))


def _refused(
    request: Request,
    db: Session,
    user: User,
    version: ScenarioVersion,
    what: str,
    problems: list[str],
) -> Response:
    """A study not queued: every problem on the version's page and in the audit trail."""
    record(db, user, "upload refused", what[:80], "\n".join(problems))
    db.commit()
    return show_version(request, db, user, version, 400, problems)


def _queue(
    request: Request,
    db: Session,
    user: User,
    version: ScenarioVersion,
    form: SolverFields,
    study: Study,
    whatif: tuple[str, str],
) -> Response:
    filename, text = whatif
    run = Run(
        kind=RunKind.WHATIF,
        version_id=version.id,
        whatif_filename=filename,
        whatif_text=text,
        settings=json.dumps(dataclasses.asdict(form.settings())),
        status=RunStatus.QUEUED,
        created_by=user.id,
    )
    db.add(run)
    db.flush()
    size = f"{len(study.runs)} runs: the base, {len(study.variants)} variants"
    if study.cells:
        size += f", {len(study.cells)} sweep runs"
    detail = f"what-if study of version {version.id} ({filename}; {size})"
    record(db, user, "run queued", f"run {run.id}", detail)
    db.commit()
    return RedirectResponse(request.url_for("run_page", run_id=run.id), 303)


def study_context(request: Request, run: Run) -> dict[str, Any]:
    """What the run page shows of a study: its comparison and its runs' plan files."""
    runs_dir = config(request).runs_dir
    folder = study_dir(runs_dir, run.id)
    if not (folder / COMPARISON).is_file():
        return {"table": None, "kpis": [], "runs": []}
    table = pd.read_csv(folder / COMPARISON)
    names = pd.read_csv(folder / STUDY_RUNS, dtype={"variant": str})["variant"]
    files = {
        name: [f for f in sorted(PLAN_FILES) if study_run_file(runs_dir, run.id, name, f)]
        for name in names
    }
    return {
        "table": table.astype(object).where(table.notna(), None).to_dict("records"),
        "kpis": [k for k in KPIS if k in table],
        "runs": [(name, found) for name, found in files.items() if found],
    }


def _ended(db: Session, run_id: int) -> Run:
    run = get_run(db, run_id)
    if run.kind != RunKind.WHATIF or run.status not in (RunStatus.DONE, RunStatus.CANCELLED):
        raise HTTPException(404, f"run {run.id} is not a finished what-if study")
    return run


@router.get("/runs/{run_id}/comparison.csv", name="study_comparison")
def comparison_csv(request: Request, db: DB, user: Coordinator, run_id: int) -> Response:
    run = _ended(db, run_id)
    path = study_dir(config(request).runs_dir, run.id) / COMPARISON
    if not path.is_file():
        raise HTTPException(404, f"run {run.id} has no comparison")
    record(db, user, "download", f"run {run.id}", COMPARISON)
    db.commit()
    return FileResponse(path, filename=f"run-{run.id}-{COMPARISON}")


@router.get("/runs/{run_id}/study/{variant}/{name}", name="study_file")
def study_file(
    request: Request, db: DB, user: Coordinator, run_id: int, variant: str, name: str
) -> Response:
    """One plan file of one of the study's runs."""
    run = _ended(db, run_id)
    path = study_run_file(config(request).runs_dir, run.id, variant, name)
    if path is None:
        raise HTTPException(404, f"run {run.id} has no file {name!r} for {variant!r}")
    record(db, user, "download", f"run {run.id}", f"{variant}: {name}")
    db.commit()
    return FileResponse(path, filename=f"run-{run.id}-{variant.replace(' ', '-')}-{name}")
