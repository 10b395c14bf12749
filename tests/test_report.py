"""The plan as a planner opens it: the Excel workbook, the HTML report, `carehome report`.

Exact expectations come from a plan written by hand (no solver), so grids and occupancy can
be checked cell by cell; the solved tiny example checks the outputs against its CSVs.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli.report_cmd import report_command
from scenarios.schema import Cohort, Scenario, Shift
from scheduler.extract.unmet_words import unmet_reason, unmet_remedy
from scheduler.output.html_report import SECTIONS, render_report, write_html_report
from scheduler.output.report_data import bed_occupancy
from scheduler.output.tables import PPE_FILES, read_plan, write_plan
from scheduler.output.workbook import RAG_FILLS, TABLE_SHEETS, write_workbook
from scheduler.plan import (
    DayKpis,
    Plan,
)
from tests import browser
from tests.conftest import day, home, scenario, worker
from tests.plans import booking, shift, shift_gap, stay
from tests.plans import d as _d
from tests.plans import plan as hand_plan

EVIL = "<script>alert(1)</script>"
TODAY = dt.date(2020, 5, 31)
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def hand() -> tuple[Scenario, Plan]:
    """Three days, two homes (one named like an attack), two workers, one 1-2-2 bed hotel."""
    s = scenario(
        days=3,
        homes=[
            home("h1", name="Rowan & Co", rag={"overall": "red", "ppe": "amber"}),
            home("h2", name=EVIL),
        ],
        workers=[worker("w1", days=3, name='Pat "Night" O<b>'), worker("w2", days=3, name="=1+2")],
        isolation_facilities=[
            {
                "id": "hotel",
                "name": "<i>Hotel</i>",
                "kind": "care_hotel",
                "beds": [1, 2, 2],
                "accepts": ["residential"],
            },
        ],
        isolation_requests=[
            {"id": "r1", "from_home": "h1", "need": "residential", "earliest": day(0)}
        ],
    )
    plan = hand_plan(
        testing=[
            booking(0, Cohort.STAFF, 5, home_id="h1", risk=5),
            booking(0, Cohort.RESIDENTS, 3, home_id="h1", risk=5),
            booking(2, Cohort.STAFF, 4, home_id="h2", risk=5),
            booking(0, Cohort.STAFF, worker_id="w1", risk=5),
        ],
        shifts=[
            shift(0, "w1", "h1", reason=EVIL),
            shift(1, "w1", "h1", Shift.NIGHT),
            shift(2, "w2", "h2"),
        ],
        placements=[stay("r1", 0, 2)],
        unmet=[shift_gap(1, "h2", risk=7, cause=f"no carer for {EVIL}")],
        summary={
            "objective": 1234.0,
            "best_bound": 1200.0,
            "gap": 0.0276,
            "solve_seconds": 0.5,
            "kpis": {
                "cohort_tests_in_interval_pct": 87.5,
                "tests_booked": 13.0,
                "isolation_mean_wait_days": 0.25,
                "shifts_filled": 3.0,
            },
            "daily": [DayKpis(date=_d(i), tests_due=8, tests_due_met=4 * i) for i in range(3)],
        },
    )
    return s, plan


# --------------------------------------------------------------------------- workbook


def test_workbook_sheets_are_frozen_bold_and_filtered(
    tiny_plan: tuple[Scenario, Plan], tmp_path: Path
) -> None:
    s, plan = tiny_plan
    book = load_workbook(write_workbook(plan, s, tmp_path / "plan.xlsx", today=TODAY))
    assert s.ppe is None  # a scenario without PPE has no PPE sheets, as no PPE CSVs
    assert book.sheetnames == [
        "Summary",
        *(title for title, csv in TABLE_SHEETS.items() if csv not in PPE_FILES),
        "Homes",
        "Staff grid",
        "Tests grid",
        "Deployment grid",
    ]
    for ws in book:
        grid = ws.title.endswith("grid")
        assert ws.freeze_panes == ("C2" if grid else "A2"), ws.title
        assert all(c.font.bold for c in ws[1]), ws.title
        assert ws.auto_filter.ref == ws.dimensions, ws.title
        assert ws.column_dimensions["A"].width >= len(str(ws["A1"].value)), ws.title
    summary = {(r[0], r[1]): r[2] for r in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary[("solver", "status")] == plan.summary.status
    assert summary[("plan", "first day")] == dt.datetime(2020, 6, 1)
    assert summary[("plan", "written")] == dt.datetime(2020, 5, 31)
    assert (
        summary[("KPI", "shortfall shifts filled")]
        == plan.summary.kpis["shortfall_shifts_filled_pct"]
    )


def _as_csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def test_workbook_tables_equal_the_csvs(tiny_plan: tuple[Scenario, Plan], tmp_path: Path) -> None:
    s, plan = tiny_plan
    folder = write_plan(plan, s, tmp_path / "plan")
    book = load_workbook(write_workbook(read_plan(folder), s, tmp_path / "plan.xlsx"))
    for title, filename in TABLE_SHEETS.items():
        if not (folder / filename).exists():  # the PPE tables, for a scenario with PPE only
            assert filename in PPE_FILES and title not in book.sheetnames
            continue
        csv = pd.read_csv(folder / filename, dtype=str, keep_default_na=False)
        rows = list(book[title].iter_rows(values_only=True))
        assert list(rows[0]) == list(csv.columns), title
        assert [[_as_csv_text(v) for v in r] for r in rows[1:]] == csv.values.tolist(), title
        for column in ("date", "admit_date", "discharge_date"):
            if column in csv.columns and len(csv):
                col = list(csv.columns).index(column) + 1
                cells = [book[title].cell(row=i, column=col) for i in range(2, len(rows) + 1)]
                assert all(isinstance(c.value, dt.datetime) for c in cells), (title, column)
                assert all(c.number_format == "yyyy-mm-dd" for c in cells), (title, column)


def test_workbook_colours_rag_cells(hand: tuple[Scenario, Plan], tmp_path: Path) -> None:
    s, plan = hand
    ws = load_workbook(write_workbook(plan, s, tmp_path / "plan.xlsx"))["Homes"]
    header = [c.value for c in ws[1]]
    for column, h1, h2 in [("rag_overall", "red", "green"), ("rag_ppe", "amber", "green")]:
        cells = (
            ws.cell(row=2, column=header.index(column) + 1),
            ws.cell(row=3, column=header.index(column) + 1),
        )
        assert [c.value for c in cells] == [h1, h2]
        assert [c.fill.fgColor.rgb[-6:] for c in cells] == [RAG_FILLS[h1], RAG_FILLS[h2]]
    assert ws.cell(row=2, column=1).fill.fgColor.rgb in (None, "00000000")


def test_workbook_grids_read_like_a_rota(hand: tuple[Scenario, Plan], tmp_path: Path) -> None:
    s, plan = hand
    book = load_workbook(write_workbook(plan, s, tmp_path / "plan.xlsx"))
    dates = [dt.datetime.combine(_d(i), dt.time()) for i in range(3)]
    staff = list(book["Staff grid"].iter_rows(values_only=True))
    assert staff == [
        ("worker_id", "worker_name", *dates, "shifts"),
        ("w1", 'Pat "Night" O<b>', "h1 day", "h1 night", None, 2),
        ("w2", "=1+2", None, None, "h2 day", 1),
    ]
    assert book["Staff grid"]["B3"].data_type == "s"  # text from a file is never a formula
    tests = list(book["Tests grid"].iter_rows(values_only=True))
    assert tests == [
        ("home_id", "home_name", *dates, "total"),
        ("h1", "Rowan & Co", 8, None, None, 8),
        ("h2", EVIL, None, None, 4, 4),
    ]


def test_occupancy_counts_a_bed_up_to_the_day_before_discharge(
    hand: tuple[Scenario, Plan],
) -> None:
    s, plan = hand
    [hotel] = bed_occupancy(plan, s)
    assert (hotel.used, hotel.capacity) == ([1, 1, 0], [1, 2, 2])


# --------------------------------------------------------------------------- HTML


def _kpi_text(key: str, value: float) -> str:
    if key.endswith("_pct"):
        return f"{value:.1f} %"
    if key.endswith("_days"):
        return f"{value:.2f} days"
    return f"{value:,.0f}"


def _section(page: str, sid: str) -> str:
    start = page.index(f'<section id="{sid}">')
    return page[start : page.index("</section>", start)]


def _home_cells(home_id: str, name: str) -> str:
    """A row's first two cells: the home's id, then its (escaped) name."""
    return f'<td>{home_id}</td><td class="nowrap">{name}</td>'


def test_html_shows_every_home_and_the_summary_numbers(
    tiny_plan: tuple[Scenario, Plan],
) -> None:
    s, plan = tiny_plan
    page = render_report(plan, s, TODAY)
    for sid in SECTIONS:
        assert f'<section id="{sid}">' in page
    for sid in ("tests-heatmap", "risk"):
        for h in s.homes:
            assert _home_cells(h.id, h.name) in _section(page, sid), (sid, h.id)
    for key, value in plan.summary.kpis.items():
        assert f'data-kpi="{key}"><span class="value">{_kpi_text(key, value)}<' in page
    assert f"<strong>{plan.summary.status}</strong>" in page
    assert f"gap {100 * plan.summary.gap:.2f} %" in page
    for u in plan.unmet:  # in a planner's words, as in unmet.csv
        assert html.escape(unmet_reason(u)) in page
        assert html.escape(unmet_remedy(u)) in page


def test_html_is_self_contained(tiny_plan: tuple[Scenario, Plan]) -> None:
    s, plan = tiny_plan
    page = render_report(plan, s, TODAY)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"<link\b|@import|url\(|<iframe|<object|<embed", page, re.I)
    assert "default-src 'none'" in page  # a browser refuses any fetch at all
    assert re.search(r"@page\s*\{\s*size:\s*A4 landscape", page)


def test_html_escapes_text_from_input_files(hand: tuple[Scenario, Plan]) -> None:
    s, plan = hand
    page = render_report(plan, s, TODAY)
    assert EVIL not in page
    assert page.count("<script>") == 1  # the report's own sort script
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert _home_cells("h1", "Rowan &amp; Co") in _section(page, "tests-heatmap")
    assert "Pat &quot;Night&quot; O&lt;b&gt;" in page
    assert "&lt;i&gt;Hotel&lt;/i&gt;" in page and "<i>" not in page
    assert "<b>" not in page


# --------------------------------------------------------------------------- command


def test_report_command_writes_both_files(tiny_plan: tuple[Scenario, Plan], tmp_path: Path) -> None:
    s, plan = tiny_plan
    folder = write_plan(plan, s, tmp_path / "plan")
    html, xlsx = tmp_path / "out" / "report.html", tmp_path / "plan.xlsx"
    result = CliRunner().invoke(
        report_command, [str(folder), "--html", str(html), "--xlsx", str(xlsx)]
    )
    assert result.exit_code == 0, result.output
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert load_workbook(xlsx).sheetnames[0] == "Summary"
    assert not list(tmp_path.glob("**/.*.tmp"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{folder}"], "--brief FILE"),
        (["{missing}", "--html", "{out}"], "not a plan folder"),
        (["{broken}", "--html", "{out}"], "summary.json"),
    ],
)
def test_report_command_refuses_bad_input(
    tiny_plan: tuple[Scenario, Plan], tmp_path: Path, args: list[str], message: str
) -> None:
    s, plan = tiny_plan
    folder = write_plan(plan, s, tmp_path / "plan")
    broken = write_plan(plan, s, tmp_path / "broken")
    (broken / "summary.json").write_text("{", encoding="utf-8")
    paths = {"folder": folder, "missing": tmp_path / "none", "broken": broken}
    paths["out"] = tmp_path / "r.html"
    result = CliRunner().invoke(report_command, [a.format(**paths) for a in args])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "r.html").exists()


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def chromium() -> str:
    found = browser.find_chromium()
    if found is None:
        pytest.skip(
            "chromium not found (set $CHROMIUM or run .ci/install-chromium, i.e. "
            "apt-get install chromium chromium-driver): browser test of the HTML report skipped"
        )
    return found


def test_browser_probe_catches_errors(chromium: str, tmp_path: Path) -> None:
    """The detector is not vacuous: a broken page with the report's CSP is caught."""
    page = tmp_path / "broken.html"
    report = render_report(
        hand_plan(summary={"scenario": "x", "status": "x"}),
        scenario(homes=[home("h1")]),
        TODAY,
    )
    page.write_text(
        report.replace(
            "</body>",
            '<img src="https://example.invalid/x.png"><script>nosuch();</script></body>',
        ),
        encoding="utf-8",
    )
    run = browser.probe(chromium, page, tmp_path)
    assert run.loaded
    joined = "\n".join(run.errors)
    assert "nosuch" in joined and "csp: img-src" in joined


def test_report_loads_in_chromium_without_errors(
    chromium: str, tiny_plan: tuple[Scenario, Plan], tmp_path: Path
) -> None:
    s, plan = tiny_plan
    page = write_html_report(plan, s, tmp_path / "report.html", today=TODAY)
    run = browser.probe(chromium, page, tmp_path)
    assert run.loaded, "the page's load event never fired"
    assert run.errors == []
    for sid in SECTIONS:
        assert f'<section id="{sid}">' in run.dom
    for h in s.homes:
        assert h.name in run.dom
    for key, value in plan.summary.kpis.items():
        assert _kpi_text(key, value) in run.dom
    assert 'aria-sort="descending"' in run.dom  # the sort script ran on the clicks
    png = ARTIFACTS / "report-tiny.png"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n", encoding="utf-8")
    assert browser.screenshot(chromium, page, png, tmp_path) == []
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
