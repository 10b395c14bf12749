"""PPE family: each rule on a tiny scenario where it binds, on every backend."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import main
from constraints.build import build_model
from constraints.model import terms_value, tier_terms
from constraints.rules import Family
from scenarios.load import ScenarioError, dump_scenario
from scenarios.schema import PpeSupply, Scenario
from scenarios.shocks import Days, DeliveryMissed, VansWithdrawn, apply_shocks
from scheduler.analysis.value import Resource, value_table
from scheduler.plan import UnmetKind
from scheduler.solve.apart import plan_apart
from scheduler.solve.lp import lp_completion
from tests.conftest import DIRECT, Solver, day, home, scenario


def ppe_home(home_id: str, masks: int = 10, use: int = 10) -> dict[str, Any]:
    return {"home": home_id, "stock": {"masks": masks}, "daily_use": {"masks": use}}


def supply(homes: list[dict[str, Any]], depot: int = 0, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"homes": homes, "depot_stock": {"masks": depot}, "vans": 1}
    return base | fields


def empty_depot() -> Scenario:
    """Home a holds one day of masks and the depot none until a delivery on day 3."""
    return scenario(
        days=5,
        homes=[home("a")],
        ppe=supply(
            [ppe_home("a")],
            deliveries=[{"date": day(3), "source": "lrf", "items": {"masks": 1000}}],
        ),
    )


def one_van_two_homes() -> Scenario:
    """Two homes a day short of cover tonight, a full depot and one drop a day."""
    return scenario(
        days=3,
        homes=[home("a"), home("b")],
        ppe=supply([ppe_home("a", 70), ppe_home("b", 70)], depot=1000, drops_per_van=1),
    )


def test_an_empty_depot_leaves_cover_short_until_the_delivery(solver: Solver):
    plan = solver.plan(empty_depot())
    assert {d.date.isoformat() for d in plan.ppe_drops} == {day(3)}
    short = [u for u in plan.unmet if u.kind == UnmetKind.PPE_COVER]
    assert short and all(u.cause_rule == "ppe_depot" for u in short)
    assert "depot out of masks" in short[0].cause
    without = [u for u in plan.unmet if u.kind == UnmetKind.PPE_WITHOUT]
    assert [u.date.isoformat() for u in without] == [day(1), day(2)]
    stock = {(s.date.isoformat(), s.stock) for s in plan.ppe_stock}
    assert (day(0), 0) in stock and all(s.stock >= 0 for s in plan.ppe_stock)
    # the day's drop lifts the home to the target at least
    [arrival] = [s for s in plan.ppe_stock if s.date.isoformat() == day(3)]
    assert arrival.days_cover >= 7


def test_one_van_drops_at_one_home_a_day(solver: Solver):
    plan = solver.plan(one_van_two_homes())
    by_day: dict[str, set[str]] = {}
    for d in plan.ppe_drops:
        by_day.setdefault(d.date.isoformat(), set()).add(d.home_id)
        assert (d.van, d.stop) == (1, 1)
    assert all(len(homes) == 1 for homes in by_day.values())
    short = [u for u in plan.unmet if u.kind == UnmetKind.PPE_COVER]
    assert short and {u.cause_rule for u in short} == {"ppe_van_capacity"}
    assert "no van free" in short[0].cause


def test_an_outbreak_home_gets_an_emergency_drop(solver: Solver):
    outbreak = {"status": "confirmed", "since": day(1), "resident_cases": 1}
    s = scenario(
        days=4,
        homes=[home("a", outbreak=outbreak)],
        ppe=supply([ppe_home("a", masks=500, use=10)], depot=100),
        policy={"ppe": {"outbreak_use_factor": 1}},
    )
    plan = solver.plan(s)
    [drop] = plan.ppe_drops
    assert drop.date.isoformat() in (day(1), day(2)) and "emergency" in drop.reason
    assert not [u for u in plan.unmet if u.kind.startswith("ppe")]


def test_no_van_misses_the_emergency_drop_with_its_cause(solver: Solver):
    outbreak = {"status": "suspected", "since": day(0)}
    s = scenario(
        days=3,
        homes=[home("a", outbreak=outbreak)],
        ppe=supply([ppe_home("a", masks=500, use=10)], depot=100, vans=[0, 0, 1]),
    )
    plan = solver.plan(s)
    [missed] = [u for u in plan.unmet if u.kind == UnmetKind.PPE_EMERGENCY]
    assert missed.cause_rule == "ppe_van_capacity" and missed.remedy.startswith("one more van")


def test_a_scenario_without_ppe_builds_the_same_model():
    s = scenario(homes=[home("a")])
    with_section = s.model_copy(update={"ppe": PpeSupply()})
    assert s.ppe is None
    plain, empty = build_model(s).model, build_model(with_section).model
    assert plain.size() == empty.size()
    assert [c.name for c in plain.constraints] == [c.name for c in empty.constraints]


def test_ppe_files_are_written_only_for_a_scenario_with_ppe(tmp_path: Path):
    runner = CliRunner()
    for name, s in (("plain", scenario(homes=[home("a")])), ("ppe", one_van_two_homes())):
        path = tmp_path / f"{name}.yaml"
        path.write_text(dump_scenario(s), encoding="utf-8")
        result = runner.invoke(main, ["plan", str(path), "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    assert not (tmp_path / "plain" / "ppe_drops.csv").exists()
    drops = (tmp_path / "ppe" / "ppe_drops.csv").read_text(encoding="utf-8").splitlines()
    assert drops[0] == "date,van,stop,home_id,home_name,item,quantity,reason"
    assert (tmp_path / "ppe" / "ppe_stock.csv").exists()
    result = runner.invoke(main, ["check", str(tmp_path / "ppe.yaml"), str(tmp_path / "ppe")])
    assert result.exit_code == 0, result.output


def test_an_unknown_home_is_named_by_file_record_and_field(tmp_path: Path):
    s = one_van_two_homes()
    path = tmp_path / "city.yaml"
    text = dump_scenario(s).replace("home: b", "home: zz")
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "city.yaml: ppe.homes[1] (zz).home: unknown home 'zz'" in result.output
    assert not (tmp_path / "out").exists()


def test_stock_and_cover_days_for_one_item_is_refused():
    with pytest.raises(ScenarioError, match="both stock and cover_days for masks"):
        scenario(
            homes=[home("a")],
            ppe=supply([ppe_home("a") | {"cover_days": {"masks": 3}}]),
        )


BINDS: dict[str, tuple[Callable[[], Scenario], set[str]]] = {
    "add_home_stock": (empty_depot, {"ppe_home_stock"}),
    "add_depot_stock": (empty_depot, {"ppe_depot_stock"}),
    "add_van_capacity": (one_van_two_homes, {"ppe_van_capacity"}),
    "add_drop_link": (one_van_two_homes, {"ppe_van_capacity"}),
}
"""Each hard rule of the family: a battery scenario, and the checker's rule."""


