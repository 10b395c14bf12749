"""PPE in what a director reads: the brief's homes lowest in cover, the summary's line."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from cli.report import summary_text
from scenarios.schema import Scenario
from scheduler.output.brief import render
from scheduler.output.brief_data import build_brief
from scheduler.output.workbook import write_workbook
from scheduler.plan import Plan
from tests.conftest import DIRECT, home, scenario
from tests.test_ppe import ppe_home, supply


def three_homes_one_van() -> tuple[Scenario, Plan]:
    """Homes a, b, c with 2, 6 and 30 days of masks, an empty depot until it is too late
    and one van: a and b end today below the target, c well above it."""
    s = scenario(
        days=3,
        homes=[home("a"), home("b"), home("c")],
        ppe=supply([ppe_home("a", 20), ppe_home("b", 60), ppe_home("c", 300)], depot=0),
    )
    return s, DIRECT.plan(s)


def test_the_brief_names_the_homes_lowest_in_ppe_cover_first():
    s, plan = three_homes_one_van()
    brief = build_brief(plan, s)
    assert [h.home_id for h in brief.ppe] == ["a", "b", "c"]
    today = {r.home_id: r.days_cover for r in plan.ppe_stock if r.date == s.horizon.start}
    assert [h.days_cover for h in brief.ppe] == [today["a"], today["b"], today["c"]]
    assert all(h.dropped == [0, 0] for h in brief.ppe)  # the depot is empty
    page = render(brief)
    assert 'id="ppe"' in page and page.index("Home a") < page.index("Home b")


def test_a_brief_without_ppe_has_no_ppe_section():
    s = scenario(homes=[home("a")])
    brief = build_brief(DIRECT.plan(s), s)
    assert brief.ppe == [] and 'id="ppe"' not in render(brief)


def test_the_summary_counts_van_stops_and_home_days_short():
    s, plan = three_homes_one_van()
    short = {(u.home_id, u.date) for u in plan.unmet if u.kind.startswith("ppe_")}
    assert short and not plan.ppe_drops
    [line] = [x for x in summary_text(s, plan, Path("out")).splitlines() if "PPE drops" in x]
    assert line.split()[-3:] == ["0", "/", str(len(short))]
    plain = scenario(homes=[home("a")])
    assert "PPE" not in summary_text(plain, DIRECT.plan(plain), Path("out"))


def test_the_summary_counts_one_stop_per_home_and_day_whatever_its_items():
    s = scenario(
        days=2,
        homes=[home("a")],
        ppe=supply(
            [
                ppe_home("a")
                | {"stock": {"masks": 10, "gloves": 10}, "daily_use": {"masks": 10, "gloves": 10}}
            ],
            depot=0,
        )
        | {"depot_stock": {"masks": 1000, "gloves": 1000}},
    )
    plan = DIRECT.plan(s)
    stops = {(d.date, d.home_id) for d in plan.ppe_drops}
    assert stops and len(plan.ppe_drops) > len(stops)
    [line] = [x for x in summary_text(s, plan, Path("out")).splitlines() if "PPE drops" in x]
    assert line.split()[-3] == str(len(stops))


def test_the_workbook_has_the_ppe_sheets_only_with_ppe(tmp_path: Path):
    s, plan = three_homes_one_van()
    book = load_workbook(write_workbook(plan, s, tmp_path / "ppe.xlsx"))
    stock = list(book["PPE stock"].iter_rows(values_only=True))
    assert len(stock) == 1 + len(plan.ppe_stock) and "PPE drops" in book.sheetnames
    plain = scenario(homes=[home("a")])
    book = load_workbook(write_workbook(DIRECT.plan(plain), plain, tmp_path / "plain.xlsx"))
    assert not {"PPE drops", "PPE stock"} & set(book.sheetnames)
