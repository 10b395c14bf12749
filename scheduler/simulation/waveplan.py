"""The optimiser's plans inside the fast wave (`Rule(plans=Replanning(...))`): every
`every_days` the wave's state, as far as a planner could know it that morning, becomes a
planning scenario; the real planner plans it (the optimiser's path, `run.plan_or_baseline`);
and until the next re-plan the wave follows the plan: its home test bookings (home, day,
cohort) are swabbed in place of the greedy's choice, its bank shifts (home, day) worked in
place of the greedy's fill.

The planner is told what a planner would have known, never the hidden truth (who is
infected):

- each home: type, beds, residents alive, staff, residents it can isolate; its outbreak
  from the signs the wave has shown (suspected on a resident noticed ill, confirmed by a
  positive result or a death, since its first sign after `QUIET_DAYS` without one), the
  cases found in it and its deaths in the last 7 days; each cohort's last whole test;
  the shifts its staff off sick leave short today, every day of the plan
  (`world.sick_shortfalls`, as `carehome simulate` tells its planner);
- the test capacity of the time, the wave's daily slots, as two sites: residents only
  before whole-home testing, staff and residents from it (what could be tested then);
- the bank of the time as workers, each from the day the bank has grown to them, working
  about `bank_shifts_per_worker_day` shifts a day, one home each with quarantine before a
  move, their shifts carried from plan to plan. The greedy's bank spends no test slot, so
  neither does the planner's: each worker's pre-deployment test is the bank's own, valid
  through the plan.

Each plan stops after a deterministic amount of search with one worker, so the same wave,
parameters and seed give the same plans, and so the same wave.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import numpy as np

from scenarios.firstwave import FirstWave
from scenarios.history import carried, lookback_days
from scenarios.schema import (
    Availability,
    Cohort,
    Home,
    HomeHistory,
    Horizon,
    LastTested,
    Outbreak,
    OutbreakStatus,
    Policy,
    RecentShift,
    Role,
    Scenario,
    SiteKind,
    TestSite,
    Worker,
)
from scheduler.plan import Plan
from scheduler.simulation.policies import Turns
from scheduler.simulation.reports import QUIET_DAYS
from scheduler.simulation.run import PlanStat, plan_or_baseline
from scheduler.simulation.waverules import Replanning, Signs
from scheduler.simulation.world import sick_shortfalls
from scheduler.solve.settings import SolverSettings

COHORTS = (Cohort.RESIDENTS, Cohort.STAFF)
"""The wave's cohorts, in the order of its result arrays."""

WALL_CAP_SECONDS = 120.0
"""Each plan's wall-clock limit, a safety cap only: deterministic time ends the search
first, so a busy machine makes the same plans."""


def outbreak_on(signs: Signs, t: int, k: int, start: dt.date) -> Outbreak:
    """Home `k`'s outbreak as its reports tell it on the morning of day `t` (signs of the
    days before): none after `QUIET_DAYS` without a sign; otherwise since its first sign
    after such a quiet spell, confirmed once a positive result or a death has come in it,
    suspected while only residents noticed ill have."""
    seen = np.flatnonzero((signs.found_r[:t, k] + signs.found_s[:t, k] + signs.died[:t, k]) > 0)
    if len(seen) == 0 or t - seen[-1] > QUIET_DAYS:
        return Outbreak()
    quiet = np.flatnonzero(np.diff(seen) > QUIET_DAYS)
    since = int(seen[quiet[-1] + 1] if len(quiet) else seen[0])
    episode = slice(since, t)
    confirmed = signs.positive[episode, k].sum() + signs.died[episode, k].sum() > 0
    return Outbreak(
        status=OutbreakStatus.CONFIRMED if confirmed else OutbreakStatus.SUSPECTED,
        since=start + dt.timedelta(days=since),
        resident_cases=int(signs.found_r[episode, k].sum()),
        staff_cases=int(signs.found_s[episode, k].sum()),
        deaths_7d=int(signs.died[max(0, t - 7) : t, k].sum()),
    )


