"""Why a need went unmet: the hard rules that are tight against it in the solved plan.

A cause is read off the plan, not guessed: for each way the need could have been met a
little more (one more swab of the cohort at a site on a day, one candidate worker on the
shift, the request admitted to a facility on a day), `Tightness.blocking` applies that
move to the plan's values (with the variables it implies: the shortfall drops, the worker
becomes placed and worked) and names the hard rules it would break, i.e. the constraints
with no slack in that direction. Rules kept by construction (a site that does not take
the cohort, a worker without the role, outside their availability or inside the
quarantine window) have no constraint and are named from the scenario. A need with some
move that breaks nothing was left open by the search, not by a rule: family "solver".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from constraints.build import BuiltModel
from constraints.isolation import request_risk, stay_days, swab_day
from constraints.model import Constraint, Var
from constraints.staffing import earliest_day_at, is_new_home
from constraints.testing import CoverWindow, window_price
from scenarios.schema import (
    NOT_TESTED_BY_KIND,
    Cohort,
    IsolationRequest,
    Role,
    Shift,
    TestSite,
    Worker,
    daily,
)
from scenarios.words import count

NEXT_IN_LINE = 3
"""How many homes (or workers) close to getting the binding resource a cause names."""

STAFF_RULES: dict[str, str] = {
    "availability": "not available for that shift",
    "quarantine": "inside the quarantine window since another home",
    "one_home": "placed at another home (one home per worker)",
    "one_shift_a_day": "already on another shift that day",
    "rest_after_night": "on a night shift next to it (rest after a night)",
    "max_per_7_days": "at the shifts-per-7-days limit",
    "max_consecutive_days": "at the consecutive-days limit",
    "max_shifts": "at their own maximum of shifts",
    "test_validity": "no valid negative test by then (pre-deployment test rule)",
}
"""Why a candidate worker could not take a shift, most binding first."""

_TEST_RULES = {
    "tested_before_first_shift",
    "test_serves_a_start",
    "one_predeployment_test",
    "works_once_started",
    "stays_started",
    "starts_on_a_shift",
}

_QUARANTINE_RULES = {"quarantine_between_homes", "served_in_window"}
"""The quarantine window between two homes, with the one-home rule off."""


def _test_rule_text(rule: str) -> str:
    """What a rule that stops one more swab (besides site capacity and mobile visits) says:
    only `cohort_size` is the one-swab-a-day rule; a re-plan's `kept_*` rules keep a
    booking as it was; any other rule is named as it is."""
    if rule == "cohort_size":
        return "one swab per person a day (cohort_size)"
    if rule.startswith("kept_"):
        return f"kept as booked before the re-plan's first open day ({rule})"
    return rule


@dataclass(frozen=True)
class Cause:
    """The binding cause of one unmet need: `family`, `rule` (a constraint name prefix or a
    rule kept by construction), `resource` (site, facility or role) and `date` are for
    machines; `text` is the sentence; `binding` the tight constraints by name; `next_in_line`
    who was closest to getting the resource; `blocked` each candidate worker's rule as
    `worker:rule[@home or date]`; `remedy` the cheapest change that would have met more."""

    family: str
    resource: str
    text: str
    rule: str = ""
    date: dt.date | None = None
    binding: tuple[str, ...] = ()
    next_in_line: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()
    remedy: str = ""


def rule_of(name: str) -> str:
    """`site_capacity[local,2020-06-02]` -> `site_capacity`."""
    return name.split("[", 1)[0]


def ranges(days: Iterable[dt.date]) -> str:
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


def _names(rules: list[Constraint], rule: str) -> list[str]:
    return [c.name for c in rules if rule_of(c.name) == rule]


def _key_date(name: str) -> dt.date:
    """The date that ends a model name's key: `bed_occupancy[hotel,2020-06-02]`."""
    return dt.date.fromisoformat(name.rstrip("]").rsplit(",", 1)[-1])


def _run(run: list[dt.date]) -> str:
    return str(run[0]) if len(run) == 1 else f"{run[0]}..{run[-1]}"


