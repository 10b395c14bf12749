"""A re-plan's previous deployment as a preference among equally good schedules.

Column generation proves tier 1 alone. Its dives, though, pick among schedules that tier 1
values alike (two identical workers, two equally needy shifts), and a pick unlike the
previous plan is a phone call someone must make. So in a re-plan each schedule's cost in
the dives gains a nudge: `-step` per shift or swab the previous plan held, `+step` per one
it did not, for the block's worker the schedule fits best. `step` is small enough that the
nudges of a whole plan stay under one unit of tier 1, which is integer: no nudge can buy
a worse tier 1, only break its ties.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from constraints.build import BuiltModel
from constraints.model import Var
from scheduler.solve.patterns.blocks import Split
from scheduler.solve.patterns.pricing import Schedule

TIE_SHARE = 0.5
"""The most a whole plan's nudges may add up to, in units of tier 1."""


class PreviousDeployment:
    """The previous plan's shifts and swabs, read per worker of each block."""

    def __init__(self, built: BuiltModel, parts: Split) -> None:
        self.staff = built.staff
        self.blocks = parts.blocks
        self.previous = built.previous
        # A plan holds at most one shift a day and one swab per worker; the previous plan
        # as many: every nudge of a plan together stays within TIE_SHARE.
        workers = sum(len(b.workers) for b in parts.blocks)
        self.step = TIE_SHARE / max(1, 2 * workers * (built.ctx.days + 1))

    def worker_nudge(self, worker: str, schedule: Schedule) -> float:
        """The schedule's nudge when `worker` takes it (inf if it is not theirs to take)."""
        total = 0.0
        for v in self._variables(worker, schedule):
            if v is None:
                return math.inf
            before = self.previous.get(v)
            if before is not None:
                total += self.step * (1 - 2 * min(before, 1))
        return total

    def nudge(self, schedule: Schedule) -> float:
        """The schedule's nudge for the block's worker it fits best."""
        return min(self.worker_nudge(w, schedule) for w in self.blocks[schedule.block].workers)

    def assign(
        self, workers: list[str], schedules: Iterable[Schedule]
    ) -> list[tuple[str, Schedule]]:
        """The block's workers matched to its schedules: each schedule, those closest to
        the previous plan first, to the worker it fits best (by name among equals)."""
        left = list(workers)
        ordered = sorted(schedules, key=self.nudge)
        matched = []
        for schedule in ordered:
            w = min(left, key=lambda w: (self.worker_nudge(w, schedule), w))
            left.remove(w)
            matched.append((w, schedule))
        return matched

    def _variables(self, worker: str, schedule: Schedule) -> list[Var | None]:
        chosen: list[Var | None] = [
            self.staff.shifts.get((worker, schedule.home, d, s, r))
            for d, s, r, _v in schedule.shifts
        ]
        if schedule.test is not None:
            site, t, _v = schedule.test
            chosen.append(self.staff.tests.get((worker, site, t)))
        return chosen
