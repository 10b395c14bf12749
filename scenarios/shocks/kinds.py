"""The shock kinds: one small typed record per change a what-if can make to a scenario,
`kind` picking the type (`Shock`). Each checks its own fields, so a what-if file's mistakes
are reported before anything runs.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import Field, NonNegativeInt, PositiveFloat, PositiveInt, model_validator

from scenarios.schema import (
    Capacity,
    HomeType,
    Need,
    ResultDays,
    ResultRange,
    Role,
    Strict,
    WorkerKind,
)


class Days(Strict):
    """Horizon days `first..last`, 1-based and inclusive; `last` omitted = to the end."""

    first: PositiveInt = 1
    last: PositiveInt | None = None

    def indices(self, horizon_days: int) -> range:
        return range(self.first - 1, min(horizon_days, self.last or horizon_days))


class CapacityChange(Strict):
    """What `site_capacity` and `facility_beds` share: an amount a day scaled or set over
    some days."""

    days: Days = Days()
    scale: Annotated[float, Field(ge=0.0)] | None = None
    set: NonNegativeInt | None = None

    @model_validator(mode="after")
    def _one_change(self) -> CapacityChange:
        if (self.scale is None) == (self.set is None):
            raise ValueError("give exactly one of scale or set")
        return self

    def apply(self, capacity: Capacity, horizon_days: int) -> list[int]:
        daily = capacity if isinstance(capacity, list) else [capacity] * horizon_days
        changed = list(daily)
        for d in self.days.indices(horizon_days):
            changed[d] = (
                self.set if self.set is not None else math.floor(daily[d] * (self.scale or 0))
            )
        return changed


class SiteCapacity(CapacityChange):
    """Scale or set a test site's daily capacity over some days."""

    kind: Literal["site_capacity"]
    site: str


class HotelRooms(CapacityChange):
    """Scale or set a staff hotel's rooms a night over some days (rooms withdrawn)."""

    kind: Literal["hotel_rooms"]
    hotel: str


class TaxiBudget(CapacityChange):
    """Scale or set `policy.transport.journeys_per_day` over some days (a budget cut)."""

    kind: Literal["taxi_budget"]


class TrainingSessions(CapacityChange):
    """Scale or set `policy.visits.training_sessions_per_day` over some days (sessions cut)."""

    kind: Literal["training_sessions"]


class OfficersOff(Strict):
    """Training and liaison officers off sick on `days`: those named in `officers` and
    `count` more drawn by seed among the rest."""

    kind: Literal["officers_off"]
    officers: list[str] = Field(default_factory=list)
    count: NonNegativeInt = 0
    days: Days = Days()


class SiteResultDays(Strict):
    """Set or scale a test site's days from swab to result (a lab backlog, a faster
    courier): `set` a number or a {min, max} range; `scale` multiplies each day count,
    rounded up, since a result is used only once it is back."""

    kind: Literal["site_result_days"]
    site: str
    set: ResultDays | None = None
    scale: Annotated[float, Field(ge=0.0)] | None = None

    @model_validator(mode="after")
    def _one_change(self) -> SiteResultDays:
        if (self.scale is None) == (self.set is None):
            raise ValueError("give exactly one of scale or set")
        return self

    def apply(self, days: ResultDays) -> ResultDays:
        if self.set is not None:
            return self.set
        factor = self.scale or 0.0
        if isinstance(days, int):
            return math.ceil(days * factor)
        return ResultRange(min=math.ceil(days.min * factor), max=math.ceil(days.max * factor))


class FacilityBeds(CapacityChange):
    """Scale or set an isolation facility's beds over some days."""

    kind: Literal["facility_beds"]
    facility: str


