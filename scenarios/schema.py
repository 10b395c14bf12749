"""The scenario file's contract: what a planner writes, validated at the boundary.

Every model forbids unknown keys, so a misspelt field is an error rather than a silently
ignored default. Structural checks (types, ranges) live here; checks that need the whole
scenario (unknown ids, dates outside the horizon) live in `scenarios.checks`, so that all
problems in a file can be reported at once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Protocol

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    field_validator,
    model_validator,
)

from scenarios.limits import MAX_HORIZON_DAYS


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


def contact(description: str) -> Any:
    """An optional contact field: free text, empty by default. The plan never reads it;
    it is copied onto the hand-outs (`scheduler.output.handouts`) so they can be sent as written."""
    return Field(default="", description=description)


# --------------------------------------------------------------------------- places

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


Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
AuthorityId = Id | None
"""A local authority; None is the scenario's one unnamed authority, so a scenario that never
names one is a single authority, as before authorities existed."""
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


# --------------------------------------------------------------------------- policy


class RetestDays(Strict):
    """Days between whole-cohort tests, per cohort."""

    staff: PositiveInt = 7
    residents: PositiveInt = 28
    agency: PositiveInt = 7

    def for_cohort(self, cohort: Cohort) -> int:
        return int(getattr(self, cohort.value))


class OutbreakTesting(Strict):
    """Whole-home testing (staff + residents) of an outbreak home: first within
    `first_within_days` of the outbreak's start, again `repeat_after_days` after it."""

    first_within_days: NonNegativeInt = 2
    repeat_after_days: PositiveInt = 7
    statuses: list[OutbreakStatus] = Field(default=[OutbreakStatus.CONFIRMED])


class RiskWeights(Strict):
    """Points added to a home's risk score; the score is their sum plus `base`.

    Every part is an integer so that risk-weighted objectives stay exact in CP-SAT.
    """

    base: NonNegativeInt = 1
    outbreak_suspected: NonNegativeInt = 10
    outbreak_confirmed: NonNegativeInt = 25
    per_resident_case: NonNegativeInt = 2
    per_staff_case: NonNegativeInt = 1
    cases_cap: NonNegativeInt = 20
    per_death_7d: NonNegativeInt = 4
    deaths_cap: NonNegativeInt = 20
    rag_amber: NonNegativeInt = 2
    rag_red: NonNegativeInt = 5
    cqc_requires_improvement: NonNegativeInt = 3
    cqc_inadequate: NonNegativeInt = 6
    cqc_not_rated: NonNegativeInt = 1
    learning_disability: NonNegativeInt = 6
    mental_health: NonNegativeInt = 4
    cannot_isolate: NonNegativeInt = 5
    per_day_since_test: NonNegativeInt = 1
    days_since_test_cap: NonNegativeInt = 14
    per_shift_short: NonNegativeInt = 1
    shifts_short_cap: NonNegativeInt = 10
    hospital_discharge: NonNegativeInt = Field(
        default=20, description="Score of an isolation request from hospital (no home)."
    )
    stale_data: NonNegativeInt = Field(
        default=2,
        description="Points for a home whose figures are older than the policy's "
        "stale_after_days: what is not known is not safe, so it rises a little, never as "
        "much as a reported outbreak.",
    )


class Goal(StrEnum):
    """The objective's goals; `ObjectiveWeights.order` ranks them."""

    UNMET_NEED = "unmet_need"
    FAIRNESS = "fairness"
    COSTS = "costs"


class DayWeightingKind(StrEnum):
    FLAT = "flat"
    DISCOUNT = "discount"
    FIRM_DAYS = "firm_days"


NEAREST_DAY_WEIGHT = 100
"""The most a day's unmet need is multiplied by (the first day's, under `discount`, and the
firm days' under `firm_days`); the furthest day keeps a weight of at least 1."""


