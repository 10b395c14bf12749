"""Rules are read by their typed `Rule` and `Key`, never from a model name: with every
rule's display text reworded and the name format changed, causes, `carehome explain` and
the LP duals behind `carehome value` give the same families, rules, keys and numbers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import constraints.rules
from constraints.build import build_model
from constraints.rules import REGISTRY, Key
from scenarios.load import load_scenario
from scenarios.schema import Scenario
from scheduler.analysis.explain import explain_home
from scheduler.analysis.value import dual_estimates, resources
from scheduler.output.tables import write_plan
from scheduler.pipeline.planner import plan_scenario
from scheduler.solve.settings import SolverSettings
from tests.conftest import EXAMPLES, day, home, scenario, shortfall, site, worker


def _short_of_workers() -> Scenario:
    """Two homes short of more carers than the bank holds: w1 anywhere, w2 just left home
    `a` (inside the quarantine window for `b`), so shifts are left short for rules that
    hold workers elsewhere; `b`'s 20 staff are due a retest at a site of 5 a day."""
    return scenario(
        days=3,
        homes=[
            home("a", rag={"overall": "red"}, shortfalls=[shortfall(d, workers=2) for d in (0, 1)]),
            home(
                "b",
                staff=20,
                last_tested={"staff": day(-6)},
                shortfalls=[shortfall(0), shortfall(1), shortfall(2, "night")],
            ),
        ],
        test_sites=[site(capacity=[5, 5, 0], cohorts=["staff"])],
        workers=[
            worker("w1", days=3),
            worker("w2", days=3, home_history={"current_home": "a", "last_shift": day(-1)}),
        ],
    )


def _pools_and_forecast() -> Scenario:
    """Labour pools and forecast absences: home `a` in an outbreak, its staff's round
    forecast to send some home from day 3; an agency supplying `a` only; a recruit
    trained from day 2; shifts left short at both homes for the pools' rules; a site of 8
    swabs a day for the round."""
    return scenario(
        days=5,
        homes=[
            home(
                "a",
                staff=30,
                outbreak={"status": "confirmed", "since": day(-1)},
                last_tested={"staff": day(-10), "residents": day(-1)},
                shortfalls=[shortfall(d) for d in range(3)],
            ),
            home(
                "b", rag={"overall": "red"}, shortfalls=[shortfall(d, workers=2) for d in range(4)]
            ),
        ],
        agencies=[{"id": "acme", "name": "Acme Care", "homes": ["a"]}],
        test_sites=[site(capacity=8)],
        workers=[
            worker("g1", days=5, kind="agency", agency="acme"),
            worker("r1", days=5, kind="recruit", available_from=day(2)),
            worker("n1", days=5, kind="nhs"),
        ],
        policy={"absence_forecast": {"outbreak_positivity": {"staff": 0.2}}},
    )


def _scrambled_key(key: Key) -> str:
    """Another name format, still unique: `<2020-06-02|local>`."""
    return "<" + "|".join(str(part) for part in reversed(key)) + ">" if key else ""


@pytest.fixture
def renamed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every rule's display text reworded and every model name in another format."""
    monkeypatch.setattr(constraints.rules, "format_key", _scrambled_key)
    texts = {rule: rule.text for rule in REGISTRY}
    for n, rule in enumerate(REGISTRY):
        object.__setattr__(rule, "text", f"nonsense {n}")  # frozen: reworded for the test
    try:
        yield
    finally:
        for rule, text in texts.items():
            object.__setattr__(rule, "text", text)


def _readings(s: Scenario, out: Path) -> dict[str, Any]:
    """What causes, explain and value read off one plan of `s`."""
    plan = plan_scenario(s, SolverSettings(time_limit=10, workers=1, seed=0))
    write_plan(plan, s, out)
    causes = [
        u.model_dump(exclude={"binding", "cause"}) | {"bindings": len(u.binding.split())}
        for u in plan.unmet
    ]
    explained = {}
    for h in s.homes:
        report = explain_home(out, h.id)
        for row in report["unmet"]:
            row.pop("binding")
            row.pop("cause")
        explained[h.id] = (report["unmet"], report["changes"], report["days"])
    return {
        "objective": plan.summary.objective,
        "stages": [(st.objective, st.best_bound) for st in plan.summary.stages],
        "plan": [plan.testing, plan.shifts, plan.placements],
        "causes": causes,
        "explained": explained,
        "duals": dual_estimates(s, resources(s), 30.0),
    }


CASES = {
    "tiny": lambda: load_scenario(EXAMPLES / "tiny.yaml"),
    "short_of_workers": _short_of_workers,
    "pools_and_forecast": _pools_and_forecast,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_causes_explain_and_value_do_not_read_rule_names(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    s = CASES[case]()
    before = _readings(s, tmp_path / "before")
    request.getfixturevalue("renamed")
    assert build_model(s).model.constraints[0].name.endswith(">")  # the names did change
    after = _readings(s, tmp_path / "after")
    assert after == before
    # the readings are not empty: causes name rules, duals price the binding capacity
    assert {u["cause_rule"] for u in before["causes"]} - {""}
    assert any(before["duals"].values())


def test_the_pools_and_forecast_rules_are_read_by_rule() -> None:
    """The pools' domain rules and the forecast's slack reach the causes and the plan as
    rule ids, as every other rule does."""
    s = _pools_and_forecast()
    plan = plan_scenario(s, SolverSettings(time_limit=10, workers=1, seed=0))
    shifts = [u for u in plan.unmet if u.kind == "shift"]
    blocked = {b for u in shifts for b in u.blocked.split()}
    assert f"r1:training@{day(2)}" in blocked and "g1:agency_supply@acme" in blocked
    assert "agency_supply" in {u.cause_rule for u in shifts}
    assert {a.source for a in plan.shifts} == {"reported", "forecast"}
