"""Plans written by hand, for tests that check what is made of a plan (the brief, the
report, the hand-outs) cell by cell without spending solver time.

Each builder fills what such tests never look at with a fixed default, so a test's plan
shows only what it asserts on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from scenarios.schema import Cohort, Role, Shift
from scheduler.plan import (
    Placement,
    Plan,
    ShiftAssignment,
    Summary,
    TestBooking,
    UnmetKind,
    UnmetNeed,
)
from tests.conftest import START


def d(n: int) -> dt.date:
    """Horizon day `n` (0-based) as a date."""
    return START + dt.timedelta(days=n)


def summary(**fields: Any) -> Summary:
    """A solved run's summary: optimal, nothing to pay, no time taken, unless told."""
    base: dict[str, Any] = {
        "scenario": "test",
        "status": "OPTIMAL",
        "objective": 0.0,
        "best_bound": 0.0,
        "gap": 0.0,
        "solve_seconds": 0.0,
    }
    return Summary(**base | fields)


def plan(**tables: Any) -> Plan:
    """A plan of the given tables (`summary` may be given as the fields of `summary()`)."""
    given = tables.pop("summary", {})
    return Plan(summary=given if isinstance(given, Summary) else summary(**given), **tables)


def booking(
    n: int, cohort: Cohort, count: int = 1, site: str = "local", **fields: Any
) -> TestBooking:
    """`count` tests of `cohort` at `site` on day `n`; `home_id`, `worker_id` or
    `request_id` says whose."""
    return TestBooking(date=d(n), site_id=site, cohort=cohort, tests=count, **fields)


def shift(
    n: int,
    worker_id: str,
    home_id: str,
    when: Shift = Shift.DAY,
    role: Role = Role.CARER,
    **fields: Any,
) -> ShiftAssignment:
    return ShiftAssignment(
        date=d(n), shift=when, worker_id=worker_id, home_id=home_id, role=role, **fields
    )


def stay(
    request_id: str, admit: int, discharge: int, facility: str = "hotel", **fields: Any
) -> Placement:
    """Request `request_id` in `facility` from day `admit` to day `discharge`."""
    base: dict[str, Any] = {"from_home": "h1", "wait_days": 0}
    return Placement(
        request_id=request_id,
        facility_id=facility,
        admit_date=d(admit),
        discharge_date=d(discharge),
        **base | fields,
    )


def shift_gap(n: int, home_id: str, **fields: Any) -> UnmetNeed:
    """A carer's day shift left unmet at `home_id` on day `n`."""
    base: dict[str, Any] = {
        "kind": UnmetKind.SHIFT,
        "detail": "day shift, carer",
        "amount": 1,
        "cause_family": "staffing",
        "cause_resource": "carer",
        "cause": "no carer available",
    }
    return UnmetNeed(date=d(n), home_id=home_id, **base | fields)
