"""Pins that cannot hold: exit 3 naming the pins and the rule they break, on every backend
and on the greedy path; a pin that names nothing known is bad input (exit 2)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from cli.main import main
from constraints.build import build_model
from scenarios.load import parse_scenario
from scenarios.schema import Scenario
from scheduler.heuristics.baseline import baseline_start, plan_baseline
from scheduler.plan import InfeasibleError
from scheduler.validate import validate_plan
from tests.conftest import (
    DEFAULT,
    EXAMPLES,
    START,
    Solver,
    day,
    home,
    scenario,
    shortfall,
    worker,
)

TINY = EXAMPLES / "tiny.yaml"


def _tiny(**pins: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(TINY.read_text())
    data["pins"] = pins
    return data


def _plan(tmp_path: Path, data: dict[str, Any], solver: Solver = DEFAULT) -> tuple[int, str, Path]:
    path = tmp_path / "pinned.yaml"
    path.write_text(yaml.safe_dump(data))
    out = tmp_path / "plan"
    args = ["plan", str(path), "--out", str(out), "--time-limit", "10", "--workers", "1"]
    result = CliRunner().invoke(main, [*args, *solver.cli()])
    return result.exit_code, result.output, out


def _named(output: str) -> set[str]:
    """The rule names of an infeasibility report (each `family_rule[key]`)."""
    return set(re.findall(r"[a-z_]+\[[^\]]*\]", output.split("minimal conflicting rules:")[1]))


def _nurse_short_at_h1(data: dict[str, Any]) -> dict[str, Any]:
    data["homes"][0]["shortfalls"] = [
        {"date": "2020-06-03", "shift": "night", "role": "nurse", "workers": 1}
    ]
    return data


W1_AT_TWO_HOMES = [
    {"worker": "w1", "home": "h2", "date": "2020-06-02", "shift": "night"},
    {"worker": "w1", "home": "h1", "date": "2020-06-03", "shift": "night"},
]


def test_a_worker_pinned_at_two_homes_names_both_pins_and_the_one_home_rule(
    tmp_path: Path, solver: Solver
) -> None:
    code, output, out = _plan(tmp_path, _nurse_short_at_h1(_tiny(workers=W1_AT_TWO_HOMES)), solver)
    assert code == 3, output
    named = _named(output)
    assert {
        "pin_worker[w1,h1,2020-06-03]",
        "pin_worker[w1,h2,2020-06-02]",
        "one_home[w1]",
    } <= named
    assert not out.exists()


@pytest.mark.parametrize(
    ("pins", "reason"),
    [
        # h1 is short of no one (the second pin at another home once made this an internal
        # KeyError: the greedy starting plan had no value for the pin's stand-in variable)
        ([W1_AT_TWO_HOMES[0], {**W1_AT_TWO_HOMES[0], "home": "h1"}], "short of no one"),
        # h2 is short of a nurse that night, and w3 is a carer
        ([{"worker": "w3", "home": "h2", "date": "2020-06-03", "shift": "night"}], "nurse"),
        # w2 works days only
        ([{"worker": "w2", "home": "h2", "date": "2020-06-04"}], "not available"),
        # w4 last worked at h1 on 20 May: h2 only after the 14-day window
        ([{"worker": "w4", "home": "h2", "date": "2020-06-02", "shift": "day"}], "2020-06-03"),
    ],
)
def test_a_pin_nothing_can_honour_is_named_with_its_reason(
    tmp_path: Path, solver: Solver, pins: list[dict[str, Any]], reason: str
) -> None:
    code, output, out = _plan(tmp_path, _tiny(workers=pins), solver)
    assert code == 3, output
    impossible = pins[-1]
    rule = f"pin_worker[{impossible['worker']},{impossible['home']},{impossible['date']}]"
    assert _named(output) == {rule}
    assert reason in output.split(f"{rule} (")[1].split(")")[0]
    assert not out.exists()


def test_check_catches_a_plan_doctored_to_break_a_pin(tmp_path: Path) -> None:
    pin = {"worker": "w1", "home": "h2", "date": "2020-06-02", "shift": "night"}
    code, output, out = _plan(tmp_path, _tiny(workers=[pin]))
    assert code == 0, output
    scenario = str(tmp_path / "pinned.yaml")
    assert CliRunner().invoke(main, ["check", scenario, str(out)]).exit_code == 0
    staff = pd.read_csv(out / "staff_roster.csv")
    pinned = (staff["worker_id"] == "w1") & (staff["date"] == "2020-06-02")
    assert pinned.sum() == 1
    staff[~pinned].to_csv(out / "staff_roster.csv", index=False)
    result = CliRunner().invoke(main, ["check", scenario, str(out)])
    assert result.exit_code == 1, result.output
    assert "pin_worker[w1,h2,2020-06-02]" in result.output


# ------------------------------------------------------------------ the greedy path


def _scenario(**pins: list[dict[str, Any]]) -> Scenario:
    return parse_scenario(_tiny(**pins), source="pinned.yaml")


def worker_pinned_to_the_calmer_home() -> Scenario:
    """w1 would go to b (higher risk); the pin holds w1 to a on day 0."""
    return scenario(
        homes=[
            home("a", shortfalls=[shortfall(0)]),
            home("b", shortfalls=[shortfall(0)], rag={"workforce": "red"}),
        ],
        workers=[worker("w1")],
        pins={"workers": [{"worker": "w1", "home": "a", "date": day(0)}]},
    )


def request_pinned_later_elsewhere() -> Scenario:
    """r1 could go to either facility from day 1; the pin holds it to the council's beds
    from day 3."""
    facilities = [
        {"id": "hotel", "kind": "care_hotel", "beds": 2, "accepts": ["residential"]},
        {"id": "council", "kind": "council_beds", "beds": 2, "accepts": ["residential"]},
    ]
    request = {"id": "r1", "from_home": "a", "need": "residential", "earliest": day(1)}
    return scenario(
        homes=[home("a")],
        isolation_facilities=facilities,
        isolation_requests=[request],
        pins={"requests": [{"request": "r1", "facility": "council", "admit": day(3)}]},
    )


def test_a_worker_pin_holds_against_the_risk_order(solver: Solver) -> None:
    plan = solver.plan(worker_pinned_to_the_calmer_home())
    assert [(x.worker_id, x.home_id) for x in plan.shifts] == [("w1", "a")]


def test_the_greedy_holds_a_worker_pin_against_the_risk_order() -> None:
    s = worker_pinned_to_the_calmer_home()
    plan = plan_baseline(s)
    assert [(x.worker_id, x.home_id) for x in plan.shifts] == [("w1", "a")]
    assert validate_plan(s, plan) == []


def test_a_request_pin_places_the_resident_where_pinned(solver: Solver) -> None:
    [placement] = solver.plan(request_pinned_later_elsewhere()).placements
    assert (placement.facility_id, placement.admit_date) == ("council", START + dt.timedelta(3))


BINDS: dict[str, tuple[Callable[[], Scenario], set[str]]] = {
    "add_worker_pins": (worker_pinned_to_the_calmer_home, {"pin_worker"}),
    "add_request_pins": (request_pinned_later_elsewhere, {"pin_request"}),
}
"""Each rule of the family: a battery scenario, and the checker's rule."""


