"""The director's daily brief: its figures are the plan's, it names the day's five
highest-risk homes with what each gets, it is the same file for the same plan, and it
prints on exactly one A4 page (in headless Chromium, skipped where there is none).

Exact expectations come from a plan written by hand; the city example (its greedy plan,
so no solver time) checks the page at full size.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.report_cmd import report_command
from scenarios.load import load_scenario
from scenarios.risk import RiskParts
from scenarios.schema import Cohort, Scenario
from scheduler.extract.causes import STAFF_RULES
from scheduler.heuristics.baseline import plan_baseline
from scheduler.output.brief import SITES_SHOWN, WORKERS_SHOWN, render, render_brief
from scheduler.output.brief_data import HOMES_SHOWN, SiteDay, build_brief
from scheduler.output.tables import BRIEF, write_plan
from scheduler.plan import (
    DayKpis,
    Plan,
    UnmetKind,
    UnmetNeed,
)
from tests import browser
from tests.conftest import EXAMPLES, START, day, home, scenario, shortfall, worker
from tests.plans import booking, shift, shift_gap, stay
from tests.plans import d as _d
from tests.plans import plan as hand_plan

EVIL = "<script>alert(1)</script>"


def _shift_gap(n: int, home_id: str, next_in_line: str, blocked: str) -> UnmetNeed:
    return shift_gap(
        n,
        home_id,
        risk=9,
        cause="all carers unusable",
        cause_rule="one_home",
        next_in_line=next_in_line,
        blocked=blocked,
        remedy=f"one more carer available for the day shift on {_d(n)}",
    )


@pytest.fixture(scope="module")
def hand() -> tuple[Scenario, Plan]:
    """Three days, six homes (h6 named like an attack, h1 the riskiest), one outbreak."""
    homes = [
        home("h1", name="Rowan & Co", shortfalls=[shortfall(0, workers=2), shortfall(1)]),
        *(home(f"h{i}") for i in range(2, 6)),
        home(
            "h6",
            name=EVIL,
            outbreak={"status": "confirmed", "since": day(-3), "resident_cases": 2},
        ),
    ]
    s = scenario(
        days=3,
        homes=homes,
        workers=[worker("w1", days=3, name="Pat"), worker("w2", days=3), worker("w3", days=3)],
        isolation_facilities=[
            {"id": "hotel", "kind": "care_hotel", "beds": 2, "accepts": ["residential"]}
        ],
        isolation_requests=[
            {"id": "r1", "from_home": "h1", "need": "residential", "earliest": day(0)},
            {"id": "r2", "from_home": "h1", "need": "residential", "earliest": day(0)},
        ],
    )
    scores = {"h1": 50, "h2": 40, "h3": 40, "h4": 30, "h5": 20, "h6": 10}
    risk = [
        RiskParts(home_id=h, date=_d(n), score=score + n, outbreak=score - 5 + n, base=5)
        for h, score in scores.items()
        for n in range(3)
    ]
    plan = hand_plan(
        testing=[
            booking(0, Cohort.STAFF, 5, home_id="h1", risk=50),
            booking(0, Cohort.RESIDENTS, 3, home_id="h1", risk=50),
            booking(1, Cohort.STAFF, 2, home_id="h1", risk=50),
            booking(0, Cohort.STAFF, worker_id="w1", risk=50),
        ],
        shifts=[shift(0, "w1", "h1")],
        placements=[stay("r1", 1, 3, wait_days=1)],
        unmet=[
            _shift_gap(0, "h1", "w2", "w2:test_validity w3:one_home@h9"),
            _shift_gap(1, "h1", "w2,w3", "w2:quarantine@2020-06-04 w3:one_home@h9"),
            UnmetNeed(
                date=_d(0),
                home_id="h1",
                kind=UnmetKind.ISOLATION,
                detail="r2 (residential) not placed",
                amount=1,
                risk=50,
                cause_family="isolation",
                cause_resource="hotel",
                cause="hotel full",
                cause_rule="bed_occupancy",
            ),
        ],
        risk=risk,
        summary={
            "objective": 1.0,
            "best_bound": 1.0,
            "solve_seconds": 0.5,
            "daily": [
                DayKpis(date=_d(0), shifts_short=2, shifts_filled=1, tests_booked=9),
                DayKpis(date=_d(1), shifts_short=1, shifts_filled=0, tests_booked=2),
            ],
        },
    )
    return s, plan


def test_brief_follows_the_five_riskiest_homes_of_the_first_day(
    hand: tuple[Scenario, Plan],
) -> None:
    s, plan = hand
    brief = build_brief(plan, s)
    assert brief.dates == [_d(0), _d(1)]
    # Ties (h2, h3 at 40) in home order; h6, the sixth, is left out.
    assert [h.home_id for h in brief.homes] == ["h1", "h2", "h3", "h4", "h5"]
    rowan = brief.homes[0]
    assert (rowan.name, rowan.score, rowan.parts) == (
        "Rowan & Co",
        50,
        [("outbreak", 45), ("base", 5)],
    )
    today, tomorrow = rowan.days
    assert (today.shifts_short, today.shifts_filled, today.workers) == (2, 1, ["w1 day"])
    assert today.tests == {"residents": 3, "staff": 5}
    assert (today.moves, today.waiting) == ([], ["r1", "r2"])
    assert (tomorrow.shifts_short, tomorrow.shifts_filled, tomorrow.workers) == (1, 0, [])
    assert (tomorrow.tests, tomorrow.moves, tomorrow.waiting) == (
        {"staff": 2},
        ["r1 to hotel"],
        ["r2"],
    )


def test_brief_figures_are_the_plans(hand: tuple[Scenario, Plan]) -> None:
    s, plan = hand
    brief = build_brief(plan, s)
    today, tomorrow = brief.figures
    assert today.kpis == plan.summary.daily[0] and tomorrow.kpis == plan.summary.daily[1]
    # Worker tests count at their site too: the roster's sum, not only homes' cohorts.
    assert [(x.site_id, x.booked, x.capacity) for x in today.sites] == [("local", 9, 100)]
    assert (today.isolation_placed, today.isolation_waiting) == (0, 2)
    assert (tomorrow.isolation_placed, tomorrow.isolation_waiting) == (1, 1)
    assert [f.homes_in_outbreak for f in brief.figures] == [1, 1]
    assert [(u.kind, u.days, u.plan) for u in brief.unmet] == [
        (UnmetKind.SHIFT, [1, 1], 2),
        (UnmetKind.ISOLATION, [1, 0], 1),
    ]
    # The isolation row weighs 50, the two shift rows 9 each: beds first.
    assert [(c.rule, c.amounts) for c in brief.causes] == [
        ("bed_occupancy", [1, 0]),
        ("one_home", [1, 1]),
    ]
    assert brief.causes[1].remedy == f"one more carer available for the day shift on {_d(0)}"


def test_brief_names_who_is_one_rule_from_an_uncovered_shift(hand: tuple[Scenario, Plan]) -> None:
    s, plan = hand
    standby = build_brief(plan, s).standby
    assert [(w.worker_id, w.name, w.rule, w.at, w.shifts, w.homes) for w in standby] == [
        ("w2", "", "quarantine", "2020-06-04", [0, 1], ["h1"]),
        ("w2", "", "test_validity", "", [1, 0], ["h1"]),
        ("w3", "", "one_home", "h9", [0, 1], ["h1"]),
    ]
    page = render_brief(plan, s)
    assert STAFF_RULES["test_validity"] in page  # the rule in words, not its key


def test_a_busy_home_names_some_workers_and_counts_the_rest(
    hand: tuple[Scenario, Plan],
) -> None:
    s, plan = hand
    brief = build_brief(plan, s)
    busy = [f"w{i:02} day" for i in range(WORKERS_SHOWN + 3)]
    day0 = brief.homes[0].days[0].model_copy(update={"workers": busy})
    rowan = brief.homes[0].model_copy(update={"days": [day0, *brief.homes[0].days[1:]]})
    page = render(brief.model_copy(update={"homes": [rowan, *brief.homes[1:]]}))
    assert busy[WORKERS_SHOWN - 1] in page and busy[WORKERS_SHOWN] not in page
    assert "and 3 more" in page


def test_many_sites_share_one_row_beyond_the_largest(hand: tuple[Scenario, Plan]) -> None:
    s, plan = hand
    brief = build_brief(plan, s)
    extra = SITES_SHOWN + 2
    many = [SiteDay(site_id=f"s{i:02}", name="", booked=i, capacity=10 + i) for i in range(extra)]
    figures = [d.model_copy(update={"sites": many}) for d in brief.figures]
    page = render(brief.model_copy(update={"figures": figures}))
    shown = [f"s{i:02}" for i in range(extra - 1, extra - 1 - SITES_SHOWN, -1)]
    assert all(f"at {site}" in page for site in shown)  # the largest, each on its own row
    assert "at s00" not in page and "at s01" not in page
    assert "at 2 other sites" in page and "1 / 21" in page  # their sums, per day


def test_brief_escapes_text_from_input_files(hand: tuple[Scenario, Plan]) -> None:
    s, plan = hand
    plan = plan.model_copy(
        update={
            "risk": [
                r.model_copy(update={"score": 99}) if r.home_id == "h6" else r for r in plan.risk
            ]
        }
    )
    page = render_brief(plan, s)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page  # the brief has no script of its own either
    assert "Rowan &amp; Co" in page


def test_brief_of_a_one_day_plan_has_today_only() -> None:
    s = scenario(
        days=1, homes=[home("h1", shortfalls=[shortfall(0)])], workers=[worker("w1", days=1)]
    )
    plan = plan_baseline(s)
    brief = build_brief(plan, s)
    assert brief.dates == [START]
    assert all(len(h.days) == 1 for h in brief.homes)
    assert "tomorrow" not in render_brief(plan, s)


# --------------------------------------------------------------------------- the file


@pytest.fixture(scope="module")
def city() -> tuple[Scenario, Plan]:
    """The city example's greedy plan: full size, every cause stored, no solver time."""
    s = load_scenario(EXAMPLES / "plymouth-2020.yaml")
    return s, plan_baseline(s)


