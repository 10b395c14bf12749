"""What a run's worker writes to the run's row while it runs and when it ends, whether the
run is one plan (`web.run_worker`) or a what-if study's plans in turn (`web.study_worker`)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, update

from web.db import Run, RunStatus, now

PROGRESS_EVERY = 0.5
"""Seconds between progress writes: often enough to watch, rare enough for SQLite."""


class DatabaseProgress:
    """`scheduler.solve.settings.Progress` written to the run's row for the page to poll."""

    def __init__(self, engine: Engine, run_id: int) -> None:
        self.engine = engine
        self.run_id = run_id
        self._written = 0.0

    def _write(self, **values: Any) -> None:
        with self.engine.begin() as db:
            db.execute(update(Run).where(Run.id == self.run_id).values(**values))

    def stage(self, name: str) -> None:
        self._write(stage=name, best_objective=None)

    def found(self, objective: float) -> None:
        if time.monotonic() - self._written >= PROGRESS_EVERY:
            self._written = time.monotonic()
            self._write(best_objective=objective)


def finish(
    engine: Engine, run_id: int, status: RunStatus, message: str = "", **values: Any
) -> None:
    """Record the run's end, unless the app already settled it (a run ended for taking
    too long to cancel is not brought back)."""
    with engine.begin() as db:
        db.execute(
            update(Run)
            .where(Run.id == run_id, Run.status == RunStatus.RUNNING)
            .values(status=status, message=message, finished_at=now(), pid=None, **values)
        )
