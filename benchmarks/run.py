"""Planner benchmarks: build, solve and wall time, peak memory, objective, bounds and KPIs
by scenario size and backend, against a greedy baseline and the LP relaxation bound.

    python -m benchmarks.run [--sizes tiny,small,city] [--solvers cp-sat,cbc,highs,greedy]
                             [--paths patterns,direct] [--time-limit S] [--workers 2]
                             [--repeat R] [--jobs 2]
                             [--dask ADDRESS] [--no-lp-bound] [--scaling]

Each case is a builder with a fixed seed, registered in `benchmarks.cases.CASES`; each
case and backend runs in a fresh process so that its peak memory (RSS, its own plus its
largest child's) is its own. `greedy` is the hand planner's baseline
(`scheduler.heuristics.baseline`). A multi-authority case is planned by decomposition, its parts on
`--jobs` local processes (or `--dask`); `--paths` plans tier 1 by whole schedules, by the
direct model, or both side by side. Its build and solve seconds are then summed over
the parts (processor time) and its wall seconds are elapsed time. Prints the table, the
optimiser's margin over the greedy baseline in risk-weighted coverage, and writes
`benchmarks/results/<date>.csv`. `--scaling` runs the scaling curves instead
(`benchmarks.scaling`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.cases import CASES
from constraints.build import build_model
from constraints.model import tier_terms
from scenarios.schema import Scenario
from scheduler.heuristics.baseline import SOLVER as GREEDY
from scheduler.heuristics.baseline import plan_baseline
from scheduler.pipeline.decompose import Planner, independent_parts, plan_decomposed
from scheduler.pipeline.executors import local_executor, open_executor
from scheduler.pipeline.planner import plan_scenario
from scheduler.plan import Plan
from scheduler.solve.backends import SOLVERS
from scheduler.solve.lp import lp_relaxation_bound
from scheduler.solve.search_process import shutdown
from scheduler.solve.settings import PATHS, SolverSettings
from scheduler.validate import validate_plan

BACKENDS = (*SOLVERS, GREEDY)
RESULTS = Path(__file__).resolve().parent / "results"

KPI_COLUMNS = {
    "risk_weighted_coverage_pct": "risk_cover_pct",
    "cohort_tests_in_interval_pct": "cohorts_pct",
    "outbreak_tests_in_window_pct": "outbreak_pct",
    "shortfall_shifts_filled_pct": "shifts_pct",
    "isolation_requests_placed_pct": "isolation_pct",
}

SHOWN = (
    "case", "backend", "path", "homes", "workers", "days", "parts", "variables", "status",
    "objective", "bound", "gap_pct", "lp_bound", "from_lp_pct", "build_s", "solve_s",
    "wall_s", "process_s", "cpu_s", "peak_mb", "risk_cover_pct", "violations",
)  # fmt: skip


def peak_mb() -> int:
    """Peak resident memory of this process plus its largest finished child (the search
    process, or a decomposed part)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + child) / 1024)


def cpu_seconds() -> float:
    """Processor seconds used by this process and its finished children: what 2 cores
    must supply, whatever else the machine is running (wall time is not)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + child.ru_utime + child.ru_stime


def planned(
    scenario: Scenario,
    settings: SolverSettings,
    planner: Planner,
    decomposed: bool,
    jobs: int,
    dask: str | None,
) -> Plan:
    """`planner` on the whole scenario, or on its independent parts in parallel: on `jobs`
    local processes, the Dask scheduler at `dask`, or (`dask` = "local:N") a Dask
    LocalCluster of N single-threaded worker processes started for it."""
    if not decomposed:
        return planner(scenario, settings)
    with open_executor(jobs, dask) as (executor, _slots):
        return plan_decomposed(scenario, settings, executor, planner)


def run_case(
    name: str,
    backend: str,
    time_limit: float | None,
    workers: int | None,
    seed: int,
    jobs: int = 2,
    dask: str | None = None,
    path: str = "patterns",
) -> dict[str, Any]:
    """One case with one backend, in this (fresh) process: the table's row."""
    started = time.perf_counter()
    case = CASES[name]
    scenario = case.build()
    loaded = time.perf_counter() - started
    settings = SolverSettings(
        time_limit=time_limit or case.time_limit,
        workers=workers or case.workers or 2,
        seed=seed,
        solver=backend if backend in SOLVERS else "cp-sat",
        path=path,
    )
    planner = plan_baseline if backend == GREEDY else plan_scenario
    plan = planned(scenario, settings, planner, case.decomposed, jobs, dask)
    shutdown()  # the search process's memory and processor time count from here on
    planned_at = time.perf_counter()
    violations = validate_plan(scenario, plan)
    s = plan.summary
    return {
        "case": name,
        "backend": backend,
        "path": "" if backend == GREEDY else path,
        "homes": len(scenario.homes),
        "workers": len(scenario.workers),
        "days": scenario.horizon.days,
        "parts": len(independent_parts(scenario)) if case.decomposed else 1,
        "time_limit": settings.time_limit,
        "search_workers": settings.workers,
        "variables": s.model_size.get("variables", 0),
        "constraints": s.model_size.get("constraints", 0),
        "status": s.status,
        "objective": s.objective,
        "bound": round(s.best_bound),
        "gap_pct": round(100 * s.gap, 2),
        "load_s": round(loaded, 2),
        "build_s": round(s.build_seconds, 2),
        "solve_s": round(s.solve_seconds, 2),
        "wall_s": round(planned_at - started - loaded, 2),
        "plan_wall_s": round(s.wall_seconds, 2),
        "validate_s": round(time.perf_counter() - planned_at, 2),
        "peak_mb": peak_mb(),
        "cpu_s": round(cpu_seconds(), 1),
        **{short: s.kpis.get(kpi) for kpi, short in KPI_COLUMNS.items()},
        "violations": len(violations),
    }