@pytest.mark.parametrize("rule", BINDS)
def test_each_rule_is_what_binds(rule: str, broken_without: Callable[..., set[str]]):
    build, checked = BINDS[rule]
    assert checked <= broken_without(f"constraints.ppe.{rule}", build())


def test_a_missed_delivery_and_withdrawn_vans_are_shocks():
    base = empty_depot()
    missed = apply_shocks(
        base,
        [DeliveryMissed(kind="ppe_delivery_missed", date=dt.date.fromisoformat(day(3)))],
        random.Random(0),
        "missed",
        "test",
    )
    assert missed.ppe is not None and missed.ppe.deliveries == []
    no_vans = apply_shocks(
        base,
        [VansWithdrawn(kind="ppe_vans", days=Days(first=2), set=0)],
        random.Random(0),
        "no vans",
        "test",
    )
    assert no_vans.ppe is not None and no_vans.ppe.vans == [1, 0, 0, 0, 0]
    with pytest.raises(ScenarioError, match=r"shocks\[0\] \(ppe_delivery_missed\): no PPE"):
        apply_shocks(
            missed, [DeliveryMissed(kind="ppe_delivery_missed")], random.Random(0), "x", "test"
        )


def test_one_more_van_and_one_more_delivery_are_worth_something():
    settings = DIRECT.settings()
    vans = value_table(one_van_two_homes(), settings, [Resource("ppe", "vans")], 1)
    grown = vans[vans["step"] == 1].iloc[0]
    assert grown["value_per_unit"] > 0
    deliveries = value_table(empty_depot(), settings, [Resource("ppe", "deliveries")], 1)
    grown = deliveries[deliveries["step"] == 1].iloc[0]
    assert grown["value_per_unit"] > 0


def test_ppe_is_planned_once_apart_from_the_deployment():
    """The PPE rows share none with the deployment: planned on their own (to their
    optimum here) and held, a completion's LP is whole instead of fractional in the
    drops, which once left the example's dives worse than the greedy plan."""
    built = build_model(one_van_two_homes())
    terms = tier_terms(built.penalties, 1)
    deployment = built.staff.deployment()
    held = plan_apart(built.model, terms, deployment, 5.0).values
    assert held and {built.model.variables[v].rule.family for v in held} == {Family.PPE}
    completed = lp_completion(built.model, terms, {**held, **dict.fromkeys(deployment, 0)}, 5.0)
    assert completed is not None
    best = DIRECT.plan(one_van_two_homes()).summary.stages[0].objective
    assert terms_value(terms, completed) == best
