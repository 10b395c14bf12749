"""A careful planner's staff-bank deployment, used as CP-SAT's starting point.

A search of the staffing model alone finds poor plans for a long time, because the
one-home rule makes its first solutions poor (its LP relaxation lets a fractional worker
sit at every home at once). Starting from this plan, a search improves a good plan
instead of looking for one, and whole schedules (`scheduler.solve.patterns`) start from its
schedules.

The heuristic: for every (worker, home) pair, the best schedule the worker could work at
that home (highest-risk shifts first, within every working-time and rest rule and the
pre-deployment test rule); then commit workers one by one by regret (see
`greedy_staffing`), removing the shifts each covers and re-scoring only that home's
pairs. Every hard rule holds in the result, so it is a complete, feasible hint for the
staffing variables.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from constraints import domain
from constraints.build import BuiltModel
from constraints.context import Context
from constraints.model import Var
from constraints.staffing import StaffingVars, is_new_home
from scenarios.history import night_before, worked_before, working_windows
from scenarios.one_to_one import home_stays
from scenarios.schema import Role, Shift, Worker, WorkerPin
from scheduler.heuristics.booking import SlotBook
from scheduler.heuristics.ppe_greedy import ppe_hint
from scheduler.plan import PlacementMode, Plan


@dataclass
class Deployment:
    """One worker's committed plan: a home, shifts by day, and perhaps a test booking."""

    home: str
    shifts: dict[int, tuple[Shift, Role, Var]]
    test: tuple[str, int] | None = None


@dataclass
class GreedyStaffing:
    deployments: dict[str, Deployment] = field(default_factory=dict)
    remaining: dict[tuple[str, int, Shift, Role], int] = field(default_factory=dict)


