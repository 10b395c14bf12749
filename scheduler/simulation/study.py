"""Many seeded runs of many policies, in parallel, and what they say side by side.

Every (policy, seed) run is a pure function of the scenario, so runs go to any executor
(`scheduler.pipeline.executors`: local processes or a Dask cluster) and come back here. Seeds are
shared by the policies (run k of every policy uses seed k, and the epidemic draws its
random numbers home by home), so a policy's difference from the baseline policy is taken
run by run, paired by seed, and its 95 % interval is the paired t interval.
"""

from __future__ import annotations

import concurrent.futures
import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.atomic import write_replacing, write_text
from scenarios.schema import Scenario
from scenarios.words import count
from scheduler.analysis.compare import Progress
from scheduler.simulation.run import OUTCOMES, RunOutcome, simulate_run
from scheduler.solve.settings import SolverSettings

T95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26}
"""Two-sided 95 % Student t quantiles by degrees of freedom (1.96 beyond 30; 2.09 at 20)."""


MIN_PAIRS = 10
"""Paired runs below which a comparison is flagged as too few to rely on: the t interval
of a handful of pairs is so wide, and its normality so untested, that it decides nothing."""


def verdict(low: float, high: float, pairs: int) -> str:
    """What a paired difference says: lower or higher than the baseline only when its 95 %
    interval is clear of zero; always flagged when the runs are too few to rely on."""
    if math.isnan(low) or math.isnan(high) or low <= 0 <= high:
        said = "cannot be told from zero"
    else:
        said = "lower" if high < 0 else "higher"
    if pairs < MIN_PAIRS:
        return f"too few runs ({count(pairs, 'pair')}, fewer than {MIN_PAIRS}): {said}"
    return said


def t95(df: int) -> float:
    if df in T95:
        return T95[df]
    return 2.23 if df < 12 else 2.09 if df < 25 else 2.04 if df < 40 else 1.98


def one_run(
    base: Scenario, policy: str, seed: int, weeks: int, replan: str, settings: SolverSettings
) -> RunOutcome:
    """A run that never raises: a failure becomes an outcome carrying its error."""
    try:
        return simulate_run(base, policy, seed, weeks, replan, settings)
    except Exception as exc:
        return RunOutcome(policy, seed, {}, error=f"{type(exc).__name__}: {exc}")


def run_study(
    base: Scenario,
    policies: list[str],
    seeds: list[int],
    weeks: int,
    replan: str,
    settings: SolverSettings,
    executor: concurrent.futures.Executor,
    slots: int,
    progress: Callable[[Progress], None] | None = None,
) -> list[RunOutcome]:
    """Every policy x seed run on `executor`; results in (policy, seed) order."""
    started = time.perf_counter()
    futures = {
        executor.submit(one_run, base, policy, seed, weeks, replan, settings): (policy, seed)
        for seed in seeds
        for policy in policies
    }
    done: dict[tuple[str, int], RunOutcome] = {}
    for future in concurrent.futures.as_completed(futures):
        policy, seed = futures[future]
        result = future.result()
        done[policy, seed] = result
        if progress is not None:
            status = result.error or ", ".join(
                f"{k} {result.totals[k]:g}" for k in OUTCOMES[:3] if k in result.totals
            )
            progress(
                Progress(
                    len(done),
                    min(len(futures) - len(done), slots),
                    sum(1 for r in done.values() if r.error),
                    len(futures),
                    time.perf_counter() - started,
                    f"{policy} seed {seed}",
                    status,
                )
            )
    return [done[p, s] for p in policies for s in seeds]


# ------------------------------------------------------------------ tables


def runs_table(results: list[RunOutcome]) -> pd.DataFrame:
    """One row per run: policy, seed, each outcome, plans made and their median seconds."""
    rows = []
    for r in results:
        seconds = [p.seconds for p in r.plans]
        rows.append(
            {"policy": r.policy, "seed": r.seed, "error": r.error}
            | {k: r.totals.get(k) for k in OUTCOMES}
            | {"plans": len(r.plans), "plan_seconds_median": _median(seconds)}
        )
    return pd.DataFrame(rows)


