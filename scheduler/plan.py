"""The finished plan: the contract between the solver, the tables, the validator and the CLI.

A `Plan` is plain data. It can be written to CSV/JSON tables and read back, and the
independent validator (`scheduler.validate`) re-checks it against its scenario without
trusting anything the solver said.
"""

from __future__ import annotations

import datetime as dt
import time
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from scenarios.risk import RiskParts
from scenarios.schema import Cohort, PpeItem, Role, RoomReason, Shift, VisitKind, WorkerKind


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TestBooking(Record):
    """`tests` swabs at `site_id` on `date`: for a home's cohort, for one bank/agency worker
    before their first shift at a new home (`worker_id`), or for one resident the day before
    an isolation admission (`request_id`)."""

    __test__ = False  # not a pytest test class

    date: dt.date
    site_id: str
    home_id: str | None = None
    cohort: Cohort
    tests: int = Field(ge=1)
    worker_id: str | None = None
    request_id: str | None = None
    risk: int = 0
    reason: str = ""


class ShiftSource(StrEnum):
    """Where a shift's need comes from: a home's reported shortfall, or the absences its
    staff tests are forecast to cause (`scenarios.absences`)."""

    REPORTED = "reported"
    FORECAST = "forecast"
    ONE_TO_ONE = "one_to_one"
    """A resident's 1:1 worker for a stay at their own home (`constraints.one_to_one`)."""


class ShiftAssignment(Record):
    date: dt.date
    shift: Shift
    worker_id: str
    home_id: str
    role: Role
    pool: WorkerKind = WorkerKind.BANK
    """The pool the worker came from, so a plan says which shortfalls each pool covers."""
    risk: int = 0
    reason: str = ""
    source: ShiftSource = ShiftSource.REPORTED


class PlacementMode(StrEnum):
    """How a request is met: a bed at a facility, or 1:1 support at the resident's own home
    (`constraints.one_to_one`)."""

    BED = "bed"
    ONE_TO_ONE = "one_to_one"


class Placement(Record):
    """A resident's isolation stay from `admit_date` up to the day before
    `discharge_date`: a bed at `facility_id`, or (mode one_to_one) 1:1 support at their own
    home, `facility_id` then `scenarios.schema.AT_HOME`, `own home (1:1)`."""

    request_id: str
    from_home: str | None = None
    mode: PlacementMode = PlacementMode.BED
    facility_id: str
    admit_date: dt.date
    discharge_date: dt.date
    wait_days: int = Field(ge=0)
    reason: str = ""


class RoomStay(Record):
    """Hotel nights for one person: a room request's whole stay (`request_id`, the home's
    staff member as `who`), or a deployed worker's run of nights near the home they work at
    (`worker_id`, `who` the worker). `nights` counts nights inside the horizon."""

    who: str
    home_id: str
    hotel_id: str
    first_night: dt.date
    nights: int = Field(ge=1)
    reason: RoomReason
    request_id: str | None = None
    worker_id: str | None = None

    def night_dates(self) -> list[dt.date]:
        """Every night of the stay, in order."""
        return [self.first_night + dt.timedelta(days=n) for n in range(self.nights)]


class TaxiTrip(Record):
    """Taxi journeys for a worker's shift at a home (a pair: there and back)."""

    worker_id: str
    date: dt.date
    home_id: str
    journeys: int = Field(ge=1)
    reason: str = ""


class Visit(Record):
    """An officer's visit to a home: IPC training or a liaison visit, the round trip's
    minutes from the officer's base, and the needs it meets."""

    date: dt.date
    officer_id: str
    home_id: str
    kind: VisitKind
    travel_minutes: int = Field(ge=0)
    reason: str = ""


class PpeDrop(Record):
    """`quantity` units of `item` dropped at a home on `date` by van `van` (1-based), the
    `stop`-th home on its round that day."""

    date: dt.date
    van: int = Field(ge=1)
    stop: int = Field(ge=1)
    home_id: str
    item: PpeItem
    quantity: int = Field(ge=1)
    reason: str = ""


class PpeStock(Record):
    """A home's projected stock of one item at the end of `date`: the day's drop and its own
    supplier's delivery in, its use out (none on a day it went `without`), and the days of
    use that leaves."""

    date: dt.date
    home_id: str
    item: PpeItem
    dropped: int = Field(ge=0)
    own_delivered: int = Field(default=0, ge=0)
    used: int = Field(ge=0)
    stock: int
    days_cover: float
    without: bool = False


class UnmetKind(StrEnum):
    COHORT_TEST = "cohort_test"
    OUTBREAK_TEST = "outbreak_test"
    SHIFT = "shift"
    ISOLATION = "isolation"
    ISOLATION_WAIT = "isolation_wait"
    ROOM = "room"
    ROOM_NIGHT = "room_night"
    TAXI = "taxi"
    VISIT = "visit"
    TRAINING = "training"
    PPE_COVER = "ppe_cover"
    PPE_WITHOUT = "ppe_without"
    PPE_EMERGENCY = "ppe_emergency"


class UnmetNeed(Record):
    """A need the plan leaves open, with the rule family and resource that bind it.

    `cause_rule` names the binding rule (a constraint name prefix such as `site_capacity`,
    or a rule kept by construction such as `quarantine`), `cause_date` its day (the full
    site-day, the date a quarantine window ends); `binding` lists the tight constraints by
    name, `next_in_line` the homes (workers, for a shift; requests, for a bed) closest to
    getting the resource, `blocked` each candidate worker as `worker:rule[@home or date]`,
    and `remedy` the cheapest change that would have met more. All default to empty so
    plan folders written before they existed still read back."""

    date: dt.date
    home_id: str | None = None
    kind: UnmetKind
    detail: str
    amount: int = Field(ge=1)
    risk: int = 0
    cause_family: str
    cause_resource: str = ""
    cause: str
    cause_rule: str = ""
    cause_date: dt.date | None = None
    binding: str = ""
    next_in_line: str = ""
    blocked: str = ""
    remedy: str = ""
    source: ShiftSource | None = None
    """A shift's: reported or forecast; None for other needs."""


