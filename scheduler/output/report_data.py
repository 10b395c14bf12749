"""What the Excel workbook and the HTML report both show, computed once from a plan.

The workbook and the report must never disagree (a coordinator reads one, a manager the
other), so the labels, grids and bed occupancy they show are derived here and nowhere else.
Tables themselves come from `scheduler.output.tables.plan_tables`, the same frames as the CSVs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pydantic import BaseModel, ConfigDict

from scenarios.risk import RiskParts
from scenarios.schema import Scenario, daily
from scheduler.plan import Plan

KPI_LABELS: dict[str, tuple[str, str]] = {
    "risk_weighted_coverage_pct": ("risk-weighted coverage of need", "%"),
    "cohort_tests_in_interval_pct": ("cohort tests within retest interval", "%"),
    "outbreak_tests_in_window_pct": ("outbreak whole-home tests in window", "%"),
    "shortfall_shifts_filled_pct": ("shortfall shifts filled", "%"),
    "isolation_requests_placed_pct": ("isolation requests placed", "%"),
    "isolation_mean_wait_days": ("isolation mean wait", "days"),
    "tests_booked": ("tests booked", "tests"),
    "test_capacity_used_pct": ("test capacity used", "%"),
    "workers_deployed": ("bank workers deployed", "workers"),
    "shifts_short": ("shifts short", "shifts"),
    "shifts_filled": ("shifts filled", "shifts"),
    "unmet_cohort_test": ("people not tested within retest interval", "people"),
    "unmet_outbreak_test": ("people not tested in outbreak window", "people"),
    "unmet_shift": ("shifts left uncovered", "shifts"),
    "unmet_isolation": ("isolation requests not placed", "requests"),
}
"""Planner-facing label and unit of each `Summary.kpis` key; an unknown key is shown with
its own name, so a KPI added to the solver is never silently dropped from a report."""


def kpi_label(key: str) -> tuple[str, str]:
    return KPI_LABELS.get(key, (key.replace("_", " "), ""))


def kpi_decimals(key: str) -> int:
    """The precision a KPI has: shares to 0.1, waits to 0.01, counts whole."""
    unit = kpi_label(key)[1]
    return 1 if unit == "%" else 2 if unit == "days" else 0


def format_kpi(key: str, value: float) -> str:
    """The one way a KPI value is printed, to its precision (`kpi_decimals`)."""
    unit = kpi_label(key)[1]
    text = f"{value:,.{kpi_decimals(key)}f}"
    return f"{text} {unit}" if unit in ("%", "days") else text


def horizon_dates(scenario: Scenario) -> list[dt.date]:
    return scenario.horizon.dates


class StaffGrid(BaseModel):
    """A rota as coordinators read it: one row per worker, one column per date, each cell
    "home shift" (e.g. "h2 night"); several shifts in a day are joined by "; "."""

    model_config = ConfigDict(frozen=True)

    dates: list[dt.date]
    workers: list[tuple[str, str]]
    """(worker id, worker name), every worker of the scenario then any only in the plan."""
    cells: dict[tuple[str, dt.date], str]


def staff_grid(plan: Plan, scenario: Scenario) -> StaffGrid:
    workers = [(w.id, w.name) for w in scenario.workers]
    known = {w for w, _ in workers}
    workers += [(wid, "") for wid in sorted({s.worker_id for s in plan.shifts} - known)]
    parts: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
    for s in sorted(plan.shifts, key=lambda s: (s.date, s.shift != "day")):
        parts[(s.worker_id, s.date)].append(f"{s.home_id} {s.shift}")
    cells = {key: "; ".join(v) for key, v in parts.items()}
    return StaffGrid(dates=horizon_dates(scenario), workers=workers, cells=cells)


class TestsGrid(BaseModel):
    """Swabs booked for each home's cohorts per day; worker and admission tests (no home)
    are left out, as they are not a home's testing round."""

    __test__ = False  # not a pytest test class
    model_config = ConfigDict(frozen=True)

    dates: list[dt.date]
    homes: list[tuple[str, str]]
    """(home id, home name), every home of the scenario in file order."""
    tests: dict[tuple[str, dt.date], int]

    def total(self, home_id: str) -> int:
        return sum(n for (h, _), n in self.tests.items() if h == home_id)


def tests_grid(plan: Plan, scenario: Scenario) -> TestsGrid:
    tests: dict[tuple[str, dt.date], int] = defaultdict(int)
    for t in plan.testing:
        if t.home_id is not None:
            tests[(t.home_id, t.date)] += t.tests
    return TestsGrid(
        dates=horizon_dates(scenario),
        homes=[(h.id, h.name) for h in scenario.homes],
        tests=dict(tests),
    )


class FacilityDays(BaseModel):
    """Beds in use and beds available at one isolation facility, one value per horizon
    day. A stay holds a bed from its admit date up to the day before its discharge."""

    model_config = ConfigDict(frozen=True)

    facility_id: str
    name: str
    used: list[int]
    capacity: list[int]


def bed_occupancy(plan: Plan, scenario: Scenario) -> list[FacilityDays]:
    dates = horizon_dates(scenario)
    index = {d: i for i, d in enumerate(dates)}
    result = []
    for f in scenario.isolation_facilities:
        used = [0] * len(dates)
        for p in plan.placements:
            if p.facility_id != f.id:
                continue
            day = p.admit_date
            while day < p.discharge_date:
                if day in index:
                    used[index[day]] += 1
                day += dt.timedelta(days=1)
        capacity = [daily(f.beds, i) for i in range(len(dates))]
        result.append(FacilityDays(facility_id=f.id, name=f.name, used=used, capacity=capacity))
    return result


def latest_risk(plan: Plan) -> list[RiskParts]:
    """Each home's score on the last day the plan scores it, highest first.

    The score only grows over a horizon (days since test and shortfalls accumulate), so
    the last day is the one a planner acts on; all days are in the workbook's Risk sheet.
    """
    latest: dict[str, RiskParts] = {}
    for r in plan.risk:
        if r.home_id not in latest or r.date > latest[r.home_id].date:
            latest[r.home_id] = r
    return sorted(latest.values(), key=lambda r: (-r.score, r.home_id))
