"""The staffing rules: one shift a day, availability and role, rest and working time, the
shortfall cover, one home per worker and the quarantine window, and the test before a
first shift.

Each rule is one function named after it; its docstring states it as a formula."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from itertools import pairwise

from scenarios.absences import ShiftDemand, shift_demand
from scenarios.history import night_before, worked_before, working_windows
from scenarios.schema import (
    Role,
    Shift,
    Worker,
)
from scenarios.words import count
from scheduler.validate.lookup import (
    ONE_DAY,
    Found,
    Lookup,
    record_key,
)
from scheduler.validate.one_to_one import chosen_at_home


def one_shift_per_day(ix: Lookup) -> Found:
    """For each worker w and date d: |shifts of w on d| <= 1."""
    per_day: dict[tuple[str, dt.date], list[Shift]] = defaultdict(list)
    for a in ix.plan.shifts:
        per_day[a.worker_id, a.date].append(a.shift)
    for (worker_id, day), shifts in per_day.items():
        if len(shifts) > 1:
            named = ", ".join(sorted(shifts))
            message = f"worker {worker_id} works {len(shifts)} shifts on {day} ({named})"
            yield record_key(worker_id, day), message


def availability(ix: Lookup) -> Found:
    """Each shift (w, d, s): w.available_on(d, s)."""
    for a in ix.plan.shifts:
        worker = ix.workers.get(a.worker_id)
        if worker is not None and not worker.available_on(a.date, a.shift):
            message = f"worker {a.worker_id} is not available for the {a.shift} shift on {a.date}"
            yield record_key(a.worker_id, a.date, a.shift), message


def trained(ix: Lookup) -> Found:
    """Each shift (w, d) of a recruit w: d >= w.available_from (training has ended)."""
    for a in ix.plan.shifts:
        worker = ix.workers.get(a.worker_id)
        start = worker.available_from if worker is not None else None
        if start is not None and a.date < start:
            message = f"recruit {a.worker_id} works on {a.date} before training ends on {start}"
            yield record_key(a.worker_id, a.date, a.shift), message


def agency_supplies_home(ix: Lookup) -> Found:
    """Each shift (w, h) of a worker w of agency A: h in A.homes."""
    supplies = {a.id: set(a.homes) for a in ix.scenario.agencies}
    for a in ix.plan.shifts:
        worker = ix.workers.get(a.worker_id)
        agency = worker.agency if worker is not None else None
        if agency is not None and a.home_id not in supplies.get(agency, set()):
            message = (
                f"agency worker {a.worker_id} works at {a.home_id}, which {agency} does not supply"
            )
            yield record_key(a.worker_id, a.date, a.shift), message


def role(ix: Lookup) -> Found:
    """Each shift (w, r): r in w.roles."""
    for a in ix.plan.shifts:
        worker = ix.workers.get(a.worker_id)
        if worker is not None and a.role not in worker.roles:
            held = ", ".join(worker.roles)
            message = f"worker {a.worker_id} works as {a.role} on {a.date} but holds only {held}"
            yield record_key(a.worker_id, a.date, a.shift), message


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
            yield record_key(a.worker_id, a.date - ONE_DAY), message


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
            yield record_key(worker_id, first), message


def shortfall_cover(ix: Lookup) -> Found:
    """For each home h, date d, shift s and role r: |shifts at (h, d, s, r)| <= the home's
    reported shortfall workers[d, s, r] plus its forecast absences there
    (`scenarios.absences.shift_demand`, a pure function of the scenario; 0 when neither),
    plus, in role one_to_one, the plan's stays at home holding the shift."""
    demand = shift_demand(ix.scenario)
    at_home = chosen_at_home(ix)
    assigned: Counter[tuple[str, dt.date, Shift, Role]] = Counter(
        (a.home_id, a.date, a.shift, a.role) for a in ix.plan.shifts if a.home_id in ix.homes
    )
    for (home_id, day, shift, role_), n in assigned.items():
        need = demand.get((home_id, day, shift, role_), ShiftDemand())
        short = need.workers + at_home[home_id, day, shift, role_]
        if n > short:
            forecast = f" ({need.forecast} of them forecast)" if need.forecast else ""
            if at_home[home_id, day, shift, role_]:
                forecast += f" and {at_home[home_id, day, shift, role_]} for 1:1 stays at home"
            message = (
                f"{n} {role_} assigned to the {shift} shift of {home_id} on {day}, "
                f"which is short of {short}{forecast}"
            )
            yield record_key(home_id, day, shift, role_), message


def _one_home(ix: Lookup, worker_id: str) -> bool:
    """Whether the policy keeps the one-home rule for the worker's pool (an unknown worker
    is reported under `reference`, and held to the rule)."""
    worker = ix.workers.get(worker_id)
    return ix.policy.one_home_for(worker.kind) if worker is not None else True


def one_home_per_worker(ix: Lookup) -> Found:
    """For each worker w whose pool the policy keeps to one home: |{h : w has a shift at
    h}| <= 1."""
    homes: dict[str, set[str]] = defaultdict(set)
    for a in ix.plan.shifts:
        homes[a.worker_id].add(a.home_id)
    for worker_id, at in homes.items():
        if len(at) > 1 and _one_home(ix, worker_id):
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
            yield record_key(a.worker_id, a.date), message


def quarantine_between_homes(ix: Lookup) -> Found:
    """For each worker w the one-home rule does not hold for, and two of its shifts at homes
    A != B on dates d < d': d' - d >= policy.quarantine_days. (Where the rule holds,
    `one_home_per_worker` already forbids a second home.)"""
    days = ix.policy.quarantine_days
    for worker_id, shifts in ix.shifts_of().items():
        if _one_home(ix, worker_id):
            continue
        for earlier, later in pairwise(shifts):
            gap = (later.date - earlier.date).days
            if later.home_id != earlier.home_id and gap < days:
                message = (
                    f"worker {worker_id} works at {earlier.home_id} on {earlier.date} and at "
                    f"{later.home_id} on {later.date}, {count(gap, 'day')} later; the quarantine "
                    f"window is {count(days, 'day')}"
                )
                yield record_key(worker_id, later.date), message


def tested_before_first_shift(ix: Lookup) -> Found:
    """For each worker w with shifts at homes other than its current one, the first such
    date d has a negative test at t with 0 <= d - t <= V (V = predeployment_test_valid_days):
    w.last_negative_test, or a worker booking of w at site s with t + result_days(s) <= d
    (`Lookup.result_days`, at the policy's percentile)."""
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
            yield record_key(worker_id, first.date), message


def _tested_for(ix: Lookup, worker: Worker, day: dt.date, valid: int) -> bool:
    last = worker.last_negative_test
    if last is not None and 0 <= (day - last).days <= valid:
        return True
    for b in ix.plan.testing:
        site = ix.sites.get(b.site_id)
        if b.worker_id != worker.id or site is None:
            continue
        result = b.date + dt.timedelta(days=ix.result_days(site))
        if result <= day and (day - b.date).days <= valid:
            return True
    return False
