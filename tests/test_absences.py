"""Forecast absences: the positives a round of staff testing sends home, covered by the bank
like reported shortfalls but after them."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from cli.main import main
from constraints import rules
from constraints.build import build_model
from scenarios.absences import absence_rounds, forecast_shortfalls
from scenarios.load import dump_scenario
from scenarios.schema import Scenario
from scenarios.shocks import PositivityScale, apply_shocks
from scheduler.heuristics.greedy import greedy_staffing
from scheduler.pipeline.planner import plan_scenario
from scheduler.solve.settings import SolverSettings
from scheduler.validate import validate_plan
from tests.conftest import START, day, home, scenario, shortfall, solve, worker

FORECAST = {"outbreak_positivity": {"staff": 0.10}}
"""10 % of an outbreak home's staff expected positive per round, none elsewhere."""


def outbreak_home(staff: int = 40, **fields: Any) -> dict[str, Any]:
    """A confirmed outbreak since yesterday, staff overdue: one whole-home round due on day
    2, results (next day) on day 3."""
    return home(
        "a",
        staff=staff,
        outbreak={"status": "confirmed", "since": day(-1)},
        last_tested={"staff": day(-10), "residents": day(-1)},
        **fields,
    )


def forecast_scenario(staff: int = 40, **sections: Any) -> Scenario:
    sections.setdefault("workers", [worker("w1", last_negative_test=day(0))])
    return scenario(
        homes=[outbreak_home(staff)],
        policy={"absence_forecast": FORECAST},
        **sections,
    )


def test_a_round_at_an_outbreak_home_forecasts_its_expected_absent_shifts() -> None:
    s = forecast_scenario(staff=40)
    [r] = absence_rounds(s)
    assert (r.swab.isoformat(), r.result.isoformat(), r.positives) == (day(2), day(3), 4.0)
    forecast = forecast_shortfalls(s)
    # 4 positives x 5/7 shifts a day over days 3..6 (the horizon's end): 11.4 shifts.
    assert sum(n.forecast for n in forecast.values()) == 11
    assert {d for (_h, d, _s, _r) in forecast} == {
        START + dt.timedelta(days=i) for i in range(3, 7)
    }
    assert all("10% of 40 staff tested" in n.assumption for n in forecast.values())


def test_no_positivity_no_forecast() -> None:
    s = scenario(homes=[outbreak_home()], workers=[worker("w1")])
    assert forecast_shortfalls(s) == {}


@pytest.mark.parametrize(
    ("solver", "path"), [("cp-sat", "direct"), ("cbc", "direct"), ("cp-sat", "patterns")]
)
def test_a_bank_worker_covers_forecast_absences(solver: str, path: str) -> None:
    s = forecast_scenario()
    settings = SolverSettings(time_limit=10, workers=1, seed=0, solver=solver, path=path)
    plan = plan_scenario(s, settings)
    assert validate_plan(s, plan) == []
    forecast = [a for a in plan.shifts if a.source == "forecast"]
    assert forecast and all(a.home_id == "a" and a.date.isoformat() >= day(3) for a in forecast)
    assert all("10% of 40 staff" in a.reason for a in forecast)
    assert plan.summary.kpis["forecast_shifts_filled"] == len(forecast)
    if path == "patterns":
        assert plan.summary.path.startswith("whole schedules")
    left = [u for u in plan.unmet if u.kind == "shift"]
    assert left and all(u.source == "forecast" and "forecast" in u.detail for u in left)


def _one_day_worker() -> dict[str, Any]:
    """Available on day 3 only: one shift there, no more."""
    return worker("w1", availability=[{"from": day(3), "to": day(3)}], last_negative_test=day(0))


def test_the_reported_shortfall_comes_before_the_forecast_one() -> None:
    # 10 staff, 1 positive: forecast day shifts on days 3-5; the home reports a night on day 3.
    s = scenario(
        homes=[outbreak_home(staff=10, shortfalls=[shortfall(3, "night")])],
        workers=[_one_day_worker()],
        policy={"absence_forecast": FORECAST},
    )
    assert forecast_shortfalls(s)["a", START + dt.timedelta(days=3), "day", "carer"].forecast
    plan = solve(s)
    [a] = plan.shifts
    assert (a.date.isoformat(), a.shift, a.source) == (day(3), "night", "reported")
    built = build_model(s)
    [deployment] = greedy_staffing(built.ctx, built.staff).deployments.values()
    assert [s for s, _r, _v in deployment.shifts.values()] == ["night"]


