"""A whole first wave in a fraction of a second, for fitting: the greedy rule, no scenario
files, no constraint model, every home stepped at once as numpy arrays (the planner's plans
only when a counterfactual asks for them, `waveplan`).

The epidemic is `scheduler.simulation.epidemic`'s S-E-I-R, by day, in the same order
(introductions, onset, results, spread, recovery), with what a wave adds:

- the community's force of infection varies by day: a worker-day entering a home
  introduces infection with `worker_intro x community[t]`, and each admission
  (`admissions_per_bed_day`) with `admission_intro x community[t]`;
- residents are noticed ill without a test: each infectious resident not yet found is
  noticed with `detection` a day (then isolated like a positive);
- an outbreak is reported on a home's first sign (a resident noticed, a positive result or
  a death) after `QUIET_DAYS` without one, and counted that week, as PHE counted them;
- the greedy rule with the capacity of the day (`WaveAssumptions`): test slots to homes
  with a reported outbreak first (largest first), then, once whole-home testing starts,
  whole homes not tested for `routine_days`; bank shifts to the homes with most staff off.
  A `Rule` (`waverules`) can let bank workers move between homes, order test slots by
  the planner's risk score, or hand both to the planner's own plans (`waveplan`), for
  counterfactuals.

Isolation facilities are left out (a few dozen beds in a city; the first wave's residents
isolated where they were). Same wave, parameters and seed: the same result.

Over 400 lines because it is one day's step of one vectorised wave, on its private arrays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from scenarios.firstwave import FirstWave
from scenarios.schema import HomeType, RiskWeights, Simulation
from scheduler.simulation.reports import QUIET_DAYS
from scheduler.simulation.run import PlanStat
from scheduler.simulation.waveplan import PlanFollower
from scheduler.simulation.waverules import (
    AS_RUN,
    BankWalk,
    Rule,
    Signs,
    fill_slots,
    fixed_scores,
    risk_order,
)

FITTED = (
    "worker_intro",
    "admission_intro",
    "r_within_home",
    "detection",
    "death_nursing",
    "death_residential",
)
"""The parameters a fit moves; everything else comes from the wave's `simulation`."""

EARLY_SWABS = 5
"""Residents swabbed at a home whose outbreak is reported, before whole-home testing (PHE
tested up to five symptomatic residents of a new outbreak)."""


@dataclass(frozen=True)
class WaveResult:
    """Weekly counts over the wave (new outbreaks reported, resident deaths), and totals."""

    outbreaks: np.ndarray
    deaths: np.ndarray
    infections: int
    """Residents infected, introductions included."""
    introductions: int
    """Residents and staff infected from outside the home."""
    homes_spread: int
    """Homes where infection spread to a resident inside the home: outbreaks as they
    happened, reported or not (`outbreaks` counts those reported, and testing more finds
    more of them). An introduction that infects a resident and goes no further is not one."""
    plans: tuple[PlanStat, ...] = ()
    """The plans made inside the wave (`Rule.plans`), in order: none under the greedy."""


@dataclass
class _Homes:
    """Every home's state, one array entry per home (residents r_*, staff s_*)."""

    r_s: np.ndarray
    r_e: np.ndarray
    r_free: np.ndarray
    r_iso: np.ndarray
    r_wait: np.ndarray
    s_s: np.ndarray
    s_e: np.ndarray
    s_free: np.ndarray
    s_off: np.ndarray

    @classmethod
    def uninfected(cls, residents: np.ndarray, staff: np.ndarray) -> _Homes:
        def none() -> np.ndarray:
            return np.zeros(len(residents), dtype=np.int64)

        return cls(
            residents.copy(), none(), none(), none(), none(), staff.copy(), none(), none(), none()
        )


def _death_rates(wave: FirstWave, theta: Mapping[str, float]) -> np.ndarray:
    rates = dict(wave.simulation.death_rate)
    rates[HomeType.OLDER_PEOPLE_NURSING] = theta["death_nursing"]
    rates[HomeType.OLDER_PEOPLE_RESIDENTIAL] = theta["death_residential"]
    return np.array([rates.get(h.type, 0.0) for h in wave.homes])


def capacity(wave: FirstWave) -> tuple[list[int], list[int]]:
    """Test slots and bank shifts of each day of the wave: the tests' last step begun,
    the bank grown linearly from `bank_from` to `bank_full`."""
    a, beds = wave.assumptions, wave.beds
    tests, shifts = [], []
    for t in range(wave.days):
        day = wave.start + dt.timedelta(days=t)
        begun = [s for s in a.tests if s.start <= day]
        step = max(begun, key=lambda s: s.start, default=None)
        tests.append(int(step.per_100_beds * beds / 100) if step else 0)
        share = a.bank_share(day)
        shifts.append(int(share * a.bank_per_home * len(wave.homes) * a.bank_shifts_per_worker_day))
    return tests, shifts


