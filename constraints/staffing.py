"""Staff-bank deployment: which bank or agency worker covers which shift in which home.

Variables: ``shift[w,h,d,s,r]`` (boolean) exists only where `domain.may_work` holds: home
h is short of role r on shift (d, s), worker w holds r, serves h's local authority, is
available then, has finished training (a recruit), belongs to an agency supplying h (an
agency worker with one), and the quarantine window since their last shift at another home
has passed, so these domain rules hold by construction on every path that reads the
variables (the direct model, the whole-schedule pricing, the greedy start). ``placed[w,h]``
(boolean) is the worker's one home for the horizon, or one of their homes in a pool the
policy lets move.

Formulation note: linking shifts to the
placement per *day*, ``sum_{s,r} shift[w,h,d,s,r] <= placed[w,h]``, rather than per shift
variable, makes a fractional placement buy at most that fraction of a worker's day at each
home, so the LP bound keeps most of the one-home rule; it also implies one shift a day.
``worked[w,d]`` (boolean) is the day's total, so the working-time windows and the
pre-deployment test rule stay short sums over days instead of long sums over shifts.

Over 400 lines because it is one rule family, each rule named `staffing.<rule>` everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from constraints import domain, rules
from constraints.context import Context, SlotBooking
from constraints.model import Penalty, Var
from constraints.rules import Rule
from scenarios.history import Window, night_before, worked_before, working_windows
from scenarios.schema import Cohort, Role, Shift, Worker, WorkerKind

ShiftKey = tuple[str, str, int, Shift, Role]
"""(worker, home, day index, shift, role)."""


@dataclass
class StaffingVars:
    shifts: dict[ShiftKey, Var] = field(default_factory=dict)
    placed: dict[tuple[str, str], Var] = field(default_factory=dict)
    uncovered: dict[tuple[str, int, Shift, Role], Var] = field(default_factory=dict)
    """Reported shortfall left uncovered, by (home, day, shift, role)."""
    forecast_uncovered: dict[tuple[str, int, Shift, Role], Var] = field(default_factory=dict)
    """Forecast shortfall (`scenarios.absences`) left uncovered, by the same key."""
    one_to_one_uncovered: dict[tuple[str, int, Shift, Role], Var] = field(default_factory=dict)
    """1:1 shifts of chosen stays at home left uncovered (`constraints.one_to_one`)."""
    worked: dict[tuple[str, int], Var] = field(default_factory=dict)
    """(worker, day) -> 1 if the worker works any shift that day."""
    tests: dict[tuple[str, str, int], Var] = field(default_factory=dict)
    """Pre-deployment test bookings: (worker, site, day) -> boolean."""
    started: dict[tuple[str, int], Var] = field(default_factory=dict)
    """(worker, day) -> 1 once the worker has begun at a home new to them."""
    new_only: set[str] = field(default_factory=set)
    """Workers whose every candidate shift is at a home new to them."""
    served: dict[tuple[str, str, range], Var] = field(default_factory=dict)
    """(worker, home, days of a quarantine window) -> 1 if the worker serves the home in
    the window (the one-home rule off, a horizon longer than the window)."""

    def deployment(self) -> set[Var]:
        """Every variable a deployment decides or determines (shifts, placements,
        pre-deployment tests, days worked and started): what a completion holds, and what
        the parts of the model planned apart from it never reach."""
        return {
            *self.shifts.values(),
            *self.placed.values(),
            *self.tests.values(),
            *self.worked.values(),
            *self.started.values(),
            *self.served.values(),
        }


def one_home(ctx: Context, worker: Worker) -> bool:
    """Whether the one-home rule holds for the worker's pool (`Policy.one_home_for`)."""
    return ctx.policy.one_home_for(worker.kind)


def is_new_home(worker: Worker, home_id: str) -> bool:
    return worker.home_history.current_home != home_id


