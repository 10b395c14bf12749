"""Hard rules that cannot all hold: exit 3 and a minimal set of conflicting families."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import scheduler.planner
from cli.main import main
from scheduler.build import BuiltModel, build_model
from scheduler.diagnose import conflicting_families, feasible_with
from scheduler.model import Model
from scheduler.settings import SolverSettings
from tests.conftest import day, home, shortfall, worker


def test_deletion_filter_returns_exactly_the_conflicting_families() -> None:
    m = Model()
    x, y = m.boolean("x"), m.boolean("y")
    m.add_ge([(x, 1)], 1, name="need_x[1]", family="alpha")
    m.add_le([(x, 1), (y, 1)], 0, name="none[1]", family="beta")
    m.add_le([(y, 1)], 1, name="harmless[1]", family="gamma")
    m.add_ge([(y, 1)], 0, name="harmless[2]", family="delta")
    settings = SolverSettings(time_limit=5, workers=1)
    core = conflicting_families(m, settings, 5)
    assert core == ["alpha", "beta"]
    for dropped in core:  # minimal: without any member the rest is feasible
        rest = [f for f in m.families if f != dropped]
        assert feasible_with(m, rest, settings, 5) is True


def _pinned_to_two_homes(scenario):  # type: ignore[no-untyped-def]
    """The real model plus a hand-made pin of worker w1 at both homes on day 0."""
    built: BuiltModel = build_model(scenario)
    for (w, h, d, _s, _r), var in built.staff.shifts.items():
        if w == "w1" and d == 0:
            built.model.add_ge([(var, 1)], 1, name=f"pin[{w},{h}]", family="pins")
    return built


def test_conflicting_pins_exit_3_naming_the_families(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduler.planner, "build_model", _pinned_to_two_homes)
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
    assert "conflicting rule families: pins, staffing" in result.output
    assert not out.exists()
