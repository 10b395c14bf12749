"""Labour pools beyond the staff bank: each rule on a tiny scenario where it binds, planned
by whole schedules and by the direct model on every backend, and the independent checker
catching a hand-made breach of it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from constraints.build import build_model
from scenarios.load import ScenarioError
from scenarios.schema import Scenario
from scenarios.whatif import Variant, apply_variant
from scheduler.analysis.value import find_resource, resources, value_table
from scheduler.heuristics.greedy import greedy_staffing
from scheduler.pipeline.planner import plan_scenario
from scheduler.plan import Plan, ShiftAssignment
from scheduler.solve.settings import SolverSettings
from scheduler.validate import validate_plan
from tests.conftest import START, day, home, scenario, shortfall, worker


@pytest.fixture(params=["cp-sat", "cbc", "highs"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param


@pytest.fixture(params=["patterns", "direct"])
def path(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param


def _solve(s: Scenario, backend: str, path: str) -> Plan:
    settings = SolverSettings(time_limit=10, workers=1, seed=0, solver=backend, path=path)
    plan = plan_scenario(s, settings)
    assert validate_plan(s, plan) == []
    return plan


def _days(plan: Plan, home_id: str | None = None) -> list[int]:
    return sorted((a.date - START).days for a in plan.shifts if home_id in (None, a.home_id))


def _with_shift(plan: Plan, worker_id: str, home_id: str, n: int) -> Plan:
    """The plan with one more (hand-made) day shift."""
    extra = ShiftAssignment(
        date=START.fromisoformat(day(n)),
        shift="day",
        worker_id=worker_id,
        home_id=home_id,
        role="carer",
    )
    return plan.model_copy(update={"shifts": [*plan.shifts, extra]})


def _broken(s: Scenario, plan: Plan) -> set[str]:
    return {v.rule for v in validate_plan(s, plan)}


# ------------------------------------------------------------------ recruits


def _recruit_scenario() -> Scenario:
    """A home short of a carer every day; one recruit, available all week, trained from
    day 3."""
    return scenario(
        homes=[home("a", shortfalls=[shortfall(d) for d in range(7)])],
        workers=[worker("r1", kind="recruit", available_from=day(3))],
    )


def test_a_recruit_works_only_from_the_day_training_ends(backend: str, path: str) -> None:
    s = _recruit_scenario()
    plan = _solve(s, backend, path)
    assert _days(plan) == [3, 4, 5, 6]
    assert {a.pool for a in plan.shifts} == {"recruit"}
    early = [u for u in plan.unmet if u.kind == "shift" and (u.date - START).days < 3]
    assert len(early) == 3
    assert all(u.cause_rule == "training" for u in early)
    assert all(u.cause_date is not None and u.cause_date.isoformat() == day(3) for u in early)


def test_the_checker_catches_a_recruit_before_training_ends() -> None:
    s = _recruit_scenario()
    plan = _solve(s, "cp-sat", "patterns")
    assert "trained" in _broken(s, _with_shift(plan, "r1", "a", 1))


def test_a_trained_worker_of_another_pool_covers_the_days_before() -> None:
    s = scenario(
        homes=[home("a", shortfalls=[shortfall(d) for d in range(3)])],
        workers=[worker("r1", kind="recruit", available_from=day(3)), worker("n1", kind="nhs")],
    )
    plan = _solve(s, "cp-sat", "patterns")
    assert {(a.worker_id, a.pool) for a in plan.shifts} == {("n1", "nhs")}
    assert _days(plan) == [0, 1, 2]


# ------------------------------------------------------------------ agencies


def _agency_scenario() -> Scenario:
    """Home b is the riskier; agency worker g1's agency supplies home a only."""
    return scenario(
        homes=[
            home("a", shortfalls=[shortfall(d) for d in range(5)]),
            home("b", shortfalls=[shortfall(d) for d in range(5)], rag={"workforce": "red"}),
        ],
        agencies=[{"id": "acme", "name": "Acme Care", "homes": ["a"]}],
        workers=[worker("g1", kind="agency", agency="acme")],
    )


