"""Applying shocks: one function per kind, each changing exactly what the kind's name says
in the scenario's data and nothing else, and `apply_shocks` running them in order.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from typing import Any

from scenarios.history import recorded_shifts
from scenarios.load import ScenarioError, parse_scenario
from scenarios.risk import risk_parts, stale_age
from scenarios.schema import (
    Availability,
    IsolationRequest,
    OutbreakStatus,
    Scenario,
    Shift,
    Shortfall,
    WorkerKind,
)
from scenarios.shocks.kinds import (
    BankSize,
    BankUnavailable,
    CapacityChange,
    DeliveryMissed,
    FacilityBeds,
    HospitalDischarges,
    HotelRooms,
    IsolationDemand,
    OfficersOff,
    OutbreakSurge,
    PolicyChange,
    PositivityScale,
    RecruitsDelayed,
    Shock,
    SiteCapacity,
    SiteResultDays,
    StaffSick,
    TaxiBudget,
    TrainingSessions,
    VansWithdrawn,
)


def _data(s: Scenario) -> dict[str, Any]:
    return s.model_dump(mode="json", by_alias=True)


def _day(s: Scenario, index: int) -> str:
    return (s.horizon.start + dt.timedelta(days=index)).isoformat()


def _known(ids: list[str], wanted: str, what: str) -> None:
    if wanted not in ids:
        raise ValueError(f"unknown {what} {wanted!r}")


def _change_capacity(
    s: Scenario, shock: CapacityChange, section: str, field: str, wanted: str, what: str
) -> dict[str, Any]:
    """`shock` applied to the `field` of record `wanted` in `section` (sites or facilities)."""
    data = _data(s)
    _known([x["id"] for x in data[section]], wanted, what)
    for record in data[section]:
        if record["id"] == wanted:
            record[field] = shock.apply(record[field], s.horizon.days)
    return data


def _site_capacity(s: Scenario, shock: SiteCapacity, _rng: random.Random) -> dict[str, Any]:
    return _change_capacity(s, shock, "test_sites", "capacity", shock.site, "test site")


def _site_result_days(s: Scenario, shock: SiteResultDays, _rng: random.Random) -> dict[str, Any]:
    data = _data(s)
    _known([x.id for x in s.test_sites], shock.site, "test site")
    for record, site in zip(data["test_sites"], s.test_sites, strict=True):
        if site.id == shock.site:
            changed = shock.apply(site.result_days)
            record["result_days"] = (
                changed if isinstance(changed, int) else changed.model_dump(mode="json")
            )
    return data


def _facility_beds(s: Scenario, shock: FacilityBeds, _rng: random.Random) -> dict[str, Any]:
    return _change_capacity(s, shock, "isolation_facilities", "beds", shock.facility, "facility")


def _hotel_rooms(s: Scenario, shock: HotelRooms, _rng: random.Random) -> dict[str, Any]:
    return _change_capacity(s, shock, "staff_hotels", "rooms", shock.hotel, "staff hotel")


def _taxi_budget(s: Scenario, shock: TaxiBudget, _rng: random.Random) -> dict[str, Any]:
    if s.policy.transport is None:
        raise ValueError("the scenario has no policy.transport budget to change")
    data = _data(s)
    transport = data["policy"]["transport"]
    transport["journeys_per_day"] = shock.apply(transport["journeys_per_day"], s.horizon.days)
    return data


def _training_sessions(s: Scenario, shock: TrainingSessions, _rng: random.Random) -> dict[str, Any]:
    data = _data(s)
    visits = data["policy"].setdefault("visits", {})
    sessions = s.policy.visits.training_sessions_per_day
    visits["training_sessions_per_day"] = shock.apply(sessions, s.horizon.days)
    return data


def _officers_off(s: Scenario, shock: OfficersOff, rng: random.Random) -> dict[str, Any]:
    data = _data(s)
    ids = [o.id for o in s.officers]
    for officer_id in shock.officers:
        _known(ids, officer_id, "officer")
    rest = [i for i in ids if i not in shock.officers]
    if shock.count > len(rest):
        raise ValueError(f"count {shock.count} is more than the {len(rest)} other officers")
    off_ids = {*shock.officers, *rng.sample(rest, shock.count)}
    off = {s.horizon.start + dt.timedelta(days=d) for d in shock.days.indices(s.horizon.days)}
    for record, officer in zip(data["officers"], s.officers, strict=True):
        if officer.id in off_ids:
            working = officer.available if officer.available is not None else s.horizon.dates
            record["available"] = [d.isoformat() for d in working if d not in off]
    return data


def _outbreak_surge(s: Scenario, shock: OutbreakSurge, rng: random.Random) -> dict[str, Any]:
    data = _data(s)
    ids = [h["id"] for h in data["homes"]]
    for home_id in shock.homes:
        _known(ids, home_id, "home")
    free = [
        h
        for h in s.homes
        if h.outbreak.status != OutbreakStatus.CONFIRMED and h.id not in shock.homes
    ]
    weights = [shock.type_weights.get(h.type, 1.0) for h in free]
    if shock.by_risk:
        on = s.horizon.start + dt.timedelta(days=min(shock.day, s.horizon.days) - 1)
        w, fresh = s.policy.risk_weights, s.policy.stale_after_days
        weights = [
            x * risk_parts(h, on, w, stale_age(h, s.horizon.start, fresh)).score
            for x, h in zip(weights, free, strict=True)
        ]
    chosen = set(shock.homes) | set(_draw(rng, [h.id for h in free], weights, shock.count))
    since = _day(s, min(shock.day, s.horizon.days) - 1)
    for home in data["homes"]:
        if home["id"] in chosen:
            cases = min(
                home["residents"], max(shock.resident_cases, home["outbreak"]["resident_cases"])
            )
            home["outbreak"] |= {"status": "confirmed", "since": since, "resident_cases": cases}
    if shock.stand_down_days:
        _stand_down(s, data, chosen, dt.date.fromisoformat(since), shock)
    return data


def _stand_down(
    s: Scenario, data: dict[str, Any], homes: set[str], day: dt.date, shock: OutbreakSurge
) -> None:
    """Make the workers recorded at `homes` in the trace window unavailable from `day`."""
    first = day - dt.timedelta(days=shock.trace_days)
    off = {day + dt.timedelta(days=k) for k in range(shock.stand_down_days)}
    for worker, entry in zip(s.workers, data["workers"], strict=True):
        if any(
            w.home_id in homes and first <= w.date < day
            for w in recorded_shifts(worker.home_history)
        ):
            entry["availability"] = _without_days(worker.availability, off)


def _draw(rng: random.Random, items: list[str], weights: list[float], count: int) -> list[str]:
    """`count` distinct items, each draw in proportion to weight (uniform if all are 0)."""
    pool = list(zip(items, weights, strict=True))
    picked: list[str] = []
    while pool and len(picked) < count:
        total = sum(w for _item, w in pool)
        index = rng.randrange(len(pool))
        if total > 0:
            r, acc = rng.random() * total, 0.0
            for n, (_item, w) in enumerate(pool):
                acc += w
                if r < acc:
                    index = n
                    break
        picked.append(pool.pop(index)[0])
    return picked


def _bank_unavailable(s: Scenario, shock: BankUnavailable, rng: random.Random) -> dict[str, Any]:
    data = _data(s)
    ids = [w["id"] for w in data["workers"]]
    chosen = set(rng.sample(ids, round(shock.fraction * len(ids))))
    off = {s.horizon.start + dt.timedelta(days=d) for d in shock.days.indices(s.horizon.days)}
    for worker in data["workers"]:
        if worker["id"] in chosen:
            worker["availability"] = _without_days(
                s.workers[ids.index(worker["id"])].availability, off
            )
    return data


def _without_days(blocks: list[Availability], off: set[dt.date]) -> list[dict[str, Any]]:
    """Availability blocks with the `off` dates cut out, one block per remaining date."""
    kept = []
    for block in blocks:
        day = block.from_
        while day <= block.last:
            if day not in off:
                kept.append({"from": day.isoformat(), "shifts": [str(x) for x in block.shifts]})
            day += dt.timedelta(days=1)
    return kept


def _bank_size(s: Scenario, shock: BankSize, rng: random.Random) -> dict[str, Any]:
    data = _data(s)
    bank = [w for w in data["workers"] if w["kind"] == shock.pool]
    order = rng.sample(bank, len(bank))
    if shock.workers <= len(bank):
        dropped = {id(w) for w in order[shock.workers :]}
        data["workers"] = [w for w in data["workers"] if id(w) not in dropped]
        return data
    if not bank:
        raise ValueError(f"no {shock.pool} worker to recruit copies of")
    fresh = ("home_history", "last_negative_test")
    for n in range(shock.workers - len(bank)):
        source = order[n % len(order)]
        recruit = {k: v for k, v in source.items() if k not in fresh}
        data["workers"].append(recruit | {"id": f"{source['id']}-r{n + 1}", "name": ""})
    return data


def _recruits_delayed(s: Scenario, shock: RecruitsDelayed, _rng: random.Random) -> dict[str, Any]:
    data = _data(s)
    recruits = [w for w in data["workers"] if w["kind"] == WorkerKind.RECRUIT]
    for worker_id in shock.workers:
        _known([w["id"] for w in recruits], worker_id, "recruit")
    slip = dt.timedelta(days=shock.days)
    for worker in recruits:
        if not shock.workers or worker["id"] in shock.workers:
            trained = dt.date.fromisoformat(worker["available_from"]) + slip
            worker["available_from"] = trained.isoformat()
    return data


def _staff_sick(s: Scenario, shock: StaffSick, _rng: random.Random) -> dict[str, Any]:
    data = _data(s)
    ids = [h["id"] for h in data["homes"]]
    for home_id in shock.homes:
        _known(ids, home_id, "home")
    for home, model in zip(data["homes"], s.homes, strict=True):
        if shock.homes and home["id"] not in shock.homes:
            continue
        extra = math.ceil(shock.fraction * model.staff * shock.on_shift_share)
        if extra == 0:
            continue
        short = {(sf.date, sf.shift, sf.role): sf.workers for sf in model.shortfalls}
        for d in shock.days.indices(s.horizon.days):
            day = s.horizon.start + dt.timedelta(days=d)
            for shift in Shift:
                short[day, shift, shock.role] = short.get((day, shift, shock.role), 0) + extra
        home["shortfalls"] = [
            Shortfall(date=day, shift=shift, role=role, workers=n).model_dump(mode="json")
            for (day, shift, role), n in sorted(short.items())
        ]
    return data


def _isolation_demand(s: Scenario, shock: IsolationDemand, rng: random.Random) -> dict[str, Any]:
    data = _data(s)
    requests = s.isolation_requests
    if shock.factor <= 1:
        keep = round(shock.factor * len(requests))
        kept = {r.id for r in rng.sample(requests, keep)}
        data["isolation_requests"] = [r for r in data["isolation_requests"] if r["id"] in kept]
        return data
    extra = round((shock.factor - 1) * len(requests))
    for n in range(extra):
        source = requests[n % len(requests)] if requests else None
        if source is None:
            break
        copy = source.model_dump(mode="json", by_alias=True) | {"id": f"{source.id}-x{n + 1}"}
        data["isolation_requests"].append(copy)
    return data


def _hospital_discharges(
    s: Scenario, shock: HospitalDischarges, _rng: random.Random
) -> dict[str, Any]:
    data = _data(s)
    for d in shock.days.indices(s.horizon.days):
        for n in range(shock.per_day):
            request = IsolationRequest(
                id=f"hd-{d + 1:02d}-{n + 1}",
                from_hospital=shock.hospital,
                need=shock.need,
                earliest=s.horizon.start + dt.timedelta(days=d),
                reason=f"discharge from {shock.hospital} needing isolation",
            )
            data["isolation_requests"].append(request.model_dump(mode="json", by_alias=True))
    return data


def _positivity(s: Scenario, shock: PositivityScale, _rng: random.Random) -> dict[str, Any]:
    data = _data(s)
    forecast = data["policy"]["absence_forecast"]
    rates = [forecast["positivity"], forecast["outbreak_positivity"]]
    rates += [home["positivity"] for home in data["homes"]]
    for cohorts in rates:
        for cohort, rate in (cohorts or {}).items():
            cohorts[cohort] = min(1.0, rate * shock.scale)
    return data


def _ppe_vans(s: Scenario, shock: VansWithdrawn, _rng: random.Random) -> dict[str, Any]:
    if s.ppe is None:
        raise ValueError("the scenario has no ppe section")
    data = _data(s)
    data["ppe"]["vans"] = shock.apply(s.ppe.vans, s.horizon.days)
    return data


def _ppe_delivery_missed(s: Scenario, shock: DeliveryMissed, _rng: random.Random) -> dict[str, Any]:
    if s.ppe is None:
        raise ValueError("the scenario has no ppe section")
    kept = [
        d.model_dump(mode="json")
        for d in s.ppe.deliveries
        if not (shock.date in (None, d.date) and shock.source in (None, d.source))
    ]
    if len(kept) == len(s.ppe.deliveries):
        raise ValueError(f"no PPE delivery on {shock.date or 'any date'} to miss")
    data = _data(s)
    data["ppe"]["deliveries"] = kept
    return data


def _policy(s: Scenario, shock: PolicyChange, _rng: random.Random) -> dict[str, Any]:
    data = _data(s)
    data["policy"] = _merge(data["policy"], shock.changes)
    return data


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for k, v in changes.items():
        merged[k] = (
            _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
        )
    return merged


_APPLY: dict[str, Callable[[Scenario, Any, random.Random], dict[str, Any]]] = {
    "site_capacity": _site_capacity,
    "site_result_days": _site_result_days,
    "facility_beds": _facility_beds,
    "outbreak_surge": _outbreak_surge,
    "bank_unavailable": _bank_unavailable,
    "bank_size": _bank_size,
    "recruits_delayed": _recruits_delayed,
    "staff_sick": _staff_sick,
    "isolation_demand": _isolation_demand,
    "hospital_discharges": _hospital_discharges,
    "positivity": _positivity,
    "ppe_vans": _ppe_vans,
    "ppe_delivery_missed": _ppe_delivery_missed,
    "policy": _policy,
    "hotel_rooms": _hotel_rooms,
    "taxi_budget": _taxi_budget,
    "training_sessions": _training_sessions,
    "officers_off": _officers_off,
}


def apply_shocks(
    base: Scenario, shocks: list[Shock], rng: random.Random, name: str, where: str
) -> Scenario:
    """`base` with `shocks` applied in order and validated after each, renamed `name`.
    Problems raise `ScenarioError` naming `where` and the shock's index and kind."""
    scenario = base
    for i, shock in enumerate(shocks):
        at = f"{where}.shocks[{i}] ({shock.kind})"
        try:
            data = _APPLY[shock.kind](scenario, shock, rng)
        except ValueError as exc:
            raise ScenarioError([f"{at}: {exc}"]) from None
        data["name"] = name
        scenario = parse_scenario(data, source=at)
    return scenario.model_copy(update={"name": name})
