"""The shifts a round of staff testing is expected to empty: positives sent home to isolate
open rota gaps the staff bank must cover, so the plan forecasts them as shortfalls next to
the ones homes report.

Computed before the solve, from the staff test rounds the plan must book anyway (the due
cover windows of `scenarios.windows`), rather than linked to the booked test variables:
expected positives depend on how many are tested, not on which day or site, so the forecast
stays a constant demand (the model stays linear and the pattern path's cover rows keep
their shape), is the same whatever the solver does (deterministic), and the validator and
the tables re-derive it from the scenario alone. Each round is counted at its window's
last day (the latest the plan may swab it) with the fastest result a site that may test
it gives; a plan that swabs earlier moves the absences earlier by at most the window.

Expected shifts are whole workers only after rounding: per home, the expected shifts of
every cell (date, shift) are summed, the total rounded half up, each cell given its whole
part and the units left over given to the cells with the largest remainders (earlier days
first on ties), so a home's forecast total matches its expected total.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, replace

from scenarios.one_to_one import one_to_one_demand
from scenarios.schema import (
    SHIFTS,
    Cohort,
    Home,
    OutbreakStatus,
    Role,
    Scenario,
    Shift,
)
from scenarios.turnaround import days_to_result
from scenarios.windows import CoverWindow, cover_windows

FORECAST_COHORTS: tuple[Cohort, ...] = (Cohort.STAFF, Cohort.AGENCY)
"""The cohorts who work a home's shifts."""

ShiftKey = tuple[str, dt.date, Shift, Role]
"""(home, date, shift, role)."""


@dataclass(frozen=True)
class AbsenceRound:
    """A round of `size` of a home's `cohort` swabbed on `swab`, `positivity` of them
    expected positive on `result` and off for `days_off` days."""

    home: str
    cohort: Cohort
    size: int
    positivity: float
    swab: dt.date
    result: dt.date
    days_off: int

    @property
    def positives(self) -> float:
        return self.positivity * self.size

    @property
    def assumption(self) -> str:
        """`2% of 40 staff tested 2020-05-04, result 2020-05-06, 10 days off`."""
        who = "agency staff" if self.cohort == Cohort.AGENCY else str(self.cohort)
        return (
            f"{self.positivity * 100:g}% of {self.size} {who} tested {self.swab}, "
            f"result {self.result}, {self.days_off} days off"
        )


@dataclass(frozen=True)
class ShiftDemand:
    """Workers a home needs on one shift: `reported` by the home, `forecast` from its test
    rounds (`assumption` says which)."""

    reported: int = 0
    forecast: int = 0
    assumption: str = ""
    one_to_one: int = 0
    """The most 1:1 workers the shift may need: the stays at home (`scenarios.one_to_one`)
    it falls in. Only those the plan chooses are needed, so it is not part of `workers`."""

    @property
    def workers(self) -> int:
        """The fixed demand: reported and forecast."""
        return self.reported + self.forecast


def positivity(scenario: Scenario, home: Home, cohort: Cohort) -> float:
    """Expected share positive of a round of `cohort` at `home`: the home's own figure, else
    the policy's, its outbreak figure at a home reporting an outbreak."""
    policy = scenario.policy.absence_forecast
    rates = home.positivity
    if rates is None and home.outbreak.status != OutbreakStatus.NONE:
        rates = policy.outbreak_positivity
    return (rates or policy.positivity).for_cohort(cohort)


def absence_rounds(scenario: Scenario) -> list[AbsenceRound]:
    """Every staff and agency round due in the horizon with a positivity above 0 and a site
    that may test it. A window sharing days with one already counted for the same cohort
    can be met by the same swabs, so it adds no round (outbreak rounds count first)."""
    windows = sorted(
        (w for w in cover_windows(scenario) if w.cohort in FORECAST_COHORTS),
        key=lambda w: (w.home, w.cohort, w.kind == "retest", w.last),
    )
    homes = {h.id: h for h in scenario.homes}
    counted: dict[tuple[str, Cohort], list[CoverWindow]] = defaultdict(list)
    rounds = []
    for w in windows:
        home = homes[w.home]
        rate = positivity(scenario, home, w.cohort)
        wait = _fastest_result(scenario, home, w.cohort)
        earlier = counted[w.home, w.cohort]
        if rate <= 0 or wait is None or any(_overlap(w, c) for c in earlier):
            continue
        earlier.append(w)
        swab = scenario.horizon.start + dt.timedelta(days=w.last)
        rounds.append(
            AbsenceRound(
                home=w.home,
                cohort=w.cohort,
                size=w.size,
                positivity=rate,
                swab=swab,
                result=swab + dt.timedelta(days=wait),
                days_off=scenario.policy.absence_forecast.isolation_days,
            )
        )
    return sorted(rounds, key=lambda r: (r.home, r.swab, r.cohort))


