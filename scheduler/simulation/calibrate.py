"""Fitting the fast wave (`fastwave`) to an authority's first wave: sequential Monte Carlo
ABC (pyabc's `ABCSMC`).

Why ABC-SMC: the simulation is stochastic and its likelihood cannot be written down (an
outbreak is a home's first sign after weeks of hidden spread), so a likelihood sampler
(emcee) would need a synthetic likelihood of many runs per step, and an optimiser gives a
point, not the spread. ABC-SMC only needs runs; each generation narrows the tolerance and
keeps a weighted population that approximates the posterior. pyabc stores every
generation in SQLite (`checkpoint.db`), which is what lets a stopped fit resume, and fans
runs out over local processes.

Distance between a run and the data: the summed squared differences of square roots of
weekly counts (new outbreaks, and excess deaths where the authority has death figures),
square roots because counts' noise grows with their size (Poisson). Priors are uniform, on
a log scale for the two introduction rates (`PRIORS`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scenarios.atomic import write_text
from scenarios.firstwave import FirstWave, Observed
from scenarios.load import ScenarioError
from scheduler.pipeline.executors import open_client
from scheduler.simulation.fastwave import simulate_wave


@dataclass(frozen=True)
class Prior:
    """Uniform between `low` and `high`, on log10 if `log` (a rate whose order of magnitude
    is what is unknown)."""

    low: float
    high: float
    log: bool = False

    @property
    def scale(self) -> tuple[float, float]:
        """The bounds on the fitting scale."""
        if self.log:
            return math.log10(self.low), math.log10(self.high)
        return self.low, self.high

    @property
    def sd(self) -> float:
        """Standard deviation on the fitting scale: a uniform's width / sqrt(12)."""
        low, high = self.scale
        return (high - low) / math.sqrt(12)


PRIORS: Mapping[str, Prior] = {
    "worker_intro": Prior(1e-4, 3e-2, log=True),
    "admission_intro": Prior(1e-3, 0.3, log=True),
    "r_within_home": Prior(0.8, 4.0),
    "detection": Prior(0.02, 0.5),
    "death_nursing": Prior(0.05, 0.5),
    "death_residential": Prior(0.05, 0.5),
}
"""What is believed before the data. worker_intro: the chance a worker-day brings infection
in at the community curve's peak (it is also the curve's scale: the two only ever enter as
a product); admission_intro: the same for an admission; r_within_home: secondary cases per
undetected case in a home (1.5-3 reported in spring 2020, widened); detection: the daily
chance an infectious resident is noticed ill; death_*: the share of infected residents who
die (the 2020 studies found 20-35 % in nursing homes)."""

CHECKPOINT = "checkpoint.db"
CHECKPOINT_META = "checkpoint.json"


def to_theta(particle: Mapping[str, float]) -> dict[str, float]:
    """A particle (fitting scale) as the simulation's parameters."""
    return {
        name: 10 ** particle[name] if prior.log else particle[name]
        for name, prior in PRIORS.items()
    }


def data_summary(obs: Observed) -> dict[str, np.ndarray]:
    """The fitted data: weekly new outbreaks, and weekly excess deaths (at least 0) over the
    wave's weeks with death figures."""
    return {
        "outbreaks": np.array(obs.outbreaks, dtype=float),
        "deaths": np.clip(np.array(obs.excess_deaths, dtype=float), 0, None),
    }


def distance(x: Mapping[str, np.ndarray], x0: Mapping[str, np.ndarray]) -> float:
    """Squared distance of square-rooted weekly counts, outbreaks plus deaths."""
    return float(
        sum(np.sum((np.sqrt(x[k]) - np.sqrt(x0[k])) ** 2) for k in ("outbreaks", "deaths"))
    )