def test_cohort(worker: Worker) -> Cohort:
    return Cohort.AGENCY if worker.kind == WorkerKind.AGENCY else Cohort.STAFF


# ------------------------------------------------------------------ variables


def add_deployment_variables(ctx: Context) -> StaffingVars:
    sv = StaffingVars()
    homes = {home.id: home for home in ctx.scenario.homes}
    for worker in ctx.scenario.workers:
        may_work = domain.may_work(ctx, worker)
        for home_id, d, shift, role in ctx.demand:
            if not may_work(homes[home_id], d, shift, role):
                continue
            if (worker.id, home_id) not in sv.placed:
                sv.placed[worker.id, home_id] = ctx.model.boolean(
                    rules.PLACED, (worker.id, home_id)
                )
            sv.shifts[worker.id, home_id, d, shift, role] = ctx.model.boolean(
                rules.SHIFT, (worker.id, home_id, ctx.dates[d], shift, role)
            )
    _add_worked_days(ctx, sv)
    current = {w.id: w.home_history.current_home for w in ctx.scenario.workers}
    sv.new_only = {w.id for w in ctx.scenario.workers} - {
        w for (w, h) in sv.placed if h == current[w]
    }
    return sv


def _add_worked_days(ctx: Context, sv: StaffingVars) -> None:
    """worked[w,d] = sum_{h,s,r} shift[w,h,d,s,r] (at most 1 by the one-shift rule)."""
    per_day: dict[tuple[str, int], list[Var]] = defaultdict(list)
    for (w, _h, d, _s, _r), var in sv.shifts.items():
        per_day[w, d].append(var)
    for (w, d), variables in sorted(per_day.items()):
        worked = ctx.model.boolean(rules.WORKED, (w, ctx.dates[d]))
        sv.worked[w, d] = worked
        ctx.model.add_eq(
            [*((v, 1) for v in variables), (worked, -1)],
            0,
            rule=rules.WORKED_DAY,
            key=(w, ctx.dates[d]),
        )


def add_predeployment_test_variables(ctx: Context, sv: StaffingVars) -> None:
    """test[w,s,t] for workers who may start at a new home after their last test expires."""
    new_days = new_home_days(ctx, sv)
    for worker in ctx.scenario.workers:
        covered = valid_until(ctx, worker)
        if not any(d > covered for d in new_days.get(worker.id, {})):
            continue
        cohort = test_cohort(worker)
        for site, t in ctx.site_days(cohort, authority=worker.authority):
            if t + ctx.result_days(site) < ctx.days:
                var = ctx.model.boolean(rules.WORKER_TEST, (worker.id, site.id, ctx.dates[t]))
                sv.tests[worker.id, site.id, t] = var
                ctx.book(SlotBooking(var, site.id, t, cohort))


def valid_until(ctx: Context, worker: Worker) -> int:
    """Last day index covered by the worker's existing negative test (-1 if none)."""
    if worker.last_negative_test is None:
        return -1
    return ctx.day(worker.last_negative_test) + ctx.policy.predeployment_test_valid_days


def first_tested_start(ctx: Context, worker: Worker) -> int:
    """First day index a new pre-deployment test lets the worker start at a new home: a
    swab booked at the first site-day open to the worker's cohort, once its result is back
    (`ctx.days` if no test in the horizon can). The causes of unmet shifts read it, so
    that they name the test rule from the same site-days the model offers."""
    valid = ctx.policy.predeployment_test_valid_days
    starts = [
        t + wait
        for site, t in ctx.site_days(test_cohort(worker), authority=worker.authority)
        if t + (wait := ctx.result_days(site)) < ctx.days and wait <= valid
    ]
    return min(starts, default=ctx.days)


def new_home_days(ctx: Context, sv: StaffingVars) -> dict[str, dict[int, list[Var]]]:
    """worker -> day -> shift variables at homes other than the worker's current one."""
    workers = {w.id: w for w in ctx.scenario.workers}
    grouped: dict[str, dict[int, list[Var]]] = defaultdict(lambda: defaultdict(list))
    for (w, h, d, _s, _r), var in sv.shifts.items():
        if is_new_home(workers[w], h):
            grouped[w][d].append(var)
    return grouped