def _overlap(a: CoverWindow, b: CoverWindow) -> bool:
    return a.first <= b.last and b.first <= a.last


def _fastest_result(scenario: Scenario, home: Home, cohort: Cohort) -> int | None:
    """Days to the quickest result of a site that may test the home's cohort (None: none)."""
    percentile = scenario.policy.result_percentile
    waits = [
        days_to_result(site, percentile)
        for site in scenario.test_sites
        if site.accepts(cohort, home.type) and site.serves(home.authority)
    ]
    return min(waits, default=None)


def forecast_shortfalls(scenario: Scenario) -> dict[ShiftKey, ShiftDemand]:
    """Whole forecast workers per (home, date, shift, role) inside the horizon, each naming
    the rounds it comes from; rounded per home by largest remainders (module docstring)."""
    policy = scenario.policy.absence_forecast
    share = {Shift.DAY: 1.0 - policy.night_share, Shift.NIGHT: policy.night_share}
    per_day = policy.shifts_per_week / 7.0
    horizon = set(scenario.horizon.dates)
    expected: dict[str, dict[tuple[dt.date, Shift], float]] = defaultdict(dict)
    why: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
    for r in absence_rounds(scenario):
        assumption = r.assumption
        for i in range(r.days_off):
            day = r.result + dt.timedelta(days=i)
            if day not in horizon:
                continue
            why[r.home, day].append(assumption)
            for shift in SHIFTS:
                cells = expected[r.home]
                cells[day, shift] = (
                    cells.get((day, shift), 0.0) + r.positives * per_day * (share[shift])
                )
    forecast = {}
    for home, cells in expected.items():
        for (day, shift), workers in _largest_remainder(cells).items():
            if workers > 0:
                assumption = "; ".join(why[home, day])
                forecast[home, day, shift, policy.role] = ShiftDemand(
                    forecast=workers, assumption=assumption
                )
    return forecast


def _largest_remainder(
    cells: dict[tuple[dt.date, Shift], float],
) -> dict[tuple[dt.date, Shift], int]:
    """Whole numbers summing to the cells' total rounded half up, each within 1 of its
    cell's expected value."""
    total = math.floor(sum(cells.values()) + 0.5)
    whole = {c: math.floor(v) for c, v in cells.items()}
    order = sorted(cells, key=lambda c: (-(cells[c] - whole[c]), c[0], SHIFTS.index(c[1])))
    for c in order[: max(0, total - sum(whole.values()))]:
        whole[c] += 1
    return whole


def shift_demand(scenario: Scenario) -> dict[ShiftKey, ShiftDemand]:
    """Every shift a home needs workers on: its reported shortfalls, its forecast and the
    1:1 shifts its residents' stays at home may need (after the others), one
    entry per (home, date, shift, role), homes in the scenario's order, each home's
    reported shifts as listed and then its forecast ones by date (the model's order)."""
    forecast = forecast_shortfalls(scenario)
    by_home: dict[str, list[ShiftKey]] = defaultdict(list)
    for k in forecast:
        by_home[k[0]].append(k)
    demand: dict[ShiftKey, ShiftDemand] = {}
    for home in scenario.homes:
        for sf in home.shortfalls:
            k = (home.id, sf.date, sf.shift, sf.role)
            was = demand.get(k) or forecast.get(k, ShiftDemand())
            demand[k] = ShiftDemand(was.reported + sf.workers, was.forecast, was.assumption)
        demand.update((k, forecast[k]) for k in by_home[home.id] if k not in demand)
    for k, n in one_to_one_demand(scenario).items():
        demand[k] = replace(demand.get(k, ShiftDemand()), one_to_one=n)
    return demand
