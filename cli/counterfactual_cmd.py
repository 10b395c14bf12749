"""`carehome counterfactual`: a calibrated first wave played again under policy variants,
paired draw by draw with the policy actually run."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from cli.calibrate_cmd import fit_option
from cli.common import DASK_OPTION, handles_errors, jobs_option
from scenarios.atomic import write_replacing, write_text
from scenarios.firstwave import first_wave
from scheduler.output.outdir import staged_dir
from scheduler.pipeline.executors import MissingDaskError, open_executor
from scheduler.simulation.counterfactual import (
    FAST,
    Variant,
    draw_particles,
    printed_table,
    run_draws,
    summarise,
    variants,
)
from scheduler.simulation.fit_report import fit_origin, read_particles
from scheduler.simulation.waverules import Replanning

FILES = frozenset({"counterfactuals.csv", "draws.csv", "summary.json"})


def _chosen(names: str, known: dict[str, Variant]) -> list[Variant]:
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in known]
    if unknown or not wanted:
        raise click.BadParameter(
            f"{(unknown or [names])[0]!r}: not a variant; choose from {', '.join(known)}",
            param_hint="--variants",
        )
    return [known[n] for n in wanted]


@click.command("counterfactual")
@fit_option
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Output folder.")
@click.option("--draws", default=200, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=0, show_default=True, type=int, help="Draws' and waves' seed.")
@jobs_option("Draws")
@DASK_OPTION
@click.option(
    "--variants",
    "names",
    default=",".join(FAST),
    show_default=True,
    help=f"Comma-separated policy variants, of {', '.join(variants())}.",
)
@click.option(
    "--weeks-earlier",
    default=3,
    show_default=True,
    type=click.IntRange(min=0, max=8),
    help="How far more_tests_earlier and whole_home_earlier bring their dates forward.",
)
@click.option(
    "--optimiser-draws",
    default=20,
    show_default=True,
    type=click.IntRange(min=1),
    help="Draws the optimiser variant plays (the first ones; its plans take seconds each).",
)
@click.option(
    "--replan-days",
    default=7,
    show_default=True,
    type=click.IntRange(min=1, max=28),
    help="Days between the optimiser variant's plans.",
)
@click.option(
    "--plan-seconds",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.01),
    help="CP-SAT deterministic seconds each of its plans may search, per objective tier.",
)
@handles_errors
def counterfactual_command(
    fit_dir: Path,
    out: Path,
    draws: int,
    seed: int,
    jobs: int,
    dask: str | None,
    names: str,
    weeks_earlier: int,
    optimiser_draws: int,
    replan_days: int,
    plan_seconds: float,
) -> None:
    """Play the fitted first wave under the policy actually run and under each variant,
    with the same seed per draw, and report outbreaks, deaths and infections prevented.

    \b
    Example:
      carehome counterfactual --fit fit/ --out counterfactual/ --draws 200 --jobs 2
    """
    replanning = Replanning(every_days=replan_days, seconds=plan_seconds)
    chosen = _chosen(names, variants(weeks_earlier, replanning, min(optimiser_draws, draws)))
    authority, homes_seed = fit_origin(fit_dir)
    thetas, weights = read_particles(fit_dir / "particles.csv")
    wave = first_wave(authority, seed=homes_seed)
    started = time.perf_counter()
    picks = draw_particles(weights, draws, seed)
    if jobs > 1 or dask is not None:
        try:
            with open_executor(jobs, dask) as (pool, _slots):
                table = run_draws(wave, thetas, picks, seed, chosen, pool)
        except MissingDaskError as exc:
            raise click.UsageError(str(exc)) from None
    else:
        table = run_draws(wave, thetas, picks, seed, chosen)
    result = summarise(table, chosen)
    summary = {
        "authority": authority,
        "fit": str(fit_dir),
        "homes": len(wave.homes),
        "draws": draws,
        "seed": seed,
        "jobs": jobs,
        "dask": dask or "",
        "weeks_earlier": weeks_earlier,
        "optimiser_draws": min(optimiser_draws, draws),
        "replan_days": replan_days,
        "plan_seconds": plan_seconds,
        "wall_seconds": round(time.perf_counter() - started, 1),
        "variants": result.to_dict(orient="records"),
    }
    with staged_dir(out, FILES, "a counterfactual study") as staging:
        write_replacing(staging / "counterfactuals.csv", lambda s: result.to_csv(s, index=False))
        write_replacing(staging / "draws.csv", lambda s: table.to_csv(s, index=False))
        write_text(staging / "summary.json", json.dumps(summary, indent=2) + "\n")
    click.echo(
        f"{authority}: {draws} draws from {fit_dir}; each variant plays the first `draws` "
        "of them, each with the same seed as the policy actually run"
    )
    click.echo(printed_table(result))
    click.echo(
        f"prevented = actual minus variant: median (90 % interval) over the wave; "
        f"{summary['wall_seconds']} s; wrote {out}/: {', '.join(sorted(FILES))}"
    )
