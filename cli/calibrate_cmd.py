"""`carehome firstwave` (an authority's first-wave city as YAML) and `carehome calibrate`
(the wave's uncertain parameters fitted to what the authority reported)."""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

import click
import yaml

from cli.common import DASK_OPTION, handles_errors, jobs_option
from cli.progress import FitProgress
from scenarios.atomic import write_replacing, write_text
from scenarios.firstwave import first_wave, observed
from scenarios.load import ScenarioError
from scheduler.output.outdir import check_output_dir
from scheduler.pipeline.executors import MissingDaskError
from scheduler.simulation.calibrate import (
    CHECKPOINT,
    CHECKPOINT_META,
    MIN_BUDGET_PER_PARTICLE,
    FitSettings,
    WaveModel,
    fit,
)
from scheduler.simulation.fit_report import (
    OUTPUT_FILES,
    goodness,
    particles_table,
    posterior_table,
    predictive,
    read_particles,
    weekly_table,
    write_fit,
)
from scheduler.simulation.predict import predict, similar_authorities

AUTHORITY = click.option(
    "--authority", required=True, help="Local authority, as named in the outbreak data."
)


fit_option = click.option(
    "--fit",
    "fit_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="A `carehome calibrate` output folder.",
)
"""The fit a command reads: `predict` and `counterfactual`."""


@click.command("firstwave")
@AUTHORITY
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option("--seed", default=0, show_default=True, type=int, help="Synthetic homes' seed.")
@handles_errors
def firstwave_command(authority: str, output: Path, seed: int) -> None:
    """Write an authority's first wave (9 March to 19 July 2020) as YAML: its homes,
    the capacity of the time and the community's curve.

    \b
    Example:
      carehome firstwave --authority Plymouth -o plymouth-wave.yaml
    """
    wave = first_wave(authority, seed=seed)
    data = wave.model_dump(mode="json")
    write_text(output, yaml.safe_dump(data, sort_keys=False, width=100))
    click.echo(f"wrote {output} ({len(wave.homes)} homes, {wave.beds} beds, {wave.days} days)")


@click.command("calibrate")
@AUTHORITY
@click.option(
    "--budget", default=4000, show_default=True, type=click.IntRange(min=1), help="Simulations."
)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Output folder.")
@click.option("--population", default=200, show_default=True, type=click.IntRange(min=10))
@jobs_option("Simulations")
@DASK_OPTION
@click.option("--seed", default=0, show_default=True, type=int, help="Fit and homes' seed.")
@click.option(
    "--draws",
    default=200,
    show_default=True,
    type=click.IntRange(min=10),
    help="Runs from the posterior for the bands.",
)
@handles_errors
def calibrate_command(
    authority: str,
    budget: int,
    out: Path,
    population: int,
    jobs: int,
    dask: str | None,
    seed: int,
    draws: int,
) -> None:
    """Fit the first wave's uncertain parameters to AUTHORITY's weekly outbreaks and excess
    deaths (ABC-SMC); a stopped fit resumes from OUT's checkpoint.

    \b
    Example:
      carehome calibrate --authority Plymouth --budget 4000 --out fit/ --jobs 2
    """
    if importlib.util.find_spec("pyabc") is None:
        raise click.UsageError(
            "carehome calibrate needs the calibrate extra: pip install -e '.[calibrate]'"
        )
    if budget < MIN_BUDGET_PER_PARTICLE * population:
        raise click.BadParameter(
            f"{budget} runs cannot fit a population of {population}: give at least "
            f"{MIN_BUDGET_PER_PARTICLE * population}",
            param_hint="--budget",
        )
    obs = observed(authority)
    owned = {CHECKPOINT, f"{CHECKPOINT}-journal", CHECKPOINT_META, *OUTPUT_FILES}
    check_output_dir(out, frozenset(owned), "a fit")
    wave = first_wave(authority, seed=seed)
    model = WaveModel.of(wave, obs)
    settings = FitSettings(budget=budget, population=population, jobs=jobs, seed=seed, dask=dask)
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    checkpoint = out / CHECKPOINT
    try:
        with FitProgress(budget, 0) as bar:
            frame, weights, info = fit(model, obs, settings, checkpoint, bar)
    except MissingDaskError as exc:
        raise click.UsageError(str(exc)) from None
    sims = predictive(model, frame, weights, draws, seed)
    posterior = posterior_table(frame, weights)
    score = goodness(obs, sims)
    summary = {
        "authority": authority,
        "homes": len(wave.homes),
        "beds": wave.beds,
        "budget": budget,
        **info,
        "wall_seconds": round(time.perf_counter() - started, 1),
        "excess_deaths_baseline_per_week": round(obs.baseline, 2),
        "goodness_of_fit": score,
    }
    write_fit(out, particles_table(frame, weights), posterior, weekly_table(obs, sims), summary)
    click.echo(posterior.to_string(index=False))
    click.echo("\n".join(f"{k}: {v}" for k, v in score.items()))
    click.echo(
        f"{info['simulations']} runs in {info['generations']} generations "
        f"(stopped by {info['stopped_by']}); wrote {out}/: {', '.join(OUTPUT_FILES)}"
    )


@click.command("predict")
@fit_option
@click.option("--authority", "authorities", multiple=True, help="An authority to predict.")
@click.option(
    "--similar",
    default=0,
    type=click.IntRange(min=0),
    help="Also the N authorities nearest the fit's in number of care homes.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="CSV.")
@click.option("--draws", default=100, show_default=True, type=click.IntRange(min=10))
@click.option("--seed", default=0, show_default=True, type=int)
@handles_errors
def predict_command(
    fit_dir: Path, authorities: tuple[str, ...], similar: int, output: Path, draws: int, seed: int
) -> None:
    """Predict other authorities' weekly outbreaks from a fit, scored (CRPS) against a
    null model: England's weekly outbreaks per home times the authority's homes.

    \b
    Example:
      carehome predict --fit fit/ --similar 10 -o predict.csv
    """
    thetas, weights = read_particles(fit_dir / "particles.csv")
    names = list(authorities)
    if similar:
        fitted = _fitted_authority(fit_dir / "summary.json")
        names += [a for a in similar_authorities(fitted, similar) if a not in names]
    if not names:
        raise click.UsageError("give --authority or --similar")
    for name in names:
        observed(name)  # every name checked before any work
    table = predict(thetas, weights, names, draws, seed)
    write_replacing(output, lambda s: table.to_csv(s, index=False))
    click.echo(table.to_string(index=False))
    skill = table["skill"]
    click.echo(
        f"skill over the null: median {skill.median():.3f}, better in "
        f"{int((skill > 0).sum())} of {len(table)}; wrote {output}"
    )


def _fitted_authority(summary: Path) -> str:
    try:
        return str(json.loads(summary.read_text(encoding="utf-8"))["authority"])
    except (OSError, ValueError, KeyError):
        raise ScenarioError([f"{summary}: authority: unreadable"]) from None