def part_lp_bound(scenario: Scenario, time_limit: float) -> float | None:
    """Tier 1's LP relaxation of one (part of a) scenario: no plan of it can do better."""
    built = build_model(scenario)
    tier = min(built.tier_names)
    terms = tier_terms(built.penalties, tier)
    return lp_relaxation_bound(built.model, terms, time_limit, tier)


def lp_case(name: str, time_limit: float, jobs: int = 2, dask: str | None = None) -> dict[str, Any]:
    """The case's LP bound: the sum of its independent parts' (exact, as they share
    nothing), None if any part's LP does not finish within `time_limit`."""
    started = time.perf_counter()
    case = CASES[name]
    scenario = case.build()
    parts = [p.scenario for p in independent_parts(scenario)] if case.decomposed else [scenario]
    if len(parts) == 1:
        bounds = [part_lp_bound(parts[0], time_limit)]
    else:
        with open_executor(jobs, dask) as (executor, _slots):
            futures = [executor.submit(part_lp_bound, p, time_limit) for p in parts]
            bounds = [f.result() for f in futures]
    total = None if any(b is None for b in bounds) else sum(b for b in bounds if b is not None)
    return {
        "case": name,
        "lp_bound": total,
        "lp_s": round(time.perf_counter() - started, 2),
        "lp_peak_mb": peak_mb(),
    }


