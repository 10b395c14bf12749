"""What every rule family needs to know about a scenario, computed once.

The context holds lookups (homes by id, day indices, risk scores) and the one resource the
families share: test-site slots. Testing, staffing (pre-deployment tests) and isolation
(pre-admission tests) all book slots; `testing.add_site_capacity` then caps each site-day
over every booking, whichever family made it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from constraints import domain
from constraints.model import Model, Var
from scenarios.absences import ShiftDemand, shift_demand
from scenarios.risk import RiskTable
from scenarios.schema import (
    Cohort,
    Home,
    HomeType,
    IsolationRequest,
    Policy,
    Role,
    Scenario,
    Shift,
    TestSite,
    daily,
)
from scenarios.turnaround import days_to_result

SiteDay = tuple[TestSite, int]
"""A test site and a day index it has slots on."""


@dataclass(frozen=True, slots=True)
class SlotBooking:
    """`var` tests of `cohort` at `site` on day index `day`, for `home` when it is a home's."""

    var: Var
    site: str
    day: int
    cohort: Cohort
    home: str | None = None


@dataclass
class Context:
    scenario: Scenario
    model: Model
    risk: RiskTable
    homes: dict[str, Home] = field(init=False)
    sites: dict[str, TestSite] = field(init=False)
    dates: list[dt.date] = field(init=False)
    agency_homes: dict[str, frozenset[str]] = field(init=False)
    """Agency id -> the homes it supplies."""
    demand: dict[tuple[str, int, Shift, Role], ShiftDemand] = field(init=False)
    """Workers each home needs, reported and forecast, by (home, day index, shift, role)
    (`scenarios.absences`)."""
    bookings: list[SlotBooking] = field(default_factory=list)
    _site_days: dict[tuple[Cohort, HomeType | None, str | None], tuple[SiteDay, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """`site_days` by its arguments: building, the greedy and the causes of unmet need ask
    the same question for every worker and home, tens of thousands of times."""
    _result_days: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.homes = {h.id: h for h in self.scenario.homes}
        self.sites = {s.id: s for s in self.scenario.test_sites}
        self.dates = self.scenario.horizon.dates
        self.agency_homes = {a.id: frozenset(a.homes) for a in self.scenario.agencies}
        self.demand = {
            (h, self.day(date), s, r): need
            for (h, date, s, r), need in shift_demand(self.scenario).items()
        }

    @property
    def policy(self) -> Policy:
        return self.scenario.policy

    @property
    def days(self) -> int:
        return len(self.dates)

    def day(self, date: dt.date) -> int:
        """Day index of `date`; may be negative or past the horizon for derived dates."""
        return (date - self.dates[0]).days

    def short_workers(self) -> dict[tuple[str, int, Shift, Role], int]:
        """Workers each home is short of, reported and forecast, by (home, day index, shift,
        role): what deployment heuristics fill down and what a plan's shifts are reported
        against."""
        return {k: need.workers for k, need in self.demand.items()}

    def result_days(self, site: TestSite) -> int:
        """Days from a swab at `site` to its result, at the policy's percentile."""
        days = self._result_days.get(site.id)
        if days is None:
            days = self._result_days[site.id] = days_to_result(site, self.policy.result_percentile)
        return days

    def need_price(self, price: int, day: int) -> int:
        """A unit of unmet need on day index `day` at its risk-weighted `price`, times the
        policy's day weighting (`DayWeighting`): every family's tier-1 term reads this one
        price, so near days outweigh later ones alike in testing, staffing and isolation."""
        return price * self.policy.objective.day_weighting.weight(day)

    def site_days(
        self, cohort: Cohort, home_type: HomeType | None = None, authority: str | None = None
    ) -> tuple[SiteDay, ...]:
        """Every (site, day) serving `authority` that may test `cohort` (of a home of
        `home_type`) with capacity."""
        key = (cohort, home_type, authority)
        found = self._site_days.get(key)
        if found is None:
            found = self._site_days[key] = tuple(
                (site, d)
                for site in self.scenario.test_sites
                if domain.site_accepts(site, cohort, home_type)
                and domain.site_serves(site, authority)
                for d in range(self.days)
                if domain.past_lead_time(site, d) and daily(site.capacity, d) > 0
            )
        return found

    def request_authority(self, request: IsolationRequest) -> str | None:
        return request.authority_in(self.homes)

    def book(self, booking: SlotBooking) -> None:
        self.bookings.append(booking)

    def bookings_by_site_day(self) -> dict[tuple[str, int], list[SlotBooking]]:
        grouped: dict[tuple[str, int], list[SlotBooking]] = defaultdict(list)
        for b in self.bookings:
            grouped[b.site, b.day].append(b)
        return grouped
