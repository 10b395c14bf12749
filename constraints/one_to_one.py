"""One-to-one support at home: a request from a home met by a worker of the resident's own,
shift by shift, instead of a bed elsewhere.

Variables: ``at_home[r]`` (boolean) exists only for a request `scenarios.one_to_one` offers
a stay at home (a home's request marked one_to_one_ok, the policy on), so the offer holds
by construction. It is one option of the request's `place_once` row next to its
admissions, so a request is met at most once. Choosing it adds one `one_to_one` worker to
the home's demand on each of the stay's shifts: the cover row of that shift gains
``-at_home[r]`` on its left (`staffing.add_shortfall_cover`), so workers cover it under
every staffing rule, and a shift they cannot cover is the slack
``one_to_one_uncovered[h,d,s]``, priced like a reported shift left uncovered.

Why a variable in the cover row rather than demand fixed in advance: whether to move the
resident or staff their room depends on which beds and which workers are free, so the plan
weighs both; the whole-schedule path reads ``at_home`` as one of the non-block variables
in its linking rows, like the cover rows' slacks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from constraints import domain, rules
from constraints.context import Context
from constraints.isolation import IsolationVars
from constraints.model import Penalty, Var
from constraints.staffing import StaffingVars
from scenarios.one_to_one import HomeStay, home_stays
from scenarios.schema import Role, Shift

CoverKey = tuple[str, int, Shift, Role]
"""(home, day index, shift, role): a cover row's key, as `Context.demand` holds it."""


@dataclass
class OneToOneVars:
    stays: dict[str, HomeStay] = field(default_factory=dict)
    """Request id -> the stay at home it may have."""
    cover_terms: dict[CoverKey, list[tuple[Var, int]]] = field(default_factory=dict)
    """The terms each cover row gains: -at_home[r] per stay on the shift, and the gap."""


def add_at_home_variables(ctx: Context, iv: IsolationVars) -> OneToOneVars:
    """at_home[r] for each request with a possible stay at home (`home_stays`)."""
    ov = OneToOneVars(stays=home_stays(ctx.scenario, domain.offered_at_home))
    for r, stay in ov.stays.items():
        iv.at_home[r] = ctx.model.boolean(rules.AT_HOME, (r, stay.home))
    return ov


def add_one_to_one_gap(ctx: Context, ov: OneToOneVars, iv: IsolationVars, sv: StaffingVars) -> None:
    """Every shift of a stay at home needs a 1:1 worker if the stay is chosen; the shifts
    left open are a slack allowed only where a stay was chosen:

        one_to_one_uncovered[h,d,s] <= sum_{r at home h on (d, s)} at_home[r]

    and the cover row of (h, d, s, one_to_one) reads

        sum_w shift[w,h,d,s,one_to_one] + uncovered + forecast_uncovered
            + one_to_one_uncovered[h,d,s] - sum_r at_home[r] = reported + forecast

    so a chosen stay's shift is either covered by a worker or counted open."""
    choices: dict[CoverKey, list[Var]] = defaultdict(list)
    for r, stay in ov.stays.items():
        for date, shift in stay.shifts:
            choices[stay.home, ctx.day(date), shift, Role.ONE_TO_ONE].append(iv.at_home[r])
    for key, variables in sorted(choices.items()):
        h, d, s, role = key
        k = (h, ctx.dates[d], s, role)
        gap = ctx.model.integer(0, len(variables), rules.ONE_TO_ONE_UNCOVERED, k)
        sv.one_to_one_uncovered[key] = gap
        ctx.model.add_le(
            [(gap, 1), *((v, -1) for v in variables)],
            0,
            rule=rules.ONE_TO_ONE_GAP,
            key=k,
        )
        ov.cover_terms[key] = [(gap, 1), *((v, -1) for v in variables)]


def add_one_to_one_cover(ctx: Context, sv: StaffingVars) -> list[Penalty]:
    """A 1:1 shift left open costs what a reported shift left open costs at the home that
    day: day[d] * w_shift * risk[h,d] * one_to_one_uncovered[h,d,s]."""
    weight = ctx.policy.objective.uncovered_shift
    return [
        Penalty(
            1,
            gap,
            ctx.need_price(weight * ctx.risk.score(h, ctx.dates[d]), d),
            rules.ONE_TO_ONE_COVER,
            (h, ctx.dates[d], s, r),
            h,
        )
        for (h, d, s, r), gap in sv.one_to_one_uncovered.items()
    ]
