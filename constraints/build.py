"""The whole model on one screen: variables and hard rules in `build_model`, the soft rules
right below it in `_soft_rules`, then the objective tiers.

Order matters in one place only: every family that books test slots creates its booking
variables before `add_site_capacity` caps each site-day over all of them. A re-plan adds
one family on top (`scheduler.pipeline.replan.add_previous`): the previous plan's decisions kept
before its first open day, and a tier of change penalties right after unmet need.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from constraints import (
    accommodation,
    isolation,
    objective,
    one_to_one,
    pins,
    ppe,
    staffing,
    testing,
    visits,
)
from constraints.context import Context
from constraints.model import Model, Penalty, Var
from constraints.ppe import PpeVars
from constraints.visits import VisitsVars
from scenarios.risk import RiskTable
from scenarios.schema import Goal, Scenario

GOAL_TIER = {Goal.UNMET_NEED: 1, Goal.FAIRNESS: 2, Goal.COSTS: 3}
"""The tier each family gives its goal's penalties and rules, before the policy's order."""

GOAL_NAMES = {
    Goal.UNMET_NEED: "risk-weighted unmet need",
    Goal.FAIRNESS: "fairness: worst-served home, busiest worker",
    Goal.COSTS: "costs: travel, new workers per home, test slots",
}


@dataclass
class BuiltModel:
    ctx: Context
    tests: testing.TestingVars
    staff: staffing.StaffingVars
    beds: isolation.IsolationVars
    penalties: list[Penalty]
    tier_names: dict[int, str]
    unmet_tier: int = 1
    rooms: accommodation.AccommodationVars = field(default_factory=accommodation.AccommodationVars)
    """Staff hotel rooms and taxis (`constraints.accommodation`); empty without them."""
    visits: VisitsVars = field(default_factory=VisitsVars)
    """Training and liaison visits (`constraints.visits`); empty without officers."""
    stability_tier: int | None = None
    """A re-plan's tier of changes against the previous plan; its terms break ties when
    the starting plan is completed."""
    drops: PpeVars = field(default_factory=PpeVars)
    """PPE drops and cover (`constraints.ppe`); empty for a scenario without PPE."""
    previous: dict[Var, int] = field(default_factory=dict)
    """A re-plan's previous value of every decision it may change: what the stability
    tier counts changes against, and what whole-schedule dives prefer among ties."""

    @property
    def model(self) -> Model:
        return self.ctx.model


def build_model(scenario: Scenario, risk: RiskTable | None = None) -> BuiltModel:
    ctx = Context(scenario, Model(), risk or RiskTable(scenario))

    # variables (every family that books test slots, before site capacity)
    tv = testing.add_test_variables(ctx, testing.cover_windows(ctx))
    sv = staffing.add_deployment_variables(ctx)
    staffing.add_predeployment_test_variables(ctx, sv)
    iv = isolation.add_placement_variables(ctx)
    av = accommodation.add_accommodation_variables(ctx, sv)
    ov = one_to_one.add_at_home_variables(ctx, iv)
    vv = visits.add_visit_variables(ctx)
    pv = ppe.add_drop_variables(ctx)

    # hard rules
    testing.add_site_capacity(ctx)
    testing.add_cohort_size(ctx, tv)
    testing.add_mobile_unit_visits(ctx, tv)
    staffing.add_one_home_per_worker(ctx, sv)
    staffing.add_quarantine_between_homes(ctx, sv)
    staffing.add_one_shift_a_day_at_placed_home(ctx, sv)
    staffing.add_rest_after_night(ctx, sv)
    staffing.add_working_time_limits(ctx, sv)
    staffing.add_tested_before_first_shift(ctx, sv)
    isolation.add_bed_occupancy(ctx, iv)
    isolation.add_pre_admission_tests(ctx, iv)
    accommodation.add_hotel_rooms(ctx, av)
    accommodation.add_rooms_at_shifts(ctx, av)
    accommodation.add_taxis_at_shifts(ctx, av)
    accommodation.add_taxi_budget(ctx, av)
    one_to_one.add_one_to_one_gap(ctx, ov, iv, sv)
    visits.add_officer_minutes(ctx, vv)
    visits.add_one_visit_a_day(ctx, vv)
    visits.add_trained_once(ctx, vv)
    visits.add_training_sessions(ctx, vv)
    ppe.add_home_stock(ctx, pv)
    ppe.add_depot_stock(ctx, pv)
    ppe.add_van_capacity(ctx, pv)
    ppe.add_drop_link(ctx, pv)
    pins.add_worker_pins(ctx, sv)
    pins.add_request_pins(ctx, iv)

    built = BuiltModel(ctx, tv, sv, iv, [], {}, rooms=av, visits=vv, drops=pv)
    built.penalties = _soft_rules(built, ov)
    return _ranked(built, scenario.policy.objective.order)


def _soft_rules(built: BuiltModel, ov: one_to_one.OneToOneVars) -> list[Penalty]:
    """The soft rules' penalties by tier, added after every hard rule (their slack
    variables come last in the model); the fairness tier reads the unmet-need list."""
    ctx, tv, sv, iv = built.ctx, built.tests, built.staff, built.beds
    av, vv, pv = built.rooms, built.visits, built.drops
    # tier 1: unmet need
    unmet = [
        *testing.add_cover_windows(ctx, tv),
        *staffing.add_shortfall_cover(ctx, sv, ov.cover_terms),
        *one_to_one.add_one_to_one_cover(ctx, sv),
        *isolation.add_placement(ctx, iv),
        *ppe.add_cover(ctx, pv),
        *ppe.add_emergency_drop(ctx, pv),
    ]
    # tier 2: fairness; tier 3: costs
    return [
        *unmet,
        *accommodation.add_room_requests(ctx, av),
        *accommodation.add_room_nights(ctx, av),
        *accommodation.add_taxi_pairs(ctx, av),
        *visits.add_visit_needs(ctx, vv),
        *objective.add_worst_home_ratio(ctx, unmet),
        *objective.add_workload_spread(ctx, sv),
        *testing.add_test_costs(ctx, tv),
        *staffing.add_deployment_costs(ctx, sv),
        *visits.add_officer_travel(ctx, vv),
        *ppe.add_drop_costs(ctx, pv),
    ]


def _ranked(built: BuiltModel, order: list[Goal]) -> BuiltModel:
    """Renumber tiers to the policy's order of goals (rules that define a goal move too)."""
    tier = {GOAL_TIER[goal]: n + 1 for n, goal in enumerate(order)}
    # Only what moves is copied: in the default order nothing does, and a copy of each of
    # the example's 50,000 penalties was a fifth of its build.
    built.penalties = [
        replace(p, tier=tier[p.tier]) if tier[p.tier] != p.tier else p for p in built.penalties
    ]
    # Hard rules (tier 1) hold in every stage; only rules defining a lower goal move.
    built.model.constraints = [
        replace(c, tier=tier[c.tier]) if c.tier > 1 and tier[c.tier] != c.tier else c
        for c in built.model.constraints
    ]
    built.tier_names = {n + 1: GOAL_NAMES[goal] for n, goal in enumerate(order)}
    built.unmet_tier = tier[GOAL_TIER[Goal.UNMET_NEED]]
    return built


def insert_tier_after_unmet_need(built: BuiltModel, name: str) -> int:
    """Make room for a new tier right after unmet need (lower tiers move down one) and
    return its number."""
    new = built.unmet_tier + 1
    built.penalties = [replace(p, tier=p.tier + 1) if p.tier >= new else p for p in built.penalties]
    built.model.constraints = [
        replace(c, tier=c.tier + 1) if c.tier >= new else c for c in built.model.constraints
    ]
    built.tier_names = {
        (t + 1 if t >= new else t): text for t, text in built.tier_names.items()
    } | {new: name}
    return new