def test_an_agency_worker_works_only_at_homes_their_agency_supplies(
    backend: str, path: str
) -> None:
    s = _agency_scenario()
    plan = _solve(s, backend, path)
    assert {(a.home_id, a.pool) for a in plan.shifts} == {("a", "agency")}
    assert len(plan.shifts) == 5
    # Without the agency named, the same worker goes to the riskier home.
    free = s.model_copy(
        update={"workers": [s.workers[0].model_copy(update={"agency": None})], "agencies": []}
    )
    assert {a.home_id for a in _solve(free, backend, path).shifts} == {"b"}


def test_the_checker_catches_an_agency_worker_at_a_home_not_supplied() -> None:
    s = _agency_scenario()
    plan = _solve(s, "cp-sat", "direct")
    moved = plan.model_copy(
        update={"shifts": [a.model_copy(update={"home_id": "b"}) for a in plan.shifts]}
    )
    assert "agency_supplies_home" in _broken(s, moved)
    assert _broken(s, plan) == set()


def test_an_uncovered_shift_names_the_agency_that_does_not_supply_it() -> None:
    s = _agency_scenario()
    plan = _solve(s, "cp-sat", "patterns")
    at_b = [u for u in plan.unmet if u.kind == "shift" and u.home_id == "b"]
    assert len(at_b) == 5 and all(u.cause_rule == "agency_supply" for u in at_b)


def test_the_greedy_start_keeps_the_training_and_agency_rules() -> None:
    for s, home_id, first in ((_recruit_scenario(), "a", 3), (_agency_scenario(), "a", 0)):
        built = build_model(s)
        [deployment] = greedy_staffing(built.ctx, built.staff).deployments.values()
        assert deployment.home == home_id and min(deployment.shifts) == first


DOMAIN_BINDS: dict[str, tuple[Callable[[], Scenario], set[str]]] = {
    "trained_by": (_recruit_scenario, {"trained"}),
    "agency_supplies": (_agency_scenario, {"agency_supplies_home"}),
}
"""The pools' domain rules (`constraints.domain`): a scenario, and the checker's rules the
plan breaks once the rule prunes no shift."""


@pytest.mark.parametrize("rule", DOMAIN_BINDS)
def test_each_pool_rule_is_what_binds(rule: str, broken_without: Callable[..., set[str]]) -> None:
    build, checked = DOMAIN_BINDS[rule]
    assert checked <= broken_without(f"constraints.domain.{rule}", build())


# ------------------------------------------------------------------ NHS workers


def _nhs_scenario(**policy: Any) -> Scenario:
    """Home a short on days 0-1, home b on days 5-6; one NHS worker; a 3-day quarantine
    between homes."""
    return scenario(
        homes=[
            home("a", shortfalls=[shortfall(0), shortfall(1)]),
            home("b", shortfalls=[shortfall(5), shortfall(6)]),
        ],
        workers=[worker("n1", kind="nhs")],
        policy={"quarantine_days": 3, **policy},
    )


def test_an_nhs_worker_serves_one_home_by_default(backend: str, path: str) -> None:
    plan = _solve(_nhs_scenario(), backend, path)
    assert len({a.home_id for a in plan.shifts}) == 1 and len(plan.shifts) == 2
    if path == "patterns":
        assert plan.summary.path.startswith("whole schedules")


def test_nhs_workers_cover_several_homes_when_the_policy_lets_them(backend: str, path: str) -> None:
    plan = _solve(_nhs_scenario(multi_home_pools=["nhs"]), backend, path)
    assert _days(plan, "a") == [0, 1] and _days(plan, "b") == [5, 6]
    assert {a.pool for a in plan.shifts} == {"nhs"}
    # Whole schedules are one home each: the direct model plans the moves.
    assert plan.summary.path.startswith("the direct model")


def test_a_multi_home_pool_still_keeps_the_quarantine_between_homes(backend: str) -> None:
    """b short on day 2, inside the 3-day window after a's day 1, and on day 4."""
    s = scenario(
        homes=[
            home("a", shortfalls=[shortfall(0), shortfall(1)]),
            home("b", shortfalls=[shortfall(2), shortfall(4)]),
        ],
        workers=[worker("n1", kind="nhs")],
        policy={"quarantine_days": 3, "multi_home_pools": ["nhs"]},
    )
    plan = _solve(s, backend, "direct")
    assert _days(plan, "a") == [0, 1] and _days(plan, "b") == [4]


