"""`carehome value`: a resource with slack is worth nothing more, the binding one is,
both by re-planning and by the LP relaxation's duals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from cli.main import main
from scenarios.load import dump_scenario
from scenarios.schema import Scenario
from scheduler.analysis.value import Resource, changed, find_resource, value_table
from scheduler.solve.settings import SolverSettings
from tests.conftest import day, home, scenario, site


def _two_sites() -> Scenario:
    """Staff (20, due by day 1) can only go to `staffsite` (5 a day): binding. Residents
    (10, never tested) go to `ressite` (50 a day): slack."""
    return scenario(
        days=3,
        homes=[home("a", staff=20, last_tested={"staff": day(-6)})],
        test_sites=[
            site("staffsite", capacity=5, cohorts=["staff"]),
            site("ressite", capacity=50, cohorts=["residents"]),
        ],
    )


def test_marginal_value_is_zero_with_slack_and_positive_where_binding() -> None:
    s = _two_sites()
    chosen = [Resource("site", "staffsite"), Resource("site", "ressite")]
    table = value_table(s, SolverSettings(time_limit=2, workers=1), chosen, step=5)
    rows = {(r.resource, r.step): r for r in table.itertuples()}
    assert rows["site:ressite", 5].d_objective == 0
    assert rows["site:ressite", 5].dual_value_per_unit == 0
    assert rows["site:staffsite", 5].value_per_unit > 0
    assert rows["site:staffsite", 5].d_risk_weighted_coverage_pct > 0
    # the LP's estimate agrees: 3 open days x 5 more tests each, all used
    assert rows["site:staffsite", 5].dual_value_per_unit > 0
    assert rows["site:staffsite", 5].dual_d_objective == rows["site:staffsite", 5].d_objective
    assert rows["site:staffsite", -5].d_objective > 0  # less capacity costs
    assert table.iloc[0].resource == "site:staffsite"  # sorted by value per unit


def test_resources_change_by_the_step_and_never_below_zero() -> None:
    s = _two_sites()
    grown = changed(s, find_resource(s, "staffsite"), 10)
    assert [t.capacity for t in grown.test_sites] == [[15, 15, 15], 50]
    shrunk = changed(s, find_resource(s, "site:staffsite"), -10)
    assert shrunk.test_sites[0].capacity == [0, 0, 0]


def test_value_command_prints_and_writes_the_table(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(dump_scenario(_two_sites()))
    out = tmp_path / "value.csv"
    args = ["value", str(path), "--resource", "staffsite", "--step", "5", "--time-limit", "1"]
    result = CliRunner().invoke(main, [*args, "--jobs", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "site:staffsite" in result.output
    assert list(pd.read_csv(out)["step"]) == [5, -5]
    bad = CliRunner().invoke(main, ["value", str(path), "--resource", "nowhere"])
    assert bad.exit_code == 2 and "unknown resource 'nowhere'" in bad.output
