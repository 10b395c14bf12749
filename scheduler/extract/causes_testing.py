"""Why people were left untested: the full site-days (and who used them), a mobile unit's
visit limit, a channel's lead time or missing slots, or no channel taking the cohort."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import replace

from constraints import rules
from constraints.build import BuiltModel
from constraints.domain import past_lead_time, site_accepts, site_serves
from constraints.model import Constraint, Var
from constraints.rules import Rule
from constraints.testing import window_price
from scenarios.schema import NOT_TESTED_BY_KIND, Cohort, TestSite, daily
from scenarios.windows import CoverWindow
from scenarios.words import count
from scheduler.extract.cause_rules import NEXT_IN_LINE, Cause, PlanView, Tightness, ranges

_KEPT = frozenset(d.kept for d in rules.DECISIONS.values())
_MOBILE = (rules.MOBILE_UNIT_VISITS, rules.MOBILE_VISIT_LINK)


def _test_rule_text(rule: Rule) -> str:
    """What a rule that stops one more swab (besides site capacity and mobile visits) says:
    only `cohort_size` is the one-swab-a-day rule; a re-plan's kept rules keep a booking as
    it was; any other rule is named by its id."""
    if rule == rules.COHORT_SIZE:
        return f"one swab per person a day ({rule.id})"
    if rule in _KEPT:
        return f"kept as booked before the re-plan's first open day ({rule.id})"
    return rule.id


class TestingCauses(PlanView):
    """Causes of untested cohorts (and of pre-admission swabs with no slot)."""

    def __init__(self, built: BuiltModel, values: list[int], tight: Tightness) -> None:
        super().__init__(built, values, tight)
        self._wanting_at = self._unmet_homes_by_site_day()
        # Indexes, so that each of hundreds of unmet needs reads only its own rows.
        self._tests_of: dict[tuple[str, Cohort], list[tuple[str, int, Var]]] = defaultdict(list)
        for (h, c, site, d), var in built.tests.tests.items():
            self._tests_of[h, c].append((site, d, var))
        self._bookings_at = self.ctx.bookings_by_site_day()

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

    def _unmet_homes_by_site_day(self) -> dict[tuple[str, int], list[tuple[str, int]]]:
        """By site-day, each home with a window left short that could have booked it, with
        the window's tier-1 price of one person left untested (priced once a window, not
        once a site-day it could use)."""
        tv = self.built.tests
        unmet = {(w.home, w.cohort): w for w, v in tv.short.items() if self.values[v]}
        prices = {k: window_price(self.ctx, w) for k, w in unmet.items()}
        at: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
        for h, c, s, d in tv.tests:
            w = unmet.get((h, c))
            if w is not None and w.first <= d <= w.last:
                at[s, d].append((h, prices[h, c]))
        return at

    def untested(self, w: CoverWindow) -> Cause:
        """Why the window's cohort was left (partly) untested. Each site-day in the window
        is tried with one more swab; what those tries break says whether the sites were
        full, another rule bound, or the solver simply ran out of time."""
        home = self.ctx.homes[w.home]
        eligible = [
            s
            for s in self.ctx.scenario.test_sites
            if site_accepts(s, w.cohort, home.type) and site_serves(s, home.authority)
        ]
        if not eligible:
            return self._no_channel(w)
        moves = self._window_moves(w)
        if not moves:
            window = range(w.first, w.last + 1)
            shut = self.no_slot([(site, d) for site in eligible for d in window], w.size)
            if shut.rule == rules.LEAD_TIME.id:
                return replace(shut, date=w.due)
            return shut
        blocked = {sd: self.tight.blocking(move) for sd, move in moves.items()}
        full = sorted(
            (
                sd
                for sd, broken in blocked.items()
                if any(c.rule == rules.SITE_CAPACITY for c in broken)
            ),
            key=lambda sd: (sd[1], sd[0]),
        )
        by_site: dict[str, list[dt.date]] = defaultdict(list)
        for s, d in full:
            by_site[s].append(self.ctx.dates[d])
        sites = "; ".join(
            f"site {sid} full on {ranges(days)}" for sid, days in sorted(by_site.items())
        )
        binding = tuple(sorted({c.name for broken in blocked.values() for c in broken}))
        if any(not broken for broken in blocked.values()):
            return Cause(
                "solver",
                "",
                f"spare slots left when the time limit ended; {sites or 'no site full'}",
                rule="time_limit",
                binding=binding,
                remedy="a longer time limit",
            )
        if len(full) < len(blocked):
            return self._other_rule(blocked, set(full), sites, binding)
        return self._sites_full(w, full, sites, binding)

    def _no_channel(self, w: CoverWindow) -> Cause:
        """No channel accepts the cohort at this home's type and authority: naming the
        channels that would but for their kind's rule, since that is what a planner
        changes."""
        home = self.ctx.homes[w.home]
        by_kind = [
            f"{s.kind} {s.id} does not test them by its kind's rule"
            for s in self.ctx.scenario.test_sites
            if s.home_types is None
            and w.cohort in s.cohorts
            and s.serves(home.authority)
            and home.type in NOT_TESTED_BY_KIND.get(s.kind, {}).get(w.cohort, ())
        ]
        return Cause(
            "testing",
            "",
            "; ".join([f"no test channel accepts {w.cohort} of {home.type} homes", *by_kind]),
            rule=rules.SITE_ACCEPTS.id,
            remedy=f"a test channel taking {w.cohort} of {home.type} homes",
        )

    def _other_rule(
        self,
        blocked: dict[tuple[str, int], list[Constraint]],
        full: set[tuple[str, int]],
        sites: str,
        binding: tuple[str, ...],
    ) -> Cause:
        """Some site-day with room still refused the swab: the rule that refused most
        often is the cause, a mobile unit's visit limit in its own words."""
        other = Counter(c.rule for sd, broken in blocked.items() if sd not in full for c in broken)
        rule = other.most_common(1)[0][0]
        if rule in _MOBILE:
            mobile = next(s for s, _d in blocked if self.ctx.sites[s].max_homes_per_day)
            return Cause(
                "testing",
                mobile,
                f"mobile unit {mobile} at its daily visit limit; {sites}",
                rule=rules.MOBILE_UNIT_VISITS.id,
                binding=binding,
                remedy=f"one more visit a day for mobile unit {mobile}",
            )
        said = _test_rule_text(rule)
        text = f"{said}; {sites}" if sites else said
        return Cause("testing", "", text, rule=rule.id, binding=binding)

    def _sites_full(
        self,
        w: CoverWindow,
        full: list[tuple[str, int]],
        sites: str,
        binding: tuple[str, ...],
    ) -> Cause:
        """Every site-day in the window was full: who used the latest one ahead of this
        home, who waits next, and the slot that would have tested it."""
        ctx = self.ctx
        s, d = full[-1]  # the latest full day: one more slot there is still in time
        users = self.site_users(s, d, w.home)
        ahead = [u for u in users if u[1] >= ctx.risk.score(w.home, ctx.dates[d])]
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
            ",".join(sorted({sid for sid, _d in full})),
            text,
            rule=rules.SITE_CAPACITY.id,
            date=ctx.dates[d],
            binding=binding,
            next_in_line=tuple(line[:NEXT_IN_LINE]),
            remedy=f"+{count(n, 'test')} at site {s} on {ctx.dates[d]}",
        )

    def no_slot(self, site_days: list[tuple[TestSite, int]], n: int) -> Cause:
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
                before_plan[site.id] = max(1, ctx.result_days(site))
            elif not past_lead_time(site, d):
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
                rule=rules.SITE_CAPACITY.id,
                date=last,
                remedy=f"+{count(n, 'test')} at site {sid} on {last}",
            )
        if opens:
            return Cause(
                "testing",
                ",".join(sorted(opens)),
                text,
                rule=rules.LEAD_TIME.id,
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
        best: dict[str, int] = {}
        for sd in site_days:
            for home, price in self._wanting_at.get(sd, []):
                best[home] = max(best.get(home, 0), price)
        return sorted(best, key=lambda h: (-best[h], h))
