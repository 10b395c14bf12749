"""A previous plan as decisions on the new model, and what changed between the two plans.

`decisions` reads every booking, shift, admission, stay at home (1:1), PPE drop, officer's
visit, hotel room and taxi of the previous plan onto the new model's variables (and every
variable the previous plan left at 0), marking those dated before the re-plan's first day
as kept; `constraints.replan` turns them into rules and change penalties. `changes` lists,
after solving, what moved and why, by comparing the two scenarios: new demand at a home
(its PPE included), lost capacity at a site or facility, a worker or officer no longer
available, a hotel's rooms or the taxi budget cut, a change in the PPE depot's supply, or
room made for a higher-priority need.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from constraints.build import BuiltModel, insert_tier_after_unmet_need
from constraints.isolation import swab_day
from constraints.replan import Decision, add_change_penalties, add_kept_decisions
from scenarios.history import carried, lookback_days
from scenarios.load import load_scenario
from scenarios.one_to_one import home_stays
from scenarios.schema import Home, RecentShift, Scenario, daily
from scenarios.words import count
from scheduler.output.tables import SCENARIO, SUMMARY, PlanReadError, read_plan
from scheduler.pipeline.replan_ppe import (
    UNCOUNTED,
    Row,
    drop_rows,
    drop_variables,
    drops_before,
    ppe_reasons,
)
from scheduler.pipeline.replan_visits_rooms import (
    ROOM_NIGHT,
    ROOM_STAY,
    TAXI,
    VISIT,
    VisitRoomReasons,
    night_rows,
    stay_rows,
    taxi_rows,
    visit_room_variables,
    visit_rows,
    visits_rooms_before,
)
from scheduler.plan import Change, PlacementMode, Plan


@dataclass(frozen=True)
class Previous:
    """The plan to keep close to, the scenario it was made from, and the first day that
    may change (decisions dated earlier are kept)."""

    folder: Path
    plan: Plan
    scenario: Scenario
    first_open: dt.date


def load_previous(plan_dir: Path, first_open: dt.date) -> Previous:
    return Previous(plan_dir, read_plan(plan_dir), load_scenario(plan_dir / SCENARIO), first_open)


def against_previous(
    scenario: Scenario, plan_dir: Path, first_open: dt.date | None
) -> tuple[Scenario, Previous]:
    """`scenario` to re-plan against the plan in `plan_dir`, with that plan's past shifts
    as its workers' history, and the previous plan kept before `first_open` (by default
    the scenario's first day: the whole horizon may change)."""
    start = first_open if first_open is not None else scenario.horizon.start
    previous = load_previous(plan_dir, start)
    return with_history(scenario, previous.plan), previous


def with_history(scenario: Scenario, previous: Plan) -> Scenario:
    """`scenario` with every worker's shifts in `previous` dated before its horizon (within
    the look-back the rules read) added to the worker's recent shifts, so that rest,
    working-time and quarantine rules hold across the re-plan instead of restarting."""
    start = scenario.horizon.start
    worked: dict[str, list[RecentShift]] = defaultdict(list)
    for a in previous.shifts:
        if a.date < start:
            worked[a.worker_id].append(RecentShift(date=a.date, shift=a.shift, home=a.home_id))
    lookback = lookback_days(scenario.policy)
    workers = [
        w.model_copy(
            update={"home_history": carried(w.home_history, worked[w.id], start, lookback)}
        )
        if w.id in worked
        else w
        for w in scenario.workers
    ]
    return scenario.model_copy(update={"workers": workers})


def kept_against(plan_dir: Path, plan: Plan, folder: Path | None) -> Plan | None:
    """The previous plan a re-plan's kept decisions are checked against: the one in
    `folder`, else the folder its summary names; None when `plan` is not a re-plan."""
    if plan.summary.kept_before is None:
        return None
    source = folder if folder is not None else Path(plan.summary.previous)
    if not source.is_dir():
        raise PlanReadError(
            f"{plan_dir / SUMMARY}: previous: {str(source)!r} is not a plan folder, so the "
            "decisions this re-plan keeps cannot be checked; name it with --previous"
        )
    return read_plan(source)