class OutbreakSurge(Strict):
    """`count` more homes (and the named `homes`) move to a confirmed outbreak on `day`,
    drawn among homes without one, each with probability in proportion to its type's
    weight in `type_weights` (1 for a type not listed), times its risk score on that day
    when `by_risk` is set (outbreaks find the homes already most exposed).

    With `stand_down_days`, each worker the scenario's records place at one of those homes
    in the `trace_days` before `day` (as `carehome trace` reads them) is stood down: not
    available for that many days from `day`, so the plan covers without them."""

    kind: Literal["outbreak_surge"]
    day: PositiveInt = 1
    count: NonNegativeInt = 0
    homes: list[str] = Field(default_factory=list)
    type_weights: dict[HomeType, Annotated[float, Field(ge=0.0)]] = Field(default_factory=dict)
    by_risk: bool = False
    resident_cases: PositiveInt = 1
    stand_down_days: NonNegativeInt = 0
    trace_days: PositiveInt = 14


class BankUnavailable(Strict):
    """A `fraction` of bank and agency workers, drawn by seed, is unavailable on `days`."""

    kind: Literal["bank_unavailable"]
    fraction: Annotated[float, Field(ge=0.0, le=1.0)]
    days: Days = Days()


class BankSize(Strict):
    """The staff bank (or another `pool`: `nhs` to add or withdraw NHS partners' workers)
    resized to `workers` workers, every other pool untouched. A smaller pool keeps a seeded
    random subset; a larger one recruits copies of its existing workers (same roles,
    availability, agency and training end, no home history, no recent test: each needs a
    pre-deployment test). Workers are taken in one seeded order, so with the same seed a
    smaller pool is a subset of a larger one and sweep cells differ only by its size."""

    kind: Literal["bank_size"]
    workers: NonNegativeInt
    pool: WorkerKind = WorkerKind.BANK


class RecruitsDelayed(Strict):
    """Training slips: each recruit (or only those named in `workers`) is trained `days`
    later, so starts that many days later in the plan."""

    kind: Literal["recruits_delayed"]
    days: PositiveInt
    workers: list[str] = Field(default_factory=list)


class StaffSick(Strict):
    """A `fraction` of a home's own staff is off sick on `days`: each shift is short by
    `ceil(fraction * staff * on_shift_share)` more carers (`homes` empty = every home)."""

    kind: Literal["staff_sick"]
    fraction: Annotated[float, Field(gt=0.0, le=1.0)]
    homes: list[str] = Field(default_factory=list)
    days: Days = Days()
    on_shift_share: Annotated[float, Field(gt=0.0, le=1.0)] = 0.2
    role: Role = Role.CARER


class IsolationDemand(Strict):
    """Isolation requests multiplied by `factor`: copies of requests drawn by seed."""

    kind: Literal["isolation_demand"]
    factor: PositiveFloat


class HospitalDischarges(Strict):
    """`per_day` new discharge requests needing isolation on each of `days`."""

    kind: Literal["hospital_discharges"]
    per_day: PositiveInt
    need: Need = Need.RESIDENTIAL
    days: Days = Days()
    hospital: str = "City Hospital"


class PositivityScale(Strict):
    """Every expected positivity of the absence forecast (the policy's, its outbreak
    figure and each home's own) times `scale`, at most 1: more positives from the same
    staff tests, so more forecast absences for the bank to cover."""

    kind: Literal["positivity"]
    scale: Annotated[float, Field(ge=0.0)]


class VansWithdrawn(CapacityChange):
    """Scale or set the PPE vans out each day over some days (`set: 0`: none at all)."""

    kind: Literal["ppe_vans"]


class DeliveryMissed(Strict):
    """The depot's PPE deliveries on `date` (every delivery, if omitted) from `source`
    (any source, if omitted) do not arrive in the horizon."""

    kind: Literal["ppe_delivery_missed"]
    date: dt.date | None = None
    source: str | None = None


class PolicyChange(Strict):
    """Any policy fields, merged into the scenario's policy (nested sections too)."""

    kind: Literal["policy"]
    changes: dict[str, Any]


Shock = Annotated[
    SiteCapacity
    | SiteResultDays
    | FacilityBeds
    | OutbreakSurge
    | BankUnavailable
    | BankSize
    | RecruitsDelayed
    | StaffSick
    | IsolationDemand
    | HospitalDischarges
    | PositivityScale
    | PolicyChange
    | HotelRooms
    | TaxiBudget
    | TrainingSessions
    | OfficersOff
    | VansWithdrawn
    | DeliveryMissed,
    Field(discriminator="kind"),
]
