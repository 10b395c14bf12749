"""A what-if study's folder: the comparison a commissioner reads, its charts, every plan.

comparison.csv / .xlsx   one row per variant and per sweep cell, deltas against the base
runs.csv                 one row per planned run (each sweep seed on its own)
sweep.csv                per sweep cell: each KPI's mean, min and max over the seeds
charts/kpis.png          KPI bars by variant
charts/coverage.png      coverage over the horizon per variant
charts/sweep.png         the sweep's KPI over its grid
variants/NAME/, sweep/NAME/   each run's full plan folder
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scenarios.whatif import Study
from scheduler.analysis.compare import SWEEP_CELL, RunResult, comparison, sweep_table

STUDY_FILES = frozenset(
    {
        "comparison.csv",
        "comparison.xlsx",
        "runs.csv",
        "sweep.csv",
        "charts",
        "variants",
        "sweep",
    }
)


def write_study(study: Study, results: dict[str, RunResult], folder: Path) -> pd.DataFrame:
    """Write the tables and charts of a planned study into `folder` (a staging folder: the
    caller renames it into place); the comparison table back for printing."""
    table = comparison(study, results)
    runs = pd.DataFrame([r.row for r in results.values()])
    sheets = {"comparison": table, "runs": runs}
    table.to_csv(folder / "comparison.csv", index=False)
    runs.to_csv(folder / "runs.csv", index=False)
    # matplotlib takes about a second to import: only commands that draw pay for it.
    from scheduler.output.charts import coverage_lines, kpi_bars, sweep_chart

    charts = folder / "charts"
    charts.mkdir(exist_ok=True)
    kpi_bars(table[table["kind"] != SWEEP_CELL], charts / "kpis.png")
    coverage_lines(
        {name: results[name].daily for name in ("base", *study.variants)},
        charts / "coverage.png",
    )
    if study.whatif.sweep is not None:
        cells = sweep_table(study, results)
        cells.to_csv(folder / "sweep.csv", index=False)
        sheets["sweep"] = cells
        if cells[f"{study.whatif.sweep.kpi}_mean"].notna().any():
            sweep_chart(cells, study.axes, study.whatif.sweep.kpi, charts / "sweep.png")
    with pd.ExcelWriter(folder / "comparison.xlsx", engine="openpyxl") as workbook:
        for name, frame in sheets.items():
            frame.to_excel(workbook, sheet_name=name, index=False, freeze_panes=(1, 1))
    return table
