"""The city's care homes: types, sizes, outbreaks, ratings and test history, and when each
last reported its figures.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence

from scenarios.generate.shape import (
    BED_RANGES,
    CONFIRMED_SHARE,
    HOME_NAME_FIRST,
    HOME_NAME_SECOND,
    INCIDENT_SHARE,
    LD,
    LOCALITIES,
    MH,
    OTHER_SHORT_SHARE,
    STAFF_PER_BED,
    STALE_DAYS,
    STALE_SHARE,
    TYPE_SHARES,
    days_before,
    unique_names,
)
from scenarios.generate.spec import Spec
from scenarios.schema import (
    CqcRating,
    Home,
    HomeType,
    Horizon,
    LastTested,
    Outbreak,
    OutbreakStatus,
    Rag,
    RagRatings,
)


def draw_homes(rng: random.Random, spec: Spec, horizon: Horizon) -> tuple[list[Home], set[str]]:
    """The homes, and the ids of those short of staff (every incident home, plus ~10% of
    the others), which workers and shortfalls need before the homes are final."""
    types = _home_types(rng, spec.homes, spec.type_counts)
    beds = [rng.randint(*BED_RANGES[t]) for t in types]
    if spec.total_beds is not None:
        _fit_total(rng, beds, [BED_RANGES[t] for t in types], spec.total_beds)
    statuses = _outbreak_statuses(rng, beds, spec.incidents)
    names = unique_names(rng, spec.homes, HOME_NAME_FIRST, HOME_NAME_SECOND)
    width = max(3, len(str(spec.homes)))

    homes: list[Home] = []
    short: set[str] = set()
    for i, (home_type, n_beds, status) in enumerate(zip(types, beds, statuses, strict=True)):
        home_id = f"h{i + 1:0{width}d}"
        is_short = status != OutbreakStatus.NONE or rng.random() < OTHER_SHORT_SHARE
        if is_short:
            short.add(home_id)
        homes.append(_home(rng, home_id, names[i], home_type, n_beds, status, is_short, horizon))
    if not short:  # a staff bank with nothing to do teaches nothing: make the biggest short
        short.add(max(homes, key=lambda h: (h.beds, h.id)).id)
    return homes, short


def _home_types(
    rng: random.Random, n: int, counts: Mapping[HomeType, int] | None
) -> list[HomeType]:
    """Exact counts in a shuffled order when pinned, else each home drawn by `TYPE_SHARES`
    (so that even a one-home city can be any type)."""
    if counts is None:
        return rng.choices(list(TYPE_SHARES), weights=list(TYPE_SHARES.values()), k=n)
    if sum(counts.values()) != n:
        raise ValueError(f"type counts sum to {sum(counts.values())}, not {n} homes")
    types = [t for t, k in counts.items() for _ in range(k)]
    rng.shuffle(types)
    return types


def _fit_total(
    rng: random.Random, values: list[int], ranges: Sequence[tuple[int, int]], target: int
) -> None:
    """Nudge random entries by one, each within its range, until `values` sums to `target`.

    Spreading the change over many homes keeps every home a plausible size for its type,
    which shifting only the last few homes could not when the draw is far off."""
    low = sum(r[0] for r in ranges)
    high = sum(r[1] for r in ranges)
    if not low <= target <= high:
        raise ValueError(f"{target} beds cannot fit {len(values)} homes ({low}-{high})")
    while (gap := target - sum(values)) != 0:
        step = 1 if gap > 0 else -1
        movable = [
            i
            for i, (v, (lo, hi)) in enumerate(zip(values, ranges, strict=True))
            if lo <= v + step <= hi
        ]
        for i in rng.sample(movable, min(len(movable), abs(gap))):
            values[i] += step


def _outbreak_statuses(
    rng: random.Random, beds: Sequence[int], incidents: tuple[int, int] | None
) -> list[OutbreakStatus]:
    """Which homes have an incident, bigger homes more often (more people coming and
    going); about 30% of homes, six in ten of them confirmed."""
    n = len(beds)
    if incidents is None:
        count = sum(rng.random() < INCIDENT_SHARE for _ in range(n))
        confirmed = sum(rng.random() < CONFIRMED_SHARE for _ in range(count))
    else:
        count, confirmed = incidents
    # Weighted sampling without replacement: the largest random()**(1/weight) win.
    keys = sorted(range(n), key=lambda i: rng.random() ** (1 / beds[i]), reverse=True)
    hit = keys[:count]
    confirmed_ids = set(rng.sample(hit, confirmed))
    statuses = [OutbreakStatus.NONE] * n
    for i in hit:
        statuses[i] = OutbreakStatus.CONFIRMED if i in confirmed_ids else OutbreakStatus.SUSPECTED
    return statuses


def _home(
    rng: random.Random,
    home_id: str,
    name: str,
    home_type: HomeType,
    beds: int,
    status: OutbreakStatus,
    is_short: bool,
    horizon: Horizon,
) -> Home:
    """One home's size, ratings, outbreak and test history (shortfalls come later)."""
    residents = min(beds, round(beds * rng.uniform(0.80, 0.95)))
    staff = round(beds * rng.uniform(*STAFF_PER_BED))
    agency = round(staff * rng.uniform(0.0, 0.10))
    outbreak = _outbreak(rng, status, residents, horizon)
    can_isolate = 0 if home_type == LD and rng.random() < 0.7 else rng.randint(0, 3)
    return Home(
        id=home_id,
        name=name,
        type=home_type,
        beds=beds,
        residents=residents,
        staff=staff,
        agency_staff=agency,
        cqc_rating=_cqc(rng),
        rag=_rag(rng, status, is_short),
        outbreak=outbreak,
        can_isolate=min(can_isolate, residents),
        last_tested=_last_tested(rng, home_type, agency, horizon),
        locality=rng.choice(LOCALITIES),
    )


