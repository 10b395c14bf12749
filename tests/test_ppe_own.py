"""A home's own supply chain: deliveries from its usual wholesaler count in its stock, in
the model, the greedy start, the plan's tables and the independent checker alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cli.main import main
from constraints.build import build_model
from scenarios.load import dump_scenario
from scenarios.schema import PpeItem, Scenario
from scheduler.analysis.explain_ppe import home_ppe, ppe_text
from scheduler.heuristics.ppe_greedy import ppe_hint
from scheduler.validate import validate_plan
from tests.conftest import DIRECT, Solver, day, home, scenario
from tests.test_ppe import ppe_home, supply

OWN = {"date": day(2), "supplier": "Acme Care Supplies", "items": {"masks": 50}}
"""50 masks from the home's wholesaler on day 2: five days' use, in time for the target."""


def nine_days_of_masks(*own: dict[str, Any]) -> Scenario:
    """Home a holds nine days of masks: below the 7-day target from day 2 without more.
    Home b holds one day's and has no supplier of its own: it needs a drop whatever."""
    record = ppe_home("a", masks=90, use=10) | {"deliveries": list(own)}
    homes = [record, ppe_home("b", masks=10, use=10)]
    return scenario(days=5, homes=[home("a"), home("b")], ppe=supply(homes, depot=1000))


def test_without_its_own_delivery_the_home_gets_a_drop(solver: Solver) -> None:
    plan = solver.plan(nine_days_of_masks())
    assert {d.home_id for d in plan.ppe_drops} == {"a", "b"}


def test_its_own_delivery_in_time_means_no_drop_and_counts_in_its_stock(solver: Solver) -> None:
    plan = solver.plan(nine_days_of_masks(OWN))
    assert {d.home_id for d in plan.ppe_drops} == {"b"}
    assert not [u for u in plan.unmet if u.kind.startswith("ppe") and u.home_id == "a"]
    rows = {r.date.isoformat(): r for r in plan.ppe_stock if r.home_id == "a"}
    assert [rows[day(d)].own_delivered for d in range(5)] == [0, 0, 50, 0, 0]
    assert [rows[day(d)].stock for d in range(5)] == [80, 70, 110, 100, 90]


def test_a_home_covered_by_its_own_deliveries_gets_no_variables() -> None:
    def homes_with_drops(s: Scenario) -> set[str]:
        return {h for h, _d in build_model(s).drops.drop}

    assert homes_with_drops(nine_days_of_masks()) == {"a", "b"}
    assert homes_with_drops(nine_days_of_masks(OWN)) == {"b"}


def test_the_greedy_start_counts_the_own_delivery_of_a_home_still_short() -> None:
    """Home a holds a day of masks, so it needs drops whatever comes; its own delivery on
    day 2 tops it up, so the greedy start drops less."""
    own = {"date": day(2), "items": {"masks": 30}}
    record = ppe_home("a", masks=10, use=10)
    dropped = []
    for deliveries in ([], [own]):
        s = scenario(
            days=5, homes=[home("a")], ppe=supply([record | {"deliveries": deliveries}], 1000)
        )
        built = build_model(s)
        quantities = set(built.drops.quantity.values())
        dropped.append(sum(v for var, v in ppe_hint(built).items() if var in quantities))
    assert 0 < dropped[1] < dropped[0]


def test_the_checker_reads_the_homes_own_deliveries() -> None:
    """A plan that leans on the own delivery (an empty depot: nothing else comes) keeps
    every rule; the same plan, the delivery taken away, runs the home's stock below zero."""
    own = {"date": day(1), "items": {"masks": 100}}
    record = ppe_home("a", masks=20, use=10)
    with_own, without = (
        scenario(days=5, homes=[home("a")], ppe=supply([record | {"deliveries": d}]))
        for d in ([own], [])
    )
    plan = DIRECT.plan(with_own)
    assert plan.ppe_drops == [] and sum(r.own_delivered for r in plan.ppe_stock) == 100
    broken = validate_plan(without, plan)
    assert {v.rule for v in broken} == {"ppe_home_stock"}
    assert any(day(2) in v.key for v in broken)


def test_an_own_delivery_outside_the_horizon_is_named_by_record_and_field(
    tmp_path: Path,
) -> None:
    s = nine_days_of_masks(OWN)
    path = tmp_path / "city.yaml"
    path.write_text(dump_scenario(s).replace(day(2), "2021-01-01"), encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "ppe.homes[0] (a).deliveries[0].date" in lines[0], result.output
    assert not (tmp_path / "out").exists()


def test_the_supplier_is_optional() -> None:
    s = nine_days_of_masks({"date": day(1), "items": {"masks": 5}})
    assert s.ppe is not None
    [delivery] = s.ppe.homes[0].deliveries
    assert delivery.supplier is None and delivery.items == {PpeItem.MASKS: 5}


def test_explain_lists_the_homes_own_deliveries() -> None:
    s = nine_days_of_masks(OWN)
    lines = ppe_text(home_ppe(s, DIRECT.plan(s), "a"))
    assert [line for line in lines if day(2) in line and "masks 50" in line]
