"""1:1 support at home: a stay met at the resident's own home is one the scenario offers,
and each of its shifts is covered by a 1:1 worker or reported unmet.

Each rule is one function named after it; its docstring states it as a formula. The stays
the scenario offers are `scenarios.one_to_one.home_stays`, a pure function of the scenario."""

from __future__ import annotations

from collections import Counter

from scenarios.one_to_one import ShiftKey, home_stays
from scenarios.schema import AT_HOME, Role, Shift
from scheduler.plan import PlacementMode, ShiftSource, UnmetKind
from scheduler.validate.lookup import Found, Lookup, record_key


def chosen_at_home(ix: Lookup) -> Counter[ShiftKey]:
    """The 1:1 workers the plan's stays at home need, by (home, date, shift, role)."""
    stays = home_stays(ix.scenario)
    return Counter(
        k
        for p in ix.plan.placements
        if p.mode == PlacementMode.ONE_TO_ONE and p.request_id in stays
        for k in stays[p.request_id].cover_keys()
    )


def at_home_offered(ix: Lookup) -> Found:
    """Each stay at home of r: r is from a home, marked one_to_one_ok, the policy's
    one_to_one on, facility `own home (1:1)`, admit_date = max(r.earliest, start) and
    discharge_date = admit_date + r.stay_days."""
    stays = home_stays(ix.scenario)
    for p in ix.plan.placements:
        if p.mode != PlacementMode.ONE_TO_ONE or p.request_id not in ix.requests:
            continue
        stay = stays.get(p.request_id)
        if stay is None:
            yield (
                p.request_id,
                f"request {p.request_id} is met 1:1 at home, which it is not offered",
            )
        elif (p.facility_id, p.admit_date, p.discharge_date) != (AT_HOME, stay.first, stay.end):
            message = (
                f"request {p.request_id}'s stay at home is {p.facility_id} from {p.admit_date} "
                f"to {p.discharge_date}, not {AT_HOME} from {stay.first} to {stay.end}"
            )
            yield p.request_id, message


def one_to_one_gap(ix: Lookup) -> Found:
    """For each home h, date d and shift s: 1:1 shifts at (h, d, s) + unmet 1:1 shifts there
    = the stays at home chosen holding (h, d, s): each chosen stay's shift covered by a
    worker or reported open, and no 1:1 shift or gap without a chosen stay."""
    needed = chosen_at_home(ix)
    covered: Counter[ShiftKey] = Counter(
        (a.home_id, a.date, a.shift, a.role)
        for a in ix.plan.shifts
        if a.source == ShiftSource.ONE_TO_ONE
    )
    left: Counter[ShiftKey] = Counter()
    for u in ix.plan.unmet:
        if u.kind == UnmetKind.SHIFT and u.source == ShiftSource.ONE_TO_ONE and u.home_id:
            # the row's detail begins with its shift: "night shift, one_to_one; ..."
            shift = Shift(u.detail.split(" shift", 1)[0])
            left[u.home_id, u.date, shift, Role.ONE_TO_ONE] += u.amount
    for k in sorted(set(needed) | set(covered) | set(left), key=str):
        h, d, s, _r = k
        if covered[k] + left[k] != needed[k]:
            message = (
                f"{h}'s {s} shift on {d} needs {needed[k]} 1:1 worker(s) for its stays at "
                f"home; {covered[k]} covered and {left[k]} reported open"
            )
            yield record_key(h, d, s), message