@dataclass(frozen=True)
class WaveModel:
    """A run of the wave as pyabc calls it: parameters in, weekly summary out. Its seed is
    drawn from numpy's global state, which pyabc seeds in each worker process."""

    wave: FirstWave
    death_first: int
    """Index of the first week with death figures."""
    death_weeks: int

    @classmethod
    def of(cls, wave: FirstWave, obs: Observed) -> WaveModel:
        first = (obs.death_weeks[0] - wave.start).days // 7 if obs.death_weeks else 0
        return cls(wave, first, len(obs.death_weeks))

    def run(self, theta: Mapping[str, float], seed: int) -> dict[str, np.ndarray]:
        r = simulate_wave(self.wave, theta, seed)
        end = self.death_first + self.death_weeks
        return {
            "outbreaks": r.outbreaks.astype(float),
            "deaths": r.deaths[self.death_first : end].astype(float),
        }

    def __call__(self, particle: Mapping[str, float]) -> dict[str, np.ndarray]:
        return self.run(to_theta(particle), int(np.random.randint(2**31 - 1)))


# ------------------------------------------------------------------ the fit


MIN_BUDGET_PER_PARTICLE = 3
"""A budget below this many runs a particle cannot finish a first generation: pyabc first
draws one population from the prior to set the tolerance, and the first generation
accepts about half its runs."""


@dataclass(frozen=True)
class FitSettings:
    budget: int
    """Simulations: a generation that cannot finish within what is left is abandoned."""
    population: int = 200
    jobs: int = 1
    seed: int = 0
    dask: str | None = None
    """A Dask scheduler (tcp://host:8786, or local:N) to run the simulations on instead of
    `jobs` local processes."""
    max_generations: int = 30
    min_acceptance: float = 0.01
    """A generation needing more than population / this runs is abandoned and the fit
    stops: the tolerance has reached the simulation's own noise."""


def fit(
    model: WaveModel,
    obs: Observed,
    settings: FitSettings,
    checkpoint: Path,
    progress: Callable[[int, int, float], None] | None = None,
) -> tuple[pd.DataFrame, np.ndarray, dict[str, object]]:
    """ABC-SMC until the budget is spent, resuming `checkpoint` if it holds a fit of the same
    data and settings. Returns the last population (fitting scale), its weights, and what
    the fit did. `progress(simulations, generation, epsilon)` after each generation."""
    import pyabc  # slow to import (scikit-learn): only the fitting command pays for it

    for name in ("ABC", "pyabc"):
        logging.getLogger(name).setLevel(logging.WARNING)
    np.random.seed(settings.seed)
    prior = pyabc.Distribution(
        **{n: pyabc.RV("uniform", p.scale[0], p.scale[1] - p.scale[0]) for n, p in PRIORS.items()}
    )
    with contextlib.ExitStack() as stack:
        sampler = _sampler(settings, stack)
        abc = pyabc.ABCSMC(
            model, prior, distance, population_size=settings.population, sampler=sampler
        )
        history = _opened(abc, obs, settings, checkpoint)
        started = time.perf_counter()
        history, stopped, dropped = _generations(abc, history, settings, progress)
    if history.max_t < 0:
        raise ScenarioError(
            [
                f"--budget {settings.budget}: not one generation of {settings.population} "
                f"finished in {int(history.total_nr_simulations)} runs; give a larger budget "
                f"to resume from {checkpoint.name}"
            ]
        )
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    pops = history.get_all_populations()
    info: dict[str, object] = {
        "simulations": int(history.total_nr_simulations),
        "simulations_in_abandoned_generation": dropped,
        "generations": int(history.max_t + 1),
        "epsilon": float(pops.iloc[-1]["epsilon"]),
        "stopped_by": stopped,
        "fit_seconds_this_session": round(time.perf_counter() - started, 1),
        "population": settings.population,
        "jobs": settings.jobs,
        "dask": settings.dask or "",
    }
    return frame[list(PRIORS)], np.asarray(weights, dtype=float), info


