"""Where a run's files live: `runs/<run id>/` in the managed data folder, named by the
database's own id and never by anything a user typed."""

from __future__ import annotations

from pathlib import Path

from scenarios.atomic import UnsafeNameError, inside
from scheduler.analysis.compare import SWEEP_DIR, VARIANTS_DIR, folder_name
from scheduler.output.tables import PLAN_FILES

PLAN = "plan"
WORKBOOK = "plan.xlsx"
REPORT = "report.html"
STUDY = "study"
"""A what-if study's folder in its run's, as `carehome whatif --out` writes it."""
COMPARISON = "comparison.csv"
STUDY_RUNS = "runs.csv"
VALUE_TABLE = "value.csv"
"""A value table's table, as `carehome value --out` writes it."""
DOWNLOADS = (*sorted(PLAN_FILES), WORKBOOK, REPORT)
"""Every file a run offers for download: the plan folder's files, the workbook and the
HTML report. A download names one of these keys; nothing else is ever served."""


def run_dir(runs_dir: Path, run_id: int) -> Path:
    return runs_dir / str(int(run_id))


def plan_dir(runs_dir: Path, run_id: int) -> Path:
    return run_dir(runs_dir, run_id) / PLAN


def download_path(runs_dir: Path, run_id: int, name: str) -> Path | None:
    """The file behind a download name, or None for a name that is not offered."""
    if name not in DOWNLOADS:
        return None
    folder = run_dir(runs_dir, run_id)
    return folder / name if name in (WORKBOOK, REPORT) else folder / PLAN / name


def study_dir(runs_dir: Path, run_id: int) -> Path:
    return run_dir(runs_dir, run_id) / STUDY


def value_table_path(runs_dir: Path, run_id: int) -> Path:
    return run_dir(runs_dir, run_id) / VALUE_TABLE


def study_run_file(runs_dir: Path, run_id: int, run: str, name: str) -> Path | None:
    """A plan file of one of a study's runs (the base, a variant or a sweep run, whose
    names never clash), or None when the name or file is not one the study wrote."""
    if name not in PLAN_FILES:
        return None
    for part in (VARIANTS_DIR, SWEEP_DIR):
        try:
            path = inside(study_dir(runs_dir, run_id) / part, folder_name(run)) / name
        except UnsafeNameError:
            return None
        if path.is_file():
            return path
    return None
