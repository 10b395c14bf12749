"""The numbers a planner reads first: the plan's headline KPIs and its needs and what it
met of them day by day, read from the plan's tables and the model's needs (so that a plan
merged from parts is measured the same way as one planned whole)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from constraints.build import BuiltModel
from constraints.isolation import request_risk
from scenarios.schema import WorkerKind, daily
from scenarios.windows import WindowKind
from scheduler.plan import DayKpis, Plan, ShiftSource, UnmetKind


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
