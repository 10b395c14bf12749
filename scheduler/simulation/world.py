"""The simulated city: every home's epidemic, what the planner is told of it, and what the
plan's decisions do to it, one day at a time.

`World.scenario_for(first, days)` is the scenario a planner would write on day `first`
from what it can see: outbreaks confirmed by tests (and deaths), shortfalls grown by staff
off sick, isolation requests for detected residents of homes that cannot isolate them,
beds already occupied, each worker's last home and negative test, each cohort's last
whole test. Days beyond the base scenario's horizon repeat its days in turn (shortfalls,
availability, capacities), so a 14-day example can be simulated for six weeks.
`World.apply_day(plan, day)` then carries out that day of the plan (swabs, shifts,
admissions) and steps every home's epidemic (`scheduler.simulation.epidemic`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from scenarios.history import carried, lookback_days
from scenarios.schema import (
    Availability,
    Cohort,
    Home,
    Horizon,
    LastTested,
    Outbreak,
    Pins,
    Policy,
    RecentShift,
    Role,
    Scenario,
    Shift,
    Shortfall,
    Worker,
    daily,
)
from scenarios.turnaround import days_to_result
from scheduler.plan import Plan
from scheduler.simulation import epidemic as ep
from scheduler.simulation.cycle import capacity_on, ppe_on, room_requests_on
from scheduler.simulation.reports import Reports
from scheduler.simulation.workers import WorkerState


@dataclass
class DayOutcome:
    date: dt.date
    resident_infections: int
    staff_infections: int
    worker_infections: int
    """Planned (bank, NHS, agency) workers infected so far."""
    introductions: int
    deaths: int
    staff_off: int
    shifts_short: int
    shifts_uncovered: int
    requests_waiting: int


@dataclass
class Arrivals:
    """Who came to work where on a day: shifts filled by (home, shift, role); planned
    workers entering each home, and among them those infectious at work who caught it
    elsewhere (`carriers`) or at that home (`local`)."""

    filled: Counter[tuple[str, Shift, Role]] = field(default_factory=Counter)
    entering: Counter[str] = field(default_factory=Counter)
    carriers: Counter[str] = field(default_factory=Counter)
    local: Counter[str] = field(default_factory=Counter)


def sick_shortfalls(
    day: dt.date, extra: int, short: Counter[tuple[Shift, Role]] | None = None
) -> list[Shortfall]:
    """A home's shortfalls on `day`: those already `short`, plus `extra` carer shifts a day
    left by staff off sick, split between day and night (the day first: a home covers its
    days before its nights)."""
    short = Counter(short or {})
    short[Shift.DAY, Role.CARER] += (extra + 1) // 2
    short[Shift.NIGHT, Role.CARER] += extra // 2
    return [
        Shortfall(date=day, shift=s, role=r, workers=n)
        for (s, r), n in sorted(short.items())
        if n > 0
    ]


class World:
    def __init__(self, base: Scenario, seed: int) -> None:
        self.base = base
        self.p = base.simulation
        self.start = base.horizon.start
        self.homes: dict[str, ep.HomeState] = {}
        self.rng: dict[str, np.random.Generator] = {}
        self.reports = Reports(base)
        requests_from: Counter[str] = Counter(
            r.from_home for r in base.isolation_requests if r.from_home is not None
        )
        for k, home in enumerate(base.homes):
            rng = np.random.default_rng([seed, k])  # per home: common random numbers
            self.rng[home.id] = rng
            self.homes[home.id] = self._initial(home, requests_from[home.id], rng)
        self.last_tested = {
            h.id: {c: h.last_tested.for_cohort(c) for c in (Cohort.STAFF, Cohort.RESIDENTS)}
            for h in base.homes
        }
        self.tested_since: Counter[tuple[str, Cohort]] = Counter()
        self.workers = {
            w.id: WorkerState(
                w.home_history, w.last_negative_test, np.random.default_rng([seed, 1, k])
            )
            for k, w in enumerate(base.workers)
        }
        self.occupied: Counter[tuple[str, dt.date]] = Counter()
        self.outcomes: list[DayOutcome] = []
        self.initial_infected = {
            h: (s.residents.infected, s.staff.infected) for h, s in self.homes.items()
        }

    def _initial(self, home: Home, requests: int, rng: np.random.Generator) -> ep.HomeState:
        o = home.outbreak
        known_r = min(o.resident_cases, home.residents)
        known_s = min(o.staff_cases, home.staff)
        waiting = min(requests, max(0, known_r - home.can_isolate))
        residents = ep.Group(
            susceptible=home.residents - known_r,
            isolated=known_r - waiting,
            waiting=waiting,
            infected=known_r,
        )
        staff = ep.Group(susceptible=home.staff - known_s, isolated=known_s, infected=known_s)
        state = ep.HomeState(
            residents, staff, home.can_isolate, self.p.death_rate.get(home.type, 0.0)
        )
        for _ in range(round(self.p.hidden_per_known_case * (known_r + known_s))):
            if not ep.expose(state, rng):
                break
        return state

    # ------------------------------------------------------------------ the planner's view

    def base_day(self, day: dt.date) -> int:
        """The base scenario's horizon day that `day` repeats."""
        return (day - self.start).days % self.base.horizon.days

    def sick_cover(self, home_id: str) -> int:
        """Extra carer shifts a day the home is short: staff off x share on duty."""
        return round(self.homes[home_id].staff_off * self.p.staff_on_duty)

    def shortfalls(self, home_id: str, day: dt.date, extra: int) -> list[Shortfall]:
        """The base shortfalls `day` repeats, plus `extra` carer shifts (day first)."""
        base_date = self.start + dt.timedelta(days=self.base_day(day))
        short: Counter[tuple[Shift, Role]] = Counter()
        home = next(h for h in self.base.homes if h.id == home_id)
        for sf in home.shortfalls:
            if sf.date == base_date:
                short[sf.shift, sf.role] += sf.workers
        return sick_shortfalls(day, extra, short)

    def reported(self, home: Home, first: dt.date) -> dt.date | None:
        """The home's report date for a plan starting on `first`: as many days behind as in
        the base scenario, so a home that reports late stays late in every re-plan."""
        if home.reported is None:
            return None
        return first - (self.start - home.reported)

    def scenario_for(self, first: dt.date, days: int) -> Scenario:
        """The base scenario as the world stands on `first`: what a planner would put in
        the morning's file for the next `days` days."""
        dates = [first + dt.timedelta(days=i) for i in range(days)]
        base = self.base
        homes = [self._home(h, first, dates) for h in base.homes]
        sites = [
            s.model_copy(
                update={
                    "capacity": capacity_on(s.capacity, dates, self.base_day),
                    "lead_days": s.lead_days if first == self.start else 0,
                }
            )
            for s in base.test_sites
        ]
        facilities = [
            f.model_copy(
                update={
                    "beds": [
                        max(0, daily(f.beds, self.base_day(d)) - self.occupied[f.id, d])
                        for d in dates
                    ]
                }
            )
            for f in base.isolation_facilities
        ]
        workers = [self._worker(w, dates) for w in base.workers]
        hotels = [
            t.model_copy(update={"rooms": capacity_on(t.rooms, dates, self.base_day)})
            for t in base.staff_hotels
        ]
        requests = [
            w.request.model_copy(update={"earliest": max(first, w.request.earliest)})
            for w in self.reports.waiting.values()
            if w.request.earliest <= dates[-1]
        ]
        return base.model_copy(
            update={
                "name": f"{base.name} {first}",
                "horizon": Horizon(start=first, days=days),
                "homes": homes,
                "test_sites": sites,
                "workers": workers,
                "isolation_facilities": facilities,
                "isolation_requests": requests,
                "staff_hotels": hotels,
                "room_requests": room_requests_on(base, dates),
                "ppe": ppe_on(base, dates, self.base_day),
                "policy": self._policy(dates),
                "pins": Pins(),
            }
        )

    def _home(self, h: Home, first: dt.date, dates: list[dt.date]) -> Home:
        """The home as it reports on `first`: its living residents, its outbreak and its
        last tests as the world has them, and the shifts its sick staff leave short."""
        state, episode = self.homes[h.id], self.reports.episodes[h.id]
        extra = self.sick_cover(h.id)
        r = state.residents
        return h.model_copy(
            update={
                "residents": h.residents - r.dead - r.away,
                "outbreak": Outbreak(
                    status=episode.status,
                    since=episode.since,
                    resident_cases=episode.resident_cases,
                    staff_cases=episode.staff_cases,
                    deaths_7d=self.reports.deaths_in_week_before(h.id, first),
                ),
                "last_tested": LastTested(
                    staff=self.last_tested[h.id][Cohort.STAFF],
                    residents=self.last_tested[h.id][Cohort.RESIDENTS],
                    agency=h.last_tested.agency,
                ),
                "shortfalls": [sf for d in dates for sf in self.shortfalls(h.id, d, extra)],
                "reported": self.reported(h, first),
            }
        )

    def _policy(self, dates: list[dt.date]) -> Policy:
        """The policy with the transport's journeys for these dates (they vary by day)."""
        policy = self.base.policy
        if policy.transport is None:
            return policy
        journeys = capacity_on(policy.transport.journeys_per_day, dates, self.base_day)
        transport = policy.transport.model_copy(update={"journeys_per_day": journeys})
        return policy.model_copy(update={"transport": transport})

    def _worker(self, worker: Worker, dates: list[dt.date]) -> Worker:
        state = self.workers[worker.id]
        available = []
        for d in dates if not state.off else []:
            base_date = self.start + dt.timedelta(days=self.base_day(d))
            shifts = [s for s in (Shift.DAY, Shift.NIGHT) if worker.available_on(base_date, s)]
            if shifts:
                available.append(Availability.model_validate({"from": d, "shifts": shifts}))
        return worker.model_copy(
            update={
                "availability": available,
                "home_history": carried(
                    state.history, [], dates[0], lookback_days(self.base.policy)
                ),
                "last_negative_test": state.last_negative_test,
            }
        )

    # ------------------------------------------------------------------ a day of the plan

    def apply_day(self, plan: Plan, day: dt.date) -> DayOutcome:
        """Carry out `day` of `plan` and step every home's epidemic by one day."""
        for worker in self.workers.values():
            worker.new_day()
        arrivals = self._work_shifts(plan, day)
        short = uncovered = 0
        for h in self.homes:
            for sf in self.shortfalls(h, day, self.sick_cover(h)):
                short += sf.workers
                uncovered += max(0, sf.workers - arrivals.filled[h, sf.shift, sf.role])
        swabs = self._swab(plan, day)
        self._admit(plan, day)
        intros, deaths = self._step_homes(day, arrivals, swabs)
        for worker in self.workers.values():
            worker.step(self.p, day)
        outcome = DayOutcome(
            date=day,
            resident_infections=sum(s.residents.infected for s in self.homes.values()),
            staff_infections=sum(s.staff.infected for s in self.homes.values()),
            worker_infections=sum(w.infected for w in self.workers.values()),
            introductions=intros,
            deaths=deaths,
            staff_off=sum(s.staff_off for s in self.homes.values()),
            shifts_short=short,
            shifts_uncovered=uncovered,
            requests_waiting=self.reports.waiting_on(day),
        )
        self.outcomes.append(outcome)
        return outcome

    def _work_shifts(self, plan: Plan, day: dt.date) -> Arrivals:
        """The day's planned shifts, worked by everyone not off: each worker may catch the
        virus at the home, or bring it there."""
        forces = {h: ep.force(s, self.p) for h, s in self.homes.items()}
        arrivals = Arrivals()
        for a in plan.shifts:
            worker = self.workers[a.worker_id]
            if a.date != day or worker.off:  # off sick: the shift goes uncovered
                continue
            arrivals.filled[a.home_id, a.shift, a.role] += 1
            arrivals.entering[a.home_id] += 1
            if worker.carrying:
                local = worker.caught_at == a.home_id
                (arrivals.local if local else arrivals.carriers)[a.home_id] += 1
            else:
                worker.exposed_at(a.home_id, forces[a.home_id])
            worker.history = carried(
                worker.history,
                [RecentShift(date=day, shift=a.shift, home=a.home_id)],
                day + dt.timedelta(days=1),
                lookback_days(self.base.policy),
            )
        return arrivals

    def _swab(self, plan: Plan, day: dt.date) -> dict[str, list[tuple[str, int, int]]]:
        """The day's swabs: a worker's result is known to be negative unless it will come
        back positive; home cohorts' swabs, by home, as (cohort, tests, day index due)."""
        sites = {s.id: s for s in self.base.test_sites}
        t = (day - self.start).days
        swabs: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        for b in plan.testing:
            if b.date != day:
                continue
            turnaround = self.p.turnaround_days
            if turnaround is None:
                turnaround = days_to_result(sites[b.site_id], self.base.policy.result_percentile)
            worker = self.workers.get(b.worker_id or "")
            due = day + dt.timedelta(days=turnaround)
            if worker is not None and not worker.swabbed(self.p, due):
                worker.last_negative_test = day
            if b.home_id is None or b.cohort not in (Cohort.STAFF, Cohort.RESIDENTS):
                continue
            swabs[b.home_id].append((str(b.cohort), b.tests, t + turnaround))
            self._count_tests(b.home_id, b.cohort, b.tests, day)
        return swabs

    def _admit(self, plan: Plan, day: dt.date) -> None:
        """Residents admitted today to isolation beds, which they hold for their stay."""
        for pl in plan.placements:
            if pl.admit_date != day or pl.request_id not in self.reports.waiting:
                continue
            waiting = self.reports.waiting.pop(pl.request_id)
            for k in range((pl.discharge_date - pl.admit_date).days):
                self.occupied[pl.facility_id, day + dt.timedelta(days=k)] += 1
            if waiting.simulated and pl.from_home is not None:
                ep.admit_away(self.homes[pl.from_home], 1)

    def _step_homes(
        self, day: dt.date, arrivals: Arrivals, swabs: dict[str, list[tuple[str, int, int]]]
    ) -> tuple[int, int]:
        """Every home's epidemic one day on; returns the day's introductions and deaths."""
        p, t = self.p, (day - self.start).days
        intros = deaths = 0
        for h, state in self.homes.items():
            rng = self.rng[h]
            intros += ep.introduce(state, rng, p, arrivals.entering[h], arrivals.carriers[h])
            ep.passed_on(state, rng, p, arrivals.local[h])
            ep.onset(state, rng, p)
            for cohort, tests, due in swabs[h]:
                ep.swab(state, rng, p, cohort, tests, due)
            before = state.residents.waiting
            ep.results(state, t)
            self.reports.detected(h, state, day, state.residents.waiting - before)
            ep.spread(state, rng, p)
            ep.recover(state, rng, p)
            deaths += state.deaths_today
            self.reports.died(h, day, state.deaths_today)
            self.reports.lapse(h, state)
        return intros, deaths

    def _count_tests(self, home_id: str, cohort: Cohort, tests: int, day: dt.date) -> None:
        """A cohort counts as tested (`last_tested`) once swabs since its last whole test
        add up to its size."""
        home = next(h for h in self.base.homes if h.id == home_id)
        self.tested_since[home_id, cohort] += tests
        if self.tested_since[home_id, cohort] >= max(1, home.cohort_size(cohort)):
            self.last_tested[home_id][cohort] = day
            self.tested_since[home_id, cohort] = 0