def _sampler(settings: FitSettings, stack: contextlib.ExitStack) -> Any:
    """Where the simulations run: on a Dask cluster (its client closed with `stack`), on
    `jobs` local processes, or here. Local samplers stop a generation at the budget's last
    run; Dask's may run a few past it, which the budget's bookkeeping counts."""
    import pyabc

    if settings.dask is not None:
        client = stack.enter_context(open_client(settings.dask))
        return pyabc.sampler.DaskDistributedSampler(dask_client=client)
    if settings.jobs > 1:
        return pyabc.sampler.MulticoreEvalParallelSampler(
            n_procs=settings.jobs, check_max_eval=True
        )
    return pyabc.sampler.SingleCoreSampler(check_max_eval=True)


def _opened(abc: Any, obs: Observed, settings: FitSettings, checkpoint: Path) -> Any:
    """The fit's history: the checkpoint's when it exists (refused unless it fitted the
    same authority with the same population and seed, which would otherwise mix two fits'
    particles), else a new one, its settings written beside it for the next resume."""
    meta = {"authority": obs.authority, "population": settings.population, "seed": settings.seed}
    meta_file = checkpoint.with_name(CHECKPOINT_META)
    db = f"sqlite:///{checkpoint.resolve()}"
    if checkpoint.exists():
        _check_meta(meta_file, meta)
        return abc.load(db, 1)
    history = abc.new(db, data_summary(obs))
    write_text(meta_file, json.dumps(meta, indent=2) + "\n")
    return history


def _generations(
    abc: Any,
    history: Any,
    settings: FitSettings,
    progress: Callable[[int, int, float], None] | None,
) -> tuple[Any, str, int]:
    """One generation at a time, so that each is checkpointed and reported, until the
    budget, the generations or the acceptance rate runs out. Returns the history, what
    stopped it, and the runs of a generation abandoned unfinished."""
    import pyabc

    stopped, dropped = "budget", 0
    while (left := settings.budget - history.total_nr_simulations) > 0:
        if history.max_t + 1 >= settings.max_generations:
            stopped = "generations"
            break
        if history.max_t >= 0:
            abc.eps = pyabc.MedianEpsilon(initial_epsilon=_next_tolerance(history))
        done = history.max_t
        # A generation that would need more runs than are left (or accept fewer than
        # `min_acceptance` of its runs) is abandoned by pyabc, not stored.
        floor = max(settings.min_acceptance, settings.population / left)
        history = abc.run(max_nr_populations=1, min_acceptance_rate=min(1.0, floor))
        if history.max_t == done:
            dropped = int(abc.sampler.nr_evaluations_)
            stopped = "budget" if floor > settings.min_acceptance else "acceptance"
            break
        last = history.get_all_populations().iloc[-1]
        if progress is not None:
            progress(int(history.total_nr_simulations), int(last["t"]), float(last["epsilon"]))
    return history, stopped, dropped


def _next_tolerance(history: Any) -> float:
    """The weighted median distance of the last population: the tolerance pyabc's median
    rule would set next. Set by hand because a run continued generation by generation
    (so that each one is checkpointed and reported) would otherwise keep its first."""
    last = history.get_weighted_distances(t=history.max_t)
    return weighted_quantile(last["distance"].to_numpy(), last["w"].to_numpy(), 0.5)


def _check_meta(meta_file: Path, meta: dict[str, object]) -> None:
    try:
        saved = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ScenarioError(
            [f"{meta_file}: unreadable; remove the checkpoint to start again"]
        ) from None
    for key, value in meta.items():
        if saved.get(key) != value:
            raise ScenarioError(
                [
                    f"{meta_file}: {key}: the checkpoint's is {saved.get(key)!r}, this fit's "
                    f"{value!r}; use another --out or remove {CHECKPOINT} to start again"
                ]
            )


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x)
    cum = np.cumsum(w[order]) / w.sum()
    return float(x[order][min(len(x) - 1, int(np.searchsorted(cum, q)))])
