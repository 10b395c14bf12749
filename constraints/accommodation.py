"""Staff accommodation and transport: hotel rooms for care staff and taxis to and from
homes, both so that staff keep working at one home without mixing on the way.

Variables:

- ``room_stay[q,t]`` (boolean) for each room request q and staff hotel t: the whole stay,
  every night of it (`domain.stay_covers`), in that hotel; ``room_unmet[q]`` the request
  left without a room. A stay is never split across hotels or nights: a worker moved
  mid-stay is the mixing the rooms are booked to avoid.
- ``lodge[w,t,h,d]`` (boolean) for a bank worker w who may be deployed on day d to a home
  beyond `policy.accommodation.far_minutes` of where they live (`domain.far_deployed`), at
  a hotel t within that of the home (`domain.near_hotel`): the night of day d in a room;
  ``unroomed[w,h,d]`` that night without one. These tie rooms to staffing: they exist only
  where a far shift variable does, and their rows carry the shift variables.
- ``taxi[w,h,d]`` (boolean) a taxi pair (two journeys) for worker w's shift at home h on
  day d where it is eligible (`domain.needs_taxi`); ``untaxied[w,h,d]`` one without.

A taxi is a soft need, not an option: an eligible shift without one is priced in tier 1
(`policy.transport.untaxied_shift` times the home's risk), so taxis go where risk is
highest and a tight budget shows up as unmet need with its day named. As an option
nothing would ask for them, and a plan would not say who travelled by bus.

Every price is below an uncovered shift's, so a far or carless worker still covers a
shift the plan cannot otherwise fill; between two workers who can, the one needing no
room and no taxi is preferred. The tier-1 terms stay out of the fairness tier's
per-home need: that tier weighs homes by their shortfalls, tests and beds as before.

The pattern path (`scheduler.solve.patterns.blocks`) takes the rows over shift variables
(`lodge_at_shift`, `taxi_at_shift`) as linking rows whose coefficients a
schedule's shifts carry, like shortfall cover; `hotel_rooms` and `taxi_budget` are rows
over these variables only and stay in the master as they are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from constraints import domain, rules
from constraints.context import Context
from constraints.model import Penalty, Var
from constraints.staffing import StaffingVars
from scenarios.accommodation import JOURNEYS_PER_SHIFT
from scenarios.schema import AccommodationPolicy, RoomRequest, daily

WorkerDay = tuple[str, str, int]
"""(worker, home, day index): a worker's shift at a home that day, whichever it is."""


@dataclass
class AccommodationVars:
    stays: dict[tuple[str, str], Var] = field(default_factory=dict)
    """(request, hotel) -> the whole stay there."""
    unmet: dict[str, Var] = field(default_factory=dict)
    lodge: dict[tuple[str, str, str, int], Var] = field(default_factory=dict)
    """(worker, hotel, home, day) -> the night of a far shift at the home in a room there."""
    unroomed: dict[WorkerDay, Var] = field(default_factory=dict)
    taxis: dict[WorkerDay, Var] = field(default_factory=dict)
    """(worker, home, day) -> a taxi pair for the day's shift at the home."""
    untaxied: dict[WorkerDay, Var] = field(default_factory=dict)
    far_shifts: dict[WorkerDay, list[Var]] = field(default_factory=dict)
    """(worker, home, day) -> the shift variables far from where the worker lives."""
    taxi_shifts: dict[WorkerDay, list[Var]] = field(default_factory=dict)
    """(worker, home, day) -> the taxi-eligible shift variables."""


def policy_of(ctx: Context) -> AccommodationPolicy:
    """The accommodation prices: the policy's, or the defaults for room requests alone."""
    return ctx.policy.accommodation or AccommodationPolicy()


def nights_in_horizon(ctx: Context, request: RoomRequest) -> list[int]:
    """Day indices of the request's nights inside the horizon (later ones are the next
    plan's)."""
    return [d for d in range(ctx.days) if domain.stay_covers(request, ctx.dates[d])]


# ------------------------------------------------------------------ variables