class Tightness:
    """Each hard rule's activity at the plan, to test moves against its bounds."""

    def __init__(self, built: BuiltModel, values: list[int]) -> None:
        self.model = built.model
        self.values = values
        self.rules = [c for c in self.model.constraints if c.tier == 1]
        self.activity = [sum(k * values[v] for v, k in c.terms) for c in self.rules]
        self.touching: dict[Var, list[tuple[int, int]]] = defaultdict(list)
        for i, c in enumerate(self.rules):
            for v, k in c.terms:
                self.touching[v].append((i, k))

    def blocking(self, move: dict[Var, int]) -> list[Constraint]:
        """The hard rules `move` (variable -> change) would break, with the variables'
        own bounds as pseudo-rules named after the variable."""
        broken: list[Constraint] = []
        for v, dv in move.items():
            var = self.model.variables[v]
            if not var.lb <= self.values[v] + dv <= var.ub:
                broken.append(Constraint(var.name, "bound", ((v, 1),), var.lb, var.ub))
        change: dict[int, int] = defaultdict(int)
        for v, dv in move.items():
            for i, k in self.touching[v]:
                change[i] += k * dv
        for i, delta in change.items():
            c = self.rules[i]
            total = self.activity[i] + delta
            if (c.lb is not None and total < c.lb) or (c.ub is not None and total > c.ub):
                broken.append(c)
        return broken


