"""Why a need went unmet: the rule and resource that bind it in the solved plan.

Causes are read off the plan by checking which resources are exhausted (a site-day at
capacity, a facility at its bed count, every eligible worker placed elsewhere), not guessed
from the solver. Each returns (rule family, resource id, sentence).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from constraints.isolation import stay_days
from constraints.staffing import earliest_day_at
from constraints.testing import CoverWindow
from scenarios.schema import Cohort, IsolationRequest, Role, Shift, daily
from scheduler.build import BuiltModel

Cause = tuple[str, str, str]


def _ranges(days: Iterable[dt.date]) -> str:
    """`2020-06-02..2020-06-04, 2020-06-07` from a set of dates."""
    ordered = sorted(set(days))
    parts: list[str] = []
    run: list[dt.date] = []
    for day in ordered:
        if run and (day - run[-1]).days != 1:
            parts.append(_run(run))
            run = []
        run.append(day)
    if run:
        parts.append(_run(run))
    return ", ".join(parts)


def _run(run: list[dt.date]) -> str:
    return str(run[0]) if len(run) == 1 else f"{run[0]}..{run[-1]}"


class CauseFinder:
    def __init__(self, built: BuiltModel, values: list[int]) -> None:
        self.built = built
        self.ctx = built.ctx
        self.values = values
        self.site_load: dict[tuple[str, int], int] = defaultdict(int)
        for b in self.ctx.bookings:
            self.site_load[b.site, b.day] += values[b.var]

    # ------------------------------------------------------------------ testing

    def untested(self, w: CoverWindow) -> Cause:
        ctx = self.ctx
        home = ctx.homes[w.home]
        in_window = [
            (s, d) for s, d in ctx.site_days(w.cohort, home.type) if w.first <= d <= w.last
        ]
        if not any(s.accepts(w.cohort, home.type) for s in ctx.scenario.test_sites):
            return ("testing", "", f"no test channel accepts {w.cohort} of {home.type} homes")
        if not in_window:
            return ("testing", "", "no eligible channel can test inside the window (lead time)")
        full = [(s, d) for s, d in in_window if self.site_load[s.id, d] >= daily(s.capacity, d)]
        by_site: dict[str, list[dt.date]] = defaultdict(list)
        for s, d in full:
            by_site[s.id].append(ctx.dates[d])
        sites = "; ".join(
            f"site {sid} full on {_ranges(days)}" for sid, days in sorted(by_site.items())
        )
        if len(full) == len(in_window):
            return ("testing", ",".join(sorted(by_site)), sites)
        mobile = [s.id for s, d in in_window if (s, d) not in full and s.max_homes_per_day]
        if mobile:
            return (
                "testing",
                mobile[0],
                f"mobile unit {mobile[0]} at its daily visit limit; {sites}",
            )
        return (
            "solver",
            "",
            f"spare slots left when the time limit ended; {sites or 'no site full'}",
        )

    # ------------------------------------------------------------------ staffing

    def uncovered(self, home_id: str, d: int, shift: Shift, role: Role) -> Cause:
        ctx = self.ctx
        workers = ctx.scenario.workers
        holders = [w for w in workers if role in w.roles]
        if not holders:
            return ("staffing", "", f"no bank worker holds the role {role}")
        available = [w for w in holders if w.available_on(ctx.dates[d], shift)]
        if not available:
            return ("staffing", "", f"no {role} is available for the {shift} shift")
        quarantined = [w for w in available if d < earliest_day_at(ctx, w, home_id)]
        placed_at = self._placed_home()
        worked = self._worked_days()
        reasons: Counter[str] = Counter()
        for w in available:
            if w in quarantined:
                reasons["inside the quarantine window since another home"] += 1
            elif placed_at.get(w.id, home_id) != home_id:
                reasons["placed at another home (one home per worker)"] += 1
            elif d in worked[w.id]:
                reasons["already on another shift that day"] += 1
            else:
                reasons["at a working-time, rest or pre-deployment test limit"] += 1
        text = "; ".join(f"{n} {why}" for why, n in reasons.most_common())
        return ("staffing", role.value, f"all {len(available)} available {role}s unusable: {text}")

    def _placed_home(self) -> dict[str, str]:
        placed: dict[str, str] = {}
        for (w, h, _d, _s, _r), var in self.built.staff.shifts.items():
            if self.values[var]:
                placed[w] = h
        return placed

    def _worked_days(self) -> dict[str, set[int]]:
        worked: dict[str, set[int]] = defaultdict(set)
        for (w, _h, d, _s, _r), var in self.built.staff.shifts.items():
            if self.values[var]:
                worked[w].add(d)
        return worked

    # ------------------------------------------------------------------ isolation

    def unplaced(self, req: IsolationRequest, admit_day: int | None = None) -> Cause:
        """Why `req` is unplaced (or, with `admit_day`, why it waited until then)."""
        ctx = self.ctx
        facilities = [f for f in ctx.scenario.isolation_facilities if req.need in f.accepts]
        if not facilities:
            return ("isolation", "", f"no facility accepts {req.need}")
        first = ctx.day(req.earliest)
        last = ctx.days - 1 if admit_day is None else admit_day - 1
        occupancy = self._occupancy(excluding=req.id)
        full: dict[str, list[dt.date]] = defaultdict(list)
        for f in facilities:
            for t in range(first, min(ctx.days, last + stay_days(ctx, req))):
                if occupancy[f.id, t] >= daily(f.beds, t):
                    full[f.id].append(ctx.dates[t])
        if full:
            text = "; ".join(f"{fid} full on {_ranges(days)}" for fid, days in sorted(full.items()))
            return ("isolation", ",".join(sorted(full)), text)
        if not any(s.accepts(Cohort.ADMISSIONS) for s in ctx.scenario.test_sites):
            return ("testing", "", "no test channel takes pre-admission tests")
        return ("testing", "", "no pre-admission test slot free the day before")

    def _occupancy(self, excluding: str) -> dict[tuple[str, int], int]:
        """Beds held each day by every placed request but `excluding`."""
        ctx = self.ctx
        requests = {r.id: r for r in ctx.scenario.isolation_requests}
        occupancy: dict[tuple[str, int], int] = defaultdict(int)
        for (r, f, d), var in self.built.beds.admit.items():
            if self.values[var] and r != excluding:
                for t in range(d, min(ctx.days, d + stay_days(ctx, requests[r]))):
                    occupancy[f, t] += 1
        return occupancy
