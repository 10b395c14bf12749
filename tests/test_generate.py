"""The synthetic scenario generator: the committed examples, determinism, validity, shape."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios.generate import (
    EXAMPLES,
    PLYMOUTH_FILE,
    bank_supply,
    generate,
    plymouth_2020,
    plymouth_text,
)
from scenarios.load import dump_scenario, load_scenario, parse_scenario
from scenarios.schema import HomeType, OutbreakStatus, Role, Scenario, SiteKind, daily


def _round_trips(s: Scenario) -> None:
    """Valid by every check, and unchanged through a full dump and through the dump that
    `dump_scenario` writes (defaults left out). The YAML text itself is tested on small
    scenarios only: pure-Python YAML takes seconds on the largest."""
    assert parse_scenario(s.model_dump(mode="json", by_alias=True)) == s
    assert parse_scenario(s.model_dump(mode="json", by_alias=True, exclude_defaults=True)) == s


def _shortfall_shifts(s: Scenario) -> int:
    return sum(sf.workers for h in s.homes for sf in h.shortfalls)


# ------------------------------------------------------------------ committed examples


def test_plymouth_file_is_what_the_generator_writes() -> None:
    assert load_scenario(PLYMOUTH_FILE) == plymouth_2020()
    assert PLYMOUTH_FILE.read_text(encoding="utf-8") == plymouth_text(), (
        "regenerate: carehome generate --preset plymouth-2020 -o "
        "scenarios/examples/plymouth-2020.yaml"
    )


def test_plymouth_pins_the_public_figures() -> None:
    s = plymouth_2020()
    assert s.horizon.start == dt.date(2020, 6, 1) and s.horizon.days == 14
    assert len(s.homes) == 95
    assert sum(h.beds for h in s.homes) == 2435
    assert 3800 <= sum(h.staff for h in s.homes) <= 4200
    statuses = Counter(h.outbreak.status for h in s.homes)
    assert statuses[OutbreakStatus.CONFIRMED] == 17
    assert statuses[OutbreakStatus.SUSPECTED] == 11
    assert len(s.workers) == 120
    sites = {site.id: site for site in s.test_sites}
    assert sites["local"].capacity == 220 and sites["local"].lead_days == 0
    national = sites["national"]
    assert national.capacity == 150 and national.lead_days == 3
    assert national.home_types is not None
    assert HomeType.LEARNING_DISABILITY not in national.home_types
    assert HomeType.MENTAL_HEALTH not in national.home_types
    assert {f.id: f.beds for f in s.isolation_facilities} == {
        "care-hotel": 20,
        "council-beds": 10,
        "ld-respite": 6,
    }
    assert 35 <= len(s.isolation_requests) <= 45
    assert 1.0 <= _shortfall_shifts(s) / bank_supply(s.workers) <= 1.3


def test_tiny_example_loads() -> None:
    s = load_scenario(EXAMPLES / "tiny.yaml")
    assert (len(s.homes), len(s.workers), len(s.test_sites)) == (3, 4, 1)
    assert len(s.isolation_facilities) == 1 and 2 <= len(s.isolation_requests) <= 3
    assert s.horizon.days == 7


# ------------------------------------------------------------------ determinism


def test_same_arguments_same_scenario() -> None:
    a = generate(30, 40, days=10, seed=7)
    b = generate(30, 40, days=10, seed=7)
    assert a == b
    assert dump_scenario(a) == dump_scenario(b)


def test_different_seeds_differ() -> None:
    assert generate(30, 40, seed=1) != generate(30, 40, seed=2)
    assert dump_scenario(generate(5, 5, seed=1)) != dump_scenario(generate(5, 5, seed=2))


def test_homes_do_not_depend_on_the_number_of_workers() -> None:
    """Sections draw from their own streams: only the shortfalls follow the bank's size."""

    def without_shortfalls(s: Scenario) -> list[object]:
        return [h.model_copy(update={"shortfalls": []}) for h in s.homes]

    assert without_shortfalls(generate(20, 10, seed=3)) == without_shortfalls(
        generate(20, 90, seed=3)
    )


def test_leaves_the_global_random_state_alone() -> None:
    random.seed(11)
    expected = random.random()
    random.seed(11)
    generate(10, 10, seed=4)
    assert random.random() == expected


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        generate(0, 10)
    with pytest.raises(ValueError):
        generate(10, -1)
    with pytest.raises(ValueError):
        generate(10, 10, days=57)


# ------------------------------------------------------------------ validity


@pytest.mark.parametrize(("homes", "workers", "days", "seed"), [(12, 15, 7, 3), (1, 1, 1, 9)])
def test_yaml_round_trip(homes: int, workers: int, days: int, seed: int) -> None:
    s = generate(homes, workers, days, seed=seed)
    assert parse_scenario(yaml.safe_load(dump_scenario(s))) == s