def test_city_brief_names_the_days_riskiest_homes_with_what_they_get(
    city: tuple[Scenario, Plan],
) -> None:
    s, plan = city
    brief = build_brief(plan, s)
    first = s.horizon.start
    scores = sorted((-r.score, r.home_id) for r in plan.risk if r.date == first)
    assert [h.home_id for h in brief.homes] == [hid for _, hid in scores[:HOMES_SHOWN]]
    for h in brief.homes:
        for d, got in zip(brief.dates, h.days, strict=True):
            workers = sorted(
                x.worker_id for x in plan.shifts if x.home_id == h.home_id and x.date == d
            )
            assert sorted(w.split()[0] for w in got.workers) == workers
            tests = sum(t.tests for t in plan.testing if t.home_id == h.home_id and t.date == d)
            assert sum(got.tests.values()) == tests
    for f in brief.figures:
        assert sum(x.booked for x in f.sites) == f.kpis.tests_booked
        uncovered = sum(u.amount for u in plan.unmet if u.kind == "shift" and u.date == f.kpis.date)
        assert f.kpis.shifts_short - f.kpis.shifts_filled == uncovered


def test_plan_folder_holds_the_brief_the_same_each_time(
    city: tuple[Scenario, Plan], tmp_path: Path
) -> None:
    s, plan = city
    text = render_brief(plan, s)
    one, two = write_plan(plan, s, tmp_path / "a"), write_plan(plan, s, tmp_path / "b")
    assert (
        (one / BRIEF).read_text(encoding="utf-8")
        == text
        == (two / BRIEF).read_text(encoding="utf-8")
    )
    again = tmp_path / "again.html"
    result = CliRunner().invoke(report_command, [str(one), "--brief", str(again)])
    assert result.exit_code == 0, result.output
    assert again.read_text(encoding="utf-8") == text


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def chromium() -> str:
    found = browser.find_chromium()
    if found is None:
        pytest.skip(
            "chromium not found (set $CHROMIUM or run .ci/install-chromium, i.e. "
            "apt-get install chromium chromium-driver): browser test of the brief skipped"
        )
    return found


def test_pdf_page_count_is_not_vacuous(
    chromium: str, hand: tuple[Scenario, Plan], tmp_path: Path
) -> None:
    """A brief forced onto a second page counts two: the one-page test can fail."""
    s, plan = hand
    page = tmp_path / "two.html"
    text = render_brief(plan, s)
    page.write_text(text.replace("</main>", '</main><p style="break-before: page">x</p>'), "utf-8")
    assert browser.pdf_pages(browser.print_pdf(chromium, page, tmp_path / "two.pdf", tmp_path)) == 2


def test_city_brief_prints_on_one_page_without_errors(
    chromium: str, city: tuple[Scenario, Plan], tmp_path: Path
) -> None:
    s, plan = city
    page = write_plan(plan, s, tmp_path / "plan") / BRIEF
    pdf = browser.print_pdf(chromium, page, tmp_path / "brief.pdf", tmp_path)
    assert browser.pdf_pages(pdf) == 1
    run = browser.probe(chromium, page, tmp_path)
    assert run.loaded and run.errors == []
    brief = build_brief(plan, s)
    for h in brief.homes:
        assert f"{h.home_id} {h.name}" in run.dom
        for got in h.days:
            for w in got.workers[:WORKERS_SHOWN]:
                assert w in run.dom
