"""From solver values to a `Plan`: every allocation with its reason, every unmet need with
its cause, and the KPIs a planner reads first (`kpis`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from constraints.build import BuiltModel
from constraints.context import Context
from constraints.isolation import stay_days, swab_day
from constraints.staffing import is_new_home, one_home, test_cohort
from scenarios.one_to_one import home_stays
from scenarios.schema import (
    AT_HOME,
    Cohort,
    IsolationRequest,
    Role,
    Shift,
    Worker,
)
from scenarios.windows import CoverWindow, WindowKind
from scenarios.words import count
from scheduler.extract.causes import CauseFinder, UnexplainedCauses
from scheduler.extract.extraction_ppe import PpeExtractor
from scheduler.extract.kpis import daily_kpis, kpis_of
from scheduler.extract.rooms import room_rows
from scheduler.extract.unmet_rows import UnmetRows, cause_fields, unmet_order
from scheduler.extract.visits import visit_rows
from scheduler.plan import (
    Placement,
    PlacementMode,
    Plan,
    ShiftAssignment,
    ShiftSource,
    Summary,
    TestBooking,
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
    ppe = PpeExtractor(built, values, extractor.causes.ppe, cause_fields)
    unmet = (
        UnmetRows(built, values, extractor.causes, extractor.at_home_on).rows(placements)
        + [row.model_copy(update=cause_fields(cause)) for row, cause in rooms.unmet + visits.unmet]
        + ppe.unmet()
    )
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
        ppe_drops=ppe.drops(),
        ppe_stock=ppe.stock(),
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


def _stays(ctx: Context, worker: Worker) -> str:
    """Whether the worker stays at the home: their pool may move between homes."""
    if one_home(ctx, worker):
        return "stays for the horizon"
    return f"may move to another home after {count(ctx.policy.quarantine_days, 'day')} away"
