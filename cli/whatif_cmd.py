"""`carehome whatif`: emit or plan a what-if study's runs and print the comparison."""

from __future__ import annotations

import concurrent.futures
import contextlib
from collections.abc import Iterator
from pathlib import Path

import click
import pandas as pd

from cli.common import DASK_OPTION, SEED_OPTION, TIME_LIMIT_OPTION, handles_errors, jobs_option
from cli.progress import ProgressBar
from scenarios.atomic import inside, write_text
from scenarios.load import dump_scenario
from scenarios.whatif import load_whatif
from scenarios.words import count
from scheduler.analysis.compare import HEADLINE, check_kpi, folder_name, run_study
from scheduler.analysis.study_output import STUDY_FILES, write_study
from scheduler.output.outdir import staged_dir
from scheduler.pipeline.executors import MissingDaskError, open_executor
from scheduler.solve.settings import SolverSettings

_SHOWN = {
    "variant": "variant",
    "mark": "rank",
    "status": "status",
    "gap_pct": "gap %",
    HEADLINE: "risk-wtd cover %",
    "cohort_tests_in_interval_pct": "cohort tests %",
    "outbreak_tests_in_window_pct": "outbreak tests %",
    "shortfall_shifts_filled_pct": "shifts filled %",
    "isolation_requests_placed_pct": "isolation placed %",
}


@click.command("whatif")
@click.argument("whatif_file", type=click.Path(path_type=Path))
@click.option(
    "--emit",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the base and every run (variants, sweep cells) as scenario files here.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Plan every run; write the comparison, charts and each plan into this folder.",
)
@jobs_option("Runs")
@DASK_OPTION
@TIME_LIMIT_OPTION
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="CP-SAT search workers per run.",
)
@SEED_OPTION
@click.option(
    "--deterministic-time",
    type=click.FloatRange(min=0.01),
    default=None,
    help="Stop each tier after this much CP-SAT deterministic time, so every run gives "
    "the same plan however busy the machine or cluster is.",
)
@handles_errors
def whatif_command(
    whatif_file: Path,
    emit: Path | None,
    out: Path | None,
    jobs: int,
    dask: str | None,
    time_limit: float,
    workers: int,
    seed: int,
    deterministic_time: float | None,
) -> None:
    """Apply a what-if file's shocks to its base scenario; emit or plan every run.

    \b
    Example:
      carehome whatif scenarios/examples/surge-plymouth.yaml --emit surge-scenarios/
      carehome whatif scenarios/examples/surge-plymouth.yaml --out surge/ --jobs 2
    """
    if emit is None and out is None:
        raise click.UsageError("give --emit DIR, --out DIR or both")
    study = load_whatif(whatif_file)
    check_kpi(study, whatif_file.name)
    runs = study.runs
    for name in runs:  # names come from the file: each must stay inside its folder
        inside(emit or out or Path("."), folder_name(name))
    if emit is not None:
        for name, scenario in runs.items():
            write_text(inside(emit, f"{folder_name(name)}.yaml"), dump_scenario(scenario))
        click.echo(f"wrote {count(len(runs), 'scenario')} to {emit}/")
    if out is None:
        return
    settings = SolverSettings(
        time_limit=time_limit, workers=workers, seed=seed, deterministic_time=deterministic_time
    )
    with staged_dir(out, STUDY_FILES, "a what-if study") as staging:
        with _executor(jobs, dask) as (executor, slots), ProgressBar(len(runs)) as bar:
            results = run_study(study, settings, staging, executor, slots, progress=bar)
        table = write_study(study, results, staging)
    click.echo(_printable(table))
    click.echo(
        f"wrote {out}/: comparison.csv, comparison.xlsx, charts/ and {count(len(runs), 'plan')} "
        f"({len(study.variants) + 1} under variants/, {len(study.cells)} under sweep/)"
    )


def _printable(table: pd.DataFrame) -> str:
    """The comparison's headline columns, short headers, best and worst marked."""
    shown = table[[c for c in _SHOWN if c in table]].rename(columns=_SHOWN)
    shown["status"] = shown["status"].str.slice(0, 40)
    return shown.to_string(index=False, float_format=lambda v: f"{v:.1f}", na_rep="-")


@contextlib.contextmanager
def _executor(jobs: int, dask: str | None) -> Iterator[tuple[concurrent.futures.Executor, int]]:
    """The executor to plan on and how many runs it plans at once."""
    try:
        with open_executor(jobs, dask) as (executor, slots):
            yield executor, slots
    except MissingDaskError as exc:
        raise click.UsageError(str(exc)) from None