# ------------------------------------------------------------------ hard rules


def add_one_home_per_worker(ctx: Context, sv: StaffingVars) -> None:
    """A worker serves one home in the horizon: sum_h placed[w,h] <= 1, for each worker w
    whose pool keeps the rule (`one_home`: not when the policy's `one_home_per_worker` is
    off to measure the rule's effect, nor for a pool in its `multi_home_pools`)."""
    workers = {w.id: w for w in ctx.scenario.workers}
    homes_of: dict[str, list[Var]] = defaultdict(list)
    for (worker_id, _home), var in sv.placed.items():
        if one_home(ctx, workers[worker_id]):
            homes_of[worker_id].append(var)
    for worker_id, placed in homes_of.items():
        ctx.model.add_at_most(placed, 1, rule=rules.ONE_HOME, key=(worker_id,))


def add_one_shift_a_day_at_placed_home(ctx: Context, sv: StaffingVars) -> None:
    """Shifts only at the placed home, one a day: sum_{s,r} shift[w,h,d,s,r] <= placed[w,h]."""
    per_day: dict[tuple[str, str, int], list[Var]] = defaultdict(list)
    for (w, h, d, _s, _r), var in sv.shifts.items():
        per_day[w, h, d].append(var)
    for (w, h, d), variables in per_day.items():
        ctx.model.add_le(
            [*((v, 1) for v in variables), (sv.placed[w, h], -1)],
            0,
            rule=rules.SHIFT_AT_PLACED_HOME,
            key=(w, h, ctx.dates[d]),
        )


def _new_home_terms(
    sv: StaffingVars, worker_id: str, d: int, new: dict[int, list[Var]]
) -> list[tuple[Var, int]]:
    """The worker's shifts at new homes on day d: the day's `worked` when every candidate
    shift is at a new home (one term instead of many)."""
    variables = new.get(d, [])
    worked = sv.worked.get((worker_id, d))
    if worked is not None and variables and worker_id in sv.new_only:
        return [(worked, 1)]
    return [(v, 1) for v in variables]


def worked_by_worker(sv: StaffingVars) -> dict[str, dict[int, Var]]:
    grouped: dict[str, dict[int, Var]] = defaultdict(dict)
    for (w, d), var in sv.worked.items():
        grouped[w][d] = var
    return grouped


def add_rest_after_night(ctx: Context, sv: StaffingVars) -> None:
    """No day shift straight after a night: night[w,d] + day[w,d+1] <= 1, and across the
    horizon's edge day[w,0] <= 0 for a worker whose recent shifts hold a night on day -1."""
    by_shift: dict[tuple[str, int, Shift], list[Var]] = defaultdict(list)
    for (w, _h, d, s, _r), var in sv.shifts.items():
        by_shift[w, d, s].append(var)
    for (w, d, s), nights in sorted(by_shift.items()):
        if s != Shift.NIGHT:
            continue
        ctx.model.add_at_most(
            nights + by_shift.get((w, d + 1, Shift.DAY), []),
            1,
            rule=rules.REST_AFTER_NIGHT,
            key=(w, ctx.dates[d]),
        )
    for worker in ctx.scenario.workers:
        days = by_shift.get((worker.id, 0, Shift.DAY), [])
        if days and night_before(worker.home_history, ctx.dates[0]):
            ctx.model.add_at_most(
                days,
                0,
                rule=rules.REST_AFTER_NIGHT,
                key=(worker.id, _date(ctx, -1)),
            )


def _date(ctx: Context, d: int) -> dt.date:
    """The date of day index d, which may lie before the horizon."""
    return ctx.dates[0] + dt.timedelta(days=d)