def decisions(built: BuiltModel, previous: Previous) -> list[Decision]:
    """Every decision variable of the new model with the previous plan's value, plus the
    previous plan's decisions the new model cannot express (`var` None)."""
    ctx = built.ctx
    dates = ctx.dates
    plan = previous.plan
    admitted = {p.request_id: p.admit_date for p in plan.placements}
    before: Counter[tuple[object, ...]] = Counter()
    for t in plan.testing:
        if t.worker_id is not None:
            before["worker_test", t.worker_id, t.site_id, t.date] += t.tests
        elif t.request_id is not None and t.request_id in admitted:
            before["admission_test", t.request_id, t.site_id, admitted[t.request_id]] += 1
        elif t.home_id is not None:
            before["home_test", t.home_id, str(t.cohort), t.site_id, t.date] += t.tests
    for a in plan.shifts:
        before["shift", a.worker_id, a.home_id, a.date, str(a.shift), str(a.role)] += 1
    for p in plan.placements:
        if p.mode == PlacementMode.ONE_TO_ONE:
            before["at_home", p.request_id, p.admit_date] += 1
        else:
            before["admit", p.request_id, p.facility_id, p.admit_date] += 1
    before.update(drops_before(plan))
    before.update(visits_rooms_before(plan, dates[0]))
    # Before a later horizon the previous plan is the past the scenario states: shifts as
    # the workers' recent shifts (`with_history`), swabs and stays as its own fields.
    before = Counter({k: n for k, n in before.items() if _when(k) >= dates[0]})

    variables: dict[tuple[object, ...], tuple[int, dt.date]] = {}
    for (h, c, site, d), var in built.tests.tests.items():
        variables["home_test", h, str(c), site, dates[d]] = var, dates[d]
    for (w, site, d), var in built.staff.tests.items():
        variables["worker_test", w, site, dates[d]] = var, dates[d]
    for (w, h, d, sh, role), var in built.staff.shifts.items():
        variables["shift", w, h, dates[d], str(sh), str(role)] = var, dates[d]
    for (req, f, d), var in built.beds.admit.items():
        variables["admit", req, f, dates[d]] = var, dates[d]
    stays = home_stays(ctx.scenario)
    for req, var in built.beds.at_home.items():
        variables["at_home", req, stays[req].first] = var, stays[req].first
    for (req, site, d), var in built.beds.tests.items():
        swab = dates[0] + dt.timedelta(days=swab_day(ctx, ctx.sites[site], d))
        variables["admission_test", req, site, dates[d]] = var, swab
    for k, var, day in [*drop_variables(built.drops, dates), *visit_room_variables(built)]:
        variables[k] = var, day

    found = []
    for k, (var, day) in variables.items():
        kept = day < previous.first_open
        if kept or k[0] != UNCOUNTED:
            found.append(_decision(k, var, before.get(k, 0), kept))
    for k, n in before.items():
        if k not in variables:
            found.append(_decision(k, None, n, _when(k) < previous.first_open))
    return found


def add_previous(built: BuiltModel, previous: Previous) -> None:
    """The re-plan's rules: decisions before the first open day kept, and a tier right
    after unmet need that counts changes against the previous plan."""
    found = decisions(built, previous)
    add_kept_decisions(built.ctx, found)
    tier = insert_tier_after_unmet_need(built, "stability: changes against the previous plan")
    built.penalties += add_change_penalties(built.ctx, found, tier)
    built.stability_tier = tier
    built.previous = {d.var: d.before for d in found if not d.kept and d.var is not None}


def _when(k: tuple[object, ...]) -> dt.date:
    """The date of a decision key."""
    when = k[-1] if k[0] != "shift" else k[3]
    assert isinstance(when, dt.date)
    return when


