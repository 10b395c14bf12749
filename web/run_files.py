"""Where a run's files live: `runs/<run id>/` in the managed data folder, named by the
database's own id and never by anything a user typed."""

from __future__ import annotations

from pathlib import Path

from scheduler.output.tables import PLAN_FILES

PLAN = "plan"
WORKBOOK = "plan.xlsx"
REPORT = "report.html"
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
