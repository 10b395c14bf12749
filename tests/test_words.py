"""Printed counts agree in number: one helper for every printer."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main
from cli.report import summary_text
from scenarios.load import load_scenario
from scenarios.words import count
from scheduler.pipeline.planner import plan_scenario
from scheduler.solve.settings import SolverSettings
from tests.conftest import EXAMPLES, day, home, scenario, shortfall, site, solve, worker


def test_count_says_one_and_many() -> None:
    assert count(1, "test site") == "1 test site"
    assert count(2, "test site") == "2 test sites"
    assert count(1.0, "facility") == "1 facility"
    assert count(0, "facility") == "0 facilities"
    assert count(3, "day") == "3 days"


def test_the_validate_command_counts_one_site_in_the_singular() -> None:
    result = CliRunner().invoke(main, ["validate", str(EXAMPLES / "tiny.yaml")])
    assert result.exit_code == 0, result.output
    assert "1 test site," in result.output and "1 test sites" not in result.output


def test_the_plan_summary_counts_one_shift_by_one_worker_in_the_singular() -> None:
    s = scenario(homes=[home("a", shortfalls=[shortfall(0)])], workers=[worker("w1")])
    plan = solve(s)
    text = summary_text(s, plan, EXAMPLES)
    assert "1 / 1 by 1 worker\n" in text or "1 / 1 by 1 worker " in text
    assert "1 shift," in text and "1 shifts" not in text and "1 workers" not in text


def _tiny_summary(monkeypatch: pytest.MonkeyPatch, lp: float | None, asked: bool) -> str:
    """The tiny example's printed summary, the LP relaxation's answer replaced by `lp`."""
    import scheduler.solve.tiers

    monkeypatch.setattr(scheduler.solve.tiers, "lp_relaxation_bound", lambda *_a, **_k: lp)
    s = load_scenario(EXAMPLES / "tiny.yaml")
    settings = SolverSettings(time_limit=2, workers=1, lp_bound=asked)
    return summary_text(s, plan_scenario(s, settings), EXAMPLES)


def test_an_lp_bound_asked_for_and_not_reached_is_reported_as_such(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _tiny_summary(monkeypatch, None, asked=True)
    assert "--lp-bound proves" not in text
    assert "no LP bound" in text and "time limit" in text


def test_an_lp_bound_obtained_is_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _tiny_summary(monkeypatch, 1.0, asked=True)
    assert "LP relaxation bound 1" in text


def test_the_plan_summary_counts_placed_and_never_placed_requests_apart() -> None:
    facility = {"id": "hotel", "kind": "care_hotel", "beds": 1, "accepts": ["residential"]}
    requests = [
        {"id": f"r{i}", "from_home": "a", "need": "residential", "earliest": day(0), "stay_days": 7}
        for i in (1, 2)
    ]
    s = scenario(homes=[home("a")], isolation_facilities=[facility], isolation_requests=requests)
    text = summary_text(s, solve(s), EXAMPLES)
    [line] = [x for x in text.splitlines() if "isolation mean wait" in x]
    assert "1 placed" in line and "1 never placed" in line


def test_a_cause_asks_for_one_test_in_the_singular() -> None:
    s = scenario(
        days=3,
        homes=[home("a", staff=1, residents=0, last_tested={"staff": day(-7)})],
        test_sites=[site(capacity=[0, 0, 0])],
    )
    [unmet] = solve(s).unmet
    assert unmet.remedy.startswith("+1 test at") and "1 tests" not in unmet.remedy


def test_the_summary_says_a_proven_optimum_in_words() -> None:
    s = load_scenario(EXAMPLES / "tiny.yaml")
    text = summary_text(s, plan_scenario(s, SolverSettings(time_limit=5, workers=1)), EXAMPLES)
    assert "the best possible plan for unmet need (proven)" in text


def test_the_summary_says_how_far_from_the_best_the_bound_allows() -> None:
    """Best possible >= bound, so this plan's unmet need is at most (objective - bound) /
    bound above the best: said as a percentage, naming who proved the bound."""
    s = load_scenario(EXAMPLES / "tiny.yaml")
    plan = plan_scenario(s, SolverSettings(time_limit=2, workers=1))
    proven = {"status": "FEASIBLE", "best_bound": 4_000.0, "bound_source": "lp-relaxation"}
    tier1 = plan.summary.stages[0].model_copy(update=proven)
    summary = plan.summary.model_copy(update={"stages": [tier1]})
    text = summary_text(s, plan.model_copy(update={"summary": summary}), EXAMPLES)
    excess = 100 * (tier1.objective - 4_000) / 4_000
    assert f"at most {excess:,.1f} % more risk-weighted unmet need" in text
    assert "(proven by the LP relaxation)" in text


def test_a_bound_of_nothing_is_not_printed_as_a_gap() -> None:
    s = load_scenario(EXAMPLES / "tiny.yaml")
    plan = plan_scenario(s, SolverSettings(time_limit=2, workers=1))
    tiers = [
        x.model_copy(update={"status": "FEASIBLE", "best_bound": 0.0}) for x in plan.summary.stages
    ]
    summary = plan.summary.model_copy(update={"stages": tiers, "best_bound": 0.0, "gap": 1.0})
    text = summary_text(s, plan.model_copy(update={"summary": summary}), EXAMPLES)
    assert "gap 100" not in text and "no bound" in text
    assert "not proven (no bound found)" in text
