"""The record of a binding cause and the reading it rests on: each hard rule's activity at
the solved plan, so that a move (one more swab, one more worker on a shift, one more
admission) can be tested against the rules it would break."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from constraints.build import BuiltModel
from constraints.model import Constraint, Var

NEXT_IN_LINE = 3
"""How many homes (or workers) close to getting the binding resource a cause names."""


@dataclass(frozen=True)
class Cause:
    """The binding cause of one unmet need: `family`, `rule` (a `constraints.rules` id, or
    a grouping of rules a cause names as one), `resource` (site, facility or role) and
    `date` are for machines; `text` is the sentence; `binding` the tight constraints by
    name (for people: code reads rules, not these); `next_in_line`
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


def _run(run: list[dt.date]) -> str:
    return str(run[0]) if len(run) == 1 else f"{run[0]}..{run[-1]}"


class Tightness:
    """Each hard rule's activity at the plan, to test moves against its bounds."""

    def __init__(self, built: BuiltModel, values: list[int]) -> None:
        self.model = built.model
        self.values = values
        self.rules = [c for c in self.model.constraints if c.tier == 1]
        self.activity = [sum(k * values[v] for v, k in c.terms) for c in self.rules]
        touching: dict[Var, list[tuple[int, int]]] = defaultdict(list)
        for i, c in enumerate(self.rules):
            for v, k in c.terms:
                touching[v].append((i, k))
        self.touching = dict(touching)

    def blocking(self, move: dict[Var, int]) -> list[Constraint]:
        """The hard rules `move` (variable -> change) would break, with the variables'
        own bounds as pseudo-rules carrying the variable's rule and key."""
        # Read by every candidate worker of every short shift (tens of thousands of moves):
        # locals and plain dict reads, no defaultdict growing on variables in no rule.
        broken: list[Constraint] = []
        variables, values, touching = self.model.variables, self.values, self.touching
        for v, dv in move.items():
            var = variables[v]
            if not var.lb <= values[v] + dv <= var.ub:
                broken.append(Constraint(var.rule, var.key, ((v, 1),), var.lb, var.ub))
        change: dict[int, int] = {}
        for v, dv in move.items():
            for i, k in touching.get(v, ()):
                change[i] = change.get(i, 0) + k * dv
        rules, activity = self.rules, self.activity
        for i, delta in change.items():
            c = rules[i]
            total = activity[i] + delta
            if (c.lb is not None and total < c.lb) or (c.ub is not None and total > c.ub):
                broken.append(c)
        return broken


class PlanView:
    """What every family's cause finder reads: the model, the plan's values and the rules'
    tightness at them (built once, shared by the three families)."""

    def __init__(self, built: BuiltModel, values: list[int], tight: Tightness) -> None:
        self.built = built
        self.ctx = built.ctx
        self.values = values
        self.tight = tight
