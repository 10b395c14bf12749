"""The independent validator: re-check every hard rule of a finished `Plan` against its
`Scenario`, trusting nothing the solver said.

It deliberately imports no model or solver code, only the scenario schema and the plan
contract, so that a council can check a roster without trusting the optimiser. Each hard
rule is one small function named after the rule; its docstring states the rule as a formula.
A rule function yields ``(key, message)`` pairs and `validate_plan` names them after it.

Conventions: D is the horizon's dates (start .. end inclusive); a booking is a *home*
booking (home_id set, no worker or request), a *worker* booking (worker_id set) or an
*admission* booking (request_id set). Rows naming unknown ids are reported once under
`reference` and skipped by the rules that would need the missing record.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise

from scenarios.history import night_before, worked_before, working_windows
from scenarios.schema import (
    HOME_COHORTS,
    Capacity,
    Cohort,
    Home,
    HomeType,
    IsolationFacility,
    IsolationRequest,
    Policy,
    Scenario,
    Shift,
    SiteKind,
    TestSite,
    Worker,
    WorkerKind,
    daily,
)
from scenarios.words import count
from scheduler.plan import Placement, Plan, ShiftAssignment, TestBooking
from scheduler.validate_decisions import kept_decision, pin_request, pin_worker

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
    """Bank workers are tested as staff, agency workers as agency staff."""
    return Cohort.AGENCY if worker.kind == WorkerKind.AGENCY else Cohort.STAFF


def _key(*parts: object) -> str:
    return ",".join(str(p) for p in parts if p is not None)


def _booking_key(b: TestBooking) -> str:
    return _key(b.date, b.site_id, b.home_id, b.cohort, b.worker_id, b.request_id)


def _amount(capacity: Capacity, day_index: int) -> int:
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
        k = _booking_key(b)
        yield from _unknown(k, "test booking", "site", b.site_id, ix.sites)
        yield from _unknown(k, "test booking", "home", b.home_id, ix.homes)
        yield from _unknown(k, "test booking", "worker", b.worker_id, ix.workers)
        yield from _unknown(k, "test booking", "isolation request", b.request_id, ix.requests)
        yield from _outside(ix, k, "test booking", b.date)
    for a in ix.plan.shifts:
        k = _key(a.date, a.shift, a.worker_id)
        yield from _unknown(k, "shift", "worker", a.worker_id, ix.workers)
        yield from _unknown(k, "shift", "home", a.home_id, ix.homes)
        yield from _outside(ix, k, "shift", a.date)
    for p in ix.plan.placements:
        k = p.request_id
        yield from _unknown(k, "placement", "isolation request", p.request_id, ix.requests)
        yield from _unknown(k, "placement", "isolation facility", p.facility_id, ix.facilities)
    bookings = Counter(
        (b.date, b.site_id, b.home_id, b.cohort, b.worker_id, b.request_id) for b in ix.plan.testing
    )
    for parts, n in bookings.items():
        if n > 1:
            yield _key(*parts), f"the same test booking appears {n} times"
    shifts = Counter((a.date, a.shift, a.worker_id) for a in ix.plan.shifts)
    for shift_key, n in shifts.items():
        if n > 1:
            yield _key(*shift_key), f"the same shift appears {n} times"


def _unknown(k: str, row: str, what: str, value: str | None, known: Mapping[str, object]) -> Found:
    if value is not None and value not in known:
        yield k, f"{row} names unknown {what} {value!r}"


def _outside(ix: Lookup, k: str, row: str, day: dt.date) -> Found:
    if not ix.in_horizon(day):
        yield k, f"{row} dated {day} lies outside the horizon {ix.start} to {ix.end}"


# ------------------------------------------------------------------ testing


def site_capacity(ix: Lookup) -> Found:
    """For each site s and day d in D: sum of tests booked at (s, d) <= capacity[s, d]."""
    booked: Counter[tuple[str, dt.date]] = Counter()
    for b in ix.plan.testing:
        if b.site_id in ix.sites and ix.in_horizon(b.date):
            booked[b.site_id, b.date] += b.tests
    for (site_id, day), n in booked.items():
        cap = _amount(ix.sites[site_id].capacity, ix.day_index(day))
        if n > cap:
            yield _key(site_id, day), f"site {site_id} books {n} tests on {day}; capacity {cap}"


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
        k = _booking_key(b)
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
    k = _booking_key(b)
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
            yield _booking_key(b), message


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
            yield _booking_key(b), message


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
            yield _key(home_id, cohort, day), message


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
            yield _key(site_id, day), message


def booking_size(ix: Lookup) -> Found:
    """Each worker booking and each admission booking has tests == 1."""
    for b in ix.plan.testing:
        kind = booking_kind(b)
        if kind in (BookingKind.WORKER, BookingKind.ADMISSION) and b.tests != 1:
            yield _booking_key(b), f"a {kind} test booking is for one person, not {b.tests}"


# ------------------------------------------------------------------ staffing


def one_shift_per_day(ix: Lookup) -> Found:
    """For each worker w and date d: |shifts of w on d| <= 1."""
    per_day: dict[tuple[str, dt.date], list[Shift]] = defaultdict(list)
    for a in ix.plan.shifts:
        per_day[a.worker_id, a.date].append(a.shift)
    for (worker_id, day), shifts in per_day.items():
        if len(shifts) > 1:
            named = ", ".join(sorted(shifts))
            message = f"worker {worker_id} works {len(shifts)} shifts on {day} ({named})"
            yield _key(worker_id, day), message


def availability(ix: Lookup) -> Found:
    """Each shift (w, d, s): w.available_on(d, s)."""
    for a in ix.plan.shifts:
        worker = ix.workers.get(a.worker_id)
        if worker is not None and not worker.available_on(a.date, a.shift):
            message = f"worker {a.worker_id} is not available for the {a.shift} shift on {a.date}"
            yield _key(a.worker_id, a.date, a.shift), message


def role(ix: Lookup) -> Found:
    """Each shift (w, r): r in w.roles."""
    for a in ix.plan.shifts:
        worker = ix.workers.get(a.worker_id)
        if worker is not None and a.role not in worker.roles:
            held = ", ".join(worker.roles)
            message = f"worker {a.worker_id} works as {a.role} on {a.date} but holds only {held}"
            yield _key(a.worker_id, a.date, a.shift), message


def rest_after_night(ix: Lookup) -> Found:
    """For each worker w and date d: night[w, d] + day[w, d + 1] <= 1, a night on the day
    before the horizon read from w's recent shifts."""
    nights = {(a.worker_id, a.date) for a in ix.plan.shifts if a.shift == Shift.NIGHT}
    nights |= {
        (w.id, ix.start - ONE_DAY)
        for w in ix.scenario.workers
        if night_before(w.home_history, ix.start)
    }
    for a in ix.plan.shifts:
        if a.shift == Shift.DAY and (a.worker_id, a.date - ONE_DAY) in nights:
            message = (
                f"worker {a.worker_id} works the day shift on {a.date} straight after the night "
                f"shift of {a.date - ONE_DAY}"
            )
            yield _key(a.worker_id, a.date - ONE_DAY), message


