"""Counterfactuals on a calibrated first wave: the same epidemics played under the policy
actually run and under variants of it, and what each variant would have prevented.

Each draw is a parameter set taken from a fit's last population by weight; the policy
actually run and every variant are played with the same seed (common random numbers), so
a variant's effect is taken draw by draw, paired, and its spread across draws carries the
posterior's uncertainty and the epidemic's chance together. Prevented is actual minus
variant: above 0, the variant would have done better.

Each variant is a small change of the wave's capacity (`WaveAssumptions`, copied) or of
the greedy's rule (`waverules.Rule`), or the planner's own plans in its place (`optimiser`,
`waveplan`): see `variants`. A plan takes seconds where a greedy wave takes hundredths, so
the optimiser plays only the first `draws` draws (`Variant.draws`), each still paired with
the policy as run on the same draw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.firstwave import FirstWave
from scheduler.simulation.fastwave import WaveResult, simulate_wave
from scheduler.simulation.waverules import AS_RUN, Replanning, Rule

OUTCOMES = ("outbreaks", "homes_spread", "deaths", "infections")
"""Totals over the wave: outbreaks reported (as PHE counted them, which more testing finds
more of), homes where infection spread to a resident (outbreaks as they happened,
reported or not), resident deaths (the model's deaths are what the fit compares with the excess
deaths), residents infected."""

INTERVAL = (5, 95)
"""Percentiles of the 90 % interval across draws."""


@dataclass(frozen=True)
class Variant:
    """A policy the wave could have been played under: the capacity's steps brought
    forward, and the greedy's rule; `draws`, if set, the most draws it plays (the first
    ones), for a variant too slow to play them all."""

    name: str
    what: str
    rule: Rule = AS_RUN
    tests_earlier_days: int = 0
    whole_home_earlier_days: int = 0
    draws: int | None = None

    def plays(self, draw: int) -> bool:
        """Whether this variant plays draw number `draw`."""
        return self.draws is None or draw < self.draws

    def apply(self, wave: FirstWave) -> FirstWave:
        """The wave with this variant's capacity: a copy, the wave itself untouched. Every
        test step moves (the first too, to before the wave), so their order is kept."""
        a = wave.assumptions
        tests = [
            s.model_copy(update={"start": s.start - dt.timedelta(days=self.tests_earlier_days)})
            for s in a.tests
        ]
        whole = a.whole_home_from - dt.timedelta(days=self.whole_home_earlier_days)
        return wave.model_copy(
            update={"assumptions": a.model_copy(update={"tests": tests, "whole_home_from": whole})}
        )


def variants(
    weeks_earlier: int = 3, replanning: Replanning | None = None, optimiser_draws: int = 20
) -> dict[str, Variant]:
    """The policy variants, by name; `weeks_earlier` is how far the two capacity variants
    bring their dates forward, `replanning` how the optimiser plans inside the wave
    (weekly, by default), on its first `optimiser_draws` draws."""
    days = 7 * weeks_earlier
    replanning = replanning or Replanning()
    return {
        v.name: v
        for v in (
            Variant(
                "more_tests_earlier",
                f"every test capacity step {weeks_earlier} weeks earlier, and with the "
                "portal's step the whole-home testing it made possible",
                tests_earlier_days=days,
                whole_home_earlier_days=days,
            ),
            Variant(
                "whole_home_earlier",
                f"whole-home testing from {weeks_earlier} weeks earlier, with the test "
                "capacity of the time",
                whole_home_earlier_days=days,
            ),
            Variant(
                "no_one_home",
                "bank workers move between homes, carrying infection (no one-home rule)",
                rule=Rule(one_home=False),
            ),
            Variant(
                "risk_priority",
                "test slots in the optimiser's risk-score order (its priority rule, not its plans)",
                rule=Rule(risk_order=True),
            ),
            Variant(
                "optimiser",
                f"the planner's plans, re-made every {replanning.every_days} days, book the "
                "test slots and send the bank",
                rule=Rule(plans=replanning),
                draws=optimiser_draws,
            ),
        )
    }


FAST = ("more_tests_earlier", "whole_home_earlier", "no_one_home", "risk_priority")
"""The variants played by default: hundredths of a second a wave each."""


def draw_particles(weights: np.ndarray, draws: int, seed: int) -> np.ndarray:
    """Which particle each draw plays, resampled by weight, seeded."""
    rng = np.random.default_rng(seed)
    return rng.choice(len(weights), size=draws, p=weights / weights.sum())


def draw_seed(seed: int, draw: int) -> int:
    """The wave's seed of draw `draw`: shared by the actual policy and every variant."""
    return seed * 1_000_003 + draw


