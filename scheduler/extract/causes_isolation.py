"""Why an isolation request waited or was not placed: the facilities full on the days it
needed (and the requests holding their beds), or no pre-admission test in time."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from constraints import rules
from constraints.build import BuiltModel
from constraints.domain import facility_accepts, facility_serves, site_accepts, site_serves
from constraints.isolation import request_risk, stay_days, swab_day
from constraints.model import Constraint, Var
from constraints.rules import key_dates
from scenarios.schema import Cohort, IsolationFacility, IsolationRequest, daily
from scheduler.extract.cause_rules import NEXT_IN_LINE, Cause, PlanView, Tightness, ranges
from scheduler.extract.causes_testing import TestingCauses

_SWAB_RULES = (rules.SITE_CAPACITY, rules.PRE_ADMISSION_TEST)
"""Rules that stop an admission by its pre-admission swab."""


@dataclass
class _BedSearch:
    """What trying every admission a request could have had found: the days each facility
    was full, the rules that bound, the days its swab could not be booked, and each
    (full days, facility, day) option to name the cheapest remedy from."""

    full: dict[str, set[dt.date]] = field(default_factory=lambda: defaultdict(set))
    binding: set[str] = field(default_factory=set)
    tests_full: set[dt.date] = field(default_factory=set)
    options: list[tuple[int, str, int]] = field(default_factory=list)


class IsolationCauses(PlanView):
    """Causes of unplaced (or late) isolation requests; a missing pre-admission slot is
    explained as the testing family explains any missing slot."""

    def __init__(
        self, built: BuiltModel, values: list[int], tight: Tightness, testing: TestingCauses
    ) -> None:
        super().__init__(built, values, tight)
        self.testing = testing

    def unplaced(self, req: IsolationRequest, admit_day: int | None = None) -> Cause:
        """Why `req` is unplaced (or, with `admit_day`, why it waited until then): no
        facility that takes it, the beds full, or no pre-admission swab in time, in that
        order, since each later check only means something once the earlier one passes."""
        authority = req.authority_in(self.ctx.homes)
        facilities = [
            f
            for f in self.ctx.scenario.isolation_facilities
            if facility_accepts(f, req.need) and facility_serves(f, authority)
        ]
        if not facilities:
            return Cause(
                "isolation",
                "",
                f"no facility accepts {req.need}",
                rule=rules.FACILITY_ACCEPTS.id,
                remedy=f"a facility taking {req.need}",
            )
        first = self.ctx.day(req.earliest)
        last = self.ctx.days - 1 if admit_day is None else admit_day - 1
        search = self._try_beds(req, facilities, range(first, last + 1), admit_day)
        if isinstance(search, Cause):
            return search
        if any(search.full.values()):
            return self._beds_full(req, facilities, search)
        return self._no_swab(req, authority, range(max(1, first), last + 1), search)

    def _try_beds(
        self,
        req: IsolationRequest,
        facilities: list[IsolationFacility],
        days: range,
        admit_day: int | None,
    ) -> _BedSearch | Cause:
        """Every admission `req` could have had, tried with its own decisions undone: what
        each breaks, or the time-limit cause as soon as one breaks nothing."""
        iv = self.built.beds
        undo: dict[Var, int] = {iv.unplaced[req.id]: -1} if admit_day is None else {}
        for (r, _f, _d), var in iv.admit.items():
            if r == req.id and self.values[var]:
                undo[var] = -1
        for (r, _s, _d), var in iv.tests.items():
            if r == req.id and self.values[var]:
                undo[var] = -1
        search = _BedSearch()
        for f in facilities:
            for d in days:
                admit = iv.admit.get((req.id, f.id, d))
                if admit is None:
                    continue
                broken = self._admission_blocked(req.id, d, {**undo, admit: 1})
                if not broken:
                    return Cause(
                        "solver",
                        "",
                        f"a bed at {f.id} from {self.ctx.dates[d]} was free when the time "
                        "limit ended",
                        rule="time_limit",
                        remedy="a longer time limit",
                    )
                search.binding.update(c.name for c in broken)
                beds = {key_dates(c.key)[-1] for c in broken if c.rule == rules.BED_OCCUPANCY}
                search.full[f.id] |= beds
                if any(c.rule in _SWAB_RULES for c in broken):
                    search.tests_full.add(self.ctx.dates[d])
                search.options.append((len(beds), f.id, d))
        return search

    def _beds_full(
        self, req: IsolationRequest, facilities: list[IsolationFacility], search: _BedSearch
    ) -> Cause:
        """The facilities full on the days `req` needed, who holds their beds, who waits
        next, and the beds that would have placed it at the least full facility."""
        ctx = self.ctx
        full = search.full
        text = "; ".join(
            f"{fid} full on {ranges(days)}" for fid, days in sorted(full.items()) if days
        )
        _n, fid, d = min(search.options)
        fac = next(f for f in facilities if f.id == fid)
        occupancy = self._occupancy(req.id)
        need = sorted(
            ctx.dates[t]
            for t in range(d, min(ctx.days, d + stay_days(ctx, req)))
            if occupancy[fid, t] >= daily(fac.beds, t)
        )
        holders = self._bed_holders(fid, set(need), req)
        if holders:
            text += "; beds held by " + ", ".join(f"{r} (risk {k})" for r, k in holders[:3])
        line = self._next_in_line_for_beds(req, set(full))
        if line:
            text += f"; next in line: {', '.join(line)}"
        return Cause(
            "isolation",
            ",".join(sorted(fid for fid, days in full.items() if days)),
            text,
            rule=rules.BED_OCCUPANCY.id,
            date=min(d for days in full.values() for d in days),
            binding=tuple(sorted(search.binding)),
            next_in_line=tuple(line),
            remedy=f"+1 bed at {fid} on {ranges(need)}" if need else "",
        )

    def _no_swab(
        self, req: IsolationRequest, authority: str | None, days: range, search: _BedSearch
    ) -> Cause:
        """Beds were free, so the pre-admission swab is what failed: no channel takes it,
        none had a slot variable in time, or every slot in time was taken."""
        ctx = self.ctx
        sites = [
            s
            for s in ctx.scenario.test_sites
            if site_accepts(s, Cohort.ADMISSIONS) and site_serves(s, authority)
        ]
        if not sites:
            return Cause(
                "testing",
                "",
                "no test channel takes pre-admission tests",
                rule=rules.SITE_ACCEPTS.id,
                remedy="a test channel taking pre-admission tests",
            )
        swabs = [(s, d, swab_day(ctx, s, d)) for s in sites for d in days]
        if not any((req.id, s.id, d) in self.built.beds.tests for s, d, _t in swabs):
            return self.testing.no_slot([(s, t) for s, _d, t in swabs], 1)
        return Cause(
            "testing",
            "",
            "no pre-admission test slot free in time",
            rule=rules.SITE_CAPACITY.id,
            date=min(search.tests_full) if search.tests_full else None,
            binding=tuple(sorted(search.binding)),
            remedy="+1 admission test slot in time for the admission",
        )

    def _admission_blocked(self, request_id: str, d: int, move: dict[Var, int]) -> list[Constraint]:
        """The rules an admission on day `d` breaks, with its pre-admission swab booked at
        the first site that has room (the swab's rules when none has)."""
        swabs = [
            v for (r, _s, day), v in self.built.beds.tests.items() if r == request_id and day == d
        ]
        if d < 1 or not swabs:
            return self.tight.blocking(move)
        tries = [self.tight.blocking({**move, v: move.get(v, 0) + 1}) for v in swabs]
        return min(tries, key=len)

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

    def _bed_holders(
        self, facility: str, days: set[dt.date], req: IsolationRequest
    ) -> list[tuple[str, int]]:
        """Requests holding a bed at `facility` on any of `days`, highest risk first."""
        ctx = self.ctx
        requests = {r.id: r for r in ctx.scenario.isolation_requests}
        held = set()
        for (r, f, d), var in self.built.beds.admit.items():
            if f == facility and self.values[var] and r != req.id:
                stay = range(d, d + stay_days(ctx, requests[r]))
                if any(ctx.day(day) in stay for day in days):
                    held.add(r)
        rows = [(r, request_risk(ctx, requests[r])) for r in held]
        return sorted(rows, key=lambda x: (-x[1], x[0]))

    def _next_in_line_for_beds(self, req: IsolationRequest, facilities: set[str]) -> list[str]:
        """Other unplaced requests one of these facilities accepts, highest risk first."""
        ctx = self.ctx
        accepting = {f.id: f for f in ctx.scenario.isolation_facilities if f.id in facilities}
        waiting = [
            r
            for r in ctx.scenario.isolation_requests
            if r.id != req.id
            and self.values[self.built.beds.unplaced[r.id]]
            and any(r.need in f.accepts for f in accepting.values())
        ]
        waiting.sort(key=lambda r: (-request_risk(ctx, r), r.id))
        return [r.id for r in waiting[:NEXT_IN_LINE]]
