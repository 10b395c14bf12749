"""What one more (or one less) unit of each resource is worth: the evidence for a funding
request.

A resource is a test site's daily tests, an isolation facility's beds, the bank's workers of
one role, the workers of one pool (bank, NHS, agency, recruits), a staff hotel's rooms a
night or the taxi journeys a day (a journey is worth something only where it completes
a pair: a shift takes two). Each is grown and shrunk
by a step and the changed scenario planned again (the changes are the what-if shocks
`site_capacity` and `facility_beds`, one per day so a site's own day-to-day pattern is
kept); the table compares each run's tier-1 objective and KPIs with the base plan's. Faster,
and without re-solving, the LP relaxation's dual values (GLOP) estimate the same change for
sites and facilities: the sum over days of each capacity rule's dual times the step. A
worker adds columns, not capacity, so roles and pools have no dual estimate. A pool grows
and shrinks by the `bank_size` shock for that pool (copies of its own workers: a recruit's
copy is trained from the same day, an agency worker's supplies the same homes).

Value per unit is the risk-weighted need met per unit added (or lost per unit removed):
``(objective_base - objective_changed) / delta``; the table is sorted by it. The dual
columns are the LP's estimate of the same: ``dual_d_objective = delta * sum_d dual[d]``
and ``dual_value_per_unit = -sum_d dual[d]``, exact only while the LP basis holds (so
small steps), and an estimate of the relaxation, not of the integer plan.
"""

from __future__ import annotations

import concurrent.futures
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from constraints import rules
from constraints.build import build_model
from constraints.model import tier_terms
from constraints.rules import Rule
from scenarios.load import parse_scenario
from scenarios.schema import Capacity, DepotDelivery, Role, Scenario, WorkerKind, daily
from scenarios.shocks import (
    BankSize,
    Days,
    DeliveryMissed,
    FacilityBeds,
    HotelRooms,
    Shock,
    SiteCapacity,
    TaxiBudget,
    TrainingSessions,
    VansWithdrawn,
    apply_shocks,
)
from scheduler.analysis.compare import HEADLINE, KPIS, plan_variant
from scheduler.solve.lp import lp_duals
from scheduler.solve.settings import SolverSettings

TAXI_KEY = "journeys"
SESSIONS_KEY = "sessions"
"""The one taxi budget's resource key: `taxi:journeys`."""

DELTA_KPIS = (
    HEADLINE,
    "cohort_tests_in_interval_pct",
    "outbreak_tests_in_window_pct",
    "shortfall_shifts_filled_pct",
    "isolation_requests_placed_pct",
)


@dataclass(frozen=True)
class Resource:
    """`kind` site, facility or role; `key` its id (a role's name); `unit` what a step is."""

    kind: str
    key: str

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def unit(self) -> str:
        units = {
            "site": "tests a day",
            "facility": "beds",
            "role": "bank workers",
            "hotel": "rooms a night",
            "taxi": "taxi journeys a day",
            "officer": "days of one more officer like it",
            "training": "training sessions a day",
            "ppe": "PPE vans a day" if self.key == "vans" else "PPE depot deliveries",
        }
        return units.get(self.kind, f"{self.key} workers")

    @property
    def rule(self) -> Rule | None:
        """The capacity rule whose right-hand side the resource is (none for a role)."""
        return {
            "site": rules.SITE_CAPACITY,
            "facility": rules.BED_OCCUPANCY,
            "hotel": rules.HOTEL_ROOMS,
            "taxi": rules.TAXI_BUDGET,
            "training": rules.TRAINING_SESSIONS,
        }.get(self.kind)


