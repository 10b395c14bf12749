"""The testing rules: site capacity and eligibility, lead times, cohort sizes, mobile-unit
visits and booking sizes.

Each rule is one function named after it; its docstring states it as a formula."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from scenarios.schema import (
    HOME_COHORTS,
    Cohort,
    HomeType,
    SiteKind,
)
from scenarios.words import count
from scheduler.plan import TestBooking
from scheduler.validate.lookup import (
    BookingKind,
    Found,
    Lookup,
    booking_key,
    booking_kind,
    capacity_on,
    record_key,
    worker_cohort,
)


def site_capacity(ix: Lookup) -> Found:
    """For each site s and day d in D: sum of tests booked at (s, d) <= capacity[s, d]."""
    booked: Counter[tuple[str, dt.date]] = Counter()
    for b in ix.plan.testing:
        if b.site_id in ix.sites and ix.in_horizon(b.date):
            booked[b.site_id, b.date] += b.tests
    for (site_id, day), n in booked.items():
        cap = capacity_on(ix.sites[site_id].capacity, ix.day_index(day))
        if n > cap:
            yield (
                record_key(site_id, day),
                f"site {site_id} books {n} tests on {day}; capacity {cap}",
            )


def site_eligibility(ix: Lookup) -> Found:
    """Each booking is exactly one of a home booking (cohort in staff/residents/agency and
    in site.cohorts, home.type in site.home_types when listed), a worker booking (cohort =
    the worker's test cohort and site.accepts(cohort)) or an admission booking (cohort =
    admissions, site.accepts(cohort)). What a site's kind does not test has its own rules
    (`portal_eligibility`)."""
    for b in ix.plan.testing:
        site = ix.sites.get(b.site_id)
        if site is None:
            continue
        k = booking_key(b)
        kind = booking_kind(b)
        if kind is None:
            message = (
                "a test booking must be for exactly one of a home's cohort, "
                "a worker or an isolation request"
            )
            yield k, message
            continue
        yield from _cohort_for_kind(ix, b, kind)
        if b.cohort not in site.cohorts:
            yield k, f"site {site.id} does not test the {b.cohort} cohort"
        elif kind == BookingKind.HOME and b.home_id in ix.homes:
            home_type = ix.homes[b.home_id].type
            if site.home_types is not None and home_type not in site.home_types:
                yield k, f"site {site.id} does not test {home_type} homes such as {b.home_id}"


def _cohort_for_kind(ix: Lookup, b: TestBooking, kind: BookingKind) -> Found:
    k = booking_key(b)
    if kind == BookingKind.HOME and b.cohort not in HOME_COHORTS:
        yield k, f"home {b.home_id} is booked for the {b.cohort} cohort, which is not a home's"
    elif kind == BookingKind.WORKER and b.worker_id in ix.workers:
        worker = ix.workers[b.worker_id]
        expected = worker_cohort(worker)
        if b.cohort != expected:
            message = (
                f"{worker.kind} worker {worker.id} is tested as {expected} but booked as {b.cohort}"
            )
            yield k, message
    elif kind == BookingKind.ADMISSION and b.cohort != Cohort.ADMISSIONS:
        yield k, f"pre-admission test for {b.request_id} is booked as {b.cohort}, not admissions"


def portal_eligibility(ix: Lookup) -> Found:
    """A national-portal booking for a learning disability home's residents: the site's
    home_types lists learning_disability. The portal was set up for over-65s and residents
    with dementia; only a scenario that says otherwise, explicitly, may book them there."""
    for b in ix.plan.testing:
        site, home = ix.sites.get(b.site_id), ix.homes.get(b.home_id or "")
        if (
            site is not None
            and home is not None
            and site.kind == SiteKind.NATIONAL_PORTAL
            and b.cohort == Cohort.RESIDENTS
            and home.type == HomeType.LEARNING_DISABILITY
            and HomeType.LEARNING_DISABILITY not in (site.home_types or [])
        ):
            message = (
                f"national portal {site.id} books residents of learning disability home "
                f"{home.id} without home_types listing learning_disability"
            )
            yield booking_key(b), message


def site_lead_time(ix: Lookup) -> Found:
    """Each booking at site s on date d: d >= start + s.lead_days."""
    for b in ix.plan.testing:
        site = ix.sites.get(b.site_id)
        if site is None:
            continue
        first = ix.start + dt.timedelta(days=site.lead_days)
        if b.date < first:
            message = (
                f"site {site.id} needs {site.lead_days} days' notice: first test on {first}, "
                f"booked on {b.date}"
            )
            yield booking_key(b), message


def cohort_size(ix: Lookup) -> Found:
    """One swab per person a day: for each home h, home cohort c and date d,
    sum over sites of home-booking tests[h, c, d] <= size[h, c]."""
    swabbed: Counter[tuple[str, Cohort, dt.date]] = Counter()
    for b in ix.bookings(BookingKind.HOME):
        if b.home_id in ix.homes and b.cohort in HOME_COHORTS:
            swabbed[b.home_id, b.cohort, b.date] += b.tests
    for (home_id, cohort, day), n in swabbed.items():
        size = ix.homes[home_id].cohort_size(cohort)
        if n > size:
            message = (
                f"home {home_id} has {count(n, cohort + ' test')} booked on {day}; the cohort has "
                f"{count(size, 'person', 'people')}"
            )
            yield record_key(home_id, cohort, day), message


def mobile_unit_visits(ix: Lookup) -> Found:
    """For each mobile unit s (max_homes_per_day set) and date d:
    |{h : a home booking of h at (s, d)}| <= s.max_homes_per_day."""
    visited: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    for b in ix.bookings(BookingKind.HOME):
        site = ix.sites.get(b.site_id)
        if site is not None and site.max_homes_per_day is not None and b.home_id is not None:
            visited[site.id, b.date].add(b.home_id)
    for (site_id, day), homes in visited.items():
        limit = ix.sites[site_id].max_homes_per_day or 0
        if len(homes) > limit:
            message = (
                f"mobile unit {site_id} visits {len(homes)} homes on {day} "
                f"({', '.join(sorted(homes))}); at most {limit}"
            )
            yield record_key(site_id, day), message


def booking_size(ix: Lookup) -> Found:
    """Each worker booking and each admission booking has tests == 1."""
    for b in ix.plan.testing:
        kind = booking_kind(b)
        if kind in (BookingKind.WORKER, BookingKind.ADMISSION) and b.tests != 1:
            yield booking_key(b), f"a {kind} test booking is for one person, not {b.tests}"