def _outbreak(
    rng: random.Random, status: OutbreakStatus, residents: int, horizon: Horizon
) -> Outbreak:
    """Cases small, as in spring 2020's reports; confirmed ones have at least one case
    and may have deaths. Most began up to 10 days before the plan, a few during its first
    week (the plan must react to them)."""
    if status == OutbreakStatus.NONE:
        return Outbreak()
    if rng.random() < 0.10:
        since = horizon.start + dt.timedelta(days=rng.randint(0, min(6, horizon.days - 1)))
    else:
        since = horizon.start - dt.timedelta(days=rng.randint(0, 10))
    if status == OutbreakStatus.CONFIRMED:
        cases = rng.choices(range(9), weights=(6, 24, 20, 15, 12, 9, 6, 4, 4))[0]
        staff_cases = rng.randint(0, 8) if cases else rng.randint(1, 8)
        deaths = rng.choices(range(4), weights=(55, 25, 12, 8))[0] if cases else 0
    else:
        cases = rng.choices(range(5), weights=(30, 35, 20, 10, 5))[0]
        staff_cases = rng.randint(0, 3)
        deaths = 0
    return Outbreak(
        status=status,
        since=since,
        resident_cases=min(cases, residents),
        staff_cases=staff_cases,
        deaths_7d=min(deaths, cases),
    )


def _cqc(rng: random.Random) -> CqcRating:
    """Mostly good, as across English care homes."""
    ratings = (
        CqcRating.GOOD,
        CqcRating.REQUIRES_IMPROVEMENT,
        CqcRating.OUTSTANDING,
        CqcRating.INADEQUATE,
        CqcRating.NOT_RATED,
    )
    return rng.choices(ratings, weights=(70, 18, 4, 4, 4))[0]


def _rag(rng: random.Random, status: OutbreakStatus, is_short: bool) -> RagRatings:
    """Red and amber more likely where there is an outbreak (overall, PPE) or a staffing
    gap (workforce), as the daily tracker rated them."""
    overall = {
        OutbreakStatus.CONFIRMED: (10, 40, 50),
        OutbreakStatus.SUSPECTED: (30, 50, 20),
        OutbreakStatus.NONE: (80, 17, 3),
    }
    ppe = {
        OutbreakStatus.CONFIRMED: (30, 45, 25),
        OutbreakStatus.SUSPECTED: (45, 40, 15),
        OutbreakStatus.NONE: (85, 13, 2),
    }
    workforce = (20, 45, 35) if is_short else (85, 13, 2)
    levels = (Rag.GREEN, Rag.AMBER, Rag.RED)
    return RagRatings(
        overall=rng.choices(levels, weights=overall[status])[0],
        ppe=rng.choices(levels, weights=ppe[status])[0],
        workforce=rng.choices(levels, weights=workforce)[0],
    )


def _last_tested(
    rng: random.Random, home_type: HomeType, agency: int, horizon: Horizon
) -> LastTested:
    """Staff tested in the last 12 days; residents up to 40 days ago, or never, more often
    in learning disability and mental health homes, which national testing missed."""
    never = 0.5 if home_type in (LD, MH) else 0.15
    residents = None if rng.random() < never else days_before(horizon, rng.randint(3, 40))
    return LastTested(
        staff=days_before(horizon, rng.randint(1, 12)),
        residents=residents,
        agency=days_before(horizon, rng.randint(1, 12)) if agency else None,
    )


def with_reports(rng: random.Random, homes: Sequence[Home], horizon: Horizon) -> list[Home]:
    """About `STALE_SHARE` of the homes reported `STALE_DAYS` before the plan; the rest are
    fresh (no `reported`: the horizon's start)."""
    late = [rng.random() < STALE_SHARE for _ in homes]
    return [
        h.model_copy(update={"reported": days_before(horizon, rng.randint(*STALE_DAYS))})
        if is_late
        else h
        for h, is_late in zip(homes, late, strict=True)
    ]