def add_accommodation_variables(ctx: Context, sv: StaffingVars) -> AccommodationVars:
    """Stays for every request and hotel; lodging and taxis where a shift variable makes
    them possible (so a scenario without hotels or a transport policy adds nothing)."""
    av = AccommodationVars()
    for q in ctx.scenario.room_requests:
        for hotel in ctx.scenario.staff_hotels:
            av.stays[q.id, hotel.id] = ctx.model.boolean(rules.ROOM_STAY, (q.id, hotel.id))
    workers = {w.id: w for w in ctx.scenario.workers}
    far: dict[WorkerDay, list[Var]] = defaultdict(list)
    taxi: dict[WorkerDay, list[Var]] = defaultdict(list)
    # asked once a (worker, home) pair, not once a shift: a travel time is a haversine
    far_pairs = {
        (w, h): bool(ctx.scenario.staff_hotels) and domain.far_deployed(ctx, workers[w], h)
        for w, h in sv.placed
    }
    for (w, h, d, _s, _r), var in sv.shifts.items():
        if far_pairs[w, h]:
            far[w, h, d].append(var)
        if domain.needs_taxi(ctx, workers[w], h, d):
            taxi[w, h, d].append(var)
    av.far_shifts, av.taxi_shifts = dict(far), dict(taxi)
    for w, h, d in sorted(av.far_shifts):
        for hotel in ctx.scenario.staff_hotels:
            if domain.near_hotel(ctx, hotel, h):
                key = (w, hotel.id, h, ctx.dates[d])
                av.lodge[w, hotel.id, h, d] = ctx.model.boolean(rules.LODGE, key)
        av.unroomed[w, h, d] = ctx.model.boolean(rules.UNROOMED, (w, h, ctx.dates[d]))
    for w, h, d in sorted(av.taxi_shifts):
        av.taxis[w, h, d] = ctx.model.boolean(rules.TAXI, (w, h, ctx.dates[d]))
        av.untaxied[w, h, d] = ctx.model.boolean(rules.UNTAXIED, (w, h, ctx.dates[d]))
    return av


# ------------------------------------------------------------------ hard rules


def add_hotel_rooms(ctx: Context, av: AccommodationVars) -> None:
    """A hotel lets at most its rooms a night, to requests and deployed workers alike:
    sum_{q: n in stay(q)} room_stay[q,t] + sum_{w,h} lodge[w,t,h,n] <= rooms[t,n]."""
    requests = {q.id: q for q in ctx.scenario.room_requests}
    occupying: dict[tuple[str, int], list[Var]] = defaultdict(list)
    for (q, t), var in av.stays.items():
        for n in nights_in_horizon(ctx, requests[q]):
            occupying[t, n].append(var)
    for (_w, t, _h, n), var in av.lodge.items():
        occupying[t, n].append(var)
    hotels = {h.id: h for h in ctx.scenario.staff_hotels}
    for (t, n), variables in sorted(occupying.items()):
        ctx.model.add_at_most(
            variables, daily(hotels[t].rooms, n), rule=rules.HOTEL_ROOMS, key=(t, ctx.dates[n])
        )


def add_rooms_at_shifts(ctx: Context, av: AccommodationVars) -> None:
    """A far shift's night is in a room near the home or counted unroomed, and a room is
    taken only then: sum_t lodge[w,t,h,d] + unroomed[w,h,d] = sum_{s,r} shift[w,h,d,s,r]."""
    lodging: dict[WorkerDay, list[Var]] = defaultdict(list)
    for (w, _t, h, d), var in av.lodge.items():
        lodging[w, h, d].append(var)
    _given_or_slack(ctx, av.far_shifts, lodging, av.unroomed, rules.LODGE_AT_SHIFT)


def add_taxis_at_shifts(ctx: Context, av: AccommodationVars) -> None:
    """An eligible shift goes by taxi or is counted untaxied, and a taxi goes only to a
    shift: taxi[w,h,d] + untaxied[w,h,d] = sum_{s,r} shift[w,h,d,s,r] (eligible)."""
    given = {k: [v] for k, v in av.taxis.items()}
    _given_or_slack(ctx, av.taxi_shifts, given, av.untaxied, rules.TAXI_AT_SHIFT)