def _split(rng: np.random.Generator, n: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many of `n` introductions land in group a (the rest in b), by their sizes."""
    total = a + b
    share = np.divide(a, total, out=np.zeros(len(a)), where=total > 0)
    return np.minimum(rng.binomial(n, share), a)


@dataclass(frozen=True)
class _City:
    """What does not change during a wave, as arrays by home."""

    staff: np.ndarray
    beds: np.ndarray
    room: np.ndarray
    death: np.ndarray
    order: np.ndarray
    """The greedy's risk order: largest home first."""
    fixed: np.ndarray
    """The risk score's parts that never change (`waverules.fixed_scores`)."""
    slots: list[int]
    shifts: list[int]

    @classmethod
    def of(cls, wave: FirstWave, theta: Mapping[str, float]) -> _City:
        beds = np.array([h.beds for h in wave.homes])
        slots, shifts = capacity(wave)
        return cls(
            staff=np.array([h.staff for h in wave.homes]),
            beds=beds,
            room=np.array([h.can_isolate for h in wave.homes]),
            death=_death_rates(wave, theta),
            order=np.argsort(-beds, kind="stable"),
            fixed=fixed_scores([h.type for h in wave.homes], RiskWeights()),
            slots=slots,
            shifts=shifts,
        )


def simulate_wave(
    wave: FirstWave, theta: Mapping[str, float], seed: int, rule: Rule = AS_RUN
) -> WaveResult:
    """The wave under the greedy rule (as actually run, unless `rule` says otherwise) with
    parameters `theta` (`FITTED`), seeded."""
    rng = np.random.default_rng(seed)
    city = _City.of(wave, theta)
    residents = np.array([h.residents for h in wave.homes])
    h = _Homes.uninfected(residents, city.staff)
    bank = max(city.shifts, default=0)
    walk = None if rule.one_home else BankWalk(bank, wave.simulation, seed)
    signs = Signs.empty(wave.days, len(wave.homes))
    last_sign = np.full(len(wave.homes), -10_000)
    last_tested = np.full(len(wave.homes), -10_000)
    due = np.zeros((wave.days + wave.assumptions.result_days + 1, 2, len(wave.homes)), np.int64)
    outbreaks = np.zeros(wave.days, dtype=np.int64)
    deaths = np.zeros(wave.days, dtype=np.int64)
    infections = introductions = 0
    hit = np.zeros(len(wave.homes), dtype=bool)
    follow = PlanFollower(wave, city.slots, rule.plans) if rule.plans else None
    for t in range(wave.days):
        short = np.rint(h.s_off * wave.simulation.staff_on_duty).astype(np.int64)
        if follow is None:
            filled = _greedy_fill(short, city.shifts[t])
        else:
            follow.morning(t, residents, short, signs)
            filled = follow.bank(t)
        to_r, to_s = _introduce(wave, theta, city, h, rng, t, residents, walk, short, filled)
        introductions += int(to_r.sum() + to_s.sum())
        _onset_and_results(wave.simulation, theta, city, h, rng, due[t], signs, t)
        spread = _spread(wave.simulation, theta, h, rng, residents, city)
        infections += int(to_r.sum() + spread.sum())
        hit |= spread > 0
        died = _recover(wave.simulation, city, h, rng)
        residents = residents - died
        deaths[t] = died.sum()
        signs.died[t] = died
        sign = (signs.found_r[t] + signs.found_s[t] + died) > 0
        outbreaks[t] = (sign & (t - last_sign > QUIET_DAYS)).sum()
        last_sign[sign] = t
        day = wave.start + dt.timedelta(days=t)
        in_outbreak = t - last_sign <= QUIET_DAYS
        if follow is None:
            queue = _test_queue(wave, rule, city, h, signs, t, in_outbreak, last_tested)
            _book_tests(wave, h, rng, t, day, city, queue, in_outbreak, last_tested, residents, due)
        else:
            _book_planned(wave, h, rng, t, follow, residents, city.staff, due)
    weeks = wave.days // 7
    return WaveResult(
        outbreaks=outbreaks[: 7 * weeks].reshape(weeks, 7).sum(axis=1),
        deaths=deaths[: 7 * weeks].reshape(weeks, 7).sum(axis=1),
        infections=infections,
        introductions=introductions,
        homes_spread=int(hit.sum()),
        plans=tuple(follow.stats) if follow else (),
    )


def _introduce(
    wave: FirstWave,
    theta: Mapping[str, float],
    city: _City,
    h: _Homes,
    rng: np.random.Generator,
    t: int,
    residents: np.ndarray,
    walk: BankWalk | None,
    short: np.ndarray,
    bank: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Step 1: own staff on duty and `bank` shifts (each worker-day at the community's risk
    of the day, a bank worker free to move also at the risk of the homes last worked: `walk`,
    sent where most `short`) and admissions; returns the residents and staff exposed."""
    p, c = wave.simulation, wave.community[t]
    worker_days = np.rint((city.staff - h.s_off) * p.staff_on_duty).astype(np.int64) + bank
    intro = rng.binomial(worker_days, min(1.0, theta["worker_intro"] * c))
    if walk is not None:
        forces = _force(p, theta, h, residents, city)
        intro += walk.enter(fill_slots(bank, _most_short(short)), forces)
    admitted = rng.poisson(wave.assumptions.admissions_per_bed_day * city.beds)
    intro_r = rng.binomial(admitted, min(1.0, theta["admission_intro"] * c))
    on_residents = _split(rng, intro, h.r_s, h.s_s)
    to_s = np.minimum(intro - on_residents, h.s_s)
    to_r = np.minimum(on_residents + intro_r, h.r_s)
    h.r_s -= to_r
    h.r_e += to_r
    h.s_s -= to_s
    h.s_e += to_s
    return to_r, to_s


def _onset_and_results(
    p: Simulation,
    theta: Mapping[str, float],
    city: _City,
    h: _Homes,
    rng: np.random.Generator,
    due: np.ndarray,
    signs: Signs,
    t: int,
) -> None:
    """Step 2: E -> I (staff falling ill go off sick with `staff_sick`); residents noticed
    ill and results `due` today isolate residents (in the home while it has room) and send
    staff off. What was found is recorded in `signs` on day `t`."""
    ill_r = rng.binomial(h.r_e, 1 / p.latent_days)
    ill_s = rng.binomial(h.s_e, 1 / p.latent_days)
    sick = rng.binomial(ill_s, p.staff_sick)
    h.r_e -= ill_r
    h.r_free += ill_r
    h.s_e -= ill_s
    h.s_off += sick
    h.s_free += ill_s - sick
    noticed = rng.binomial(h.r_free, theta["detection"])
    found_r = np.minimum(noticed + due[0], h.r_free)
    found_s = np.minimum(due[1], h.s_free)
    h.r_free -= found_r
    isolated = np.minimum(found_r, np.maximum(city.room - h.r_iso, 0))
    h.r_iso += isolated
    h.r_wait += found_r - isolated
    h.s_free -= found_s
    h.s_off += found_s
    signs.found_r[t], signs.found_s[t] = found_r, found_s
    signs.positive[t] = due[0] + due[1]


def _force(
    p: Simulation, theta: Mapping[str, float], h: _Homes, residents: np.ndarray, city: _City
) -> np.ndarray:
    """Each home's force of infection on the people present (`epidemic.force`)."""
    present = residents + city.staff - h.s_off
    spreading = h.r_free + h.r_wait + h.s_free + (1 - p.isolation_effect) * h.r_iso
    beta = theta["r_within_home"] / p.infectious_days
    return np.asarray(beta * spreading / np.maximum(present, 1))


def _spread(
    p: Simulation,
    theta: Mapping[str, float],
    h: _Homes,
    rng: np.random.Generator,
    residents: np.ndarray,
    city: _City,
) -> np.ndarray:
    """Step 3: exposures at `epidemic.spread`'s force among the people present (residents
    alive, staff not off); returns residents exposed, by home."""
    chance = 1 - np.exp(-_force(p, theta, h, residents, city))
    new_r = rng.binomial(h.r_s, chance)
    new_s = rng.binomial(h.s_s, chance)
    h.r_s -= new_r
    h.r_e += new_r
    h.s_s -= new_s
    h.s_e += new_s
    return np.asarray(new_r)


def _recover(p: Simulation, city: _City, h: _Homes, rng: np.random.Generator) -> np.ndarray:
    """Step 4: I -> R, residents leaving I dying at their home type's rate; returns deaths
    by home."""
    gamma = 1 / p.infectious_days
    died = np.zeros(len(city.beds), dtype=np.int64)
    for name in ("r_free", "r_iso", "r_wait"):
        state = getattr(h, name)
        leaving = rng.binomial(state, gamma)
        setattr(h, name, state - leaving)
        died += rng.binomial(leaving, city.death)
    for name in ("s_free", "s_off"):
        state = getattr(h, name)
        setattr(h, name, state - rng.binomial(state, gamma))
    return died


def _most_short(short: np.ndarray) -> np.ndarray:
    """Homes by shifts short, most first, ties by home order: the bank's fill order."""
    return np.lexsort((np.arange(len(short)), -short))


def _greedy_fill(short: np.ndarray, shifts: int) -> np.ndarray:
    """Bank shifts to homes short of staff, most short first (ties by home order)."""
    filled = np.zeros(len(short), dtype=np.int64)
    if shifts <= 0 or short.max() == 0:
        return filled
    for k in sorted(np.flatnonzero(short), key=lambda k: -short[k]):
        take = min(int(short[k]), shifts)
        filled[k] = take
        shifts -= take
        if shifts == 0:
            break
    return filled


def _test_queue(
    wave: FirstWave,
    rule: Rule,
    city: _City,
    h: _Homes,
    signs: Signs,
    t: int,
    in_outbreak: np.ndarray,
    last_tested: np.ndarray,
) -> np.ndarray:
    """The order homes are offered test slots: under the greedy, homes in an outbreak
    first, each group largest first; under `rule.risk_order`, the planner's risk score."""
    if not rule.risk_order:
        order = city.order
        return np.concatenate([order[in_outbreak[order]], order[~in_outbreak[order]]])
    short = np.rint(h.s_off * wave.simulation.staff_on_duty).astype(np.int64)
    since = np.maximum(t - last_tested, 0)
    scores = signs.scores(t + 1, QUIET_DAYS, in_outbreak, since, short, city.fixed, city.room)
    return risk_order(scores, city.beds)


def _book_tests(
    wave: FirstWave,
    h: _Homes,
    rng: np.random.Generator,
    t: int,
    day: dt.date,
    city: _City,
    queue: np.ndarray,
    in_outbreak: np.ndarray,
    last_tested: np.ndarray,
    residents: np.ndarray,
    due: np.ndarray,
) -> None:
    """The day's test slots, the greedy way: homes in `queue`'s order (`_test_queue`);
    before whole-home testing, up to `EARLY_SWABS` residents each, once per outbreak; after
    it, whole homes (residents and staff at work) every `outbreak_retest_days`, then homes
    with no outbreak every `routine_days`. Positives come back `result_days` later."""
    a = wave.assumptions
    slots, staff = city.slots[t], city.staff
    whole = day >= a.whole_home_from
    for k in queue:
        if slots <= 0:
            break
        since = t - last_tested[k]
        if in_outbreak[k]:
            wanted = since > a.outbreak_retest_days if whole else since > QUIET_DAYS
        else:
            wanted = whole and since > a.routine_days
        if not wanted:
            continue
        people = int(residents[k]) if whole else min(EARLY_SWABS, int(residents[k]))
        r = min(people, slots)
        s = min(int(staff[k] - h.s_off[k]), slots - r) if whole else 0
        slots -= r + s
        last_tested[k] = t
        _swab(wave, h, rng, t, k, (r, s), residents, staff, due)


def _book_planned(
    wave: FirstWave,
    h: _Homes,
    rng: np.random.Generator,
    t: int,
    follow: PlanFollower,
    residents: np.ndarray,
    staff: np.ndarray,
    due: np.ndarray,
) -> None:
    """The day's tests as the plan booked them, home by home: its residents and staff (at
    most those alive, and at work: the plan was made days ago), swabbed as the greedy's."""
    booked = follow.booked(t)
    for k in np.flatnonzero(booked.sum(axis=0)):
        at_work = int(staff[k] - h.s_off[k])
        swabs = (min(int(booked[0, k]), int(residents[k])), min(int(booked[1, k]), at_work))
        _swab(wave, h, rng, t, int(k), swabs, residents, staff, due)
        follow.swabbed(t, int(k), swabs, (int(residents[k]), at_work))


def _swab(
    wave: FirstWave,
    h: _Homes,
    rng: np.random.Generator,
    t: int,
    k: int,
    swabs: tuple[int, int],
    residents: np.ndarray,
    staff: np.ndarray,
    due: np.ndarray,
) -> None:
    """Swab home `k`'s residents and staff at work (`swabs`): the infectious among them
    drawn from the free and the rest, each found with `test_sensitivity`, the positives
    back `result_days` later."""
    a, p = wave.assumptions, wave.simulation
    for cohort, (n, free, total) in enumerate(
        (
            (swabs[0], h.r_free[k], residents[k]),
            (swabs[1], h.s_free[k], staff[k] - h.s_off[k]),
        )
    ):
        if n <= 0 or free <= 0:
            continue
        hit = rng.hypergeometric(int(free), max(0, int(total - free)), min(n, int(total)))
        due[t + a.result_days, cohort, k] += rng.binomial(hit, p.test_sensitivity)
