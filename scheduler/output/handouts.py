"""The plan as the three tables sent out each morning, one per reader.

A planner's tables (`scheduler.output.tables`) hold ids, risk and reasons for the planner; the
people who act on the plan want names, places and times, sorted for them, and nothing
about anyone else they do not need:

- `worker_rosters`: the staff-bank coordinator's, to mail-merge to each deployed worker;
- `site_lists`: each testing site lead's bookings, day by day, in arrival order;
- `home_sheets`: each home manager's day: who is coming, who is tested, who moves to an
  isolation bed, and what is still unmet and why.

Contact details come from the scenario's optional fields (empty when not given); every
table is a pure function of the plan and its scenario, so the same plan gives the same
bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scenarios.schema import Cohort, Home, IsolationRequest, Scenario, TestSite, Worker
from scheduler.extract.unmet_words import unmet_reason, unmet_remedy
from scheduler.plan import Plan, ShiftAssignment, TestBooking

WORKER_ROSTER_COLUMNS = [
    "worker_id",
    "worker_name",
    "phone",
    "pool",
    "available_from",
    "date",
    "shift",
    "role",
    "home_name",
    "home_address",
    "locality",
    "report_to",
    "test_site",
    "test_site_address",
    "test_date",
    "test_hours",
    "hotel",
    "taxi_journeys",
]
SITE_LIST_COLUMNS = [
    "site_name",
    "date",
    "hours",
    "arrival",
    "home_name",
    "cohort",
    "swabs",
    "worker_id",
    "worker_name",
    "request_id",
    "risk",
]
HOME_SHEET_COLUMNS = [
    "home_id",
    "home_name",
    "date",
    "item",
    "shift",
    "worker_name",
    "role",
    "cohort",
    "resident",
    "amount",
    "place",
    "detail",
    "reason",
    "remedy",
]
HOME_ITEMS = ("worker", "test", "isolation", "unmet")
"""A home sheet's kinds of row, in the order a manager reads a day: who arrives, who is
swabbed, who leaves for an isolation bed, what is still open."""


@dataclass(frozen=True)
class _Lookup:
    """The scenario's records by id, and each home's risk by day, for the three tables."""

    homes: Mapping[str, Home]
    sites: Mapping[str, TestSite]
    workers: Mapping[str, Worker]
    requests: Mapping[str, IsolationRequest]
    facilities: Mapping[str, str]
    risk: Mapping[tuple[str, dt.date], int]

    @classmethod
    def of(cls, plan: Plan, scenario: Scenario) -> _Lookup:
        return cls(
            homes={h.id: h for h in scenario.homes},
            sites={s.id: s for s in scenario.test_sites},
            workers={w.id: w for w in scenario.workers},
            requests={r.id: r for r in scenario.isolation_requests},
            facilities={f.id: f.name or f.id for f in scenario.isolation_facilities},
            risk={(r.home_id, r.date): r.score for r in plan.risk},
        )

    def home_name(self, home_id: str | None) -> str:
        home = self.homes.get(home_id or "")
        return home.name if home is not None else home_id or ""

    def site_name(self, site_id: str) -> str:
        site = self.sites.get(site_id)
        return (site.name or site.id) if site is not None else site_id

    def worker_name(self, worker_id: str) -> str:
        worker = self.workers.get(worker_id)
        return (worker.name or worker.id) if worker is not None else worker_id


def first_shifts(plan: Plan) -> dict[str, ShiftAssignment]:
    """Each deployed worker's first shift: the one a pre-deployment test is booked for."""
    first: dict[str, ShiftAssignment] = {}
    for s in sorted(plan.shifts, key=lambda s: (s.date, s.shift)):
        first.setdefault(s.worker_id, s)
    return first


# --------------------------------------------------------------------------- workers


