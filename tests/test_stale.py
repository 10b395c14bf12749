"""Late figures: a home whose report is older than the policy allows scores a stale-data
part, shown in risk.csv, and is flagged with its age in the brief and by `explain`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from scenarios.load import dump_scenario
from scenarios.risk import RiskTable
from scenarios.schema import RiskWeights, Scenario
from scheduler.output.tables import BRIEF, RISK, STAFF
from tests.conftest import START, day, home, scenario, shortfall, worker

STALE_POINTS = RiskWeights().stale_data


def _two_homes(stale: str, **policy: object) -> Scenario:
    """Two homes alike in everything but `stale`'s report, three days old; each is one
    carer short on the first day, and the one bank worker can serve only one of them."""
    return scenario(
        days=2,
        homes=[
            home(h, shortfalls=[shortfall(0)], **({"reported": day(-3)} if h == stale else {}))
            for h in ("a", "b")
        ],
        workers=[worker("w1", days=2)],
        policy=policy,
    )


def test_a_stale_home_scores_the_stale_part_and_a_fresh_one_does_not() -> None:
    table = RiskTable(_two_homes(stale="b"))
    a, b = (next(r for r in table.rows if r.home_id == h and r.date == START) for h in "ab")
    assert STALE_POINTS > 0  # unknown is not safe: the default raises a stale home
    assert (a.stale_data, b.stale_data) == (0, STALE_POINTS)
    assert b.score == a.score + STALE_POINTS


@pytest.mark.parametrize(
    ("reported", "policy", "points"),
    [
        (day(-1), {}, 0),  # yesterday's report is fresh by default
        (day(-2), {}, STALE_POINTS),
        (day(-1), {"stale_after_days": 0}, STALE_POINTS),
        (day(-3), {"stale_after_days": 3}, 0),
        (day(-3), {"risk_weights": {"stale_data": 9}}, 9),
    ],
)
def test_the_policy_says_how_long_a_report_stays_fresh_and_what_stale_counts(
    reported: str, policy: dict[str, object], points: int
) -> None:
    s = scenario(homes=[home("a", reported=reported)], policy=policy)
    assert RiskTable(s).rows[0].stale_data == points


@pytest.fixture(scope="module", params=["a", "b"])
def planned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plan folder of the two homes with `a` or `b` stale, so neither id wins a tie."""
    folder = tmp_path_factory.mktemp(f"stale-{request.param}")
    path = folder / "two.yaml"
    path.write_text(dump_scenario(_two_homes(stale=request.param)))
    out = folder / "plan"
    result = CliRunner().invoke(main, ["plan", str(path), "--out", str(out), "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    return out


def _stale_id(plan: Path) -> str:
    return plan.parent.name.split("-")[1].rstrip("0123456789")


def test_the_stale_home_outranks_its_fresh_twin_and_risk_csv_shows_why(planned: Path) -> None:
    stale = _stale_id(planned)
    with (planned / RISK).open(encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["date"] == day(0)]
    parts = {r["home_id"]: int(r["stale_data"]) for r in rows}
    assert parts == {h: STALE_POINTS if h == stale else 0 for h in "ab"}
    with (planned / STAFF).open(encoding="utf-8-sig") as f:
        [shift] = list(csv.DictReader(f))
    assert shift["home_id"] == stale


def test_the_brief_flags_the_stale_home_with_its_age(planned: Path) -> None:
    text = (planned / BRIEF).read_text(encoding="utf-8")
    assert text.count("data 3 days old") == 1
    assert f"Home {_stale_id(planned)}\ndata 3 days old" in text


def test_explain_shows_the_age_of_a_stale_homes_data_only(planned: Path) -> None:
    stale = _stale_id(planned)
    fresh = "b" if stale == "a" else "a"

    def explain(home_id: str, *extra: str) -> str:
        result = CliRunner().invoke(main, ["explain", str(planned), "--home", home_id, *extra])
        assert result.exit_code == 0, result.output
        return result.output

    assert "data 3 days old (reported " + day(-3) in explain(stale)
    assert "days old" not in explain(fresh)
    assert json.loads(explain(stale, "--json"))["home"]["data_days_old"] == 3
