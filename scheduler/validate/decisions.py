"""Decisions taken before the optimiser ran, re-checked on the finished plan: a planner's
pins, and the decisions a re-plan keeps from the previous plan (every row dated before its
first open day: swabs taken, shifts worked, residents admitted, PPE dropped, officers'
visits made, hotel nights slept, taxis taken, and room stays begun, kept whole).

Both are hard rules of the model (`constraints.pins`, `constraints.replan`); like the rest
of `scheduler.validate`, these twins read only the scenario, the plan and, for a re-plan,
the previous plan, never the model. Each violation names the pin or the kept decision and
says what the plan did instead.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from scheduler.plan import Plan
from scheduler.validate.lookup import Found, Lookup


def pin_worker(ix: Lookup) -> Found:
    """Each worker pin (w, h, d[, s]): the plan has a shift of w at h on d (on s if given)."""
    by_day = {(a.worker_id, a.date): a for a in ix.plan.shifts}
    for pin in ix.scenario.pins.workers:
        worked = by_day.get((pin.worker, pin.date))
        if worked is not None and worked.home_id == pin.home and pin.shift in (None, worked.shift):
            continue
        wanted = f"{pin.home} on {pin.date}" + (f" ({pin.shift} shift)" if pin.shift else "")
        did = (
            f"has {pin.worker} off that day"
            if worked is None
            else f"has {pin.worker} at {worked.home_id} ({worked.shift} shift) instead"
        )
        yield (
            f"{pin.worker},{pin.home},{pin.date}",
            f"{pin.worker} is pinned to {wanted}; the plan {did}",
        )


def pin_request(ix: Lookup) -> Found:
    """Each request pin (r, f[, d]): the plan places r at f (admitted on d if given)."""
    placed = {p.request_id: p for p in ix.plan.placements}
    for pin in ix.scenario.pins.requests:
        stay = placed.get(pin.request)
        if (
            stay is not None
            and stay.facility_id == pin.facility
            and pin.admit
            in (
                None,
                stay.admit_date,
            )
        ):
            continue
        wanted = pin.facility + (f" from {pin.admit}" if pin.admit else "")
        did = (
            f"leaves {pin.request} unplaced"
            if stay is None
            else f"places {pin.request} at {stay.facility_id} from {stay.admit_date} instead"
        )
        yield (
            f"{pin.request},{pin.facility}",
            f"{pin.request} is pinned to {wanted}; the plan {did}",
        )


Row = tuple[str, dt.date, str]
"""A decision as (what, date, detail): e.g. ("shift", 2020-06-02, "w017 at h003, day carer")."""


def _rows(plan: Plan, start: dt.date, before: dt.date) -> Counter[Row]:
    """The plan's decisions dated from `start` to before `before`, each with its amount
    (tests booked, 1 for a shift, an admission, a visit, a stay or a night, units for a
    PPE drop, on the van and stop it was made, journeys for a taxi). A room request's stay
    is dated by its first night from `start` on: a plan made over an earlier horizon
    dates it earlier, and a stay begun before `before` is one decision, kept whole."""
    rows: Counter[Row] = Counter()
    for t in plan.testing:
        whose = t.worker_id or t.request_id or f"{t.home_id} {t.cohort}"
        rows["test booking", t.date, f"{whose} at {t.site_id}"] += t.tests
    for a in plan.shifts:
        rows["shift", a.date, f"{a.worker_id} at {a.home_id}, {a.shift} {a.role}"] += 1
    for p in plan.placements:
        rows["admission", p.admit_date, f"{p.request_id} at {p.facility_id}"] += 1
    for r in plan.ppe_drops:
        where = f"{r.item} to {r.home_id}, van {r.van} stop {r.stop}"
        rows["PPE drop", r.date, where] += r.quantity
    for v in plan.visits:
        rows["visit", v.date, f"{v.officer_id} at {v.home_id}, {v.kind}"] += 1
    for stay in plan.rooms:
        nights = stay.night_dates()
        if stay.request_id is not None and nights[-1] >= start:
            first = max(start, stay.first_night)
            rows["room stay", first, f"{stay.request_id} at {stay.hotel_id}"] += 1
        elif stay.worker_id is not None:
            for night in nights:
                where = f"{stay.worker_id} at {stay.hotel_id} near {stay.home_id}"
                rows["room night", night, where] += 1
    for trip in plan.taxis:
        rows["taxi", trip.date, f"{trip.worker_id} to {trip.home_id}"] += trip.journeys
    return Counter({row: n for row, n in rows.items() if start <= row[1] < before})


def kept_decision(ix: Lookup) -> Found:
    """A re-plan from day F of a horizon from day S: for every decision dated S <= d < F,
    its amount in the plan equals its amount in the previous plan (nothing dropped, added
    or resized). Decisions before S are the scenario's history, not the plan's."""
    first_open = ix.plan.summary.kept_before
    if ix.previous is None or first_open is None:
        return
    start = ix.scenario.horizon.start  # earlier: the scenario's history, not a decision
    then, now = _rows(ix.previous, start, first_open), _rows(ix.plan, start, first_open)
    for what, day, detail in sorted(set(then) | set(now)):
        was, has = then[what, day, detail], now[what, day, detail]
        if was != has:
            yield (
                f"{what},{day},{detail}",
                f"{what} on {day}, {detail}: {was} in the previous plan, kept before "
                f"{first_open}; the plan has {has}",
            )