@pytest.mark.parametrize(
    ("homes", "workers", "days"),
    [(1, 1, 1), (1, 0, 1), (1, 600, 56), (400, 1, 1), (400, 600, 56), (40, 3, 2)],
)
def test_extreme_sizes_are_valid(homes: int, workers: int, days: int) -> None:
    s = generate(homes, workers, days, seed=homes + workers + days)
    _round_trips(s)
    assert (len(s.homes), len(s.workers), s.horizon.days) == (homes, workers, days)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    homes=st.integers(1, 120),
    workers=st.integers(0, 150),
    days=st.integers(1, 56),
    seed=st.integers(-(2**31), 2**31),
)
def test_every_generated_scenario_is_valid(homes: int, workers: int, days: int, seed: int) -> None:
    s = generate(homes, workers, days, seed=seed)
    _round_trips(s)
    held = {r for w in s.workers for r in w.roles}
    for h in s.homes:
        assert h.residents <= h.beds
        for sf in h.shortfalls:
            assert sf.role in held
            assert 1 <= sf.workers <= 3
            assert sf.role != Role.NURSE or h.type == HomeType.OLDER_PEOPLE_NURSING
    for w in s.workers:
        assert w.home_history.last_shift is None or w.home_history.last_shift < s.horizon.start


def test_many_seeds_at_middling_sizes() -> None:
    rng = random.Random(0)
    for seed in range(25):
        s = generate(rng.randint(1, 200), rng.randint(1, 300), rng.randint(1, 56), seed=seed)
        _round_trips(s)


# ------------------------------------------------------------------ statistical shape


def test_a_city_has_the_intended_shape() -> None:
    s = generate(300, 380, days=14, seed=1)
    n = len(s.homes)
    types = Counter(h.type for h in s.homes)
    assert 0.36 <= types[HomeType.OLDER_PEOPLE_RESIDENTIAL] / n <= 0.54
    assert 0.22 <= types[HomeType.OLDER_PEOPLE_NURSING] / n <= 0.38
    assert 0.09 <= types[HomeType.LEARNING_DISABILITY] / n <= 0.21
    beds = sum(h.beds for h in s.homes)
    assert 1.45 <= sum(h.staff for h in s.homes) / beds <= 1.85
    assert 0.80 <= sum(h.residents for h in s.homes) / beds <= 0.95
    incidents = [h for h in s.homes if h.outbreak.status != OutbreakStatus.NONE]
    assert 0.22 <= len(incidents) / n <= 0.38
    for h in incidents:
        assert h.outbreak.since is not None
        assert h.outbreak.since >= s.horizon.start - dt.timedelta(days=10)
        if h.outbreak.status == OutbreakStatus.CONFIRMED:
            assert h.outbreak.resident_cases + h.outbreak.staff_cases >= 1
    assert 0.95 <= _shortfall_shifts(s) / bank_supply(s.workers) <= 1.35
    kinds = Counter(site.kind for site in s.test_sites)
    assert kinds == {SiteKind.LOCAL_SITE: 1, SiteKind.NATIONAL_PORTAL: 1, SiteKind.MOBILE_UNIT: 1}
    weekly_tests = 7 * sum(daily(site.capacity, 0) for site in s.test_sites)
    weekly_staff = sum(h.staff + h.agency_staff for h in s.homes)
    assert 0.65 <= weekly_tests / weekly_staff <= 0.90
    assert s.isolation_requests
    assert {r.from_hospital for r in s.isolation_requests if r.from_home is None} <= {
        "City Hospital"
    }
    assert len({h.name for h in s.homes}) == n
    assert len({w.name for w in s.workers}) == len(s.workers)


def test_about_a_fifth_of_homes_reported_two_or_three_days_late() -> None:
    s = generate(200, 40, seed=5)
    ages = [(s.horizon.start - h.reported).days for h in s.homes if h.reported is not None]
    assert 0.12 <= len(ages) / len(s.homes) <= 0.28
    assert set(ages) == {2, 3}
    assert generate(200, 40, seed=5) == s


def test_one_to_one_is_offered_by_residential_and_nursing_homes_without_isolation_rooms() -> None:
    """About half the requests from such homes are marked, none from any other, so the
    example shows 1:1 at home."""
    s = plymouth_2020()
    homes = {h.id: h for h in s.homes}
    marked = [r for r in s.isolation_requests if r.one_to_one_ok]
    assert [r.id for r in marked] == ["r012", "r019", "r035"]
    for r in marked:
        assert r.from_home is not None
        home = homes[r.from_home]
        assert home.can_isolate == 0
        assert home.type in (HomeType.OLDER_PEOPLE_RESIDENTIAL, HomeType.OLDER_PEOPLE_NURSING)
