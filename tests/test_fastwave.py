"""The fast first wave: reproducible, infection only from the community, deaths only
through the death rates, outbreaks seen through signs, and the capacity of the time."""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np

from scenarios.firstwave import FirstWave, first_wave
from scenarios.schema import Simulation
from scheduler.simulation.calibrate import PRIORS
from scheduler.simulation.fastwave import FITTED, capacity, simulate_wave
from scheduler.simulation.waverules import Rule

THETA = {
    "worker_intro": 0.001,
    "admission_intro": 0.05,
    "r_within_home": 2.4,
    "detection": 0.25,
    "death_nursing": 0.3,
    "death_residential": 0.25,
}


@cache
def _wave() -> FirstWave:
    return first_wave("Plymouth")


def test_the_fit_moves_exactly_the_parameters_the_wave_reads() -> None:
    assert tuple(PRIORS) == FITTED == tuple(THETA)


def test_same_seed_same_wave_and_seeds_differ() -> None:
    a, b = simulate_wave(_wave(), THETA, 7), simulate_wave(_wave(), THETA, 7)
    assert np.array_equal(a.outbreaks, b.outbreaks) and np.array_equal(a.deaths, b.deaths)
    c = simulate_wave(_wave(), THETA, 8)
    assert not (np.array_equal(a.outbreaks, c.outbreaks) and np.array_equal(a.deaths, c.deaths))
    assert len(a.outbreaks) == len(a.deaths) == 19


def test_no_community_infection_no_outbreak() -> None:
    quiet = THETA | {"worker_intro": 0.0, "admission_intro": 0.0}
    r = simulate_wave(_wave(), quiet, 1)
    assert r.outbreaks.sum() == r.deaths.sum() == r.infections == r.introductions == 0


def test_admissions_alone_bring_infection_in() -> None:
    r = simulate_wave(_wave(), THETA | {"worker_intro": 0.0, "admission_intro": 0.3}, 1)
    assert r.introductions > 0 and r.outbreaks.sum() > 0


def test_deaths_come_only_through_the_death_rates() -> None:
    no_deaths = {t: 0.0 for t in Simulation().death_rate}
    wave = _wave().model_copy(
        update={"simulation": Simulation(death_rate=no_deaths)}  # other home types
    )
    r = simulate_wave(wave, THETA | {"death_nursing": 0.0, "death_residential": 0.0}, 2)
    assert r.infections > 0 and r.deaths.sum() == 0
    more = simulate_wave(wave, THETA | {"death_nursing": 0.5, "death_residential": 0.5}, 2)
    assert more.deaths.sum() > 0


def test_unnoticed_outbreaks_are_reported_later_and_less() -> None:
    seen = [simulate_wave(_wave(), THETA | {"detection": 0.4}, s).outbreaks for s in range(4)]
    blind = [simulate_wave(_wave(), THETA | {"detection": 0.0}, s).outbreaks for s in range(4)]
    assert sum(x.sum() for x in blind) < sum(x.sum() for x in seen)
    first = [int(np.argmax(x > 0)) for x in seen]
    assert min(int(np.argmax(x > 0)) for x in blind) >= min(first)


def test_capacity_grows_as_assumed() -> None:
    wave = _wave()
    tests, shifts = capacity(wave)
    day = {d: (wave.start + dt.timedelta(days=d)) for d in range(wave.days)}
    march, late_april, june = 7, 45, 90
    assert day[late_april] >= dt.date(2020, 4, 15) and day[june].month == 6
    assert tests[march] == int(0.5 * wave.beds / 100)
    assert tests[march] < tests[late_april] < tests[june] == int(15 * wave.beds / 100)
    assert shifts[march] == 0 < shifts[late_april] < shifts[june]
    assert shifts[june] == int(120 / 95 * 95 * 0.5)


def test_whole_home_testing_finds_what_symptoms_miss() -> None:
    """With nobody noticed ill, only tests (and deaths) find outbreaks: whole-home testing
    from March finds more of them than testing that never grows."""
    early = _wave().assumptions.model_copy(update={"whole_home_from": dt.date(2020, 3, 9)})
    never = _wave().assumptions.model_copy(update={"tests": []})
    blind = THETA | {"detection": 0.0, "death_nursing": 0.0, "death_residential": 0.0}
    found = {}
    for name, a in (("early", early), ("never", never)):
        wave = _wave().model_copy(update={"assumptions": a})
        found[name] = sum(simulate_wave(wave, blind, s).outbreaks.sum() for s in range(3))
    assert found["early"] > found["never"]


def test_the_greedy_waves_are_those_the_fit_was_made_with() -> None:
    """Seeded waves under each greedy rule, as they came before the planner could be run
    inside a wave: the fit's as-run results and the other variants' do not move."""
    theta = THETA | {"worker_intro": 0.003, "admission_intro": 0.02, "detection": 0.1}
    theta |= {"r_within_home": 2.5, "death_nursing": 0.35}
    expected = {
        Rule(): (
            [3, 1, 5, 6, 8, 9, 6, 7, 3, 2, 1, 3, 1, 1, 2, 0, 1, 0, 1],
            [0, 0, 5, 3, 12, 6, 13, 17, 20, 19, 7, 10, 8, 12, 7, 8, 2, 2, 2],
            (533, 216, 47),
        ),
        Rule(risk_order=True): (
            [3, 1, 5, 12, 4, 8, 6, 7, 5, 1, 2, 0, 0, 2, 4, 1, 0, 1, 0],
            [0, 0, 5, 4, 8, 16, 31, 19, 22, 19, 23, 15, 8, 2, 3, 3, 6, 3, 2],
            (663, 249, 52),
        ),
        Rule(one_home=False): (
            [3, 1, 5, 6, 8, 9, 6, 7, 2, 2, 0, 2, 2, 1, 0, 2, 0, 0, 1],
            [0, 0, 5, 3, 12, 6, 13, 17, 22, 13, 13, 8, 5, 6, 5, 1, 3, 4, 2],
            (540, 229, 46),
        ),
    }
    for rule, (outbreaks, deaths, totals) in expected.items():
        r = simulate_wave(_wave(), theta, 11, rule)
        assert r.outbreaks.tolist() == outbreaks and r.deaths.tolist() == deaths, rule
        assert (r.infections, r.introductions, r.homes_spread) == totals, rule
