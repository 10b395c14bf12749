"""Pins: decisions a planner fixed by hand, honoured as hard rules.

A pin that no variable can honour (the worker is unavailable that day, the home has no
short shift for them, the facility does not take the resident's need) still becomes a
named rule, over a variable fixed at 0, so the infeasibility report names the pin rather
than failing to build the model; the rule carries the reason, because a pin that cannot
hold on its own is a typing slip the planner needs told, not only named.
"""

from __future__ import annotations

import datetime as dt

from constraints import rules
from constraints.context import Context
from constraints.domain import (
    agency_supplies,
    available,
    earliest_day_at,
    facility_accepts,
    facility_serves,
    holds_role,
    trained_by,
    worker_serves,
)
from constraints.isolation import IsolationVars
from constraints.model import Var
from constraints.rules import Key, Rule, model_name
from constraints.staffing import StaffingVars
from scenarios.one_to_one import home_stays
from scenarios.schema import AT_HOME, RequestPin, WorkerPin


def _or_impossible(
    ctx: Context, variables: list[Var], pin: Rule, key: Key, impossible: Rule, why: str
) -> list[Var]:
    if variables:
        return variables
    ctx.model.notes[model_name(pin, key)] = why
    return [ctx.model.integer(0, 0, impossible, key)]


def add_worker_pins(ctx: Context, sv: StaffingVars) -> None:
    """Pinned worker w at home h on day d: sum_{s,r} shift[w,h,d,s,r] >= 1 (over the pinned
    shift only, when one is named)."""
    for pin in ctx.scenario.pins.workers:
        d = ctx.day(pin.date)
        key: Key = (pin.worker, pin.home, pin.date)
        chosen = [
            var
            for (w, h, day, s, _r), var in sv.shifts.items()
            if (w, h, day) == (pin.worker, pin.home, d) and pin.shift in (None, s)
        ]
        why = _no_shift(ctx, pin)
        variables = _or_impossible(
            ctx, chosen, rules.PIN_WORKER, key, rules.IMPOSSIBLE_PIN_WORKER, why
        )
        ctx.model.add_ge([(v, 1) for v in variables], 1, rule=rules.PIN_WORKER, key=key)


def _no_shift(ctx: Context, pin: WorkerPin) -> str:
    """Why no shift variable exists for the pin: the filters of
    `staffing.add_deployment_variables`, applied in turn to that day's short shifts, and
    the one that leaves none."""
    worker = next(w for w in ctx.scenario.workers if w.id == pin.worker)
    home = ctx.homes[pin.home]
    on = f"{pin.shift} shift on {pin.date}" if pin.shift else f"shift on {pin.date}"
    short = [
        (s, r)
        for (h, d, s, r), need in ctx.demand.items()
        if h == home.id and d == ctx.day(pin.date) and pin.shift in (None, s) and need.workers
    ]
    if not short:
        return f"{home.id} is short of no one on that {on}"
    held = [(s, r) for s, r in short if holds_role(worker, r)]
    if not held:
        roles = ", ".join(sorted({r.value for _s, r in short}))
        return f"{home.id} is short of {roles} on that {on}, a role {worker.id} does not hold"
    if not worker_serves(worker, home.authority):
        return f"{worker.id} does not serve {home.id}'s authority {home.authority!r}"
    if not agency_supplies(ctx, worker, home.id):
        return f"{worker.id}'s agency {worker.agency} does not supply {home.id}"
    if not trained_by(worker, pin.date):
        return f"{worker.id} may work only from {worker.available_from}, once trained"
    if not any(available(worker, pin.date, s) for s, _r in held):
        shifts = " or ".join(sorted({s.value for s, _r in held}))
        return f"{worker.id} is not available for the {shifts} shift {home.id} is short"
    start = ctx.dates[0] + dt.timedelta(days=earliest_day_at(ctx, worker, home.id))
    return f"{worker.id} may work at {home.id} only from {start} (quarantine window)"


def add_request_pins(ctx: Context, iv: IsolationVars) -> None:
    """Pinned request r at facility f (on day d when given): sum_d admit[r,f,d] = 1; pinned
    to its own home (`own home (1:1)`, from d when given): at_home[r] = 1 (when the stay
    at home starts on d, `scenarios.one_to_one`)."""
    stays = home_stays(ctx.scenario)
    for pin in ctx.scenario.pins.requests:
        d = None if pin.admit is None else ctx.day(pin.admit)
        key: Key = (pin.request, pin.facility)
        if pin.facility == AT_HOME:
            stay = stays.get(pin.request)
            ok = stay is not None and pin.request in iv.at_home and d in (None, ctx.day(stay.first))
            chosen = [iv.at_home[pin.request]] if ok else []
            why = _not_at_home(pin, stay.first if stay else None)
        else:
            chosen = [
                var
                for (r, f, day), var in iv.admit.items()
                if (r, f) == (pin.request, pin.facility) and d in (None, day)
            ]
            why = _no_admission(ctx, pin)
        variables = _or_impossible(
            ctx, chosen, rules.PIN_REQUEST, key, rules.IMPOSSIBLE_PIN_REQUEST, why
        )
        ctx.model.add_eq([(v, 1) for v in variables], 1, rule=rules.PIN_REQUEST, key=key)


def _not_at_home(pin: RequestPin, first: dt.date | None) -> str:
    """Why a pin to the request's own home cannot hold: its stay there starts on another
    day, or holds no day of the horizon (the input checks refuse a request not offered)."""
    if first is None:
        return f"{pin.request}'s stay at home holds no day of the horizon"
    return f"{pin.request}'s stay at home starts on {first}, its earliest day, not {pin.admit}"


def _no_admission(ctx: Context, pin: RequestPin) -> str:
    """Why no admission variable exists for the pin (the filters of
    `isolation.add_placement_variables`)."""
    request = next(r for r in ctx.scenario.isolation_requests if r.id == pin.request)
    facility = next(f for f in ctx.scenario.isolation_facilities if f.id == pin.facility)
    if not facility_accepts(facility, request.need):
        return f"{facility.id} does not accept {request.need.value}, {request.id}'s need"
    authority = ctx.request_authority(request)
    if not facility_serves(facility, authority):
        return f"{facility.id} does not serve {request.id}'s authority {authority!r}"
    return f"{request.id} cannot be admitted before its earliest date {request.earliest}"
