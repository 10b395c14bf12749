"""Planner benchmarks: solve time, wall time, peak memory and gap by scenario size.

    python -m benchmarks.run [--sizes tiny,small,city] [--solvers cp-sat,cbc,highs]
                             [--time-limit 20] [--workers 2]

Each case is a builder with a fixed seed, registered in `CASES`; each case and solver runs
in a fresh process so that its peak memory (RSS) is its own. Prints a table and writes
`benchmarks/results/<date>.csv`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from scenarios.generate import generate, plymouth_2020
from scenarios.load import load_scenario
from scenarios.schema import Scenario
from scheduler.backends import SOLVERS
from scheduler.planner import plan_scenario
from scheduler.settings import SolverSettings
from scheduler.validate import validate_plan

EXAMPLES = Path(__file__).resolve().parent.parent / "scenarios" / "examples"

CASES: dict[str, Callable[[], Scenario]] = {
    "tiny": lambda: load_scenario(EXAMPLES / "tiny.yaml"),
    "small": lambda: generate(homes=20, workers=25, days=14, seed=1),
    "city": plymouth_2020,
    "city-28d": lambda: generate(homes=95, workers=120, days=28, seed=2),
    "county": lambda: generate(homes=400, workers=600, days=14, seed=3),
}


def run_case(
    name: str, solver: str, time_limit: float, workers: int, seed: int
) -> dict[str, object]:
    started = time.perf_counter()
    scenario = CASES[name]()
    loaded = time.perf_counter() - started
    settings = SolverSettings(time_limit=time_limit, workers=workers, seed=seed, solver=solver)
    plan = plan_scenario(scenario, settings)
    violations = validate_plan(scenario, plan)
    s = plan.summary
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "case": name,
        "solver": solver,
        "homes": len(scenario.homes),
        "workers": len(scenario.workers),
        "days": scenario.horizon.days,
        "variables": s.model_size.get("variables", 0),
        "constraints": s.model_size.get("constraints", 0),
        "status": s.status,
        "objective": s.objective,
        "bound": round(s.best_bound),
        "gap_pct": round(100 * s.gap, 2),
        "load_s": round(loaded, 2),
        "build_s": round(s.build_seconds, 2),
        "solve_s": round(s.solve_seconds, 2),
        "wall_s": round(time.perf_counter() - started, 2),
        "peak_mb": round(peak_kb / 1024),
        "shifts_filled_pct": s.kpis.get("shortfall_shifts_filled_pct"),
        "cohorts_tested_pct": s.kpis.get("cohort_tests_in_interval_pct"),
        "violations": len(violations),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="tiny,small,city", help=f"comma list of {', '.join(CASES)}"
    )
    parser.add_argument("--solvers", default="cp-sat", help=f"comma list of {', '.join(SOLVERS)}")
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.sizes.split(",") if n.strip()]
    solvers = [n.strip() for n in args.solvers.split(",") if n.strip()]
    unknown = sorted(set(names) - set(CASES)) + sorted(set(solvers) - set(SOLVERS))
    if unknown:
        parser.error(f"unknown sizes or solvers: {', '.join(unknown)}")
    rows = []
    context = multiprocessing.get_context("spawn")
    for name in names:
        for solver in solvers:
            with context.Pool(1) as pool:
                run = (name, solver, args.time_limit, args.workers, args.seed)
                rows.append(pool.apply(run_case, run))
                print(pd.DataFrame(rows[-1:]).to_string(index=False), flush=True)
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    out = Path(__file__).resolve().parent / "results" / f"{dt.date.today()}.csv"
    out.parent.mkdir(exist_ok=True)
    table.to_csv(out, index=False)
    print(f"\nwrote {out} (time limit {args.time_limit:g} s, {args.workers} workers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
