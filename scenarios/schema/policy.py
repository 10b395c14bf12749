"""The policy: the rules and weights a planner sets rather than reports (retest intervals,
quarantine and working time, risk points, the objective's goals and day weights, the staff
absence forecast). Every field has a default, so a scenario names only what it changes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, NonNegativeInt, PositiveInt, field_validator

from scenarios.limits import MAX_HORIZON_DAYS
from scenarios.schema.accommodation import AccommodationPolicy, TransportPolicy
from scenarios.schema.base import (
    SHIFTS,
    Cohort,
    OutbreakStatus,
    Probability,
    Role,
    Shift,
    Strict,
    WorkerKind,
)
from scenarios.schema.ppe import PpePolicy
from scenarios.schema.visits import VisitsPolicy


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


class OneToOne(Strict):
    """One-to-one support at the resident's own home instead of a move: commissioners fund
    extra staff so that a resident who cannot isolate safely among others is cared for by
    one worker of their own, shift by shift, for the stay (`constraints.one_to_one`).

    Offered only for a request from a home that says `one_to_one_ok: true`: whether a
    resident can be isolated in their own room with a worker of their own is the home's
    judgement, which the plan cannot make."""

    enabled: bool = Field(
        default=True,
        description="Offer 1:1 at home for requests marked one_to_one_ok; false: beds only.",
    )
    shifts: list[Shift] = Field(
        default=list(SHIFTS),
        min_length=1,
        description="The shifts of each stay day a 1:1 worker covers (e.g. [day, night]).",
    )

    @field_validator("shifts")
    @classmethod
    def _distinct(cls, shifts: list[Shift]) -> list[Shift]:
        if len(set(shifts)) != len(shifts):
            raise ValueError("names a shift more than once")
        return shifts


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
    one_to_one: OneToOne = Field(
        default=OneToOne(),
        description="1:1 staffing at the resident's own home as an alternative to a bed.",
    )
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
    accommodation: AccommodationPolicy | None = Field(
        default=None,
        description="Staff hotel rooms: far_minutes and what an unmet night costs; omitted: "
        "deployed workers are not offered rooms (room requests still are).",
    )
    transport: TransportPolicy | None = Field(
        default=None, description="The taxi budget; omitted: no taxis are planned."
    )
    visits: VisitsPolicy = Field(
        default=VisitsPolicy(),
        description="Training and liaison visits: which homes need one by when, visit "
        "minutes, the county's training sessions a day (planned only with `officers`).",
    )
    absence_forecast: AbsenceForecast = Field(
        default=AbsenceForecast(),
        description="Staff absences forecast from the positives the plan's staff tests "
        "will find, covered like reported shortfalls at a lower weight.",
    )
    ppe: PpePolicy = Field(default=PpePolicy(), description="PPE cover: target and prices.")

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
