"""`unmet.csv` is for the planner (the columns a filter needs and one plain sentence a
row); `unmet_detail.csv` holds the machine detail under the same row id; a plan folder
reads back whole either way, including one written before the two were split."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cli.main import main
from scenarios.load import load_scenario
from scheduler.extract.unmet_words import unmet_sentence
from scheduler.heuristics.baseline import plan_baseline
from scheduler.output.tables import PlanReadError, read_plan, write_plan
from scheduler.plan import Plan, UnmetNeed
from tests.conftest import EXAMPLES, day, home, scenario, shortfall, site, solve, worker


def test_the_example_unmet_table_is_one_short_sentence_a_row(tmp_path: Path) -> None:
    s = load_scenario(EXAMPLES / "plymouth-2020.yaml")
    plan = plan_baseline(s)
    write_plan(plan, s, tmp_path / "plan")
    path = tmp_path / "plan" / "unmet.csv"
    # Short rows: under 180 bytes each on average, header included.
    assert len(plan.unmet) > 400 and path.stat().st_size < 180 * len(plan.unmet)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    names = {h.id: h.name for h in s.homes}
    for row in table.itertuples():
        sentence = str(row.summary)
        assert sentence.endswith(".") and ". " not in sentence and "\n" not in sentence
        assert sentence.startswith(("isolation", str(row.amount)))
        assert not row.home_id or names[str(row.home_id)] in sentence
    detail = pd.read_csv(tmp_path / "plan" / "unmet_detail.csv", dtype=str)
    assert list(detail["id"]) == list(table["id"])
    assert read_plan(tmp_path / "plan").unmet == plan.unmet


def _small_plan() -> tuple[object, Plan]:
    s = scenario(
        days=3,
        homes=[home("a", shortfalls=[shortfall(0), shortfall(1)])],
        test_sites=[site(capacity=[5, 0, 0])],
        workers=[worker("w1", days=3, last_negative_test=day(-10))],
    )
    return s, solve(s, time_limit=5)


def test_a_plan_folder_written_before_the_split_reads_back_and_reports(tmp_path: Path) -> None:
    s, plan = _small_plan()
    assert plan.unmet
    folder = write_plan(plan, s, tmp_path / "plan")  # type: ignore[arg-type]
    old = pd.DataFrame([u.model_dump(mode="json") for u in plan.unmet])  # every field, no id
    old.to_csv(folder / "unmet.csv", index=False)
    (folder / "unmet_detail.csv").unlink()
    assert read_plan(folder).unmet == plan.unmet
    result = CliRunner().invoke(main, ["report", str(folder), "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output


def test_an_unmet_row_without_its_detail_row_is_named(tmp_path: Path) -> None:
    s, plan = _small_plan()
    folder = write_plan(plan, s, tmp_path / "plan")  # type: ignore[arg-type]
    detail = pd.read_csv(folder / "unmet_detail.csv", dtype=str)
    detail.iloc[1:].to_csv(folder / "unmet_detail.csv", index=False)
    with pytest.raises(PlanReadError) as err:
        read_plan(folder)
    assert "unmet.csv row 2" in str(err.value) and "unmet_detail.csv" in str(err.value)


def test_a_shift_no_one_can_be_tested_for_in_time_says_when_one_could_start() -> None:
    need = UnmetNeed(
        date=dt.date(2020, 6, 1),
        home_id="h012",
        kind="shift",
        detail="day shift, senior_carer",
        amount=2,
        cause_family="staffing",
        cause_resource="senior_carer",
        cause="",
        cause_rule="test_validity",
        cause_date=dt.date(2020, 6, 3),
        blocked="w1:test_validity@2020-06-03 w2:one_home@h001",
    )
    sentence = unmet_sentence(need, "Oakview")
    assert sentence.startswith("2 senior carer day shifts short at Oakview on 1 Jun")
    assert "1 of 2 available senior carers" in sentence and "3 Jun" in sentence
    assert "agency or NHS" in sentence


def test_a_ppe_need_no_rule_binds_is_said_in_plain_words() -> None:
    need = UnmetNeed(
        date=dt.date(2020, 6, 2),
        home_id="h012",
        kind="ppe_cover",
        detail="2 of 7 days' cover short",
        amount=2,
        cause_family="ppe",
        cause_resource="masks",
        cause="a drop of masks on 2020-06-02 was possible: left by the search",
        cause_rule="solver",
    )
    sentence = unmet_sentence(need, "Oakview")
    assert sentence.startswith("2 days of PPE cover short at Oakview on 2 Jun: possible but")
    assert "solver" not in sentence and "," not in sentence