class DeploymentPlanner:
    def __init__(self, ctx: Context, sv: StaffingVars) -> None:
        self.ctx = ctx
        self.workers = {w.id: w for w in ctx.scenario.workers}
        self.remaining = ctx.short_workers()
        self.forecast = {k: need.forecast for k, need in ctx.demand.items()}
        self.deployed: dict[str, Deployment] = {}
        self.slots: dict[tuple[str, str], list[tuple[int, Shift, Role, Var]]] = defaultdict(list)
        for (w, h, d, s, r), var in sv.shifts.items():
            self.slots[w, h].append((d, s, r, var))
        # Test slots the greedy books; home cohorts are left to the solver, so start empty.
        self.test_slots = SlotBook(ctx)
        self.tests_of: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        self.limits: dict[str, list[list[tuple[int, int]]]] = {}
        self.weights: dict[tuple[str, int], int] = {}
        for w, site_id, t in sorted(sv.tests, key=lambda k: (-k[2], k[1])):
            # latest first: closest to the shift; with the day its result is back
            back = t + ctx.result_days(ctx.sites[site_id])
            self.tests_of[w].append((site_id, t, back))

    def weight(self, home: str, d: int) -> int:
        """The home's risk on day d, asked of the risk model once: every schedule the
        greedy scores asks it again."""
        key = (home, d)
        if key not in self.weights:
            self.weights[key] = self.ctx.risk.score(home, self.ctx.dates[d])
        return self.weights[key]

    def value(self, home: str, d: int, s: Shift, r: Role) -> float:
        """One more worker on the shift: the home's risk while reported workers are still
        short there, the policy's `absence_forecast.weight` of it once only forecast ones
        are (the model's prices, `constraints.staffing.add_shortfall_cover`)."""
        risk = self.weight(home, d)
        if self.remaining[home, d, s, r] > self.forecast[home, d, s, r]:
            return risk
        return risk * self.ctx.policy.absence_forecast.weight

    def schedule(
        self, worker_id: str, home: str, pinned: dict[int, tuple[Shift, Role, Var]] | None = None
    ) -> tuple[float, Deployment]:
        """Best-first schedule of `worker_id` at `home` around the `pinned` shifts, and its
        risk-weighted value."""
        worker = self.workers[worker_id]
        days: dict[int, tuple[Shift, Role, Var]] = dict(pinned or {})
        open_slots = [
            (self.value(home, d, s, r), d, s, r, v)
            for d, s, r, v in self.slots[worker_id, home]
            if self.remaining[home, d, s, r] > 0 and d not in days
        ]
        open_slots.sort(key=lambda c: (-c[0], c[1], c[2]))
        limit = worker.max_shifts or self.ctx.days
        worked = sum(1 << d for d in days)
        for _w, d, s, r, v in open_slots:
            if d not in days and len(days) < limit and self._fits(worker_id, days, worked, d, s):
                days[d] = (s, r, v)
                worked |= 1 << d
        test = None
        if days and is_new_home(worker, home):
            days, test = self._with_test(worker, days, set(days) & set(pinned or {}))
        value = sum(self.value(home, d, s, r) for d, (s, r, _v) in days.items())
        return value, Deployment(home, days, test)

    def most(self, worker_id: str, home: str) -> float:
        """At least `schedule`'s value (it takes one shift a day, at most the worker's
        limit): the best open shift of each day, the best days up to the limit. Cheaper by
        far, so the greedy scores a pair in full only when its most could rank it."""
        best: dict[int, float] = {}
        for d, s, r, _v in self.slots[worker_id, home]:
            if self.remaining[home, d, s, r] > 0:
                best[d] = max(best.get(d, 0.0), self.value(home, d, s, r))
        limit = self.workers[worker_id].max_shifts or self.ctx.days
        return sum(sorted(best.values(), reverse=True)[:limit])

    def pinned(self, worker_id: str, pins: list[WorkerPin]) -> Deployment:
        """The worker's schedule at their first pin's home, holding a shift the home is
        still short of on every pinned day there (other pins cannot hold with these: the
        solver names the conflict)."""
        home = pins[0].home
        held: dict[int, tuple[Shift, Role, Var]] = {}
        for pin in pins:
            d = self.ctx.day(pin.date)
            if pin.home != home or d in held:
                continue
            free = (
                (s, r, v)
                for day, s, r, v in self.slots[worker_id, home]
                if day == d and pin.shift in (None, s) and self.remaining[home, d, s, r] > 0
            )
            choice = next(free, None)
            if choice is not None:
                held[d] = choice
        return self.schedule(worker_id, home, held)[1]

    def _fits(
        self,
        worker_id: str,
        days: dict[int, tuple[Shift, Role, Var]],
        worked: int,
        d: int,
        s: Shift,
    ) -> bool:
        """Whether a shift s on day d keeps the rest and working-time rules, counting the
        worker's days before the horizon. `worked` is `days` as a bit mask (bit d: day d
        worked), so a window's count is one AND and a bit count, not a sum over its days:
        the greedy asks this tens of thousands of times."""
        history = self.workers[worker_id].home_history
        before, after = days.get(d - 1), days.get(d + 1)
        if s == Shift.DAY and before and before[0] == Shift.NIGHT:
            return False
        if s == Shift.DAY and d == 0 and night_before(history, self.ctx.dates[0]):
            return False
        if s == Shift.NIGHT and after and after[0] == Shift.DAY:
            return False
        with_d = worked | 1 << d
        return all(
            (with_d & mask).bit_count() <= allowance
            for mask, allowance in self._limits(worker_id)[d]
        )

    def _limits(self, worker_id: str) -> list[list[tuple[int, int]]]:
        """By day, the worker's 7-day and consecutive-day windows holding it, each as (bit
        mask of its days, allowance) (computed once per worker)."""
        if worker_id not in self.limits:
            policy, k = self.ctx.policy, self.ctx.policy.max_consecutive_days
            before = worked_before(self.workers[worker_id].home_history, self.ctx.dates[0])
            windows = [
                *working_windows(self.ctx.days, 7, policy.max_shifts_per_7_days, before),
                *working_windows(self.ctx.days, k + 1, k, before),
            ]
            self.limits[worker_id] = [
                [(sum(1 << x for x in w.days), w.allowance) for w in windows if d in w.days]
                for d in range(self.ctx.days)
            ]
        return self.limits[worker_id]

    def _with_test(
        self, worker: Worker, days: dict[int, tuple[Shift, Role, Var]], pinned: set[int]
    ) -> tuple[dict[int, tuple[Shift, Role, Var]], tuple[str, int] | None]:
        """Drop leading shifts until the first one has a valid test (existing or bookable);
        a pinned shift is never dropped."""
        valid = self.ctx.policy.predeployment_test_valid_days
        covered = -1
        if worker.last_negative_test is not None:
            covered = self.ctx.day(worker.last_negative_test) + valid
        kept = dict(days)
        while kept:
            first = min(kept)
            if first <= covered:
                return kept, None
            booking = self._bookable(worker, first)
            if booking is not None or first in pinned:
                return kept, booking
            del kept[first]
        return kept, None

    def _bookable(self, worker: Worker, first: int) -> tuple[str, int] | None:
        valid = self.ctx.policy.predeployment_test_valid_days
        for site_id, t, back in self.tests_of[worker.id]:
            if back <= first <= t + valid and self._site_has_room(site_id, t):
                return site_id, t
        return None

    def _site_has_room(self, site_id: str, t: int) -> bool:
        return self.test_slots.free(site_id, t) > 0

    def commit(self, worker_id: str, plan: Deployment) -> None:
        """Send the worker: their shifts no longer short, their test slot taken."""
        self.deployed[worker_id] = plan
        for d, (s, r, _v) in plan.shifts.items():
            self.remaining[plan.home, d, s, r] -= 1
        if plan.test is not None:
            self.test_slots.take(*plan.test, 1)

    def staffing(self) -> GreedyStaffing:
        """The workers committed so far and the shifts still short."""
        return GreedyStaffing(dict(self.deployed), self.remaining)