def _add_window_limits(
    ctx: Context, worker: str, worked: dict[int, Var], windows: list[Window], rule: Rule
) -> None:
    """sum_{d in window} worked[w,d] <= the window's allowance, for each window."""
    for window in windows:
        ctx.model.add_at_most(
            [worked[d] for d in window.days if d in worked],
            window.allowance,
            rule=rule,
            key=(worker, _date(ctx, window.first)),
        )


def add_working_time_limits(ctx: Context, sv: StaffingVars) -> None:
    """Per worker, counting the days worked before the horizon (`scenarios.history`):
    shifts in any 7 days <= max_shifts_per_7_days; worked days in any (K+1) days <= K =
    max_consecutive_days; shifts in the horizon <= max_shifts. A window reaching back
    over h days worked before the horizon allows max(0, limit - h) in it."""
    policy = ctx.policy
    workers = {w.id: w for w in ctx.scenario.workers}
    k = policy.max_consecutive_days
    for worker_id, worked in sorted(worked_by_worker(sv).items()):
        before = worked_before(workers[worker_id].home_history, ctx.dates[0])
        for length, limit, rule in (
            (7, policy.max_shifts_per_7_days, rules.MAX_PER_7_DAYS),
            (k + 1, k, rules.MAX_CONSECUTIVE_DAYS),
        ):
            windows = working_windows(ctx.days, length, limit, before)
            _add_window_limits(ctx, worker_id, worked, windows, rule)
        cap = workers[worker_id].max_shifts
        if cap is not None:
            windows = working_windows(ctx.days, ctx.days, cap, ())
            _add_window_limits(ctx, worker_id, worked, windows, rules.MAX_SHIFTS)


def add_quarantine_between_homes(ctx: Context, sv: StaffingVars) -> None:
    """Where the one-home rule does not hold for a worker (`one_home`), they may serve
    several homes, but never two within the quarantine window: shifts at homes A != B are
    at least q = quarantine_days apart. Two days fewer than q apart are exactly two days
    sharing a window of q consecutive days, so per worker w and window k:

        sum_{s,r} shift[w,h,d,s,r] <= served[w,h,k]   for each home h and day d in k
        sum_h served[w,h,k] <= 1

    A horizon no longer than q is one window and served = placed, whose day links exist
    already; q <= 1 asks nothing one shift a day does not. (With the one-home rule on,
    `add_one_home_per_worker` is stricter; the edge of the horizon is
    `domain.earliest_day_at`.)"""
    q = ctx.policy.quarantine_days
    if q <= 1:
        return
    workers = {w.id: w for w in ctx.scenario.workers}
    days_at: dict[str, dict[tuple[str, int], list[Var]]] = defaultdict(lambda: defaultdict(list))
    for (w, h, d, _s, _r), var in sv.shifts.items():
        if not one_home(ctx, workers[w]):
            days_at[w][h, d].append(var)
    windows = working_windows(ctx.days, q, 1, ())
    for w, shifts in sorted(days_at.items()):
        for window in windows:
            homes = sorted({h for h, d in shifts if d in window.days})
            if len(homes) < 2:
                continue
            start = _date(ctx, window.first)
            if len(windows) == 1:
                served = [sv.placed[w, h] for h in homes]
            else:
                served = [ctx.model.boolean(rules.SERVED, (w, h, start)) for h in homes]
                sv.served.update(
                    ((w, h, window.days), var) for h, var in zip(homes, served, strict=True)
                )
                for h, var in zip(homes, served, strict=True):
                    for d in window.days:
                        if (h, d) in shifts:
                            ctx.model.add_le(
                                [*((v, 1) for v in shifts[h, d]), (var, -1)],
                                0,
                                rule=rules.SERVED_IN_WINDOW,
                                key=(w, h, ctx.dates[d], start),
                            )
            ctx.model.add_at_most(served, 1, rule=rules.QUARANTINE_BETWEEN_HOMES, key=(w, start))