def test_other_pools_stay_at_one_home_when_nhs_workers_may_move() -> None:
    s = _nhs_scenario(multi_home_pools=["nhs"])
    bank = s.model_copy(update={"workers": [s.workers[0].model_copy(update={"kind": "bank"})]})
    plan = _solve(bank, "cp-sat", "patterns")
    assert len({a.home_id for a in plan.shifts}) == 1
    assert plan.summary.path.startswith("whole schedules")


def test_the_checker_holds_nhs_workers_to_the_pool_policy() -> None:
    one_home = _nhs_scenario()
    plan = _solve(one_home, "cp-sat", "direct")
    home_id = "b" if plan.shifts[0].home_id == "a" else "a"
    two_homes = _with_shift(plan, "n1", home_id, 3)
    assert "one_home_per_worker" in _broken(one_home, two_homes)
    moving = _nhs_scenario(multi_home_pools=["nhs"])
    assert "one_home_per_worker" not in _broken(moving, two_homes)
    too_soon = _with_shift(_solve(moving, "cp-sat", "direct"), "n1", "b", 2)
    assert "quarantine_between_homes" in _broken(moving, too_soon)


# ------------------------------------------------------------------ what-ifs and value


def _shocked(base: Scenario, shock: dict[str, Any]) -> Scenario:
    variant = Variant.model_validate({"name": "v", "shocks": [shock]})
    return apply_variant(base, variant, 0, "w.yaml")


def test_a_training_delay_moves_the_recruits_start_in_the_plan() -> None:
    s = _shocked(_recruit_scenario(), {"kind": "recruits_delayed", "days": 2})
    assert s.workers[0].available_from is not None
    assert s.workers[0].available_from.isoformat() == day(5)
    assert _days(_solve(s, "cp-sat", "patterns")) == [5, 6]


def test_nhs_workers_can_be_added_or_withdrawn_leaving_other_pools_alone() -> None:
    base = scenario(
        homes=[home("a", shortfalls=[shortfall(d, workers=3) for d in range(5)])],
        workers=[worker("b1"), worker("n1", kind="nhs")],
    )
    grown = _shocked(base, {"kind": "bank_size", "pool": "nhs", "workers": 3})
    assert [w.kind for w in grown.workers] == ["bank", "nhs", "nhs", "nhs"]
    covered = len(_solve(base, "cp-sat", "patterns").shifts)
    assert len(_solve(grown, "cp-sat", "patterns").shifts) > covered
    withdrawn = _shocked(base, {"kind": "bank_size", "pool": "nhs", "workers": 0})
    assert [w.id for w in withdrawn.workers] == ["b1"]
    with pytest.raises(ScenarioError, match="recruits_delayed"):
        _shocked(base, {"kind": "recruits_delayed", "days": 1, "workers": ["n1"]})


def test_one_more_worker_of_a_binding_pool_is_worth_something() -> None:
    """Two carers short a day: the one NHS worker binds; the agency's worker, supplying
    another home only, is worth nothing more here."""
    s = scenario(
        homes=[home("a", shortfalls=[shortfall(d, workers=2) for d in range(5)]), home("b")],
        agencies=[{"id": "acme", "homes": ["b"]}],
        workers=[worker("n1", kind="nhs"), worker("g1", kind="agency", agency="acme")],
    )
    assert {r.id for r in resources(s)} >= {"pool:nhs", "pool:agency"}
    chosen = [find_resource(s, "pool:nhs"), find_resource(s, "pool:agency")]
    table = value_table(s, SolverSettings(time_limit=2, workers=1), chosen, step=1)
    rows = {(r.resource, r.step): r for r in table.itertuples()}
    assert rows["pool:nhs", 1].value_per_unit > 0
    assert rows["pool:nhs", -1].d_objective > 0
    assert rows["pool:agency", 1].d_objective == 0
