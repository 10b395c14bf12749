"""Plan every run of a what-if study in parallel and compare their KPIs side by side.

A plan is a pure function of its scenario and solver settings, so runs go anywhere: local
processes or a Dask cluster (`distributed`, an optional extra). Results come back and are
written here, so the comparison does not depend on where or in which order runs were
planned. A failing run becomes a row saying why and stops nothing else.
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from scenarios.atomic import inside
from scenarios.load import ScenarioError
from scenarios.schema import Scenario
from scenarios.whatif import Study
from scenarios.words import count
from scheduler.output.report_data import kpi_decimals
from scheduler.output.tables import write_plan
from scheduler.pipeline.checked import plan_and_check
from scheduler.pipeline.executors import local_executor as local_executor  # re-exported
from scheduler.pipeline.replan import calls, differences
from scheduler.plan import Change, DayKpis, Plan
from scheduler.solve.settings import SolverSettings

HEADLINE = "risk_weighted_coverage_pct"
"""The KPI that ranks runs: share of risk-weighted need met (higher is better)."""

KPIS = (
    HEADLINE,
    "cohort_tests_in_interval_pct",
    "outbreak_tests_in_window_pct",
    "shortfall_shifts_filled_pct",
    "isolation_requests_placed_pct",
    "isolation_mean_wait_days",
    "tests_booked",
    "shifts_filled",
    "unmet_cohort_test",
    "unmet_outbreak_test",
    "unmet_shift",
    "unmet_isolation",
)
FAILED = "FAILED"
SKIPPED = "SKIPPED"
"""A run a cancelled study never reached (the web app plans a study's runs in turn)."""
SWEEP_CELL = "sweep cell"
VARIANTS_DIR = "variants"
SWEEP_DIR = "sweep"


def folder_name(run: str) -> str:
    """A run's plan folder: its name with spaces as dashes (names hold no separators)."""
    return run.replace(" ", "-")


def plan_folder(study: Study, out: Path, run: str) -> Path:
    """Where a study written to `out` keeps `run`'s plan: `variants/NAME/` for the base
    and the variants, `sweep/NAME/` for a sweep run."""
    return inside(out / (SWEEP_DIR if run in study.cells else VARIANTS_DIR), folder_name(run))


def check_kpi(study: Study, source: str) -> None:
    """A sweep's heatmap KPI must be one the comparison has."""
    sweep = study.whatif.sweep
    if sweep is not None and sweep.kpi not in KPIS:
        raise ScenarioError(
            [f"{source}: sweep.kpi: {sweep.kpi!r} is not a KPI; one of {', '.join(KPIS)}"]
        )


@dataclass
class RunResult:
    """One run's comparison row and its per-day KPIs (empty if it failed)."""

    row: dict[str, Any]
    daily: list[DayKpis] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return str(self.row["status"]).startswith(FAILED)

    @property
    def planned(self) -> bool:
        """Whether the row has a plan's KPIs: neither failed nor skipped."""
        return not self.failed and not str(self.row["status"]).startswith(SKIPPED)


@dataclass(frozen=True)
class Progress:
    """Where a study stands: runs finished, being planned, failed, in all; elapsed seconds."""

    done: int
    running: int
    failed: int
    total: int
    seconds: float
    last: str
    last_status: str


@dataclass(frozen=True)
class KpiPair:
    key: str
    first: float | None
    second: float | None

    @property
    def change(self) -> float | None:
        """Second minus first, to the KPI's precision (None when either lacks it)."""
        if self.first is None or self.second is None:
            return None
        return round(self.second - self.first, kpi_decimals(self.key))


@dataclass(frozen=True)
class PlanPair:
    """Two plans side by side: every KPI of either, and the rows that differ with the
    reason their scenarios give, as a re-plan's changes are listed."""

    kpis: list[KpiPair]
    changes: list[Change]
    workers_to_call: int
    homes_to_call: int


def compare_plans(
    first: Plan, first_scenario: Scenario, second: Plan, second_scenario: Scenario
) -> PlanPair:
    """`second` against `first` over both horizons (before and after a re-plan, two runs
    of one scenario, two versions of a city)."""
    since = min(first_scenario.horizon.start, second_scenario.horizon.start)
    rows = differences(first, first_scenario, second, second_scenario, since)
    keys = [*first.summary.kpis, *(k for k in second.summary.kpis if k not in first.summary.kpis)]
    pairs = [KpiPair(k, first.summary.kpis.get(k), second.summary.kpis.get(k)) for k in keys]
    workers, homes = calls(rows)
    return PlanPair(pairs, rows, workers, homes)


def plan_variant(
    name: str, scenario: Scenario, settings: SolverSettings
) -> tuple[dict[str, Any], Plan | None]:
    """One run's comparison row and plan: a pure function, so it can run in any process or
    on any Dask worker and send its result back to be written here."""
    row: dict[str, Any] = {"variant": name}
    try:
        # As `carehome plan` does: a scenario of independent authorities by its parts (here
        # one after another: the runs themselves are what the study spreads over processes).
        checked = plan_and_check(scenario, settings)
    except Exception as exc:  # reported in the comparison; the other runs go on
        return row | {"status": f"{FAILED}: {exc}"}, None
    plan = checked.plan
    s = plan.summary
    return row | {
        "status": s.status,
        "objective": s.objective,
        "gap_pct": round(100 * s.gap, 2),
        "solve_seconds": s.solve_seconds,
        "violations": len(checked.violations),
        **{k: s.kpis.get(k) for k in KPIS},
    }, plan


def keep_result(
    study: Study, run: str, row: dict[str, Any], plan: Plan | None, out: Path
) -> RunResult:
    """A planned run's result, its plan (if any) written where the study keeps it."""
    if plan is not None:
        write_plan(plan, study.runs[run], plan_folder(study, out, run))
    return RunResult(row, plan.summary.daily if plan is not None else [])


def run_study(
    study: Study,
    settings: SolverSettings,
    out: Path,
    executor: concurrent.futures.Executor,
    slots: int,
    progress: Callable[[Progress], None] | None = None,
) -> dict[str, RunResult]:
    """Plan every run of `study` on `executor` and write each plan under `out`: variants in
    `variants/NAME/`, sweep runs in `sweep/NAME/`. `slots` is how many runs the executor
    plans at once, which is what `progress` reports as running. Results in study order."""
    runs = study.runs
    started = time.perf_counter()
    futures = {
        executor.submit(plan_variant, name, scenario, settings): name
        for name, scenario in runs.items()
    }
    results: dict[str, RunResult] = {}
    failed = 0
    for future in concurrent.futures.as_completed(futures):
        name = futures[future]
        row, plan = future.result()
        results[name] = keep_result(study, name, row, plan, out)
        failed += results[name].failed
        if progress is not None:
            pending = len(runs) - len(results)
            progress(
                Progress(
                    len(results),
                    min(pending, slots),
                    failed,
                    len(runs),
                    time.perf_counter() - started,
                    name,
                    str(row["status"]),
                )
            )
    return {name: results[name] for name in runs}


def comparison(study: Study, results: dict[str, RunResult]) -> pd.DataFrame:
    """One row per variant (the base first) and one per sweep cell (KPIs averaged over its
    seeds), each KPI's change against the base, and the best and worst run marked."""
    rows = [{"variant": "base", "kind": "base"} | results["base"].row]
    rows += [{"variant": n, "kind": "variant"} | results[n].row for n in study.variants]
    if study.cells:
        cells = sweep_table(study, results)
        for _, cell in cells.iterrows():
            rows.append(
                {"variant": cell["cell"], "kind": SWEEP_CELL, "status": cell["status"]}
                | {a: cell[a] for a in study.axes}
                | {"seeds": cell["seeds"], "gap_pct": cell["gap_pct_max"]}
                | {"solve_seconds": cell["solve_seconds_mean"]}
                | {"violations": cell["violations"]}
                | {k: cell[f"{k}_mean"] for k in KPIS}
            )
    table = pd.DataFrame(rows)
    for kpi in KPIS:
        if kpi in table:
            # to the KPI's precision, one digit more for a sweep cell's mean over seeds
            values = pd.to_numeric(table[kpi], errors="coerce")
            change = values - values.iloc[0]
            table[f"{kpi}_vs_base"] = change.round(kpi_decimals(kpi) + bool(study.cells))
    table.insert(2, "mark", _marks(table))
    return table


def _marks(table: pd.DataFrame) -> list[str]:
    """'best' and 'worst' by the headline KPI among runs that produced a plan."""
    marks = [""] * len(table)
    if HEADLINE not in table:
        return marks
    scores = pd.to_numeric(table[HEADLINE], errors="coerce")
    if scores.notna().sum() < 2 or scores.max() == scores.min():
        return marks
    marks[int(scores.idxmax())] = "best"
    marks[int(scores.idxmin())] = "worst"
    return marks


def sweep_table(study: Study, results: dict[str, RunResult]) -> pd.DataFrame:
    """One row per grid cell: its axis values, how many seeds ran and failed, and each KPI's
    mean, min and max over the seeds that produced a plan."""
    groups: dict[tuple[float, ...], list[str]] = {}
    for name, cell in study.cells.items():
        groups.setdefault(cell.values, []).append(name)
    rows = []
    for values, names in groups.items():
        ok = [results[n].row for n in names if results[n].planned]
        failures = [results[n].row["status"] for n in names if not results[n].planned]
        row: dict[str, Any] = dict(zip(study.axes, values, strict=True))
        row |= {
            "cell": study.cells[names[0]].label,
            "seeds": len(names),
            "failed": len(failures),
            "status": _cell_status(ok, failures),
            "violations": sum(r["violations"] for r in ok),
        }
        for metric in (*KPIS, "gap_pct", "solve_seconds"):
            series = pd.Series([r.get(metric) for r in ok], dtype=float)
            digits = kpi_decimals(metric) + 1 if metric in KPIS else 3
            row |= {
                f"{metric}_mean": round(series.mean(), digits),
                f"{metric}_min": series.min(),
                f"{metric}_max": series.max(),
            }
        rows.append(row)
    return pd.DataFrame(rows)


def _cell_status(ok: list[dict[str, Any]], failures: list[str]) -> str:
    if not ok:
        return failures[0]
    statuses = sorted({r["status"] for r in ok})
    status = statuses[0] if len(statuses) == 1 else "/".join(statuses)
    return (
        f"{status} ({count(len(failures), 'seed')} failed: {failures[0]})" if failures else status
    )
