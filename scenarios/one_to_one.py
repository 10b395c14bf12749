"""One-to-one stays at home: the shifts a request met by 1:1 support at the resident's own
home would need, derived from the scenario alone.

A pure function of the scenario, like the forecast absences, so that the model, the greedy
plan, the validator and the tables read one definition of which requests may be met at
home and on which shifts: the stay runs from the request's earliest day (the first day of
the horizon if that is earlier) for its length, clipped to the horizon, one worker in role
`one_to_one` on each of the policy's `one_to_one.shifts` of every stay day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from scenarios.schema import IsolationRequest, Role, Scenario, Shift

ShiftKey = tuple[str, dt.date, Shift, Role]
"""(home, date, shift, role)."""


@dataclass(frozen=True)
class HomeStay:
    """Request `request`'s stay at its own home `home` from `first`, one 1:1 worker on
    each of `shifts`."""

    request: str
    home: str
    first: dt.date
    end: dt.date
    """The day after the stay (its discharge date), which may lie past the horizon."""
    shifts: tuple[tuple[dt.date, Shift], ...]
    """The stay's shifts inside the horizon, by date then shift."""

    def cover_keys(self) -> list[ShiftKey]:
        return [(self.home, d, s, Role.ONE_TO_ONE) for d, s in self.shifts]


def may_stay_at_home(scenario: Scenario, request: IsolationRequest) -> bool:
    """1:1 at home is offered for a request from a home (not a hospital discharge) marked
    `one_to_one_ok`, while the policy's `one_to_one.enabled` is on."""
    return (
        scenario.policy.one_to_one.enabled
        and request.from_home is not None
        and request.one_to_one_ok
    )


def home_stays(
    scenario: Scenario,
    offered: Callable[[Scenario, IsolationRequest], bool] = may_stay_at_home,
) -> dict[str, HomeStay]:
    """Request id -> its possible 1:1 stay at home, for every request that may have one
    (`offered`: the model passes its own domain rule) and whose stay holds a shift in the
    horizon, in the scenario's order."""
    dates = scenario.horizon.dates
    policy = scenario.policy
    stays = {}
    for r in scenario.isolation_requests:
        if not offered(scenario, r) or r.from_home is None:
            continue
        first = max(r.earliest, dates[0])
        end = first + dt.timedelta(days=r.stay_days or policy.isolation_stay_days)
        shifts = tuple((d, s) for d in dates if first <= d < end for s in policy.one_to_one.shifts)
        if shifts:
            stays[r.id] = HomeStay(r.id, r.from_home, first, end, shifts)
    return stays


def one_to_one_demand(scenario: Scenario) -> Counter[ShiftKey]:
    """The most 1:1 workers each home may need per shift: the possible stays there."""
    return Counter(k for stay in home_stays(scenario).values() for k in stay.cover_keys())
