"""Charts of a what-if comparison, as PNG files a commissioner can paste into a briefing.

Three pictures answer the three questions asked of a surge study: how each variant scores
(bars per KPI), how its coverage holds up over the horizon (lines per variant), and how a
KPI moves over a swept grid (a heatmap, or a line with its seed range for one axis).
Figures are built with matplotlib's object API (no pyplot, so no global backend or figure
state, safe in worker threads) and each file is written whole (`scenarios.atomic`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

from scenarios.atomic import write_replacing
from scheduler.plan import DayKpis

BAR_KPIS = {
    "risk_weighted_coverage_pct": "risk-weighted coverage %",
    "cohort_tests_in_interval_pct": "cohort tests in interval %",
    "outbreak_tests_in_window_pct": "outbreak tests in window %",
    "shortfall_shifts_filled_pct": "short shifts filled %",
    "isolation_requests_placed_pct": "isolation requests placed %",
}


def _save(fig: Figure, path: Path) -> Path:
    return write_replacing(
        path, lambda staging: fig.savefig(staging, format="png", dpi=110, bbox_inches="tight")
    )


def kpi_bars(table: pd.DataFrame, path: Path) -> Path:
    """One panel per headline KPI, one bar per run that produced a plan."""
    shown = table.dropna(subset=[k for k in BAR_KPIS if k in table], how="all")
    names = list(shown["variant"])
    fig = Figure(figsize=(3.2 * len(BAR_KPIS), 0.9 + 0.3 * max(4, len(names))))
    axes = fig.subplots(1, len(BAR_KPIS))
    for ax, (kpi, label) in zip(np.atleast_1d(axes), BAR_KPIS.items(), strict=True):
        values = pd.to_numeric(shown.get(kpi), errors="coerce").fillna(0)
        ax.barh(names, values, color="#4c72b0")
        ax.set_xlim(0, 100)
        ax.set_title(label, fontsize=9)
        ax.invert_yaxis()
        ax.tick_params(labelsize=8)
        for y, v in enumerate(values):
            ax.text(min(v, 100) + 1, y, f"{v:.1f}", va="center", fontsize=7)
        if ax is not np.atleast_1d(axes)[0]:
            ax.set_yticklabels([])
    fig.suptitle("KPIs by variant", fontsize=11, y=1.04)
    return _save(fig, path)


def coverage_lines(daily: dict[str, Sequence[DayKpis]], path: Path) -> Path:
    """Per run, over the horizon: the share of people due a test by each day who were
    tested in time (cumulative), and the share of each day's short shifts filled."""
    fig = Figure(figsize=(12, 4.2))
    tests_ax, shifts_ax = fig.subplots(1, 2, sharex=True)
    for name, days in daily.items():
        if not days:
            continue
        dates = [d.date for d in days]
        due = np.cumsum([d.tests_due for d in days])
        met = np.cumsum([d.tests_due_met for d in days])
        tests_ax.plot(dates, _pct(met, due), marker=".", label=name)
        short = np.array([d.shifts_short for d in days])
        filled = np.array([d.shifts_filled for d in days])
        shifts_ax.plot(dates, _pct(filled, short), marker=".", label=name)
    tests_ax.set_title("people due a test by that day, tested in time (%)", fontsize=10)
    shifts_ax.set_title("short shifts filled that day (%)", fontsize=10)
    for ax in (tests_ax, shifts_ax):
        ax.set_ylim(0, 105)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    shifts_ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.suptitle("Coverage over the horizon", fontsize=11)
    return _save(fig, path)


def _pct(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """100 * part / whole, and nan where nothing was due (no point drawn)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(whole > 0, 100.0 * part / np.maximum(whole, 1), np.nan)


def sweep_chart(cells: pd.DataFrame, axes: list[str], kpi: str, path: Path) -> Path:
    """A heatmap of the KPI's mean over a two-axis grid, each cell annotated with its mean
    (and min-max over seeds when several); for one axis, the mean as a line with the seed
    range shaded."""
    label = BAR_KPIS.get(kpi, kpi)
    if len(axes) == 1:
        fig = Figure(figsize=(7, 4))
        ax = fig.subplots()
        ordered = cells.sort_values(axes[0])
        x = ordered[axes[0]].to_numpy(dtype=float)
        ax.plot(x, ordered[f"{kpi}_mean"], marker="o")
        ax.fill_between(x, ordered[f"{kpi}_min"], ordered[f"{kpi}_max"], alpha=0.2)
        ax.set_xlabel(axes[0])
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    else:
        grid = cells.pivot_table(index=axes[1], columns=axes[0], values=f"{kpi}_mean")
        grid = grid.sort_index(ascending=False)
        fig = Figure(figsize=(1.2 * grid.shape[1] + 3, 0.7 * grid.shape[0] + 2))
        ax = fig.subplots()
        image = ax.imshow(grid.to_numpy(dtype=float), cmap="RdYlGn", aspect="auto")
        ax.set_xticks(range(grid.shape[1]), [f"{v:g}" for v in grid.columns])
        ax.set_yticks(range(grid.shape[0]), [f"{v:g}" for v in grid.index])
        ax.set_xlabel(axes[0])
        ax.set_ylabel(axes[1])
        spread = cells.set_index([axes[0], axes[1]])
        for (i, y), (j, x) in _cells(grid):
            mean = grid.iloc[i, j]
            if np.isnan(mean):
                continue
            text = f"{mean:.1f}"
            lo, hi = spread.loc[(x, y), f"{kpi}_min"], spread.loc[(x, y), f"{kpi}_max"]
            if hi > lo:
                text += f"\n{lo:.1f}-{hi:.1f}"
            ax.text(j, i, text, ha="center", va="center", fontsize=7)
        fig.colorbar(image, ax=ax, label=label)
    ax.set_title(f"{label} over the sweep", fontsize=11)
    return _save(fig, path)


def _cells(grid: pd.DataFrame) -> list[tuple[tuple[int, float], tuple[int, float]]]:
    """((row index, row value), (column index, column value)) for every grid cell."""
    return [((i, y), (j, x)) for i, y in enumerate(grid.index) for j, x in enumerate(grid.columns)]
