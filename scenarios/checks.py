"""Checks that need the whole scenario: ids, references and dates against the horizon.

Each check yields `Problem`s with the path of the offending field, so that a planner sees
every mistake in one run instead of fixing them one at a time.

One short generator per section of the scenario, read in order by `scenario_problems`, so
that the order problems are listed in is the order of the file; the pins' checks, laid
over every section, are in `scenarios.pin_checks`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from scenarios.history import LOOKBACK_LIMIT_DAYS
from scenarios.limits import EARLIEST_DATE, LATEST_DATE, MAX_AMOUNT, MAX_WEIGHT
from scenarios.pin_checks import pin_problems
from scenarios.ppe_use import supply_problems
from scenarios.schema import (
    Capacity,
    Cohort,
    HomeHistory,
    OutbreakStatus,
    Scenario,
    Served,
    SiteKind,
    Worker,
    WorkerKind,
)


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def format(self, source: str) -> str:
        return f"{source}: {self.path}: {self.message}"


def scenario_problems(s: Scenario) -> list[Problem]:
    """Every range, referential and date problem in `s`, in file order."""
    ranges = list(_range_problems(s, "", weight=False))
    if not EARLIEST_DATE <= s.horizon.start <= LATEST_DATE:
        return ranges  # the horizon's own dates would overflow below
    return [
        *ranges,
        *_duplicate_ids(s),
        *_home_problems(s),
        *_site_problems(s),
        *_worker_problems(s),
        *_agency_problems(s),
        *_facility_problems(s),
        *_request_problems(s),
        *_accommodation_problems(s),
        *_visits_problems(s),
        *_authority_problems(s),
        *(Problem(at, why) for at, why in pin_problems(s)),
        *(Problem(at, why) for at, why in supply_problems(s)),
    ]


_WEIGHTS = ("risk_weights", "objective")
"""Sections of weights, limited by `MAX_WEIGHT`; every other whole number by `MAX_AMOUNT`."""


def _range_problems(node: object, path: str, weight: bool) -> Iterator[Problem]:
    """Whole numbers within `MAX_AMOUNT` (`MAX_WEIGHT` for weights) and dates within
    `EARLIEST_DATE`..`LATEST_DATE`, anywhere in the scenario: past them the solver's
    integers or the calendar would overflow."""
    if isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            key = info.alias or name
            at = f"{path}.{key}" if path else key
            yield from _range_problems(getattr(node, name), at, weight or name in _WEIGHTS)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            label = f" ({item.id})" if isinstance(getattr(item, "id", None), str) else ""
            yield from _range_problems(item, f"{path}[{i}]{label}", weight)
    elif isinstance(node, int) and not isinstance(node, bool):
        limit = MAX_WEIGHT if weight else MAX_AMOUNT
        if node > limit:
            yield Problem(path, f"{node} is more than the limit of {limit:,}")
    elif isinstance(node, dt.date) and not EARLIEST_DATE <= node <= LATEST_DATE:
        yield Problem(path, f"date {node} is outside {EARLIEST_DATE}..{LATEST_DATE}")


def _duplicate_ids(s: Scenario) -> Iterator[Problem]:
    sections: Sequence[tuple[str, Sequence[object]]] = (
        ("homes", s.homes),
        ("test_sites", s.test_sites),
        ("workers", s.workers),
        ("agencies", s.agencies),
        ("isolation_facilities", s.isolation_facilities),
        ("isolation_requests", s.isolation_requests),
        ("staff_hotels", s.staff_hotels),
        ("room_requests", s.room_requests),
        ("officers", s.officers),
    )
    for section, records in sections:
        counts = Counter(getattr(r, "id") for r in records)  # noqa: B009
        for i, r in enumerate(records):
            rid = getattr(r, "id")  # noqa: B009
            if counts[rid] > 1:
                yield Problem(f"{section}[{i}] ({rid}).id", "duplicate id")


def _outside(s: Scenario, day: dt.date) -> str | None:
    if day < s.horizon.start:
        return f"date {day} is before the horizon's first day {s.horizon.start}"
    if day > s.horizon.end:
        return f"date {day} is after the horizon's last day {s.horizon.end}"
    return None


def _capacity_problem(s: Scenario, capacity: Capacity) -> str | None:
    if isinstance(capacity, list) and len(capacity) != s.horizon.days:
        return f"has {len(capacity)} daily values but the horizon has {s.horizon.days} days"
    return None


def _home_problems(s: Scenario) -> Iterator[Problem]:
    for i, h in enumerate(s.homes):
        at = f"homes[{i}] ({h.id})"
        if h.residents > h.beds:
            yield Problem(f"{at}.residents", f"{h.residents} residents exceed {h.beds} beds")
        if h.can_isolate > h.residents and h.can_isolate > 0:
            yield Problem(
                f"{at}.can_isolate", f"{h.can_isolate} exceeds the {h.residents} residents"
            )
        ob = h.outbreak
        if ob.resident_cases > h.residents:
            yield Problem(
                f"{at}.outbreak.resident_cases",
                f"{ob.resident_cases} cases exceed the {h.residents} residents",
            )
        if ob.status != OutbreakStatus.NONE and ob.since is None:
            yield Problem(f"{at}.outbreak.since", f"an outbreak that is {ob.status} needs a date")
        if ob.since is not None and ob.since > s.horizon.end:
            yield Problem(
                f"{at}.outbreak.since", f"date is after the horizon's last day {s.horizon.end}"
            )
        for cohort in (Cohort.STAFF, Cohort.RESIDENTS, Cohort.AGENCY):
            last = h.last_tested.for_cohort(cohort)
            if last is not None and last > s.horizon.start:
                yield Problem(
                    f"{at}.last_tested.{cohort}",
                    f"date {last} is after the horizon's first day {s.horizon.start}",
                )
        if h.reported is not None and h.reported > s.horizon.start:
            yield Problem(
                f"{at}.reported",
                f"date {h.reported} is after the horizon's first day {s.horizon.start}",
            )
        seen: set[tuple[dt.date, str, str]] = set()
        for j, sf in enumerate(h.shortfalls):
            where = f"{at}.shortfalls[{j}]"
            if (why := _outside(s, sf.date)) is not None:
                yield Problem(f"{where}.date", why)
            key = (sf.date, sf.shift.value, sf.role.value)
            if key in seen:
                yield Problem(where, f"repeats the {sf.shift} {sf.role} shortfall of {sf.date}")
            seen.add(key)


def _site_problems(s: Scenario) -> Iterator[Problem]:
    for i, site in enumerate(s.test_sites):
        at = f"test_sites[{i}] ({site.id})"
        if (why := _capacity_problem(s, site.capacity)) is not None:
            yield Problem(f"{at}.capacity", why)
        if site.kind == SiteKind.MOBILE_UNIT and site.max_homes_per_day is None:
            yield Problem(f"{at}.max_homes_per_day", "a mobile unit needs max_homes_per_day")
        if site.kind != SiteKind.MOBILE_UNIT and site.max_homes_per_day is not None:
            yield Problem(f"{at}.max_homes_per_day", "only a mobile unit visits homes")
        if site.lead_days >= s.horizon.days:
            yield Problem(f"{at}.lead_days", "the lead time is longer than the horizon")
        if site.home_types is not None and not site.home_types:
            yield Problem(f"{at}.home_types", "accepts no home type; omit it to accept all")
        result = site.result_days
        if not isinstance(result, int) and result.min > result.max:
            yield Problem(
                f"{at}.result_days", f"min {result.min} is more than max {result.max} days"
            )


def _worker_problems(s: Scenario) -> Iterator[Problem]:
    home_ids = {h.id for h in s.homes}
    for i, w in enumerate(s.workers):
        at = f"workers[{i}] ({w.id})"
        for j, a in enumerate(w.availability):
            if a.to is not None and a.to < a.from_:
                yield Problem(f"{at}.availability[{j}].to", f"{a.to} is before from {a.from_}")
        hist = w.home_history
        if hist.current_home is not None and hist.current_home not in home_ids:
            yield Problem(f"{at}.home_history.current_home", f"unknown home {hist.current_home!r}")
        if hist.current_home is None and hist.last_shift is not None:
            yield Problem(f"{at}.home_history.current_home", "a last shift needs its home")
        if hist.current_home is not None and hist.last_shift is None:
            yield Problem(f"{at}.home_history.last_shift", "a current home needs a last shift")
        if hist.last_shift is not None and hist.last_shift >= s.horizon.start:
            yield Problem(
                f"{at}.home_history.last_shift",
                f"date {hist.last_shift} is not before the horizon's first day",
            )
        yield from _recent_shift_problems(s, f"{at}.home_history", hist, home_ids)
        if w.last_negative_test is not None and w.last_negative_test > s.horizon.start:
            yield Problem(
                f"{at}.last_negative_test",
                f"date {w.last_negative_test} is after the horizon's first day",
            )
        yield from _pool_problems(s, at, w)


def _pool_problems(s: Scenario, at: str, w: Worker) -> Iterator[Problem]:
    """A recruit has the date training ends, and only a recruit; a worker's agency is a
    known one, and only an agency worker has one."""
    if w.kind == WorkerKind.RECRUIT and w.available_from is None:
        yield Problem(f"{at}.available_from", "a recruit needs the date their training ends")
    if w.kind != WorkerKind.RECRUIT and w.available_from is not None:
        yield Problem(f"{at}.available_from", f"only a recruit has one (this is {w.kind})")
    if w.agency is not None and w.kind != WorkerKind.AGENCY:
        yield Problem(f"{at}.agency", f"only an agency worker has one (this is {w.kind})")
    if w.agency is not None and w.agency not in {a.id for a in s.agencies}:
        yield Problem(f"{at}.agency", f"unknown agency {w.agency!r}")


def _agency_problems(s: Scenario) -> Iterator[Problem]:
    home_ids = {h.id for h in s.homes}
    for i, a in enumerate(s.agencies):
        for j, home in enumerate(a.homes):
            if home not in home_ids:
                yield Problem(f"agencies[{i}] ({a.id}).homes[{j}]", f"unknown home {home!r}")


def _recent_shift_problems(
    s: Scenario, at: str, hist: HomeHistory, home_ids: set[str]
) -> Iterator[Problem]:
    """Recent shifts before the horizon, within the look-back, one a date, at known homes,
    and agreeing with current_home and last_shift."""
    start, seen = s.horizon.start, set()
    for j, r in enumerate(hist.recent_shifts):
        where = f"{at}.recent_shifts[{j}]"
        back = (start - r.date).days
        if back <= 0:
            yield Problem(f"{where}.date", f"date {r.date} is not before the horizon's first day")
        elif back > LOOKBACK_LIMIT_DAYS:
            yield Problem(
                f"{where}.date", f"date {r.date} is more than {LOOKBACK_LIMIT_DAYS} days back"
            )
        if r.date in seen:
            yield Problem(f"{where}.date", f"a second shift on {r.date}")
        seen.add(r.date)
        if r.home is not None and r.home not in home_ids:
            yield Problem(f"{where}.home", f"unknown home {r.home!r}")
    if not hist.recent_shifts:
        return
    latest = max(hist.recent_shifts, key=lambda r: r.date)
    if hist.last_shift is not None and hist.last_shift > latest.date:
        yield Problem(
            f"{at}.last_shift",
            f"{hist.last_shift} is after the latest recent shift ({latest.date})",
        )
    if latest.home is not None and (hist.current_home, hist.last_shift) != (
        latest.home,
        latest.date,
    ):
        yield Problem(
            f"{at}.current_home",
            f"the latest recent shift is at {latest.home} on {latest.date}; current_home "
            "and last_shift must say so",
        )


def _facility_problems(s: Scenario) -> Iterator[Problem]:
    for i, f in enumerate(s.isolation_facilities):
        if (why := _capacity_problem(s, f.beds)) is not None:
            yield Problem(f"isolation_facilities[{i}] ({f.id}).beds", why)


def _request_problems(s: Scenario) -> Iterator[Problem]:
    homes = {h.id: h for h in s.homes}
    home_ids = set(homes)
    for i, r in enumerate(s.isolation_requests):
        at = f"isolation_requests[{i}] ({r.id})"
        if r.from_home is None and r.from_hospital is None:
            yield Problem(at, "needs from_home or from_hospital")
        if r.from_home is not None and r.from_hospital is not None:
            yield Problem(at, "names both from_home and from_hospital; give one")
        if r.from_home is not None and r.from_home not in home_ids:
            yield Problem(f"{at}.from_home", f"unknown home {r.from_home!r}")
        if (why := _outside(s, r.earliest)) is not None:
            yield Problem(f"{at}.earliest", why)
        authority = r.authority if r.from_home not in homes else r.authority_in(homes)
        if not any(r.need in f.accepts and f.serves(authority) for f in s.isolation_facilities):
            yield Problem(
                f"{at}.need", f"no isolation facility {_serving(authority)}accepts {r.need.value!r}"
            )


def _accommodation_problems(s: Scenario) -> Iterator[Problem]:
    """Hotel rooms and the taxi budget a day for the horizon's days; a room request's home
    known and its first night inside the horizon (its last may run past it: those nights
    are the next plan's)."""
    for i, hotel in enumerate(s.staff_hotels):
        if (why := _capacity_problem(s, hotel.rooms)) is not None:
            yield Problem(f"staff_hotels[{i}] ({hotel.id}).rooms", why)
    homes = {h.id for h in s.homes}
    for i, r in enumerate(s.room_requests):
        at = f"room_requests[{i}] ({r.id})"
        if r.home not in homes:
            yield Problem(f"{at}.home", f"unknown home {r.home!r}")
        if (why := _outside(s, r.first_night)) is not None:
            yield Problem(f"{at}.first_night", why)
    transport = s.policy.transport
    if transport is not None and (why := _capacity_problem(s, transport.journeys_per_day)):
        yield Problem("policy.transport.journeys_per_day", why)


def _visits_problems(s: Scenario) -> Iterator[Problem]:
    """The county's training sessions a day for the horizon's days."""
    sessions = s.policy.visits.training_sessions_per_day
    if (why := _capacity_problem(s, sessions)) is not None:
        yield Problem("policy.visits.training_sessions_per_day", why)


def _serving(authority: str | None) -> str:
    return "" if authority is None else f"serving authority {authority!r} "


def _authority_problems(s: Scenario) -> Iterator[Problem]:
    """Every authority a resource or a discharge names has homes (a misspelt authority would
    otherwise leave the resource unused, silently); a home's request keeps its home's."""
    known = {h.authority for h in s.homes}
    sections: Sequence[tuple[str, Sequence[Served]]] = (
        ("test_sites", s.test_sites),
        ("workers", s.workers),
        ("isolation_facilities", s.isolation_facilities),
    )
    for section, records in sections:
        for i, x in enumerate(records):
            at = f"{section}[{i}] ({x.id})"  # type: ignore[attr-defined]
            for j, other in enumerate(x.shared_with):
                if other not in known:
                    yield Problem(f"{at}.shared_with[{j}]", f"no home is in authority {other!r}")
                if other == x.authority:
                    yield Problem(f"{at}.shared_with[{j}]", "names its own authority")
            if x.authority not in known and not (x.authorities & known):
                where = "no authority" if x.authority is None else f"authority {x.authority!r}"
                yield Problem(f"{at}.authority", f"serves no home: no home is in {where}")
    homes = {h.id: h for h in s.homes}
    for i, r in enumerate(s.isolation_requests):
        at = f"isolation_requests[{i}] ({r.id}).authority"
        home = homes.get(r.from_home or "")
        if home is not None and r.authority is not None and r.authority != home.authority:
            yield Problem(at, f"{r.authority!r} is not its home {home.id}'s {home.authority!r}")
        if home is None and r.from_home is None and r.authority not in known:
            yield Problem(at, f"no home is in authority {r.authority!r}")
