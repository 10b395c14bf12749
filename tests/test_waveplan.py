"""The optimiser inside the fast wave: the wave swabs the homes its plans booked and no
other, sends the bank where they sent it, tells the planner only what was seen, is the
same for a seed, and its draws pair with the policy as run."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from scenarios.checks import scenario_problems
from scenarios.firstwave import FirstWave, first_wave
from scenarios.firstwave import TestStep as CapacityStep
from scenarios.schema import OutbreakStatus, Scenario
from scheduler.plan import Plan
from scheduler.simulation import fastwave, waveplan
from scheduler.simulation.counterfactual import (
    Variant,
    draw_seed,
    printed_table,
    run_draws,
    summarise,
    variants,
)
from scheduler.simulation.fastwave import WaveResult, simulate_wave
from scheduler.simulation.waveplan import outbreak_on
from scheduler.simulation.waverules import Replanning, Rule, Signs

THETA = {
    "worker_intro": 0.02,
    "admission_intro": 0.05,
    "r_within_home": 2.5,
    "detection": 0.1,
    "death_nursing": 0.35,
    "death_residential": 0.25,
}
PLANS = Rule(plans=Replanning(every_days=7, seconds=0.2))


@cache
def _tiny() -> FirstWave:
    """Five homes for three weeks, whole-home testing and a full bank from the first day,
    16 test slots a day: fewer than most homes' residents, so the plan must choose."""
    wave = first_wave("Plymouth")
    start = wave.start
    assumptions = wave.assumptions.model_copy(
        update={
            "tests": [CapacityStep(start=start, per_100_beds=10)],
            "whole_home_from": start,
            "bank_from": start - dt.timedelta(days=50),
            "bank_full": start,
            "bank_per_home": 2.0,
        }
    )
    return wave.model_copy(update={"homes": wave.homes[:5], "days": 21, "assumptions": assumptions})


@dataclass
class _Seen:
    """What an optimiser wave planned and did: the plans by first day, the swabs by (day,
    home) and the bank shifts worked by (day, home)."""

    plans: dict[int, Plan] = field(default_factory=dict)
    scenarios: list[Scenario] = field(default_factory=list)
    swabs: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    bank: Counter[tuple[int, int]] = field(default_factory=Counter)


@contextmanager
def _watching(seen: _Seen) -> Iterator[None]:
    """The real planner and the real wave, with what passes between them recorded."""
    plan, swab, introduce = waveplan.plan_or_baseline, fastwave._swab, fastwave._introduce
    start = _tiny().start

    def planned(*args: Any) -> Any:
        made = plan(*args)
        seen.scenarios.append(args[1])
        seen.plans[(args[1].horizon.start - start).days] = made[0]
        return made

    def swabbed(*args: Any) -> None:
        _wave, _h, _rng, t, k, swabs = args[:6]
        seen.swabs[t, k] = swabs
        swab(*args)

    def introduced(*args: Any) -> Any:
        t, bank = args[5], args[-1]
        for k in np.flatnonzero(bank):
            seen.bank[t, int(k)] += int(bank[k])
        return introduce(*args)

    waveplan.plan_or_baseline = planned  # type: ignore[assignment]
    fastwave._swab = swabbed  # type: ignore[assignment]
    fastwave._introduce = introduced  # type: ignore[assignment]
    try:
        yield
    finally:
        waveplan.plan_or_baseline = plan  # type: ignore[assignment]
        fastwave._swab = swab  # type: ignore[assignment]
        fastwave._introduce = introduce  # type: ignore[assignment]


@cache
def _optimiser_wave(seed: int) -> tuple[WaveResult, _Seen]:
    seen = _Seen()
    with _watching(seen):
        result = simulate_wave(_tiny(), THETA, seed, PLANS)
    return result, seen


def _booked(seen: _Seen) -> dict[tuple[int, int], tuple[int, int]]:
    """(day, home) -> (residents, staff) the plans booked, each plan up to the next."""
    wave = _tiny()
    index = {h.id: k for k, h in enumerate(wave.homes)}
    booked: dict[tuple[int, int], list[int]] = {}
    for first, plan in seen.plans.items():
        for b in plan.testing:
            t = (b.date - wave.start).days
            if first <= t < first + 7 and b.home_id is not None:
                row = booked.setdefault((t, index[b.home_id]), [0, 0])
                row[waveplan.COHORTS.index(b.cohort)] += b.tests
    return {key: (r, s) for key, (r, s) in booked.items()}