def wave_sites(wave: FirstWave, slots: list[int], dates: list[dt.date]) -> list[TestSite]:
    """The day's test slots over `dates`: a residents' site before whole-home testing and a
    whole-home site from it, each open only on its own days (and left out if never open)."""
    whole = [d >= wave.assumptions.whole_home_from for d in dates]
    first = (dates[0] - wave.start).days
    today = slots[first : first + len(dates)]
    sites = []
    for name, cohorts, from_whole in (
        ("residents", [Cohort.RESIDENTS], False),
        ("whole-home", [Cohort.STAFF, Cohort.RESIDENTS], True),
    ):
        capacity = [n if w == from_whole else 0 for n, w in zip(today, whole, strict=True)]
        if any(capacity):
            sites.append(
                TestSite(
                    id=name,
                    kind=SiteKind.LOCAL_SITE,
                    capacity=capacity,
                    cohorts=cohorts,
                    result_days=wave.assumptions.result_days,
                )
            )
    return sites


def bank_workers(
    wave: FirstWave, dates: list[dt.date], histories: dict[str, HomeHistory]
) -> list[Worker]:
    """The bank over `dates` as workers: worker j from the first day the bank has more than
    j workers, working about `bank_shifts_per_worker_day` shifts a day of those left, with
    the shifts `histories` carries from earlier plans."""
    a = wave.assumptions
    size = [int(a.bank_share(d) * a.bank_per_home * len(wave.homes)) for d in dates]
    tested = dates[0] - dt.timedelta(days=1)
    workers = []
    for j in range(max(size, default=0)):
        first = next(i for i, n in enumerate(size) if n > j)
        most = math.floor((len(dates) - first) * a.bank_shifts_per_worker_day + 0.5)
        if most < 1:
            continue
        worker_id = f"bank{j + 1:03d}"
        workers.append(
            Worker(
                id=worker_id,
                roles=[Role.CARER],
                availability=[Availability.model_validate({"from": dates[first], "to": dates[-1]})],
                max_shifts=most,
                home_history=histories.get(worker_id, HomeHistory()),
                last_negative_test=tested,
            )
        )
    return workers


def wave_policy(days: int) -> Policy:
    """The planner's own policy, with the bank's tests valid through a plan of `days`."""
    return Policy(predeployment_test_valid_days=days)


