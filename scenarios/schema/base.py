"""The vocabulary every scenario record is written in: the strict base model, ids,
enumerations, amounts by day, and the local authority a resource belongs to.

`Strict`, the base of every model, forbids unknown keys: a misspelt field is an error, not a
silently ignored default.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, field_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


def contact(description: str) -> Any:
    """An optional contact field: free text, empty by default. The plan never reads it;
    it is copied onto the hand-outs (`scheduler.output.handouts`) so they can be sent as written."""
    return Field(default="", description=description)


# --------------------------------------------------------------------------- enumerations


class HomeType(StrEnum):
    OLDER_PEOPLE_NURSING = "older_people_nursing"
    OLDER_PEOPLE_RESIDENTIAL = "older_people_residential"
    LEARNING_DISABILITY = "learning_disability"
    MENTAL_HEALTH = "mental_health"
    SUBSTANCE_MISUSE = "substance_misuse"


class Cohort(StrEnum):
    """Who a test is for. `admissions` are residents tested the day before an isolation stay."""

    STAFF = "staff"
    RESIDENTS = "residents"
    AGENCY = "agency"
    ADMISSIONS = "admissions"


HOME_COHORTS: tuple[Cohort, ...] = (Cohort.STAFF, Cohort.RESIDENTS, Cohort.AGENCY)


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class CqcRating(StrEnum):
    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"
    NOT_RATED = "not_rated"


class OutbreakStatus(StrEnum):
    NONE = "none"
    SUSPECTED = "suspected"
    CONFIRMED = "confirmed"


class Shift(StrEnum):
    DAY = "day"
    NIGHT = "night"


SHIFTS: tuple[Shift, ...] = (Shift.DAY, Shift.NIGHT)


class Role(StrEnum):
    CARER = "carer"
    SENIOR_CARER = "senior_carer"
    NURSE = "nurse"
    ONE_TO_ONE = "one_to_one"


class WorkerKind(StrEnum):
    """The pool a worker comes from, which the plan reports each shift's cover by. Agency
    workers are tested as agency staff, every other pool as staff."""

    BANK = "bank"
    AGENCY = "agency"
    NHS = "nhs"
    """NHS partners' care workers made available to drop in on any home's rota."""
    RECRUIT = "recruit"
    """Going through recruitment and training: works only from `available_from`."""


class SiteKind(StrEnum):
    LOCAL_SITE = "local_site"
    NATIONAL_PORTAL = "national_portal"
    MOBILE_UNIT = "mobile_unit"


class FacilityKind(StrEnum):
    CARE_HOTEL = "care_hotel"
    COUNCIL_BEDS = "council_beds"
    RESPITE = "respite"
    DISCHARGE_TO_ASSESS = "discharge_to_assess"


class Need(StrEnum):
    DEMENTIA = "dementia"
    LEARNING_DISABILITY = "learning_disability"
    NURSING = "nursing"
    RESIDENTIAL = "residential"


# --------------------------------------------------------------------------- ids and amounts

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
AuthorityId = Id | None
"""A local authority; None is the scenario's one unnamed authority, so a scenario that never
names one is a single authority."""
Capacity = NonNegativeInt | list[NonNegativeInt]
"""A constant daily amount, or one amount per horizon day."""
Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class ResultRange(Strict):
    """Days from swab to result when they vary from test to test (a national portal's
    results came back in days for some homes and in one to two weeks for others); the
    policy's `result_percentile` picks the day the plan counts on
    (`scenarios.turnaround.days_to_result`)."""

    min: NonNegativeInt
    max: NonNegativeInt


ResultDays = NonNegativeInt | ResultRange
"""A fixed turnaround, or a range of days."""


def daily(capacity: Capacity, day_index: int) -> int:
    """The amount a `Capacity` gives on horizon day `day_index` (0-based)."""
    if isinstance(capacity, list):
        return int(capacity[day_index])
    return int(capacity)


# --------------------------------------------------------------------------- authorities


class Served(Strict):
    """A resource (test site, worker, isolation facility) owned by one local authority.

    It serves the homes (and isolation requests) of its own `authority` and of every
    authority in `shared_with`: a regional test site shared by three councils is
    `authority: plymouth, shared_with: [cornwall, torbay]`. Authorities that share no
    resource are independent problems, which is what lets a national scenario be planned
    authority by authority (`scheduler.pipeline.decompose`).
    """

    authority: AuthorityId = Field(
        default=None, description="Owning local authority; omitted: the one unnamed authority."
    )
    shared_with: list[Id] = Field(
        default=[], description="Other authorities whose homes this resource also serves."
    )

    @field_validator("shared_with")
    @classmethod
    def _distinct(cls, shared: list[str]) -> list[str]:
        if len(set(shared)) != len(shared):
            raise ValueError("names an authority more than once")
        return shared

    @property
    def authorities(self) -> frozenset[str | None]:
        """Every authority whose homes this resource serves."""
        return frozenset([self.authority, *self.shared_with])

    def serves(self, authority: str | None) -> bool:
        return authority == self.authority or authority in self.shared_with