def max_shifts(ix: Lookup) -> Found:
    """For each worker w with w.max_shifts set: |shifts of w| <= w.max_shifts."""
    for worker_id, shifts in ix.shifts_of().items():
        cap = ix.workers[worker_id].max_shifts
        if cap is not None and len(shifts) > cap:
            yield worker_id, f"worker {worker_id} works {len(shifts)} shifts; at most {cap}"


def max_shifts_per_7_days(ix: Lookup) -> Found:
    """For each worker w and window W of 7 consecutive dates holding a horizon date (the
    whole horizon if shorter), with h dates of W worked before the horizon (w's recent
    shifts): |shifts of w on W| <= max(0, policy.max_shifts_per_7_days - h)."""
    limit = ix.policy.max_shifts_per_7_days
    yield from _windows_over(ix, 7, limit, f"at most {limit} in 7 days")


def max_consecutive_days(ix: Lookup) -> Found:
    """For each worker w and window W of K + 1 consecutive dates (K =
    policy.max_consecutive_days) holding a horizon date, with h dates of W worked before the
    horizon: |dates of W worked by w| <= max(0, K - h), i.e. no run longer than K."""
    limit = ix.policy.max_consecutive_days
    yield from _windows_over(ix, limit + 1, limit, f"at most {limit} consecutive days")


def _windows_over(ix: Lookup, length: int, limit: int, rule: str) -> Found:
    """Each worker's windows (`scenarios.history.working_windows`) worked past their
    allowance."""
    for worker_id, shifts in ix.shifts_of().items():
        before = worked_before(ix.workers[worker_id].home_history, ix.start)
        worked = {ix.day_index(a.date) for a in shifts}
        for window in working_windows(len(ix.dates), length, limit, before):
            n = len(worked.intersection(window.days))
            if n <= window.allowance:
                continue
            first = ix.start + dt.timedelta(days=window.first)
            last = ix.start + dt.timedelta(days=window.days[-1])
            earlier = sum(1 for d in before if window.first <= d < 0)
            already = f" after {earlier} before the horizon" if earlier else ""
            message = (
                f"worker {worker_id} works {count(n, 'day')}{already} from {first} to {last}; "
                f"{rule}"
            )
            yield _key(worker_id, first), message


