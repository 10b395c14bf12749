"""How a run whose worker ended without recording its end is settled: the same words and
the same rule wherever the worker ran, on the app's machine or on a cluster's."""

from __future__ import annotations

import signal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from web.db import Run, RunStatus, now

DEAD_WORKER = "the worker process stopped before the run ended ({how})"


def ended_how(exitcode: int | None) -> str:
    """A worker process's end in words: its exit code, or the signal that ended it."""
    if exitcode is not None and exitcode < 0:
        return f"killed by signal {signal.Signals(-exitcode).name}"
    return f"exit code {exitcode}"


def settle_run(engine: Engine, run_id: int, message: str) -> None:
    """Cancelled if that was asked, else failed. A run that recorded its own end is left
    as it is, so whoever notices the worker's end first may call this."""
    with Session(engine) as db, db.begin():
        run = db.get(Run, run_id)
        if run is None or run.status != RunStatus.RUNNING:
            return
        run.status = RunStatus.CANCELLED if run.cancel_requested else RunStatus.FAILED
        run.message = message
        run.finished_at = now()
        run.pid = None
