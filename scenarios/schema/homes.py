"""Care homes as their daily reports describe them: size, ratings, outbreak, last tests,
and the shifts each is short of.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, NonNegativeInt, PositiveInt

from scenarios.schema.base import (
    AuthorityId,
    Cohort,
    CqcRating,
    HomeType,
    Id,
    OutbreakStatus,
    Rag,
    Role,
    Shift,
    Strict,
    contact,
)
from scenarios.schema.policy import Positivity
from scenarios.schema.travel import Latitude, Located, Longitude


class RagRatings(Strict):
    overall: Rag = Rag.GREEN
    ppe: Rag = Rag.GREEN
    workforce: Rag = Rag.GREEN


class Outbreak(Strict):
    status: OutbreakStatus = OutbreakStatus.NONE
    since: dt.date | None = None
    resident_cases: NonNegativeInt = 0
    staff_cases: NonNegativeInt = 0
    deaths_7d: NonNegativeInt = 0


class LastTested(Strict):
    """Date of the last whole-cohort test; None means never tested (due at once)."""

    staff: dt.date | None = None
    residents: dt.date | None = None
    agency: dt.date | None = None

    def for_cohort(self, cohort: Cohort) -> dt.date | None:
        value: dt.date | None = getattr(self, cohort.value)
        return value


class Shortfall(Strict):
    """A home is `workers` short of `role` on one shift."""

    date: dt.date
    shift: Shift
    role: Role
    workers: PositiveInt


class Home(Located):
    id: Id
    name: str = Field(min_length=1)
    type: HomeType
    beds: PositiveInt
    residents: NonNegativeInt
    staff: NonNegativeInt
    agency_staff: NonNegativeInt = 0
    cqc_rating: CqcRating = CqcRating.GOOD
    rag: RagRatings = RagRatings()
    outbreak: Outbreak = Outbreak()
    can_isolate: NonNegativeInt = Field(
        default=0, description="Residents the home can isolate safely on its own premises."
    )
    last_tested: LastTested = LastTested()
    locality: str = "central"
    latitude: Latitude = None
    longitude: Longitude = None
    shortfalls: list[Shortfall] = Field(default=[])
    positivity: Positivity | None = Field(
        default=None,
        description="The home's own expected positivity per round (e.g. from its last "
        "results), over the policy's absence_forecast positivity.",
    )
    ipc_trained_on: dt.date | None = Field(
        default=None,
        description="When the home's staff had IPC training; omitted: not yet trained "
        "(a training need when the scenario has officers who deliver it).",
    )
    reported: dt.date | None = Field(
        default=None,
        description="When the home's figures (vacancies, cases, RAG) were last reported; "
        "omitted: on the horizon's first day (fresh).",
    )
    authority: AuthorityId = Field(
        default=None, description="The home's local authority; omitted: the unnamed one."
    )
    address: str = contact("Where an arriving bank worker goes; on their roster.")
    report_to: str = contact(
        "Whom an arriving bank worker reports to, e.g. 'Duty manager, 01752 000 001'; on "
        "their roster."
    )

    def cohort_size(self, cohort: Cohort) -> int:
        sizes = {
            Cohort.STAFF: self.staff,
            Cohort.RESIDENTS: self.residents,
            Cohort.AGENCY: self.agency_staff,
        }
        return sizes.get(cohort, 0)
