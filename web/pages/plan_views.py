"""A finished run's plan, as the planning team reads it: the testing roster by site and
day, the staff deployment grid, each home's page, isolation, PPE, unmet needs and, for a
re-plan, what changed. Every figure comes from the plan folder through the scheduler's own
readers (`read_plan_folder`, `report_data`, `explain_home`); nothing is recomputed here."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from scenarios.risk import RISK_PARTS
from scenarios.schema import daily
from scheduler.analysis.explain import UnknownHomeError, explain_home
from scheduler.output.ppe_data import cover_by_item, drop_stops, ppe_unmet
from scheduler.output.report_data import bed_occupancy, latest_risk, staff_grid
from scheduler.plan import TestBooking
from web.pages.render import get_run, page, run_plan
from web.security import DB, Coordinator

router = APIRouter()


@router.get("/runs/{run_id}/testing", name="run_testing")
def testing(request: Request, db: DB, user: Coordinator, run_id: int) -> Response:
    run = get_run(db, run_id)
    plan, scenario, _ = run_plan(request, run)
    dates = scenario.horizon.dates
    booked: dict[tuple[str, int], list[TestBooking]] = defaultdict(list)
    index = {d: i for i, d in enumerate(dates)}
    for t in sorted(plan.testing, key=lambda t: (t.site_id, t.date, -t.risk)):
        booked[(t.site_id, index[t.date])].append(t)
    sites = [(s, [daily(s.capacity, i) for i in range(len(dates))]) for s in scenario.test_sites]
    return page(
        request,
        "testing.html",
        user,
        run=run,
        dates=dates,
        sites=sites,
        booked=booked,
        homes={h.id: h.name for h in scenario.homes},
    )


@router.get("/runs/{run_id}/staff", name="run_staff")
def staff(request: Request, db: DB, user: Coordinator, run_id: int) -> Response:
    run = get_run(db, run_id)
    plan, scenario, _ = run_plan(request, run)
    return page(request, "staff.html", user, run=run, grid=staff_grid(plan, scenario))


@router.get("/runs/{run_id}/homes", name="run_homes")
def homes(request: Request, db: DB, user: Coordinator, run_id: int) -> Response:
    run = get_run(db, run_id)
    plan, scenario, _ = run_plan(request, run)
    unmet: dict[str, int] = defaultdict(int)
    for u in plan.unmet:
        if u.home_id is not None:
            unmet[u.home_id] += u.amount
    return page(
        request,
        "homes.html",
        user,
        run=run,
        risk=latest_risk(plan),
        unmet=unmet,
        names={h.id: h.name for h in scenario.homes},
    )


@router.get("/runs/{run_id}/homes/{home_id}", name="run_home")
def home(request: Request, db: DB, user: Coordinator, run_id: int, home_id: str) -> Response:
    run = get_run(db, run_id)
    plan, scenario, folder = run_plan(request, run)
    try:
        report = explain_home(folder, home_id)
    except UnknownHomeError:
        raise HTTPException(404, f"no home {home_id!r} in run {run.id}'s scenario") from None
    return page(
        request,
        "home.html",
        user,
        run=run,
        report=report,
        parts=RISK_PARTS,
        shifts=[s for s in plan.shifts if s.home_id == home_id],
        workers=scenario.workers,
        dates=scenario.horizon.dates,
        ppe=scenario.ppe is not None,
        target=scenario.policy.ppe.min_days_cover,
        stops=drop_stops(plan, home_id),
        covers=cover_by_item(plan, scenario, home_id),
    )


@router.get("/runs/{run_id}/isolation", name="run_isolation")
def isolation(request: Request, db: DB, user: Coordinator, run_id: int) -> Response:
    run = get_run(db, run_id)
    plan, scenario, _ = run_plan(request, run)
    placed = {p.request_id for p in plan.placements}
    return page(
        request,
        "isolation.html",
        user,
        run=run,
        placements=plan.placements,
        occupancy=bed_occupancy(plan, scenario),
        dates=scenario.horizon.dates,
        requests=[r for r in scenario.isolation_requests if r.id not in placed],
        facilities=scenario.isolation_facilities,
    )


@router.get("/runs/{run_id}/ppe", name="run_ppe")
def ppe(request: Request, db: DB, user: Coordinator, run_id: int) -> Response:
    """The vans' stops by day, every home's cover of each item (lowest first) and the PPE
    left unmet; a run whose scenario has no PPE says so rather than show empty tables."""
    run = get_run(db, run_id)
    plan, scenario, _ = run_plan(request, run)
    return page(
        request,
        "ppe.html",
        user,
        run=run,
        ppe=scenario.ppe is not None,
        target=scenario.policy.ppe.min_days_cover,
        stops=drop_stops(plan),
        covers=cover_by_item(plan, scenario),
        unmet=ppe_unmet(plan),
        dates=scenario.horizon.dates,
        names={h.id: h.name for h in scenario.homes},
    )


@router.get("/runs/{run_id}/unmet", name="run_unmet")
def unmet(request: Request, db: DB, user: Coordinator, run_id: int) -> Response:
    run = get_run(db, run_id)
    plan, scenario, _ = run_plan(request, run)
    rows = sorted(plan.unmet, key=lambda u: (-u.risk * u.amount, u.date))
    return page(
        request,
        "unmet.html",
        user,
        run=run,
        unmet=rows,
        names={h.id: h.name for h in scenario.homes},
    )


@router.get("/runs/{run_id}/changes", name="run_changes")
def changes(request: Request, db: DB, user: Coordinator, run_id: int) -> Response:
    run = get_run(db, run_id)
    plan, _scenario, _ = run_plan(request, run)
    if run.previous_run_id is None:
        raise HTTPException(404, f"run {run.id} is not a re-plan")
    return page(request, "changes.html", user, run=run, changes=plan.changes, summary=plan.summary)
