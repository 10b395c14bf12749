"""The hard rules kept by which variables exist: a worker without the role, outside their
availability, still in training (a recruit), with an agency that does not supply the home
or inside the quarantine window has no shift variable; a site that does not
take the cohort, serve the home's authority or book that early has no booking variable;
a facility that does not take the need or serve the authority, or a day before the
request's earliest date, has no admission variable.

Each rule is one predicate, registered against its `constraints.rules` rule of kind
*domain*, so the families that create variables, the pins that explain a missing one and
the causes of an unmet need read one definition, and the registry test can hold each to
its validator twin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from constraints import rules
from constraints.rules import Rule
from scenarios.accommodation import far_from, hotel_near, stay_dates, taxi_eligible
from scenarios.one_to_one import may_stay_at_home
from scenarios.schema import (
    Cohort,
    Home,
    HomeType,
    IsolationFacility,
    IsolationRequest,
    Need,
    Officer,
    Role,
    RoomRequest,
    Scenario,
    Shift,
    StaffHotel,
    TestSite,
    VisitKind,
    Worker,
)
from scenarios.visits import VisitNeed, delivers, on_duty

if TYPE_CHECKING:  # the context's site-days read these rules too
    from constraints.context import Context

Predicate = TypeVar("Predicate", bound=Callable[..., bool])

PREDICATES: dict[Rule, Callable[..., bool]] = {}
"""Each domain rule's predicate."""


def _keeps(rule: Rule) -> Callable[[Predicate], Predicate]:
    def register(predicate: Predicate) -> Predicate:
        PREDICATES[rule] = predicate
        return predicate

    return register


# ------------------------------------------------------------------ staffing


@_keeps(rules.AVAILABILITY)
def available(worker: Worker, date: dt.date, shift: Shift) -> bool:
    return worker.available_on(date, shift)


@_keeps(rules.ROLE)
def holds_role(worker: Worker, role: Role) -> bool:
    return role in worker.roles


@_keeps(rules.WORKER_AUTHORITY)
def worker_serves(worker: Worker, authority: str | None) -> bool:
    return worker.serves(authority)


@_keeps(rules.TRAINING)
def trained_by(worker: Worker, date: dt.date) -> bool:
    """A recruit works only once training ends: d >= w.available_from (every other pool:
    no such date)."""
    return worker.available_from is None or date >= worker.available_from


@_keeps(rules.AGENCY_SUPPLY)
def agency_supplies(ctx: Context, worker: Worker, home_id: str) -> bool:
    """An agency worker covers only homes their agency supplies: h in homes(agency(w)) (a
    worker with no agency named: any home)."""
    return worker.agency is None or home_id in ctx.agency_homes.get(worker.agency, ())


def earliest_day_at(ctx: Context, worker: Worker, home_id: str) -> int:
    """First day index the worker may work at `home_id` under the quarantine window."""
    hist = worker.home_history
    if hist.current_home is None or hist.current_home == home_id or hist.last_shift is None:
        return 0
    return max(0, ctx.day(hist.last_shift + dt.timedelta(days=ctx.policy.quarantine_days)))


@_keeps(rules.QUARANTINE)
def out_of_quarantine(ctx: Context, worker: Worker, home_id: str, d: int) -> bool:
    return d >= earliest_day_at(ctx, worker, home_id)


