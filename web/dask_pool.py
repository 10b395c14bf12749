"""The runs' pool on a Dask cluster (`carehome serve --dask`): the same queue, slots,
cancel and settling as the local pool, with each run a task on the cluster.

The queue stays the database's: a run is submitted only when a slot is free, so the
cluster never holds more than `slots` runs and a restart of the app loses no queued run.
A task that ends without the run recording its end (its worker lost for good, the
cluster gone) is settled here as failed. Cancels reach the task through the run's row
(`web.cluster_run`), which works wherever the worker is.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from sqlalchemy import Engine

from scheduler.pipeline.executors import MissingDaskError, open_client
from web.cluster_run import LOST_WORKER, run_on_worker
from web.run_end import settle_run
from web.run_pool import RunPool

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for the Dask scheduler at start-up before saying it cannot be reached."""


class ClusterError(Exception):
    """The Dask cluster cannot be used: one line saying which and why."""


class DaskRunPool(RunPool):
    def __init__(
        self,
        engine: Engine,
        database_url: str,
        runs_dir: str,
        slots: int,
        cancel_grace: float,
        address: str,
    ) -> None:
        """Connects now (or starts the `local:N` cluster), so that a cluster that cannot
        be reached stops the app before it serves anything."""
        super().__init__(engine, database_url, runs_dir, slots, cancel_grace)
        self._cluster = contextlib.ExitStack()
        try:
            self.client = self._cluster.enter_context(open_client(address, CONNECT_TIMEOUT))
        except MissingDaskError as exc:
            raise ClusterError(f"--dask {address}: {exc}") from None
        except (OSError, ValueError) as exc:
            self._cluster.close()
            raise ClusterError(f"--dask {address}: no Dask scheduler reached ({exc})") from None
        self._futures: dict[int, Any] = {}

    def _running(self) -> int:
        return len(self._futures)

    def _launch(self, run_id: int) -> None:
        self._futures[run_id] = self.client.submit(
            run_on_worker,
            run_id,
            self.database_url,
            self.runs_dir,
            self.cancel_grace,
            key=f"carehome-run-{run_id}-{uuid.uuid4().hex}",  # unique per app and database
        )

    def _interrupt(self, run_id: int) -> bool:
        """The task reads the cancel from the run's row, already written by `cancel`."""
        return run_id in self._futures

    def _reap(self) -> None:
        for run_id, future in list(self._futures.items()):
            if not future.done():
                continue
            del self._futures[run_id]
            message = LOST_WORKER
            if future.status == "error":
                exc = future.exception()
                message = f"{LOST_WORKER} ({type(exc).__name__}: {exc})"
            settle_run(self.engine, run_id, message)

    def _end_all(self, message: str) -> None:
        """Settle the runs first: their tasks see their rows settled and end their
        processes, even on a cluster that outlives the app."""
        for run_id in self._futures:
            settle_run(self.engine, run_id, message)
        self.client.cancel(list(self._futures.values()))
        self._futures.clear()
        self._cluster.close()
