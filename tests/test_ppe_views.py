"""PPE where people read a plan: a home's drops, cover and unmet PPE in `carehome explain`,
and the HTML report's PPE section (the web app's pages: `tests/test_web_ppe.py`)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import defaultdict
from pathlib import Path

from click.testing import CliRunner

from cli.main import main
from scenarios.schema import Scenario
from scheduler.extract.unmet_words import unmet_reason
from scheduler.output.html_report import render_report
from scheduler.output.tables import write_plan
from scheduler.plan import Plan, UnmetKind
from tests.conftest import DIRECT, day, home, scenario
from tests.test_ppe import empty_depot, one_van_two_homes, ppe_home, supply

TODAY = dt.date(2020, 5, 31)


def emergency() -> Scenario:
    """Home a breaks out on day 1 with plenty of masks: its drop is the emergency one."""
    outbreak = {"status": "confirmed", "since": day(1), "resident_cases": 1}
    return scenario(
        days=4,
        homes=[home("a", outbreak=outbreak), home("b")],
        ppe=supply([ppe_home("a", masks=500, use=10), ppe_home("b", masks=500)], depot=100),
        policy={"ppe": {"outbreak_use_factor": 1}},
    )


def _explain(s: Scenario, plan: Plan, folder: Path, home_id: str, *options: str) -> str:
    write_plan(plan, s, folder)
    result = CliRunner().invoke(main, ["explain", str(folder), "--home", home_id, *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_explain_shows_a_short_homes_drops_cover_and_the_cause(tmp_path: Path) -> None:
    s = empty_depot()
    plan = DIRECT.plan(s)
    [drop] = plan.ppe_drops
    text = _explain(s, plan, tmp_path / "plan", "a")
    assert f"drop {drop.date} van 1 stop 1: masks {drop.quantity} ({drop.reason})" in text
    cover = [r.days_cover for r in plan.ppe_stock]
    line = next(x for x in text.splitlines() if x.strip().startswith("masks  lowest"))
    assert line.split(": ", 1)[1].split() == [f"{c:g}" for c in cover]
    assert f"lowest 0 on {day(0)}" in line
    short = [u for u in plan.unmet if u.kind == UnmetKind.PPE_COVER]
    assert short and f"cause (ppe/ppe_depot): {short[0].cause}" in text
    report = json.loads(_explain(s, plan, tmp_path / "plan", "a", "--json"))
    assert report["ppe"]["cover"][0]["lowest"] == 0.0
    assert report["ppe"]["drops"][0]["items"] == {"masks": drop.quantity}


def test_explain_names_an_emergency_drop_and_lists_the_lowest_item_first(tmp_path: Path) -> None:
    s = emergency()
    plan = DIRECT.plan(s)
    [drop] = [d for d in plan.ppe_drops if d.home_id == "a"]
    text = _explain(s, plan, tmp_path / "plan", "a")
    assert f"drop {drop.date} van {drop.van} stop {drop.stop}: masks {drop.quantity}" in text
    assert "(emergency drop: outbreak)" in text
    assert not [u for u in plan.unmet if u.home_id == "a" and u.kind == UnmetKind.PPE_EMERGENCY]
    two_items = scenario(
        days=2,
        homes=[home("a")],
        ppe=supply(
            [
                ppe_home("a")
                | {"stock": {"masks": 200, "gloves": 30}, "daily_use": {"masks": 10, "gloves": 10}}
            ]
        ),
    )
    text = _explain(two_items, DIRECT.plan(two_items), tmp_path / "two", "a")
    assert text.index("    gloves  lowest") < text.index("    masks   lowest")


def test_explain_says_nothing_of_ppe_for_a_scenario_without_it(tmp_path: Path) -> None:
    s = scenario(homes=[home("a")])
    text = _explain(s, DIRECT.plan(s), tmp_path / "plan", "a")
    assert "PPE" not in text


def _rows(page: str, table_id: str) -> list[list[str]]:
    """The text of each body cell of the table `table_id`, row by row."""
    start = page.index(f'<table id="{table_id}"')
    body = page[page.index("<tbody>", start) : page.index("</tbody>", start)]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td.*?</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_the_report_has_a_ppe_section_with_the_plans_numbers() -> None:
    s = one_van_two_homes()
    plan = DIRECT.plan(s)
    page = render_report(plan, s, TODAY)
    section = page[page.index('<section id="ppe">') : page.index('<section id="unmet">')]
    assert 'href="#ppe"' in page and "<svg" in section
    rounds: dict[tuple[str, int], int] = defaultdict(int)
    for d in plan.ppe_drops:
        rounds[f"{d.date:%a %d/%m}", d.van] += d.quantity
    drops = _rows(page, "ppe-drops")
    assert {(r[0], int(r[1])): int(r[-1]) for r in drops} == rounds
    lowest = min(plan.ppe_stock, key=lambda r: (r.days_cover, r.date, r.home_id))
    first = _rows(page, "ppe-lowest")[0]
    assert first[0] == lowest.home_id and float(first[3]) == lowest.days_cover
    unmet = [u for u in plan.unmet if u.kind.startswith("ppe_")]
    assert unmet and len(_rows(page, "ppe-unmet")) == len(unmet)
    assert all(html.escape(unmet_reason(u)) in section for u in unmet)


def test_a_report_without_ppe_has_no_ppe_section() -> None:
    s = scenario(homes=[home("a")])
    page = render_report(DIRECT.plan(s), s, TODAY)
    assert 'id="ppe' not in page and 'href="#ppe"' not in page
