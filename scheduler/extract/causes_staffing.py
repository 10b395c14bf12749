"""Why a short shift was left uncovered: for each worker of any pool who could hold the
role, the rule that stops them (availability, training not yet ended, an agency that does
not supply the home, quarantine, the one-home rule, a pre-deployment test, working-time
limits), and the rule that stops most of them."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from constraints import rules
from constraints.build import BuiltModel
from constraints.domain import (
    agency_supplies,
    available,
    earliest_day_at,
    holds_role,
    out_of_quarantine,
    trained_by,
    worker_serves,
)
from constraints.model import Var
from constraints.rules import Rule
from constraints.staffing import first_tested_start, is_new_home, valid_until
from scenarios.schema import Role, Shift, Worker
from scheduler.extract.cause_rules import NEXT_IN_LINE, Cause, PlanView, Tightness

ONE_SHIFT_A_DAY = "one_shift_a_day"
TEST_VALIDITY = "test_validity"
"""Causes that group several model rules under one id a planner reads as one rule."""

STAFF_RULES: dict[str, str] = {
    rules.AVAILABILITY.id: "not available for that shift",
    rules.TRAINING.id: "still in training (recruits)",
    rules.AGENCY_SUPPLY.id: "with an agency that does not supply this home",
    rules.QUARANTINE.id: "inside the quarantine window since another home",
    rules.ONE_HOME.id: "placed at another home (one home per worker)",
    ONE_SHIFT_A_DAY: "already on another shift that day",
    rules.REST_AFTER_NIGHT.id: "on a night shift next to it (rest after a night)",
    rules.MAX_PER_7_DAYS.id: "at the shifts-per-7-days limit",
    rules.MAX_CONSECUTIVE_DAYS.id: "at the consecutive-days limit",
    rules.MAX_SHIFTS.id: "at their own maximum of shifts",
    TEST_VALIDITY: "without a valid negative test in time",
}
"""Why a candidate worker could not take a shift, most binding first."""

_RANK = {rule: n for n, rule in enumerate(STAFF_RULES)}
"""Each rule's place in `STAFF_RULES` (others after them all): read once per candidate."""


def _rank(rule_id: str) -> int:
    return _RANK.get(rule_id, len(_RANK))


def _held_by(rule_id: str) -> str:
    """Why a candidate could not take a shift, in words: the rule's own text where the
    staffing causes have none of their own (a rule another family adds over shifts)."""
    if rule_id in STAFF_RULES:
        return STAFF_RULES[rule_id]
    texts = {r.id: r.text for r in rules.REGISTRY}
    return f"held by {texts.get(rule_id, rule_id)}"


_STARTS = {
    rules.QUARANTINE.id: "ends {}",
    TEST_VALIDITY: "a test booked today lets one start {}",
    rules.TRAINING.id: "the first trained {}",
}
"""Rules kept by construction until a date, and how a cause says when they lift."""

_GROUPED: dict[Rule, str] = {
    **dict.fromkeys((rules.WORKED, rules.WORKED_DAY, rules.SHIFT_AT_PLACED_HOME), ONE_SHIFT_A_DAY),
    **dict.fromkeys(
        (
            rules.TESTED_BEFORE_FIRST_SHIFT,
            rules.TEST_SERVES_A_START,
            rules.ONE_PREDEPLOYMENT_TEST,
            rules.WORKS_ONCE_STARTED,
            rules.STAYS_STARTED,
            rules.STARTS_ON_A_SHIFT,
        ),
        TEST_VALIDITY,
    ),
    # the quarantine window between two homes, with the one-home rule off
    **dict.fromkeys((rules.QUARANTINE_BETWEEN_HOMES, rules.SERVED_IN_WINDOW), rules.QUARANTINE.id),
}
"""Model rules a cause names by the rule they stand for; any other by its own id."""