def add_tested_before_first_shift(ctx: Context, sv: StaffingVars) -> None:
    """A first shift at a new home needs a negative test within the validity window whose
    result is back. ``started[w,d]`` marks that the worker has begun at their new home:

        new[w,d] <= started[w,d]                          works there only once started
        started[w,d-1] <= started[w,d] <= started[w,d-1] + new[w,d]   starts on a shift
        started[w,d] - started[w,d-1] <= sum_{s,t: t+res_s <= d <= t+V} test[w,s,t]

    (the last only after the worker's existing test has expired). Each booking must serve a
    start in its validity window, ``test[w,s,t] <= started[t+V] - started[t+res_s-1]``, and
    one test is enough: ``sum_{s,t} test[w,s,t] <= 1``."""
    workers = {w.id: w for w in ctx.scenario.workers}
    tests_of: dict[str, list[tuple[str, int, Var]]] = defaultdict(list)
    for (w, site_id, t), var in sv.tests.items():
        tests_of[w].append((site_id, t, var))
    for worker_id, new in sorted(new_home_days(ctx, sv).items()):
        covered = valid_until(ctx, workers[worker_id])
        if all(d <= covered for d in new):
            continue
        tests = tests_of[worker_id]
        started = _add_started(ctx, sv, worker_id, new, covered, tests)
        _add_tests_serve_starts(ctx, worker_id, tests, started)
        ctx.model.add_at_most(
            [v for _s, _t, v in tests],
            1,
            rule=rules.ONE_PREDEPLOYMENT_TEST,
            key=(worker_id,),
        )


def _add_started(
    ctx: Context,
    sv: StaffingVars,
    worker_id: str,
    new: dict[int, list[Var]],
    covered: int,
    tests: list[tuple[str, int, Var]],
) -> dict[int, Var]:
    """The worker's ``started`` days from their first possible day at a new home, each
    tied to the shifts worked there and, once their existing test has expired, to a
    booked test whose result is back and still valid."""
    valid = ctx.policy.predeployment_test_valid_days
    started: dict[int, Var] = {}
    for d in range(min(new), ctx.days):
        day = (worker_id, ctx.dates[d])
        started[d] = ctx.model.boolean(rules.STARTED, day)
        sv.started[worker_id, d] = started[d]
        today = _new_home_terms(sv, worker_id, d, new)
        before = [(started[d - 1], 1)] if d - 1 in started else []
        ctx.model.add_le([*today, (started[d], -1)], 0, rule=rules.WORKS_ONCE_STARTED, key=day)
        ctx.model.add_le([*before, (started[d], -1)], 0, rule=rules.STAYS_STARTED, key=day)
        ctx.model.add_le(
            [(started[d], 1), *((v, -c) for v, c in before), *((v, -c) for v, c in today)],
            0,
            rule=rules.STARTS_ON_A_SHIFT,
            key=day,
        )
        if d > covered:
            booked = [
                (v, -1)
                for site_id, t, v in tests
                if t + ctx.result_days(ctx.sites[site_id]) <= d <= t + valid
            ]
            ctx.model.add_le(
                [(started[d], 1), *((v, -c) for v, c in before), *booked],
                0,
                rule=rules.TESTED_BEFORE_FIRST_SHIFT,
                key=day,
            )
    return started


def _add_tests_serve_starts(
    ctx: Context, worker_id: str, tests: list[tuple[str, int, Var]], started: dict[int, Var]
) -> None:
    """Each booked test serves a start inside its validity window: a test no start uses
    would take a slot for nothing."""
    valid = ctx.policy.predeployment_test_valid_days
    for site_id, t, var in tests:
        # started is monotone: starts in [first, last] = started[last] - started[first-1]
        first = max(t + ctx.result_days(ctx.sites[site_id]), min(started))
        last = min(ctx.days - 1, t + valid)
        window = [(started[last], -1)] if first <= last else []
        if window and first - 1 in started:
            window.append((started[first - 1], 1))
        ctx.model.add_le(
            [(var, 1), *window],
            0,
            rule=rules.TEST_SERVES_A_START,
            key=(worker_id, site_id, ctx.dates[t]),
        )