def worker_rosters(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """One row per shift, by worker (name, then id) then date: the shift, the role, the
    home with its address and whom to report to, and the worker's pre-deployment test.

    The test's site, address, day and hours are repeated on every row of the worker rather
    than only the first: a coordinator filters by worker (one mail-merge record each) or by
    day (who starts tomorrow), and either way every row says where the worker must be
    swabbed before they may start. Empty test columns mean no test is needed (a recent
    negative test still covers the first shift). The pool says where the worker came
    from; a recruit's `available_from` is the day their training ends. The phone is the
    worker's own, on their own rows only; the table goes to the coordinator, not to other
    workers. `hotel` is the staff hotel the worker sleeps at that night and
    `taxi_journeys` the taxis booked for the shift, where the plan gives them."""
    look = _Lookup.of(plan, scenario)
    tests: dict[str, TestBooking] = {}
    for t in sorted(plan.testing, key=lambda t: t.date):
        if t.worker_id is not None:
            tests.setdefault(t.worker_id, t)
    hotel_on = {
        (r.worker_id, r.first_night + dt.timedelta(days=n)): r.hotel_id
        for r in plan.rooms
        if r.worker_id is not None
        for n in range(r.nights)
    }
    taxi_on = {(t.worker_id, t.date): t.journeys for t in plan.taxis}
    rows = []
    for s in plan.shifts:
        worker = look.workers.get(s.worker_id)
        home = look.homes.get(s.home_id)
        test = tests.get(s.worker_id)
        site = look.sites.get(test.site_id) if test is not None else None
        trained_from = worker.available_from if worker is not None else None
        rows.append(
            {
                "worker_id": s.worker_id,
                "worker_name": worker.name if worker is not None else "",
                "phone": worker.phone if worker is not None else "",
                "pool": str(s.pool),
                "available_from": trained_from.isoformat() if trained_from is not None else "",
                "date": s.date.isoformat(),
                "shift": str(s.shift),
                "role": str(s.role),
                "home_name": look.home_name(s.home_id),
                "home_address": home.address if home is not None else "",
                "locality": home.locality if home is not None else "",
                "report_to": home.report_to if home is not None else "",
                "test_site": look.site_name(test.site_id) if test is not None else "",
                "test_site_address": site.address if site is not None else "",
                "test_date": test.date.isoformat() if test is not None else "",
                "test_hours": site.hours if site is not None else "",
                "hotel": hotel_on.get((s.worker_id, s.date), ""),
                "taxi_journeys": taxi_on.get((s.worker_id, s.date), ""),
            }
        )
    rows.sort(key=lambda r: (r["worker_name"], r["worker_id"], r["date"], r["shift"]))
    return pd.DataFrame(rows, columns=WORKER_ROSTER_COLUMNS)


# --------------------------------------------------------------------------- sites

_COHORT_ORDER = {c: i for i, c in enumerate(Cohort)}


def site_lists(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """One row per booking, by site (name), day and arrival.

    Arrival order within a site's day: the home the swab is for by its risk score that
    day, highest first (the order the plan itself serves homes in, so the riskiest homes'
    results come back first), ties by home name; within a home its own cohorts first (in
    the schema's cohort order), then the workers starting there and its residents going to
    an isolation bed, by reference. A worker's swab is for the home of their first shift,
    a resident's for the home they leave (the hospital's name for a discharge). `arrival`
    numbers the rows from 1 on each site's day. Workers are named (the site checks them
    in); residents are given by request id only, as their names are not the site's to
    hold."""
    look = _Lookup.of(plan, scenario)
    first = first_shifts(plan)
    rows: list[dict[str, Any]] = []
    for t in plan.testing:
        home_id, home_name = _booked_for(t, look, first)
        rows.append(
            {
                "site_id": t.site_id,
                "site_name": look.site_name(t.site_id),
                "date": t.date.isoformat(),
                "hours": s.hours if (s := look.sites.get(t.site_id)) is not None else "",
                "home_name": home_name,
                "cohort": str(t.cohort),
                "swabs": t.tests,
                "worker_id": t.worker_id or "",
                "worker_name": look.worker_name(t.worker_id) if t.worker_id else "",
                "request_id": t.request_id or "",
                "risk": look.risk.get((home_id, t.date), 0) if home_id else 0,
                "_order": (
                    t.worker_id is not None or t.request_id is not None,
                    _COHORT_ORDER[t.cohort],
                    t.worker_id or t.request_id or "",
                ),
                "_home_id": home_id,
            }
        )
    rows.sort(
        key=lambda r: (
            r["site_name"],
            r["site_id"],
            r["date"],
            -r["risk"],
            r["home_name"],
            r["_home_id"],
            r["_order"],
        )
    )
    arrival: dict[tuple[str, str], int] = {}
    for r in rows:
        day = (r["site_id"], r["date"])
        arrival[day] = r["arrival"] = arrival.get(day, 0) + 1
    return pd.DataFrame(rows, columns=SITE_LIST_COLUMNS)


def _booked_for(
    t: TestBooking, look: _Lookup, first: Mapping[str, ShiftAssignment]
) -> tuple[str, str]:
    """(home id, name shown) of the home a booking is for; no id for a hospital."""
    if t.home_id is not None:
        return t.home_id, look.home_name(t.home_id)
    if t.worker_id is not None and t.worker_id in first:
        home_id = first[t.worker_id].home_id
        return home_id, look.home_name(home_id)
    request = look.requests.get(t.request_id or "")
    if request is not None and request.from_home is not None:
        return request.from_home, look.home_name(request.from_home)
    return "", (request.from_hospital or "") if request is not None else ""


# --------------------------------------------------------------------------- homes


def home_sheets(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """One row per thing happening at a home on a day, by home (name), date and item
    (`HOME_ITEMS`): each arriving worker by name, shift and role; each testing booking
    (cohort, swabs, site; a resident's pre-admission swab by request id); each resident
    leaving for an isolation bed (facility, until when); and each unmet need with its
    cause and remedy as the plan states them. Workers' phones and tests are not the
    home's business and are left out; residents are given by request id."""
    look = _Lookup.of(plan, scenario)
    rows: list[dict[str, Any]] = []
    for home_id, date, item, cells in _home_items(plan, look):
        if home_id is None or home_id not in look.homes:
            continue  # a hospital discharge: no home to send it to
        row: dict[str, Any] = dict.fromkeys(HOME_SHEET_COLUMNS, "")
        row |= {"home_id": home_id, "home_name": look.home_name(home_id)}
        rows.append(row | {"date": date.isoformat(), "item": item} | cells)
    order = {item: i for i, item in enumerate(HOME_ITEMS)}
    rows.sort(
        key=lambda r: (
            r["home_name"],
            r["home_id"],
            r["date"],
            order[r["item"]],
            *(r[c] for c in ("shift", "worker_name", "cohort", "resident", "detail")),
            -r["amount"],
        )
    )
    return pd.DataFrame(rows, columns=HOME_SHEET_COLUMNS)


HomeItem = tuple[str | None, dt.date, str, dict[str, Any]]
"""(home id, date, item, the row's other cells) of one line of a home's sheet."""


def _home_items(plan: Plan, look: _Lookup) -> Iterator[HomeItem]:
    for s in plan.shifts:
        yield (
            s.home_id,
            s.date,
            "worker",
            {
                "shift": str(s.shift),
                "worker_name": look.worker_name(s.worker_id),
                "role": str(s.role),
                "amount": 1,
                "reason": s.reason,
            },
        )
    for t in plan.testing:
        if t.worker_id is not None:
            continue
        request = look.requests.get(t.request_id or "")
        home_id = t.home_id or (request.from_home if request is not None else None)
        yield (
            home_id,
            t.date,
            "test",
            {
                "cohort": str(t.cohort),
                "resident": t.request_id or "",
                "amount": t.tests,
                "place": look.site_name(t.site_id),
                "reason": t.reason,
            },
        )
    for p in plan.placements:
        yield (
            p.from_home,
            p.admit_date,
            "isolation",
            {
                "resident": p.request_id,
                "amount": 1,
                "place": look.facilities.get(p.facility_id, p.facility_id),
                "detail": f"until {p.discharge_date.isoformat()}",
                "reason": p.reason,
            },
        )
    for u in plan.unmet:
        yield (
            u.home_id,
            u.date,
            "unmet",
            {
                "amount": u.amount,
                "detail": f"{u.kind}: {u.detail}",
                "reason": unmet_reason(u),
                "remedy": unmet_remedy(u),
            },
        )