def _given_or_slack(
    ctx: Context,
    shifts: dict[WorkerDay, list[Var]],
    given: dict[WorkerDay, list[Var]],
    slack: dict[WorkerDay, Var],
    rule: rules.Rule,
) -> None:
    """`given + slack = shifts` for each (worker, home, day): at most one shift a day, so
    each side is 0 or 1."""
    for (w, h, d), options in sorted(shifts.items()):
        ctx.model.add_eq(
            [*((v, 1) for v in given.get((w, h, d), [])), (slack[w, h, d], 1)]
            + [(v, -1) for v in options],
            0,
            rule=rule,
            key=(w, h, ctx.dates[d]),
        )


def add_taxi_budget(ctx: Context, av: AccommodationVars) -> None:
    """At most the day's journeys, two a shift: sum_{w,h} 2 * taxi[w,h,d] <= journeys[d]."""
    transport = ctx.policy.transport
    if transport is None:
        return
    by_day: dict[int, list[Var]] = defaultdict(list)
    for (_w, _h, d), var in av.taxis.items():
        by_day[d].append(var)
    for d, variables in sorted(by_day.items()):
        budget = daily(transport.journeys_per_day, d)
        if JOURNEYS_PER_SHIFT * len(variables) > budget:
            ctx.model.add_le(
                [(v, JOURNEYS_PER_SHIFT) for v in variables],
                budget,
                rule=rules.TAXI_BUDGET,
                key=(ctx.dates[d],),
            )


# ------------------------------------------------------------------ soft rules


def add_room_requests(ctx: Context, av: AccommodationVars) -> list[Penalty]:
    """Each request met whole in one hotel or left unmet:
    sum_t room_stay[q,t] + room_unmet[q] = 1, the unmet one priced
    room_night * reason_weight[q] * nights_in_horizon[q] * risk[home, first night]."""
    policy = policy_of(ctx)
    penalties = []
    for q in ctx.scenario.room_requests:
        unmet = ctx.model.boolean(rules.ROOM_UNMET, (q.id,))
        av.unmet[q.id] = unmet
        stays = [v for (r, _t), v in av.stays.items() if r == q.id]
        ctx.model.add_eq(
            [*((v, 1) for v in stays), (unmet, 1)], 1, rule=rules.ROOM_ONCE, key=(q.id,)
        )
        first = max(0, ctx.day(q.first_night))
        nights = len(nights_in_horizon(ctx, q))
        price = policy.room_night * policy.reason_weights.of(q.reason) * nights
        risk = ctx.risk.score(q.home, ctx.dates[first])
        penalties.append(
            Penalty(1, unmet, ctx.need_price(price * risk, first), rules.ROOM_ONCE, (q.id,), q.home)
        )
    return penalties


def add_room_nights(ctx: Context, av: AccommodationVars) -> list[Penalty]:
    """A far-deployed worker's night without a room, priced
    room_night * reason_weight[far_from_home] * risk[h,d] * unroomed[w,h,d]."""
    policy = policy_of(ctx)
    weight = policy.room_night * policy.reason_weights.far_from_home
    return _priced(ctx, av.unroomed, weight, rules.ROOM_NIGHT)


def add_taxi_pairs(ctx: Context, av: AccommodationVars) -> list[Penalty]:
    """An eligible shift without a taxi pair, priced untaxied_shift * risk[h,d] *
    untaxied[w,h,d]."""
    transport = ctx.policy.transport
    weight = transport.untaxied_shift if transport is not None else 0
    return _priced(ctx, av.untaxied, weight, rules.TAXI_PAIR)


def _priced(
    ctx: Context, slack: dict[WorkerDay, Var], weight: int, rule: rules.Rule
) -> list[Penalty]:
    return [
        Penalty(
            1,
            var,
            ctx.need_price(weight * ctx.risk.score(h, ctx.dates[d]), d),
            rule,
            (w, h, ctx.dates[d]),
            h,
        )
        for (w, h, d), var in sorted(slack.items())
    ]
