"""Every rule of the model, once: what code reads instead of a variable's or a
constraint's name.

A model name such as ``one_home[w017]`` is for solvers, logs and planners: it is rendered
from a `Rule` and a `Key` (`model_name`) and never read back. Causes, the LP duals, the
pattern path and the registry test compare `Rule` values and read `Key` tuples, so a
rule's display text or the name format can change without any explanation changing.

Kinds: a *hard* rule is a constraint every plan keeps; a *domain* rule is a hard rule kept
by which variables exist (a worker without the role has no shift variable), so it has no
constraint but a validator check all the same; a *soft* rule is a constraint a penalised
slack may give way on, or a penalty term, and names the goal it serves; a *variable* is
a decision's own name, whose bounds the causes read as a rule too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from scenarios.schema import Goal

Key = tuple[str | dt.date, ...]
"""The record ids and dates a rule binds, in name order: `(worker_id,)`,
`(facility_id, date)`. Cohorts, shifts and roles are string enums, so ids too."""


class Family(StrEnum):
    """The constraint module a rule lives in; the infeasibility search drops whole
    families first."""

    TESTING = "testing"
    STAFFING = "staffing"
    ISOLATION = "isolation"
    ACCOMMODATION = "accommodation"
    VISITS = "visits"
    PPE = "ppe"
    PINS = "pins"
    FAIRNESS = "fairness"
    REPLAN = "replan"


class Kind(StrEnum):
    """Hard, domain, soft or variable: see the module's docstring."""

    HARD = "hard"
    DOMAIN = "domain"
    SOFT = "soft"
    VARIABLE = "variable"


@dataclass(frozen=True, slots=True)
class Rule:
    """`id` is what code and stored plans use (the `cause_rule` column, the prefix of a
    model name) and all a rule is compared and hashed by, so a model sent to another
    process still finds its rules; `text` is for people and may be reworded freely."""

    id: str
    family: Family = field(compare=False)
    kind: Kind = field(compare=False)
    text: str = field(compare=False)
    goal: Goal | None = field(default=None, compare=False)
    """The objective goal a soft rule serves; None for hard rules, variables and the
    re-plan's changes (their tier is inserted by the re-plan, not ranked by the policy)."""

    @property
    def is_hard(self) -> bool:
        return self.kind in (Kind.HARD, Kind.DOMAIN)


def format_key(key: Key) -> str:
    """`('local', 2020-06-02)` -> `[local,2020-06-02]`; nothing for an empty key."""
    return "[" + ",".join(map(str, key)) + "]" if key else ""


def model_name(rule: Rule, key: Key) -> str:
    """The unique name a solver, a diagnosis or a log shows: `one_home[w017]`."""
    return rule.id + format_key(key)


def key_dates(key: Key) -> list[dt.date]:
    """The dates among a key's parts, in order."""
    return [part for part in key if isinstance(part, dt.date)]


_T, _S, _I = Family.TESTING, Family.STAFFING, Family.ISOLATION
_H, _D, _SO, _V = Kind.HARD, Kind.DOMAIN, Kind.SOFT, Kind.VARIABLE
_NEED, _FAIR, _COSTS = Goal.UNMET_NEED, Goal.FAIRNESS, Goal.COSTS

# ------------------------------------------------------------------ testing

TESTS = Rule("tests", _T, _V, "people of a home's cohort swabbed at a site on a day")
VISIT = Rule("visit", _T, _V, "a mobile unit visits a home on a day")
SITE_CAPACITY = Rule("site_capacity", _T, _H, "a site books at most its slots a day")
COHORT_SIZE = Rule("cohort_size", _T, _H, "one swab per person a day")
MOBILE_VISIT_LINK = Rule("mobile_visit_link", _T, _H, "a mobile unit tests a home on a visit")
MOBILE_UNIT_VISITS = Rule("mobile_unit_visits", _T, _H, "a mobile unit visits its homes a day")
SITE_ACCEPTS = Rule("site_accepts", _T, _D, "a site tests only cohorts and home types it takes")
SITE_AUTHORITY = Rule("site_authority", _T, _D, "a site tests only its local authorities' homes")
LEAD_TIME = Rule("lead_time", _T, _D, "a site books only once its lead time has passed")
SWAB = Rule("swab", _T, _SO, "a swab booked", _COSTS)
MOBILE_VISIT = Rule("mobile_visit", _T, _SO, "a mobile unit's visit", _COSTS)


def _window_rules(kind: str, what: str) -> tuple[Rule, Rule]:
    return (
        Rule(f"{kind}_cover", _T, _SO, f"a cohort tested in full by its {what}", _NEED),
        Rule(f"short_{kind}_cover", _T, _V, f"people left untested by their {what}"),
    )


