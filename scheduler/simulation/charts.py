"""The simulation's two pictures: cumulative resident infections over time per policy (the
median run with its 5-95 % band), and each outcome's distribution over runs per policy.
matplotlib's object API, each file written whole (as `scheduler.output.charts`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

from scheduler.output.charts import _save


def infection_bands(days: pd.DataFrame, path: Path) -> Path:
    """Per policy: median cumulative resident infections by day, shaded 5th-95th
    percentile over runs."""
    fig = Figure(figsize=(8, 4.5))
    ax = fig.subplots()
    for policy, group in days.groupby("policy", sort=False):
        grid = group.pivot_table(index="date", columns="seed", values="resident_infections")
        grid = grid - grid.iloc[0].to_numpy() + 0  # from the first day's count
        x = pd.to_datetime(grid.index)
        values = grid.to_numpy(dtype=float)
        (line,) = ax.plot(x, np.median(values, axis=1), label=str(policy))
        ax.fill_between(
            x,
            np.percentile(values, 5, axis=1),
            np.percentile(values, 95, axis=1),
            color=line.get_color(),
            alpha=0.18,
        )
    ax.set_title("Cumulative resident infections (median, 5-95 % of runs)", fontsize=10)
    ax.set_ylabel("residents infected since day 1")
    ax.grid(alpha=0.3)
    ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.legend(fontsize=8)
    return _save(fig, path)


def outcome_distributions(runs: pd.DataFrame, outcomes: Sequence[str], path: Path) -> Path:
    """One panel per outcome: a box per policy over its runs, runs drawn as dots."""
    policies = list(dict.fromkeys(runs["policy"]))
    fig = Figure(figsize=(3.3 * len(outcomes), 3.8))
    axes = np.atleast_1d(fig.subplots(1, len(outcomes)))
    for ax, outcome in zip(axes, outcomes, strict=True):
        data = [runs.loc[runs["policy"] == p, outcome].to_numpy(dtype=float) for p in policies]
        ax.boxplot(data, whis=(5, 95), showfliers=False)
        for i, values in enumerate(data, start=1):
            jitter = np.linspace(-0.15, 0.15, len(values)) if len(values) > 1 else [0.0]
            ax.plot(i + np.asarray(jitter), values, ".", alpha=0.4, markersize=4)
        ax.set_xticks(range(1, len(policies) + 1), policies, rotation=30, fontsize=8)
        ax.set_title(outcome.replace("_", " "), fontsize=9)
        ax.grid(alpha=0.3, axis="y")
    fig.suptitle("Outcomes over runs (box: quartiles, whiskers: 5-95 %)", fontsize=11)
    return _save(fig, path)


def fit_chart(weekly: pd.DataFrame, authority: str, path: Path) -> Path:
    """Observed weekly outbreaks and excess deaths (dots) against the fitted runs' median
    and 90 % band."""
    fig = Figure(figsize=(9, 3.8))
    axes = fig.subplots(1, 2)
    x = pd.to_datetime(weekly["week_beginning"])
    panels = (
        ("outbreaks", "observed_outbreaks", "new outbreaks"),
        ("deaths", "observed_excess_deaths", "excess deaths (observed) and deaths (fit)"),
    )
    for ax, (name, observed, title) in zip(axes, panels, strict=True):
        if f"simulated_{name}_median" in weekly:
            ax.fill_between(
                x,
                weekly[f"simulated_{name}_p5"],
                weekly[f"simulated_{name}_p95"],
                alpha=0.25,
                label="fit, 90 % of runs",
            )
            ax.plot(x, weekly[f"simulated_{name}_median"], label="fit, median")
        if observed in weekly:
            ax.plot(x, weekly[observed], "o", color="black", markersize=4, label="observed")
        ax.set_title(f"{authority}: weekly {title}", fontsize=10)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
        ax.legend(fontsize=8)
    return _save(fig, path)
