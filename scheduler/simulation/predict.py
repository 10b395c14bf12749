"""Out-of-sample prediction: a fit of one authority's first wave (its particles) played
in other authorities' cities, scored against what they reported.

The score is the continuous ranked probability score (CRPS) of each week's new outbreaks,
averaged over the weeks, against a null model that knows no epidemiology: each week,
England's new outbreaks per home times the authority's homes, as a Poisson count. A skill
above 0 means the fitted model forecasts the authority's weeks better than the null.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from scenarios.firstwave import england_curve, first_wave, observed, outbreak_table, upper_tier
from scheduler.simulation.fastwave import simulate_wave
from scheduler.simulation.fit_report import crps


def similar_authorities(authority: str, n: int) -> list[str]:
    """The `n` upper-tier authorities with the nearest number of care homes (ties by name),
    `authority` left out."""
    table = outbreak_table()
    homes = table.groupby("authority")["care_homes"].first()
    mine = homes[authority]
    others = [a for a in upper_tier() if a != authority]
    return sorted(others, key=lambda a: (abs(homes[a] - mine), a))[:n]


def predict(
    thetas: Sequence[dict[str, float]],
    weights: np.ndarray,
    authorities: Sequence[str],
    draws: int,
    seed: int,
) -> pd.DataFrame:
    """Per authority: observed and predicted outbreaks, the model's and the null's CRPS a
    week, and the skill (1 - model / null)."""
    rng = np.random.default_rng(seed)
    curve = england_curve().to_numpy()
    rows = []
    for authority in authorities:
        obs = observed(authority)
        wave = first_wave(authority, seed=seed)
        picks = rng.choice(len(thetas), size=draws, p=weights / weights.sum())
        runs = np.array(
            [
                simulate_wave(wave, thetas[k], seed * 1_000_003 + i).outbreaks
                for i, k in enumerate(picks)
            ]
        )
        null = rng.poisson(curve * obs.care_homes, size=(draws, len(curve)))
        y = np.array(obs.outbreaks, dtype=float)
        model_crps = np.mean([crps(runs[:, w], y[w]) for w in range(len(y))])
        null_crps = np.mean([crps(null[:, w], y[w]) for w in range(len(y))])
        rows.append(
            {
                "authority": authority,
                "care_homes": obs.care_homes,
                "observed_outbreaks": int(y.sum()),
                "predicted_median": float(np.median(runs.sum(axis=1))),
                "predicted_p5": float(np.percentile(runs.sum(axis=1), 5)),
                "predicted_p95": float(np.percentile(runs.sum(axis=1), 95)),
                "null_mean": round(float(curve.sum() * obs.care_homes), 1),
                "crps_model": round(float(model_crps), 3),
                "crps_null": round(float(null_crps), 3),
                "skill": round(1 - float(model_crps) / float(null_crps), 3)
                if null_crps
                else np.nan,
            }
        )
    return pd.DataFrame(rows)