class StaffingCauses(PlanView):
    """Causes of uncovered shifts."""

    def __init__(self, built: BuiltModel, values: list[int], tight: Tightness) -> None:
        super().__init__(built, values, tight)
        self._placed, self._worked = self._deployment()
        self._served: dict[tuple[str, str], list[tuple[range, Var]]] = defaultdict(list)
        for (w, h, days), var in built.staff.served.items():
            self._served[w, h].append((days, var))
        self._first_shift: dict[tuple[str, str], int] = {}
        self._tested_starts: dict[str, int] = {}
        """Each worker's `first_tested_start`, asked for every shift they are a candidate
        for."""
        for w, h, d, _s, _r in built.staff.shifts:
            self._first_shift[w, h] = min(d, self._first_shift.get((w, h), d))

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

    def tested_start(self, worker: Worker, home_id: str, d: int) -> dt.date | None:
        """The first date `worker` could start at `home_id` when no negative test can be
        valid there on day `d`: their last one has expired before any shift they could
        start on, and a swab booked at the first open site-day comes back after `d`. None
        when a test could be valid by `d`, or `home_id` is the worker's own home."""
        ctx = self.ctx
        if not is_new_home(worker, home_id):
            return None
        if self._first_shift[worker.id, home_id] <= valid_until(ctx, worker):
            return None  # could start there on the test they hold, and stay started
        start = self._tested_starts.get(worker.id)
        if start is None:
            start = self._tested_starts[worker.id] = first_tested_start(ctx, worker)
        return ctx.dates[0] + dt.timedelta(days=start) if d < start else None

    def _worker_rules(
        self, worker: Worker, home_id: str, d: int, shift: Shift, role: Role
    ) -> tuple[list[str], list[str], str | dt.date]:
        """(rule ids, tight constraint names, detail) that stop `worker` taking the shift;
        the detail is the home holding them, or the date a rule kept by construction
        lifts."""
        ctx = self.ctx
        if not available(worker, ctx.dates[d], shift):
            return [rules.AVAILABILITY.id], [], ""
        if not trained_by(worker, ctx.dates[d]):
            return [rules.TRAINING.id], [], worker.available_from or ""
        if not agency_supplies(ctx, worker, home_id):
            return [rules.AGENCY_SUPPLY.id], [], worker.agency or ""
        if not out_of_quarantine(ctx, worker, home_id, d):
            return [rules.QUARANTINE.id], [], self.quarantine_ends(worker, home_id)
        start = self.tested_start(worker, home_id, d)
        if start is not None:
            return [TEST_VALIDITY], [], start
        sv = self.built.staff
        var = sv.shifts[worker.id, home_id, d, shift, role]
        move = {var: 1, self._open_slack(home_id, d, shift, role): -1}
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
        # A far or carless worker's extra shift is a night unroomed or a day untaxied (a
        # price, never a block): their slack takes it.
        rooms = self.built.rooms
        for slack in (rooms.unroomed, rooms.untaxied):
            extra = slack.get((worker.id, home_id, d))
            if extra is not None:
                move[extra] = 1
        broken = self.tight.blocking(move)
        named: list[str] = []
        for c in broken:
            rule = _GROUPED.get(c.rule, c.rule.id)
            if rule not in named:
                named.append(rule)
        named.sort(key=_rank)
        detail: str | dt.date = ""
        if named and named[0] == rules.ONE_HOME.id:
            detail = self._placed.get(worker.id, "")
        elif named and named[0] == ONE_SHIFT_A_DAY and d in self._worked[worker.id]:
            detail = self._worked[worker.id][d][0]
        return named, [c.name for c in broken], detail

    def _open_slack(self, home_id: str, d: int, shift: Shift, role: Role) -> Var:
        """The shift's uncovered variable one more worker would lower: the first left open
        of the forecast one (a worker covers the reported shift first, so it is the one
        left), the 1:1 one of a stay at home (`constraints.one_to_one`) and the reported
        one; with none open, the first the shift has."""
        sv, k = self.built.staff, (home_id, d, shift, role)
        slacks = [
            v
            for v in (
                sv.forecast_uncovered.get(k),
                sv.one_to_one_uncovered.get(k),
                sv.uncovered.get(k),
            )
            if v is not None
        ]
        return next((v for v in slacks if self.values[v]), slacks[0])

    def uncovered(self, home_id: str, d: int, shift: Shift, role: Role) -> Cause:
        """Why the shift stayed short: no worker holds the role, none is available, or
        each available one is stopped by some rule (the commonest is the cause)."""
        ctx = self.ctx
        date = ctx.dates[d]
        authority = ctx.homes[home_id].authority
        holders = [
            w for w in ctx.scenario.workers if holds_role(w, role) and worker_serves(w, authority)
        ]
        if not holders:
            return Cause(
                "staffing",
                role.value,
                f"no worker in any pool holds the role {role}",
                rule=rules.ROLE.id,
                date=date,
                remedy=f"one {role} in the bank, available for the {shift} shift on {date}",
            )
        free = [w for w in holders if available(w, date, shift)]
        if not free:
            return Cause(
                "staffing",
                role.value,
                f"no {role} is available for the {shift} shift",
                rule=rules.AVAILABILITY.id,
                date=date,
                blocked=tuple(f"{w.id}:{rules.AVAILABILITY.id}" for w in holders),
                remedy=f"one more {role} available for the {shift} shift on {date}",
            )
        tally = _Tally()
        available_ids = {w.id for w in free}
        for w in holders:
            named, names, found = self._worker_rules(w, home_id, d, shift, role)
            tally.binding.update(names)
            if not named:
                return Cause(
                    "solver",
                    "",
                    f"{w.id} could have taken it when the time limit ended",
                    rule="time_limit",
                    date=date,
                    next_in_line=(w.id,),
                    remedy="a longer time limit",
                )
            if w.id in available_ids:
                tally.add(w.id, named, found)
        return _all_unusable(tally, len(free), date, shift, role)


