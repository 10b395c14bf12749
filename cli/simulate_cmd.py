"""`carehome simulate`: play weeks of outbreaks forward under each policy and compare."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import click
import pandas as pd

from cli.common import DASK_OPTION, SEED_OPTION, handles_errors, jobs_option
from cli.progress import ProgressBar
from scenarios.load import load_scenario
from scenarios.words import count
from scheduler.output.outdir import staged_dir
from scheduler.pipeline.executors import MissingDaskError, open_executor
from scheduler.simulation.policies import POLICIES
from scheduler.simulation.run import REPLAN_EVERY
from scheduler.simulation.study import MIN_PAIRS, STUDY_FILES, run_study, write_outputs
from scheduler.solve.settings import SolverSettings


def _policies(_ctx: click.Context, _param: click.Parameter, value: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in POLICIES]
    if unknown or not names or len(set(names)) != len(names):
        raise click.BadParameter(
            f"{value!r}: give distinct policies from {', '.join(POLICIES)}, comma-separated"
        )
    return names


@click.command("simulate")
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.option("--weeks", default=6, show_default=True, type=click.IntRange(1, 52))
@click.option("--runs", default=40, show_default=True, type=click.IntRange(min=1), help="Seeds.")
@click.option(
    "--policies",
    default="optimiser,greedy,proportional",
    show_default=True,
    callback=_policies,
    help=f"Comma-separated, from: {', '.join(POLICIES)}.",
)
@click.option("--baseline", default=None, help="Policy the others are compared with (the second).")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Output folder.")
@click.option(
    "--replan", type=click.Choice(sorted(REPLAN_EVERY)), default="weekly", show_default=True
)
@jobs_option("Simulation runs")
@DASK_OPTION
@click.option(
    "--time-limit",
    default=2.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Wall seconds for each plan made inside the simulation.",
)
@click.option(
    "--deterministic-time",
    type=click.FloatRange(min=0.01),
    default=None,
    help="Stop each plan's tiers after this much CP-SAT deterministic time rather than "
    "wall time, so a study gives the same plans however busy the machine is.",
)
@click.option("--first-seed", default=0, show_default=True, type=int, help="Seeds start here.")
@SEED_OPTION
@handles_errors
def simulate_command(
    scenario_file: Path,
    weeks: int,
    runs: int,
    policies: list[str],
    baseline: str | None,
    out: Path,
    replan: str,
    jobs: int,
    dask: str | None,
    time_limit: float,
    deterministic_time: float | None,
    first_seed: int,
    seed: int,
) -> None:
    """Simulate WEEKS of outbreaks in the scenario's homes, each policy re-planning inside
    them, over RUNS seeds; write outcome distributions, a paired comparison and charts.

    \b
    Example:
      carehome simulate scenarios/examples/plymouth-2020.yaml --weeks 6 --runs 40 \\
        --policies optimiser,greedy,proportional --out sim/ --jobs 2
    """
    base_policy = baseline or (policies[1] if len(policies) > 1 else policies[0])
    if base_policy not in policies:
        raise click.BadParameter(
            f"{base_policy!r} is not among --policies", param_hint="--baseline"
        )
    scenario = load_scenario(scenario_file)
    settings = SolverSettings(
        time_limit=time_limit, workers=1, seed=seed, deterministic_time=deterministic_time
    )
    seeds = list(range(first_seed, first_seed + runs))
    started = time.perf_counter()
    with staged_dir(out, STUDY_FILES, "a simulation") as staging:
        try:
            pool = open_executor(jobs, dask)
            with pool as (executor, slots), ProgressBar(len(seeds) * len(policies)) as bar:
                results = run_study(
                    scenario, policies, seeds, weeks, replan, settings, executor, slots, bar
                )
        except MissingDaskError as exc:
            raise click.UsageError(str(exc)) from None
        wall = round(time.perf_counter() - started, 1)
        meta = {
            "scenario": scenario.name,
            "weeks": weeks,
            "runs": runs,
            "seeds": [seeds[0], seeds[-1]],
            "policies": policies,
            "replan": replan,
            "time_limit": time_limit,
            "deterministic_time": deterministic_time,
            "jobs": jobs,
            "dask": dask or "",
            "wall_seconds": wall,
        }
        tables = write_outputs(staging, results, base_policy, meta)
    _print(tables, base_policy)
    click.echo(f"wrote {out}/ in {wall:g} s: {', '.join(sorted(STUDY_FILES))}")


def _print(tables: dict[str, pd.DataFrame], baseline: str) -> None:
    plans = tables["plans"]
    for row in plans.itertuples():
        click.echo(
            f"{row.policy}: {count(row.plans, 'plan')}, {row.failed} failed, "
            f"median {row.seconds_median:g} s, median gap {row.gap_median_pct:g} %"
        )
    outcomes = tables["outcomes"]
    if not outcomes.empty:
        shown = outcomes.pivot_table(index="outcome", columns="policy", values="mean", sort=False)
        click.echo("\nmean per run (5th-95th percentile in outcomes.csv)")
        click.echo(shown.to_string(float_format=lambda v: f"{v:.1f}"))
    comparison = tables["comparison"]
    if not comparison.empty:
        click.echo(f"\ndifference from {baseline} (paired by seed, 95 % interval)")
        fewest = int(comparison["pairs"].min())
        if fewest < MIN_PAIRS:
            click.echo(
                f"warning: too few runs: {count(fewest, 'paired run')} per policy cannot tell "
                f"policies apart ({MIN_PAIRS} or more advised); read the numbers below as "
                "a trial of the study, not a result"
            )
        with contextlib.suppress(KeyError):
            cols = ["policy", "outcome", "difference", "ci95_low", "ci95_high", "difference_pct"]
            cols.append("verdict")
            click.echo(comparison[cols].to_string(index=False, na_rep="-"))
