"""From solver values to a `Plan`: every allocation with its reason, every unmet need with
its cause, and the KPIs a planner reads first."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from constraints.build import BuiltModel
from constraints.context import Context
from constraints.isolation import request_risk, stay_days, swab_day
from constraints.staffing import is_new_home, one_home, test_cohort
from scenarios.one_to_one import home_stays
from scenarios.schema import (
    AT_HOME,
    Cohort,
    IsolationRequest,
    Role,
    Shift,
    Worker,
    WorkerKind,
    daily,
)
from scenarios.windows import CoverWindow, WindowKind
from scenarios.words import count
from scheduler.extract.causes import Cause, CauseFinder, UnexplainedCauses
from scheduler.extract.rooms import room_rows
from scheduler.extract.visits import visit_rows
from scheduler.plan import (
    DayKpis,
    Placement,
    PlacementMode,
    Plan,
    ShiftAssignment,
    ShiftSource,
    Summary,
    TestBooking,
    UnmetKind,
    UnmetNeed,
)
from scheduler.solve.tiers import Solution


def extract_plan(
    built: BuiltModel, solution: Solution, summary: Summary, explain_unmet: bool = True
) -> Plan:
    assert solution.values is not None
    values = solution.values
    extractor = _Extractor(built, values, explain_unmet)
    shifts = extractor.shifts()
    placements = extractor.placements()
    rooms = room_rows(built, values)
    visits = visit_rows(built, values)
    unmet = extractor.unmet(placements) + [
        row.model_copy(update=cause_fields(cause)) for row, cause in rooms.unmet + visits.unmet
    ]
    plan = Plan(
        testing=extractor.home_tests()
        + extractor.worker_tests(shifts)
        + extractor.admission_tests(),
        shifts=shifts,
        placements=placements,
        rooms=rooms.stays,
        taxis=rooms.taxis,
        visits=visits.visits,
        unmet=sorted(unmet, key=unmet_order),
        risk=built.ctx.risk.rows,
        summary=summary,
    )
    kpis = kpis_of(built, plan)
    days = daily_kpis(built, plan)
    return plan.model_copy(
        update={"summary": summary.model_copy(update={"kpis": kpis, "daily": days})}
    )


class _Extractor:
    def __init__(self, built: BuiltModel, values: list[int], explain_unmet: bool) -> None:
        self.built = built
        self.ctx = built.ctx
        self.values = values
        self.stays = home_stays(self.ctx.scenario)
        self.causes: CauseFinder | UnexplainedCauses = (
            CauseFinder(built, values) if explain_unmet else UnexplainedCauses()
        )

    def _on(self, var: int | None) -> int:
        """A variable's value; 0 for one the model does not have."""
        return 0 if var is None else self.values[var]

    # ------------------------------------------------------------------ testing

    def home_tests(self) -> list[TestBooking]:
        ctx = self.ctx
        windows: dict[tuple[str, Cohort], list[CoverWindow]] = defaultdict(list)
        for w in self.built.tests.windows:
            windows[w.home, w.cohort].append(w)
        rows = []
        for (home_id, cohort, site_id, d), var in self.built.tests.tests.items():
            if n := self._on(var):
                serving = [w for w in windows[home_id, cohort] if w.first <= d <= w.last]
                serving.sort(key=lambda w: (w.kind != WindowKind.OUTBREAK, w.due))
                reason = serving[0].label if serving else "cover window"
                override = ctx.sites[site_id].override(cohort, ctx.homes[home_id].type)
                rows.append(
                    TestBooking(
                        date=ctx.dates[d],
                        site_id=site_id,
                        home_id=home_id,
                        cohort=cohort,
                        tests=n,
                        risk=ctx.risk.score(home_id, ctx.dates[d]),
                        reason=f"{reason}; {override}" if override else reason,
                    )
                )
        return sorted(rows, key=lambda r: (r.date, r.site_id, -r.risk, r.home_id or "", r.cohort))

    def worker_tests(self, shifts: list[ShiftAssignment]) -> list[TestBooking]:
        first_shift: dict[str, ShiftAssignment] = {}
        for s in sorted(shifts, key=lambda s: s.date):
            first_shift.setdefault(s.worker_id, s)
        workers = {w.id: w for w in self.ctx.scenario.workers}
        rows = []
        for (worker_id, site_id, t), var in self.built.staff.tests.items():
            if self._on(var):
                first = first_shift[worker_id]
                rows.append(
                    TestBooking(
                        date=self.ctx.dates[t],
                        site_id=site_id,
                        cohort=test_cohort(workers[worker_id]),
                        tests=1,
                        worker_id=worker_id,
                        reason=f"pre-deployment test: first shift at {first.home_id} "
                        f"on {first.date}",
                    )
                )
        return sorted(rows, key=lambda r: (r.date, r.site_id, r.worker_id or ""))

    def admission_tests(self) -> list[TestBooking]:
        admitted = {(r, d): f for (r, f, d), var in self.built.beds.admit.items() if self._on(var)}
        rows = []
        for (request_id, site_id, d), var in self.built.beds.tests.items():
            if self._on(var):
                site = self.ctx.sites[site_id]
                rows.append(
                    TestBooking(
                        date=self.ctx.dates[swab_day(self.ctx, site, d)],
                        site_id=site_id,
                        cohort=Cohort.ADMISSIONS,
                        tests=1,
                        request_id=request_id,
                        reason=f"pre-admission test: {request_id} admitted to "
                        f"{admitted[request_id, d]} on {self.ctx.dates[d]}",
                    )
                )
        return sorted(rows, key=lambda r: (r.date, r.site_id, r.request_id or ""))

    # ------------------------------------------------------------------ staffing

    def shifts(self) -> list[ShiftAssignment]:
        """Each worker's shifts; on a shift both reported and forecast short, the first
        workers by id cover the reported need (its price is the higher) and the rest the
        forecast."""
        ctx = self.ctx
        workers = {w.id: w for w in ctx.scenario.workers}
        rows = []
        on = self.covering()
        for (h, d, s, r), need in ctx.demand.items():
            covering = sorted(on.get((h, d, s, r), []))
            risk = ctx.risk.score(h, ctx.dates[d])
            for i, w in enumerate(covering):
                worker = workers[w]
                stay = "new to this home" if is_new_home(worker, h) else "already this home's"
                trained = (
                    f"; a recruit trained from {worker.available_from}"
                    if worker.available_from is not None
                    else ""
                )
                reported, at_home = self._covered(h, d, s, r)
                if i < reported:
                    source, why = ShiftSource.REPORTED, f"the home is {need.reported} short"
                elif i < reported + at_home:
                    source = ShiftSource.ONE_TO_ONE
                    why = f"1:1 support for {', '.join(self.at_home_on(h, d, s))} at home"
                else:
                    source = ShiftSource.FORECAST
                    why = f"forecast {need.forecast} short from staff tests: {need.assumption}"
                rows.append(
                    ShiftAssignment(
                        date=ctx.dates[d],
                        shift=s,
                        worker_id=w,
                        home_id=h,
                        role=r,
                        pool=worker.kind,
                        risk=risk,
                        reason=f"covers a {r} {s} shift {why} (risk {risk}); {stay}, "
                        f"{_stays(ctx, worker)}{trained}",
                        source=source,
                    )
                )
        return sorted(rows, key=lambda r: (r.date, r.shift, r.home_id, r.worker_id))

    def _covered(self, h: str, d: int, s: Shift, r: Role) -> tuple[int, int]:
        """Workers covering the shift's reported need and its chosen 1:1 stays: what each
        source asks less what it is left without (the rest cover the forecast)."""
        staff = self.built.staff
        key = (h, d, s, r)
        reported = self.ctx.demand[key].reported - self._on(staff.uncovered.get(key))
        chosen = len(self.at_home_on(h, d, s)) if r == Role.ONE_TO_ONE else 0
        return reported, chosen - self._on(staff.one_to_one_uncovered.get(key))

    def at_home_on(self, h: str, d: int, s: Shift) -> list[str]:
        """The requests met 1:1 at home `h` whose stay holds shift (d, s)."""
        date = self.ctx.dates[d]
        return [
            r
            for r, stay in self.stays.items()
            if stay.home == h and (date, s) in stay.shifts and self._on(self.built.beds.at_home[r])
        ]

    def covering(self) -> dict[tuple[str, int, Shift, Role], list[str]]:
        """The workers on each shift the plan covers."""
        on: dict[tuple[str, int, Shift, Role], list[str]] = defaultdict(list)
        for (w, h, d, s, r), var in self.built.staff.shifts.items():
            if self._on(var):
                on[h, d, s, r].append(w)
        return on

    # ------------------------------------------------------------------ isolation

    def placements(self) -> list[Placement]:
        ctx = self.ctx
        requests = {r.id: r for r in ctx.scenario.isolation_requests}
        rows = []
        for (r, f, d), var in self.built.beds.admit.items():
            if self._on(var):
                req = requests[r]
                admit = ctx.dates[d]
                wait = (admit - req.earliest).days
                why = req.reason or "cannot isolate safely"
                if wait:
                    why += f"; waited {count(wait, 'day')}: {self.causes.unplaced(req, d).text}"
                rows.append(
                    Placement(
                        request_id=r,
                        from_home=req.from_home or req.from_hospital,
                        facility_id=f,
                        admit_date=admit,
                        discharge_date=admit + dt.timedelta(days=stay_days(ctx, req)),
                        wait_days=wait,
                        reason=f"{why}; {f} takes {req.need}",
                    )
                )
        rows += [
            self._at_home(requests[r]) for r, v in self.built.beds.at_home.items() if self._on(v)
        ]
        return sorted(rows, key=lambda p: (p.admit_date, p.request_id))

    def _at_home(self, req: IsolationRequest) -> Placement:
        """A request met 1:1 at its own home, saying why no bed was taken and what the stay
        costs in 1:1 shifts."""
        stay = self.stays[req.id]
        staff = self.built.staff
        shifts = len(stay.shifts)
        gaps = {
            (h, self.ctx.day(d), s, r): self._on(
                staff.one_to_one_uncovered[h, self.ctx.day(d), s, r]
            )
            for h, d, s, r in stay.cover_keys()
        }
        open_note = (
            f", {count(sum(gaps.values()), 'shift')} of the home's left open"
            if any(gaps.values())
            else ""
        )
        bed = self.causes.unplaced(req).text
        return Placement(
            request_id=req.id,
            from_home=req.from_home,
            mode=PlacementMode.ONE_TO_ONE,
            facility_id=AT_HOME,
            admit_date=stay.first,
            discharge_date=stay.end,
            wait_days=(stay.first - req.earliest).days,
            reason=f"{req.reason or 'cannot isolate safely'}; 1:1 at home instead of a bed "
            f"({bed}); costs {count(shifts, '1:1 shift')}{open_note}",
        )

    # ------------------------------------------------------------------ unmet

    def unmet(self, placements: list[Placement]) -> list[UnmetNeed]:
        return sorted(
            self._untested() + self._uncovered() + self._unplaced(placements), key=unmet_order
        )

    def _untested(self) -> list[UnmetNeed]:
        rows = []
        for w, var in self.built.tests.short.items():
            if n := self._on(var):
                kind = (
                    UnmetKind.OUTBREAK_TEST
                    if w.kind == WindowKind.OUTBREAK
                    else UnmetKind.COHORT_TEST
                )
                rows.append(
                    UnmetNeed(
                        date=w.due,
                        home_id=w.home,
                        kind=kind,
                        detail=f"{w.cohort}: {w.label}",
                        amount=n,
                        risk=self.ctx.risk.score(w.home, self.ctx.dates[w.last]),
                        **cause_fields(self.causes.untested(w)),
                    )
                )
        return rows

    def _uncovered(self) -> list[UnmetNeed]:
        rows = []
        staff = self.built.staff
        for source, slacks in (
            (ShiftSource.REPORTED, staff.uncovered),
            (ShiftSource.FORECAST, staff.forecast_uncovered),
            (ShiftSource.ONE_TO_ONE, staff.one_to_one_uncovered),
        ):
            for (h, d, s, r), var in slacks.items():
                if n := self._on(var):
                    assumption = self.ctx.demand[h, d, s, r].assumption
                    forecast = f"; forecast: {assumption}" if source == ShiftSource.FORECAST else ""
                    if source == ShiftSource.ONE_TO_ONE:
                        forecast = f"; 1:1 at home for {', '.join(self.at_home_on(h, d, s))}"
                    rows.append(
                        UnmetNeed(
                            date=self.ctx.dates[d],
                            home_id=h,
                            kind=UnmetKind.SHIFT,
                            detail=f"{s} shift, {r}{forecast}",
                            amount=n,
                            risk=self.ctx.risk.score(h, self.ctx.dates[d]),
                            source=source,
                            **cause_fields(self.causes.uncovered(h, d, s, r)),
                        )
                    )
        return rows

    def _unplaced(self, placements: list[Placement]) -> list[UnmetNeed]:
        rows = []
        waited = {p.request_id: p for p in placements}
        for req in self.ctx.scenario.isolation_requests:
            placed = waited.get(req.id)
            if placed is not None and not placed.wait_days:
                continue
            if placed is None:
                cause = self.causes.unplaced(req)
                kind, amount, detail = UnmetKind.ISOLATION, 1, f"{req.id} ({req.need}) not placed"
            else:
                cause = self.causes.unplaced(req, self.ctx.day(placed.admit_date))
                kind, amount = UnmetKind.ISOLATION_WAIT, placed.wait_days
                detail = f"{req.id} ({req.need}) waited until {placed.admit_date}"
            rows.append(
                UnmetNeed(
                    date=req.earliest,
                    home_id=req.from_home,
                    kind=kind,
                    detail=detail,
                    amount=amount,
                    risk=request_risk(self.ctx, req),
                    **cause_fields(cause),
                )
            )
        return rows