@pytest.mark.parametrize("rule", BINDS)
def test_each_rule_is_what_binds(rule: str, broken_without: Callable[..., set[str]]):
    build, checked = BINDS[rule]
    assert checked <= broken_without(f"constraints.pins.{rule}", build())


def test_the_greedy_places_a_pinned_request_where_and_when_pinned() -> None:
    # unpinned, the greedy gives the hotel's two beds to r1 and r2 and leaves r3 out
    s = _scenario(requests=[{"request": "r3", "facility": "care-hotel", "admit": "2020-06-05"}])
    plan = plan_baseline(s)
    assert ("r3", "care-hotel", dt.date(2020, 6, 5)) in {
        (p.request_id, p.facility_id, p.admit_date) for p in plan.placements
    }
    assert validate_plan(s, plan) == []


def test_a_pin_leaves_the_optimiser_the_whole_greedy_plan_to_start_from() -> None:
    s = _scenario(workers=[{"worker": "w4", "home": "h2", "date": "2020-06-05"}])
    assert baseline_start(build_model(s))[1] is not None


def test_the_greedy_reports_conflicting_pins_as_infeasible() -> None:
    pins = [{**W1_AT_TWO_HOMES[0], "home": "h1"}, W1_AT_TWO_HOMES[1]]
    with pytest.raises(InfeasibleError) as caught:
        plan_baseline(_scenario(workers=pins))
    assert caught.value.rules == ["pin_worker[w1,h1,2020-06-02]"]
    three = [
        {"request": r, "facility": "care-hotel", "admit": "2020-06-03"} for r in ("r1", "r2", "r3")
    ]
    with pytest.raises(InfeasibleError) as caught:
        plan_baseline(_scenario(requests=three))
    assert {r for r in caught.value.rules if r.startswith("pin_")} == {
        f"pin_request[{r},care-hotel]" for r in ("r1", "r2", "r3")
    }


@pytest.mark.parametrize(
    "pins",
    [
        # the same worker, home and day twice, once on each shift: a contradiction in the file
        {"workers": [{**W1_AT_TWO_HOMES[0], "shift": "day"}, W1_AT_TWO_HOMES[0]]},
        # the same pin twice (once an internal error: a duplicate rule name)
        {"requests": [{"request": "r2", "facility": "care-hotel"}] * 2},
    ],
)
def test_a_second_pin_of_the_same_decision_is_bad_input(
    tmp_path: Path, pins: dict[str, list[dict[str, Any]]]
) -> None:
    code, output, out = _plan(tmp_path, _tiny(**pins))
    assert code == 2, output
    [line] = output.strip().splitlines()
    section = "workers" if "workers" in pins else "requests"
    assert line.startswith("pinned.yaml") and f"pins.{section}[1]" in line
    assert not out.exists()


@pytest.mark.parametrize(
    ("pin", "field"),
    [
        ({"worker": "w9", "home": "h2", "date": "2020-06-02"}, "pins.workers[0].worker"),
        ({"worker": "w1", "home": "r1", "date": "2020-06-02"}, "pins.workers[0].home"),
        ({"worker": "w1", "home": "h2", "date": "2020-06-08"}, "pins.workers[0].date"),
        ({"worker": "w1", "home": "h2", "date": "2020-06-02", "shift": "evening"}, "shift"),
    ],
)
def test_a_pin_naming_nothing_known_is_bad_input(
    tmp_path: Path, pin: dict[str, Any], field: str
) -> None:
    code, output, out = _plan(tmp_path, _tiny(workers=[pin]))
    assert code == 2, output
    [line] = output.strip().splitlines()
    assert line.startswith("pinned.yaml") and field in line
    assert not out.exists()
