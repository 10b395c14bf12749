"""Hard rules that cannot all hold: exit 3 and a minimal set of conflicting rules, each
named with its key; minimal means removing any member leaves a feasible set."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import scheduler.pipeline.planner
from cli.main import main
from constraints.build import BuiltModel, build_model
from constraints.model import Model
from constraints.rules import Family
from scheduler.solve.diagnose import (
    conflicting_families,
    conflicting_rules,
    feasible_rules,
    feasible_with,
)
from scheduler.solve.settings import SolverSettings
from tests.conftest import day, home, rule, shortfall, worker


def test_deletion_filter_returns_exactly_the_conflicting_families() -> None:
    m = Model()
    x, y = m.boolean(rule("x")), m.boolean(rule("y"))
    m.add_ge([(x, 1)], 1, rule=rule("need_x", Family.ISOLATION), key=("1",))
    m.add_le([(x, 1), (y, 1)], 0, rule=rule("none", Family.PINS), key=("1",))
    m.add_le([(y, 1)], 1, rule=rule("harmless", Family.STAFFING), key=("1",))
    m.add_ge([(y, 1)], 0, rule=rule("harmless", Family.TESTING), key=("2",))
    settings = SolverSettings(time_limit=5, workers=1)
    core = conflicting_families(m, settings, 5)
    assert core == ["isolation", "pins"]
    for dropped in core:  # minimal: without any member the rest is feasible
        rest = [f for f in m.families if f != dropped]
        assert feasible_with(m, rest, settings, 5) is True


def _pinned_to_two_homes(scenario):  # type: ignore[no-untyped-def]
    """The real model plus a hand-made pin of worker w1 at both homes on day 0."""
    built: BuiltModel = build_model(scenario)
    for (w, h, d, _s, _r), var in built.staff.shifts.items():
        if w == "w1" and d == 0:
            built.model.add_ge([(var, 1)], 1, rule=rule("pin", Family.PINS), key=(w, h))
    return built


def test_conflicting_pins_exit_3_naming_the_families(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduler.pipeline.planner, "build_model", _pinned_to_two_homes)
    data = {
        "horizon": {"start": day(0), "days": 3},
        "homes": [
            home("a", shortfalls=[shortfall(0)]),
            home("b", shortfalls=[shortfall(0, "night")]),
        ],
        "test_sites": [{"id": "local", "kind": "local_site", "capacity": 50, "cohorts": ["staff"]}],
        "workers": [worker("w1", days=3)],
    }
    path = tmp_path / "pinned.yaml"
    path.write_text(yaml.safe_dump(data))
    out = tmp_path / "plan"
    result = CliRunner().invoke(main, ["plan", str(path), "--out", str(out), "--time-limit", "5"])
    assert result.exit_code == 3, result.output
    assert "minimal conflicting rules: " in result.output
    named = result.output.split("minimal conflicting rules: ")[1].strip().split(", ")
    # both pins are in every conflict; the rule they break is one of the staffing rules
    assert {"pin[w1,a]", "pin[w1,b]"} <= set(named)
    assert set(named) - {"pin[w1,a]", "pin[w1,b]"} <= {
        "one_home[w1]",
        "worked_day[w1,2020-06-01]",
        "shift_at_placed_home[w1,a,2020-06-01]",
        "shift_at_placed_home[w1,b,2020-06-01]",
    }
    assert not out.exists()


SETTINGS = SolverSettings(time_limit=5, workers=1)


def _assert_minimal_conflict(m: Model, names: list[str]) -> None:
    """The named rules cannot all hold, and without any one of them the rest can."""
    chosen = [c for c in m.constraints if c.name in set(names)]
    assert len(chosen) == len(names)
    assert feasible_rules(m, chosen, SETTINGS, 5) is False
    for dropped in chosen:
        assert feasible_rules(m, [c for c in chosen if c is not dropped], SETTINGS, 5) is True


def test_demand_beyond_capacity_with_no_slack_reports_exactly_the_pair() -> None:
    # 3 sites x 2 days of capacity 10; one home's demand of 25 on day 2 at site "b" alone
    # has no slack variable: exactly capacity b on day 2 and that demand conflict.
    m = Model()
    tests = {
        (s, d): m.integer(0, 30, rule("tests"), ("h1", s, str(d)))
        for s in ("a", "b", "c")
        for d in (1, 2)
    }
    for (s, d), var in tests.items():
        m.add_le([(var, 1)], 10, rule=rule("site_capacity"), key=(s, f"2020-06-0{d}"))
    cover = rule("cover", Family.ISOLATION)
    m.add_ge([(tests["a", 1], 1), (tests["c", 2], 1)], 15, rule=cover, key=("h1", "ac"))
    m.add_ge([(tests["b", 2], 1)], 25, rule=cover, key=("h1", "b"))
    m.add_le([(tests["c", 1], 1)], 5, rule=rule("cohort_size"), key=("h1", "c"))
    names = conflicting_rules(m, SETTINGS, 5)
    assert names == ["cover[h1,b]", "site_capacity[b,2020-06-02]"]
    _assert_minimal_conflict(m, names)


def test_the_core_is_shrunk_to_a_minimal_set_among_many_rules() -> None:
    # a chain x0 <= x1 <= ... <= x9 with x0 >= 5 and x9 <= 3: every link is needed; plus
    # 30 rules that hold anyway, all in the same family as the conflict.
    m = Model()
    xs = [m.integer(0, 9, rule(f"x{i}")) for i in range(10)]
    for i in range(9):
        m.add_le([(xs[i], 1), (xs[i + 1], -1)], 0, rule=rule("link"), key=(str(i),))
    m.add_ge([(xs[0], 1)], 5, rule=rule("low"), key=("0",))
    m.add_le([(xs[9], 1)], 3, rule=rule("high"), key=("9",))
    for i in range(30):
        m.add_le([(xs[i % 10], 1)], 9, rule=rule("loose"), key=(str(i),))
    names = conflicting_rules(m, SETTINGS, 5)
    assert set(names) == {f"link[{i}]" for i in range(9)} | {"low[0]", "high[9]"}
    _assert_minimal_conflict(m, names)


def test_pinned_admission_into_a_full_facility_names_the_bed_day() -> None:
    data = {
        "horizon": {"start": day(0), "days": 3},
        "homes": [home("a")],
        "test_sites": [
            {"id": "local", "kind": "local_site", "capacity": 50, "cohorts": ["admissions"]}
        ],
        "isolation_facilities": [
            {"id": "hotel", "kind": "care_hotel", "beds": 1, "accepts": ["residential"]}
        ],
        "isolation_requests": [
            {"id": f"r{i}", "from_home": "a", "need": "residential", "earliest": day(0)}
            for i in (1, 2)
        ],
    }
    from scenarios.load import parse_scenario

    built = build_model(parse_scenario(data, source="test.yaml"))
    for (r, _f, d), var in built.beds.admit.items():
        if d == 0:
            built.model.add_ge([(var, 1)], 1, rule=rule("pin_admit", Family.PINS), key=(r,))
    names = conflicting_rules(built.model, SETTINGS, 5)
    assert names == ["bed_occupancy[hotel,2020-06-01]", "pin_admit[r1]", "pin_admit[r2]"]
    _assert_minimal_conflict(built.model, names)
