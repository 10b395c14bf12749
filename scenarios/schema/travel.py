"""Where records are and how long it takes between them: a locality and optional
coordinates on every home, worker and facility (`Located`), and the minutes `Travel`
counts from one to another.
"""

from __future__ import annotations

import math
from typing import Annotated, Protocol

from pydantic import Field, NonNegativeInt, model_validator

from scenarios.schema.base import Strict

Latitude = Annotated[
    float | None,
    Field(
        default=None,
        ge=-90.0,
        le=90.0,
        description="Decimal degrees (WGS84, as the CQC directory gives them), with "
        "`longitude`; both given, travel to and from it is by distance (see `travel`), "
        "else by locality.",
    ),
]
Longitude = Annotated[
    float | None,
    Field(default=None, ge=-180.0, le=180.0, description="Decimal degrees, with `latitude`."),
]


class Located(Strict):
    """A place travel is measured from: a locality name and, optionally, coordinates.

    Only the check lives here (so each model keeps its own field order); the models declare
    `locality`, `latitude` and `longitude` themselves."""

    @model_validator(mode="after")
    def _both_coordinates_or_neither(self) -> Located:
        given = (getattr(self, "latitude", None), getattr(self, "longitude", None))
        if given.count(None) == 1:
            raise ValueError("give latitude and longitude together, or neither")
        return self


# --------------------------------------------------------------------------- minutes between places


class TravelTime(Strict):
    from_: str = Field(alias="from")
    to: str
    minutes: NonNegativeInt


class Place(Protocol):
    """What travel is measured between: a home, a worker's base, an isolation facility."""

    @property
    def locality(self) -> str: ...
    @property
    def latitude(self) -> float | None: ...
    @property
    def longitude(self) -> float | None: ...


EARTH_RADIUS_KM = 6371.0088
"""The mean radius of the Earth (IUGG)."""


def coordinates(place: Place) -> tuple[float, float] | None:
    if place.latitude is None or place.longitude is None:
        return None
    return (place.latitude, place.longitude)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance between two (latitude, longitude) points."""
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    dlat, dlon = lat2 - lat1, math.radians(b[1] - a[1])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class Travel(Strict):
    """Minutes between two places (a worker's base and a home, a home and a facility).

    Both with coordinates: `distance_km x detour_factor / speed_kmh x 60` to the nearest
    minute, the straight-line (haversine) distance stretched to a road distance and driven
    at an urban speed. Otherwise by locality: `same_locality_minutes` within one, the listed
    `times` between two (symmetric), else `default_minutes`."""

    default_minutes: NonNegativeInt = Field(
        default=20, description="Between two localities not listed in `times`."
    )
    same_locality_minutes: NonNegativeInt = Field(
        default=5, description="Within one locality (unless both places have coordinates)."
    )
    times: list[TravelTime] = Field(
        default=[], description="Minutes between two localities, either way round."
    )
    detour_factor: Annotated[float, Field(ge=1.0, le=3.0)] = Field(
        default=1.3,
        description="Road distance per straight-line kilometre, for places with "
        "coordinates (about 1.3 in English towns; 1.4-1.5 in hilly or rural areas).",
    )
    speed_kmh: Annotated[float, Field(gt=0.0, le=120.0)] = Field(
        default=30.0,
        description="Average driving speed in km/h, door to door, for places with "
        "coordinates (urban roads with junctions and parking).",
    )

    def minutes(self, a: Place, b: Place) -> int:
        here, there = coordinates(a), coordinates(b)
        if here is not None and there is not None:
            km = distance_km(here, there)
            return int(km * self.detour_factor / self.speed_kmh * 60 + 0.5)
        if a.locality == b.locality:
            return self.same_locality_minutes
        for t in self.times:
            if {t.from_, t.to} == {a.locality, b.locality}:
                return t.minutes
        return self.default_minutes