RETEST_COVER, SHORT_RETEST = _window_rules("retest", "retest date")
OUTBREAK_COVER, SHORT_OUTBREAK = _window_rules("outbreak", "whole-home round's due date")

# ------------------------------------------------------------------ staffing

SHIFT = Rule("shift", _S, _V, "a worker on a home's short shift")
PLACED = Rule("placed", _S, _V, "a worker's one home for the horizon")
WORKED = Rule("worked", _S, _V, "a worker works some shift that day")
WORKER_TEST = Rule("worker_test", _S, _V, "a worker's pre-deployment swab")
SERVED = Rule("served", _S, _V, "a worker serves a home inside a quarantine window")
STARTED = Rule("started", _S, _V, "a worker has begun at a home new to them")
UNCOVERED = Rule("uncovered", _S, _V, "workers a short shift is left without")
FORECAST_UNCOVERED = Rule(
    "forecast_uncovered", _S, _V, "forecast absent workers a shift is left without"
)
WORKED_DAY = Rule("worked_day", _S, _H, "a day worked is the day's shifts")
ONE_HOME = Rule("one_home", _S, _H, "one home per worker")
SHIFT_AT_PLACED_HOME = Rule(
    "shift_at_placed_home", _S, _H, "shifts only at the placed home, one a day"
)
REST_AFTER_NIGHT = Rule("rest_after_night", _S, _H, "no day shift straight after a night")
MAX_PER_7_DAYS = Rule("max_per_7_days", _S, _H, "at most the policy's shifts in any 7 days")
MAX_CONSECUTIVE_DAYS = Rule("max_consecutive_days", _S, _H, "at most K days in a row")
MAX_SHIFTS = Rule("max_shifts", _S, _H, "at most the worker's own shifts in the horizon")
SERVED_IN_WINDOW = Rule("served_in_window", _S, _H, "a shift serves its home in the window")
QUARANTINE_BETWEEN_HOMES = Rule(
    "quarantine_between_homes", _S, _H, "one home per quarantine window"
)
WORKS_ONCE_STARTED = Rule("works_once_started", _S, _H, "works at a new home once started")
STAYS_STARTED = Rule("stays_started", _S, _H, "a start at a new home is not undone")
STARTS_ON_A_SHIFT = Rule("starts_on_a_shift", _S, _H, "a start is a first shift")
TESTED_BEFORE_FIRST_SHIFT = Rule(
    "tested_before_first_shift", _S, _H, "a negative test before a first shift at a new home"
)
TEST_SERVES_A_START = Rule("test_serves_a_start", _S, _H, "a booked test serves a start")
ONE_PREDEPLOYMENT_TEST = Rule("one_predeployment_test", _S, _H, "one pre-deployment test")
AVAILABILITY = Rule("availability", _S, _D, "a worker works only when available")
ROLE = Rule("role", _S, _D, "a worker works only in a role they hold")
QUARANTINE = Rule("quarantine", _S, _D, "the quarantine window since another home has passed")
WORKER_AUTHORITY = Rule("worker_authority", _S, _D, "a worker serves their authorities' homes")
TRAINING = Rule("training", _S, _D, "a recruit works only once their training has ended")
AGENCY_SUPPLY = Rule(
    "agency_supply", _S, _D, "an agency worker works only at homes their agency supplies"
)
SHORTFALL_COVER = Rule("shortfall_cover", _S, _SO, "a short shift covered in full", _NEED)
FORECAST_COVER = Rule(
    "forecast_cover", _S, _SO, "a shift's forecast absences covered in full", _NEED
)
TRAVEL = Rule("travel", _S, _SO, "a worker's travel to the shift", _COSTS)
NEW_WORKER_IN_HOME = Rule("new_worker_in_home", _S, _SO, "a worker new to a home", _COSTS)
PREDEPLOYMENT_TEST = Rule("predeployment_test", _S, _SO, "a pre-deployment slot used", _COSTS)

# ------------------------------------------------------------------ isolation

