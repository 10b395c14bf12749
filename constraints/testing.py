"""Testing roster: who is swabbed, where and when.

Variables: ``tests[h,c,s,d]`` (integer, people of cohort c of home h swabbed at site s on
day d) exist only where the site serves the home's local authority and accepts the cohort
and the home's type, the site's lead time has passed and the day lies in a window that needs
a test, so eligibility and lead time hold by construction. A mobile unit adds
``visit[h,s,d]`` (boolean).

Needs are *cover windows* (`scenarios.windows`): a cohort must be tested in full between a
window's first day and its due day. Retest windows follow the policy's interval per cohort
from the cohort's last test; an outbreak home adds whole-home rounds (every cohort) soon
after the outbreak starts and again after the repeat interval. Each window has a shortfall
variable, penalised by the home's risk, so that when capacity is short the highest-risk
homes are tested first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from constraints import rules
from constraints.context import Context, SlotBooking
from constraints.model import Penalty, Var
from scenarios.schema import Cohort, daily
from scenarios.windows import CoverWindow, WindowKind
from scenarios.windows import cover_windows as scenario_windows


@dataclass
class TestingVars:
    tests: dict[tuple[str, Cohort, str, int], Var] = field(default_factory=dict)
    visits: dict[tuple[str, str, int], Var] = field(default_factory=dict)
    windows: list[CoverWindow] = field(default_factory=list)
    short: dict[CoverWindow, Var] = field(default_factory=dict)


def cover_windows(ctx: Context) -> list[CoverWindow]:
    """Every required cover window of the context's scenario (`scenarios.windows`)."""
    return scenario_windows(ctx.scenario)


# ------------------------------------------------------------------ variables


def add_test_variables(ctx: Context, windows: list[CoverWindow]) -> TestingVars:
    """tests[h,c,s,d] for eligible site-days inside some window of (h, c)."""
    tv = TestingVars(windows=windows)
    days_needed: dict[tuple[str, Cohort], set[int]] = defaultdict(set)
    for w in windows:
        days_needed[w.home, w.cohort].update(range(w.first, w.last + 1))
    for (home_id, cohort), days in days_needed.items():
        home = ctx.homes[home_id]
        size = home.cohort_size(cohort)
        for site, d in ctx.site_days(cohort, home.type, home.authority):
            if d not in days:
                continue
            var = ctx.model.integer(0, size, rules.TESTS, (home_id, cohort, site.id, ctx.dates[d]))
            tv.tests[home_id, cohort, site.id, d] = var
            ctx.book(SlotBooking(var, site.id, d, cohort, home_id))
            if site.max_homes_per_day is not None and (home_id, site.id, d) not in tv.visits:
                tv.visits[home_id, site.id, d] = ctx.model.boolean(
                    rules.VISIT, (home_id, site.id, ctx.dates[d])
                )
    return tv


# ------------------------------------------------------------------ hard rules


def add_site_capacity(ctx: Context) -> None:
    """Every booking at a site on a day, whoever made it: sum tests[.,s,d] <= capacity[s,d]."""
    for (site_id, d), bookings in sorted(ctx.bookings_by_site_day().items()):
        ctx.model.add_at_most(
            [b.var for b in bookings],
            daily(ctx.sites[site_id].capacity, d),
            rule=rules.SITE_CAPACITY,
            key=(site_id, ctx.dates[d]),
        )


def add_cohort_size(ctx: Context, tv: TestingVars) -> None:
    """One swab per person a day: sum_s tests[h,c,s,d] <= size[h,c]."""
    by_day: dict[tuple[str, Cohort, int], list[Var]] = defaultdict(list)
    for (home_id, cohort, _site, d), var in tv.tests.items():
        by_day[home_id, cohort, d].append(var)
    for (home_id, cohort, d), variables in by_day.items():
        ctx.model.add_at_most(
            variables,
            ctx.homes[home_id].cohort_size(cohort),
            rule=rules.COHORT_SIZE,
            key=(home_id, cohort, ctx.dates[d]),
        )


def add_mobile_unit_visits(ctx: Context, tv: TestingVars) -> None:
    """A mobile unit tests a home only on a visit, and visits at most its max homes a day:
    sum_c tests[h,c,s,d] <= (sum_c size[h,c]) * visit[h,s,d];  sum_h visit[h,s,d] <= max."""
    tests_at: dict[tuple[str, str, int], list[Var]] = defaultdict(list)
    for (home_id, _cohort, site_id, d), var in tv.tests.items():
        if (home_id, site_id, d) in tv.visits:
            tests_at[home_id, site_id, d].append(var)
    per_site_day: dict[tuple[str, int], list[Var]] = defaultdict(list)
    for (home_id, site_id, d), visit in tv.visits.items():
        people = sum(ctx.model.variables[v].ub for v in tests_at[home_id, site_id, d])
        ctx.model.add_le(
            [*((v, 1) for v in tests_at[home_id, site_id, d]), (visit, -people)],
            0,
            rule=rules.MOBILE_VISIT_LINK,
            key=(home_id, site_id, ctx.dates[d]),
        )
        per_site_day[site_id, d].append(visit)
    for (site_id, d), visits in sorted(per_site_day.items()):
        ctx.model.add_at_most(
            visits,
            ctx.sites[site_id].max_homes_per_day or 0,
            rule=rules.MOBILE_UNIT_VISITS,
            key=(site_id, ctx.dates[d]),
        )


# ------------------------------------------------------------------ soft rules


def add_cover_windows(ctx: Context, tv: TestingVars) -> list[Penalty]:
    """Each window's cohort tested in full, or the shortfall paid for by risk:
    sum_{s, d in window} tests[h,c,s,d] + short[w] >= size[h,c]."""
    penalties = []
    tests_of: dict[tuple[str, Cohort], list[tuple[int, Var]]] = defaultdict(list)
    for (home_id, cohort, _site, d), var in tv.tests.items():
        tests_of[home_id, cohort].append((d, var))
    for w in tv.windows:
        short = ctx.model.integer(0, w.size, rules.SHORT[w.kind], w.key)
        tv.short[w] = short
        in_window = [(v, 1) for d, v in tests_of[w.home, w.cohort] if w.first <= d <= w.last]
        cover = rules.COVER[w.kind]
        ctx.model.add_ge([*in_window, (short, 1)], w.size, rule=cover, key=w.key)
        penalties.append(Penalty(1, short, window_price(ctx, w), cover, w.key, w.home))
    return penalties


def window_price(ctx: Context, w: CoverWindow) -> int:
    """Tier-1 price of leaving one person of window `w` untested: `untested_price`,
    day-weighted at the window's last day."""
    return ctx.need_price(untested_price(ctx, w), w.last)


def untested_price(ctx: Context, w: CoverWindow) -> int:
    """One person of window `w` left untested, before day weighting: the home's risk on the
    window's last day (its deadline) times the per-person weight of the window's kind; the
    greedy baseline ranks windows by it."""
    weights = ctx.policy.objective
    per_person = (
        weights.outbreak_untested_person
        if w.kind == WindowKind.OUTBREAK
        else weights.untested_person
    )
    return per_person * ctx.risk.score(w.home, ctx.dates[w.last])


def add_test_costs(ctx: Context, tv: TestingVars) -> list[Penalty]:
    """Tier 3: one point a swab and a mobile visit, so no test is booked without a need."""
    return [Penalty(3, v, 1, rules.SWAB) for v in tv.tests.values()] + [
        Penalty(3, v, 1, rules.MOBILE_VISIT) for v in tv.visits.values()
    ]