def outcomes_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per policy and outcome: runs, mean, 5th and 95th percentile, min and max."""
    rows = []
    ok = runs[runs["error"] == ""]
    for policy, group in ok.groupby("policy", sort=False):
        for k in OUTCOMES:
            x = group[k].to_numpy(dtype=float)
            rows.append(
                {
                    "policy": policy,
                    "outcome": k,
                    "runs": len(x),
                    "mean": round(float(x.mean()), 2),
                    "p5": round(float(np.percentile(x, 5)), 2),
                    "p95": round(float(np.percentile(x, 95)), 2),
                    "min": float(x.min()),
                    "max": float(x.max()),
                }
            )
    return pd.DataFrame(rows)


def comparison_table(runs: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Per policy other than `baseline` and outcome: the mean difference from `baseline`
    over the seeds both ran, with its paired 95 % interval (negative: fewer than the
    baseline) and its `verdict`."""
    ok = runs[runs["error"] == ""]
    base = ok[ok["policy"] == baseline][["seed", *OUTCOMES]]
    rows = []
    for policy, group in ok.groupby("policy", sort=False):
        if policy == baseline:
            continue
        paired = group.merge(base, on="seed", suffixes=("", "_base"))
        for k in OUTCOMES:
            d = (paired[k] - paired[f"{k}_base"]).to_numpy(dtype=float)
            n = len(d)
            mean = float(d.mean()) if n else math.nan
            half = t95(n - 1) * float(d.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
            base_mean = float(paired[f"{k}_base"].mean()) if n else math.nan
            rows.append(
                {
                    "policy": policy,
                    "baseline": baseline,
                    "outcome": k,
                    "pairs": n,
                    "mean": round(float(paired[k].mean()), 2) if n else math.nan,
                    "baseline_mean": round(base_mean, 2),
                    "difference": round(mean, 2),
                    "ci95_low": round(mean - half, 2),
                    "ci95_high": round(mean + half, 2),
                    "difference_pct": round(100 * mean / base_mean, 1) if base_mean else math.nan,
                    "verdict": verdict(mean - half, mean + half, n),
                }
            )
    return pd.DataFrame(rows)


def plans_table(results: list[RunOutcome]) -> pd.DataFrame:
    """Per policy: plans solved, failed (the greedy's plan used), median and 95th
    percentile seconds per plan, median and largest gap (against each solver's own bound;
    0 for rule-based plans, which claim none)."""
    rows = []
    for policy in dict.fromkeys(r.policy for r in results):
        plans = [p for r in results if r.policy == policy for p in r.plans]
        seconds = [p.seconds for p in plans]
        gaps = [p.gap for p in plans]
        rows.append(
            {
                "policy": policy,
                "plans": len(plans),
                "failed": sum(p.status.startswith("FAILED") for p in plans),
                "seconds_median": _median(seconds),
                "seconds_p95": round(float(np.percentile(seconds, 95)), 3) if seconds else None,
                "gap_median_pct": round(100 * _median(gaps), 2) if gaps else None,
                "gap_max_pct": round(100 * max(gaps), 2) if gaps else None,
            }
        )
    return pd.DataFrame(rows)


def daily_table(results: list[RunOutcome]) -> pd.DataFrame:
    """Every run's days: cumulative infections and the day's other outcomes."""
    rows = [{"policy": r.policy, "seed": r.seed} | asdict(d) for r in results for d in r.days]
    return pd.DataFrame(rows)


def _write_csv(table: pd.DataFrame, path: Path) -> Path:
    return write_replacing(path, lambda staging: table.to_csv(staging, index=False))


def _median(values: list[float]) -> float:
    return round(float(np.median(values)), 3) if values else 0.0


# ------------------------------------------------------------------ output


def write_outputs(
    out: Path,
    results: list[RunOutcome],
    baseline: str,
    meta: dict[str, object],
) -> dict[str, pd.DataFrame]:
    """The study's tables (CSV), charts (PNG) and `summary.json` into `out`."""
    runs = runs_table(results)
    tables = {
        "runs": runs,
        "outcomes": outcomes_table(runs),
        "comparison": comparison_table(runs, baseline),
        "plans": plans_table(results),
    }
    for name, table in tables.items():
        _write_csv(table, out / f"{name}.csv")
    days = daily_table(results)
    _write_csv(days, out / "daily.csv")
    if not days.empty:
        # matplotlib takes about a second to import: only commands that draw pay for it.
        from scheduler.simulation.charts import infection_bands, outcome_distributions

        infection_bands(days, out / "infections.png")
        outcome_distributions(runs[runs["error"] == ""], OUTCOMES[:5], out / "outcomes.png")
    summary = meta | {
        "baseline": baseline,
        "runs_failed": int((runs["error"] != "").sum()),
        "plans": tables["plans"].to_dict(orient="records"),
    }
    write_text(out / "summary.json", json.dumps(summary, indent=2, default=str) + "\n")
    return tables


STUDY_FILES = frozenset(
    {
        "runs.csv",
        "outcomes.csv",
        "comparison.csv",
        "plans.csv",
        "daily.csv",
        "infections.png",
        "outcomes.png",
        "summary.json",
    }
)
"""What a simulation folder holds: an --out folder holding anything else is not replaced."""
