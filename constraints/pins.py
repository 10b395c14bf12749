"""Pins: decisions a planner fixed by hand, honoured as hard rules.

A pin that no variable can honour (the worker is unavailable that day, the home has no
short shift for them, the facility does not take the resident's need) still becomes a
named rule, over a variable fixed at 0, so the infeasibility report names the pin rather
than failing to build the model.
"""

from __future__ import annotations

from constraints.context import Context, key
from constraints.isolation import IsolationVars
from constraints.staffing import StaffingVars
from scheduler.model import Var

FAMILY = "pins"


def _or_impossible(ctx: Context, variables: list[Var], name: str) -> list[Var]:
    return variables or [ctx.model.integer(0, 0, f"impossible_{name}")]


def add_worker_pins(ctx: Context, sv: StaffingVars) -> None:
    """Pinned worker w at home h on day d: sum_{s,r} shift[w,h,d,s,r] >= 1 (over the pinned
    shift only, when one is named)."""
    for pin in ctx.scenario.pins.workers:
        d = ctx.day(pin.date)
        name = f"pin_worker{key(pin.worker, pin.home, pin.date)}"
        chosen = [
            var
            for (w, h, day, s, _r), var in sv.shifts.items()
            if (w, h, day) == (pin.worker, pin.home, d) and pin.shift in (None, s)
        ]
        ctx.model.add_ge(
            [(v, 1) for v in _or_impossible(ctx, chosen, name)], 1, name=name, family=FAMILY
        )


def add_request_pins(ctx: Context, iv: IsolationVars) -> None:
    """Pinned request r at facility f (on day d when given): sum_d admit[r,f,d] = 1."""
    for pin in ctx.scenario.pins.requests:
        d = None if pin.admit is None else ctx.day(pin.admit)
        name = f"pin_request{key(pin.request, pin.facility)}"
        chosen = [
            var
            for (r, f, day), var in iv.admit.items()
            if (r, f) == (pin.request, pin.facility) and d in (None, day)
        ]
        ctx.model.add_eq(
            [(v, 1) for v in _or_impossible(ctx, chosen, name)], 1, name=name, family=FAMILY
        )
