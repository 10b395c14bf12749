"""Infection-prevention-and-control (IPC) training and liaison visits: the officers who go
to homes, what each delivers, and the policy saying which homes need a visit by when.

Everything here is optional: a scenario without officers plans exactly as one written
before these existed.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field, NonNegativeInt, PositiveInt

from scenarios.schema.base import Capacity, Id, Strict
from scenarios.schema.travel import Latitude, Located, Longitude


class VisitKind(StrEnum):
    """What an officer's face-to-face visit to a home is for."""

    TRAINING = "training"
    """An IPC training session for the home's staff (one of the county's sessions)."""
    LIAISON = "liaison"
    """A care-home liaison officer's visit: advice, PPE, the home's own plan."""


class Officer(Located):
    """A training or liaison officer, where their day starts and ends (`locality` or
    coordinates, as homes are located), and their working minutes a day."""

    id: Id
    name: str = ""
    delivers: list[VisitKind] = Field(
        min_length=1, description="training, liaison, or both: the visits they may make."
    )
    locality: str = "central"
    latitude: Latitude = None
    longitude: Longitude = None
    minutes_per_day: PositiveInt = Field(
        default=420,
        description="Minutes a day for visits and the travel to them (a 7-hour day: 420).",
    )
    available: list[dt.date] | None = Field(
        default=None, description="The dates they work; omitted: every day of the horizon."
    )


class VisitMinutes(Strict):
    """How long a visit takes at the home, by kind, travel apart."""

    training: PositiveInt = 120
    liaison: PositiveInt = 60

    def of(self, kind: VisitKind) -> int:
        return int(getattr(self, kind.value))


class VisitWeights(Strict):
    """What one unmet need weighs in tier 1, times the home's risk: an outbreak home
    without its visit first, then a red RAG home, then a home not yet trained."""

    outbreak: NonNegativeInt = 10
    red_rag: NonNegativeInt = 5
    untrained: NonNegativeInt = 3


class VisitsPolicy(Strict):
    """Which homes need a visit by when, and the county's training sessions a day."""

    minutes: VisitMinutes = VisitMinutes()
    training_sessions_per_day: Capacity = Field(
        default=12,
        description="IPC training sessions the county delivers a day, across all officers.",
    )
    outbreak_first_within_days: NonNegativeInt = Field(
        default=1,
        description="A home in outbreak needs a liaison visit within this many days of the "
        "outbreak's start...",
    )
    outbreak_every_days: PositiveInt = Field(
        default=7, description="...and then one in every this many days while it lasts."
    )
    red_rag_within_days: PositiveInt = Field(
        default=3,
        description="A home rated red overall needs a liaison visit within this many days "
        "of the horizon's start.",
    )
    weights: VisitWeights = VisitWeights()
