"""The hand rule for staff hotel rooms and taxis, given a deployment: room requests by
priority (reason weight, then the home's risk), each whole in the first hotel with a room
every night; then each far shift's night in the first near hotel with a room left; then
taxi pairs to eligible shifts, riskiest home first, while the day's budget lasts.
Everything left over is the slack the model prices, so the values keep every hard rule."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from constraints.accommodation import nights_in_horizon, policy_of
from constraints.build import BuiltModel
from constraints.model import Var
from scenarios.accommodation import JOURNEYS_PER_SHIFT
from scenarios.schema import daily


def greedy_rooms(built: BuiltModel, values: Mapping[Var, int]) -> dict[Var, int]:
    """A value for every accommodation variable, around the deployment in `values`."""
    ctx, av = built.ctx, built.rooms
    hotels = {t.id: t for t in ctx.scenario.staff_hotels}
    used: Counter[tuple[str, int]] = Counter()
    out: dict[Var, int] = dict.fromkeys(
        [*av.stays.values(), *av.lodge.values(), *av.taxis.values()], 0
    )

    def free(t: str, nights: list[int]) -> bool:
        return all(used[t, n] < daily(hotels[t].rooms, n) for n in nights)

    weights = policy_of(ctx).reason_weights
    requests = sorted(
        ctx.scenario.room_requests,
        key=lambda q: (-weights.of(q.reason), -ctx.risk.score(q.home, q.first_night), q.id),
    )
    for q in requests:
        nights = nights_in_horizon(ctx, q)
        hotel = next((t for r, t in sorted(av.stays) if r == q.id and free(t, nights)), None)
        out[av.unmet[q.id]] = int(hotel is None)
        if hotel is not None:
            out[av.stays[q.id, hotel]] = 1
            used.update((hotel, n) for n in nights)
    near: defaultdict[tuple[str, str, int], list[str]] = defaultdict(list)
    for x, t, y, n in sorted(av.lodge):
        near[x, y, n].append(t)
    for (w, h, d), shifts in sorted(av.far_shifts.items()):
        working = any(values.get(v, 0) for v in shifts)
        hotel = next((t for t in near[w, h, d] if free(t, [d])), None)
        if working and hotel is not None:
            out[av.lodge[w, hotel, h, d]] = 1
            used[hotel, d] += 1
        out[av.unroomed[w, h, d]] = int(working and hotel is None)
    transport = ctx.policy.transport
    journeys: Counter[int] = Counter()
    order = sorted(av.taxi_shifts, key=lambda k: (k[2], -ctx.risk.score(k[1], ctx.dates[k[2]]), k))
    for w, h, d in order:
        working = any(values.get(v, 0) for v in av.taxi_shifts[w, h, d])
        budget = daily(transport.journeys_per_day, d) if transport is not None else 0
        given = working and journeys[d] + JOURNEYS_PER_SHIFT <= budget
        out[av.taxis[w, h, d]] = int(given)
        out[av.untaxied[w, h, d]] = int(working and not given)
        journeys[d] += JOURNEYS_PER_SHIFT * given
    return out
