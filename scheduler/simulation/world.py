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
    HomeHistory,
    HomeType,
    Horizon,
    IsolationRequest,
    LastTested,
    Need,
    Outbreak,
    OutbreakStatus,
    Pins,
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

QUIET_DAYS = 28
"""An outbreak is over after this many days without a positive result or a death."""

NEED_OF = {
    HomeType.LEARNING_DISABILITY: Need.LEARNING_DISABILITY,
    HomeType.OLDER_PEOPLE_NURSING: Need.NURSING,
}


@dataclass
class Episode:
    """What the planner knows of a home's outbreak."""

    status: OutbreakStatus = OutbreakStatus.NONE
    since: dt.date | None = None
    resident_cases: int = 0
    staff_cases: int = 0
    last_seen: dt.date | None = None


@dataclass
class WorkerState:
    history: HomeHistory
    """The base scenario's history, moved on by every shift worked since."""
    last_negative_test: dt.date | None
    visits: list[tuple[dt.date, str, float]] = field(default_factory=list)
    """(date, home, that home's infectious share): where the worker may carry from."""


@dataclass
class Waiting:
    """An isolation request not yet admitted; `simulated` ones belong to a detected
    resident and lapse when that resident no longer waits (recovered or died)."""

    request: IsolationRequest
    simulated: bool


@dataclass
class DayOutcome:
    date: dt.date
    resident_infections: int
    staff_infections: int
    introductions: int
    deaths: int
    staff_off: int
    shifts_short: int
    shifts_uncovered: int
    requests_waiting: int