ADMIT = Rule("admit", _I, _V, "a resident admitted to a facility on a day")
ADMISSION_TEST = Rule("admission_test", _I, _V, "the pre-admission swab for an admission")
UNPLACED = Rule("unplaced", _I, _V, "a request left unplaced")
BED_OCCUPANCY = Rule("bed_occupancy", _I, _H, "a facility holds at most its beds a day")
PRE_ADMISSION_TEST = Rule("pre_admission_test", _I, _H, "a swab in time for an admission")
FACILITY_ACCEPTS = Rule("facility_accepts", _I, _D, "a facility takes only needs it accepts")
FACILITY_AUTHORITY = Rule("facility_authority", _I, _D, "a facility serves its authorities")
EARLIEST_DATE = Rule("earliest_date", _I, _D, "no admission before the request's earliest date")
PLACE_ONCE = Rule("place_once", _I, _SO, "each request placed once", _NEED)
AT_HOME = Rule("at_home", _I, _V, "a resident supported 1:1 at their own home for the stay")
AT_HOME_OFFERED = Rule(
    "at_home_offered", _I, _D, "1:1 at home only for a home's request marked one_to_one_ok"
)
ONE_TO_ONE_UNCOVERED = Rule(
    "one_to_one_uncovered", _S, _V, "1:1 shifts a stay at home is left without"
)
ONE_TO_ONE_GAP = Rule(
    "one_to_one_gap", _S, _H, "a 1:1 shift left open only where a stay at home was chosen"
)
ONE_TO_ONE_COVER = Rule(
    "one_to_one_cover", _S, _SO, "a stay at home covered 1:1 shift by shift", _NEED
)
WAIT = Rule("wait", _I, _SO, "each day a placed request waits", _NEED)

# ------------------------------------------------------------------ accommodation

_A = Family.ACCOMMODATION
ROOM_STAY = Rule("room_stay", _A, _V, "a room request's whole stay at one hotel")
ROOM_UNMET = Rule("room_unmet", _A, _V, "a room request left without a room")
LODGE = Rule("lodge", _A, _V, "a far-deployed worker's night at a hotel near the home")
UNROOMED = Rule("unroomed", _A, _V, "a far-deployed worker's night without a room")
TAXI = Rule("taxi", _A, _V, "a taxi pair (to the home and back) for a worker's shift")
UNTAXIED = Rule("untaxied", _A, _V, "an eligible shift without a taxi pair")
HOTEL_ROOMS = Rule("hotel_rooms", _A, _H, "a hotel lets at most its rooms a night")
LODGE_AT_SHIFT = Rule("lodge_at_shift", _A, _H, "a worker's room only on a far shift's night")
TAXI_AT_SHIFT = Rule("taxi_at_shift", _A, _H, "a worker's taxi pair only on a shift's day")
TAXI_BUDGET = Rule("taxi_budget", _A, _H, "at most the day's taxi journeys")
WHOLE_STAY = Rule("whole_stay", _A, _D, "a room request met for every night of its stay")
FAR_DEPLOYED = Rule("far_deployed", _A, _D, "rooms for workers deployed beyond far_minutes")
HOTEL_NEAR = Rule("hotel_near", _A, _D, "a deployed worker's hotel within far_minutes")
TAXI_ELIGIBLE = Rule("taxi_eligible", _A, _D, "taxis only for eligible worker-shifts")
ROOM_ONCE = Rule("room_once", _A, _SO, "each room request met whole, or unmet", _NEED)
ROOM_NIGHT = Rule("room_night", _A, _SO, "a far-deployed worker's night given a room", _NEED)
TAXI_PAIR = Rule("taxi_pair", _A, _SO, "an eligible shift given a taxi pair", _NEED)
# ------------------------------------------------------------------ ppe

_P = Family.PPE
PPE_DROP = Rule("ppe_drop", _P, _V, "a van drops PPE at a home on a day")
PPE_QUANTITY = Rule("ppe_quantity", _P, _V, "units of an item dropped at a home on a day")
PPE_SHORT = Rule("ppe_short", _P, _V, "days a home's PPE cover is below the minimum")
PPE_WITHOUT = Rule("ppe_without", _P, _V, "a day a home goes without an item")
PPE_MISSED = Rule("ppe_missed", _P, _V, "an outbreak home's emergency drop not made in time")
PPE_STOCK = Rule("ppe_stock", _P, _H, "a home's stock of an item never below zero")
PPE_DEPOT = Rule("ppe_depot", _P, _H, "the depot drops only what it holds")
PPE_VAN_CAPACITY = Rule("ppe_van_capacity", _P, _H, "the vans make at most their drops a day")
PPE_DROP_LINK = Rule("ppe_drop_link", _P, _H, "PPE reaches a home only on a van's drop")
PPE_COVER = Rule("ppe_cover", _P, _SO, "a home holds the minimum days of PPE cover", _NEED)
PPE_COVER_BY_DROPS = Rule(
    "ppe_cover_by_drops", _P, _SO, "a home's cover below the minimum is made up by a drop", _NEED
)
PPE_GONE_WITHOUT = Rule("ppe_gone_without", _P, _SO, "a home never goes without", _NEED)
PPE_EMERGENCY = Rule("ppe_emergency", _P, _SO, "an outbreak home's emergency drop", _NEED)
PPE_STOP = Rule("ppe_stop", _P, _SO, "a van's stop at a home", _COSTS)
PPE_UNIT = Rule("ppe_unit", _P, _SO, "a unit taken from the depot", _COSTS)

# ------------------------------------------------------------------ visits

