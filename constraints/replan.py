"""Re-planning against a previous plan: what is decided stays, the rest moves little.

A decision dated before the re-plan's first day happened (a swab taken, a shift worked, a
resident admitted): it is kept exactly, as a hard rule named after it. Decisions from that
day on may change, but each change costs one unit in the tier right after unmet need, so
a re-plan after one new outbreak moves a handful of rows, not the whole roster: planners
and care homes have already acted on the previous plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from constraints import rules
from constraints.context import Context
from constraints.model import Penalty, Var
from constraints.rules import Key, model_name


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision variable as the previous plan set it. `var` is None when the new model
    has no such variable (the worker is no longer available, the request has gone)."""

    kind: str
    """The decision's kind, a key of `rules.DECISIONS`: `shift`, `home_test`, ..."""
    key: Key
    var: Var | None
    before: int
    kept: bool
    """Dated before the re-plan's first day: it happened and must stay as it was."""


def add_kept_decisions(ctx: Context, decisions: list[Decision]) -> None:
    """A kept decision: var = before. One the new model cannot express is still a named
    rule (over a variable fixed at 0), so an impossible past is reported, not dropped."""
    for d in decisions:
        if not d.kept or (d.var is None and d.before == 0):
            continue
        named = rules.DECISIONS[d.kind]
        if d.var is None:
            ctx.model.notes[model_name(named.kept, d.key)] = (
                "the new scenario no longer offers this choice"
            )
        var = d.var if d.var is not None else ctx.model.integer(0, 0, named.gone, d.key)
        ctx.model.add_eq([(var, 1)], d.before, rule=named.kept, key=d.key)


def add_change_penalties(ctx: Context, decisions: list[Decision], tier: int) -> list[Penalty]:
    """Changes against the previous plan, for decisions not kept: |var - before| per
    decision (a booking of 0 swabs that becomes 3 is 3 changes; a shift dropped is 1)."""
    penalties = []
    for d in decisions:
        if d.kept or d.var is None:
            continue
        if d.before == 0:
            penalties.append(Penalty(tier, d.var, 1, rules.CHANGE, is_need=False))
            continue
        named = rules.DECISIONS[d.kind]
        ub = ctx.model.variables[d.var].ub
        moved = ctx.model.integer(0, max(ub, d.before), named.changed, d.key)
        for sign, rule in ((1, named.fewer), (-1, named.more)):
            ctx.model.add(
                [(moved, 1), (d.var, sign)],
                lb=sign * d.before,
                ub=None,
                rule=rule,
                key=d.key,
                tier=tier,
            )
        penalties.append(Penalty(tier, moved, 1, rules.CHANGE, is_need=False))
    return penalties
