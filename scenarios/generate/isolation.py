"""Isolation beds (a care hotel, council beds, learning disability respite) and the
residents and hospital discharges asking for them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from scenarios.generate.shape import HOSPITAL, LD, MAX_REQUESTS_PER_HOME, NURSING, RESIDENTIAL
from scenarios.schema import (
    FacilityKind,
    Home,
    HomeType,
    Horizon,
    IsolationFacility,
    IsolationRequest,
    Need,
)


def scaled_facility_beds(homes: int) -> tuple[int, int, int]:
    """Plymouth's 20 + 10 + 6 beds for 95 homes, scaled, at least 2 of each."""
    hotel, council, respite = (max(2, round(homes * beds / 95)) for beds in (20, 10, 6))
    return hotel, council, respite


def isolation_facilities(beds: tuple[int, int, int]) -> list[IsolationFacility]:
    """A care hotel for older people, council beds, and learning disability respite: between
    them every need a request can have is accepted somewhere."""
    hotel, council, respite = beds
    return [
        IsolationFacility(
            id="care-hotel",
            name="Care hotel",
            kind=FacilityKind.CARE_HOTEL,
            beds=hotel,
            accepts=[Need.DEMENTIA, Need.RESIDENTIAL, Need.NURSING],
            locality="waterfront",
        ),
        IsolationFacility(
            id="council-beds",
            name="Council step-down beds",
            kind=FacilityKind.COUNCIL_BEDS,
            beds=council,
            accepts=[Need.RESIDENTIAL, Need.DEMENTIA],
            locality="central",
        ),
        IsolationFacility(
            id="ld-respite",
            name="Learning disability respite unit",
            kind=FacilityKind.RESPITE,
            beds=respite,
            accepts=[Need.LEARNING_DISABILITY],
            locality="north",
        ),
    ]


def draw_requests(
    rng: random.Random, homes: Sequence[Home], hospital: int, horizon: Horizon
) -> list[IsolationRequest]:
    """Residents whose home cannot isolate them (cases beyond its isolation rooms, at most
    `MAX_REQUESTS_PER_HOME` a home), plus `hospital` discharges; numbered by earliest date."""
    drafts: list[tuple[int, str | None, Need, str]] = []
    for home in homes:
        ob = home.outbreak
        excess = min(ob.resident_cases - home.can_isolate, MAX_REQUESTS_PER_HOME)
        if ob.since is None or excess <= 0:
            continue
        opens = max(0, (ob.since - horizon.start).days)
        rooms = "room" if home.can_isolate == 1 else "rooms"
        reason = (
            f"cannot isolate in home: {ob.resident_cases} cases, "
            f"{home.can_isolate} isolation {rooms}"
        )
        for _ in range(excess):
            # Earlier days more likely: the smaller of two draws after the outbreak began.
            day = opens + min(rng.randint(0, horizon.days - 1 - opens) for _ in range(2))
            drafts.append((day, home.id, _need(rng, home.type), reason))
    for _ in range(hospital):
        need = rng.choices((Need.NURSING, Need.DEMENTIA, Need.RESIDENTIAL), weights=(4, 4, 2))[0]
        reason = f"discharge from {HOSPITAL} after a positive test"
        drafts.append((rng.randrange(horizon.days), None, need, reason))
    drafts.sort(key=lambda d: (d[0], d[1] or "~"))
    width = max(3, len(str(len(drafts))))
    return [
        IsolationRequest(
            id=f"r{i + 1:0{width}d}",
            from_home=home_id,
            from_hospital=None if home_id else HOSPITAL,
            need=need,
            earliest=horizon.start + dt.timedelta(days=day),
            reason=reason,
        )
        for i, (day, home_id, need, reason) in enumerate(drafts)
    ]


ONE_TO_ONE_SHARE = 0.5
"""The share of eligible requests whose home says it can keep the resident 1:1."""


def with_one_to_one(
    rng: random.Random, requests: Sequence[IsolationRequest], homes: Sequence[Home]
) -> list[IsolationRequest]:
    """`requests` with `one_to_one_ok` drawn for those from an older people's residential
    or nursing home with no isolation room, about `ONE_TO_ONE_SHARE` of them.

    Why those: a home with isolation rooms isolates in them, and its requests are the
    cases beyond its rooms; a home with none still has each resident's own room, and with a
    worker of their own there (policy.one_to_one) the resident need not be moved, the
    choice such homes were funded to offer. Learning disability and mental health homes are
    left out: their residents' 1:1 support is already part of the home's own rota
    (shortfalls in role one_to_one), not a stand-in for a bed.

    One draw per eligible request, in the requests' order, from a stream of its own (the
    `one_to_one` section of `city.build`), so every other draw of a seed is unchanged. At
    0.5 the Plymouth example marks 4 of its 43 requests, and 2 of them (r033, r035)
    are met 1:1 at home once the care hotel and council beds are full. The plan chooses a
    stay at home only where no bed is free in time, so a share much lower would leave
    no marked request among those the beds cannot take, and the example would not show
    the option."""
    eligible = {h.id for h in homes if h.type in (RESIDENTIAL, NURSING) and h.can_isolate == 0}
    return [
        r.model_copy(update={"one_to_one_ok": True})
        if r.from_home in eligible and rng.random() < ONE_TO_ONE_SHARE
        else r
        for r in requests
    ]


def _need(rng: random.Random, home_type: HomeType) -> Need:
    """The care a resident needs in isolation, by the kind of home they come from."""
    if home_type == LD:
        return Need.LEARNING_DISABILITY
    if home_type == NURSING:
        return Need.NURSING if rng.random() < 0.6 else Need.DEMENTIA
    if home_type == RESIDENTIAL:
        return Need.RESIDENTIAL if rng.random() < 0.6 else Need.DEMENTIA
    return Need.RESIDENTIAL