class World:
    def __init__(self, base: Scenario, seed: int) -> None:
        self.base = base
        self.p = base.simulation
        self.start = base.horizon.start
        self.homes: dict[str, ep.HomeState] = {}
        self.rng: dict[str, np.random.Generator] = {}
        self.episodes: dict[str, Episode] = {}
        self.deaths: dict[str, list[dt.date]] = defaultdict(list)
        self.waiting: dict[str, Waiting] = {}
        requests_from: Counter[str] = Counter(
            r.from_home for r in base.isolation_requests if r.from_home is not None
        )
        for k, home in enumerate(base.homes):
            rng = np.random.default_rng([seed, k])  # per home: common random numbers
            self.rng[home.id] = rng
            self.homes[home.id] = self._initial(home, requests_from[home.id], rng)
            o = home.outbreak
            self.episodes[home.id] = Episode(
                o.status, o.since, o.resident_cases, o.staff_cases, o.since
            )
        for r in base.isolation_requests:
            self.waiting[r.id] = Waiting(r, r.from_home is not None)
        self.requests_made = 0
        self.last_tested = {
            h.id: {c: h.last_tested.for_cohort(c) for c in (Cohort.STAFF, Cohort.RESIDENTS)}
            for h in base.homes
        }
        self.tested_since: Counter[tuple[str, Cohort]] = Counter()
        self.workers = {
            w.id: WorkerState(w.home_history, w.last_negative_test) for w in base.workers
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
            r, s = residents.susceptible, staff.susceptible
            if r + s == 0:
                break
            group = residents if rng.random() < r / (r + s) else staff
            group.susceptible -= 1
            group.exposed += 1
            group.infected += 1
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
        short[Shift.DAY, Role.CARER] += (extra + 1) // 2
        short[Shift.NIGHT, Role.CARER] += extra // 2
        return [
            Shortfall(date=day, shift=s, role=r, workers=n)
            for (s, r), n in sorted(short.items())
            if n > 0
        ]

    def reported(self, home: Home, first: dt.date) -> dt.date | None:
        """The home's report date for a plan starting on `first`: as many days behind as in
        the base scenario, so a home that reports late stays late in every re-plan."""
        if home.reported is None:
            return None
        return first - (self.start - home.reported)

    def scenario_for(self, first: dt.date, days: int) -> Scenario:
        dates = [first + dt.timedelta(days=i) for i in range(days)]
        base = self.base
        homes = []
        for h in base.homes:
            state, episode = self.homes[h.id], self.episodes[h.id]
            extra = self.sick_cover(h.id)
            recent = [d for d in self.deaths[h.id] if (first - d).days <= 7]
            r = state.residents
            homes.append(
                h.model_copy(
                    update={
                        "residents": h.residents - r.dead - r.away,
                        "outbreak": Outbreak(
                            status=episode.status,
                            since=episode.since,
                            resident_cases=episode.resident_cases,
                            staff_cases=episode.staff_cases,
                            deaths_7d=len(recent),
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
            )
        sites = [
            s.model_copy(
                update={
                    "capacity": [daily(s.capacity, self.base_day(d)) for d in dates],
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
        requests = [
            w.request.model_copy(update={"earliest": max(first, w.request.earliest)})
            for w in self.waiting.values()
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
                "pins": Pins(),
            }
        )

    def _worker(self, worker: Worker, dates: list[dt.date]) -> Worker:
        state = self.workers[worker.id]
        available = []
        for d in dates:
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
        p, t = self.p, (day - self.start).days
        sites = {s.id: s for s in self.base.test_sites}
        extra = {h: self.sick_cover(h) for h in self.homes}
        shares = {h: s.infectious_share for h, s in self.homes.items()}
        entering: dict[str, list[float]] = defaultdict(list)
        filled: Counter[tuple[str, Shift, Role]] = Counter()
        for a in plan.shifts:
            if a.date != day:
                continue
            filled[a.home_id, a.shift, a.role] += 1
            worker = self.workers[a.worker_id]
            recent = [
                share
                for when, home, share in worker.visits
                if home != a.home_id and (day - when).days <= p.carry_days
            ]
            entering[a.home_id].append(max(recent, default=0.0))
            worker.visits = [v for v in worker.visits if (day - v[0]).days <= p.carry_days]
            worker.visits.append((day, a.home_id, shares[a.home_id]))
            worker.history = carried(
                worker.history,
                [RecentShift(date=day, shift=a.shift, home=a.home_id)],
                day + dt.timedelta(days=1),
                lookback_days(self.base.policy),
            )
        short = uncovered = 0
        for h in self.homes:
            for sf in self.shortfalls(h, day, extra[h]):
                short += sf.workers
                uncovered += max(0, sf.workers - filled[h, sf.shift, sf.role])
        swabs: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        for b in plan.testing:
            if b.date != day:
                continue
            if b.worker_id is not None and b.worker_id in self.workers:
                self.workers[b.worker_id].last_negative_test = day
            if b.home_id is None or b.cohort not in (Cohort.STAFF, Cohort.RESIDENTS):
                continue
            turnaround = p.turnaround_days
            if turnaround is None:
                turnaround = days_to_result(sites[b.site_id], self.base.policy.result_percentile)
            swabs[b.home_id].append((str(b.cohort), b.tests, t + turnaround))
            self._count_tests(b.home_id, b.cohort, b.tests, day)
        for pl in plan.placements:
            if pl.admit_date != day or pl.request_id not in self.waiting:
                continue
            waiting = self.waiting.pop(pl.request_id)
            for k in range((pl.discharge_date - pl.admit_date).days):
                self.occupied[pl.facility_id, day + dt.timedelta(days=k)] += 1
            if waiting.simulated and pl.from_home is not None:
                ep.admit_away(self.homes[pl.from_home], 1)
        intros = deaths = 0
        for h, state in self.homes.items():
            rng = self.rng[h]
            intros += ep.introduce(state, rng, p, entering[h])
            ep.onset(state, rng, p)
            for cohort, tests, due in swabs[h]:
                ep.swab(state, rng, p, cohort, tests, due)
            before = state.residents.waiting
            ep.results(state, t)
            self._detected(h, state, day, state.residents.waiting - before)
            ep.spread(state, rng, p)
            ep.recover(state, rng, p)
            deaths += state.deaths_today
            self.deaths[h] += [day] * state.deaths_today
            if state.deaths_today:
                self._confirm(h, day)
            self._lapse(h, state)
        outcome = DayOutcome(
            date=day,
            resident_infections=sum(s.residents.infected for s in self.homes.values()),
            staff_infections=sum(s.staff.infected for s in self.homes.values()),
            introductions=intros,
            deaths=deaths,
            staff_off=sum(s.staff_off for s in self.homes.values()),
            shifts_short=short,
            shifts_uncovered=uncovered,
            requests_waiting=sum(1 for w in self.waiting.values() if w.request.earliest <= day),
        )
        self.outcomes.append(outcome)
        return outcome

    def _count_tests(self, home_id: str, cohort: Cohort, tests: int, day: dt.date) -> None:
        """A cohort counts as tested (`last_tested`) once swabs since its last whole test
        add up to its size."""
        home = next(h for h in self.base.homes if h.id == home_id)
        self.tested_since[home_id, cohort] += tests
        if self.tested_since[home_id, cohort] >= max(1, home.cohort_size(cohort)):
            self.last_tested[home_id][cohort] = day
            self.tested_since[home_id, cohort] = 0

    def _confirm(self, home_id: str, day: dt.date) -> None:
        episode = self.episodes[home_id]
        if episode.status != OutbreakStatus.CONFIRMED:
            episode.status, episode.since = OutbreakStatus.CONFIRMED, day
            episode.resident_cases = episode.staff_cases = 0
        episode.last_seen = day

    def _detected(self, home_id: str, state: ep.HomeState, day: dt.date, to_wait: int) -> None:
        """Positives back today confirm the outbreak; residents with nowhere to isolate
        become isolation requests from tomorrow."""
        found = state.detected
        if not (found["residents"] or found["staff"]):
            episode = self.episodes[home_id]
            if episode.last_seen is not None and (day - episode.last_seen).days > QUIET_DAYS:
                self.episodes[home_id] = Episode()
            return
        self._confirm(home_id, day)
        episode = self.episodes[home_id]
        episode.resident_cases += found["residents"]
        episode.staff_cases += found["staff"]
        home = next(h for h in self.base.homes if h.id == home_id)
        for _ in range(to_wait):
            self.requests_made += 1
            request = IsolationRequest(
                id=f"sim{self.requests_made:05d}",
                from_home=home_id,
                need=NEED_OF.get(home.type, Need.RESIDENTIAL),
                earliest=day + dt.timedelta(days=1),
                reason=f"positive on {day}; {home.name} cannot isolate more residents",
            )
            self.waiting[request.id] = Waiting(request, True)

    def _lapse(self, home_id: str, state: ep.HomeState) -> None:
        """Requests of residents who no longer wait (recovered or died) lapse, latest first."""
        mine = [
            k for k, w in self.waiting.items() if w.simulated and w.request.from_home == home_id
        ]
        for k in mine[state.residents.waiting :][::-1]:
            del self.waiting[k]