def _decision(k: tuple[object, ...], var: int | None, before: int, kept: bool) -> Decision:
    """A decision key (its kind, then record ids and dates) as the model's typed key."""
    kind, *parts = k
    typed = tuple(p if isinstance(p, dt.date) else str(p) for p in parts)
    return Decision(str(kind), typed, var, before, kept)


# ------------------------------------------------------------------ what changed, and why


def changes(previous: Previous, scenario: Scenario, plan: Plan) -> list[Change]:
    """Rows of the two plans that differ from the first open day on, each with a reason."""
    return differences(previous.plan, previous.scenario, plan, scenario, previous.first_open)


def differences(
    first: Plan, first_scenario: Scenario, plan: Plan, scenario: Scenario, since: dt.date
) -> list[Change]:
    """Rows of `first` and `plan` that differ from `since` on, each with the reason the
    scenarios give (a re-plan's changes, or any two plans set side by side)."""
    why = _Reasons(first_scenario, scenario)
    rows: list[Change] = []
    for kind, old, new in (
        ("test booking", _bookings(first), _bookings(plan)),
        ("shift", _shifts(first), _shifts(plan)),
        ("isolation placement", _placements(first), _placements(plan)),
        ("PPE drop", drop_rows(first), drop_rows(plan)),
        (VISIT, visit_rows(first), visit_rows(plan)),
        (ROOM_STAY, stay_rows(first, since), stay_rows(plan, since)),
        (ROOM_NIGHT, night_rows(first), night_rows(plan)),
        (TAXI, taxi_rows(first), taxi_rows(plan)),
    ):
        for k in sorted(set(old) | set(new), key=str):
            date, home, worker, detail = k
            if date < since or old.get(k, 0) == new.get(k, 0):
                continue
            rows.append(
                Change(
                    date=date,
                    kind=kind,
                    home_id=home,
                    worker_id=worker,
                    detail=detail,
                    before=old.get(k, 0),
                    after=new.get(k, 0),
                    reason=why.of(date, home, worker, detail, kind),
                )
            )
    rows = _label_swaps(rows, why)
    return sorted(rows, key=lambda c: (c.date, c.kind, c.home_id or "", c.detail))


def _label_swaps(rows: list[Change], why: _Reasons) -> list[Change]:
    """A worker taken off a shift and another put on the same one (home, date, shift and
    role) where the home's need did not change made room for nothing: it is a swap. Both
    rows stay, because each is a call to make (one worker stood down, one booked), and
    both carry the same reason naming the two workers, so whichever row a coordinator
    reads first leads to the other and neither claims a need it did not serve."""
    off: dict[Post, list[int]] = defaultdict(list)
    on: dict[Post, list[int]] = defaultdict(list)
    for i, c in enumerate(rows):
        if c.kind != "shift" or c.worker_id is None or c.home_id in why.demand:
            continue
        post = (c.date, c.home_id, c.detail.removeprefix(f"{c.worker_id} "))
        (off if c.after < c.before else on)[post].append(i)
    labelled = list(rows)
    for where, leaving in off.items():
        for i, j in zip(leaving, on.get(where, []), strict=False):
            gone, came = rows[i].worker_id, rows[j].worker_id
            reason = f"swapped: {gone} replaced by {came} on the same shift"
            if gone in why.workers:
                reason += f" ({gone}'s availability changed)"
            for k in (i, j):
                labelled[k] = rows[k].model_copy(update={"reason": reason})
    return labelled


def calls(rows: list[Change]) -> tuple[int, int]:
    """The people a coordinator phones about a re-plan, each once however many of their
    rows moved: the bank workers whose own shifts, swabs, hotel nights or taxis changed,
    and the homes whose test bookings, isolation moves, PPE drops, visits or staff's room
    stays changed (a shift is the worker's call, not the home's: the home's own sheet
    follows from the rosters). Officers are not counted: they are the authority's own
    team and work from the visits table, while the home must expect, or stop expecting,
    their visit, so a moved visit is the home's call."""
    workers = {c.worker_id for c in rows if c.worker_id is not None}
    homes = {c.home_id for c in rows if c.worker_id is None and c.home_id is not None}
    return len(workers), len(homes)


