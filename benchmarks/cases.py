"""The benchmark sizes: builders with fixed seeds, registered in one place.

The four sizes of the performance table (city, county, region, national) plus smaller ones for quick
runs and CI. A case with several authorities is planned by `scheduler.pipeline.decompose`, one
independent part per authority, in parallel; the others are planned whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scenarios.generate import generate, generate_authorities, plymouth_2020
from scenarios.load import load_scenario
from scenarios.schema import Scenario

EXAMPLES = Path(__file__).resolve().parent.parent / "scenarios" / "examples"


@dataclass(frozen=True)
class Case:
    """A benchmark size: how to build it, and the per-plan time limit it is run with
    unless `--time-limit` says otherwise (per authority, for a decomposed case)."""

    build: Callable[[], Scenario]
    time_limit: float = 20.0
    decomposed: bool = False
    workers: int | None = None
    """CP-SAT workers per plan, if not `--workers`: a decomposed case's parallelism is its
    parts, one per core, so each part's search gets one worker rather than oversubscribe."""


def _tiny() -> Scenario:
    return load_scenario(EXAMPLES / "tiny.yaml")


def _small() -> Scenario:
    return generate(homes=20, workers=25, days=14, seed=1)


def _city_28d() -> Scenario:
    return generate(homes=95, workers=120, days=28, seed=2)


def _county() -> Scenario:
    return generate(homes=400, workers=600, days=14, seed=3)


def _towns() -> Scenario:
    return generate_authorities(3, homes=30, workers=36, days=7, seed=6)


def _region() -> Scenario:
    return generate_authorities(15, homes=2000, workers=2500, days=14, seed=4)


def _national() -> Scenario:
    return generate_authorities(152, homes=15000, workers=19000, days=14, seed=5)


CASES: dict[str, Case] = {
    "tiny": Case(_tiny),
    "small": Case(_small),
    "city": Case(plymouth_2020),
    "city-28d": Case(_city_28d),
    "county": Case(_county, time_limit=30.0),
    "towns": Case(_towns, time_limit=5.0, decomposed=True, workers=1),
    "region": Case(_region, time_limit=10.0, decomposed=True, workers=1),
    # 152 authorities on 2 cores leave about 7.9 s of wall time each for 10 minutes, of
    # which build, greedy start, lower tiers and extraction take about 3 s; so 3.5 s
    # (measured: 534 s in all, 4.8 % proven, 72.0 % coverage; 616 s, 5.5 %, 71.7 % at 4 s;
    # at 2 s column generation stops early in most authorities).
    "national": Case(_national, time_limit=3.5, decomposed=True, workers=1),
}
"""Every size, smallest first. Module-level functions, so a spawned process can build any."""