def shortfall_cover(ix: Lookup) -> Found:
    """For each home h, date d, shift s and role r: |shifts at (h, d, s, r)| <= the home's
    shortfall workers[d, s, r] (0 when it lists no such shortfall)."""
    short: Counter[tuple[str, dt.date, Shift, str]] = Counter()
    for home in ix.scenario.homes:
        for sf in home.shortfalls:
            short[home.id, sf.date, sf.shift, sf.role] += sf.workers
    assigned: Counter[tuple[str, dt.date, Shift, str]] = Counter(
        (a.home_id, a.date, a.shift, a.role) for a in ix.plan.shifts if a.home_id in ix.homes
    )
    for (home_id, day, shift, role_), n in assigned.items():
        need = short[home_id, day, shift, role_]
        if n > need:
            message = (
                f"{n} {role_} assigned to the {shift} shift of {home_id} on {day}, "
                f"which is short of {need}"
            )
            yield _key(home_id, day, shift, role_), message


def one_home_per_worker(ix: Lookup) -> Found:
    """For each worker w: |{h : w has a shift at h}| <= 1 (if the policy keeps the rule)."""
    if not ix.policy.one_home_per_worker:
        return
    homes: dict[str, set[str]] = defaultdict(set)
    for a in ix.plan.shifts:
        homes[a.worker_id].add(a.home_id)
    for worker_id, at in homes.items():
        if len(at) > 1:
            message = (
                f"worker {worker_id} works at {len(at)} homes ({', '.join(sorted(at))}); "
                "a worker serves one home"
            )
            yield worker_id, message


def quarantine_window(ix: Lookup) -> Found:
    """For each shift (w, h, d) with w's current home X != h and last shift L:
    d >= L + policy.quarantine_days."""
    days = dt.timedelta(days=ix.policy.quarantine_days)
    for a in ix.plan.shifts:
        worker = ix.workers.get(a.worker_id)
        if worker is None:
            continue
        hist = worker.home_history
        if hist.current_home is None or hist.last_shift is None or a.home_id == hist.current_home:
            continue
        free = hist.last_shift + days
        if a.date < free:
            message = (
                f"worker {a.worker_id} last worked at {hist.current_home} on {hist.last_shift} "
                f"and may not work at {a.home_id} before {free} (shift on {a.date})"
            )
            yield _key(a.worker_id, a.date), message


def quarantine_between_homes(ix: Lookup) -> Found:
    """With the one-home rule off, for each worker w and two of its shifts at homes A != B
    on dates d < d': d' - d >= policy.quarantine_days. (With the rule on,
    `one_home_per_worker` already forbids a second home.)"""
    days = ix.policy.quarantine_days
    if ix.policy.one_home_per_worker:
        return
    for worker_id, shifts in ix.shifts_of().items():
        for earlier, later in pairwise(shifts):
            gap = (later.date - earlier.date).days
            if later.home_id != earlier.home_id and gap < days:
                message = (
                    f"worker {worker_id} works at {earlier.home_id} on {earlier.date} and at "
                    f"{later.home_id} on {later.date}, {count(gap, 'day')} later; the quarantine "
                    f"window is {count(days, 'day')}"
                )
                yield _key(worker_id, later.date), message


def tested_before_first_shift(ix: Lookup) -> Found:
    """For each worker w with shifts at homes other than its current one, the first such
    date d has a negative test at t with 0 <= d - t <= V (V = predeployment_test_valid_days):
    w.last_negative_test, or a worker booking of w at site s with t + s.result_days <= d."""
    valid = ix.policy.predeployment_test_valid_days
    for worker_id, shifts in ix.shifts_of().items():
        worker = ix.workers[worker_id]
        new = [a for a in shifts if a.home_id != worker.home_history.current_home]
        if not new:
            continue
        first = new[0]
        if not _tested_for(ix, worker, first.date, valid):
            message = (
                f"worker {worker_id} starts at {first.home_id} on {first.date} without a "
                f"negative test result from the {valid} days before"
            )
            yield _key(worker_id, first.date), message


def _tested_for(ix: Lookup, worker: Worker, day: dt.date, valid: int) -> bool:
    last = worker.last_negative_test
    if last is not None and 0 <= (day - last).days <= valid:
        return True
    for b in ix.plan.testing:
        site = ix.sites.get(b.site_id)
        if b.worker_id != worker.id or site is None:
            continue
        result = b.date + dt.timedelta(days=site.result_days)
        if result <= day and (day - b.date).days <= valid:
            return True
    return False