Post = tuple[dt.date, str | None, str]
"""A shift post: date, home, and shift and role in words."""


def _bookings(plan: Plan) -> dict[Row, int]:
    rows: Counter[Row] = Counter()
    for t in plan.testing:
        who = t.worker_id or t.request_id or str(t.cohort)
        rows[t.date, t.home_id, t.worker_id, f"{who} at {t.site_id}"] += t.tests
    return rows


def _shifts(plan: Plan) -> dict[Row, int]:
    return Counter(
        (s.date, s.home_id, s.worker_id, f"{s.worker_id} {s.shift} {s.role}") for s in plan.shifts
    )


def _placements(plan: Plan) -> dict[Row, int]:
    return Counter(
        (p.admit_date, p.from_home, None, f"{p.request_id} at {p.facility_id}")
        for p in plan.placements
    )


class _Reasons:
    """What differs between the previous plan's scenario and the new one, by home, site,
    facility and worker, turned into the reason a row moved."""

    def __init__(self, old: Scenario, new: Scenario) -> None:
        old_homes = {h.id: h for h in old.homes}
        self.demand = {
            h.id: _demand_change(old_homes.get(h.id), h)
            for h in new.homes
            if old_homes.get(h.id) != h
        }
        self.lost: dict[tuple[str, dt.date], str] = {}
        old_sites = {s.id: s for s in old.test_sites}
        for site in new.test_sites:
            was = old_sites.get(site.id)
            for d, day in enumerate(new.horizon.dates):
                if was is None:
                    continue
                now, then = daily(site.capacity, d), daily(was.capacity, d)
                if now < then:
                    self.lost[site.id, day] = f"{site.id} down from {then} to {now}"
        old_workers = {w.id: w for w in old.workers}
        self.workers = {w.id for w in new.workers if old_workers.get(w.id) not in (None, w)} | (
            set(old_workers) - {w.id for w in new.workers}
        )
        self.ppe_homes, self.ppe_supply = ppe_reasons(old, new)
        self.visits_rooms = VisitRoomReasons(old, new)
        self.summary = "; ".join(
            f"{h}: {text}" for h, text in sorted({**self.ppe_homes, **self.demand}.items())
        )

    def of(
        self, date: dt.date, home: str | None, worker: str | None, detail: str, kind: str
    ) -> str:
        if home in self.demand:
            return f"new demand at {home}: {self.demand[home]}"
        if home in self.ppe_homes:
            return f"new demand at {home}: {self.ppe_homes[home]}"
        supply = [text for day, text in sorted(self.ppe_supply.items()) if day <= date]
        if supply and detail.endswith(" drop"):
            return f"PPE supply: {supply[-1]}"
        for (site, day), text in self.lost.items():
            if day == date and f" at {site}" in detail:
                return f"lost capacity: {text} on {day}"
        if (cut := self.visits_rooms.of(kind, date, detail)) is not None:
            return cut
        if worker in self.workers:
            return f"worker {worker}'s availability changed"
        if self.summary:
            return f"moved to make room for higher-priority need ({self.summary})"
        return "rebalanced by the solver at equal cost"


def _demand_change(old: Home | None, new: Home) -> str:
    if old is None:
        return "a home new to the scenario"
    parts = []
    if old.outbreak != new.outbreak:
        parts.append(f"outbreak now {new.outbreak.status}")
        if new.outbreak.since is not None:
            parts[-1] += f" since {new.outbreak.since}"
    if old.shortfalls != new.shortfalls:
        short = sum(s.workers for s in new.shortfalls) - sum(s.workers for s in old.shortfalls)
        parts.append(f"{'-' if short < 0 else '+'}{count(abs(short), 'shift')} short")
    return ", ".join(parts) or "details changed"