def _totals(r: WaveResult) -> dict[str, int]:
    return {
        "outbreaks": int(r.outbreaks.sum()),
        "homes_spread": r.homes_spread,
        "deaths": int(r.deaths.sum()),
        "infections": r.infections,
    }


def _plans(r: WaveResult) -> dict[str, int]:
    """The plans made inside a variant's wave, and those the planner could not make (the
    greedy baseline's plan stood in for them): a draw's result rests on both."""
    failed = sum(p.status.startswith("FAILED") for p in r.plans)
    return {"plans": len(r.plans), "plans_failed": failed}


def play_draw(
    wave: FirstWave, theta: dict[str, float], seed: int, chosen: Sequence[Variant]
) -> list[dict[str, object]]:
    """One draw: the actual policy once, each variant with the same seed; a row a variant."""
    actual = _totals(simulate_wave(wave, theta, seed))
    rows: list[dict[str, object]] = []
    for v in chosen:
        played = simulate_wave(v.apply(wave), theta, seed, v.rule)
        mine = _totals(played)
        row: dict[str, object] = {"variant": v.name, "seed": seed}
        for key in OUTCOMES:
            row[f"{key}_actual"] = actual[key]
            row[f"{key}_variant"] = mine[key]
            row[f"{key}_prevented"] = actual[key] - mine[key]
        rows.append(row | _plans(played) | theta)
    return rows


def run_draws(
    wave: FirstWave,
    thetas: Sequence[dict[str, float]],
    picks: np.ndarray,
    seed: int,
    chosen: Sequence[Variant],
    executor: Executor | None = None,
) -> pd.DataFrame:
    """Every draw's rows (`play_draw`, each variant on the draws it plays), in draw order
    whatever the executor. Draws with a slow variant go one by one to the executor, the
    rest four at a time."""
    args = [
        (wave, thetas[int(k)], draw_seed(seed, i), [v for v in chosen if v.plays(i)])
        for i, k in enumerate(picks)
    ]
    slow = any(v.draws is not None for v in chosen)
    results: Iterable[list[dict[str, object]]]
    if executor is None:
        results = (play_draw(*a) for a in args)
    else:
        results = executor.map(play_draw, *zip(*args, strict=True), chunksize=1 if slow else 4)
    rows = [
        {"draw": i, "particle": int(picks[i])} | row
        for i, draw_rows in enumerate(results)
        for row in draw_rows
    ]
    return pd.DataFrame(rows)


def summarise(draws: pd.DataFrame, chosen: Sequence[Variant]) -> pd.DataFrame:
    """Per variant and outcome: the actual and variant medians, and prevented (actual minus
    variant, paired by draw) as median, 90 % interval, mean and the mean's standard error
    across draws."""
    low, high = INTERVAL
    rows = []
    for v in chosen:
        mine = draws[draws["variant"] == v.name]
        row: dict[str, object] = {"variant": v.name, "what": v.what, "draws": len(mine)}
        for key in OUTCOMES:
            prevented = mine[f"{key}_prevented"].to_numpy(dtype=float)
            row[f"{key}_actual_median"] = float(np.median(mine[f"{key}_actual"]))
            row[f"{key}_variant_median"] = float(np.median(mine[f"{key}_variant"]))
            row[f"{key}_prevented_median"] = float(np.median(prevented))
            row[f"{key}_prevented_p{low}"] = float(np.percentile(prevented, low))
            row[f"{key}_prevented_p{high}"] = float(np.percentile(prevented, high))
            row[f"{key}_prevented_mean"] = round(float(prevented.mean()), 2)
            row[f"{key}_prevented_mean_se"] = round(_standard_error(prevented), 2)
        rows.append(row)
    return pd.DataFrame(rows)


def _standard_error(x: np.ndarray) -> float:
    """The mean's standard error across draws: how surely the variant helps on average,
    which the 90 % interval of single draws (the epidemic's chance included) does not say."""
    return float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else float("nan")


def printed_table(table: pd.DataFrame) -> str:
    """The study in a few lines: each variant's draws, and each outcome prevented, median
    and 90 % interval."""
    low, high = INTERVAL
    shown = pd.DataFrame({"variant": table["variant"], "draws": table["draws"]})
    for key in OUTCOMES:
        shown[f"{key} prevented"] = [
            f"{r[f'{key}_prevented_median']:g} ({r[f'{key}_prevented_p{low}']:g} to "
            f"{r[f'{key}_prevented_p{high}']:g})"
            for r in table.to_dict(orient="records")
        ]
    return shown.to_string(index=False)