# ------------------------------------------------------------------ isolation


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
            beds = _amount(facility.beds, i)
            if n > beds:
                message = f"facility {facility.id} holds {n} residents on {day}; {beds} beds"
                yield _key(facility.id, day), message


def pre_admission_test(ix: Lookup) -> Found:
    """Each placement of r with admit_date > start has exactly one admission booking of r,
    at a site s on admit_date - max(1, s.result_days); a placement on the first day has
    none (it was swabbed before the plan began), nor has a request that is not placed."""
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
            yield from _admission_swab(ix, p, booked.get(request_id, []))


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
    swab = p.admit_date - dt.timedelta(days=max(1, site.result_days))
    if b.date != swab:
        message = (
            f"{p.request_id}'s pre-admission test at {site.id} is on {b.date}; for an admission "
            f"on {p.admit_date} it must be on {swab}"
        )
        yield k, message


# ------------------------------------------------------------------ local authorities


def local_authority(ix: Lookup) -> Found:
    """A resource serves only its own authorities A(x) = {x.authority} + x.shared_with:
    a home's booking at s: home.authority in A(s); a worker's booking at s: w.authority in
    A(s); a request's admission test at s or placement at f: r's authority in A(s), A(f);
    a shift of w at h: h.authority in A(w)."""
    for b in ix.plan.testing:
        site = ix.sites.get(b.site_id)
        if site is None:
            continue
        owner: tuple[str, str | None] | None = None
        if b.worker_id is not None and b.worker_id in ix.workers:
            owner = f"worker {b.worker_id}", ix.workers[b.worker_id].authority
        elif b.request_id is not None and b.request_id in ix.requests:
            owner = f"request {b.request_id}", _request_authority(ix, b.request_id)
        elif b.home_id is not None and b.home_id in ix.homes:
            owner = f"home {b.home_id}", ix.homes[b.home_id].authority
        if owner is not None and not site.serves(owner[1]):
            yield (
                _booking_key(b),
                f"site {site.id} does not serve {owner[0]}'s authority {owner[1]}",
            )
    for a in ix.plan.shifts:
        worker, home = ix.workers.get(a.worker_id), ix.homes.get(a.home_id)
        if worker is not None and home is not None and not worker.serves(home.authority):
            message = f"worker {worker.id} does not serve {home.id}'s authority {home.authority}"
            yield _key(a.worker_id, a.date), message
    for p in ix.plan.placements:
        facility = ix.facilities.get(p.facility_id)
        if facility is None or p.request_id not in ix.requests:
            continue
        authority = _request_authority(ix, p.request_id)
        if not facility.serves(authority):
            message = (
                f"facility {facility.id} does not serve {p.request_id}'s authority {authority}"
            )
            yield p.request_id, message


def _request_authority(ix: Lookup, request_id: str) -> str | None:
    request = ix.requests[request_id]
    if request.from_home is not None and request.from_home not in ix.homes:
        return request.authority
    return request.authority_in(ix.homes)


# ------------------------------------------------------------------ all rules

Rule = Callable[[Lookup], Found]

RULES: tuple[Rule, ...] = (
    reference,
    site_capacity,
    site_eligibility,
    portal_eligibility,
    site_lead_time,
    cohort_size,
    mobile_unit_visits,
    booking_size,
    one_shift_per_day,
    availability,
    role,
    rest_after_night,
    max_shifts,
    max_shifts_per_7_days,
    max_consecutive_days,
    shortfall_cover,
    one_home_per_worker,
    quarantine_window,
    quarantine_between_homes,
    tested_before_first_shift,
    placed_once,
    facility_need,
    admit_not_before_earliest,
    stay_length,
    bed_occupancy,
    pre_admission_test,
    local_authority,
    pin_worker,
    pin_request,
    kept_decision,
)
"""Every hard rule, in the order violations are reported."""

RULE_NAMES: tuple[str, ...] = tuple(rule.__name__ for rule in RULES)


def validate_plan(scenario: Scenario, plan: Plan, previous: Plan | None = None) -> list[Violation]:
    """Every hard rule `plan` breaks, ordered by rule (as in `RULES`), then key, then
    message; an empty list means the plan keeps every hard rule. A re-plan's kept
    decisions are checked against `previous`, its previous plan, when given."""
    ix = Lookup(scenario, plan, previous)
    violations: list[Violation] = []
    for rule in RULES:
        found = sorted(set(rule(ix)))
        violations += [Violation(rule.__name__, k, message) for k, message in found]
    return violations
