"""What a fit of the fast wave says (`calibrate`): its particles and posterior, runs drawn
from it against the observed weeks, how well they match, and the files that hold them.

Apart from the fit itself because these read a finished population, whether fitted in
this run or read back from `particles.csv`, and need none of pyabc.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.atomic import write_replacing, write_text
from scenarios.firstwave import Observed
from scenarios.load import ScenarioError
from scheduler.simulation.calibrate import (
    CHECKPOINT_META,
    PRIORS,
    WaveModel,
    data_summary,
    to_theta,
    weighted_quantile,
)

OUTPUT_FILES = ("posterior.csv", "particles.csv", "weekly.csv", "fit.png", "summary.json")


def particles_table(frame: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """The last population on the natural scale with its weights: what `carehome predict`
    draws from."""
    natural = pd.DataFrame([to_theta(row) for row in frame.to_dict(orient="records")])
    return natural.assign(weight=weights / weights.sum())


def read_particles(path: Path) -> tuple[list[dict[str, float]], np.ndarray]:
    """`particles.csv` back: the parameter sets and their weights."""
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise ScenarioError([f"{path}: unreadable ({exc})"]) from None
    missing = [c for c in (*PRIORS, "weight") if c not in table]
    if missing:
        raise ScenarioError([f"{path}: column {missing[0]!r} missing"])
    values = table[[*PRIORS, "weight"]].apply(pd.to_numeric, errors="coerce")
    rows, columns = np.nonzero(~(np.isfinite(values.to_numpy()) & (values.to_numpy() >= 0)))
    if len(rows):
        where = f"row {rows[0] + 2}: {values.columns[columns[0]]}"
        raise ScenarioError([f"{path}: {where}: not a number at least 0"])
    if values["weight"].sum() <= 0:
        raise ScenarioError([f"{path}: weight: every weight is 0"])
    thetas = [{k: float(row[k]) for k in PRIORS} for row in values.to_dict(orient="records")]
    return thetas, values["weight"].to_numpy(dtype=float)


def fit_origin(folder: Path) -> tuple[str, int]:
    """The authority and seed a fit in `folder` was made with (its `checkpoint.json`): the
    wave it fitted is `first_wave(authority, seed=seed)`."""
    meta = folder / CHECKPOINT_META
    try:
        saved = json.loads(meta.read_text(encoding="utf-8"))
        return str(saved["authority"]), int(saved["seed"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        what = "missing" if isinstance(exc, FileNotFoundError) else "unreadable"
        raise ScenarioError(
            [f"{meta}: {what}; give a `carehome calibrate` output folder"]
        ) from None


def posterior_table(frame: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """Per parameter: prior bounds, posterior median and 90 % interval (natural scale), and
    the posterior's spread over the prior's on the fitting scale (1: the data said nothing
    about it)."""
    rows = []
    for name, prior in PRIORS.items():
        x = frame[name].to_numpy(dtype=float)
        mean = float(np.average(x, weights=weights))
        sd = math.sqrt(float(np.average((x - mean) ** 2, weights=weights)))
        back = (lambda v: 10**v) if prior.log else (lambda v: v)
        rows.append(
            {
                "parameter": name,
                "scale": "log10" if prior.log else "linear",
                "prior_low": prior.low,
                "prior_high": prior.high,
                "median": round(back(weighted_quantile(x, weights, 0.5)), 6),
                "p5": round(back(weighted_quantile(x, weights, 0.05)), 6),
                "p95": round(back(weighted_quantile(x, weights, 0.95)), 6),
                "sd_ratio": round(sd / prior.sd, 3),
            }
        )
    return pd.DataFrame(rows)


def predictive(
    model: WaveModel, frame: pd.DataFrame, weights: np.ndarray, draws: int, seed: int
) -> dict[str, np.ndarray]:
    """`draws` runs from particles resampled by weight: (draws, weeks) arrays by series."""
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(frame), size=draws, p=weights / weights.sum())
    runs = [
        model.run(to_theta(frame.iloc[k].to_dict()), seed * 1_000_003 + i)
        for i, k in enumerate(picks)
    ]
    return {key: np.array([r[key] for r in runs]) for key in ("outbreaks", "deaths")}


def crps(samples: np.ndarray, y: float) -> float:
    """Continuous ranked probability score of a sample forecast for `y` (lower is better):
    E|X - y| - E|X - X'| / 2."""
    s = np.asarray(samples, dtype=float)
    return float(np.mean(np.abs(s - y)) - 0.5 * np.mean(np.abs(s[:, None] - s[None, :])))


BANDS = {"p5": 5, "median": 50, "p95": 95}
"""The percentiles of the runs shown against each observed week."""


def weekly_table(obs: Observed, sims: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Observed against simulated, week by week: median and 90 % band of the runs (deaths
    only in the weeks with death figures)."""
    table = pd.DataFrame({"week_beginning": obs.weeks, "observed_outbreaks": obs.outbreaks})
    for label, q in BANDS.items():
        table[f"simulated_outbreaks_{label}"] = np.percentile(sims["outbreaks"], q, axis=0)
    if obs.death_weeks:
        first = obs.weeks.index(obs.death_weeks[0])
        rows = table.index[first : first + len(obs.death_weeks)]
        table.loc[rows, "observed_excess_deaths"] = np.round(obs.excess_deaths, 2)
        table.loc[rows, "observed_covid19_deaths"] = obs.deaths_covid19
        for label, q in BANDS.items():
            table.loc[rows, f"simulated_deaths_{label}"] = np.percentile(sims["deaths"], q, axis=0)
    return table


def goodness(obs: Observed, sims: Mapping[str, np.ndarray]) -> dict[str, float]:
    """How well the fit reproduces the data: share of weeks inside the 90 % band, mean CRPS
    a week, and the totals against the runs' median."""
    data = data_summary(obs)
    out: dict[str, float] = {}
    for key in ("outbreaks", "deaths"):
        runs, y = sims[key], data[key]
        if not len(y):
            continue
        low, high = np.percentile(runs, 5, axis=0), np.percentile(runs, 95, axis=0)
        out[f"{key}_weeks_in_90pct_band"] = round(float(np.mean((y >= low) & (y <= high))), 3)
        out[f"{key}_crps_per_week"] = round(
            float(np.mean([crps(runs[:, k], y[k]) for k in range(len(y))])), 3
        )
        out[f"{key}_observed_total"] = round(float(y.sum()), 1)
        out[f"{key}_simulated_total_median"] = float(np.median(runs.sum(axis=1)))
    return out


def write_fit(
    out: Path,
    particles: pd.DataFrame,
    posterior: pd.DataFrame,
    weekly: pd.DataFrame,
    summary: dict[str, object],
) -> None:
    """The fit's files, each written whole."""
    from scheduler.simulation.charts import fit_chart  # matplotlib: only when drawing

    write_replacing(out / "posterior.csv", lambda s: posterior.to_csv(s, index=False))
    write_replacing(out / "particles.csv", lambda s: particles.to_csv(s, index=False))
    write_replacing(out / "weekly.csv", lambda s: weekly.to_csv(s, index=False))
    fit_chart(weekly, str(summary["authority"]), out / "fit.png")
    write_text(out / "summary.json", json.dumps(summary, indent=2, default=str) + "\n")
