"""The independent validator: re-check every hard rule of a finished `Plan` against its
`Scenario`, trusting nothing the solver said.

It deliberately imports no model or solver code, only the scenario schema and the plan
contract, so that a council can check a roster without trusting the optimiser. Each hard
rule is one small function named after the rule; its docstring states the rule as a formula.
A rule function yields ``(key, message)`` pairs and `validate_plan` names them after it.

Conventions: D is the horizon's dates (start .. end inclusive); a booking is a *home*
booking (home_id set, no worker or request), a *worker* booking (worker_id set) or an
*admission* booking (request_id set). Rows naming unknown ids are reported once under
`reference` and skipped by the rules that would need the missing record.
"""

from __future__ import annotations

from collections.abc import Callable

from scenarios.schema import Scenario
from scheduler.plan import Plan
from scheduler.validate.authority import local_authority
from scheduler.validate.decisions import kept_decision, pin_request, pin_worker
from scheduler.validate.isolation import (
    admit_not_before_earliest,
    bed_occupancy,
    facility_need,
    placed_once,
    pre_admission_test,
    stay_length,
)
from scheduler.validate.lookup import Found, Lookup, Violation, reference
from scheduler.validate.one_to_one import at_home_offered, one_to_one_gap
from scheduler.validate.ppe import ppe_depot_stock, ppe_home_stock, ppe_van_capacity
from scheduler.validate.rooms import (
    hotel_rooms,
    room_at_far_shift,
    taxi_budget,
    taxi_eligibility,
    whole_stay,
)
from scheduler.validate.staffing import (
    agency_supplies_home,
    availability,
    max_consecutive_days,
    max_shifts,
    max_shifts_per_7_days,
    one_home_per_worker,
    one_shift_per_day,
    quarantine_between_homes,
    quarantine_window,
    rest_after_night,
    role,
    shortfall_cover,
    tested_before_first_shift,
    trained,
)
from scheduler.validate.testing import (
    booking_size,
    cohort_size,
    mobile_unit_visits,
    portal_eligibility,
    site_capacity,
    site_eligibility,
    site_lead_time,
)
from scheduler.validate.visits import (
    officer_minutes,
    one_visit_a_day,
    trained_once,
    training_sessions,
    visit_eligibility,
)

Rule = Callable[[Lookup], Found]

RULES: tuple[Rule, ...] = (
    reference,
    site_capacity,
    site_eligibility,
    portal_eligibility,
    site_lead_time,
    cohort_size,
    mobile_unit_visits,
    booking_size,
    one_shift_per_day,
    availability,
    trained,
    agency_supplies_home,
    role,
    rest_after_night,
    max_shifts,
    max_shifts_per_7_days,
    max_consecutive_days,
    shortfall_cover,
    one_home_per_worker,
    quarantine_window,
    quarantine_between_homes,
    tested_before_first_shift,
    placed_once,
    facility_need,
    admit_not_before_earliest,
    stay_length,
    bed_occupancy,
    pre_admission_test,
    hotel_rooms,
    whole_stay,
    room_at_far_shift,
    taxi_budget,
    taxi_eligibility,
    at_home_offered,
    one_to_one_gap,
    officer_minutes,
    one_visit_a_day,
    trained_once,
    training_sessions,
    visit_eligibility,
    ppe_home_stock,
    ppe_depot_stock,
    ppe_van_capacity,
    local_authority,
    pin_worker,
    pin_request,
    kept_decision,
)
"""Every hard rule, in the order violations are reported."""

RULE_NAMES: tuple[str, ...] = tuple(rule.__name__ for rule in RULES)

RECHECKS: dict[str, tuple[str, ...]] = {
    "reference": (),
    "hotel_rooms": ("hotel_rooms",),
    "whole_stay": ("whole_stay",),
    "room_at_far_shift": ("lodge_at_shift", "far_deployed", "hotel_near"),
    "taxi_budget": ("taxi_budget",),
    "taxi_eligibility": ("taxi_at_shift", "taxi_eligible"),
    "site_capacity": ("site_capacity",),
    "site_eligibility": ("site_accepts",),
    "portal_eligibility": ("site_accepts",),
    "site_lead_time": ("lead_time",),
    "cohort_size": ("cohort_size",),
    "mobile_unit_visits": ("mobile_visit_link", "mobile_unit_visits"),
    "booking_size": (),
    "one_shift_per_day": ("worked_day", "shift_at_placed_home"),
    "availability": ("availability",),
    "trained": ("training",),
    "agency_supplies_home": ("agency_supply",),
    "role": ("role",),
    "rest_after_night": ("rest_after_night",),
    "max_shifts": ("max_shifts",),
    "max_shifts_per_7_days": ("max_per_7_days",),
    "max_consecutive_days": ("max_consecutive_days",),
    "shortfall_cover": ("shortfall_cover",),
    "one_home_per_worker": ("one_home",),
    "quarantine_window": ("quarantine",),
    "quarantine_between_homes": ("quarantine_between_homes", "served_in_window"),
    "tested_before_first_shift": (
        "tested_before_first_shift",
        "works_once_started",
        "stays_started",
        "starts_on_a_shift",
    ),
    "placed_once": ("place_once",),
    "facility_need": ("facility_accepts",),
    "admit_not_before_earliest": ("earliest_date",),
    "stay_length": (),
    "bed_occupancy": ("bed_occupancy",),
    "pre_admission_test": ("pre_admission_test",),
    "at_home_offered": ("at_home_offered",),
    "one_to_one_gap": ("one_to_one_gap",),
    "officer_minutes": ("officer_minutes",),
    "one_visit_a_day": ("one_visit_a_day",),
    "trained_once": ("trained_once",),
    "training_sessions": ("training_sessions",),
    "visit_eligibility": ("officer_delivers", "officer_on_duty", "visit_due"),
    "ppe_home_stock": ("ppe_stock",),
    "ppe_depot_stock": ("ppe_depot",),
    "ppe_van_capacity": ("ppe_van_capacity", "ppe_drop_link"),
    "local_authority": ("site_authority", "worker_authority", "facility_authority"),
    "pin_worker": ("pin_worker",),
    "pin_request": ("pin_request",),
    "kept_decision": (
        "kept_home_test",
        "kept_worker_test",
        "kept_shift",
        "kept_admit",
        "kept_at_home",
        "kept_admission_test",
        "kept_ppe_drop",
        "kept_ppe_quantity",
        "kept_visit",
        "kept_room_stay",
        "kept_lodge",
        "kept_taxi",
    ),
}
"""By check, the model's rule ids (`constraints.rules`) it re-checks, as plain strings so
that the validator still imports no model code; the registry test holds the two sides
together. A check with none re-checks what the plan tables themselves promise."""


def validate_plan(scenario: Scenario, plan: Plan, previous: Plan | None = None) -> list[Violation]:
    """Every hard rule `plan` breaks, ordered by rule (as in `RULES`), then key, then
    message; an empty list means the plan keeps every hard rule. A re-plan's kept
    decisions are checked against `previous`, its previous plan, when given."""
    ix = Lookup(scenario, plan, previous)
    violations: list[Violation] = []
    for rule in RULES:
        found = sorted(set(rule(ix)))
        violations += [Violation(rule.__name__, k, message) for k, message in found]
    return violations
