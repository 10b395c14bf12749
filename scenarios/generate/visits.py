"""Training and liaison officers for a generated city, and which homes had IPC training
before the horizon. Drawn from their own random stream, after every other section, so a
city generated before visits existed keeps every other draw."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from scenarios.generate.shape import LOCALITIES
from scenarios.schema import Home, Horizon, Officer, VisitKind

WEEKDAYS = 5
"""Officers work Monday to Friday."""


@dataclass(frozen=True)
class Officers:
    """What to draw: liaison officers and IPC trainers (each based in a locality drawn at
    random, working weekdays, with their minutes a day for visits), and the share of homes
    trained before the horizon."""

    liaison: int
    trainers: int
    trained_share: float
    liaison_minutes: int = 420
    trainer_minutes: int = 420


def draw_officers(rng: random.Random, spec: Officers, horizon: Horizon) -> list[Officer]:
    weekdays = [d for d in horizon.dates if d.weekday() < WEEKDAYS]
    kinds = [("liaison", VisitKind.LIAISON)] * spec.liaison + [
        ("trainer", VisitKind.TRAINING)
    ] * spec.trainers
    counts: dict[str, int] = {}
    officers = []
    for prefix, kind in kinds:
        counts[prefix] = counts.get(prefix, 0) + 1
        officers.append(
            Officer(
                id=f"{prefix}-{counts[prefix]}",
                name=f"{'Liaison officer' if kind == VisitKind.LIAISON else 'IPC trainer'} "
                f"{counts[prefix]}",
                delivers=[kind],
                locality=rng.choice(LOCALITIES),
                minutes_per_day=spec.liaison_minutes
                if kind == VisitKind.LIAISON
                else spec.trainer_minutes,
                available=weekdays,
            )
        )
    return officers


def with_training(
    rng: random.Random, spec: Officers, homes: list[Home], horizon: Horizon
) -> list[Home]:
    """Each home trained on a day of the 6 weeks before the horizon with probability
    `trained_share`, else not yet trained."""
    trained = []
    for home in homes:
        if rng.random() < spec.trained_share:
            when = horizon.start - dt.timedelta(days=rng.randint(1, 42))
            trained.append(home.model_copy(update={"ipc_trained_on": when}))
        else:
            trained.append(home)
    return trained
