"""Isolation beds and the residents (or hospital discharges) asking for one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pydantic import Field, PositiveInt

from scenarios.schema.base import AuthorityId, Capacity, FacilityKind, Id, Need, Served, Strict
from scenarios.schema.homes import Home
from scenarios.schema.travel import Latitude, Located, Longitude


class IsolationFacility(Served, Located):
    id: Id
    name: str = ""
    kind: FacilityKind
    beds: Capacity
    accepts: list[Need] = Field(min_length=1)
    locality: str = "central"
    latitude: Latitude = None
    longitude: Longitude = None


class IsolationRequest(Strict):
    """A resident who cannot isolate safely where they are. `from_home` is a home id, or
    None for a hospital discharge (then `from_hospital` names the hospital)."""

    id: Id
    from_home: Id | None = None
    from_hospital: str | None = None
    need: Need
    earliest: dt.date
    stay_days: PositiveInt | None = Field(default=None, description="Policy default if omitted.")
    reason: str = ""
    one_to_one_ok: bool = Field(
        default=False,
        description="The home can isolate the resident in their own room with a worker of "
        "their own (policy.one_to_one): the plan may staff that instead of a move.",
    )
    authority: AuthorityId = Field(
        default=None,
        description="A hospital discharge's authority; a request from a home is its home's.",
    )

    def authority_in(self, homes: Mapping[str, Home]) -> str | None:
        """The authority the request belongs to: its home's, or its own for a discharge."""
        if self.from_home is not None:
            return homes[self.from_home].authority
        return self.authority
