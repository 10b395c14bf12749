"""Why a short shift was left uncovered: for each worker of any pool who could hold the
role, the rule that stops them (availability, training not yet ended, an agency that does
not supply the home, quarantine, the one-home rule, a pre-deployment test, working-time
limits), and the rule that stops most of them."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from constraints.build import BuiltModel
from constraints.model import Var
from constraints.staffing import (
    agency_supplies,
    earliest_day_at,
    first_tested_start,
    is_new_home,
    trained_by,
    valid_until,
)
from scenarios.schema import Role, Shift, Worker
from scheduler.extract.cause_rules import NEXT_IN_LINE, Cause, PlanView, Tightness, rule_of

STAFF_RULES: dict[str, str] = {
    "availability": "not available for that shift",
    "training": "still in training (recruits)",
    "agency_supply": "with an agency that does not supply this home",
    "quarantine": "inside the quarantine window since another home",
    "one_home": "placed at another home (one home per worker)",
    "one_shift_a_day": "already on another shift that day",
    "rest_after_night": "on a night shift next to it (rest after a night)",
    "max_per_7_days": "at the shifts-per-7-days limit",
    "max_consecutive_days": "at the consecutive-days limit",
    "max_shifts": "at their own maximum of shifts",
    "test_validity": "without a valid negative test in time",
}
"""Why a candidate worker could not take a shift, most binding first."""

_STARTS = {
    "quarantine": "ends {}",
    "test_validity": "a test booked today lets one start {}",
    "training": "the first trained {}",
}
"""Rules kept by construction until a date, and how a cause says when they lift."""

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


class StaffingCauses(PlanView):
    """Causes of uncovered shifts."""

    def __init__(self, built: BuiltModel, values: list[int], tight: Tightness) -> None:
        super().__init__(built, values, tight)
        self._placed, self._worked = self._deployment()
        self._served: dict[tuple[str, str], list[tuple[range, Var]]] = defaultdict(list)
        for (w, h, days), var in built.staff.served.items():
            self._served[w, h].append((days, var))
        self._first_shift: dict[tuple[str, str], int] = {}
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
        start = first_tested_start(ctx, worker)
        return ctx.dates[0] + dt.timedelta(days=start) if d < start else None

    def _worker_rules(
        self, worker: Worker, home_id: str, d: int, shift: Shift, role: Role
    ) -> tuple[list[str], list[str], str]:
        """(rules, tight constraint names, detail) that stop `worker` taking the shift."""
        ctx = self.ctx
        if not worker.available_on(ctx.dates[d], shift):
            return ["availability"], [], ""
        if not trained_by(worker, ctx.dates[d]):
            return ["training"], [], str(worker.available_from)
        if not agency_supplies(ctx, worker, home_id):
            return ["agency_supply"], [], worker.agency or ""
        if d < earliest_day_at(ctx, worker, home_id):
            return ["quarantine"], [], str(self.quarantine_ends(worker, home_id))
        start = self.tested_start(worker, home_id, d)
        if start is not None:
            return ["test_validity"], [], str(start)
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

    def _open_slack(self, home_id: str, d: int, shift: Shift, role: Role) -> Var:
        """The shift's uncovered variable one more worker would lower: the forecast one
        while it is above 0 (a worker covers the reported shift first, so it is the one
        left), else the reported one."""
        sv, k = self.built.staff, (home_id, d, shift, role)
        forecast = sv.forecast_uncovered.get(k)
        if forecast is not None and (self.values[forecast] or k not in sv.uncovered):
            return forecast
        return sv.uncovered[k]

    def uncovered(self, home_id: str, d: int, shift: Shift, role: Role) -> Cause:
        ctx = self.ctx
        date = ctx.dates[d]
        authority = ctx.homes[home_id].authority
        holders = [w for w in ctx.scenario.workers if role in w.roles and w.serves(authority)]
        if not holders:
            return Cause(
                "staffing",
                role.value,
                f"no worker in any pool holds the role {role}",
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
        lifts: dict[str, list[dt.date]] = defaultdict(list)
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
            if rules[0] in _STARTS and detail:
                lifts[rules[0]].append(dt.date.fromisoformat(detail))
            if len(rules) == 1:
                single.append((order.index(rules[0]), w.id, rules[0], detail))
        text = "; ".join(
            f"{n} {STAFF_RULES[why]}"
            + (f" ({_STARTS[why].format(min(lifts[why]))})" if lifts[why] else "")
            for why, n in reasons.most_common()
        )
        single.sort(key=lambda x: (x[0], x[3], x[1]))
        line = tuple(wid for _o, wid, _r, _x in single[:NEXT_IN_LINE])
        rule = reasons.most_common(1)[0][0]
        when = min(lifts[rule]) if lifts[rule] else date
        if rule == "test_validity":
            want = f"one more {role} with a valid negative test for the {shift} shift on {date}"
        elif rule == "training":
            want = f"one more {role} trained by {date} for the {shift} shift"
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
