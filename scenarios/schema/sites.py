"""Test channels: whom each site tests, how many a day, and how soon results come back."""

from __future__ import annotations

from pydantic import Field, NonNegativeInt, PositiveInt

from scenarios.schema.base import (
    Capacity,
    Cohort,
    HomeType,
    Id,
    ResultDays,
    Served,
    SiteKind,
    contact,
)

NOT_TESTED_BY_KIND: dict[SiteKind, dict[Cohort, frozenset[HomeType]]] = {
    SiteKind.NATIONAL_PORTAL: {Cohort.RESIDENTS: frozenset({HomeType.LEARNING_DISABILITY})},
}
"""Home types whose cohort a kind of site does not test unless its `home_types` lists them:
the national resident-testing portal was set up for over-65s and residents with dementia,
so not for the residents of learning disability homes."""


class TestSite(Served):
    __test__ = False  # not a pytest test class

    id: Id
    name: str = ""
    kind: SiteKind
    capacity: Capacity = Field(description="Tests a day: one number, or one per horizon day.")
    cohorts: list[Cohort] = Field(min_length=1)
    home_types: list[HomeType] | None = Field(
        default=None,
        description=(
            "Home types whose cohorts it tests. Omitted: all, except what its kind does not "
            "test (a national portal: learning disability homes' residents); a list is "
            "followed as given."
        ),
    )
    lead_days: NonNegativeInt = Field(
        default=0, description="Days from the plan's first day before its first test."
    )
    result_days: ResultDays = Field(
        default=1,
        description="Days from swab to result: a number, or {min, max} when it varies "
        "(the policy's result_percentile picks the day within it).",
    )
    max_homes_per_day: PositiveInt | None = Field(
        default=None, description="Mobile units only: homes it can visit in a day."
    )
    address: str = contact("Where a worker goes for a pre-deployment test; on their roster.")
    hours: str = contact(
        "When to arrive, as text (e.g. '08:00-12:00'); on workers' rosters and the site's list."
    )

    def accepts(self, cohort: Cohort, home_type: HomeType | None = None) -> bool:
        """Whether it tests `cohort` (of a home of `home_type`): an explicit `home_types`
        decides, else the site's kind (`NOT_TESTED_BY_KIND`)."""
        if cohort not in self.cohorts:
            return False
        if home_type is None:
            return True
        if self.home_types is not None:
            return home_type in self.home_types
        return home_type not in NOT_TESTED_BY_KIND.get(self.kind, {}).get(cohort, frozenset())

    def override(self, cohort: Cohort, home_type: HomeType) -> str:
        """What to say when the explicit `home_types` lets this site test what its kind
        does not ("" otherwise): the plan then rests on the scenario, not on the kind's rule."""
        if home_type not in NOT_TESTED_BY_KIND.get(self.kind, {}).get(cohort, frozenset()):
            return ""
        if not self.accepts(cohort, home_type):
            return ""
        return (
            f"{self.kind} {self.id} tests {home_type} homes' {cohort} by the scenario's "
            "home_types (by default it does not)"
        )
