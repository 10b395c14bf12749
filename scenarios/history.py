"""A worker's days before the horizon, and the working-time windows they shorten.

One definition read by the model (`constraints.staffing`), the greedy plan
(`scheduler.heuristics.greedy`) and the independent checker (`scheduler.validate`), so
that the three cannot disagree on which days a rule counts. Days are indexes from the
horizon's first day: -1 is the day before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from scenarios.limits import MAX_HORIZON_DAYS
from scenarios.schema import HomeHistory, Policy, RecentShift, Shift

LOOKBACK_LIMIT_DAYS = MAX_HORIZON_DAYS
"""Furthest back a recent shift may be dated: one longest horizon, so a whole previous
plan fits whatever the policy."""


def lookback_days(policy: Policy) -> int:
    """How many days before the horizon any rule reads: the 7-day window's other six days,
    a run of max_consecutive_days, and the night before the first day."""
    return min(LOOKBACK_LIMIT_DAYS, max(6, policy.max_consecutive_days))


@dataclass(frozen=True)
class Worked:
    """One shift worked (or planned) at a home; `home_id` None when a recorded recent
    shift did not say where, `shift` None when only a worker's `last_shift` records it."""

    date: dt.date
    shift: Shift | None
    home_id: str | None

    def __str__(self) -> str:
        return " ".join(str(part) for part in (self.date, self.shift, self.home_id) if part)

    def key(self) -> tuple[dt.date, str, str]:
        return self.date, self.shift or "", self.home_id or ""


def recorded_shifts(history: HomeHistory) -> set[Worked]:
    """The shifts a worker's history records before the horizon: each recent shift, and
    the last shift at the current home where no recent shift is dated that day (a scenario
    may state only where and when a worker last worked). Tracing reads them, and so does a
    what-if outbreak that stands down the people who worked at the home."""
    found = {Worked(r.date, r.shift, r.home) for r in history.recent_shifts}
    listed = {r.date for r in history.recent_shifts}
    if history.last_shift is not None and history.last_shift not in listed:
        found.add(Worked(history.last_shift, None, history.current_home))
    return found


def worked_before(history: HomeHistory, start: dt.date) -> dict[int, Shift]:
    """Day index (negative) -> the shift worked that day, for the recent shifts."""
    return {(r.date - start).days: r.shift for r in history.recent_shifts if r.date < start}


@dataclass(frozen=True)
class Window:
    """`length` consecutive days from day `first` (negative: it starts before the horizon)
    that hold horizon days `days`, in which at most `allowance` more days may be worked."""

    first: int
    days: range
    allowance: int


def working_windows(horizon: int, length: int, limit: int, before: Iterable[int]) -> list[Window]:
    """The windows of `length` days a rule "at most `limit` days worked in any `length`
    consecutive days" needs over a horizon of `horizon` days, given the days `before` worked
    before it: each window holding a horizon day, its allowance the limit less the days
    worked before the horizon in it (never below 0: a history already over the limit
    forbids work in the window rather than every plan), less those another window makes
    redundant (no more horizon days, no larger allowance). Without a history: the windows
    inside the horizon, or the whole horizon if it is shorter."""
    worked = set(before)
    every = [
        Window(
            first,
            range(max(0, first), min(horizon, first + length)),
            max(0, limit - sum(1 for d in worked if first <= d < 0)),
        )
        for first in range(-(length - 1), horizon)
    ]
    every = [w for w in every if w.days]

    def redundant(i: int, w: Window) -> bool:
        return any(
            j != i
            and v.allowance <= w.allowance
            and v.days.start <= w.days.start
            and w.days.stop <= v.days.stop
            and (j < i or (v.allowance, v.days) != (w.allowance, w.days))
            for j, v in enumerate(every)
        )

    return [w for i, w in enumerate(every) if not redundant(i, w)]


def night_before(history: HomeHistory, start: dt.date) -> bool:
    """Whether the worker worked a night shift on the day before `start`."""
    return worked_before(history, start).get(-1) == Shift.NIGHT


def carried(
    history: HomeHistory, worked: Iterable[RecentShift], start: dt.date, lookback: int
) -> HomeHistory:
    """`history` moved on to a horizon from `start`: the shifts `worked` since (they replace
    any recent shift on their dates), the recent shifts kept to the `lookback` days before
    `start`, and the current home and last shift those give."""
    by_date = {r.date: r for r in history.recent_shifts}
    by_date.update((r.date, r) for r in worked if r.date < start)
    recent = [by_date[d] for d in sorted(by_date) if 0 < (start - d).days <= lookback]
    current, last = history.current_home, history.last_shift
    latest = max(
        (r for r in by_date.values() if r.home is not None), key=lambda r: r.date, default=None
    )
    if latest is not None and (last is None or latest.date >= last):
        current, last = latest.home, latest.date
    return HomeHistory(current_home=current, last_shift=last, recent_shifts=recent)
