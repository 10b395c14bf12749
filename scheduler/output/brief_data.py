"""What the director's daily brief says, gathered from a plan for its first two days.

Every figure is read off the Plan the tables are written from (the daily KPIs in its
summary, the rosters, the placements, the unmet rows with their stored causes, the risk
rows) and added up the same way the tables and the report add them, so the brief never
disagrees with `unmet.csv`, `risk.csv` or the HTML report. Nothing is solved or built
again: the brief is written by every `carehome plan` and must cost next to nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from scenarios.absences import shift_demand
from scenarios.risk import RISK_PARTS, RiskParts, outbreak_active, stale_age
from scenarios.schema import Scenario, daily
from scheduler.output.brief_ppe import PpeHome, lowest_cover
from scheduler.plan import DayKpis, Plan, UnmetKind, UnmetNeed

HOMES_SHOWN = 5
"""The highest-risk homes of the day the brief follows."""
CAUSES_SHOWN = 4
"""Causes of the two days' unmet need shown, by the risk-weighted need they leave open."""
STANDBY_SHOWN = 6
"""Workers shown who are one rule away from an uncovered shift."""
PARTS_SHOWN = 3
"""Largest parts of a home's risk score shown beside it."""
DAYS = 2
"""Today (the plan's first day) and tomorrow."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SiteDay(Frozen):
    """Swabs booked at one test site on one day against the tests it offers that day."""

    site_id: str
    name: str
    booked: int
    capacity: int


class DayFigures(Frozen):
    """One day's key figures across the authority."""

    kpis: DayKpis
    sites: list[SiteDay]
    isolation_placed: int
    """Requests admitted to an isolation bed on this day."""
    isolation_waiting: int
    """Requests due by this day and not yet admitted (placed later, or never)."""
    homes_in_outbreak: int

    @property
    def test_capacity(self) -> int:
        return sum(s.capacity for s in self.sites)


class HomeDay(Frozen):
    """What one home gets on one day."""

    shifts_short: int
    shifts_filled: int
    workers: list[str]
    """Bank workers on shift there, as `worker shift`."""
    tests: dict[str, int]
    """Swabs booked for its cohorts, by cohort."""
    moves: list[str]
    """Residents admitted to an isolation bed, as `request to facility`."""
    waiting: list[str]
    """Its residents' isolation requests due and not yet placed."""


class HomeBrief(Frozen):
    home_id: str
    name: str
    score: int
    parts: list[tuple[str, int]]
    """The score's largest parts, most points first."""
    data_days_old: int
    """How old the home's figures are when stale (`stale_age`), 0 when fresh: a high score
    on old figures is read with care."""
    days: list[HomeDay]


class UnmetCount(Frozen):
    """Unmet need of one kind (the rows' amounts): each brief day's, and the whole plan's."""

    kind: UnmetKind
    days: list[int]
    plan: int


class CauseLine(Frozen):
    """One binding rule on one resource and how much need it leaves open each brief day."""

    kind: UnmetKind
    family: str
    rule: str
    resource: str
    amounts: list[int]
    remedy: str
    """The remedy stored on the highest-risk row of the group."""


class Standby(Frozen):
    """A worker who is next in line for uncovered shifts, kept off them by one rule."""

    worker_id: str
    name: str
    rule: str
    at: str
    """The rule's home (one home per worker) or date (the day a quarantine ends)."""
    shifts: list[int]
    """Uncovered shifts per brief day this worker is next in line for."""
    homes: list[str]


class Brief(Frozen):
    scenario: str
    status: str
    dates: list[dt.date]
    """Today, then tomorrow when the horizon has a second day."""
    figures: list[DayFigures]
    homes: list[HomeBrief]
    unmet: list[UnmetCount]
    causes: list[CauseLine]
    standby: list[Standby]
    ppe: list[PpeHome] = []
    """The homes with the fewest days of PPE cover today (a scenario with PPE only)."""


class BlockedWorker(NamedTuple):
    worker_id: str
    rule: str
    at: str


def parse_blocked(entry: str) -> BlockedWorker:
    """`w017:quarantine@2020-06-11` (an `UnmetNeed.blocked` entry) -> worker, rule, and the
    rule's home or date."""
    worker, _, rest = entry.partition(":")
    rule, _, at = rest.partition("@")
    return BlockedWorker(worker, rule, at)


def build_brief(plan: Plan, scenario: Scenario) -> Brief:
    dates = scenario.horizon.dates[:DAYS]
    return Brief(
        scenario=scenario.name,
        status=plan.summary.status,
        dates=dates,
        figures=[_figures(plan, scenario, d) for d in dates],
        homes=_top_homes(plan, scenario, dates),
        unmet=_unmet_counts(plan, dates),
        causes=_causes(plan, dates),
        standby=_standby(plan, scenario, dates),
        ppe=lowest_cover(plan, scenario, dates),
    )


def _figures(plan: Plan, scenario: Scenario, day: dt.date) -> DayFigures:
    index = scenario.horizon.dates.index(day)
    booked: dict[str, int] = defaultdict(int)
    for t in plan.testing:
        if t.date == day:
            booked[t.site_id] += t.tests
    sites = [
        SiteDay(site_id=s.id, name=s.name, booked=booked[s.id], capacity=daily(s.capacity, index))
        for s in scenario.test_sites
    ]
    admitted = {p.request_id: p.admit_date for p in plan.placements}
    waiting = [
        r
        for r in scenario.isolation_requests
        if r.earliest <= day and admitted.get(r.id, dt.date.max) > day
    ]
    kpis = next((k for k in plan.summary.daily if k.date == day), DayKpis(date=day))
    return DayFigures(
        kpis=kpis,
        sites=sites,
        isolation_placed=sum(1 for p in plan.placements if p.admit_date == day),
        isolation_waiting=len(waiting),
        homes_in_outbreak=sum(1 for h in scenario.homes if outbreak_active(h, day)),
    )