def commit_pinned(planner: DeploymentPlanner) -> set[str]:
    """Deploy the pinned workers first, so that no one else takes the shifts they are pinned
    to; every hand-made deployment rule starts here. Returns the pinned workers."""
    pins: dict[str, list[WorkerPin]] = defaultdict(list)
    for pin in planner.ctx.scenario.pins.workers:
        pins[pin.worker].append(pin)
    for w, own in pins.items():
        plan = planner.pinned(w, own)
        if plan.shifts:  # else no pin of theirs can hold: the solver says why
            planner.commit(w, plan)
    return set(pins)


def greedy_staffing(ctx: Context, sv: StaffingVars) -> GreedyStaffing:
    """Commit workers one at a time, each to their most valuable home, choosing next the
    worker with most to lose: priority = best + (best - second best), so a worker who is
    valuable at one home only is placed before the next worker takes that home's shifts
    (less uncovered need than "most valuable pair first" at the same speed: the figures
    are in docs/performance.md).
    A pair is scored in full only when it could be in its worker's top two: it starts
    stale, at an upper bound of its score (`most`); a commit re-scores at once the workers
    for whom the home was a top-two home (only they get a new priority) and marks the
    pair stale for the others. Scores fall as shifts are taken (a greedy schedule can
    rarely rise, which the commit re-checks), so a stale score is an upper bound, and a
    top two of fresh scores is the true one: the same plan as scoring every pair after
    every commit (identical on the example and the county) at half the time."""
    planner = DeploymentPlanner(ctx, sv)
    pins = commit_pinned(planner)
    homes_of: dict[str, list[str]] = defaultdict(list)
    workers_at: dict[str, list[str]] = defaultdict(list)
    for w, h in sorted(planner.slots):
        if w not in pins:
            homes_of[w].append(h)
            workers_at[h].append(w)
    unscored = Deployment("", {})
    current = {
        (w, h): (planner.most(w, h), unscored) for w, h in sorted(planner.slots) if w not in pins
    }
    stale = set(current)

    top_two: dict[str, set[str]] = {}

    def priority(w: str) -> tuple[float, float, str]:
        """(priority, best value, best home) of worker w given the current scores."""
        while True:
            ranked = heapq.nlargest(2, ((current[w, h][0], h) for h in homes_of[w]))
            old = [h for _v, h in ranked if (w, h) in stale]
            if not old:
                break
            for h in old:
                current[w, h] = planner.schedule(w, h)
                stale.discard((w, h))
        top_two[w] = {h for _v, h in ranked}
        best, home = ranked[0]
        second = ranked[1][0] if len(ranked) > 1 else 0
        return 2 * best - second, best, home

    waiting = {w: priority(w) for w in homes_of}
    while waiting:
        w = max(waiting, key=lambda x: (waiting[x][0], waiting[x][1], x))
        _priority, best, home = waiting.pop(w)
        if current[w, home][0] != best:  # a greedy schedule can (rarely) rise: re-rank
            waiting[w] = priority(w)
            continue
        if best <= 0:
            continue
        planner.commit(w, current[w, home][1])
        for other in workers_at[home]:
            if other not in waiting:
                continue
            if home in top_two[other]:
                current[other, home] = planner.schedule(other, home)
                stale.discard((other, home))
                waiting[other] = priority(other)
            else:
                stale.add((other, home))
    return planner.staffing()