_VI = Family.VISITS
OFFICER_VISIT = Rule("officer_visit", _VI, _V, "an officer's training or liaison visit to a home")
UNVISITED = Rule("unvisited", _VI, _V, "a home's visit need left unmet")
OFFICER_MINUTES = Rule(
    "officer_minutes", _VI, _H, "an officer's visits and travel within their minutes a day"
)
ONE_VISIT_A_DAY = Rule("one_visit_a_day", _VI, _H, "at most one officer's visit a home a day")
TRAINED_ONCE = Rule("trained_once", _VI, _H, "a home trained at most once")
TRAINING_SESSIONS = Rule(
    "training_sessions", _VI, _H, "at most the county's training sessions a day"
)
OFFICER_DELIVERS = Rule("officer_delivers", _VI, _D, "an officer makes only visits they deliver")
OFFICER_ON_DUTY = Rule("officer_on_duty", _VI, _D, "an officer visits only on dates they work")
VISIT_DUE = Rule("visit_due", _VI, _D, "a visit only inside a need's window")
VISIT_NEED = Rule("visit_need", _VI, _SO, "a home's visit need met in its window", _NEED)
OFFICER_TRAVEL = Rule("officer_travel", _VI, _SO, "an officer's visit and its travel", _COSTS)

# ------------------------------------------------------------------ pins

PIN_WORKER = Rule("pin_worker", Family.PINS, _H, "a worker pinned to a home on a day")
PIN_REQUEST = Rule("pin_request", Family.PINS, _H, "a request pinned to a facility")
IMPOSSIBLE_PIN_WORKER = Rule(
    "impossible_pin_worker", Family.PINS, _V, "a worker pin no shift can honour"
)
IMPOSSIBLE_PIN_REQUEST = Rule(
    "impossible_pin_request", Family.PINS, _V, "a request pin no admission can honour"
)

# ------------------------------------------------------------------ fairness

WORST_HOME_UNMET = Rule(
    "worst_home_unmet_permille", Family.FAIRNESS, _V, "the worst-served home's unmet share"
)
MOST_SHIFTS = Rule("most_shifts_per_worker", Family.FAIRNESS, _V, "the busiest worker's shifts")
WORST_HOME_RATIO = Rule(
    "worst_home_ratio", Family.FAIRNESS, _SO, "no home worse served than the worst", _FAIR
)
WORKLOAD = Rule("workload", Family.FAIRNESS, _SO, "no worker busier than the busiest", _FAIR)

# ------------------------------------------------------------------ re-plan


@dataclass(frozen=True, slots=True)
class DecisionRules:
    """The re-plan's rules over one kind of decision (a shift, a booking, an admission)."""

    kept: Rule
    gone: Rule
    changed: Rule
    fewer: Rule
    more: Rule

    def all(self) -> tuple[Rule, ...]:
        return (self.kept, self.gone, self.changed, self.fewer, self.more)


def _decision_rules(kind: str) -> DecisionRules:
    r = Family.REPLAN
    return DecisionRules(
        kept=Rule(f"kept_{kind}", r, _H, f"a {kind} before the re-plan's first day kept"),
        gone=Rule(f"gone_{kind}", r, _V, f"a kept {kind} the new scenario no longer offers"),
        changed=Rule(f"changed_{kind}", r, _V, f"how far a {kind} moved"),
        fewer=Rule(f"fewer_{kind}", r, _SO, f"a {kind} cut counts as a change"),
        more=Rule(f"more_{kind}", r, _SO, f"a {kind} grown counts as a change"),
    )


DECISIONS: dict[str, DecisionRules] = {
    kind: _decision_rules(kind)
    for kind in (
        "home_test",
        "worker_test",
        "shift",
        "admit",
        "at_home",
        "admission_test",
        "ppe_drop",
        "ppe_quantity",
        "visit",
        "room_stay",
        "lodge",
        "taxi",
    )
}
"""By decision kind, as the re-plan keys the previous plan's rows."""

CHANGE = Rule("change", Family.REPLAN, _SO, "a decision changed against the previous plan")

# ------------------------------------------------------------------ the registry

COVER = {"retest": RETEST_COVER, "outbreak": OUTBREAK_COVER}
SHORT = {"retest": SHORT_RETEST, "outbreak": SHORT_OUTBREAK}
"""A cover window's rule and its shortfall variable, by window kind."""

REGISTRY: tuple[Rule, ...] = (
    # every module-level rule above, then the re-plan's rules by decision kind
    *(v for v in tuple(globals().values()) if isinstance(v, Rule)),
    *(rule for rules in DECISIONS.values() for rule in rules.all()),
)
"""Every rule, once, in the order defined above."""

if len({r.id for r in REGISTRY}) != len(REGISTRY):
    raise ValueError("two rules share an id")
