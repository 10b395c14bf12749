"""The training and liaison visit rules: an officer's day holds their visits and travel,
one officer a home a day, a home trained once, the county's sessions a day, and each
visit one the officer delivers, on a day they work, inside an open need's window.

Each rule is one function named after it; its docstring states it as a formula. Which
homes need what by when, and the minutes a visit takes, are `scenarios.visits`'s one
definition, which the model reads too."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from scenarios.schema import VisitKind
from scenarios.visits import delivers, on_duty, visit_minutes, visit_needs
from scheduler.validate.lookup import Found, Lookup, capacity_on, record_key


def officer_minutes(ix: Lookup) -> Found:
    """For each officer o and day d: sum of (minutes[k] + 2 * travel[o,h]) over o's visits
    on d <= minutes_per_day[o]."""
    officers = {o.id: o for o in ix.scenario.officers}
    used: Counter[tuple[str, dt.date]] = Counter()
    for v in ix.plan.visits:
        officer, home = officers.get(v.officer_id), ix.homes.get(v.home_id)
        if officer is not None and home is not None:
            used[v.officer_id, v.date] += visit_minutes(ix.scenario, officer, home, v.kind)
    for (o, day), minutes in sorted(used.items()):
        if minutes > officers[o].minutes_per_day:
            yield (
                record_key(o, day),
                f"officer {o} needs {minutes} minutes on {day}, has {officers[o].minutes_per_day}",
            )


def one_visit_a_day(ix: Lookup) -> Found:
    """For each home h and day d: |visits to h on d| <= 1."""
    seen = Counter((v.home_id, v.date) for v in ix.plan.visits)
    for (h, day), n in sorted(seen.items()):
        if n > 1:
            yield record_key(h, day), f"{n} officers visit {h} on {day}"


def trained_once(ix: Lookup) -> Found:
    """For each home h: |training visits to h| <= 1."""
    trained = Counter(v.home_id for v in ix.plan.visits if v.kind == VisitKind.TRAINING)
    for h, n in sorted(trained.items()):
        if n > 1:
            yield h, f"{h} is trained {n} times"


def training_sessions(ix: Lookup) -> Found:
    """For each day d: |training visits on d| <= training_sessions_per_day[d]."""
    sessions = ix.policy.visits.training_sessions_per_day
    per_day = Counter(v.date for v in ix.plan.visits if v.kind == VisitKind.TRAINING)
    for day, n in sorted(per_day.items()):
        if ix.in_horizon(day) and n > (cap := capacity_on(sessions, ix.day_index(day))):
            yield str(day), f"{n} training sessions on {day}, the county has {cap}"


def visit_eligibility(ix: Lookup) -> Found:
    """Each visit of officer o to home h for k on d: o delivers k, o works on d, and a need
    of h of kind k is open on d."""
    officers = {o.id: o for o in ix.scenario.officers}
    needs = defaultdict(list)
    for n in visit_needs(ix.scenario):
        needs[n.home].append(n)
    for v in ix.plan.visits:
        key = record_key(v.officer_id, v.home_id, v.date)
        officer = officers.get(v.officer_id)
        if officer is None or v.home_id not in ix.homes:
            yield key, "names an unknown officer or home"
            continue
        if not delivers(officer, v.kind):
            yield key, f"officer {officer.id} does not deliver {v.kind.value}"
        if not on_duty(officer, v.date):
            yield key, f"officer {officer.id} does not work on {v.date}"
        if not any(n.kind == v.kind and n.covers(v.date) for n in needs[v.home_id]):
            yield key, f"{v.home_id} has no {v.kind.value} need open on {v.date}"
