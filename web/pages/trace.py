"""Who worked at a home before its outbreak, and where each goes next: `carehome trace`
over a run and the runs it re-planned, in turn (the plan history is the record)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from scheduler.analysis.trace import TraceInputError, read_plan_folders, trace, trace_table
from web.db import Run, RunStatus
from web.pages.render import config, get_run, page, run_plan
from web.run_files import plan_dir
from web.security import DB, Coordinator

router = APIRouter()

HISTORY_RUNS = 50
"""How many earlier runs a trace reads back through re-plans, at most."""

MAX_DAYS = 60
"""The longest look-back a trace offers (the CLI's `--days`)."""


@router.get("/runs/{run_id}/homes/{home_id}/trace", name="run_trace")
def trace_page(
    request: Request,
    db: DB,
    user: Coordinator,
    run_id: int,
    home_id: str,
    date: dt.date | None = None,
    days: Annotated[int, Query(ge=1, le=MAX_DAYS)] = 14,
) -> Response:
    run = get_run(db, run_id)
    _plan, scenario, folder = run_plan(request, run)
    if home_id not in {h.id for h in scenario.homes}:
        raise HTTPException(404, f"no home {home_id!r} in run {run.id}'s scenario")
    plans = read_plan_folders([folder, *_earlier(request, db, run)])
    day = date or scenario.horizon.start
    spans = sorted((p.scenario.horizon.start, p.scenario.horizon.end) for p in plans)
    problems = []
    if not any(first <= day <= last for first, last in spans):
        problems = [f"{day} is outside this run's plans ({spans[0][0]} to {spans[-1][1]})"]
    found = None
    if not problems:
        try:
            found = trace(plans, home_id, day, days)
        except TraceInputError:
            problems = [f"no trace of {home_id} on {day} in this run's plans"]
    return page(
        request,
        "trace.html",
        user,
        400 if problems else 200,
        run=run,
        home=next(h for h in scenario.homes if h.id == home_id),
        date=day,
        days=days,
        problems=problems,
        trace=found,
        rows=trace_table(found).to_dict("records") if found is not None else [],
    )


def _earlier(request: Request, db: Session, run: Run) -> list[Path]:
    """The plan folders of the runs `run` re-planned, newest first, while they have one."""
    folders = []
    seen = {run.id}
    previous = run.previous_run_id
    while previous is not None and previous not in seen and len(seen) <= HISTORY_RUNS:
        earlier = db.get(Run, previous)
        if earlier is None or earlier.status not in (RunStatus.DONE, RunStatus.CANCELLED):
            break
        folder = plan_dir(config(request).runs_dir, earlier.id)
        if not folder.is_dir():
            break
        folders.append(folder)
        seen.add(earlier.id)
        previous = earlier.previous_run_id
    return folders
