"""Isolation beds: placing residents who cannot isolate safely where they are.

Variables: ``admit[r,f,d]`` (boolean) exists only for facilities serving the request's local
authority and accepting its need, and days on or after its earliest date, so authority, need
and earliest date hold by construction (so does the admission swab's site's authority).
A stay holds a bed on each of its days; days after the horizon are the next plan's concern.
``admission_test[r,s,d]`` books the pre-admission swab for an admission on day d at site s,
taken ``max(1, result_days)`` days before so the result is back on admission. An admission
on the plan's first day is assumed to have been swabbed before the plan began.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from constraints import domain, rules
from constraints.context import Context, SlotBooking
from constraints.model import Penalty, Var
from scenarios.schema import Cohort, IsolationRequest, TestSite, daily


@dataclass
class IsolationVars:
    admit: dict[tuple[str, str, int], Var] = field(default_factory=dict)
    unplaced: dict[str, Var] = field(default_factory=dict)
    at_home: dict[str, Var] = field(default_factory=dict)
    """Request -> 1 if met by 1:1 support at its own home (`constraints.one_to_one`)."""
    tests: dict[tuple[str, str, int], Var] = field(default_factory=dict)
    """(request, site, admission day) -> the pre-admission swab, taken `swab_day` earlier."""


def stay_days(ctx: Context, request: IsolationRequest) -> int:
    return request.stay_days or ctx.policy.isolation_stay_days


def swab_day(ctx: Context, site: TestSite, admit_day: int) -> int:
    """Day of the pre-admission swab at `site` for an admission on `admit_day`."""
    return admit_day - max(1, ctx.result_days(site))


def request_risk(ctx: Context, request: IsolationRequest) -> int:
    """The sending home's risk on the earliest day; a fixed policy score for hospitals."""
    if request.from_home is None:
        return ctx.policy.risk_weights.hospital_discharge
    return ctx.risk.score(request.from_home, request.earliest)


# ------------------------------------------------------------------ variables


def add_placement_variables(ctx: Context) -> IsolationVars:
    iv = IsolationVars()
    admission_sites = [
        s for s in ctx.scenario.test_sites if domain.site_accepts(s, Cohort.ADMISSIONS)
    ]
    for r in ctx.scenario.isolation_requests:
        authority = ctx.request_authority(r)
        days = [d for d in range(ctx.days) if domain.not_before_earliest(ctx, r, d)]
        for f in ctx.scenario.isolation_facilities:
            if not domain.facility_accepts(f, r.need) or not domain.facility_serves(f, authority):
                continue
            for d in days:
                iv.admit[r.id, f.id, d] = ctx.model.boolean(rules.ADMIT, (r.id, f.id, ctx.dates[d]))
        for d in days:
            if d < 1:  # swabbed before the plan began
                continue
            for site in admission_sites:
                if not domain.site_serves(site, authority):
                    continue
                t = swab_day(ctx, site, d)
                if domain.past_lead_time(site, t) and daily(site.capacity, t) > 0:
                    var = ctx.model.boolean(rules.ADMISSION_TEST, (r.id, site.id, ctx.dates[d]))
                    iv.tests[r.id, site.id, d] = var
                    ctx.book(SlotBooking(var, site.id, t, Cohort.ADMISSIONS))
    return iv


# ------------------------------------------------------------------ hard rules


def add_bed_occupancy(ctx: Context, iv: IsolationVars) -> None:
    """A stay holds a bed each day: sum_{r, d <= t < d + L_r} admit[r,f,d] <= beds[f,t]."""
    requests = {r.id: r for r in ctx.scenario.isolation_requests}
    occupying: dict[tuple[str, int], list[Var]] = defaultdict(list)
    for (r, f, d), var in iv.admit.items():
        for t in range(d, min(ctx.days, d + stay_days(ctx, requests[r]))):
            occupying[f, t].append(var)
    facilities = {f.id: f for f in ctx.scenario.isolation_facilities}
    for (f, t), variables in sorted(occupying.items()):
        ctx.model.add_at_most(
            variables,
            daily(facilities[f].beds, t),
            rule=rules.BED_OCCUPANCY,
            key=(f, ctx.dates[t]),
        )


def add_pre_admission_tests(ctx: Context, iv: IsolationVars) -> None:
    """An admission after the first day books one swab at a site in time:
    sum_f admit[r,f,d] = sum_s admission_test[r,s,d]."""
    admits: dict[tuple[str, int], list[Var]] = defaultdict(list)
    for (r, _f, d), var in iv.admit.items():
        if d >= 1:
            admits[r, d].append(var)
    swabs: dict[tuple[str, int], list[Var]] = defaultdict(list)
    for (r, _s, d), var in iv.tests.items():
        swabs[r, d].append(var)
    for (r, d), variables in sorted(admits.items()):
        ctx.model.add_eq(
            [*((v, 1) for v in variables), *((v, -1) for v in swabs[r, d])],
            0,
            rule=rules.PRE_ADMISSION_TEST,
            key=(r, ctx.dates[d]),
        )


# ------------------------------------------------------------------ soft rules


def add_placement(ctx: Context, iv: IsolationVars) -> list[Penalty]:
    """Each request placed once or left unplaced:
    sum_{f,d} admit[r,f,d] + at_home[r] + unplaced[r] = 1 (at_home where 1:1 support at
    the resident's own home is offered, `constraints.one_to_one`).

    A request met at home waits for nothing: its stay starts on its earliest day, and the
    1:1 shifts left open are priced on their own. A placed request pays for each day it
    waits; an unplaced one pays for waiting to the end of the horizon plus the unplaced
    price, so placing late is always better than not placing at all."""
    weights = ctx.policy.objective
    admits: dict[str, list[tuple[int, Var]]] = defaultdict(list)
    for (r, _f, d), var in iv.admit.items():
        admits[r].append((d, var))
    penalties = []
    for req in ctx.scenario.isolation_requests:
        first = ctx.day(req.earliest)
        risk = request_risk(ctx, req)
        unplaced = ctx.model.boolean(rules.UNPLACED, (req.id,))
        iv.unplaced[req.id] = unplaced
        options = [v for _d, v in admits[req.id]]
        if req.id in iv.at_home:
            options.append(iv.at_home[req.id])
        ctx.model.add_eq(
            [*((v, 1) for v in options), (unplaced, 1)],
            1,
            rule=rules.PLACE_ONCE,
            key=(req.id,),
        )
        never = weights.unplaced_request + weights.waiting_day * (ctx.days - first)
        penalties.append(
            Penalty(
                1,
                unplaced,
                ctx.need_price(never * risk, first),
                rules.PLACE_ONCE,
                (req.id,),
                req.from_home,
            )
        )
        penalties += [
            Penalty(
                1,
                v,
                ctx.need_price(weights.waiting_day * (d - first) * risk, first),
                rules.WAIT,
                home_id=req.from_home,
                is_need=False,
            )
            for d, v in admits[req.id]
            if d > first
        ]
    return penalties
