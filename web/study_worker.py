"""A what-if study in a run's worker process: `carehome whatif`'s runs (the base, each
variant, each sweep run) planned one after another with `plan_variant`, each plan written
where `carehome whatif --out` writes it, then the same comparison, tables and charts
(`write_study`), into the run's `study/` folder, whole or not at all.

In turn, not in parallel: the study holds one of the pool's slots, as a plan does. A
cancel (SIGINT, as for a plan) stops the run being planned, which keeps its best plan so
far; the runs already planned stand and the rest are skipped, each a row saying so.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from scenarios.schema import Scenario
from scheduler.analysis.compare import SKIPPED, RunResult, keep_result, plan_variant
from scheduler.analysis.study_output import STUDY_FILES, write_study
from scheduler.output.outdir import staged_dir
from scheduler.solve.interrupt import INTERRUPTION, stop_search_on_ctrl_c
from scheduler.solve.settings import SolverSettings
from web.db import RunStatus
from web.run_files import study_dir
from web.run_record import DatabaseProgress, finish
from web.whatif_files import read_study

NOT_REACHED = f"{SKIPPED}: the study was cancelled before this run"
KEPT = "cancelled: the best plan so far was kept"


@contextlib.contextmanager
def cancel_on_sigint() -> Iterator[threading.Event]:
    """SIGINT (a cancel) set as a flag for the study's loop and passed to the search, as
    `stop_search_on_ctrl_c` does; never raised, so no step between two plans (building a
    model, writing a plan) is cut short. A cancel before a search begins makes that
    search keep the plan in hand at once."""
    asked = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        asked.set()
        INTERRUPTION.request()
        INTERRUPTION.requested = True

    with stop_search_on_ctrl_c():
        signal.signal(signal.SIGINT, handler)
        yield asked


def plan_study(
    progress: DatabaseProgress,
    runs_dir: Path,
    settings: SolverSettings,
    base: Scenario,
    base_name: str,
    whatif: tuple[str, str],
) -> None:
    """Plan the study `whatif` (its file name and text) on `base` and record its end."""
    filename, text = whatif
    study = read_study(filename, text.encode("utf-8"), base, base_name)
    runs = study.runs
    results: dict[str, RunResult] = {}
    out = study_dir(runs_dir, progress.run_id)
    with staged_dir(out, STUDY_FILES, "a what-if study") as staging, cancel_on_sigint() as asked:
        for k, (name, scenario) in enumerate(runs.items(), 1):
            if asked.is_set():
                results[name] = RunResult({"variant": name, "status": NOT_REACHED})
                continue
            progress.stage(f"planning {name}: run {k} of {len(runs)}")
            row, plan = plan_variant(name, scenario, settings)
            if plan is not None and plan.summary.interrupted:
                row["status"] = f"{row['status']} ({KEPT})"
            results[name] = keep_result(study, name, row, plan, staging)
        progress.stage("writing the comparison")
        write_study(study, results, staging)
    planned = sum(r.planned for r in results.values())
    finish(
        progress.engine,
        progress.run_id,
        RunStatus.CANCELLED if asked.is_set() else RunStatus.DONE,
        stage=f"{planned} of {len(runs)} runs planned",
    )
