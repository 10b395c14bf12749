"""Local authorities: the schema field, the generator's regions, the model's authority
rule, and planning a region by decomposition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

import scheduler.pipeline.decompose as decompose
from cli.main import main as cli
from constraints.build import build_model
from scenarios.checks import scenario_problems
from scenarios.generate import generate_authorities
from scenarios.load import load_scenario
from scenarios.schema import HomeHistory, IsolationRequest, Need, Scenario, TestSite
from scheduler.analysis.compare import plan_variant
from scheduler.pipeline.decompose import independent_parts, plan_decomposed
from scheduler.pipeline.executors import local_executor
from scheduler.pipeline.planner import plan_scenario
from scheduler.plan import Plan
from scheduler.solve.settings import SolverSettings
from scheduler.validate import validate_plan

SETTINGS = SolverSettings(time_limit=10, deterministic_time=3.0)


@pytest.fixture(scope="module")
def region() -> Scenario:
    return generate_authorities(3, homes=15, workers=18, days=7, seed=5)


# ------------------------------------------------------------------ schema


def test_authority_defaults_to_the_one_unnamed_authority() -> None:
    site = TestSite.model_validate(
        {"id": "s", "kind": "local_site", "capacity": 5, "cohorts": ["staff"]}
    )
    assert site.authority is None and site.shared_with == []
    assert site.serves(None) and not site.serves("a")


def test_a_shared_resource_serves_its_own_and_the_listed_authorities() -> None:
    site = TestSite.model_validate(
        {
            "id": "regional",
            "kind": "local_site",
            "capacity": 5,
            "cohorts": ["staff"],
            "authority": "a",
            "shared_with": ["b"],
        }
    )
    assert site.serves("a") and site.serves("b") and not site.serves("c")
    assert not site.serves(None)
    with pytest.raises(ValidationError, match="more than once"):
        TestSite.model_validate(site.model_dump() | {"shared_with": ["b", "b"]})


def test_authorities_named_must_have_homes(region: Scenario) -> None:
    site = region.test_sites[0].model_copy(update={"shared_with": ["la009", "la001"]})
    hospital = IsolationRequest(
        id="x1", from_hospital="City", need=Need.NURSING, earliest=region.horizon.start
    )
    mismatch = region.isolation_requests[0].model_copy(update={"authority": "la002"})
    broken = region.model_copy(
        update={
            "test_sites": [site, *region.test_sites[1:]],
            "isolation_requests": [mismatch, *region.isolation_requests[1:], hospital],
        }
    )
    messages = [f"{p.path}: {p.message}" for p in scenario_problems(broken)]
    assert any("shared_with[0]" in m and "'la009'" in m for m in messages)
    assert any("shared_with[1]" in m and "its own authority" in m for m in messages)
    assert any("(x1).authority" in m and "None" in m for m in messages)
    assert any(f"({mismatch.id}).authority" in m and "'la002'" in m for m in messages)


def test_plymouth_names_no_authority() -> None:
    from scenarios.generate import PLYMOUTH_FILE

    assert "authority" not in PLYMOUTH_FILE.read_text(encoding="utf-8")


# ------------------------------------------------------------------ generator and model


def test_region_prefixes_ids_and_keeps_each_record_in_its_authority(region: Scenario) -> None:
    assert scenario_problems(region) == []
    assert {h.authority for h in region.homes} == {"la001", "la002", "la003"}
    for records in (region.homes, region.workers, region.test_sites, region.isolation_facilities):
        assert all(x.id.startswith(f"{x.authority}-") for x in records)
    assert [len([h for h in region.homes if h.authority == a]) for a in ("la001", "la002")] == [
        5,
        5,
    ]
    # Authority k depends only on the seed and k: adding authorities keeps the first ones.
    bigger = generate_authorities(4, homes=20, workers=24, days=7, seed=5)
    assert [h for h in bigger.homes if h.authority == "la001"] == [
        h for h in region.homes if h.authority == "la001"
    ]


def test_a_home_only_uses_its_own_authoritys_resources(region: Scenario) -> None:
    built = build_model(region)
    authority = {h.id: h.authority for h in region.homes}
    sites = {s.id: s for s in region.test_sites}
    workers = {w.id: w for w in region.workers}
    assert built.tests.tests and built.staff.shifts
    assert all(sites[s].serves(authority[h]) for h, _c, s, _d in built.tests.tests)
    assert all(workers[w].serves(authority[h]) for w, h, *_ in built.staff.shifts)


def test_cli_generates_a_region(tmp_path: Path) -> None:
    out = tmp_path / "region.yaml"
    args = ["generate", "--homes", "12", "--workers", "12", "--days", "7", "--authorities", "3"]
    result = CliRunner().invoke(cli, [*args, "--shared-every", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    s = load_scenario(out)
    assert len({h.authority for h in s.homes}) == 3
    assert [(x.authority, x.shared_with) for x in s.test_sites if x.shared_with] == [
        ("la001", ["la002"])
    ]


# ------------------------------------------------------------------ decomposition


def test_independent_authorities_are_separate_parts(region: Scenario) -> None:
    parts = independent_parts(region)
    assert [p.label for p in parts] == ["la001", "la002", "la003"]
    assert sum(len(p.scenario.homes) for p in parts) == len(region.homes)
    assert sum(len(p.scenario.workers) for p in parts) == len(region.workers)
    assert all(scenario_problems(p.scenario) == [] for p in parts)


def test_a_shared_site_plans_its_authorities_together() -> None:
    shared = generate_authorities(3, homes=15, workers=18, days=7, seed=5, shared_every=2)
    assert [p.label for p in independent_parts(shared)] == ["la001+la002", "la003"]
    # A worker whose last home is in another authority links the two (quarantine rule).
    s = generate_authorities(3, homes=15, workers=18, days=7, seed=5)
    history = HomeHistory(current_home="la003-h001", last_shift=dt.date(2020, 5, 30))
    w = s.workers[0].model_copy(update={"home_history": history})
    moved = s.model_copy(update={"workers": [w, *s.workers[1:]]})
    assert [p.label for p in independent_parts(moved)] == ["la001+la003", "la002"]


def test_decomposed_plan_equals_the_parts_planned_alone(region: Scenario) -> None:
    with local_executor(2) as executor:
        merged = plan_decomposed(region, SETTINGS, executor)
    alone = [plan_scenario(p.scenario, SETTINGS) for p in independent_parts(region)]
    assert merged.summary.objective == sum(p.summary.objective for p in alone)
    assert merged.summary.best_bound == sum(p.summary.best_bound for p in alone)
    assert validate_plan(region, merged) == []
    assert len(merged.shifts) == sum(len(p.shifts) for p in alone)
    kpis = merged.summary.kpis
    assert kpis["shifts_short"] == sum(p.summary.kpis["shifts_short"] for p in alone)
    assert len(merged.summary.daily) == region.horizon.days


def test_one_authority_is_planned_directly(region: Scenario) -> None:
    one = independent_parts(region)[0].scenario
    plan = plan_decomposed(one, SETTINGS)
    assert plan.summary.scenario == one.name and validate_plan(one, plan) == []


def test_a_region_planned_whole_explains_every_unmet_need_within_its_authority(
    region: Scenario,
) -> None:
    plan = plan_scenario(region, SolverSettings(time_limit=5, workers=1))
    assert validate_plan(region, plan) == []
    homes = {h.id: h.authority for h in region.homes}
    workers = {w.id: w for w in region.workers}
    shifts = [u for u in plan.unmet if u.kind == "shift"]
    assert shifts and all(u.cause for u in plan.unmet)
    for u in shifts:  # only workers serving the home's authority are named as blocked
        named = [b.split(":", 1)[0] for b in u.blocked.split()]
        assert all(workers[w].serves(homes[u.home_id]) for w in named)


def test_an_infeasibility_crosses_a_process_boundary_with_its_rules() -> None:
    import pickle

    from scheduler.plan import InfeasibleError

    error = pickle.loads(pickle.dumps(InfeasibleError(["pin[a]", "pin[b]"])))
    assert error.rules == ["pin[a]", "pin[b]"]
    assert "minimal conflicting rules: pin[a], pin[b]" in str(error)


def test_a_what_if_run_plans_independent_authorities_by_part(
    region: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A what-if run is planned as `carehome plan` plans it: by its independent parts."""
    merged: list[int] = []
    merge = decompose.merge_plans

    def counting_merge(scenario: Scenario, plans: list[Plan]) -> Plan:
        merged.append(len(plans))
        return merge(scenario, plans)

    monkeypatch.setattr(decompose, "merge_plans", counting_merge)
    row, plan = plan_variant("region", region, SolverSettings(time_limit=5, workers=1))
    assert plan is not None, row
    assert merged == [len(independent_parts(region))] and merged[0] > 1
    assert row["violations"] == 0