def in_fresh_process(function: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """`function(*args)` in a new spawned process; adds its whole-process wall seconds."""
    started = time.perf_counter()
    # Not a multiprocessing.Pool: its workers are daemons, which may not start the
    # processes a decomposed case plans its parts in.
    with local_executor(1) as pool:
        row: dict[str, Any] = pool.submit(function, *args).result()
    return row | {"process_s": round(time.perf_counter() - started, 2)}


def with_lp(table: pd.DataFrame, lp: pd.DataFrame) -> pd.DataFrame:
    """Each plan's distance above the LP bound, as a share of its objective."""
    if lp.empty:
        return table.assign(lp_bound=None, from_lp_pct=None)
    table = table.merge(lp[["case", "lp_bound", "lp_s"]], on="case", how="left")
    distance = (table["objective"] - table["lp_bound"]) / table["objective"].clip(lower=1)
    return table.assign(from_lp_pct=(100 * distance).round(2))


def summarised(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per case and backend: the median of the repeats' numbers."""
    keys = ["case", "backend", "path"]
    numbers = [c for c in rows.columns if c not in keys and pd.api.types.is_numeric_dtype(rows[c])]
    medians = rows.groupby(keys, sort=False)[numbers].median().reset_index()
    for c in numbers:
        if pd.api.types.is_integer_dtype(rows[c]):
            medians[c] = medians[c].round().astype(int)
    text = rows.groupby(keys, sort=False)[["status"]].first().reset_index()
    return medians.merge(text, on=keys)


def margins(table: pd.DataFrame) -> pd.DataFrame:
    """Per case, each optimiser backend's risk-weighted coverage over the greedy's."""
    greedy = table[table["backend"] == GREEDY].set_index("case")["risk_cover_pct"]
    rows = []
    for _, r in table[table["backend"] != GREEDY].iterrows():
        if r["case"] in greedy.index:
            rows.append(
                {
                    "case": r["case"],
                    "backend": r["backend"],
                    "path": r["path"],
                    "optimiser_pct": r["risk_cover_pct"],
                    "greedy_pct": greedy[r["case"]],
                    "margin_pts": round(r["risk_cover_pct"] - greedy[r["case"]], 1),
                }
            )
    return pd.DataFrame(rows)


def dask_speedup(names: list[str], backends: list[str], args: argparse.Namespace) -> int:
    """Each decomposed size and backend on a LocalCluster of 1 worker, then of 2: the wall
    seconds of each and the speed-up."""
    rows = []
    for name in (n for n in names if CASES[n].decomposed):
        for backend in backends:
            walls = []
            for n in (1, 2):
                run = (name, backend, args.time_limit, args.workers, args.seed, n, f"local:{n}")
                # The plan's own elapsed time: starting the cluster is not planning.
                walls.append(in_fresh_process(run_case, *run)["plan_wall_s"])
            rows.append(
                {"case": name, "backend": backend, "wall_s_1_worker": walls[0]}
                | {"wall_s_2_workers": walls[1], "speedup": round(walls[0] / walls[1], 2)}
            )
            print(pd.DataFrame(rows[-1:]).to_string(index=False), flush=True)
    print()
    print(pd.DataFrame(rows).to_string(index=False))
    return 0


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x.strip())


def _parser() -> argparse.ArgumentParser:
    """The command's options; each size, solver and path is named, never numbered."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--sizes", default="tiny,small,city", help=f"comma list of {', '.join(CASES)}"
    )
    parser.add_argument(
        "--solvers", default=f"cp-sat,{GREEDY}", help=f"comma list of {', '.join(BACKENDS)}"
    )
    parser.add_argument(
        "--time-limit", type=float, default=None, help="seconds per plan (per authority)"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="CP-SAT workers a plan (default 2; 1 a part)"
    )
    parser.add_argument(
        "--paths", default="patterns", help="comma list of how tier 1 is planned: patterns,direct"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="processes for decomposed cases")
    parser.add_argument(
        "--dask", default=None, help="plan decomposed cases on this scheduler (or local:N)"
    )
    parser.add_argument(
        "--dask-speedup",
        action="store_true",
        help="plan the decomposed sizes on Dask LocalClusters of 1 and 2 workers",
    )
    parser.add_argument("--lp-time-limit", type=float, default=120.0)
    parser.add_argument("--no-lp-bound", action="store_true", help="skip the LP relaxation")
    parser.add_argument("--scaling", action="store_true", help="run the scaling curves")
    parser.add_argument("--scaling-homes", default=None, help="comma list of homes (--scaling)")
    parser.add_argument("--scaling-days", default=None, help="comma list of days (--scaling)")
    parser.add_argument("--out", type=Path, default=None, help="CSV (default results/<date>)")
    return parser


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.scaling:
        from benchmarks.scaling import DAYS, HOMES, run_scaling

        homes = _ints(args.scaling_homes) if args.scaling_homes else HOMES
        days = _ints(args.scaling_days) if args.scaling_days else DAYS
        limit = args.time_limit or 2.0
        return run_scaling(homes, days, limit, args.workers or 2, args.jobs, args.out)
    names, backends, paths = _names(args.sizes), _names(args.solvers), _names(args.paths)
    unknown = (
        sorted(set(names) - set(CASES))
        + sorted(set(backends) - set(BACKENDS))
        + sorted(set(paths) - set(PATHS))
    )
    if unknown:
        parser.error(f"unknown sizes or solvers: {', '.join(unknown)}")
    if args.dask_speedup:
        return dask_speedup(names, backends, args)
    rows, lps = _run_cases(names, backends, paths, args)
    _report(rows, lps, args)
    return 0


def _run_cases(
    names: list[str], backends: list[str], paths: list[str], args: argparse.Namespace
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every case on every backend and path, each run in a fresh process (so that peak
    memory is the run's own), printed as it finishes; and each case's LP bound."""
    rows, lps = [], []
    for name in names:
        if not args.no_lp_bound:
            lps.append(in_fresh_process(lp_case, name, args.lp_time_limit, args.jobs, args.dask))
            print(f"{name}: LP bound {lps[-1]['lp_bound']} in {lps[-1]['lp_s']} s", flush=True)
        for backend in backends:
            for path in paths if backend != GREEDY else paths[:1]:
                for n in range(args.repeat):
                    run = (
                        name,
                        backend,
                        args.time_limit,
                        args.workers,
                        args.seed,
                        args.jobs,
                        args.dask,
                        path,
                    )
                    rows.append(in_fresh_process(run_case, *run) | {"repeat": n + 1})
                    print(pd.DataFrame(rows[-1:]).to_string(index=False), flush=True)
    return rows, lps


def _report(
    rows: list[dict[str, Any]], lps: list[dict[str, Any]], args: argparse.Namespace
) -> None:
    """Print the summary table and the margin over the greedy baseline, and write the
    table as CSV."""
    table = with_lp(summarised(pd.DataFrame(rows)), pd.DataFrame(lps))
    print()
    print(table[[c for c in SHOWN if c in table]].to_string(index=False))
    margin = margins(table)
    if not margin.empty:
        print("\noptimiser vs greedy baseline, risk-weighted coverage (percentage points):")
        print(margin.to_string(index=False))
    out = args.out or RESULTS / f"{dt.date.today()}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    limit = f"{args.time_limit:g} s" if args.time_limit else "per case"
    workers = args.workers or "default"
    print(f"\nwrote {out} (time limit {limit}, {workers} workers, {args.jobs} jobs)")


if __name__ == "__main__":
    sys.exit(main())