def may_work(ctx: Context, worker: Worker) -> Callable[[Home, int, Shift, Role], bool]:
    """Every staffing domain rule at once, for one worker: whether a shift variable exists
    for a (home, day index, shift, role). Who may work where and when, the one definition
    every path prunes by (the direct model, the whole-schedule pricing and the greedy start
    read the variables it lets exist): the worker holds the role, serves the home's
    authority, is with an agency supplying it (if any), is past the quarantine window,
    trained and available on day d's shift. The build asks it of every worker for every
    shortfall, so the rules on a home are read once per home and those on a day's shift
    once per shift."""
    served: dict[str, bool] = {}
    free: dict[tuple[str, int], bool] = {}
    on_duty: dict[tuple[int, Shift], bool] = {}

    def allows(home: Home, d: int, shift: Shift, role: Role) -> bool:
        if not holds_role(worker, role):
            return False
        if home.id not in served:
            serves = worker_serves(worker, home.authority) and agency_supplies(ctx, worker, home.id)
            served[home.id] = serves
        if not served[home.id]:
            return False
        if (home.id, d) not in free:
            free[home.id, d] = out_of_quarantine(ctx, worker, home.id, d)
        if not free[home.id, d]:
            return False
        if (d, shift) not in on_duty:
            date = ctx.dates[d]
            on_duty[d, shift] = trained_by(worker, date) and available(worker, date, shift)
        return on_duty[d, shift]

    return allows


# ------------------------------------------------------------------ testing


@_keeps(rules.SITE_ACCEPTS)
def site_accepts(site: TestSite, cohort: Cohort, home_type: HomeType | None = None) -> bool:
    return site.accepts(cohort, home_type)


@_keeps(rules.SITE_AUTHORITY)
def site_serves(site: TestSite, authority: str | None) -> bool:
    return site.serves(authority)


@_keeps(rules.LEAD_TIME)
def past_lead_time(site: TestSite, d: int) -> bool:
    """Day index `d` (of the swab) is bookable at `site`."""
    return d >= site.lead_days


# ------------------------------------------------------------------ isolation


@_keeps(rules.FACILITY_ACCEPTS)
def facility_accepts(facility: IsolationFacility, need: Need) -> bool:
    return need in facility.accepts


@_keeps(rules.FACILITY_AUTHORITY)
def facility_serves(facility: IsolationFacility, authority: str | None) -> bool:
    return facility.serves(authority)


@_keeps(rules.AT_HOME_OFFERED)
def offered_at_home(scenario: Scenario, request: IsolationRequest) -> bool:
    """1:1 at home exists only for a home's request marked one_to_one_ok with the policy on
    (`scenarios.one_to_one`, which the validator and the tables read too); the model reads
    it through this name, so that switching the rule off reaches the model alone."""
    return may_stay_at_home(scenario, request)


@_keeps(rules.EARLIEST_DATE)
def not_before_earliest(ctx: Context, request: IsolationRequest, d: int) -> bool:
    return d >= ctx.day(request.earliest)


# ------------------------------------------------------------------ accommodation


@_keeps(rules.WHOLE_STAY)
def stay_covers(request: RoomRequest, date: dt.date) -> bool:
    """A stay variable occupies a room on every night of the request, and only then."""
    return date in stay_dates(request)


@_keeps(rules.FAR_DEPLOYED)
def far_deployed(ctx: Context, worker: Worker, home_id: str) -> bool:
    return far_from(ctx.scenario, worker, ctx.homes[home_id])


@_keeps(rules.HOTEL_NEAR)
def near_hotel(ctx: Context, hotel: StaffHotel, home_id: str) -> bool:
    return hotel_near(ctx.scenario, hotel, ctx.homes[home_id])


@_keeps(rules.TAXI_ELIGIBLE)
def needs_taxi(ctx: Context, worker: Worker, home_id: str, d: int) -> bool:
    return taxi_eligible(ctx.scenario, worker, ctx.homes[home_id], ctx.dates[d])


# ------------------------------------------------------------------ visits


@_keeps(rules.OFFICER_DELIVERS)
def officer_delivers(officer: Officer, kind: VisitKind) -> bool:
    return delivers(officer, kind)


@_keeps(rules.OFFICER_ON_DUTY)
def officer_on_duty(officer: Officer, date: dt.date) -> bool:
    return on_duty(officer, date)


@_keeps(rules.VISIT_DUE)
def visit_due(needs: list[VisitNeed], kind: VisitKind, date: dt.date) -> bool:
    """A visit of `kind` exists only on a date a home's need of that kind is open."""
    return any(n.kind == kind and n.covers(date) for n in needs)