def resources(scenario: Scenario) -> list[Resource]:
    """Every site, facility and bank role of the scenario, and every pool it has."""
    roles = sorted(
        {r for w in scenario.workers if w.kind == WorkerKind.BANK for r in w.roles}, key=str
    )
    pools = [k for k in WorkerKind if any(w.kind == k for w in scenario.workers)]
    return (
        [Resource("site", s.id) for s in scenario.test_sites]
        + [Resource("facility", f.id) for f in scenario.isolation_facilities]
        + [Resource("role", str(r)) for r in roles]
        + [Resource("pool", str(k)) for k in pools]
        + [Resource("hotel", t.id) for t in scenario.staff_hotels]
        + ([Resource("taxi", TAXI_KEY)] if scenario.policy.transport is not None else [])
        + [Resource("officer", o.id) for o in scenario.officers]
        + ([Resource("training", SESSIONS_KEY)] if scenario.officers else [])
        + ([Resource("ppe", "vans"), Resource("ppe", "deliveries")] if scenario.ppe else [])
    )


def find_resource(scenario: Scenario, wanted: str) -> Resource:
    """`local`, `site:local`, `care-hotel`, `role:carer` or `pool:nhs` -> the resource it
    names."""
    matches = [r for r in resources(scenario) if wanted in (r.id, r.key)]
    if not matches:
        known = ", ".join(r.id for r in resources(scenario))
        raise ValueError(f"unknown resource {wanted!r}; known: {known}")
    return matches[0]


def changed(scenario: Scenario, resource: Resource, delta: int) -> Scenario:
    """`scenario` with `resource` grown (or shrunk, never below 0) by `delta` units."""
    name = f"{scenario.name} {resource.id} {delta:+d}"
    if resource.kind == "role":
        return _bank_role(scenario, Role(resource.key), delta, name)
    if resource.kind == "officer":
        return _officer_days(scenario, resource.key, delta, name)
    if resource.kind == "ppe":
        return _ppe_changed(scenario, resource, delta, name)
    shocks: list[Shock]
    if resource.kind == "pool":
        pool = WorkerKind(resource.key)
        size = sum(1 for w in scenario.workers if w.kind == pool)
        shocks = [BankSize(kind="bank_size", pool=pool, workers=max(0, size + delta))]
    elif resource.kind == "site":
        site = next(s for s in scenario.test_sites if s.id == resource.key)
        shocks = _per_day(site.capacity, scenario.horizon.days, delta, resource, SiteCapacity)
    elif resource.kind == "hotel":
        hotel = next(t for t in scenario.staff_hotels if t.id == resource.key)
        shocks = _per_day(hotel.rooms, scenario.horizon.days, delta, resource, HotelRooms)
    elif resource.kind == "taxi" and scenario.policy.transport is not None:
        budget = scenario.policy.transport.journeys_per_day
        shocks = _per_day(budget, scenario.horizon.days, delta, resource, TaxiBudget)
    elif resource.kind == "training":
        sessions = scenario.policy.visits.training_sessions_per_day
        shocks = _per_day(sessions, scenario.horizon.days, delta, resource, TrainingSessions)
    else:
        fac = next(f for f in scenario.isolation_facilities if f.id == resource.key)
        shocks = _per_day(fac.beds, scenario.horizon.days, delta, resource, FacilityBeds)
    return apply_shocks(scenario, shocks, random.Random(0), name, f"value {resource.id}")


def _ppe_changed(scenario: Scenario, resource: Resource, delta: int, name: str) -> Scenario:
    """More vans: `delta` more every day (never below 0), by the `ppe_vans` shock. More
    deliveries: `delta` copies of the first (or, with none, of the depot's opening stock)
    arriving on the first day; fewer: the last `-delta` delivery dates missed (the
    `ppe_delivery_missed` shock)."""
    supply = scenario.ppe
    assert supply is not None
    shocks: list[Shock]
    if resource.key == "vans":
        shocks = [
            VansWithdrawn(
                kind="ppe_vans",
                days=Days(first=d + 1, last=d + 1),
                set=max(0, daily(supply.vans, d) + delta),
            )
            for d in range(scenario.horizon.days)
        ]
    elif delta < 0:
        dates = sorted({d.date for d in supply.deliveries})[delta:]
        shocks = [DeliveryMissed(kind="ppe_delivery_missed", date=date) for date in dates]
    else:
        items = supply.deliveries[0].items if supply.deliveries else supply.depot_stock
        extra = [DepotDelivery(date=scenario.horizon.start, source="extra", items=items)] * delta
        more = supply.model_copy(update={"deliveries": [*supply.deliveries, *extra]})
        return parse_scenario(
            scenario.model_copy(update={"ppe": more, "name": name}).model_dump(mode="json"),
            source=name,
        )
    return apply_shocks(scenario, shocks, random.Random(0), name, f"value {resource.id}")


