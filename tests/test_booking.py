"""The hand rules' slot counting (`scheduler.heuristics.booking`): site-day room, a mobile unit's
homes, windows counted as covered, and the model's values the bookings stand for."""

from __future__ import annotations

from constraints.build import BuiltModel, build_model
from scenarios.schema import Cohort
from scheduler.heuristics.booking import HomeBookings, SlotBook
from tests.conftest import day, home, scenario, site

STAFF = Cohort.STAFF


def _built() -> BuiltModel:
    """Two homes with staff due a test at once (a window of days 0-2, the next one days
    3-9), a local site of 5 slots a day but none on day 1, and a van that visits one home a
    day."""
    due = {"staff": day(-7), "residents": day(-1)}
    return build_model(
        scenario(
            days=10,
            homes=[home("a", last_tested=due), home("b", last_tested=due)],
            test_sites=[
                site(capacity=[5, 0, *[5] * 8]),
                site("van", capacity=20, kind="mobile_unit", max_homes_per_day=1),
            ],
        )
    )


def test_slot_book_counts_what_was_taken_against_each_days_capacity():
    built = _built()
    slots = SlotBook(built.ctx, [("local", 0), ("local", 0)])
    assert slots.free("local", 0) == 3
    assert slots.free("local", 1) == 0
    assert slots.free("local", 2) == 5
    slots.take("local", 2, 4)
    assert slots.free("local", 2) == 1
    assert slots.free("van", 2) == 20


def test_a_full_site_or_a_van_at_its_homes_takes_no_more():
    built = _built()
    b = HomeBookings(built, SlotBook(built.ctx))
    assert not b.full("local", 0, "a")
    assert b.full("local", 1, "a")  # no capacity that day
    b.take("a", STAFF, "local", 0, 5)
    assert b.full("local", 0, "b")
    assert b.visiting["local", 0] == set()  # a fixed site has no round of homes
    b.take("a", STAFF, "van", 0, 2)
    assert not b.full("van", 0, "a")  # the van is already at a
    assert b.full("van", 0, "b")  # and visits one home a day
    assert not b.full("van", 1, "b")
    assert b.per_day["a", STAFF, 0] == 7
    assert b.slots.free("van", 0) == 18


def test_a_windows_shortfall_counts_only_bookings_inside_it():
    built = _built()
    b = HomeBookings(built, SlotBook(built.ctx))
    window, later = sorted(
        (w for w in built.tests.windows if w.home == "a" and w.cohort == STAFF),
        key=lambda w: w.first,
    )
    assert (window.first, window.last, later.first) == (0, 2, 3)
    b.take("a", STAFF, "local", window.first, 3)
    b.take("b", STAFF, "local", window.first, 1)  # another home's
    b.take("a", STAFF, "local", later.first, 2)  # after it
    assert b.done(window) == 3
    values = b.values()
    assert values[built.tests.short[window]] == window.size - 3
    assert values[built.tests.short[later]] == later.size - 2
    assert values[built.tests.tests["a", STAFF, "local", window.first]] == 3
    b.take("a", STAFF, "van", window.first, window.size)
    assert b.values()[built.tests.short[window]] == 0  # never below 0


def test_values_mark_the_visits_of_a_mobile_unit():
    built = _built()
    b = HomeBookings(built, SlotBook(built.ctx))
    b.take("b", STAFF, "van", 2, 1)
    values = b.values()
    visited = {k for k, v in built.tests.visits.items() if values.get(v)}
    assert visited == {("b", "van", 2)}