# ------------------------------------------------------------------ soft rules


def add_shortfall_cover(
    ctx: Context,
    sv: StaffingVars,
    extra: Mapping[tuple[str, int, Shift, Role], list[tuple[Var, int]]] | None = None,
) -> list[Penalty]:
    """Cover each shift's demand up to its size, the rest uncovered at a risk-weighted
    price: sum_w shift[w,h,d,s,r] + uncovered[h,d,s,r] + forecast_uncovered[h,d,s,r]
    + extra = reported[h,d,s,r] + forecast[h,d,s,r], where `extra` is the terms another
    family adds to the demand (1:1 stays at home, `constraints.one_to_one`). A forecast
    shift left uncovered costs the policy's `absence_forecast.weight` times a reported one
    (at least 1), so where a worker can cover only one, the reported shift is covered."""
    weight = ctx.policy.objective.uncovered_shift
    share = ctx.policy.absence_forecast.weight
    covering: dict[tuple[str, int, Shift, Role], list[Var]] = defaultdict(list)
    for (_w, h, d, s, r), var in sv.shifts.items():
        covering[h, d, s, r].append(var)
    penalties = []
    for (home_id, d, shift, role), need in ctx.demand.items():
        k = (home_id, ctx.dates[d], shift, role)
        price = ctx.need_price(weight * ctx.risk.score(home_id, ctx.dates[d]), d)
        slacks = []
        for size, variable, soft, slack_of, cost in (
            (need.reported, rules.UNCOVERED, rules.SHORTFALL_COVER, sv.uncovered, price),
            (
                need.forecast,
                rules.FORECAST_UNCOVERED,
                rules.FORECAST_COVER,
                sv.forecast_uncovered,
                forecast_price(price, share),
            ),
        ):
            if size:
                slack = ctx.model.integer(0, size, variable, k)
                slack_of[home_id, d, shift, role] = slack
                slacks.append((slack, 1))
                penalties.append(Penalty(1, slack, cost, soft, k, home_id))
        ctx.model.add_eq(
            [
                *((v, 1) for v in covering[home_id, d, shift, role]),
                *slacks,
                *(extra or {}).get((home_id, d, shift, role), []),
            ],
            need.workers,
            rule=rules.SHORTFALL_COVER,
            key=k,
        )
    return penalties


def forecast_price(price: int, share: float) -> int:
    """A forecast shift's price from a reported one's: `share` of it, whole, at least 1
    (the objective's coefficients are integers)."""
    return max(1, int(price * share))


def add_deployment_costs(ctx: Context, sv: StaffingVars) -> list[Penalty]:
    """Tier 3: travel minutes per shift, each new worker entering a home (an infection
    route), and each pre-deployment test slot used."""
    weights = ctx.policy.objective
    workers = {w.id: w for w in ctx.scenario.workers}
    penalties = []
    # once a (worker, home) pair, not once a shift: a travel time is a haversine
    travel = {(w, h): ctx.scenario.travel.minutes(workers[w], ctx.homes[h]) for w, h in sv.placed}
    for (w, h, _d, _s, _r), var in sv.shifts.items():
        minutes = travel[w, h]
        if minutes and weights.travel_minute:
            penalties.append(
                Penalty(3, var, minutes * weights.travel_minute, rules.TRAVEL, home_id=h)
            )
    for (w, h), var in sv.placed.items():
        if is_new_home(workers[w], h):
            penalties.append(
                Penalty(3, var, weights.distinct_worker, rules.NEW_WORKER_IN_HOME, home_id=h)
            )
    penalties += [Penalty(3, v, 1, rules.PREDEPLOYMENT_TEST) for v in sv.tests.values()]
    return penalties