def test_the_wave_swabs_the_homes_its_plans_booked_and_no_other() -> None:
    result, seen = _optimiser_wave(3)
    assert [p.day for p in result.plans] == [
        _tiny().start + dt.timedelta(days=d) for d in (0, 7, 14)
    ]
    booked = _booked(seen)
    assert set(seen.swabs) == set(booked)  # a home the plan does not book is not tested
    homes = len(_tiny().homes)
    days_choosing = [t for t in range(21) if sum((t, k) in booked for k in range(homes)) < homes]
    assert days_choosing, "capacity binds: on some days some homes are left untested"
    for key, (r, s) in seen.swabs.items():
        planned_r, planned_s = booked[key]
        assert r <= planned_r and s <= planned_s  # no more than booked (fewer if ill or dead)
    assert sum(sum(v) for v in seen.swabs.values()) > 0.8 * sum(sum(v) for v in booked.values())


def test_every_scenario_the_wave_plans_passes_the_scenarios_own_checks() -> None:
    _result, seen = _optimiser_wave(3)
    assert len(seen.scenarios) == 3
    for scenario in seen.scenarios:
        assert scenario_problems(scenario) == [], scenario.name
        assert scenario.workers and scenario.test_sites


def test_the_bank_works_where_and_when_the_plans_sent_it() -> None:
    _result, seen = _optimiser_wave(3)
    wave = _tiny()
    index = {h.id: k for k, h in enumerate(wave.homes)}
    sent: Counter[tuple[int, int]] = Counter()
    for first, plan in seen.plans.items():
        for a in plan.shifts:
            t = (a.date - wave.start).days
            if first <= t < first + 7:
                sent[t, index[a.home_id]] += 1
    assert sent and seen.bank == sent


def test_an_optimiser_wave_is_the_same_for_a_seed() -> None:
    first, _seen = _optimiser_wave(3)
    again = simulate_wave(_tiny(), THETA, 3, PLANS)
    for name in ("outbreaks", "deaths"):
        assert np.array_equal(getattr(first, name), getattr(again, name))
    assert (first.infections, first.introductions, first.homes_spread) == (
        again.infections,
        again.introductions,
        again.homes_spread,
    )
    assert [p.status for p in first.plans] == [p.status for p in again.plans]


def test_the_planner_is_told_what_was_seen_not_who_is_infected() -> None:
    signs = Signs.empty(days=80, homes=3)
    signs.found_r[2, 0] = 1  # home 0: one resident noticed ill, long ago
    signs.found_r[40, 0] = 2  # ... and a new outbreak after a quiet spell
    signs.positive[45, 0] = 1
    signs.found_s[45, 0] = 1
    signs.died[47, 0] = 1
    signs.found_r[44, 1] = 1  # home 1: noticed ill only
    start = dt.date(2020, 3, 9)
    confirmed = outbreak_on(signs, 48, 0, start)
    assert confirmed.status == OutbreakStatus.CONFIRMED
    assert confirmed.since == start + dt.timedelta(days=40)
    assert (confirmed.resident_cases, confirmed.staff_cases, confirmed.deaths_7d) == (2, 1, 1)
    assert outbreak_on(signs, 48, 1, start).status == OutbreakStatus.SUSPECTED
    assert outbreak_on(signs, 48, 2, start).status == OutbreakStatus.NONE  # infected or not
    assert outbreak_on(signs, 47, 0, start).deaths_7d == 0  # that morning's death not yet seen
    assert outbreak_on(signs, 79, 0, start).status == OutbreakStatus.NONE  # 28 quiet days


def test_optimiser_draws_are_paired_with_the_policy_as_run_on_its_own_draws() -> None:
    chosen = [
        variants(replanning=PLANS.plans, optimiser_draws=1)["optimiser"],
        Variant("same", ""),
    ]
    table = run_draws(_tiny(), [THETA], np.zeros(3, dtype=int), 5, chosen)
    mine = table[table["variant"] == "optimiser"]
    assert mine["draw"].tolist() == [0]
    assert table[table["variant"] == "same"]["draw"].tolist() == [0, 1, 2]
    alone = simulate_wave(_tiny(), THETA, draw_seed(5, 0))
    played = simulate_wave(_tiny(), THETA, draw_seed(5, 0), PLANS)
    row = mine.iloc[0]
    assert row["deaths_actual"] == alone.deaths.sum()
    assert row["deaths_variant"] == played.deaths.sum()
    assert row["infections_prevented"] == alone.infections - played.infections
    assert (row["plans"], row["plans_failed"]) == (3, 0)
    shown = printed_table(summarise(table, chosen))
    assert shown.splitlines()[1].split()[:2] == ["optimiser", "1"]
    assert shown.splitlines()[2].split()[:2] == ["same", "3"]