def previous_deployment(ctx: Context, sv: StaffingVars, plan: Plan) -> GreedyStaffing:
    """A previous plan's deployment on this model, as far as it still fits: each worker at
    the first home the plan sent them to, shifts the model still has and the shortfall
    still needs, and their pre-deployment test if its slot still exists. A stay at home
    the previous plan chose needs its 1:1 shifts too: left out, the workers staffing it
    before the re-plan's first day would break the rules keeping their shifts, and no
    plan could be completed from this deployment."""
    result = GreedyStaffing()
    result.remaining = ctx.short_workers()
    stays = home_stays(ctx.scenario, domain.offered_at_home)
    for p in plan.placements:
        if p.mode == PlacementMode.ONE_TO_ONE and p.request_id in stays:
            for home, date, shift, role in stays[p.request_id].cover_keys():
                key = (home, ctx.day(date), shift, role)
                result.remaining[key] = result.remaining.get(key, 0) + 1
    for a in sorted(plan.shifts, key=lambda a: (a.date, a.worker_id)):
        d = ctx.day(a.date)
        var = sv.shifts.get((a.worker_id, a.home_id, d, a.shift, a.role))
        deployment = result.deployments.setdefault(a.worker_id, Deployment(a.home_id, {}))
        need = (a.home_id, d, a.shift, a.role)
        if var is None or deployment.home != a.home_id or d in deployment.shifts:
            continue
        if result.remaining.get(need, 0) > 0:
            deployment.shifts[d] = (a.shift, a.role, var)
            result.remaining[need] -= 1
    for t in plan.testing:
        if (
            t.worker_id in result.deployments
            and (t.worker_id, t.site_id, ctx.day(t.date)) in sv.tests
        ):
            result.deployments[t.worker_id].test = (t.site_id, ctx.day(t.date))
    result.deployments = {w: d for w, d in result.deployments.items() if d.shifts}
    return result


def initial_hint(built: BuiltModel, deployment: dict[Var, int]) -> dict[Var, int]:
    """A complete, feasible starting plan: the greedy `deployment` (from `staffing_hint`),
    PPE dropped by hand (`ppe_greedy`), and nothing else allocated (no home test booked, no
    bed used). Lower-tier bound
    variables (worst home ratio, busiest worker) start at their upper bounds, which always
    satisfy their rules."""
    hint = dict(deployment)
    tv, iv = built.tests, built.beds
    hint.update({v: 0 for v in [*tv.tests.values(), *tv.visits.values()]})
    hint.update({var: w.size for w, var in tv.short.items()})
    hint.update({v: 0 for v in [*iv.admit.values(), *iv.tests.values()]})
    hint.update({v: 1 for v in iv.unplaced.values()})
    # no stay at home chosen, so no 1:1 shift is open
    hint.update({v: 0 for v in [*iv.at_home.values(), *built.staff.one_to_one_uncovered.values()]})
    hint.update(ppe_hint(built))
    for p in built.penalties:
        if p.var not in hint:
            hint[p.var] = built.model.variables[p.var].ub
    # A family's stand-in for a choice the model cannot offer (a pin nothing can honour, a
    # kept decision the new scenario has no variable for) has one value: without it the
    # hint would not be complete.
    hint.update(
        (v, x.lb) for v, x in enumerate(built.model.variables) if x.lb == x.ub and v not in hint
    )
    return hint


def staffing_hint(ctx: Context, sv: StaffingVars, greedy: GreedyStaffing) -> dict[Var, int]:
    """Values of every staffing variable under the greedy deployment."""
    hint: dict[Var, int] = {v: 0 for v in sv.shifts.values()}
    hint.update({v: 0 for v in sv.placed.values()})
    hint.update({v: 0 for v in sv.worked.values()})
    hint.update({v: 0 for v in sv.tests.values()})
    for w, plan in greedy.deployments.items():
        hint[sv.placed[w, plan.home]] = 1
        for d, (_s, _r, var) in plan.shifts.items():
            hint[var] = 1
            hint[sv.worked[w, d]] = 1
        if plan.test is not None:
            hint[sv.tests[w, *plan.test]] = 1
    workers = {w.id: w for w in ctx.scenario.workers}
    first_new = {
        w: min(plan.shifts)
        for w, plan in greedy.deployments.items()
        if plan.shifts and is_new_home(workers[w], plan.home)
    }
    for (w, d), var in sv.started.items():
        hint[var] = int(w in first_new and d >= first_new[w])
    for (w, h, days), var in sv.served.items():
        served = greedy.deployments.get(w)
        hint[var] = int(
            served is not None and served.home == h and any(d in days for d in served.shifts)
        )
    for k, need in ctx.demand.items():
        forecast_left = min(greedy.remaining[k], need.forecast)
        if k in sv.forecast_uncovered:
            hint[sv.forecast_uncovered[k]] = forecast_left
        if k in sv.uncovered:
            hint[sv.uncovered[k]] = greedy.remaining[k] - forecast_left
    return hint