def _stays(ctx: Context, worker: Worker) -> str:
    """Whether the worker stays at the home: their pool may move between homes."""
    if one_home(ctx, worker):
        return "stays for the horizon"
    return f"may move to another home after {count(ctx.policy.quarantine_days, 'day')} away"


def unmet_order(u: UnmetNeed) -> tuple[object, ...]:
    """Unmet rows by day, riskiest first."""
    return (u.date, -u.risk, u.home_id or "", u.kind, u.detail)


def cause_fields(cause: Cause) -> dict[str, Any]:
    """An unmet row's cause columns: structured fields, lists joined for one CSV cell."""
    return {
        "cause_family": cause.family,
        "cause_resource": cause.resource,
        "cause": cause.text,
        "cause_rule": cause.rule,
        "cause_date": cause.date,
        "binding": " ".join(cause.binding),
        "next_in_line": ",".join(cause.next_in_line),
        "blocked": " ".join(cause.blocked),
        "remedy": cause.remedy,
    }


def kpis_of(built: BuiltModel, plan: Plan) -> dict[str, float]:
    """Headline numbers: shares of need met, waiting, and how much capacity was used.

    Risk-weighted coverage is the share of need met when each person to test, each short
    shift and each isolation request counts its home's risk score: the one number that says
    how well a plan spends scarce resources on the homes that need them most.
    """
    ctx = built.ctx

    def pct(part: float, whole: float) -> float:
        return round(100.0 * part / whole, 1) if whole else 100.0

    def covered(kind: WindowKind) -> tuple[int, int]:
        wins = [w for w in built.tests.windows if w.kind == kind]
        unmet = unmet_by_kind[_UNMET_OF[kind]]
        return sum(w.size for w in wins) - unmet, sum(w.size for w in wins)

    unmet_by_kind = {kind: 0 for kind in UnmetKind}
    for u in plan.unmet:
        unmet_by_kind[u.kind] += u.amount
    shortfall = sum(need.reported for need in ctx.demand.values())
    forecast = sum(need.forecast for need in ctx.demand.values())
    filled = sum(1 for a in plan.shifts if a.source == ShiftSource.REPORTED)
    capacity = sum(daily(s.capacity, d) for s in ctx.scenario.test_sites for d in range(ctx.days))
    requests = len(ctx.scenario.isolation_requests)
    waits = [p.wait_days for p in plan.placements]
    retest_done, retest_all = covered(WindowKind.RETEST)
    outbreak_done, outbreak_all = covered(WindowKind.OUTBREAK)
    weighted_need = _risk_weighted_need(built) + _one_to_one_need(plan)
    weighted_unmet = sum(u.risk * u.amount for u in plan.unmet if u.kind in _NEED_KINDS)
    return {
        "risk_weighted_coverage_pct": pct(weighted_need - weighted_unmet, weighted_need),
        "cohort_tests_in_interval_pct": pct(retest_done, retest_all),
        "outbreak_tests_in_window_pct": pct(outbreak_done, outbreak_all),
        "shortfall_shifts_filled_pct": pct(filled, shortfall),
        "isolation_requests_placed_pct": pct(len(plan.placements), requests),
        "isolation_mean_wait_days": round(sum(waits) / len(waits), 2) if waits else 0.0,
        "tests_booked": float(sum(t.tests for t in plan.testing)),
        "test_capacity_used_pct": pct(sum(t.tests for t in plan.testing), capacity),
        "workers_deployed": float(len({s.worker_id for s in plan.shifts})),
        "shifts_short": float(shortfall),
        "shifts_filled": float(filled),
        **{f"shifts_filled_{pool}": float(n) for pool, n in shifts_by_pool(plan).items()},
        "forecast_shifts_short": float(forecast),
        "forecast_shifts_filled": float(len(plan.shifts) - filled),
        **{f"unmet_{kind}": float(unmet_by_kind[kind]) for kind in _NEED_KINDS},
    }