class DayWeighting(Strict):
    """How much an unmet need on each day of the horizon counts, as a whole multiplier of
    its risk-weighted price, because the plan is re-made before the later days are worked.

    With day index d (0 = the horizon's first day) and N = `NEAREST_DAY_WEIGHT`:

    - `flat`: weight(d) = 1, every day alike;
    - `discount`: weight(d) = max(1, floor(N * (100 - rate)^d / 100^d)), `rate` percent
      less each day;
    - `firm_days`: weight(d) = N for d < `firm_days`, else 1.

    Integers only, so the solver's coefficients stay exact.
    """

    kind: DayWeightingKind = DayWeightingKind.FLAT
    rate: Annotated[int, Field(ge=1, le=99)] = Field(
        default=10, description="Percent less an unmet need weighs each day later (discount)."
    )
    firm_days: Annotated[int, Field(ge=1, le=MAX_HORIZON_DAYS)] = Field(
        default=2, description="First days weighed in full (firm_days); later ones weigh 1."
    )

    def weight(self, day: int) -> int:
        """The multiplier of day index `day` (a day before the horizon counts as its first)."""
        d = max(day, 0)
        if self.kind == DayWeightingKind.DISCOUNT:
            return max(1, NEAREST_DAY_WEIGHT * (100 - self.rate) ** d // 100**d)
        if self.kind == DayWeightingKind.FIRM_DAYS:
            return NEAREST_DAY_WEIGHT if d < self.firm_days else 1
        return 1


class ObjectiveWeights(Strict):
    """Weights of each unit of unmet need (tier 1) and of the lower tiers.

    Tier 1 (risk-weighted unmet need) is optimised first; tier 2 (fairness) and tier 3
    (small costs) only break ties within `tier_tolerance` of the tier above.
    """

    untested_person: NonNegativeInt = 1
    outbreak_untested_person: NonNegativeInt = 3
    uncovered_shift: NonNegativeInt = 20
    unplaced_request: NonNegativeInt = 200
    waiting_day: NonNegativeInt = 10
    worst_home_ratio: NonNegativeInt = 10
    max_worker_shifts: NonNegativeInt = 1
    travel_minute: NonNegativeInt = 1
    distinct_worker: NonNegativeInt = 30
    tier_tolerance: Annotated[float, Field(ge=0.0, le=0.5)] = 0.0
    day_weighting: DayWeighting = Field(
        default=DayWeighting(),
        description="How much nearer days' unmet need counts over later days' (tier 1).",
    )
    order: list[Goal] = Field(
        default=[Goal.UNMET_NEED, Goal.FAIRNESS, Goal.COSTS],
        description="The goals from most to least important; each is solved in turn.",
    )

    @field_validator("order")
    @classmethod
    def _each_goal_once(cls, order: list[Goal]) -> list[Goal]:
        if sorted(order) != sorted(Goal):
            raise ValueError(f"must rank each of {', '.join(Goal)} exactly once")
        return order


class Positivity(Strict):
    """Share of a cohort expected to test positive in one round of testing, per cohort."""

    staff: Probability = 0.0
    agency: Probability = 0.0

    def for_cohort(self, cohort: Cohort) -> float:
        return float(getattr(self, cohort.value, 0.0))


class AbsenceForecast(Strict):
    """The staff a round of testing is expected to send home, forecast as shortfalls
    (`scenarios.absences`): on only when some positivity is above 0.

    Each positive is off from the result day for `isolation_days` and would have worked
    `shifts_per_week` / 7 shifts a day of it, `night_share` of them nights, all in `role`
    (a home's staff list gives no roles). The forecast shifts are covered like reported
    ones, each weighing `weight` times a reported shift of the same home and day."""

    positivity: Positivity = Field(
        default=Positivity(),
        description="Expected share positive per round, staff and agency staff (e.g. "
        "0.02); 0: no forecast.",
    )
    outbreak_positivity: Positivity | None = Field(
        default=None,
        description="The same at a home reporting a suspected or confirmed outbreak (e.g. "
        "0.10); omitted: `positivity`.",
    )
    isolation_days: PositiveInt = Field(
        default=10,
        description="Days a positive worker is off from the result. Source: the UK "
        "self-isolation period after a positive test, 10 days from 30 July 2020 (7 "
        "before).",
    )
    shifts_per_week: Annotated[float, Field(gt=0.0, le=14.0)] = Field(
        default=5.0,
        description="Shifts a home's own worker works a week. Source: assumption "
        "(full-time care staff on 12-hour shifts work 3-4, on 8-hour shifts 5).",
    )
    night_share: Probability = Field(
        default=0.3,
        description="Share of a home's shifts that are nights (homes staff fewer at night). "
        "Source: assumption.",
    )
    role: Role = Field(default=Role.CARER, description="The role forecast shifts are short of.")
    weight: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        default=0.5,
        description="What a forecast shift left uncovered weighs against a reported one of "
        "the same home and day: below 1, a worker who can cover only one covers the "
        "reported shift.",
    )


