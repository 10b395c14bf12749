"""Builders for tiny scenarios written inside a test, and a solve that always validates."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from constraints.build import BuiltModel
from constraints.model import Var
from constraints.rules import Family, Kind, Rule
from scenarios.load import load_scenario, parse_scenario
from scenarios.schema import Scenario
from scheduler.pipeline.planner import plan_scenario
from scheduler.pipeline.replan import Previous
from scheduler.plan import Plan
from scheduler.solve.backends import SOLVERS, make_backend
from scheduler.solve.settings import SolverSettings
from scheduler.validate import validate_plan
from tests.mutants import MUTATE_ENV, rule_off
from tests.postgres import PostgresServer, find_binaries, start_server

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


@dataclass(frozen=True)
class Solver:
    """One way to plan, passed to the planner explicitly (never through a global), so a
    battery runs the same test on each backend and path in turn."""

    backend: str = "cp-sat"
    path: str = "patterns"

    def __str__(self) -> str:
        return f"{self.backend}-{self.path}"

    def settings(self, **overrides: Any) -> SolverSettings:
        """One search worker and seed 0 (a test's plan is reproducible), 10 s at most."""
        base = SolverSettings(time_limit=10.0, workers=1, seed=0)
        return replace(base, solver=self.backend, path=self.path, **overrides)

    def cli(self) -> list[str]:
        """The same choice as `carehome plan` options."""
        return ["--solver", self.backend, "--path", self.path]

    def unchecked(self, s: Scenario, previous: Previous | None = None, **overrides: Any) -> Plan:
        """The plan as the planner returns it, for a test that expects a broken rule."""
        return plan_scenario(s, self.settings(**overrides), previous)

    def plan(self, s: Scenario, previous: Previous | None = None, **overrides: Any) -> Plan:
        """The plan, after the independent checker found it keeps every hard rule."""
        plan = self.unchecked(s, previous, **overrides)
        violations = validate_plan(s, plan, previous.plan if previous else None)
        assert violations == [], "\n".join(map(str, violations))
        return plan

    def most(self, built: BuiltModel, variables: Sequence[Var]) -> int:
        """The largest sum of `variables` the model's hard rules allow: a search that wants
        as many as it can get, to show a rule holds where no objective pushes against it.
        The model is the same for every backend, so CP-SAT proves it for all: CBC was seen
        to run a 10 s limit out on these tiny models inside a full suite run."""
        backend = make_backend(built.model, replace(self.settings(), solver="cp-sat"))
        backend.include_tier(1)
        backend.minimize([(v, -1) for v in variables])
        try:
            outcome = backend.solve(10.0)
        finally:
            backend.close()
        assert outcome.status == "OPTIMAL" and outcome.objective is not None, outcome.status
        return -outcome.objective


DEFAULT = Solver()
"""What `carehome plan` uses unless told otherwise."""

SOLVER_VARIANTS = (
    DEFAULT,
    Solver("cp-sat", "direct"),
    *(Solver(backend, "direct") for backend in SOLVERS if backend != "cp-sat"),
)
"""Every backend on the direct path, and the default (CP-SAT by whole schedules)."""


@pytest.fixture(params=SOLVER_VARIANTS, ids=str)
def solver(request: pytest.FixtureRequest) -> Solver:
    """Run the test once with every backend and path: one test battery for all."""
    variant: Solver = request.param
    return variant


DIRECT = Solver("cp-sat", "direct")
"""The search over the whole model: what a rule switched off changes first."""


def broken_rules(s: Scenario, plan: Plan, previous: Plan | None = None) -> set[str]:
    """The checker's names of the hard rules `plan` breaks."""
    return {v.rule for v in validate_plan(s, plan, previous)}


@pytest.fixture
def switch_off(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Switch a hard rule off for this test (`tests.mutants.rule_off` names them)."""

    def off(target: str) -> None:
        monkeypatch.setattr(*rule_off(target))

    return off


@pytest.fixture
def broken_without(
    switch_off: Callable[[str], None],
) -> Callable[..., set[str]]:
    """The checker's rules that the direct search's plan of a scenario (a re-plan, given
    its previous plan) breaks with one model rule switched off: a battery's proof that
    the rule is what binds there."""

    def broken(target: str, s: Scenario, previous: Previous | None = None) -> set[str]:
        switch_off(target)
        plan = DIRECT.unchecked(s, previous)
        return broken_rules(s, plan, previous.plan if previous else None)

    return broken


def pytest_configure(config: pytest.Config) -> None:
    """With CAREHOME_MUTATE set (by benchmarks/mutation_check.py), the whole run plans and
    checks with that one rule switched off: some test should then fail."""
    target = os.environ.get(MUTATE_ENV)
    if target:
        owner, name, replacement = rule_off(target)
        setattr(owner, name, replacement)


def solve(s: Scenario, time_limit: float = 10.0) -> Plan:
    """Plan as `carehome plan` does by default and check every hard rule independently."""
    return DEFAULT.plan(s, time_limit=time_limit)


@pytest.fixture(scope="session")
def tiny_plan() -> tuple[Scenario, Plan]:
    """The commented example scenario and its checked plan, solved once per test run."""
    s = load_scenario(EXAMPLES / "tiny.yaml")
    return s, solve(s)


DATABASES = ("sqlite", "postgresql")
"""The web app's databases: SQLite on a laptop, PostgreSQL on a council's server."""


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the whole run (`tests/postgres.py`)."""
    binaries = find_binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL here (pg_ctl, initdb): .ci/install-postgresql installs it")
    server = start_server(binaries)
    yield server
    server.stop()


def _database_url(request: pytest.FixtureRequest) -> str:
    """The web app's `database_url`: empty for its default SQLite file, else a new
    PostgreSQL database of its own."""
    if request.param == "sqlite":
        return ""
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on each database, each time on an empty one."""
    return _database_url(request)


@pytest.fixture(scope="module", params=DATABASES)
def module_database_url(request: pytest.FixtureRequest) -> str:
    """As `database_url`, for a module's shared app."""
    return _database_url(request)