class Change(Record):
    """A row of a re-plan that differs from the previous plan, with the reason it moved.

    `worker_id` names the bank worker whose own plan the row is (a shift, a swab before a
    first shift), so that the people to call can be counted from the rows alone."""

    date: dt.date
    kind: str
    home_id: str | None = None
    worker_id: str | None = None
    detail: str
    before: int = Field(ge=0)
    after: int = Field(ge=0)
    reason: str


class StageResult(Record):
    """One lexicographic stage of the solve."""

    tier: int
    name: str
    status: str
    objective: float
    best_bound: float
    gap: float
    seconds: float
    bound_source: str = "cp-sat"
    """Who proved `best_bound`: the solver's search (its name), "lp-relaxation" or "trivial"."""
    lp_bound: float | None = None
    """Tier 1 with `--lp-bound`: the LP relaxation's bound, None if not obtained."""


class DayKpis(Record):
    """One horizon day: people due a test that day and how many were tested in time, short
    shifts and how many were filled, swabs booked and isolation beds occupied."""

    date: dt.date
    tests_due: int = 0
    tests_due_met: int = 0
    shifts_short: int = 0
    shifts_filled: int = 0
    tests_booked: int = 0
    isolation_beds_used: int = 0


class Summary(Record):
    # `model_size` is a field, not pydantic's: pydantic before 2.10 reserves all of `model_`.
    model_config = ConfigDict(extra="forbid", frozen=True, protected_namespaces=())

    scenario: str
    status: str
    objective: float
    best_bound: float
    gap: float
    solve_seconds: float
    build_seconds: float = 0.0
    wall_seconds: float = 0.0
    solver: str = "cp-sat"
    seed: int = 0
    workers: int = 1
    time_limit: float = 0.0
    stages: list[StageResult] = []
    model_size: dict[str, int] = {}
    kpis: dict[str, float] = {}
    interrupted: bool = False
    """Ctrl-C ended the search early: the plan is the best found until then."""
    solver_failure: str = ""
    """The solver failed mid-run (how, in words): the plan is the best it reported before,
    or the starting plan."""
    previous: str = ""
    """A re-plan: the previous plan's folder, and `changes` lists what moved against it."""
    kept_before: dt.date | None = None
    """A re-plan: decisions dated before this day were kept as they were."""
    workers_to_call: int = 0
    """A re-plan: bank workers whose own plan changed (their shifts or swabs), each once."""
    homes_to_call: int = 0
    """A re-plan: homes whose test bookings or isolation moves changed, each once."""
    daily: list[DayKpis] = []
    lp_bound_asked: bool = False
    """`--lp-bound` was given: the first stage's `lp_bound` says whether it was obtained."""
    path: str = ""
    """How tier 1 was planned, in words: by whole schedules, or by the direct model (and
    why, when whole schedules could not carry a rule)."""

    @classmethod
    def of_stages(cls, stages: list[StageResult], **fields: Any) -> Summary:
        """The summary of a plan solved (or made by hand) in `stages`: its objective, bound
        and gap are the first tier's, the one every later tier is held to, so plans of
        every planner compare on the same number."""
        first = stages[0]
        return cls(
            objective=first.objective,
            best_bound=first.best_bound,
            gap=first.gap,
            stages=stages,
            **fields,
        )


class Plan(Record):
    testing: list[TestBooking] = []
    shifts: list[ShiftAssignment] = []
    placements: list[Placement] = []
    rooms: list[RoomStay] = []
    taxis: list[TaxiTrip] = []
    visits: list[Visit] = []
    unmet: list[UnmetNeed] = []
    risk: list[RiskParts] = []
    changes: list[Change] = []
    """Against the previous plan, when this one is a re-plan."""
    ppe_drops: list[PpeDrop] = []
    ppe_stock: list[PpeStock] = []
    summary: Summary


def with_wall_seconds(plan: Plan, started: float) -> Plan:
    """`plan` with the wall time since `started` (a `time.perf_counter()` reading), taken
    last so that it counts building, solving, extracting and merging alike."""
    wall = round(time.perf_counter() - started, 3)
    return plan.model_copy(
        update={"summary": plan.summary.model_copy(update={"wall_seconds": wall})}
    )


class InfeasibleError(Exception):
    """The hard rules cannot all hold; `rules` is a minimal conflicting set, by name, and
    `reasons` says why, for a rule that cannot hold even on its own (an impossible pin)."""

    def __init__(self, rules: list[str], reasons: dict[str, str] | None = None) -> None:
        self.rules = rules
        self.reasons = {r: why for r, why in (reasons or {}).items() if r in rules}
        named = (
            ", ".join(f"{r} ({self.reasons[r]})" if r in self.reasons else r for r in rules)
            if rules
            else "not isolated within the time limit"
        )
        super().__init__(f"hard rules cannot all hold; minimal conflicting rules: {named}")

    def __reduce__(
        self,
    ) -> tuple[type[InfeasibleError], tuple[list[str], dict[str, str]]]:
        """Rebuilt from its rules when sent back from a worker process or Dask."""
        return (InfeasibleError, (self.rules, self.reasons))