def _top_homes(plan: Plan, scenario: Scenario, dates: list[dt.date]) -> list[HomeBrief]:
    """The day's highest risk scores, ties by home id (the order `risk.csv` sorts in)."""
    today = [r for r in plan.risk if r.date == dates[0]]
    today.sort(key=lambda r: (-r.score, r.home_id))
    homes = {h.id: h for h in scenario.homes}
    start, fresh = scenario.horizon.start, scenario.policy.stale_after_days
    short: dict[tuple[str, dt.date], int] = defaultdict(int)
    for (h, d, _s, _r), need in shift_demand(scenario).items():
        short[h, d] += need.workers
    return [
        HomeBrief(
            home_id=r.home_id,
            name=homes[r.home_id].name,
            score=r.score,
            parts=_largest_parts(r),
            data_days_old=stale_age(homes[r.home_id], start, fresh),
            days=[_home_day(plan, scenario, r.home_id, d, short[r.home_id, d]) for d in dates],
        )
        for r in today[:HOMES_SHOWN]
    ]


def _largest_parts(r: RiskParts) -> list[tuple[str, int]]:
    parts = [(p, getattr(r, p)) for p in RISK_PARTS if getattr(r, p)]
    parts.sort(key=lambda pv: -pv[1])  # stable: equal points keep risk.csv's column order
    return parts[:PARTS_SHOWN]


def _home_day(plan: Plan, scenario: Scenario, home_id: str, day: dt.date, short: int) -> HomeDay:
    """`short`: the shifts the home is short that day, reported and forecast
    (`scenarios.absences`); filled = short - unmet, as `DayKpis` counts."""
    uncovered = sum(
        u.amount
        for u in plan.unmet
        if u.home_id == home_id and u.date == day and u.kind == UnmetKind.SHIFT
    )
    tests: dict[str, int] = defaultdict(int)
    for t in plan.testing:
        if t.home_id == home_id and t.date == day:
            tests[str(t.cohort)] += t.tests
    admitted = {p.request_id: p for p in plan.placements}
    waiting = [
        r.id
        for r in scenario.isolation_requests
        if r.from_home == home_id
        and r.earliest <= day
        and (r.id not in admitted or admitted[r.id].admit_date > day)
    ]
    return HomeDay(
        shifts_short=short,
        shifts_filled=short - uncovered,
        workers=[
            f"{s.worker_id} {s.shift}"
            for s in sorted(plan.shifts, key=lambda s: (s.shift != "day", s.worker_id))
            if s.home_id == home_id and s.date == day
        ],
        tests=dict(sorted(tests.items())),
        moves=[
            f"{p.request_id} to {p.facility_id}"
            for p in sorted(plan.placements, key=lambda p: p.request_id)
            if p.from_home == home_id and p.admit_date == day
        ],
        waiting=waiting,
    )


def _unmet_counts(plan: Plan, dates: list[dt.date]) -> list[UnmetCount]:
    """Every kind the plan leaves open anywhere, in `UnmetKind` order."""
    result = []
    for kind in UnmetKind:
        rows = [u for u in plan.unmet if u.kind == kind]
        if not rows:
            continue
        result.append(
            UnmetCount(
                kind=kind,
                days=[sum(u.amount for u in rows if u.date == d) for d in dates],
                plan=sum(u.amount for u in rows),
            )
        )
    return result


def _causes(plan: Plan, dates: list[dt.date]) -> list[CauseLine]:
    groups: dict[tuple[UnmetKind, str, str, str], list[UnmetNeed]] = defaultdict(list)
    for u in plan.unmet:
        if u.date in dates:
            groups[(u.kind, u.cause_family, u.cause_rule, u.cause_resource)].append(u)
    ranked = sorted(groups.items(), key=lambda kv: (-sum(u.risk * u.amount for u in kv[1]), kv[0]))
    lines = []
    for (kind, family, rule, resource), us in ranked[:CAUSES_SHOWN]:
        first = min(us, key=lambda u: (-u.risk, u.date, u.home_id or "", u.detail))
        lines.append(
            CauseLine(
                kind=kind,
                family=family,
                rule=rule,
                resource=resource,
                amounts=[sum(u.amount for u in us if u.date == d) for d in dates],
                remedy=first.remedy,
            )
        )
    return lines


def _standby(plan: Plan, scenario: Scenario, dates: list[dt.date]) -> list[Standby]:
    """The workers the stored causes name next in line for the brief days' uncovered
    shifts, each with the one rule that kept them off (as `blocked` records it)."""
    shifts: dict[BlockedWorker, list[int]] = {}
    homes: dict[BlockedWorker, set[str]] = defaultdict(set)
    for u in plan.unmet:
        if u.kind != UnmetKind.SHIFT or u.date not in dates:
            continue
        rules = {b.worker_id: b for b in map(parse_blocked, u.blocked.split())}
        for wid in filter(None, u.next_in_line.split(",")):
            key = rules.get(wid, BlockedWorker(wid, "", ""))
            counts = shifts.setdefault(key, [0] * len(dates))
            counts[dates.index(u.date)] += u.amount
            homes[key].add(u.home_id or "")
    names = {w.id: w.name for w in scenario.workers}
    ranked = sorted(shifts.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    return [
        Standby(
            worker_id=key.worker_id,
            name=names.get(key.worker_id, ""),
            rule=key.rule,
            at=key.at,
            shifts=counts,
            homes=sorted(homes[key]),
        )
        for key, counts in ranked[:STANDBY_SHOWN]
    ]