class Policy(Strict):
    retest_days: RetestDays = RetestDays()
    overdue_within_days: NonNegativeInt = Field(
        default=2, description="A cohort overdue or never tested is due within this many days."
    )
    outbreak_testing: OutbreakTesting = OutbreakTesting()
    quarantine_days: NonNegativeInt = 14
    one_home_per_worker: bool = Field(
        default=True,
        description="A worker serves one home in the horizon; false only to measure the "
        "rule's effect (the `no_one_home` simulation policy).",
    )
    multi_home_pools: list[WorkerKind] = Field(
        default=[],
        description="Pools whose workers may cover several homes in the horizon, never two "
        "within the quarantine window (e.g. [nhs] for NHS workers who drop in wherever a "
        "rota is short). Agency staff serve one home while COVID-19 is present.",
    )
    isolation_stay_days: PositiveInt = 14
    predeployment_test_valid_days: PositiveInt = 3
    max_shifts_per_7_days: PositiveInt = 5
    max_consecutive_days: PositiveInt = 5
    risk_weights: RiskWeights = RiskWeights()
    stale_after_days: NonNegativeInt = Field(
        default=1,
        description="Days a home's report stays fresh: figures reported longer before the "
        "horizon's start score risk_weights.stale_data.",
    )
    result_percentile: Annotated[int, Field(ge=0, le=100)] = Field(
        default=50,
        description="Where in a test site's result_days range the plan counts on the "
        "result (50: the median of a range taken as uniform; 100: the slowest).",
    )
    objective: ObjectiveWeights = ObjectiveWeights()
    absence_forecast: AbsenceForecast = Field(
        default=AbsenceForecast(),
        description="Staff absences forecast from the positives the plan's staff tests "
        "will find, covered like reported shortfalls at a lower weight.",
    )

    @field_validator("multi_home_pools")
    @classmethod
    def _agency_one_home(cls, pools: list[WorkerKind]) -> list[WorkerKind]:
        if WorkerKind.AGENCY in pools:
            raise ValueError("agency staff serve one home while COVID-19 is present")
        if len(set(pools)) != len(pools):
            raise ValueError("names a pool more than once")
        return pools

    def one_home_for(self, kind: WorkerKind) -> bool:
        """Whether a worker of pool `kind` serves one home in the horizon: the one-home rule
        is on and the pool is not one the policy lets move between homes."""
        return self.one_home_per_worker and kind not in self.multi_home_pools


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


