"""The rule registry against the model and the validator: every hard rule the model keeps
has an independent check, and every check names the rules it re-checks."""

from __future__ import annotations

import pytest

from constraints import rules
from constraints.build import build_model
from constraints.domain import PREDICATES
from constraints.rules import REGISTRY, Kind
from scenarios.generate import generate
from scenarios.load import load_scenario
from scenarios.schema import Scenario, WorkerKind
from scheduler.validate import RECHECKS, RULE_NAMES
from tests.conftest import EXAMPLES

UNCHECKED_HARD_RULES = {
    # A booked pre-deployment swab must serve a start inside its validity window, and one
    # is enough: both only keep slots from being spent for nothing. A plan breaking them
    # wastes a slot that `site_capacity` still counts; nobody works untested, which
    # `tested_before_first_shift` checks.
    "test_serves_a_start",
    "one_predeployment_test",
}

CHECKS_OF_NO_MODEL_RULE = {
    # Rows name known records inside the horizon: the plan tables' own contract.
    "reference",
    # A worker's or an admission's booking is one yes/no variable: one swab by its domain.
    "booking_size",
    # Discharge and wait are written from the admission by the extraction, not solved.
    "stay_length",
}

BY_ID = {rule.id: rule for rule in REGISTRY}


def test_every_hard_rule_has_a_validator_twin_and_every_check_a_rule() -> None:
    assert set(RECHECKS) == set(RULE_NAMES)
    named = {rule_id for ids in RECHECKS.values() for rule_id in ids}
    assert named <= set(BY_ID), "a check names a rule the model does not have"
    hard = {rule.id for rule in REGISTRY if rule.is_hard}
    assert hard - named == UNCHECKED_HARD_RULES
    assert {check for check, ids in RECHECKS.items() if not ids} == CHECKS_OF_NO_MODEL_RULE
    # a check of a soft rule re-checks its hard side (covers never above the shortfall,
    # a request never placed twice), not the need it prices
    soft = {rule_id for rule_id in named if not BY_ID[rule_id].is_hard}
    assert soft == {"shortfall_cover", "place_once"}


def _moving_between_homes() -> Scenario:
    """A small city with the one-home rule off: the quarantine rules between homes."""
    s = generate(15, 6, 7, 1)
    policy = s.policy.model_copy(update={"one_home_per_worker": False, "quarantine_days": 3})
    return s.model_copy(update={"policy": policy})


def _nhs_moving_between_homes() -> Scenario:
    """The Plymouth example (NHS workers, recruits, agency staff, forecast absences) with
    its NHS pool let move between homes: the quarantine rules for one pool only."""
    s = load_scenario(EXAMPLES / "plymouth-2020.yaml")
    policy = s.policy.model_copy(update={"multi_home_pools": [WorkerKind.NHS]})
    return s.model_copy(update={"policy": policy})


SCENARIOS = {
    "tiny": lambda: load_scenario(EXAMPLES / "tiny.yaml"),
    "plymouth": lambda: load_scenario(EXAMPLES / "plymouth-2020.yaml"),
    "moving_between_homes": _moving_between_homes,
    "nhs_moving_between_homes": _nhs_moving_between_homes,
}


@pytest.mark.parametrize("case", sorted(SCENARIOS))
def test_the_built_model_uses_registered_rules_of_the_right_kind(case: str) -> None:
    built = build_model(SCENARIOS[case]())
    registered = set(REGISTRY)
    for c in built.model.constraints:
        assert c.rule in registered and c.rule.kind in (Kind.HARD, Kind.SOFT), c.name
    for v in built.model.variables:
        assert v.rule in registered and v.rule.kind == Kind.VARIABLE, v.name
    for p in built.penalties:
        assert p.rule in registered and p.rule.kind == Kind.SOFT, p.name
        assert p.rule.goal is not None
    assert all(c.tier == 1 for c in built.model.constraints if c.rule.is_hard)


def test_the_pools_and_forecast_rules_are_in_the_registry_and_the_model() -> None:
    """Labour pools and forecast absences write their variables, constraints and penalties
    under registered rules: one pool moving between homes gets the quarantine rules, the
    others keep one home, and a forecast shortfall has its own slack and price."""
    built = build_model(_nhs_moving_between_homes())
    used = (
        {c.rule for c in built.model.constraints}
        | {v.rule for v in built.model.variables}
        | {p.rule for p in built.penalties}
    )
    assert {
        rules.ONE_HOME,
        rules.QUARANTINE_BETWEEN_HOMES,
        rules.FORECAST_UNCOVERED,
        rules.FORECAST_COVER,
    } <= used
    nhs = {w.id for w in built.ctx.scenario.workers if w.kind == WorkerKind.NHS}
    for c in built.model.constraints:
        if c.rule == rules.ONE_HOME:
            assert c.key[0] not in nhs, c.name
        if c.rule == rules.QUARANTINE_BETWEEN_HOMES:
            assert c.key[0] in nhs, c.name
    assert {rules.TRAINING, rules.AGENCY_SUPPLY} <= set(PREDICATES)


def test_every_rule_is_registered_once_with_words_for_people() -> None:
    assert len({rule.id for rule in REGISTRY}) == len(REGISTRY)
    assert all(rule.text and rule.text != rule.id for rule in REGISTRY)
    assert all((rule.goal is not None) <= (rule.kind == Kind.SOFT) for rule in REGISTRY)


def test_every_domain_rule_is_one_predicate_the_variables_are_made_by() -> None:
    domain = {rule for rule in REGISTRY if rule.kind == Kind.DOMAIN}
    assert set(PREDICATES) == domain
    assert len(set(PREDICATES.values())) == len(domain)