def shifts_by_pool(plan: Plan) -> dict[WorkerKind, int]:
    """Shifts covered by each pool's workers, every pool named (0 where none): which
    shortfalls the bank covers and which the NHS, the agencies and the recruits do."""
    counts = dict.fromkeys(WorkerKind, 0)
    for a in plan.shifts:
        counts[a.pool] += 1
    return counts


def _risk_weighted_need(built: BuiltModel) -> int:
    """Every need the plan could meet, each unit weighted by the risk its unmet row carries."""
    ctx = built.ctx
    tests = sum(ctx.risk.score(w.home, ctx.dates[w.last]) * w.size for w in built.tests.windows)
    shifts = sum(
        ctx.risk.score(h, ctx.dates[d]) * need.workers
        for (h, d, _s, _r), need in ctx.demand.items()
        if 0 <= d < ctx.days
    )
    requests = sum(request_risk(ctx, r) for r in ctx.scenario.isolation_requests)
    return tests + shifts + requests


def _one_to_one_need(plan: Plan) -> int:
    """The 1:1 shifts of the stays at home the plan chose, covered or left open, each
    weighted by its home's risk: a need only the plan's own choice creates, which tier 1
    prices like a reported shift, so coverage counts it as need too."""
    covered = sum(a.risk for a in plan.shifts if a.source == ShiftSource.ONE_TO_ONE)
    left_open = sum(
        u.risk * u.amount
        for u in plan.unmet
        if u.kind == UnmetKind.SHIFT and u.source == ShiftSource.ONE_TO_ONE
    )
    return covered + left_open