# --------------------------------------------------------------------------- homes


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
    shortfalls: list[Shortfall] = []
    positivity: Positivity | None = Field(
        default=None,
        description="The home's own expected positivity per round (e.g. from its last "
        "results), over the policy's absence_forecast positivity.",
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


# --------------------------------------------------------------------------- test channels


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


# --------------------------------------------------------------------------- workers


class Availability(Strict):
    """Available for `shifts` on every date from `from` to `to` inclusive."""

    from_: dt.date = Field(alias="from")
    to: dt.date | None = None
    shifts: list[Shift] = Field(default=[Shift.DAY, Shift.NIGHT], min_length=1)

    @property
    def last(self) -> dt.date:
        return self.to or self.from_


class RecentShift(Strict):
    """A shift the worker worked on a day before the horizon."""

    date: dt.date
    shift: Shift
    home: Id | None = Field(default=None, description="Where, if known.")


class HomeHistory(Strict):
    """What the worker did before the horizon: the working-time, rest and quarantine rules
    read it so that none of them restarts at the horizon's first day."""

    current_home: Id | None = Field(
        default=None,
        description="The home of the worker's last shift. Checked, not derived: where the "
        "latest recent shift names a home, it must be this one.",
    )
    last_shift: dt.date | None = Field(
        default=None,
        description="The date of the worker's last shift at current_home. Checked, not "
        "derived: it must be the latest recent shift's date where that shift names a home, "
        "and never after the latest recent shift.",
    )
    recent_shifts: list[RecentShift] = Field(
        default=[],
        description="Shifts worked in the days just before the horizon (one per date, at "
        "most 56 days back); a day not listed was not worked. Empty: nothing known, so the "
        "rules count nothing before the horizon.",
    )


class Worker(Served, Located):
    id: Id
    name: str = ""
    kind: WorkerKind = WorkerKind.BANK
    roles: list[Role] = Field(min_length=1)
    available_from: dt.date | None = Field(
        default=None,
        description="A recruit's first day after training (required for recruits, only "
        "for them): never planned before it, whatever the availability says.",
    )
    agency: Id | None = Field(
        default=None,
        description="An agency worker's agency (one of `agencies`): they work only at the "
        "homes it supplies. Omitted: any home.",
    )
    availability: list[Availability] = []
    max_shifts: PositiveInt | None = Field(default=None, description="Most shifts in the horizon.")
    home_history: HomeHistory = HomeHistory()
    last_negative_test: dt.date | None = None
    locality: str = "central"
    latitude: Latitude = None
    longitude: Longitude = None
    phone: str = contact("The worker's own number: on their own roster lines only.")

    def available_on(self, day: dt.date, shift: Shift) -> bool:
        return any(a.from_ <= day <= a.last and shift in a.shifts for a in self.availability)


class Agency(Strict):
    """A staffing agency and the homes it supplies with regular shifts: its workers cover
    those homes only, so an agency does not bring a new infection route into another."""

    id: Id
    name: str = ""
    homes: list[Id] = Field(min_length=1)


# --------------------------------------------------------------------------- isolation


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
    authority: AuthorityId = Field(
        default=None,
        description="A hospital discharge's authority; a request from a home is its home's.",
    )

    def authority_in(self, homes: Mapping[str, Home]) -> str | None:
        """The authority the request belongs to: its home's, or its own for a discharge."""
        if self.from_home is not None:
            return homes[self.from_home].authority
        return self.authority


# --------------------------------------------------------------------------- travel


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


# --------------------------------------------------------------------------- simulation


def _deaths_by_type() -> dict[HomeType, float]:
    return {
        HomeType.OLDER_PEOPLE_NURSING: 0.25,
        HomeType.OLDER_PEOPLE_RESIDENTIAL: 0.20,
        HomeType.LEARNING_DISABILITY: 0.05,
        HomeType.MENTAL_HEALTH: 0.03,
        HomeType.SUBSTANCE_MISUSE: 0.01,
    }


class Simulation(Strict):
    """Parameters of `carehome simulate`'s epidemic (`scheduler.simulation`). A decision aid,
    not an epidemiological study: every default is a round number in the range reported for
    English care homes in spring 2020, named with where it comes from, to be replaced by
    local estimates."""

    community_prevalence: Probability = Field(
        default=0.002,
        description="Share of the community infectious on a day. Source: ONS COVID-19 "
        "Infection Survey, England, May-June 2020 (about 0.1-0.3 %).",
    )
    worker_exposure_ratio: Annotated[float, Field(ge=0.0)] = Field(
        default=2.0,
        description="A care worker's infection risk relative to the community's, so one "
        "worker-day entering a home introduces infection with probability prevalence x "
        "ratio. Source: assumption; ONS occupational analyses (2020) found social care "
        "workers at roughly twice the risk.",
    )
    staff_on_duty: Probability = Field(
        default=0.4,
        description="Share of a home's own staff entering it on a day (about 3 shifts a "
        "week each). Source: assumption.",
    )
    carry_days: NonNegativeInt = Field(
        default=7,
        description="A worker who worked at another home within this many days may carry "
        "its infection in. Source: assumption (latent plus early infectious period).",
    )
    carry_probability: Probability = Field(
        default=0.5,
        description="Chance such a worker brings infection in, times the share of the "
        "other home infectious. Source: assumption; staff working across homes were a risk "
        "factor for outbreaks (Vivaldi study, Shallcross et al. 2021).",
    )
    r_within_home: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        default=2.0,
        description="Secondary cases per undetected case inside a home (residents and staff "
        "mixing freely). Source: assumption within the 1.5-3 range of care-home outbreak "
        "reports, spring 2020.",
    )
    latent_days: Annotated[float, Field(ge=1.0)] = Field(
        default=3.0, description="Mean days exposed before infectious. Source: He et al. 2020."
    )
    infectious_days: Annotated[float, Field(ge=1.0)] = Field(
        default=7.0,
        description="Mean days infectious (and, for residents, at risk of dying). Source: "
        "assumption; viral shedding studies, 2020.",
    )
    test_sensitivity: Probability = Field(
        default=0.8,
        description="Chance a swab of an infectious person is positive. Source: Watson et "
        "al., BMJ 2020 (RT-PCR, about 70-80 % in practice).",
    )
    turnaround_days: NonNegativeInt | None = Field(
        default=None,
        description="Days from swab to result; omitted: each test site's result_days.",
    )
    isolation_effect: Probability = Field(
        default=0.7,
        description="Share of a case's onward spread removed by isolating in the home. "
        "Source: assumption.",
    )
    staff_sick: Probability = Field(
        default=0.6,
        description="Share of infected staff who go off sick when infectious (the rest "
        "work on until a test finds them). Source: about 40 % asymptomatic, Oran and "
        "Topol 2020.",
    )
    hidden_per_known_case: Annotated[float, Field(ge=0.0)] = Field(
        default=1.0,
        description="Undetected infections per known case at the start. Source: Arons et "
        "al., NEJM 2020 (half of positive residents had no symptoms).",
    )
    death_rate: dict[HomeType, Probability] = Field(
        default_factory=_deaths_by_type,
        description="Share of infected residents who die, by home type. Source: "
        "assumption in the range of ONS/CQC death notifications and PHE's 2020 report on "
        "deaths of people with learning disabilities.",
    )
    plan_days: Annotated[int, Field(ge=1, le=MAX_HORIZON_DAYS)] = Field(
        default=7, description="Horizon of each plan made inside the simulation."
    )


