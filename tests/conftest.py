"""Builders for tiny scenarios written inside a test, and a solve that always validates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from constraints.rules import Family, Kind, Rule
from scenarios.load import load_scenario, parse_scenario
from scenarios.schema import Scenario
from scheduler.backends import SOLVERS
from scheduler.plan import Plan
from scheduler.planner import plan_scenario
from scheduler.settings import SolverSettings
from scheduler.validate import validate_plan

START = dt.date(2020, 6, 1)
EXAMPLES = Path(__file__).resolve().parent.parent / "scenarios" / "examples"


def rule(rule_id: str, family: Family = Family.TESTING) -> Rule:
    """A hard rule of a hand-made model, outside the registry."""
    return Rule(rule_id, family, Kind.HARD, rule_id)


def day(n: int) -> str:
    """ISO date of horizon day `n` (0-based) in the test scenarios."""
    return (START + dt.timedelta(days=n)).isoformat()


def home(home_id: str, **fields: Any) -> dict[str, Any]:
    """A residential home with 10 residents and 10 staff, all tested yesterday."""
    base: dict[str, Any] = {
        "id": home_id,
        "name": f"Home {home_id}",
        "type": "older_people_residential",
        "beds": 12,
        "residents": 10,
        "staff": 10,
        "last_tested": {"staff": day(-1), "residents": day(-1)},
    }
    return base | fields


def site(site_id: str = "local", capacity: int | list[int] = 100, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": site_id,
        "kind": "local_site",
        "capacity": capacity,
        "cohorts": ["staff", "residents", "agency", "admissions"],
    }
    return base | fields


def worker(
    worker_id: str, roles: list[str] | None = None, days: int = 7, **fields: Any
) -> dict[str, Any]:
    """Available for both shifts every day, tested yesterday."""
    base: dict[str, Any] = {
        "id": worker_id,
        "roles": roles or ["carer"],
        "availability": [{"from": day(0), "to": day(days - 1)}],
        "last_negative_test": day(-1),
    }
    return base | fields


def shortfall(n: int, shift: str = "day", role: str = "carer", workers: int = 1) -> dict[str, Any]:
    return {"date": day(n), "shift": shift, "role": role, "workers": workers}


def scenario(days: int = 7, **sections: Any) -> Scenario:
    data: dict[str, Any] = {"name": "test", "horizon": {"start": START.isoformat(), "days": days}}
    data.setdefault("test_sites", [site()])
    data.update(sections)
    return parse_scenario(data, source="test.yaml")


SOLVER = "cp-sat"
"""The backend `solve` plans with; the `each_solver` fixture runs a test once per backend."""


@pytest.fixture(params=SOLVERS)
def each_solver(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test once with every backend: one test battery for all solvers."""
    global SOLVER
    SOLVER = request.param
    yield request.param
    SOLVER = "cp-sat"


def solve(s: Scenario, time_limit: float = 10.0) -> Plan:
    """Plan with one search worker and check every hard rule independently."""
    settings = SolverSettings(time_limit=time_limit, workers=1, seed=0, solver=SOLVER)
    plan = plan_scenario(s, settings)
    violations = validate_plan(s, plan)
    assert violations == [], "\n".join(map(str, violations))
    return plan


@pytest.fixture(scope="session")
def tiny_plan() -> tuple[Scenario, Plan]:
    """The commented example scenario and its checked plan, solved once per test run."""
    s = load_scenario(EXAMPLES / "tiny.yaml")
    return s, solve(s)
