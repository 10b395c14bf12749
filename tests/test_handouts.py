"""The hand-outs: worker rosters, site lists and home sheets, the deployment grid, and the
files `carehome plan` says it wrote.

Exact expectations come from a plan written by hand (no solver) on a scenario built with
the conftest helpers; the Plymouth example is planned once, end to end, to check the same
properties on a real plan.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli.main import main
from scenarios.risk import RiskParts
from scenarios.schema import Cohort, Role, Scenario, Shift
from scheduler.extract.unmet_words import unmet_reason, unmet_remedy
from scheduler.output.handouts import home_sheets, site_lists, worker_rosters
from scheduler.output.tables import CHANGES, HANDOUTS, PLAN_FILES, write_plan
from scheduler.output.workbook import write_workbook
from scheduler.plan import (
    Plan,
)
from tests.conftest import EXAMPLES, day, home, scenario, site, worker
from tests.plans import booking, shift, shift_gap, stay
from tests.plans import d as _d
from tests.plans import plan as hand_plan

PLYMOUTH = EXAMPLES / "plymouth-2020.yaml"


@pytest.fixture(scope="module")
def hand() -> tuple[Scenario, Plan]:
    """Two homes (one with contact details), a named site and an unnamed one, a worker
    who needs a test and one who does not, a resident from a home and one from hospital."""
    s = scenario(
        days=3,
        homes=[
            home("h1", name="Rowan House", address="1 Example Street", report_to="Duty, 0"),
            home("h2", name="Ash Court"),
        ],
        test_sites=[
            site("local", name="Local site", address="Example Way", hours="08:00-12:00"),
            site("mobile"),
        ],
        workers=[
            worker("w1", days=3, name="Pat Example", phone="07700 900 001"),
            worker("w2", days=3, name="Alex Sample"),
        ],
        isolation_facilities=[
            {"id": "hotel", "name": "Care hotel", "kind": "care_hotel", "beds": 2}
            | {"accepts": ["residential"]}
        ],
        isolation_requests=[
            {"id": "r1", "from_home": "h1", "need": "residential", "earliest": day(1)},
            {"id": "r2", "from_hospital": "City Hospital", "need": "residential"}
            | {"earliest": day(1)},
        ],
    )
    plan = hand_plan(
        testing=[
            booking(0, Cohort.STAFF, 5, home_id="h2"),
            booking(0, Cohort.ADMISSIONS, request_id="r2"),
            booking(0, Cohort.ADMISSIONS, request_id="r1"),
            booking(0, Cohort.STAFF, worker_id="w1"),
            booking(0, Cohort.RESIDENTS, 3, home_id="h1"),
            booking(1, Cohort.STAFF, 2, site="mobile", home_id="h2"),
        ],
        shifts=[
            shift(2, "w1", "h1", Shift.NIGHT),
            shift(1, "w1", "h1"),
            shift(0, "w2", "h2", role=Role.NURSE),
        ],
        placements=[stay("r1", 1, 15, reason="cannot isolate")],
        unmet=[
            shift_gap(
                1,
                "h2",
                amount=2,
                cause_rule="one_home",
                cause="all 1 available carer unusable: w9 placed at another home (one home...)",
                blocked="w9:one_home@h1",
                remedy="one more carer available for the day shift",
            )
        ],
        risk=[
            RiskParts(home_id=h, date=_d(n), score=score)
            for h, score in (("h1", 50), ("h2", 20))
            for n in range(3)
        ],
    )
    return s, plan


def _records(frame: pd.DataFrame, columns: list[str]) -> list[tuple[object, ...]]:
    return list(frame[columns].itertuples(index=False, name=None))


def test_schema_documents_the_optional_contact_fields() -> None:
    result = CliRunner().invoke(main, ["schema"])
    models = json.loads(result.output)["$defs"]
    for model, fields in {
        "Home": ["address", "report_to"],
        "TestSite": ["address", "hours"],
        "Worker": ["phone"],
    }.items():
        for field in fields:
            spec = models[model]["properties"][field]
            assert spec["default"] == "" and spec["description"], (model, field)
            assert field not in models[model].get("required", []), (model, field)


# --------------------------------------------------------------------------- worker rosters


def test_worker_rosters_carry_where_to_go_whom_to_report_to_and_the_test(
    hand: tuple[Scenario, Plan],
) -> None:
    s, plan = hand
    roster = worker_rosters(plan, s)
    assert _records(roster, ["worker_name", "date", "shift", "home_name"]) == [
        ("Alex Sample", day(0), "day", "Ash Court"),
        ("Pat Example", day(1), "day", "Rowan House"),
        ("Pat Example", day(2), "night", "Rowan House"),
    ]
    pat = roster[roster["worker_id"] == "w1"]
    assert set(pat["home_address"]) == {"1 Example Street"}
    assert set(pat["report_to"]) == {"Duty, 0"}
    assert set(pat["phone"]) == {"07700 900 001"}
    # The test is on every row of the worker, not only the first.
    test = ["test_site", "test_site_address", "test_date", "test_hours"]
    assert set(_records(pat, test)) == {("Local site", "Example Way", day(0), "08:00-12:00")}
    alex = roster[roster["worker_id"] == "w2"].iloc[0]
    assert [alex[c] for c in [*test, "phone", "home_address"]] == [""] * 6
    assert alex["locality"] == "central"


# --------------------------------------------------------------------------- site lists


def test_site_lists_are_in_arrival_order_with_the_home_of_every_booking(
    hand: tuple[Scenario, Plan],
) -> None:
    s, plan = hand
    lists = site_lists(plan, s)
    assert _records(
        lists, ["site_name", "date", "arrival", "home_name", "cohort", "swabs", "risk"]
    ) == [
        # Riskiest home first, its own cohort before the worker and resident it sends.
        ("Local site", day(0), 1, "Rowan House", "residents", 3, 50),
        ("Local site", day(0), 2, "Rowan House", "staff", 1, 50),
        ("Local site", day(0), 3, "Rowan House", "admissions", 1, 50),
        ("Local site", day(0), 4, "Ash Court", "staff", 5, 20),
        ("Local site", day(0), 5, "City Hospital", "admissions", 1, 0),
        ("mobile", day(1), 1, "Ash Court", "staff", 2, 20),
    ]
    assert _records(lists, ["worker_id", "worker_name", "request_id"])[1:5] == [
        ("w1", "Pat Example", ""),
        ("", "", "r1"),
        ("", "", ""),
        ("", "", "r2"),
    ]
    assert set(lists["hours"]) == {"08:00-12:00", ""}


# --------------------------------------------------------------------------- home sheets


def test_home_sheets_say_who_comes_who_is_tested_who_moves_and_what_is_unmet(
    hand: tuple[Scenario, Plan],
) -> None:
    s, plan = hand
    sheets = home_sheets(plan, s)
    columns = ["home_name", "date", "item", "shift", "worker_name", "cohort", "resident"]
    assert _records(sheets, [*columns, "amount", "place"]) == [
        ("Ash Court", day(0), "worker", "day", "Alex Sample", "", "", 1, ""),
        ("Ash Court", day(0), "test", "", "", "staff", "", 5, "Local site"),
        ("Ash Court", day(1), "test", "", "", "staff", "", 2, "mobile"),
        ("Ash Court", day(1), "unmet", "", "", "", "", 2, ""),
        ("Rowan House", day(0), "test", "", "", "admissions", "r1", 1, "Local site"),
        ("Rowan House", day(0), "test", "", "", "residents", "", 3, "Local site"),
        ("Rowan House", day(1), "worker", "day", "Pat Example", "", "", 1, ""),
        ("Rowan House", day(1), "isolation", "", "", "", "r1", 1, "Care hotel"),
        ("Rowan House", day(2), "worker", "night", "Pat Example", "", "", 1, ""),
    ]
    unmet = sheets[sheets["item"] == "unmet"].iloc[0]
    assert "day shift, carer" in unmet["detail"]
    # The home manager reads the plain reason and fix, not the cause finder's long text.
    (need,) = plan.unmet
    assert (unmet["reason"], unmet["remedy"]) == (unmet_reason(need), unmet_remedy(need))
    assert "placed elsewhere" in unmet["reason"] and "one home..." not in unmet["reason"]
    assert unmet["remedy"] == "one more carer"
    isolation = sheets[sheets["item"] == "isolation"].iloc[0]
    assert day(15) in isolation["detail"]


def test_handouts_keep_personal_data_to_their_reader(
    hand: tuple[Scenario, Plan], tmp_path: Path
) -> None:
    """A worker's phone is on their own roster rows only; no site list or home sheet has
    it, nor a column for it."""
    s, plan = hand
    folder = write_plan(plan, s, tmp_path / "plan")
    for name in HANDOUTS:
        text = (folder / name).read_text(encoding="utf-8")
        assert ("07700 900 001" in text) == (name == "worker_rosters.csv"), name
    roster = worker_rosters(plan, s)
    assert set(roster.loc[roster["phone"] != "", "worker_id"]) == {"w1"}


def test_handouts_do_not_depend_on_the_order_of_the_plans_rows(
    hand: tuple[Scenario, Plan],
) -> None:
    s, plan = hand
    reversed_plan = plan.model_copy(
        update={
            attr: list(reversed(getattr(plan, attr)))
            for attr in ("testing", "shifts", "placements", "unmet", "risk")
        }
    )
    for name, build in HANDOUTS.items():
        assert build(plan, s).equals(build(reversed_plan, s)), name


# --------------------------------------------------------------------------- workbook


def test_deployment_grid_colours_one_cell_per_shift_by_home(
    hand: tuple[Scenario, Plan], tmp_path: Path
) -> None:
    s, plan = hand
    book = load_workbook(write_workbook(plan, s, tmp_path / "plan.xlsx"))
    ws = book["Deployment grid"]
    dates = [dt.datetime.combine(_d(i), dt.time()) for i in range(3)]
    assert list(ws.iter_rows(values_only=True)) == [
        ("worker_id", "worker_name", *dates, "shifts"),
        ("w2", "Alex Sample", "day Ash Court", None, None, 1),
        ("w1", "Pat Example", None, "day Rowan House", "night Rowan House", 2),
    ]
    fills = {
        (cell.row, cell.column): cell.fill.fgColor.rgb
        for row in ws.iter_rows(min_row=2, min_col=3, max_col=5)
        for cell in row
        if cell.fill.fill_type == "solid"
    }
    assert sorted(fills) == [(2, 3), (3, 4), (3, 5)]
    assert fills[(3, 4)] == fills[(3, 5)] != fills[(2, 3)]
    again = load_workbook(write_workbook(plan, s, tmp_path / "again.xlsx"))["Deployment grid"]
    assert again["C2"].fill.fgColor.rgb == fills[(2, 3)]
    for title in ("Worker rosters", "Site lists", "Home sheets"):
        assert title in book.sheetnames


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def plymouth(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """The example planned once with the workbook, as the README's first command does."""
    folder = tmp_path_factory.mktemp("plymouth")
    out, xlsx = folder / "plan", folder / "plan.xlsx"
    args = ["plan", str(PLYMOUTH), "--out", str(out), "--xlsx", str(xlsx), "--time-limit", "3"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out, xlsx, result.output.splitlines()


@pytest.mark.slow
def test_plan_lists_every_file_it_wrote(plymouth: tuple[Path, Path, list[str]]) -> None:
    out, xlsx, lines = plymouth
    start = next(i for i, line in enumerate(lines) if line.startswith("files written"))
    listed = {Path(line.strip()) for line in lines[start + 1 :]}
    assert listed == {*out.iterdir(), xlsx}
    assert {p.name for p in out.iterdir()} == PLAN_FILES - {CHANGES}


@pytest.mark.slow
def test_every_deployed_worker_knows_where_whom_and_their_test(
    plymouth: tuple[Path, Path, list[str]],
) -> None:
    out, _xlsx, _lines = plymouth
    roster = pd.read_csv(out / "worker_rosters.csv", dtype=str, keep_default_na=False)
    staff = pd.read_csv(out / "staff_roster.csv", dtype=str, keep_default_na=False)
    testing = pd.read_csv(out / "testing_roster.csv", dtype=str, keep_default_na=False)
    assert len(roster) == len(staff) > 0
    assert set(roster["worker_id"]) == set(staff["worker_id"])
    for column in ("home_name", "home_address", "report_to", "phone"):
        assert (roster[column] != "").all(), column
    tested = testing[testing["worker_id"] != ""].set_index("worker_id")
    assert len(tested) > 0
    for worker_id, rows in roster.groupby("worker_id"):
        if worker_id in tested.index:
            booking = tested.loc[worker_id]
            assert set(rows["test_date"]) == {booking["date"]}, worker_id
            assert (rows["test_site"] != "").all() and (rows["test_site_address"] != "").all()
            assert rows["date"].min() > booking["date"], worker_id
        else:
            assert set(rows["test_date"]) == {""}, worker_id
    keys = list(zip(roster["worker_name"], roster["worker_id"], roster["date"], strict=True))
    assert keys == sorted(keys)


@pytest.mark.slow
def test_every_site_list_is_in_arrival_order_with_home_names(
    plymouth: tuple[Path, Path, list[str]],
) -> None:
    out, _xlsx, _lines = plymouth
    lists = pd.read_csv(out / "site_lists.csv", keep_default_na=False)
    testing = pd.read_csv(out / "testing_roster.csv", keep_default_na=False)
    assert len(lists) == len(testing) and lists["swabs"].sum() == testing["tests"].sum()
    assert (lists["home_name"] != "").all()
    assert (lists.loc[lists["cohort"] == "admissions", "request_id"] != "").all()
    for (_site, _date), rows in lists.groupby(["site_name", "date"], sort=False):
        assert list(rows["arrival"]) == list(range(1, len(rows) + 1))
        assert rows["risk"].is_monotonic_decreasing
    firsts = lists.drop_duplicates(["site_name", "date"])[["site_name", "date"]]
    assert list(firsts.itertuples(index=False)) == sorted(firsts.itertuples(index=False))


@pytest.mark.slow
def test_deployment_grid_has_one_coloured_cell_per_shift(
    plymouth: tuple[Path, Path, list[str]],
) -> None:
    out, xlsx, _lines = plymouth
    shifts = pd.read_csv(out / "staff_roster.csv")
    ws = load_workbook(xlsx)["Deployment grid"]
    coloured = [
        cell
        for row in ws.iter_rows(min_row=2, min_col=3, max_col=ws.max_column - 1)
        for cell in row
        if cell.fill.fill_type == "solid"
    ]
    assert len(coloured) == len(shifts)
    assert all(cell.value for cell in coloured)
    assert ws.max_row - 1 == shifts["worker_id"].nunique()


@pytest.mark.slow
def test_check_and_report_still_read_the_plan_folder(
    plymouth: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    out, _xlsx, _lines = plymouth
    result = CliRunner().invoke(main, ["check", str(PLYMOUTH), str(out)])
    assert result.exit_code == 0, result.output
    html, xlsx = tmp_path / "report.html", tmp_path / "report.xlsx"
    args = ["report", str(out), "--html", str(html), "--xlsx", str(xlsx)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert html.stat().st_size > 0 and "Deployment grid" in load_workbook(xlsx).sheetnames
