"""The allocation policies a simulation compares, each a function (scenario, settings,
previous) -> Plan run through the same loop.

- `optimiser`: the tiered CP-SAT plan (`plan_scenario`), a re-plan kept close to the
  previous plan and warm-started from its deployment;
- `greedy`: the careful planner's baseline, highest risk first (`plan_baseline`);
- `proportional`: test slots of each site-day split between homes in proportion to beds,
  bank workers spread over homes in proportion to their short shifts;
- `round_robin`: homes take turns (`Rotation`: least recently served first, then by id,
  so a pointer going round the homes in id order where every site takes every home): a
  site-day's test slots go to the homes in turn, each its whole due cohorts, and bank
  workers to the homes short of staff the same way (a turn of its own); in a simulation
  the turns carry on from day to day and plan to plan;
- `no_one_home`: the optimiser with the one-home rule relaxed (`one_home_per_worker`
  false, `quarantine_days` 0), so workers may move between homes: what the rule is worth;
- `optimiser_near_days`: the optimiser with unmet need discounted by day
  (`objective.day_weighting` kind `discount`, its default rate), so the days about to be
  worked come first: what weighting near days is worth when the plan is re-made anyway.

The two spreadsheet rules never look at risk. They are written as values of the neutral
model's variables, like the baseline, so every hard rule is checked (`Model.violations`)
and the plan is extracted by the same code as the optimiser's; isolation beds are placed
by the baseline's rule (risk first) in all three non-optimising policies, so the
comparison isolates testing and staffing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from constraints.build import BuiltModel, build_model
from constraints.model import Var
from scenarios.schema import Cohort, DayWeighting, DayWeightingKind, Scenario
from scenarios.windows import CoverWindow
from scheduler.heuristics.baseline import plan_baseline, plan_of_values, rule_values
from scheduler.heuristics.booking import HomeBookings, SlotBook
from scheduler.heuristics.greedy import (
    DeploymentPlanner,
    GreedyStaffing,
    commit_pinned,
)
from scheduler.pipeline.planner import plan_scenario
from scheduler.pipeline.replan import Previous
from scheduler.plan import Plan
from scheduler.solve.settings import SolverSettings

Planner = Callable[[Scenario, SolverSettings, Previous | None], Plan]

POLICIES = (
    "optimiser",
    "greedy",
    "proportional",
    "round_robin",
    "no_one_home",
    "optimiser_near_days",
)
OPTIMISING = ("optimiser", "no_one_home", "optimiser_near_days")
"""The policies planned by the optimiser, each on its own `policy_scenario`."""


def policy_scenario(scenario: Scenario, policy: str) -> Scenario:
    """The scenario a policy plans: `no_one_home` lifts the one-home rule and quarantine;
    `optimiser_near_days` discounts unmet need by day."""
    if policy == "no_one_home":
        update: dict[str, object] = {"one_home_per_worker": False, "quarantine_days": 0}
    elif policy == "optimiser_near_days":
        near = DayWeighting(kind=DayWeightingKind.DISCOUNT)
        objective = scenario.policy.objective.model_copy(update={"day_weighting": near})
        update = {"objective": objective}
    else:
        return scenario
    return scenario.model_copy(update={"policy": scenario.policy.model_copy(update=update)})


@dataclass
class Rotation:
    """A round robin's turn: the home served least recently goes first, homes never served
    first of all, ties in one fixed order (their ids sorted); serving a home sends it to
    the back. Where every site can take every home this is a pointer going round the homes
    in id order. Unlike a pointer, a home a site cannot take keeps its place rather than
    being jumped over: a site that tests only some homes (the national portal and learning
    disability homes) would otherwise move the pointer past the others and starve them.
    A home cut short (slots ran out) is not sent back, so it resumes first.

    `at_day` remembers the turn at the start of each planned day, so that a simulation
    re-planning on a day resumes where the days actually carried out left it."""

    served_at: dict[str, int] = field(default_factory=dict)
    at_day: dict[dt.date, dict[str, int]] = field(default_factory=dict)

    def in_turn(self, homes: Iterable[str]) -> list[str]:
        return sorted(set(homes), key=lambda h: (self.served_at.get(h, -1), h))

    def served(self, home: str) -> None:
        self.served_at[home] = max(self.served_at.values(), default=-1) + 1

    def mark(self, day: dt.date) -> None:
        self.at_day[day] = dict(self.served_at)

    def resume(self, day: dt.date) -> None:
        """The turn as it stood at the start of `day` in the plan that planned it."""
        self.served_at = self.at_day.get(day, self.served_at)
        self.at_day.clear()


@dataclass
class Turns:
    """Round robin's two turns, one for test slots and one for bank workers, kept for a
    whole simulation run. Workers are sent for a plan's whole horizon, so the staff turn
    carries on from where the last plan left it."""

    tests: Rotation = field(default_factory=Rotation)
    staff: Rotation = field(default_factory=Rotation)

    def resume(self, day: dt.date) -> None:
        self.tests.resume(day)
        self.staff.resume(day)


def make_plan(
    policy: str,
    scenario: Scenario,
    settings: SolverSettings,
    previous: Previous | None,
    turns: Turns | None = None,
) -> Plan:
    """The plan `policy` makes of `scenario` (already `policy_scenario`'d); `turns` carries
    round robin's turns from an earlier plan (a fresh start without it)."""
    if policy in OPTIMISING:
        return plan_scenario(scenario, settings, previous)
    if policy == "greedy":
        return plan_baseline(scenario, settings)
    if policy in ("proportional", "round_robin"):
        return rule_plan(scenario, policy, turns or Turns())
    raise ValueError(f"unknown policy {policy!r}; choose from {', '.join(POLICIES)}")


# ------------------------------------------------------------------ rule-based plans


def rule_plan(scenario: Scenario, rule: str, turns: Turns) -> Plan:
    """`proportional` or `round_robin` as a complete plan keeping every hard rule."""
    started = time.perf_counter()
    built = build_model(scenario)
    built_at = time.perf_counter()
    book: Callable[[BuiltModel, SlotBook], dict[Var, int]]
    if rule == "proportional":
        staffing, book = _proportional_staff(built), _proportional_tests
    else:
        staffing = _rotating_staff(built, turns.staff)
        book = partial(_rotating_tests, turn=turns.tests)
    _deployment, values, broken = rule_values(built, staffing, book)
    if broken:
        raise RuntimeError(f"{rule} plan breaks {len(broken)} rules: {broken[:5]}")
    # Rule plans are made only inside a simulation, which reads no unmet causes.
    settings = SolverSettings(explain_unmet=False)
    return plan_of_values(built, values, rule, settings, started, built_at)


class _Uniform(DeploymentPlanner):
    """The greedy's schedule builder with every shift worth the same (no risk)."""

    def weight(self, home: str, d: int) -> int:
        return 1


def _short_by_home(built: BuiltModel) -> dict[str, int]:
    return {
        h.id: sum(sf.workers for sf in h.shortfalls)
        for h in built.ctx.scenario.homes
        if h.shortfalls
    }


def _deploy(
    built: BuiltModel, choose: Callable[[str, dict[str, float]], str | None]
) -> GreedyStaffing:
    """Workers in id order, each sent to the home `choose(worker, shifts it could fill by
    home)` picks, with the greedy's schedule there (every rule kept)."""
    planner = _Uniform(built.ctx, built.staff)
    pinned = commit_pinned(planner)
    homes_of: dict[str, list[str]] = defaultdict(list)
    for w, h in sorted(planner.slots):
        if w not in pinned:
            homes_of[w].append(h)
    for w in sorted(homes_of):
        options = {h: planner.schedule(w, h) for h in homes_of[w]}
        fill = {h: value for h, (value, _plan) in options.items() if value > 0}
        home = choose(w, fill) if fill else None
        if home is None:
            continue
        planner.commit(w, options[home][1])
    return planner.staffing()


def _proportional_staff(built: BuiltModel) -> GreedyStaffing:
    """Home h gets about n_workers * short[h] / sum short workers (largest remainders);
    each worker goes to the home furthest below its share among those they can help."""
    short = _short_by_home(built)
    total = sum(short.values()) or 1
    workers = len(built.ctx.scenario.workers)
    share = {h: workers * n / total for h, n in short.items()}
    sent: Counter[str] = Counter()

    def choose(_w: str, fill: dict[str, float]) -> str | None:
        home = max(fill, key=lambda h: (share.get(h, 0) - sent[h], fill[h], h))
        sent[home] += 1
        return home

    return _deploy(built, choose)


def _rotating_staff(built: BuiltModel, turn: Rotation) -> GreedyStaffing:
    """Each worker (in id order) goes to the first home in `turn` they can help."""

    def choose(_w: str, fill: dict[str, float]) -> str | None:
        home = next(iter(turn.in_turn(fill)), None)
        if home is not None:
            turn.served(home)
        return home

    return _deploy(built, choose)


class _Bookings(HomeBookings):
    """Test bookings made site-day by site-day. `due` lists, per site-day in date then site
    order, the home cohorts it could test."""

    def __init__(self, built: BuiltModel, slots: SlotBook) -> None:
        super().__init__(built, slots)
        self.windows: dict[tuple[str, Cohort], list[CoverWindow]] = defaultdict(list)
        for w in built.tests.windows:
            self.windows[w.home, w.cohort].append(w)
        at: dict[tuple[str, int], list[tuple[str, Cohort]]] = defaultdict(list)
        for h, c, site, d in sorted(built.tests.tests):
            at[site, d].append((h, c))
        self.due = sorted(at.items(), key=lambda x: (x[0][1], x[0][0]))

    def need(self, h: str, c: Cohort, d: int) -> int:
        """Swabs the cohort still wants on day d: the most any open window lacks, at most
        the people not yet swabbed that day."""
        open_ = [w for w in self.windows[h, c] if w.first <= d <= w.last]
        if not open_:
            return 0
        left = max(w.size - self.done(w) for w in open_)
        return max(0, min(left, open_[0].size - self.per_day[h, c, d]))

    def book(self, h: str, c: Cohort, site_id: str, d: int, most: int) -> int:
        if self.full(site_id, d, h):
            return 0
        n = min(most, self.need(h, c, d), self.slots.free(site_id, d))
        if n > 0:
            self.take(h, c, site_id, d, n)
        return max(0, n)


def _proportional_tests(built: BuiltModel, slots: SlotBook) -> dict[Var, int]:
    """Each site-day's free slots split between the homes with a cohort due in proportion to
    beds (largest remainders, spare slots passed on)."""
    b = _Bookings(built, slots)
    beds = {h.id: h.beds for h in built.ctx.scenario.homes}
    for (site_id, d), due in b.due:
        for _ in range(3):  # spare slots of homes needing less than their share go round
            free = slots.free(site_id, d)
            wanting = [(h, c) for h, c in due if b.need(h, c, d) > 0]
            if free <= 0 or not wanting:
                break
            weight = sum(beds[h] for h, _c in wanting)
            for h, c in wanting:
                b.book(h, c, site_id, d, max(1, free * beds[h] // weight))
    return b.values()


def _rotating_tests(built: BuiltModel, slots: SlotBook, turn: Rotation) -> dict[Var, int]:
    """Each site-day's slots go to the homes in `turn`, each its whole due cohorts (by
    cohort name), until the slots run out; every home served in full goes to the back of
    the turn, which carries on to the next site-day, day after day."""
    b = _Bookings(built, slots)
    dates = built.ctx.dates
    marked = -1
    for (site_id, d), due in b.due:
        if d != marked:
            for day in range(marked + 1, d + 1):
                turn.mark(dates[day])
            marked = d
        cohorts: dict[str, list[Cohort]] = defaultdict(list)
        for h, c in due:
            cohorts[h].append(c)
        for h in turn.in_turn(cohorts):
            wanted = {c: b.need(h, c, d) for c in cohorts[h]}
            if not any(wanted.values()):
                continue  # nothing due here: no turn taken
            if b.full(site_id, d, h):
                break
            got = {c: b.book(h, c, site_id, d, n) for c, n in wanted.items()}
            if got != wanted:
                break  # cut short: the home keeps the turn
            turn.served(h)
    for day in range(marked + 1, len(dates)):
        turn.mark(dates[day])
    return b.values()
