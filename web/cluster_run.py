"""A run on a Dask cluster's worker: the task `web.dask_pool.DaskRunPool` submits.

The task supervises the run in a process of its own (`python -m web.run_worker`), as the
app's pool does on its own machine, so a run is the same wherever it runs: its own
interpreter and cores, SIGINT as Ctrl-C for a cancel. The app reaches the task only
through the run's database row, which the task polls: `cancel_requested` is a cancel
(SIGINT, then, past the grace period, kill), and a row no longer running (the app stopped
or restarted and settled it) ends the process. A task started again by the scheduler after
its first worker died finds the row already claimed and settles it failed: a run is never
planned twice at once nor left running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import Engine, select, update

from web.config import DATABASE_ENV
from web.db import Run, RunStatus, make_engine
from web.run_end import DEAD_WORKER, ended_how, settle_run

POLL = 0.5
"""Seconds between looks at the run's row: a cancel reaches the run within this."""

LOST_WORKER = "the cluster worker running it was lost before the run ended"


def run_on_worker(run_id: int, database_url: str, runs_dir: str, cancel_grace: float) -> None:
    """The task: claim the run, start its process and watch it and its row until it ends."""
    engine = make_engine(database_url)
    try:
        if not _claim(engine, run_id, os.getpid()):
            settle_run(engine, run_id, LOST_WORKER)
            return
        process = subprocess.Popen(
            [sys.executable, "-m", "web.run_worker", str(run_id), runs_dir],
            stdin=subprocess.PIPE,
            env={**os.environ, DATABASE_ENV: database_url},
        )
        with engine.begin() as db:
            db.execute(update(Run).where(Run.id == run_id).values(pid=process.pid))
        _watch(engine, run_id, process, cancel_grace)
        settle_run(engine, run_id, DEAD_WORKER.format(how=ended_how(process.returncode)))
    finally:
        engine.dispose()


def _claim(engine: Engine, run_id: int, pid: int) -> bool:
    """The app leaves a run it submits running with no pid; the first attempt records
    its own, so a later attempt (its worker lost) knows the run was already under way."""
    with engine.begin() as db:
        claimed = db.execute(
            update(Run)
            .where(Run.id == run_id, Run.status == RunStatus.RUNNING, Run.pid.is_(None))
            .values(pid=pid)
        )
        return bool(claimed.rowcount)  # type: ignore[attr-defined]


def _watch(
    engine: Engine, run_id: int, process: subprocess.Popen[bytes], cancel_grace: float
) -> None:
    asked: float | None = None
    while True:
        try:
            process.wait(POLL)
            return
        except subprocess.TimeoutExpired:
            pass
        with engine.connect() as db:
            status, cancel = db.execute(
                select(Run.status, Run.cancel_requested).where(Run.id == run_id)
            ).one()
        if status != RunStatus.RUNNING:
            process.terminate()
        elif cancel and asked is None:
            asked = time.monotonic()
            process.send_signal(signal.SIGINT)
        elif asked is not None and time.monotonic() - asked > cancel_grace:
            process.kill()
