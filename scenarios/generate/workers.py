"""The workers a city can send: the staff bank drawn with roles, availability and recent
homes, then the pools beyond it (NHS partners' workers, recruits, agency workers and
their agencies), and the bank's supply in shifts that shortfalls are sized to.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from scenarios.generate.shape import (
    AGENCY_NAMES,
    FAMILY_NAMES,
    GIVEN_NAMES,
    HOMES_PER_AGENCY,
    LOCALITIES,
    NHS_SHARE,
    RECRUIT_SHARE,
    SHIFT_UTILISATION,
    days_before,
    unique_names,
)
from scenarios.schema import (
    SHIFTS,
    Agency,
    Availability,
    Home,
    HomeHistory,
    Horizon,
    Role,
    Shift,
    Worker,
    WorkerKind,
)


def draw_workers(
    rng: random.Random,
    n: int,
    homes: Sequence[Home],
    short_ids: set[str],
    horizon: Horizon,
) -> list[Worker]:
    """The staff bank: mostly bank carers, some agency; each free in blocks of days."""
    names = unique_names(rng, n, GIVEN_NAMES, FAMILY_NAMES)
    width = max(3, len(str(n)))
    short_sorted = sorted(short_ids)
    all_ids = [h.id for h in homes]
    return [
        _worker(rng, f"w{i + 1:0{width}d}", names[i], short_sorted, all_ids, horizon)
        for i in range(n)
    ]


def _worker(
    rng: random.Random,
    worker_id: str,
    name: str,
    short_ids: Sequence[str],
    all_ids: Sequence[str],
    horizon: Horizon,
) -> Worker:
    """One worker. About 30% come from a home (usually one now short-staffed) where they
    last worked 1-20 days ago, so some are still inside the quarantine window."""
    history = HomeHistory()
    if rng.random() < 0.30:
        pool = short_ids if short_ids and rng.random() < 0.8 else all_ids
        history = HomeHistory(
            current_home=rng.choice(pool), last_shift=days_before(horizon, rng.randint(1, 20))
        )
    tested = None if rng.random() < 0.25 else days_before(horizon, rng.randint(1, 10))
    max_shifts = None
    if rng.random() < 0.5:
        max_shifts = rng.randint(6, 10) * max(1, round(horizon.days / 14))
    return Worker(
        id=worker_id,
        name=name,
        kind=WorkerKind.BANK if rng.random() < 0.85 else WorkerKind.AGENCY,
        roles=_roles(rng),
        availability=_availability(rng, horizon),
        max_shifts=max_shifts,
        home_history=history,
        last_negative_test=tested,
        locality=rng.choice(LOCALITIES),
    )


def with_pools(
    rng: random.Random,
    workers: Sequence[Worker],
    homes: Sequence[Home],
    short_ids: set[str],
    horizon: Horizon,
) -> tuple[list[Worker], list[Agency]]:
    """The pools beyond the bank, drawn after the shortfalls (which the whole workforce's
    supply sized): some bank workers become NHS partners' workers or recruits (no past
    shifts, trained from a day in the horizon's middle third), and every agency worker
    belongs to an agency supplying about a quarter of the homes, short ones first, and
    the home they last worked at."""
    bank = [i for i, w in enumerate(workers) if w.kind == WorkerKind.BANK]
    drawn = rng.sample(bank, min(len(bank), round(len(workers) * (NHS_SHARE + RECRUIT_SHARE))))
    nhs, chosen = set(drawn[: round(len(workers) * NHS_SHARE)]), set(drawn)
    third = max(1, horizon.days // 3)
    ids = [h.id for h in homes]
    agencies = [
        _agency_homes(rng, ids, short_ids)
        for _ in range(max(1, round(len(homes) / HOMES_PER_AGENCY)))
    ]
    result = []
    for i, w in enumerate(workers):
        if i in nhs:
            w = w.model_copy(update={"kind": WorkerKind.NHS})
        elif i in chosen:
            trained = horizon.start + dt.timedelta(days=rng.randint(third, 2 * third))
            w = w.model_copy(
                update={
                    "kind": WorkerKind.RECRUIT,
                    "available_from": trained,
                    "home_history": HomeHistory(),
                }
            )
        elif w.kind == WorkerKind.AGENCY:
            k = rng.randrange(len(agencies))
            if w.home_history.current_home is not None:
                agencies[k].add(w.home_history.current_home)
            w = w.model_copy(update={"agency": f"ag{k + 1}"})
        result.append(w)
    return result, [
        Agency(
            id=f"ag{k + 1}",
            name=f"{AGENCY_NAMES[k % len(AGENCY_NAMES)]} Care Agency",
            homes=sorted(supplied),
        )
        for k, supplied in enumerate(agencies)
    ]


def _agency_homes(rng: random.Random, ids: Sequence[str], short_ids: set[str]) -> set[str]:
    """About a quarter of the homes, half of them short-staffed where there are enough."""
    n = max(1, round(len(ids) / 4))
    short = sorted(short_ids)
    supplied = set(rng.sample(short, min(len(short), n // 2)))
    others = [h for h in ids if h not in supplied]
    return supplied | set(rng.sample(others, min(len(others), n - len(supplied))))


def _roles(rng: random.Random) -> list[Role]:
    """About 12% nurses, 20% senior carers (over half also carers), 15% one-to-one support
    workers (two in five also carers), the rest carers: about 70% hold the carer role."""
    u = rng.random()
    if u < 0.12:
        return [Role.NURSE]
    if u < 0.32:
        return [Role.SENIOR_CARER, Role.CARER] if rng.random() < 0.55 else [Role.SENIOR_CARER]
    if u < 0.47:
        return [Role.CARER, Role.ONE_TO_ONE] if rng.random() < 0.4 else [Role.ONE_TO_ONE]
    return [Role.CARER]


def _availability(rng: random.Random, horizon: Horizon) -> list[Availability]:
    """Blocks of 2-6 consecutive days covering 55-65% of the horizon, each block for day
    shifts, night shifts or both, as bank workers offer their free weeks."""
    target = max(1, round(horizon.days * rng.uniform(0.55, 0.65)))
    blocks: list[int] = []
    while (left := target - sum(blocks)) > 0:
        if left == 1 and blocks and blocks[-1] < 6:
            blocks[-1] += 1  # fold a lone day into the block before rather than a 1-day block
        else:
            blocks.append(min(rng.randint(2, 6), left))
    gaps = [0] * (len(blocks) + 1)  # before, between and after the blocks
    for _ in range(horizon.days - target):
        gaps[rng.randrange(len(gaps))] += 1
    result: list[Availability] = []
    day = gaps[0]
    for length, gap in zip(blocks, gaps[1:], strict=True):
        shifts = rng.choices(([Shift.DAY], [Shift.NIGHT], list(SHIFTS)), weights=(45, 20, 35))[0]
        first = horizon.start + dt.timedelta(days=day)
        result.append(
            Availability(from_=first, to=first + dt.timedelta(days=length - 1), shifts=shifts)
        )
        day += length + gap
    return result


def available_days(worker: Worker) -> int:
    """Distinct dates the worker is available on, for either shift."""
    return len(
        {
            a.from_ + dt.timedelta(days=k)
            for a in worker.availability
            for k in range((a.last - a.from_).days + 1)
        }
    )


def bank_supply(workers: Sequence[Worker]) -> int:
    """Shifts the staff bank can really work: available days times `SHIFT_UTILISATION`."""
    return round(SHIFT_UTILISATION * sum(available_days(w) for w in workers))
