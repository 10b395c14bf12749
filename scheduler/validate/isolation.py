"""The isolation rules: one placement per request, the facility's need and beds, the stay's
dates and length, and the swab before an admission.

Each rule is one function named after it; its docstring states it as a formula."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from scheduler.plan import Placement, PlacementMode, TestBooking
from scheduler.validate.lookup import (
    BookingKind,
    Found,
    Lookup,
    capacity_on,
    record_key,
)


def placed_once(ix: Lookup) -> Found:
    """For each request r: |placements of r| <= 1."""
    for request_id, n in Counter(p.request_id for p in ix.plan.placements).items():
        if n > 1:
            yield request_id, f"request {request_id} is placed {n} times"


def facility_need(ix: Lookup) -> Found:
    """Each placement of r at f: r.need in f.accepts."""
    for p in ix.plan.placements:
        request, facility = ix.requests.get(p.request_id), ix.facilities.get(p.facility_id)
        if request is not None and facility is not None and request.need not in facility.accepts:
            message = f"facility {facility.id} does not take {request.need} needs ({request.id})"
            yield p.request_id, message


def admit_not_before_earliest(ix: Lookup) -> Found:
    """Each placement of r: r.earliest <= admit_date and start <= admit_date <= end."""
    for p in ix.plan.placements:
        request = ix.requests.get(p.request_id)
        if request is not None and p.admit_date < request.earliest:
            message = (
                f"request {request.id} is admitted on {p.admit_date}, before its earliest date "
                f"{request.earliest}"
            )
            yield p.request_id, message
        if not ix.in_horizon(p.admit_date):
            message = (
                f"request {p.request_id} is admitted on {p.admit_date}, outside the horizon "
                f"{ix.start} to {ix.end}"
            )
            yield p.request_id, message


def stay_length(ix: Lookup) -> Found:
    """Each placement of r: discharge_date - admit_date = r.stay_days (policy
    isolation_stay_days if unset) and, when admit_date >= r.earliest,
    wait_days = admit_date - r.earliest."""
    for p in ix.plan.placements:
        request = ix.requests.get(p.request_id)
        if request is None:
            continue
        stay = request.stay_days or ix.policy.isolation_stay_days
        if (p.discharge_date - p.admit_date).days != stay:
            message = (
                f"request {request.id} stays from {p.admit_date} to {p.discharge_date}; "
                f"its stay is {stay} days"
            )
            yield p.request_id, message
        wait = (p.admit_date - request.earliest).days
        if wait >= 0 and p.wait_days != wait:
            message = (
                f"request {request.id} waits {wait} days from {request.earliest} to "
                f"{p.admit_date}, not {p.wait_days}"
            )
            yield p.request_id, message


def bed_occupancy(ix: Lookup) -> Found:
    """For each facility f and day t in D:
    |{placements at f : admit_date <= t < discharge_date}| <= beds[f, t]."""
    for facility in ix.scenario.isolation_facilities:
        stays = [p for p in ix.plan.placements if p.facility_id == facility.id]
        for i, day in enumerate(ix.dates):
            n = sum(1 for p in stays if p.admit_date <= day < p.discharge_date)
            beds = capacity_on(facility.beds, i)
            if n > beds:
                message = f"facility {facility.id} holds {n} residents on {day}; {beds} beds"
                yield record_key(facility.id, day), message


def pre_admission_test(ix: Lookup) -> Found:
    """Each placement of r with admit_date > start has exactly one admission booking of r,
    at a site s on admit_date - max(1, result_days(s)); a placement on the first day has
    none (it was swabbed before the plan began), nor has a request that is not placed or is
    met 1:1 at its own home (it is not admitted anywhere)."""
    booked: dict[str, list[TestBooking]] = defaultdict(list)
    for b in ix.bookings(BookingKind.ADMISSION):
        booked[b.request_id or ""].append(b)
    placed: dict[str, list[Placement]] = defaultdict(list)
    for p in ix.plan.placements:
        placed[p.request_id].append(p)
    for request_id, bookings in booked.items():
        if request_id not in placed:
            message = (
                f"{len(bookings)} pre-admission test(s) booked for {request_id}, which is not "
                "placed"
            )
            yield request_id, message
    for request_id, placements in placed.items():
        for p in placements:
            if p.mode == PlacementMode.BED:
                yield from _admission_swab(ix, p, booked.get(request_id, []))
            elif bookings := booked.get(request_id, []):
                message = (
                    f"{len(bookings)} pre-admission test(s) booked for {request_id}, which is "
                    "met 1:1 at its own home"
                )
                yield request_id, message


def _admission_swab(ix: Lookup, p: Placement, bookings: list[TestBooking]) -> Found:
    k = p.request_id
    if p.admit_date <= ix.start:
        if bookings:
            message = (
                f"{p.request_id} is admitted on the plan's first day {p.admit_date}, so needs "
                f"no pre-admission test, but {len(bookings)} are booked"
            )
            yield k, message
        return
    if len(bookings) != 1:
        message = (
            f"{p.request_id} is admitted on {p.admit_date} and needs one pre-admission test; "
            f"{len(bookings)} are booked"
        )
        yield k, message
        return
    b = bookings[0]
    site = ix.sites.get(b.site_id)
    if site is None:
        return
    swab = p.admit_date - dt.timedelta(days=max(1, ix.result_days(site)))
    if b.date != swab:
        message = (
            f"{p.request_id}'s pre-admission test at {site.id} is on {b.date}; for an admission "
            f"on {p.admit_date} it must be on {swab}"
        )
        yield k, message