@pytest.mark.parametrize(("weight", "share"), [(None, 0.5), (1.0, 1.0), (0.25, 0.25)])
def test_a_forecast_shift_costs_the_policy_weight_of_a_reported_one(
    weight: float | None, share: float
) -> None:
    forecast = FORECAST if weight is None else FORECAST | {"weight": weight}
    s = scenario(
        homes=[outbreak_home(staff=10, shortfalls=[shortfall(3, "night")])],
        workers=[_one_day_worker()],
        policy={"absence_forecast": forecast},
    )
    built = build_model(s)
    prices = {
        (p.rule, p.key[:2]): p.coef
        for p in built.penalties
        if p.tier == 1 and p.rule in (rules.SHORTFALL_COVER, rules.FORECAST_COVER)
    }
    at = ("a", START + dt.timedelta(days=3))
    reported = prices[rules.SHORTFALL_COVER, at]
    assert prices[rules.FORECAST_COVER, at] == int(reported * share)


def test_the_validator_catches_a_shift_beyond_reported_and_forecast_demand() -> None:
    s = forecast_scenario()
    plan = solve(s)
    key = ("a", START + dt.timedelta(days=3), "day", "carer")
    need = forecast_shortfalls(s)[key].forecast
    [covering] = [a for a in plan.shifts if (a.home_id, a.date, a.shift, a.role) == key][:1]
    extra = [covering.model_copy(update={"worker_id": f"x{i}"}) for i in range(need)]
    bad = plan.model_copy(update={"shifts": [*plan.shifts, *extra]})
    rules = {v.rule for v in validate_plan(s, bad)}
    assert "shortfall_cover" in rules


def test_a_positivity_shock_scales_the_forecast_and_the_plan() -> None:
    s = forecast_scenario(staff=20)
    shocked = apply_shocks(
        s, [PositivityScale(kind="positivity", scale=2.0)], random.Random(0), "x2", "test"
    )
    base = sum(n.forecast for n in forecast_shortfalls(s).values())
    double = sum(n.forecast for n in forecast_shortfalls(shocked).values())
    assert double == pytest.approx(2 * base, abs=1)
    assert shocked.policy.absence_forecast.outbreak_positivity is not None
    assert shocked.policy.absence_forecast.outbreak_positivity.staff == pytest.approx(0.2)


def test_the_tables_and_summary_show_forecast_apart(tmp_path: Path) -> None:
    s = forecast_scenario()
    path = tmp_path / "s.yaml"
    path.write_text(dump_scenario(s), encoding="utf-8")
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        main, ["plan", str(path), "--out", str(out), "--time-limit", "5", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "forecast absences" in result.output
    staff = pd.read_csv(out / "staff_roster.csv")
    assert set(staff["source"]) == {"forecast"}
    unmet = pd.read_csv(out / "unmet.csv")
    shifts = unmet[unmet["kind"] == "shift"]
    assert set(shifts["source"]) == {"forecast"}
    assert shifts["summary"].str.contains("forecast short").all()
    explained = CliRunner().invoke(main, ["explain", str(out), "--home", "a"])
    assert explained.exit_code == 0, explained.output
    assert "forecast absences: 10% of 40 staff tested" in explained.output


def test_a_positivity_above_one_is_bad_input_naming_the_field(tmp_path: Path) -> None:
    s = forecast_scenario()
    path = tmp_path / "s.yaml"
    text = dump_scenario(s).replace("staff: 0.1\n", "staff: 1.5\n")
    assert "staff: 1.5" in text
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "plan"
    result = CliRunner().invoke(main, ["plan", str(path), "--out", str(out)])
    assert result.exit_code == 2
    [line] = [x for x in result.output.splitlines() if "absence_forecast" in x]
    assert "s.yaml" in line and "outbreak_positivity" in line and "staff" in line
    assert not out.exists()
