"""Plan several variants of a scenario in parallel and compare their KPIs side by side.

A plan is a pure function of its scenario and solver settings, so variants run anywhere:
in local processes or on a Dask cluster (`distributed`, an optional extra); the results come
back and are written here, so the comparison does not depend on where or in which order
they ran. A failing variant is reported in its row and stops nothing else.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from scenarios.schema import Scenario
from scheduler.plan import Plan
from scheduler.planner import plan_scenario
from scheduler.settings import SolverSettings
from scheduler.tables import write_plan
from scheduler.validate import validate_plan

KPIS = (
    "cohort_tests_in_interval_pct",
    "outbreak_tests_in_window_pct",
    "shortfall_shifts_filled_pct",
    "isolation_requests_placed_pct",
    "isolation_mean_wait_days",
    "tests_booked",
    "shifts_filled",
)


def folder_name(variant: str) -> str:
    """A variant's plan folder: its name with spaces as dashes (names hold no separators)."""
    return variant.replace(" ", "-")


def plan_variant(
    name: str, scenario: Scenario, settings: SolverSettings
) -> tuple[dict[str, Any], Plan | None]:
    """One variant's comparison row and plan: a pure function, so it can run in any
    process or on any Dask worker and send its result back to be written here."""
    row: dict[str, Any] = {"variant": name}
    try:
        plan = plan_scenario(scenario, settings)
    except Exception as exc:  # reported in the comparison; the other variants go on
        return row | {"status": f"FAILED: {exc}"}, None
    s = plan.summary
    return row | {
        "status": s.status,
        "objective": s.objective,
        "gap_pct": round(100 * s.gap, 2),
        "solve_seconds": s.solve_seconds,
        "violations": len(validate_plan(scenario, plan)),
        **{k: s.kpis.get(k) for k in KPIS},
    }, plan


def run_variants(
    variants: dict[str, Scenario],
    settings: SolverSettings,
    out: Path,
    executor: concurrent.futures.Executor,
    progress: Callable[[int, int, dict[str, Any], float], None] | None = None,
) -> pd.DataFrame:
    """Plan every variant on `executor` (local processes or a Dask cluster's executor) and
    write each plan into `out/variants/NAME/`. One comparison row per variant, in the given
    order, with each KPI's change against the first variant. `progress` hears of each
    variant as it finishes: (done, total, its row, seconds since the start)."""
    folder = out / "variants"
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    futures = {
        executor.submit(plan_variant, name, scenario, settings): name
        for name, scenario in variants.items()
    }
    done: dict[str, dict[str, Any]] = {}
    for future in concurrent.futures.as_completed(futures):
        name = futures[future]
        row, plan = future.result()
        if plan is not None:
            write_plan(plan, variants[name], folder / folder_name(name))
        done[name] = row
        if progress is not None:
            progress(len(done), len(variants), row, time.perf_counter() - started)
    rows = [done[name] for name in variants]
    table = pd.DataFrame(rows)
    for kpi in KPIS:
        if kpi in table:
            table[f"{kpi}_vs_{rows[0]['variant']}"] = table[kpi] - table[kpi].iloc[0]
    return table


def local_executor(jobs: int) -> concurrent.futures.Executor:
    """Spawned processes: no solver state is shared with the parent or between variants."""
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn")
    )