def daily_kpis(built: BuiltModel, plan: Plan) -> list[DayKpis]:
    """Each horizon day's needs and what the plan met of them, for coverage over time."""
    ctx = built.ctx
    due: dict[dt.date, int] = defaultdict(int)
    for w in built.tests.windows:
        due[w.due] += w.size
    untested: dict[dt.date, int] = defaultdict(int)
    uncovered: dict[dt.date, int] = defaultdict(int)
    for u in plan.unmet:
        if u.kind in (UnmetKind.COHORT_TEST, UnmetKind.OUTBREAK_TEST):
            untested[u.date] += u.amount
        elif u.kind == UnmetKind.SHIFT:
            uncovered[u.date] += u.amount
    short: dict[dt.date, int] = defaultdict(int)
    for (_h, d, _s, _r), workers in ctx.short_workers().items():
        short[ctx.dates[0] + dt.timedelta(days=d)] += workers
    booked: dict[dt.date, int] = defaultdict(int)
    for t in plan.testing:
        booked[t.date] += t.tests
    beds: dict[dt.date, int] = defaultdict(int)
    for p in plan.placements:
        day = p.admit_date
        while day < p.discharge_date:
            beds[day] += 1
            day += dt.timedelta(days=1)
    return [
        DayKpis(
            date=d,
            tests_due=due[d],
            tests_due_met=due[d] - untested[d],
            shifts_short=short[d],
            shifts_filled=short[d] - uncovered[d],
            tests_booked=booked[d],
            isolation_beds_used=beds[d],
        )
        for d in ctx.dates
    ]


_NEED_KINDS = (
    UnmetKind.COHORT_TEST,
    UnmetKind.OUTBREAK_TEST,
    UnmetKind.SHIFT,
    UnmetKind.ISOLATION,
)
_UNMET_OF = {WindowKind.RETEST: UnmetKind.COHORT_TEST, WindowKind.OUTBREAK: UnmetKind.OUTBREAK_TEST}
