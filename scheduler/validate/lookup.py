"""What every validation rule reads: the scenario's records by id, the plan's rows by
kind, and the rule that every row names known records inside the horizon."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from scenarios.schema import (
    Capacity,
    Cohort,
    Home,
    IsolationFacility,
    IsolationRequest,
    Policy,
    Scenario,
    TestSite,
    Worker,
    WorkerKind,
    daily,
)
from scenarios.turnaround import days_to_result
from scheduler.plan import PlacementMode, Plan, ShiftAssignment, TestBooking

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: `rule` names it, `key` the offending record(s)."""

    rule: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}[{self.key}]: {self.message}"


Found = Iterator[tuple[str, str]]
"""What a rule yields: (key, message) per violation."""


class BookingKind(StrEnum):
    HOME = "home"
    WORKER = "worker"
    ADMISSION = "admission"


def booking_kind(b: TestBooking) -> BookingKind | None:
    """What a booking is for; None when it names none, or both a worker and a request."""
    if b.worker_id is not None and b.request_id is not None:
        return None
    if b.worker_id is not None:
        return BookingKind.WORKER
    if b.request_id is not None:
        return BookingKind.ADMISSION
    if b.home_id is not None:
        return BookingKind.HOME
    return None


def worker_cohort(worker: Worker) -> Cohort:
    """Agency workers are tested as agency staff, every other pool as staff."""
    return Cohort.AGENCY if worker.kind == WorkerKind.AGENCY else Cohort.STAFF


def record_key(*parts: object) -> str:
    return ",".join(str(p) for p in parts if p is not None)


def booking_key(b: TestBooking) -> str:
    return record_key(b.date, b.site_id, b.home_id, b.cohort, b.worker_id, b.request_id)


def capacity_on(capacity: Capacity, day_index: int) -> int:
    """`daily`, but 0 past the end of a too-short per-day list instead of an IndexError."""
    if isinstance(capacity, list) and not 0 <= day_index < len(capacity):
        return 0
    return daily(capacity, day_index)


@dataclass
class Lookup:
    """The scenario's records by id and the horizon's dates, built once per validation."""

    scenario: Scenario
    plan: Plan
    previous: Plan | None = None
    """A re-plan's previous plan, whose decisions before its first open day it keeps."""
    homes: dict[str, Home] = field(init=False)
    sites: dict[str, TestSite] = field(init=False)
    workers: dict[str, Worker] = field(init=False)
    requests: dict[str, IsolationRequest] = field(init=False)
    facilities: dict[str, IsolationFacility] = field(init=False)
    dates: list[dt.date] = field(init=False)

    def __post_init__(self) -> None:
        s = self.scenario
        self.homes = {h.id: h for h in s.homes}
        self.sites = {x.id: x for x in s.test_sites}
        self.workers = {w.id: w for w in s.workers}
        self.requests = {r.id: r for r in s.isolation_requests}
        self.facilities = {f.id: f for f in s.isolation_facilities}
        self.dates = s.horizon.dates

    @property
    def policy(self) -> Policy:
        return self.scenario.policy

    @property
    def start(self) -> dt.date:
        return self.dates[0]

    def result_days(self, site: TestSite) -> int:
        """Days from a swab at `site` to its result, at the policy's percentile: the same
        reading as the model's, from the scenario's one definition."""
        return days_to_result(site, self.policy.result_percentile)

    @property
    def end(self) -> dt.date:
        return self.dates[-1]

    def in_horizon(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def day_index(self, day: dt.date) -> int:
        return (day - self.start).days

    def bookings(self, kind: BookingKind) -> list[TestBooking]:
        return [b for b in self.plan.testing if booking_kind(b) == kind]

    def shifts_of(self) -> dict[str, list[ShiftAssignment]]:
        """Known workers' shifts, by worker id, in date order."""
        grouped: dict[str, list[ShiftAssignment]] = defaultdict(list)
        for a in sorted(self.plan.shifts, key=lambda a: (a.date, a.shift, a.home_id)):
            if a.worker_id in self.workers:
                grouped[a.worker_id].append(a)
        return grouped


# ------------------------------------------------------------------ references and format


def reference(ix: Lookup) -> Found:
    """Every site, home, worker, request and facility id in the plan is in the scenario;
    every booking and shift date d has start <= d <= end; no two bookings share
    (date, site, home, cohort, worker, request) and no two shifts share (date, shift, worker)."""
    for b in ix.plan.testing:
        k = booking_key(b)
        yield from _unknown(k, "test booking", "site", b.site_id, ix.sites)
        yield from _unknown(k, "test booking", "home", b.home_id, ix.homes)
        yield from _unknown(k, "test booking", "worker", b.worker_id, ix.workers)
        yield from _unknown(k, "test booking", "isolation request", b.request_id, ix.requests)
        yield from _outside(ix, k, "test booking", b.date)
    for a in ix.plan.shifts:
        k = record_key(a.date, a.shift, a.worker_id)
        yield from _unknown(k, "shift", "worker", a.worker_id, ix.workers)
        yield from _unknown(k, "shift", "home", a.home_id, ix.homes)
        yield from _outside(ix, k, "shift", a.date)
    for p in ix.plan.placements:
        k = p.request_id
        yield from _unknown(k, "placement", "isolation request", p.request_id, ix.requests)
        if p.mode == PlacementMode.BED:
            yield from _unknown(k, "placement", "isolation facility", p.facility_id, ix.facilities)
    bookings = Counter(
        (b.date, b.site_id, b.home_id, b.cohort, b.worker_id, b.request_id) for b in ix.plan.testing
    )
    for parts, n in bookings.items():
        if n > 1:
            yield record_key(*parts), f"the same test booking appears {n} times"
    shifts = Counter((a.date, a.shift, a.worker_id) for a in ix.plan.shifts)
    for shift_key, n in shifts.items():
        if n > 1:
            yield record_key(*shift_key), f"the same shift appears {n} times"


def _unknown(k: str, row: str, what: str, value: str | None, known: Mapping[str, object]) -> Found:
    if value is not None and value not in known:
        yield k, f"{row} names unknown {what} {value!r}"


def _outside(ix: Lookup, k: str, row: str, day: dt.date) -> Found:
    if not ix.in_horizon(day):
        yield k, f"{row} dated {day} lies outside the horizon {ix.start} to {ix.end}"
