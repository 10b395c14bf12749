"""Scaling curves: how time and memory grow with the number of homes and the horizon.

Two series of generated scenarios (fixed seed, 1.25 bank workers a home, as in the city):
homes 25 -> 400 planned whole and beyond that in authorities of 100 homes (decomposed,
as the national case is), at 14 days; and the horizon 7 -> 56 days at 95 homes. Each point
runs in a fresh process: the greedy baseline (model build + greedy) and the optimiser
with a short time limit, so that what grows is the work around the search (building,
the greedy start, LP completion, extraction), not the limit itself. A straight line
through log(time) against log(size) gives the growth exponent: time ~ size^k.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.run import RESULTS, in_fresh_process, peak_mb, planned
from scenarios.generate import generate, generate_authorities
from scenarios.schema import Scenario
from scheduler.heuristics.baseline import plan_baseline
from scheduler.pipeline.planner import plan_scenario
from scheduler.solve.settings import SolverSettings

HOMES = (25, 50, 100, 200, 400, 1000, 3000)
"""Homes series; the national 15,000 is the `national` case of `benchmarks.run`."""
DAYS = (7, 14, 28, 56)
WHOLE_UP_TO = 400
"""Largest scenario planned whole; above it, authorities of `AUTHORITY_HOMES` homes."""
AUTHORITY_HOMES = 100


def scaling_scenario(homes: int, days: int) -> Scenario:
    workers = round(1.25 * homes)
    if homes <= WHOLE_UP_TO:
        return generate(homes, workers, days, seed=7)
    return generate_authorities(math.ceil(homes / AUTHORITY_HOMES), homes, workers, days, seed=7)


def run_point(
    series: str, homes: int, days: int, time_limit: float, workers: int, jobs: int
) -> dict[str, Any]:
    """One point of a curve: the baseline's and the optimiser's times at this size."""
    scenario = scaling_scenario(homes, days)
    decomposed = homes > WHOLE_UP_TO
    settings = SolverSettings(time_limit=time_limit, workers=workers)
    started = time.perf_counter()
    greedy = planned(scenario, settings, plan_baseline, decomposed, jobs, None).summary
    greedy_at = time.perf_counter()
    best = planned(scenario, settings, plan_scenario, decomposed, jobs, None).summary
    return {
        "series": series,
        "homes": homes,
        "days": days,
        "variables": best.model_size.get("variables", 0),
        "build_s": best.build_seconds,
        "greedy_s": greedy.solve_seconds,
        "greedy_wall_s": round(greedy_at - started, 2),
        "optimiser_wall_s": round(time.perf_counter() - greedy_at, 2),
        "optimiser_solve_s": best.solve_seconds,
        "peak_mb": peak_mb(),
    }


def growth_exponent(sizes: pd.Series, seconds: pd.Series) -> float:
    """k in seconds ~ size^k, by least squares on the logs (points with time > 0)."""
    keep = seconds > 0
    if keep.sum() < 2:
        return math.nan
    slope, _ = np.polyfit(np.log(sizes[keep]), np.log(seconds[keep]), 1)
    return round(float(slope), 2)


def run_scaling(
    homes: Sequence[int],
    days: Sequence[int],
    time_limit: float,
    workers: int,
    jobs: int,
    out: Path | None,
) -> int:
    """Every point in its own process, then the table and the fitted exponents."""
    points = [("homes", h, 14) for h in homes] + [("days", 95, d) for d in days]
    rows = []
    for series, n_homes, n_days in points:
        rows.append(in_fresh_process(run_point, series, n_homes, n_days, time_limit, workers, jobs))
        print(pd.DataFrame(rows[-1:]).to_string(index=False), flush=True)
    table = pd.DataFrame(rows)
    print()
    print(table.to_string(index=False))
    print(f"\ngrowth exponents (time ~ size^k; optimiser limit {time_limit:g} s a plan):")
    homes_series = table[table["series"] == "homes"]
    curves = {
        "homes, planned whole": homes_series[homes_series["homes"] <= WHOLE_UP_TO],
        "homes, by authority": homes_series[homes_series["homes"] > WHOLE_UP_TO],
        "days": table[table["series"] == "days"],
    }
    for label, part in curves.items():
        if len(part) < 2:
            continue
        size = "days" if label == "days" else "homes"
        print(f"  {label} ({len(part)} points):")
        for column in ("build_s", "greedy_wall_s", "optimiser_wall_s", "variables", "peak_mb"):
            k = growth_exponent(part[size], part[column])
            print(f"    {column:>18} ~ {size}^{k}")
    target = out or RESULTS / f"{dt.date.today()}-scaling.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(target, index=False)
    print(f"\nwrote {target}")
    return 0