@dataclass
class _Tally:
    """What stops each available candidate of a short shift: the rules counted by the
    first each names, the blocked list, the rules that bound, the candidates stopped by
    one rule alone (the next in line) and when the rules kept until a date lift."""

    reasons: Counter[str] = field(default_factory=Counter)
    blocked: list[str] = field(default_factory=list)
    binding: set[str] = field(default_factory=set)
    single: list[tuple[int, str, str, str]] = field(default_factory=list)
    lifts: dict[str, list[dt.date]] = field(default_factory=lambda: defaultdict(list))

    def add(self, worker_id: str, named: list[str], found: str | dt.date) -> None:
        """Count one candidate stopped by `named` (most binding first)."""
        detail = str(found)
        self.blocked.append(f"{worker_id}:{named[0]}" + (f"@{detail}" if detail else ""))
        self.reasons[named[0]] += 1
        if named[0] in _STARTS and isinstance(found, dt.date):
            self.lifts[named[0]].append(found)
        if len(named) == 1:
            self.single.append((_rank(named[0]), worker_id, named[0], detail))


def _all_unusable(tally: _Tally, free: int, date: dt.date, shift: Shift, role: Role) -> Cause:
    """The cause when every one of `free` available candidates is stopped: the rules in
    order of how many they stop, and the remedy the commonest one asks for."""
    reasons, lifts = tally.reasons, tally.lifts
    text = "; ".join(
        f"{n} {_held_by(why)}"
        + (f" ({_STARTS[why].format(min(lifts[why]))})" if lifts[why] else "")
        for why, n in reasons.most_common()
    )
    single = sorted(tally.single, key=lambda x: (x[0], x[3], x[1]))
    line = tuple(wid for _o, wid, _r, _x in single[:NEXT_IN_LINE])
    rule = reasons.most_common(1)[0][0]
    when = min(lifts[rule]) if lifts[rule] else date
    want = f"one more {role} available for the {shift} shift on {date}"
    if rule == TEST_VALIDITY:
        want = f"one more {role} with a valid negative test for the {shift} shift on {date}"
    elif rule == rules.TRAINING.id:
        want = f"one more {role} trained by {date} for the {shift} shift"
    sentence = f"all {free} available {role}s unusable: {text}"
    if line:
        sentence += f"; next in line: {', '.join(line)} (one rule each)"
    return Cause(
        "staffing",
        role.value,
        sentence,
        rule=rule,
        date=when,
        binding=tuple(sorted(tally.binding)),
        next_in_line=line,
        blocked=tuple(tally.blocked),
        remedy=want,
    )