class PlanFollower:
    """The planner's plans over one wave: made on re-planning mornings, and what the wave
    is to do each day until the next (`bank`, `booked`); the days each cohort was last
    tested whole, as the wave swabs them (`swabbed`)."""

    def __init__(self, wave: FirstWave, slots: list[int], planning: Replanning) -> None:
        self.wave, self.slots, self.planning = wave, slots, planning
        self.settings = SolverSettings(
            time_limit=WALL_CAP_SECONDS,
            workers=1,
            deterministic_time=planning.seconds,
            explain_unmet=False,
        )
        homes = len(wave.homes)
        self.index = {h.id: k for k, h in enumerate(wave.homes)}
        self.tests = np.zeros((wave.days, len(COHORTS), homes), dtype=np.int64)
        self.shifts = np.zeros((wave.days, homes), dtype=np.int64)
        self.last_tested = np.full((len(COHORTS), homes), -1)
        self.swabbed_since = np.zeros((len(COHORTS), homes), dtype=np.int64)
        self.histories: dict[str, HomeHistory] = {}
        self.plan: Plan | None = None
        self.stats: list[PlanStat] = []

    def morning(self, t: int, residents: np.ndarray, short: np.ndarray, signs: Signs) -> None:
        """On a re-planning day, plan the wave as it stands on the morning of day `t`:
        `residents` alive, `short` shifts a day by staff off sick, `signs` of the days
        before; then follow that plan until the next re-plan."""
        every = self.planning.every_days
        if t % every:
            return
        wave = self.wave
        day = wave.start + dt.timedelta(days=t)
        days = min(max(every, wave.simulation.plan_days), wave.days - t)
        self._carry(day)
        scenario = self.scenario(t, days, residents, short, signs)
        plan, stat = plan_or_baseline("optimiser", scenario, self.settings, None, day, Turns())
        self.plan = plan
        self.stats.append(stat)
        self._follow(plan, t, min(t + every, wave.days))

    def scenario(
        self, t: int, days: int, residents: np.ndarray, short: np.ndarray, signs: Signs
    ) -> Scenario:
        """What a planner would write on the morning of day `t` for the next `days` days."""
        wave = self.wave
        dates = [wave.start + dt.timedelta(days=t + i) for i in range(days)]
        homes = [
            Home(
                id=h.id,
                name=h.id,
                type=h.type,
                beds=h.beds,
                residents=int(residents[k]),
                staff=h.staff,
                can_isolate=h.can_isolate,
                outbreak=outbreak_on(signs, t, k, wave.start),
                last_tested=LastTested(
                    residents=self._last_tested(0, k), staff=self._last_tested(1, k)
                ),
                shortfalls=[sf for d in dates for sf in sick_shortfalls(d, int(short[k]))],
            )
            for k, h in enumerate(wave.homes)
        ]
        return Scenario(
            name=f"{wave.authority} {dates[0]}",
            horizon=Horizon(start=dates[0], days=days),
            policy=wave_policy(days),
            homes=homes,
            test_sites=wave_sites(wave, self.slots, dates),
            workers=bank_workers(wave, dates, self.histories),
        )

    def bank(self, t: int) -> np.ndarray:
        """The plan's bank shifts on day `t`, by home."""
        return np.asarray(self.shifts[t])

    def booked(self, t: int) -> np.ndarray:
        """The plan's tests on day `t`, by cohort (`COHORTS`) and home."""
        return np.asarray(self.tests[t])

    def swabbed(self, t: int, k: int, swabs: tuple[int, int], sizes: tuple[int, int]) -> None:
        """Home `k`'s residents and staff swabbed on day `t`, of cohorts of `sizes`: a cohort
        counts as tested whole on the day its swabs since the last add up to its size."""
        for c, (n, size) in enumerate(zip(swabs, sizes, strict=True)):
            self.swabbed_since[c, k] += n
            if n and self.swabbed_since[c, k] >= max(1, size):
                self.last_tested[c, k] = t
                self.swabbed_since[c, k] = 0

    def _last_tested(self, c: int, k: int) -> dt.date | None:
        t = int(self.last_tested[c, k])
        return None if t < 0 else self.wave.start + dt.timedelta(days=t)

    def _carry(self, day: dt.date) -> None:
        """Every worker's history moved on to `day` with the last plan's shifts worked."""
        if self.plan is None:
            return
        worked: dict[str, list[RecentShift]] = defaultdict(list)
        for a in self.plan.shifts:
            if a.date < day:
                worked[a.worker_id].append(RecentShift(date=a.date, shift=a.shift, home=a.home_id))
        lookback = lookback_days(wave_policy(1))
        for w in sorted(set(self.histories) | set(worked)):
            self.histories[w] = carried(
                self.histories.get(w, HomeHistory()), worked[w], day, lookback
            )

    def _follow(self, plan: Plan, first: int, until: int) -> None:
        """Days `first` to `until` (excluded) do what `plan` says, and nothing else."""
        start = self.wave.start
        self.tests[first:until] = 0
        self.shifts[first:until] = 0
        for b in plan.testing:
            t = (b.date - start).days
            if first <= t < until and b.home_id is not None and b.cohort in COHORTS:
                self.tests[t, COHORTS.index(b.cohort), self.index[b.home_id]] += b.tests
        for s in plan.shifts:
            t = (s.date - start).days
            if first <= t < until:
                self.shifts[t, self.index[s.home_id]] += 1