def _per_day(
    capacity: Capacity,
    days: int,
    delta: int,
    resource: Resource,
    shock: type[SiteCapacity | FacilityBeds | HotelRooms | TaxiBudget | TrainingSessions],
) -> list[Shock]:
    """One `set` shock per open day (a closed day stays closed; a taxi budget and the
    training sessions have no closed days: a day with none is one they may grow on)."""
    kind, field = {
        "site": ("site_capacity", "site"),
        "facility": ("facility_beds", "facility"),
        "hotel": ("hotel_rooms", "hotel"),
        "taxi": ("taxi_budget", None),
        "training": ("training_sessions", None),
    }[resource.kind]
    named = {field: resource.key} if field is not None else {}
    return [
        shock.model_validate(
            {
                "kind": kind,
                **named,
                "days": {"first": d + 1, "last": d + 1},
                "set": max(0, daily(capacity, d) + delta),
            }
        )
        for d in range(days)
        if daily(capacity, d) > 0 or resource.kind in ("taxi", "training")
    ]


def _bank_role(scenario: Scenario, role: Role, delta: int, name: str) -> Scenario:
    """More bank workers of `role`: copies of its bank workers in id order (same
    availability, no home history, no recent test, as the `bank_size` shock recruits);
    fewer: its last bank workers by id leave."""
    data = scenario.model_dump(mode="json", by_alias=True)
    holders = sorted(
        (w for w in data["workers"] if w["kind"] == WorkerKind.BANK and role in w["roles"]),
        key=lambda w: w["id"],
    )
    if delta < 0:
        gone = {w["id"] for w in holders[len(holders) + delta :]} if holders else set()
        data["workers"] = [w for w in data["workers"] if w["id"] not in gone]
    for n in range(max(0, delta)):
        source = holders[n % len(holders)]
        fresh = {k: v for k, v in source.items() if k not in ("home_history", "last_negative_test")}
        data["workers"].append(fresh | {"id": f"{source['id']}-v{n + 1}", "name": ""})
    data["name"] = name
    return parse_scenario(data, source=name)


def _officer_days(scenario: Scenario, officer_id: str, delta: int, name: str) -> Scenario:
    """More: a second officer like `officer_id` (same base, visits and minutes) on duty
    on its first `delta` working days; fewer: the officer's last working days taken off."""
    data = scenario.model_dump(mode="json", by_alias=True)
    officer = next(o for o in scenario.officers if o.id == officer_id)
    working = officer.available if officer.available is not None else scenario.horizon.dates
    if delta >= 0:
        copy = data["officers"][scenario.officers.index(officer)] | {
            "id": f"{officer_id}-v1",
            "name": "",
            "available": [d.isoformat() for d in working[:delta]],
        }
        data["officers"].append(copy)
    else:
        kept = working[: max(0, len(working) + delta)]
        data["officers"][scenario.officers.index(officer)]["available"] = [
            d.isoformat() for d in kept
        ]
    data["name"] = name
    return parse_scenario(data, source=name)


def dual_estimates(
    scenario: Scenario, chosen: list[Resource], time_limit: float
) -> dict[str, float]:
    """Estimated objective change per unit added to each site or facility (every open
    day), from the LP relaxation's duals of its capacity rules (one GLOP solve for all)."""
    built = build_model(scenario)
    tier = min(built.tier_names)
    solved = lp_duals(built.model, tier_terms(built.penalties, tier), time_limit, tier)
    if solved is None:
        return {}
    _objective, duals = solved
    estimates = {}
    for r in chosen:
        if r.rule is not None:
            # a capacity rule's key is (site, facility or hotel, date); the taxi budget's
            # and the training sessions' (date,)
            estimates[r.id] = sum(
                dual
                for c, dual in duals
                if c.rule == r.rule and (r.kind in ("taxi", "training") or c.key[0] == r.key)
            )
    return estimates