class CauseFinder:
    def __init__(self, built: BuiltModel, values: list[int]) -> None:
        self.built = built
        self.ctx = built.ctx
        self.values = values
        self.tight = Tightness(built, values)
        self._windows_at = self._unmet_windows_by_site_day()
        self._placed, self._worked = self._deployment()
        # Indexes, so that each of hundreds of unmet needs reads only its own rows.
        self._tests_of: dict[tuple[str, Cohort], list[tuple[str, int, Var]]] = defaultdict(list)
        for (h, c, site, d), var in built.tests.tests.items():
            self._tests_of[h, c].append((site, d, var))
        self._bookings_at = self.ctx.bookings_by_site_day()
        self._served: dict[tuple[str, str], list[tuple[range, Var]]] = defaultdict(list)
        for (w, h, days), var in built.staff.served.items():
            self._served[w, h].append((days, var))

    # ------------------------------------------------------------------ testing

    def _window_moves(self, w: CoverWindow) -> dict[tuple[str, int], dict[Var, int]]:
        """(site, day) -> one more swab of the window's cohort there, its shortfall down."""
        tv = self.built.tests
        moves = {}
        for s, d, var in self._tests_of[w.home, w.cohort]:
            if w.first <= d <= w.last:
                move = {var: 1, tv.short[w]: -1}
                visit = tv.visits.get((w.home, s, d))
                if visit is not None and not self.values[visit]:
                    move[visit] = 1
                moves[s, d] = move
        return moves

    def _unmet_windows_by_site_day(self) -> dict[tuple[str, int], list[CoverWindow]]:
        tv = self.built.tests
        unmet = {(w.home, w.cohort): w for w, v in tv.short.items() if self.values[v]}
        at: dict[tuple[str, int], list[CoverWindow]] = defaultdict(list)
        for h, c, s, d in tv.tests:
            w = unmet.get((h, c))
            if w is not None and w.first <= d <= w.last:
                at[s, d].append(w)
        return at

    def window_priority(self, w: CoverWindow) -> int:
        """Tier-1 price of leaving one person of the window untested."""
        return window_price(self.ctx, w)

    def untested(self, w: CoverWindow) -> Cause:
        ctx = self.ctx
        home = ctx.homes[w.home]
        if not any(
            s.accepts(w.cohort, home.type) and s.serves(home.authority)
            for s in ctx.scenario.test_sites
        ):
            by_kind = [
                f"{s.kind} {s.id} does not test them by its kind's rule"
                for s in ctx.scenario.test_sites
                if s.home_types is None
                and w.cohort in s.cohorts
                and s.serves(home.authority)
                and home.type in NOT_TESTED_BY_KIND.get(s.kind, {}).get(w.cohort, ())
            ]
            return Cause(
                "testing",
                "",
                "; ".join([f"no test channel accepts {w.cohort} of {home.type} homes", *by_kind]),
                rule="site_accepts",
                remedy=f"a test channel taking {w.cohort} of {home.type} homes",
            )
        moves = self._window_moves(w)
        if not moves:
            eligible = [
                site
                for site in ctx.scenario.test_sites
                if site.accepts(w.cohort, home.type) and site.serves(home.authority)
            ]
            window = range(w.first, w.last + 1)
            shut = self._no_slot([(site, d) for site in eligible for d in window], w.size)
            if shut.rule == "lead_time":
                return replace(shut, date=w.due)
            return shut
        blocked = {sd: self.tight.blocking(move) for sd, move in moves.items()}
        free = [sd for sd, rules in blocked.items() if not rules]
        full = sorted(
            (
                sd
                for sd, rules in blocked.items()
                if any(rule_of(c.name) == "site_capacity" for c in rules)
            ),
            key=lambda sd: (sd[1], sd[0]),
        )
        by_site: dict[str, list[dt.date]] = defaultdict(list)
        for s, d in full:
            by_site[s].append(ctx.dates[d])
        sites = "; ".join(
            f"site {sid} full on {ranges(days)}" for sid, days in sorted(by_site.items())
        )
        binding = tuple(sorted({c.name for rules in blocked.values() for c in rules}))
        if free:
            return Cause(
                "solver",
                "",
                f"spare slots left when the time limit ended; {sites or 'no site full'}",
                rule="time_limit",
                binding=binding,
                remedy="a longer time limit",
            )
        if len(full) < len(blocked):
            other = Counter(
                rule_of(c.name) for sd, rules in blocked.items() if sd not in full for c in rules
            )
            rule = other.most_common(1)[0][0]
            if rule in ("mobile_unit_visits", "mobile_visit_link"):
                mobile = next(s for s, _d in blocked if ctx.sites[s].max_homes_per_day)
                return Cause(
                    "testing",
                    mobile,
                    f"mobile unit {mobile} at its daily visit limit; {sites}",
                    rule="mobile_unit_visits",
                    binding=binding,
                    remedy=f"one more visit a day for mobile unit {mobile}",
                )
            said = _test_rule_text(rule)
            text = f"{said}; {sites}" if sites else said
            return Cause("testing", "", text, rule=rule, binding=binding)
        s, d = full[-1]  # the latest full day: one more slot there is still in time
        users = self.site_users(s, d, w.home)
        ahead = [u for u in users if u[1] >= self.ctx.risk.score(w.home, ctx.dates[d])]
        used = ", ".join(f"{who} (risk {risk}, {count(n, 'test')})" for who, risk, n in ahead[:3])
        more = f" and {len(ahead) - 3} more" if len(ahead) > 3 else ""
        text = sites + (f"; used by higher-risk {used}{more}" if used else "")
        line = self._next_in_line_for_tests(full)
        if line:
            rank = f" (this home {line.index(w.home) + 1}.)" if w.home in line else ""
            text += f"; next in line: {', '.join(line[:NEXT_IN_LINE])}{rank}"
        n = self.values[self.built.tests.short[w]]
        return Cause(
            "testing",
            ",".join(sorted(by_site)),
            text,
            rule="site_capacity",
            date=ctx.dates[d],
            binding=binding,
            next_in_line=tuple(line[:NEXT_IN_LINE]),
            remedy=f"+{count(n, 'test')} at site {s} on {ctx.dates[d]}",
        )

    def _no_slot(self, site_days: list[tuple[TestSite, int]], n: int) -> Cause:
        """Why none of `site_days` (site, day of the swab) could take a swab at all: the day
        is before the plan, before the site's lead time has passed, or the site has no
        slots that day. The rule named is one that binds: no slots where some day past the
        lead time has none (slots there would help), else the lead time, else the days
        results take (the swab would fall before the plan)."""
        ctx = self.ctx
        empty: dict[str, list[dt.date]] = defaultdict(list)
        opens: dict[str, int] = {}
        before_plan: dict[str, int] = {}
        for site, d in site_days:
            if d < 0:
                before_plan[site.id] = max(1, site.result_days)
            elif d < site.lead_days:
                opens[site.id] = site.lead_days
            elif daily(site.capacity, d) <= 0:
                empty[site.id].append(ctx.dates[d])
        parts = [
            f"site {sid} has no slots on {ranges(days)}" for sid, days in sorted(empty.items())
        ]
        parts += [
            f"site {sid} takes bookings only from {ctx.dates[min(lead, ctx.days - 1)]}"
            f" (lead time {count(lead, 'day')})"
            if lead < ctx.days
            else f"site {sid} takes no booking inside the plan (lead time {count(lead, 'day')})"
            for sid, lead in sorted(opens.items())
        ]
        parts += [
            f"a swab at site {sid} would fall before the plan's first day (results take "
            f"{count(days, 'day')})"
            for sid, days in sorted(before_plan.items())
        ]
        text = "; ".join(parts) or "no test channel has a day for it"
        if empty:
            sid = max(sorted(empty), key=lambda x: max(empty[x]))  # latest: still in time
            last = max(empty[sid])
            return Cause(
                "testing",
                ",".join(sorted(empty)),
                text,
                rule="site_capacity",
                date=last,
                remedy=f"+{count(n, 'test')} at site {sid} on {last}",
            )
        if opens:
            return Cause(
                "testing",
                ",".join(sorted(opens)),
                text,
                rule="lead_time",
                remedy="a channel with a shorter lead time",
            )
        return Cause(
            "testing",
            ",".join(sorted(before_plan)),
            text,
            rule="result_days",
            remedy="a channel whose results come back sooner",
        )

    def site_users(self, site: str, d: int, but: str | None = None) -> list[tuple[str, int, int]]:
        """Who holds slots at `site` on day `d`: (home, worker or request, risk, tests),
        highest risk first; workers' and admissions' swabs carry risk 0."""
        held: dict[str, int] = defaultdict(int)
        for b in self._bookings_at.get((site, d), []):
            if self.values[b.var]:
                who = b.home or (
                    "pre-admission" if b.cohort == Cohort.ADMISSIONS else "pre-deployment"
                )
                held[who] += self.values[b.var]
        date = self.ctx.dates[d]
        rows = [
            (who, self.ctx.risk.score(who, date) if who in self.ctx.homes else 0, n)
            for who, n in held.items()
            if who != but
        ]
        return sorted(rows, key=lambda r: (-r[1], r[0]))

    def _next_in_line_for_tests(self, site_days: list[tuple[str, int]]) -> list[str]:
        """Homes left short that could have used these site-days, most urgent first."""
        wanting = {w for sd in site_days for w in self._windows_at.get(sd, [])}
        best: dict[str, int] = {}
        for w in wanting:
            best[w.home] = max(best.get(w.home, 0), self.window_priority(w))
        return sorted(best, key=lambda h: (-best[h], h))

    # ------------------------------------------------------------------ staffing

    def _deployment(self) -> tuple[dict[str, str], dict[str, dict[int, tuple[str, Shift]]]]:
        placed: dict[str, str] = {}
        worked: dict[str, dict[int, tuple[str, Shift]]] = defaultdict(dict)
        for (w, h, d, s, _r), var in self.built.staff.shifts.items():
            if self.values[var]:
                placed[w] = h
                worked[w][d] = (h, s)
        return placed, worked

    def quarantine_ends(self, worker: Worker, home_id: str) -> dt.date:
        """First date `worker` may work at `home_id` under the quarantine window."""
        return self.ctx.dates[0] + dt.timedelta(days=earliest_day_at(self.ctx, worker, home_id))

    def _worker_rules(
        self, worker: Worker, home_id: str, d: int, shift: Shift, role: Role
    ) -> tuple[list[str], list[str], str]:
        """(rules, tight constraint names, detail) that stop `worker` taking the shift."""
        ctx = self.ctx
        if not worker.available_on(ctx.dates[d], shift):
            return ["availability"], [], ""
        if d < earliest_day_at(ctx, worker, home_id):
            return ["quarantine"], [], str(self.quarantine_ends(worker, home_id))
        sv = self.built.staff
        var = sv.shifts[worker.id, home_id, d, shift, role]
        move = {var: 1, sv.uncovered[home_id, d, shift, role]: -1}
        if not self.values[sv.worked[worker.id, d]]:
            move[sv.worked[worker.id, d]] = 1
        if not self.values[sv.placed[worker.id, home_id]]:
            move[sv.placed[worker.id, home_id]] = 1
        for days, served in self._served[worker.id, home_id]:
            if d in days and not self.values[served]:
                move[served] = 1
        if is_new_home(worker, home_id):
            for t in range(d, ctx.days):
                started = sv.started.get((worker.id, t))
                if started is not None and not self.values[started]:
                    move[started] = 1
        broken = self.tight.blocking(move)
        rules: list[str] = []
        for c in broken:
            name = rule_of(c.name)
            rule = (
                "one_shift_a_day"
                if name in ("worked", "worked_day", "shift_at_placed_home")
                else "test_validity"
                if name in _TEST_RULES
                else "quarantine"
                if name in _QUARANTINE_RULES
                else name
            )
            if rule not in rules:
                rules.append(rule)
        order = list(STAFF_RULES)
        rules.sort(key=lambda r: order.index(r) if r in order else len(order))
        detail = ""
        if rules and rules[0] == "one_home":
            detail = self._placed.get(worker.id, "")
        elif rules and rules[0] == "one_shift_a_day" and d in self._worked[worker.id]:
            detail = self._worked[worker.id][d][0]
        return rules, [c.name for c in broken], detail

    def uncovered(self, home_id: str, d: int, shift: Shift, role: Role) -> Cause:
        ctx = self.ctx
        date = ctx.dates[d]
        authority = ctx.homes[home_id].authority
        holders = [w for w in ctx.scenario.workers if role in w.roles and w.serves(authority)]
        if not holders:
            return Cause(
                "staffing",
                role.value,
                f"no bank worker holds the role {role}",
                rule="role",
                date=date,
                remedy=f"one {role} in the bank, available for the {shift} shift on {date}",
            )
        available = [w for w in holders if w.available_on(date, shift)]
        available_ids = {w.id for w in available}
        want = f"one more {role} available for the {shift} shift on {date}"
        if not available:
            return Cause(
                "staffing",
                role.value,
                f"no {role} is available for the {shift} shift",
                rule="availability",
                date=date,
                blocked=tuple(f"{w.id}:availability" for w in holders),
                remedy=want,
            )
        reasons: Counter[str] = Counter()
        blocked: list[str] = []
        binding: set[str] = set()
        single: list[tuple[int, str, str, str]] = []
        quarantine_ends: list[dt.date] = []
        order = list(STAFF_RULES)
        for w in holders:
            rules, names, detail = self._worker_rules(w, home_id, d, shift, role)
            binding.update(names)
            if not rules:
                return Cause(
                    "solver",
                    "",
                    f"{w.id} could have taken it when the time limit ended",
                    rule="time_limit",
                    date=date,
                    next_in_line=(w.id,),
                    remedy="a longer time limit",
                )
            if w.id not in available_ids:
                continue
            blocked.append(f"{w.id}:{rules[0]}" + (f"@{detail}" if detail else ""))
            reasons[rules[0]] += 1
            if rules[0] == "quarantine":
                quarantine_ends.append(self.quarantine_ends(w, home_id))
            if len(rules) == 1:
                single.append((order.index(rules[0]), w.id, rules[0], detail))
        text = "; ".join(
            f"{n} {STAFF_RULES[why]}"
            + (f" (ends {min(quarantine_ends)})" if why == "quarantine" else "")
            for why, n in reasons.most_common()
        )
        single.sort(key=lambda x: (x[0], x[3], x[1]))
        line = tuple(wid for _o, wid, _r, _x in single[:NEXT_IN_LINE])
        rule = reasons.most_common(1)[0][0]
        when = min(quarantine_ends) if rule == "quarantine" else date
        sentence = f"all {len(available)} available {role}s unusable: {text}"
        if line:
            sentence += f"; next in line: {', '.join(line)} (one rule each)"
        return Cause(
            "staffing",
            role.value,
            sentence,
            rule=rule,
            date=when,
            binding=tuple(sorted(binding)),
            next_in_line=line,
            blocked=tuple(blocked),
            remedy=want,
        )

    # ------------------------------------------------------------------ isolation

    def unplaced(self, req: IsolationRequest, admit_day: int | None = None) -> Cause:
        """Why `req` is unplaced (or, with `admit_day`, why it waited until then)."""
        ctx = self.ctx
        authority = req.authority_in(ctx.homes)
        facilities = [
            f
            for f in ctx.scenario.isolation_facilities
            if req.need in f.accepts and f.serves(authority)
        ]
        if not facilities:
            return Cause(
                "isolation",
                "",
                f"no facility accepts {req.need}",
                rule="facility_accepts",
                remedy=f"a facility taking {req.need}",
            )
        iv = self.built.beds
        first = ctx.day(req.earliest)
        last = ctx.days - 1 if admit_day is None else admit_day - 1
        undo: dict[Var, int] = {iv.unplaced[req.id]: -1} if admit_day is None else {}
        for (r, _f, _d), var in iv.admit.items():
            if r == req.id and self.values[var]:
                undo[var] = -1
        for (r, _s, _d), var in iv.tests.items():
            if r == req.id and self.values[var]:
                undo[var] = -1
        full: dict[str, set[dt.date]] = defaultdict(set)
        binding: set[str] = set()
        tests_full: set[dt.date] = set()
        options: list[tuple[int, str, int]] = []
        for f in facilities:
            for d in range(first, last + 1):
                admit = iv.admit.get((req.id, f.id, d))
                if admit is None:
                    continue
                broken = self._admission_blocked(req.id, d, {**undo, admit: 1})
                if not broken:
                    return Cause(
                        "solver",
                        "",
                        f"a bed at {f.id} from {ctx.dates[d]} was free when the time limit ended",
                        rule="time_limit",
                        remedy="a longer time limit",
                    )
                binding.update(c.name for c in broken)
                beds = {_key_date(c.name) for c in broken if rule_of(c.name) == "bed_occupancy"}
                full[f.id] |= beds
                if any(rule_of(c.name) in ("site_capacity", "pre_admission_test") for c in broken):
                    tests_full.add(ctx.dates[d])
                options.append((len(beds), f.id, d))
        if full and any(full.values()):
            text = "; ".join(
                f"{fid} full on {ranges(days)}" for fid, days in sorted(full.items()) if days
            )
            _n, fid, d = min(options)
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
                rule="bed_occupancy",
                date=min(d for days in full.values() for d in days),
                binding=tuple(sorted(binding)),
                next_in_line=tuple(line),
                remedy=f"+1 bed at {fid} on {ranges(need)}" if need else "",
            )
        if not any(
            s.accepts(Cohort.ADMISSIONS) and s.serves(req.authority_in(ctx.homes))
            for s in ctx.scenario.test_sites
        ):
            return Cause(
                "testing",
                "",
                "no test channel takes pre-admission tests",
                rule="site_accepts",
                remedy="a test channel taking pre-admission tests",
            )
        swabs = [
            (s, d, swab_day(s, d))
            for s in ctx.scenario.test_sites
            if s.accepts(Cohort.ADMISSIONS) and s.serves(authority)
            for d in range(max(1, first), last + 1)
        ]
        if not any((req.id, s.id, d) in iv.tests for s, d, _t in swabs):
            return self._no_slot([(s, t) for s, _d, t in swabs], 1)
        return Cause(
            "testing",
            "",
            "no pre-admission test slot free in time",
            rule="site_capacity",
            date=min(tests_full) if tests_full else None,
            binding=tuple(sorted(binding)),
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


class UnexplainedCauses:
    """Stands in for `CauseFinder` where nobody reads the causes (plans made inside a
    simulation): on the Plymouth example finding causes is over half of extraction."""

    _NONE = Cause("", "", "cause not computed")

    def untested(self, w: CoverWindow) -> Cause:
        return self._NONE

    def uncovered(self, home_id: str, d: int, shift: Shift, role: Role) -> Cause:
        return self._NONE

    def unplaced(self, req: IsolationRequest, admit_day: int | None = None) -> Cause:
        return self._NONE
