"""The staff accommodation and transport rules: rooms a night, each stay whole, a worker's
room only on a far shift's night near the home, the taxi budget and who may have a taxi.

Each rule is one function named after it; its docstring states it as a formula. Who is
far, which hotel is near and who is eligible are `scenarios.accommodation`'s one
definition, which the model reads too."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from scenarios.accommodation import (
    JOURNEYS_PER_SHIFT,
    far_from,
    hotel_near,
    stay_dates,
    taxi_eligible,
)
from scenarios.schema import daily
from scheduler.validate.lookup import Found, Lookup, capacity_on, record_key


def hotel_rooms(ix: Lookup) -> Found:
    """For each hotel t and night n: |stays at t covering n| <= rooms[t, n]."""
    hotels = {t.id: t for t in ix.scenario.staff_hotels}
    used: dict[tuple[str, dt.date], int] = defaultdict(int)
    for stay in ix.plan.rooms:
        for night in stay.night_dates():
            used[stay.hotel_id, night] += 1
    for (t, night), n in sorted(used.items()):
        hotel = hotels.get(t)
        if hotel is None:
            yield t, f"unknown staff hotel {t}"
        elif ix.in_horizon(night) and n > (rooms := capacity_on(hotel.rooms, ix.day_index(night))):
            yield record_key(t, night), f"{n} rooms let at {t} on {night}, it has {rooms}"


def whole_stay(ix: Lookup) -> Found:
    """Each request q met at most once, its stay every night of q inside the horizon:
    first_night = max(q.first_night, start), nights = |stay_dates(q) within D|."""
    requests = {q.id: q for q in ix.scenario.room_requests}
    seen: set[str] = set()
    for stay in ix.plan.rooms:
        if stay.request_id is None:
            continue
        q = requests.get(stay.request_id)
        if q is None:
            yield stay.request_id, f"unknown room request {stay.request_id}"
            continue
        if q.id in seen:
            yield q.id, f"room request {q.id} is met more than once"
        seen.add(q.id)
        wanted = [n for n in stay_dates(q) if ix.in_horizon(n)]
        if stay.night_dates() != wanted or stay.home_id != q.home:
            first = wanted[0] if wanted else "-"
            yield (
                q.id,
                f"room request {q.id} needs {len(wanted)} nights from {first} at home "
                f"{q.home}; the plan gives {stay.nights} from {stay.first_night}",
            )


def room_at_far_shift(ix: Lookup) -> Found:
    """Each worker's night n at hotel t for home h: a shift of w at h on n, w far from h,
    t near h."""
    hotels = {t.id: t for t in ix.scenario.staff_hotels}
    worked = {(a.worker_id, a.home_id, a.date) for a in ix.plan.shifts}
    for stay in ix.plan.rooms:
        if stay.worker_id is None:
            continue
        worker, home, hotel = (
            ix.workers.get(stay.worker_id),
            ix.homes.get(stay.home_id),
            hotels.get(stay.hotel_id),
        )
        if worker is None or home is None or hotel is None:
            continue
        key = record_key(worker.id, hotel.id, stay.first_night)
        if not far_from(ix.scenario, worker, home):
            yield key, f"{worker.id} is not far from {home.id}: no room is theirs"
        if not hotel_near(ix.scenario, hotel, home):
            yield key, f"hotel {hotel.id} is not within far_minutes of {home.id}"
        for night in stay.night_dates():
            if (worker.id, home.id, night) not in worked:
                yield key, f"{worker.id} has a room on {night} without a shift at {home.id}"


def taxi_budget(ix: Lookup) -> Found:
    """For each day d: sum of journeys on d <= journeys_per_day[d] (0 without a budget)."""
    transport = ix.policy.transport
    journeys: dict[dt.date, int] = defaultdict(int)
    for trip in ix.plan.taxis:
        journeys[trip.date] += trip.journeys
    for day, n in sorted(journeys.items()):
        if not ix.in_horizon(day):
            continue
        budget = daily(transport.journeys_per_day, ix.day_index(day)) if transport else 0
        if n > budget:
            yield str(day), f"{n} taxi journeys on {day}, the budget is {budget}"


def taxi_eligibility(ix: Lookup) -> Found:
    """Each taxi pair of w at h on d: a shift of w at h on d that is taxi-eligible, one
    pair a shift."""
    worked = {(a.worker_id, a.home_id, a.date) for a in ix.plan.shifts}
    for trip in ix.plan.taxis:
        key = record_key(trip.worker_id, trip.home_id, trip.date)
        worker, home = ix.workers.get(trip.worker_id), ix.homes.get(trip.home_id)
        if worker is None or home is None:
            yield key, "names an unknown worker or home"
            continue
        if (worker.id, home.id, trip.date) not in worked:
            yield key, f"{worker.id} has a taxi on {trip.date} without a shift at {home.id}"
        elif not taxi_eligible(ix.scenario, worker, home, trip.date):
            yield key, f"{worker.id}'s shift at {home.id} on {trip.date} is not taxi-eligible"
        if trip.journeys != JOURNEYS_PER_SHIFT:
            yield key, f"{trip.journeys} journeys for one shift, not {JOURNEYS_PER_SHIFT}"