DUAL_TIME_LIMIT = 60.0
"""Seconds for the one LP solve behind every dual estimate."""

NOT_COMPUTED = "NOT COMPUTED"
"""The status of a resource's rows when its re-plans were never finished (a cancel)."""


class BaseFailedError(RuntimeError):
    """The base scenario itself has no plan, so no change can be measured against it."""


def run_name(resource: Resource, delta: int) -> str:
    """The name of the re-plan of `resource` changed by `delta` (`site:local +10`)."""
    return f"{resource.id} {delta:+d}"


def value_runs(scenario: Scenario, chosen: list[Resource], step: int) -> dict[str, Scenario]:
    """Every plan the table needs: the base, then each resource grown and shrunk."""
    return {"base": scenario} | {
        run_name(r, delta): changed(scenario, r, delta) for r in chosen for delta in (step, -step)
    }


def value_table(
    scenario: Scenario,
    settings: SolverSettings,
    chosen: list[Resource],
    step: int,
    executor: concurrent.futures.Executor | None = None,
    dual_time_limit: float = DUAL_TIME_LIMIT,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """One row per resource and direction (+step, -step), sorted by value per unit."""
    runs = value_runs(scenario, chosen, step)
    rows: dict[str, dict[str, Any]] = {}
    if executor is None:
        for name, s in runs.items():
            rows[name] = plan_variant(name, s, settings)[0]
            if progress is not None:
                progress(name)
    else:
        futures = {executor.submit(plan_variant, n, s, settings): n for n, s in runs.items()}
        for future in concurrent.futures.as_completed(futures):
            rows[futures[future]] = future.result()[0]
            if progress is not None:
                progress(futures[future])
    duals = dual_estimates(scenario, chosen, dual_time_limit)
    return tabulate(chosen, step, rows, duals)


def tabulate(
    chosen: list[Resource],
    step: int,
    rows: dict[str, dict[str, Any]],
    duals: dict[str, float],
) -> pd.DataFrame:
    """The value table from the planned runs' KPI rows (by `value_runs`' names) and the
    dual estimates; a resource whose re-plans are missing from `rows` (the web app's
    cancelled run) keeps its rows, marked not computed, so the table says what was not
    measured rather than dropping it."""
    base = rows["base"]
    if str(base["status"]).startswith("FAILED"):
        raise BaseFailedError(f"the base scenario failed to plan: {base['status']}")
    table = []
    for r in chosen:
        for delta in (step, -step):
            row = rows.get(run_name(r, delta), {"status": NOT_COMPUTED})
            ok = not str(row["status"]).startswith(("FAILED", NOT_COMPUTED))
            objective = row.get("objective") if ok else None
            change = None if objective is None else objective - base["objective"]
            estimate = duals.get(r.id)
            table.append(
                {
                    "resource": r.id,
                    "unit": r.unit,
                    "step": delta,
                    "status": row["status"],
                    "d_risk_weighted_coverage_pct": _delta(row, base, HEADLINE),
                    "d_objective": change,
                    "value_per_unit": None if change is None else round(-change / delta, 1),
                    "dual_d_objective": None if estimate is None else round(estimate * delta, 1),
                    "dual_value_per_unit": None if estimate is None else round(-estimate, 1),
                    **{f"d_{k}": _delta(row, base, k) for k in DELTA_KPIS[1:]},
                }
            )
    frame = pd.DataFrame(table)
    return frame.sort_values(
        ["value_per_unit", "resource", "step"], ascending=[False, True, False], na_position="last"
    ).reset_index(drop=True)


def _delta(row: dict[str, Any], base: dict[str, Any], kpi: str) -> float | None:
    if kpi not in KPIS or row.get(kpi) is None or base.get(kpi) is None:
        return None
    return round(float(row[kpi]) - float(base[kpi]), 2)
