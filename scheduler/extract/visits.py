"""Training and liaison visits of a solution as plan rows, and the cause of every need
left unvisited: no officer who makes that visit on duty in its window, the officers' days
spent on higher-risk homes, the day's training sessions all used, or the home already
seeing another officer that day (`constraints.visits`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from constraints import rules
from constraints.build import BuiltModel
from constraints.visits import VisitKey
from scenarios.schema import VisitKind, daily
from scenarios.visits import NeedReason, VisitNeed, travel_minutes, visit_minutes
from scheduler.extract.cause_rules import Cause
from scheduler.plan import UnmetKind, UnmetNeed, Visit

_FAMILY = rules.Family.VISITS.value


@dataclass
class VisitRows:
    visits: list[Visit] = field(default_factory=list)
    unmet: list[tuple[UnmetNeed, Cause]] = field(default_factory=list)
    """Each unmet row without its cause columns, and its cause (the caller joins them)."""


def visit_rows(built: BuiltModel, values: list[int]) -> VisitRows:
    """Every visit and every unvisited need of the solution `values`."""
    return _Visits(built, values).rows()


class _Visits:
    def __init__(self, built: BuiltModel, values: list[int]) -> None:
        self.ctx, self.vv, self.values = built.ctx, built.visits, values
        self.officers = {o.id: o for o in self.ctx.scenario.officers}
        self.chosen: list[VisitKey] = sorted(k for k, v in self.vv.visits.items() if values[v])
        self.minutes_used: Counter[tuple[str, int]] = Counter()
        self.homes_of: dict[tuple[str, int], list[str]] = defaultdict(list)
        self.sessions_used: Counter[int] = Counter()
        self.visited: set[tuple[str, int]] = set()
        for o, h, d, k in self.chosen:
            self.minutes_used[o, d] += self._minutes(o, h, k)
            self.homes_of[o, d].append(h)
            self.sessions_used[d] += k == VisitKind.TRAINING
            self.visited.add((h, d))

    def _minutes(self, o: str, h: str, k: VisitKind) -> int:
        return visit_minutes(self.ctx.scenario, self.officers[o], self.ctx.homes[h], k)

    def rows(self) -> VisitRows:
        out = VisitRows()
        for o, h, d, k in sorted(self.chosen, key=lambda x: (x[2], x[0], x[1], x[3])):
            date = self.ctx.dates[d]
            met = [n.label for n in self.vv.needs if n.home == h and n.covers(date) and n.met_by(k)]
            out.visits.append(
                Visit(
                    date=date,
                    officer_id=o,
                    home_id=h,
                    kind=k,
                    travel_minutes=travel_minutes(
                        self.ctx.scenario, self.officers[o], self.ctx.homes[h]
                    ),
                    reason="; ".join(met),
                )
            )
        for n, var in self.vv.unvisited.items():
            if self.values[var]:
                out.unmet.append(self._unmet(n))
        return out

    def _unmet(self, n: VisitNeed) -> tuple[UnmetNeed, Cause]:
        row = UnmetNeed(
            date=n.first,
            home_id=n.home,
            kind=UnmetKind.TRAINING if n.reason == NeedReason.UNTRAINED else UnmetKind.VISIT,
            detail=n.label,
            amount=1,
            risk=self.ctx.risk.score(n.home, n.first),
            cause_family=_FAMILY,
            cause="",
        )
        return row, self._cause(n)

    # ------------------------------------------------------------------ causes

    def _cause(self, n: VisitNeed) -> Cause:
        meeting = set(self.vv.meeting(self.ctx, n))
        candidates = sorted(
            (k for k, v in self.vv.visits.items() if v in meeting),
            key=lambda x: (x[2], x[0], x[3]),
        )
        if not candidates:
            return self._nobody(n)
        blocks = [(rule, key) for key in candidates if (rule := self._blocked_by(key))]
        if not blocks:
            return Cause(
                _FAMILY,
                "",
                "an officer was free but the visit was worth less than its travel",
                rule=rules.VISIT_NEED.id,
            )
        rule, (o, h, d, _k) = max(
            blocks, key=lambda b: (sum(x[0] == b[0] for x in blocks), -b[1][2])
        )
        date = self.ctx.dates[d]
        if rule == rules.OFFICER_MINUTES:
            return Cause(
                _FAMILY,
                o,
                f"officer {o}'s day on {date} spent on higher-risk homes",
                rule=rule.id,
                date=date,
                binding=(rules.model_name(rule, (o, date)),),
                next_in_line=tuple(self.homes_of[o, d]),
                remedy=f"one more officer day like {o}'s on {date}",
            )
        if rule == rules.TRAINING_SESSIONS:
            return Cause(
                _FAMILY,
                "training",
                f"the {date} training sessions all used",
                rule=rule.id,
                date=date,
                binding=(rules.model_name(rule, (date,)),),
                remedy=f"one more training session on {date}",
            )
        return Cause(
            _FAMILY,
            h,
            f"{h} sees another officer on {date}",
            rule=rule.id,
            date=date,
            binding=(rules.model_name(rule, (h, date)),),
            remedy=f"another day for {h}'s visit",
        )

    def _blocked_by(self, key: VisitKey) -> rules.Rule | None:
        """The hard rule a visit `key` added to the plan would break first."""
        o, h, d, k = key
        if k == VisitKind.TRAINING:
            sessions = daily(self.ctx.policy.visits.training_sessions_per_day, d)
            if self.sessions_used[d] >= sessions:
                return rules.TRAINING_SESSIONS
        if self.minutes_used[o, d] + self._minutes(o, h, k) > self.officers[o].minutes_per_day:
            return rules.OFFICER_MINUTES
        if (h, d) in self.visited:
            return rules.ONE_VISIT_A_DAY
        return None

    def _nobody(self, n: VisitNeed) -> Cause:
        kinds = {VisitKind.TRAINING, n.kind}
        if not any(set(o.delivers) & kinds for o in self.officers.values()):
            return Cause(
                _FAMILY,
                n.kind.value,
                f"no officer delivers {n.kind.value}",
                rule=rules.OFFICER_DELIVERS.id,
                remedy=f"an officer who delivers {n.kind.value}",
            )
        return Cause(
            _FAMILY,
            n.kind.value,
            f"no {n.kind.value} officer on duty from {n.first} to {n.due}",
            rule=rules.OFFICER_ON_DUTY.id,
            date=n.first,
            remedy=f"a {n.kind.value} officer on duty on {n.first}",
        )
