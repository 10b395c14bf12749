"""The runs' worker pool, inside the app's process: starts queued runs in worker processes
(at most `run_slots` at once), notices the ones that end, and cancels on request.

A run is a row first (queued), so the queue survives a restart; the pool takes the oldest
queued row when a slot is free. A worker process records its own end; one that dies
without doing so (killed, out of memory) is settled here as failed, and at start-up any
row still "running" from a previous life of the app is marked failed, since no process of
this app runs it any more. One app process per database: two would share the queue.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess

from sqlalchemy import CursorResult, Engine, select, update
from sqlalchemy.orm import Session

from web.db import Run, RunStatus, now
from web.run_end import DEAD_WORKER, ended_how, settle_run
from web.run_worker import execute_run

TICK = 0.25
"""Seconds between looks at the queue and the workers."""

ASKED_TO_STOP = "asked to stop; the best plan so far is kept"


@dataclass
class Worker:
    process: BaseProcess
    cancelled_at: float | None = None


class RunPool:
    """The queue's shared part (taking queued rows up to `slots`, cancelling, stopping)
    with local worker processes; `web.dask_pool.DaskRunPool` runs them on a cluster."""

    def __init__(
        self, engine: Engine, database_url: str, runs_dir: str, slots: int, cancel_grace: float
    ) -> None:
        self.engine = engine
        self.database_url = database_url
        self.runs_dir = runs_dir
        self.slots = slots
        self.cancel_grace = cancel_grace
        self._workers: dict[int, Worker] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # spawn: a fresh interpreter per run, never a fork of a threaded web server.
        self._context = multiprocessing.get_context("spawn")

    def start(self) -> None:
        settle_orphans(self.engine)
        self._thread = threading.Thread(target=self._loop, name="run-pool", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop with the app: end every run and record why, so no row stays running."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            self._end_all("the app stopped during the run")

    def cancel(self, run_id: int) -> str:
        """Cancel a run: a queued one at once; a running one as Ctrl-C would, which keeps
        its best plan so far; then, past the grace period, by ending its process. Returns
        what was done, in words."""
        with Session(self.engine) as db, db.begin():
            result: CursorResult[tuple[()]] = db.execute(  # type: ignore[assignment]
                update(Run)
                .where(Run.id == run_id, Run.status == RunStatus.QUEUED)
                .values(status=RunStatus.CANCELLED, finished_at=now(), cancel_requested=True)
            )
            dropped = result.rowcount
            if not dropped:
                db.execute(
                    update(Run)
                    .where(Run.id == run_id, Run.status == RunStatus.RUNNING)
                    .values(cancel_requested=True, stage="cancelling: keeping the best plan")
                )
        if dropped:
            return "cancelled before it started"
        with self._lock:
            return ASKED_TO_STOP if self._interrupt(run_id) else "nothing to cancel"

    def _loop(self) -> None:
        while not self._stop.wait(TICK):
            with self._lock:
                self._reap()
                self._start_queued()

    def _start_queued(self) -> None:
        while self._running() < self.slots:
            run_id = claim_next(self.engine)
            if run_id is None:
                return
            self._launch(run_id)

    # Where runs run: local worker processes, one per run.

    def _running(self) -> int:
        return len(self._workers)

    def _launch(self, run_id: int) -> None:
        process = self._context.Process(
            target=execute_run,
            args=(run_id, self.database_url, self.runs_dir),
            name=f"carehome-run-{run_id}",
        )  # not a daemon: a run starts a search process of its own
        process.start()
        self._workers[run_id] = Worker(process)
        with Session(self.engine) as db, db.begin():
            db.execute(update(Run).where(Run.id == run_id).values(pid=process.pid))

    def _interrupt(self, run_id: int) -> bool:
        """SIGINT to the run's process, once: False when there is nothing to interrupt."""
        worker = self._workers.get(run_id)
        if worker is None or worker.cancelled_at is not None:
            return False
        worker.cancelled_at = time.monotonic()
        if worker.process.pid is not None:
            os.kill(worker.process.pid, signal.SIGINT)
        return True

    def _reap(self) -> None:
        for run_id, worker in list(self._workers.items()):
            process = worker.process
            overdue = (
                worker.cancelled_at is not None
                and time.monotonic() - worker.cancelled_at > self.cancel_grace
            )
            if process.is_alive() and overdue:
                process.kill()
            if process.is_alive():
                continue
            process.join()
            del self._workers[run_id]
            settle_run(self.engine, run_id, DEAD_WORKER.format(how=ended_how(process.exitcode)))

    def _end_all(self, message: str) -> None:
        for run_id, worker in list(self._workers.items()):
            worker.process.terminate()
            worker.process.join(10)
            settle_run(self.engine, run_id, message)
        self._workers.clear()


def claim_next(engine: Engine) -> int | None:
    """The oldest queued run, now marked running (its start), or None when none waits."""
    with Session(engine) as db, db.begin():
        run = db.scalars(
            select(Run).where(Run.status == RunStatus.QUEUED).order_by(Run.id).limit(1)
        ).first()
        if run is None:
            return None
        run.status = RunStatus.RUNNING
        run.stage = "starting"
        run.started_at = now()
        return run.id


def settle_orphans(engine: Engine) -> int:
    """Mark failed every run left running by an app that is gone (start-up only)."""
    with Session(engine) as db, db.begin():
        result: CursorResult[tuple[()]] = db.execute(  # type: ignore[assignment]
            update(Run)
            .where(Run.status == RunStatus.RUNNING)
            .values(
                status=RunStatus.FAILED,
                message=DEAD_WORKER.format(how="the app restarted"),
                finished_at=now(),
                pid=None,
            )
        )
        return result.rowcount
