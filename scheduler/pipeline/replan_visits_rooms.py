"""A previous plan's officers' visits, staff-hotel rooms and taxis in a re-plan: read onto
the new model, kept as they were before the first open day, and told apart after it.

A visit, a worker's night in a hotel or a taxi pair dated before the first open day
happened and is kept. A room request's stay is one decision (its request and hotel),
dated by its first night inside the horizon: begun before the first open day it is kept
whole, hotel and all, since moving someone mid-stay is the mixing the room was booked to
avoid. From that day on each may change, one unit in the stability tier per change.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from constraints.build import BuiltModel
from constraints.model import Var
from constraints.visits import VisitKey
from scenarios.accommodation import stay_dates
from scenarios.schema import Capacity, Scenario, daily
from scheduler.pipeline.replan_ppe import Key, Row
from scheduler.plan import Plan, RoomStay


def _request_stays(plan: Plan, start: dt.date) -> Iterator[tuple[RoomStay, dt.date]]:
    """Each request's stay with a night from `start` on, and its first such night: the
    date its decision carries, whichever horizon the plan was made over."""
    for stay in plan.rooms:
        if stay.request_id is not None and stay.night_dates()[-1] >= start:
            yield stay, max(start, stay.first_night)


def visits_rooms_before(plan: Plan, start: dt.date) -> Counter[Key]:
    """The previous plan's visits, request stays (from `start` on), workers' hotel nights
    and taxi pairs as decisions."""
    before: Counter[Key] = Counter()
    for v in plan.visits:
        before["visit", v.officer_id, v.home_id, str(v.kind), v.date] += 1
    for stay, first in _request_stays(plan, start):
        before["room_stay", stay.request_id, stay.hotel_id, first] += 1
    for stay in plan.rooms:
        if stay.worker_id is not None:
            for night in stay.night_dates():
                before["lodge", stay.worker_id, stay.hotel_id, stay.home_id, night] += 1
    for t in plan.taxis:
        before["taxi", t.worker_id, t.home_id, t.date] += 1
    return before


def visit_room_variables(built: BuiltModel) -> Iterator[tuple[Key, Var, dt.date]]:
    """The new model's visit, stay, lodging and taxi variables keyed as
    `visits_rooms_before` keys the previous plan."""
    dates = built.ctx.dates
    for (o, h, d, k), var in built.visits.visits.items():
        yield ("visit", o, h, str(k), dates[d]), var, dates[d]
    first_night = {q.id: max(dates[0], q.first_night) for q in built.ctx.scenario.room_requests}
    for (q, t), var in built.rooms.stays.items():
        yield ("room_stay", q, t, first_night[q]), var, first_night[q]
    for (w, t, h, d), var in built.rooms.lodge.items():
        yield ("lodge", w, t, h, dates[d]), var, dates[d]
    for (w, h, d), var in built.rooms.taxis.items():
        yield ("taxi", w, h, dates[d]), var, dates[d]


def kept_visits(built: BuiltModel, plan: Plan, first_open: dt.date) -> dict[VisitKey, int]:
    """Every visit variable dated before `first_open` with the previous plan's value: what
    the greedy start of the visits must repeat, so that it keeps the rules keeping them."""
    made = {(v.officer_id, v.home_id, v.date, str(v.kind)) for v in plan.visits}
    dates = built.ctx.dates
    return {
        key: int((key[0], key[1], dates[key[2]], str(key[3])) in made)
        for key in built.visits.visits
        if dates[key[2]] < first_open
    }


# ------------------------------------------------------------------ what changed, and why


def visit_rows(plan: Plan) -> Counter[Row]:
    """Visits by (date, home, no worker, officer and kind): the home's call, since it hosts
    the visit; the officer reads the visits table, their own team's diary."""
    return Counter((v.date, v.home_id, None, f"{v.officer_id} {v.kind} visit") for v in plan.visits)


def stay_rows(plan: Plan, since: dt.date) -> Counter[Row]:
    """Request stays reaching `since` by (first night from then on, home, no worker,
    request at hotel): the home's call, whose staff member it is."""
    return Counter(
        (first, stay.home_id, None, f"{stay.request_id} at {stay.hotel_id}")
        for stay, first in _request_stays(plan, since)
    )


def night_rows(plan: Plan) -> Counter[Row]:
    """Deployed workers' hotel nights, one row a night: the worker's call."""
    rows: Counter[Row] = Counter()
    for stay in plan.rooms:
        w = stay.worker_id
        if w is not None:
            for night in stay.night_dates():
                rows[night, stay.home_id, w, f"{w} at {stay.hotel_id}"] += 1
    return rows


def taxi_rows(plan: Plan) -> Counter[Row]:
    """Taxi journeys by (date, home, worker): the worker's call, who rides."""
    rows: Counter[Row] = Counter()
    for t in plan.taxis:
        rows[t.date, t.home_id, t.worker_id, f"{t.worker_id} taxi"] += t.journeys
    return rows


class VisitRoomReasons:
    """What changed between two scenarios for visits, rooms and taxis: officers, hotels'
    rooms by night, the taxi budget by day."""

    def __init__(self, old: Scenario, new: Scenario) -> None:
        before = {o.id: o for o in old.officers}
        self.officers = sorted(
            {o.id for o in new.officers if before.get(o.id) not in (None, o)}
            | (set(before) - {o.id for o in new.officers})
        )
        self.requests = {q.id: stay_dates(q) for q in new.room_requests}
        self.rooms_cut: dict[dt.date, str] = {}
        rooms = {t.id: t.rooms for t in old.staff_hotels}
        now = {t.id: t.rooms for t in new.staff_hotels}
        for hotel in sorted(rooms):
            for date in new.horizon.dates:
                then, left = _on(old, rooms[hotel], date), _on(new, now.get(hotel, 0), date)
                if left < then:
                    self.rooms_cut.setdefault(
                        date, f"lost capacity: rooms at {hotel} cut from {then} to {left} on {date}"
                    )
        self.taxis_cut: dict[dt.date, str] = {}
        was = old.policy.transport.journeys_per_day if old.policy.transport else 0
        budget = new.policy.transport.journeys_per_day if new.policy.transport else 0
        for date in new.horizon.dates:
            then, left = _on(old, was, date), _on(new, budget, date)
            if left < then:
                cut = f"cut from {then} to {left} journeys"
                self.taxis_cut[date] = f"lost capacity: taxi budget on {date} {cut}"

    def of(self, kind: str, date: dt.date, detail: str) -> str | None:
        """The reason a row of `kind` moved, if these scenarios' changes give one."""
        if kind == VISIT and self.officers:
            officer = next((o for o in self.officers if detail.startswith(f"{o} ")), None)
            return f"officer {officer or self.officers[0]}'s availability changed"
        if kind == ROOM_STAY:
            request = detail.split(" at ", 1)[0]
            nights = self.requests.get(request, [date])
            return next((self.rooms_cut[n] for n in nights if n in self.rooms_cut), None)
        if kind == ROOM_NIGHT:
            return self.rooms_cut.get(date)
        if kind == TAXI:
            return self.taxis_cut.get(date)
        return None


VISIT, ROOM_STAY, ROOM_NIGHT, TAXI = "visit", "room stay", "room night", "taxi"
"""The kinds of change rows for visits, request stays, workers' hotel nights and taxis."""


def _on(scenario: Scenario, capacity: Capacity, date: dt.date) -> int:
    """A daily amount on `date` by the scenario's own horizon (none outside it)."""
    day = (date - scenario.horizon.start).days
    return daily(capacity, day) if 0 <= day < scenario.horizon.days else 0