# --------------------------------------------------------------------------- scenario


class Horizon(Strict):
    start: dt.date
    days: Annotated[int, Field(ge=1, le=MAX_HORIZON_DAYS)]

    @property
    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    @property
    def end(self) -> dt.date:
        """The last day of the horizon (inclusive)."""
        return self.start + dt.timedelta(days=self.days - 1)


# --------------------------------------------------------------------------- pins


class WorkerPin(Strict):
    """A planner's decision the plan must keep: `worker` works at `home` on `date` (on
    `shift` if given)."""

    worker: Id
    home: Id
    date: dt.date
    shift: Shift | None = None


class RequestPin(Strict):
    """A planner's decision the plan must keep: `request` is placed at `facility` (admitted
    on `admit` if given)."""

    request: Id
    facility: Id
    admit: dt.date | None = None


class Pins(Strict):
    """Decisions fixed by hand, honoured as hard rules; one that cannot hold is named in
    the infeasibility report."""

    workers: list[WorkerPin] = []
    requests: list[RequestPin] = []


class Scenario(Strict):
    name: str = "scenario"
    description: str = ""
    horizon: Horizon
    policy: Policy = Policy()
    homes: list[Home] = Field(min_length=1)
    test_sites: list[TestSite] = []
    workers: list[Worker] = []
    agencies: list[Agency] = []
    isolation_facilities: list[IsolationFacility] = []
    isolation_requests: list[IsolationRequest] = []
    travel: Travel = Travel()
    pins: Pins = Pins()
    simulation: Simulation = Simulation()


def daily(capacity: Capacity, day_index: int) -> int:
    """The amount a `Capacity` gives on horizon day `day_index` (0-based)."""
    if isinstance(capacity, list):
        return int(capacity[day_index])
    return int(capacity)
