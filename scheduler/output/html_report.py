"""A plan as one self-contained HTML page a planner can email to a care-home manager.

Everything a reader needs is inline (CSS, SVG charts, a small sort script), so the file
opens the same from an inbox, a shared drive or a printout. Every string that came from an
input file (home, worker and facility names, reasons) is escaped where the page is built.
Section ids are stable (`SECTIONS`), so links to a section and tests do not break.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from html import escape
from pathlib import Path

from scenarios.atomic import write_text
from scenarios.risk import RISK_PARTS
from scenarios.schema import Scenario
from scenarios.words import count
from scheduler.output.html_page import Cell, date_heads, note, num, num_head, page, table
from scheduler.output.report_data import (
    bed_occupancy,
    format_kpi,
    kpi_label,
    latest_risk,
    staff_grid,
    tests_grid,
)
from scheduler.output.report_ppe import ppe_parts
from scheduler.output.svg import PALETTE, Series, bar_chart, heat_colour, heat_text, line_chart
from scheduler.output.unmet_html import unmet_table
from scheduler.plan import Plan, UnmetKind, UnmetNeed

TITLES: dict[str, str] = {
    "summary": "Summary",
    "tests-heatmap": "Tests per home per day",
    "coverage": "Coverage over the horizon",
    "staff-grid": "Staff roster",
    "isolation": "Isolation beds",
    "visits": "Training and liaison visits",
    "ppe": "PPE drops and cover",
    "unmet": "Unmet needs",
    "risk": "Risk scores",
}
"""Every section's title, in page order."""
PPE_SECTION = "ppe"
SECTIONS = {sid: title for sid, title in TITLES.items() if sid != PPE_SECTION}
"""The sections every report has; the PPE section only a scenario with PPE."""


def write_html_report(
    plan: Plan, scenario: Scenario, path: str | Path, today: dt.date | None = None
) -> Path:
    """Write the page atomically; `today` is the date it says it was written."""
    text = render_report(plan, scenario, today or dt.date.today())
    return write_text(path, text)


def render_report(plan: Plan, scenario: Scenario, today: dt.date) -> str:
    h = scenario.horizon
    names = {home.id: home.name for home in scenario.homes}
    sections = {
        "summary": _summary(plan),
        "tests-heatmap": _tests_heatmap(plan, scenario),
        "coverage": _coverage(plan),
        "staff-grid": _staff_grid(plan, scenario),
        "isolation": _isolation(plan, scenario),
        "visits": _visits(plan, scenario, names),
        "unmet": _unmet(plan, names),
        "risk": _risk(plan, names),
    }
    if scenario.ppe is not None:
        sections[PPE_SECTION] = _section(PPE_SECTION, *ppe_parts(plan, scenario, names))
    shown = [sid for sid in TITLES if sid in sections]
    nav = "".join(f'<a href="#{sid}">{escape(TITLES[sid])}</a>' for sid in shown)
    header = (
        f"<header><h1>Plan report: {escape(scenario.name)}</h1>"
        f'<p class="meta">{h.days} days, {h.start:%a %d %b %Y} to {h.end:%a %d %b %Y}; '
        f"{count(len(scenario.homes), 'home')}, {count(len(scenario.workers), 'worker')}; "
        f"written {today:%d %b %Y}</p><nav>{nav}</nav></header>"
    )
    body = "".join(sections[sid] for sid in shown)
    return page(f"Plan report: {scenario.name}", header + body)


def _section(sid: str, *content: str) -> str:
    return f'<section id="{sid}"><h2>{escape(TITLES[sid])}</h2>{"".join(content)}</section>'


def _summary(plan: Plan) -> str:
    s = plan.summary
    cards = "".join(
        f'<div class="kpi" data-kpi="{escape(key)}"><span class="value">'
        f"{escape(format_kpi(key, value))}</span>"
        f'<span class="label">{escape(kpi_label(key)[0])}</span></div>'
        for key, value in s.kpis.items()
    )
    solver = (
        f"<p>Solver {escape(s.solver)}: <strong>{escape(s.status)}</strong>, "
        f"gap {100 * s.gap:.2f} % against its best bound, objective {s.objective:,.0f} "
        f"(bound {s.best_bound:,.0f}), solve {s.solve_seconds:.2f} s.</p>"
    )
    tiers = table(
        ["tier", "goal", "status", num_head("objective"), num_head("bound"), num_head("gap %")],
        [
            [st.tier, st.name, st.status, st.objective, st.best_bound, num(100 * st.gap, "{:.2f}")]
            for st in s.stages
        ],
        sortable=False,
    )
    return _section("summary", f'<div class="kpis">{cards}</div>', solver, tiers)


def _tests_heatmap(plan: Plan, scenario: Scenario) -> str:
    grid = tests_grid(plan, scenario)
    top = max(grid.tests.values(), default=0)
    rows = []
    for hid, name in grid.homes:
        cells: list[object] = [hid, Cell(name, css="nowrap")]
        for d in grid.dates:
            n = grid.tests.get((hid, d), 0)
            style = f"background:{heat_colour(n, top)};color:{heat_text(n, top)}"
            cells.append(Cell(n or "", css="cell", sort=n, style=style))
        cells.append(num(grid.total(hid)))
        rows.append(cells)
    return _section(
        "tests-heatmap",
        note(
            "Swabs booked for each home's staff, residents and agency staff per day; darker "
            "is more. Pre-deployment tests of bank workers and tests before an isolation "
            "admission are not counted here."
        ),
        table(["home", "name", *date_heads(grid.dates), num_head("total")], rows),
    )


def _share(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _coverage(plan: Plan) -> str:
    days = plan.summary.daily
    if not days:
        return _section("coverage", note("This plan has no daily figures."))
    dates = [d.date for d in days]
    tests = [_share(d.tests_due_met, d.tests_due) for d in days]
    shifts = [_share(d.shifts_filled, d.shifts_short) for d in days]
    chart = line_chart(
        dates,
        [
            Series(name="tests due that day, met", values=tests, colour=PALETTE[0]),
            Series(name="short shifts filled", values=shifts, colour=PALETTE[1]),
        ],
        title="Share of tests due met and of short shifts filled, per day",
    )
    pct = "{:.1f}"
    rows = [
        [
            Cell(f"{d.date:%a %d/%m}", sort=d.date.isoformat()),
            d.tests_due,
            d.tests_due_met,
            num(t, pct),
            d.shifts_short,
            d.shifts_filled,
            num(s, pct),
            d.tests_booked,
            d.isolation_beds_used,
        ]
        for d, t, s in zip(days, tests, shifts, strict=True)
    ]
    header = ["date"] + [
        num_head(h)
        for h in (
            "tests due",
            "met",
            "met %",
            "shifts short",
            "filled",
            "filled %",
            "tests booked",
            "isolation beds used",
        )
    ]
    return _section(
        "coverage",
        note("A day with nothing due has no point on its line."),
        chart,
        table(header, rows, table_id="coverage-table"),
    )


def _staff_grid(plan: Plan, scenario: Scenario) -> str:
    grid = staff_grid(plan, scenario)
    names = {h.id: h.name for h in scenario.homes}
    deployed = {s.worker_id for s in plan.shifts}
    rows = []
    for wid, name in grid.workers:
        if wid not in deployed:
            continue
        cells: list[object] = [wid, Cell(name, css="nowrap")]
        for d in grid.dates:
            text = grid.cells.get((wid, d), "")
            shift = text.rsplit(" ", 1)[-1] if text and ";" not in text else ""
            tip = names.get(text.split(" ", 1)[0], "") if text else ""
            cells.append(Cell(text, css=f"cell {shift}".strip(), tip=tip))
        cells.append(num(sum(1 for s in plan.shifts if s.worker_id == wid)))
        rows.append(cells)
    idle = [wid for wid, _ in grid.workers if wid not in deployed]
    parts = [note("One row per deployed worker; each cell is the home and shift worked that day.")]
    parts.append(table(["worker", "name", *date_heads(grid.dates), num_head("shifts")], rows))
    if idle:
        parts.append(note(f"{count(len(idle), 'worker')} with no shifts: {', '.join(idle)}."))
    return _section("staff-grid", *parts)


def _isolation(plan: Plan, scenario: Scenario) -> str:
    facilities = bed_occupancy(plan, scenario)
    if not facilities:
        return _section("isolation", note("The scenario has no isolation facilities."))
    dates = scenario.horizon.dates
    charts = "".join(
        f"<div><h3>{escape(f.facility_id)} {escape(f.name)}</h3>"
        + bar_chart(dates, f.used, f.capacity, f"{f.facility_id}: beds in use against capacity")
        + "</div>"
        for f in facilities
    )
    rows = []
    for f in facilities:
        cells: list[object] = [f.facility_id, f.name]
        for used, cap in zip(f.used, f.capacity, strict=True):
            css = "cell over" if used > cap else "cell"
            cells.append(Cell(f"{used}/{cap}", css=css, sort=used))
        rows.append(cells)
    return _section(
        "isolation",
        note("Beds in use / beds available at each facility per day."),
        f'<div class="charts">{charts}</div>',
        table(["facility", "name", *date_heads(dates)], rows, table_id="isolation-table"),
    )


def _visits(plan: Plan, scenario: Scenario, names: dict[str, str]) -> str:
    if not scenario.officers:
        return _section("visits", note("The scenario has no training or liaison officers."))
    unvisited = [u for u in plan.unmet if u.kind in (UnmetKind.VISIT, UnmetKind.TRAINING)]
    rows = [
        [
            Cell(f"{v.date:%a %d/%m}", css="nowrap", sort=v.date.isoformat()),
            v.officer_id,
            v.home_id,
            Cell(names.get(v.home_id, ""), css="nowrap"),
            str(v.kind),
            v.travel_minutes,
            v.reason,
        ]
        for v in plan.visits
    ]
    heads: list[str | Cell] = [
        "date",
        "officer",
        "home",
        "name",
        "kind",
        num_head("travel minutes"),
        "reason",
    ]
    return _section(
        "visits",
        note(
            f"{count(len(plan.visits), 'visit')} by {count(len(scenario.officers), 'officer')}; "
            f"{count(len(unvisited), 'need')} left unvisited (under Unmet needs)."
        ),
        table(heads, rows, table_id="visits-table"),
    )


def _unmet(plan: Plan, names: dict[str, str]) -> str:
    if not plan.unmet:
        return _section("unmet", note("Every need of the scenario is met."))
    groups: dict[tuple[str, str, str], list[UnmetNeed]] = defaultdict(list)
    for u in plan.unmet:
        groups[(str(u.kind), u.cause_family, u.cause_resource)].append(u)
    by_cause = [
        [kind, family, resource, len(us), sum(u.amount for u in us), max(u.risk for u in us)]
        for (kind, family, resource), us in sorted(
            groups.items(), key=lambda kv: -sum(u.risk * u.amount for u in kv[1])
        )
    ]
    ranked = sorted(plan.unmet, key=lambda u: (-u.risk, u.date, u.home_id or ""))
    return _section(
        "unmet",
        "<h3>By cause</h3>",
        table(
            [
                "kind",
                "binding rule",
                "resource",
                num_head("rows"),
                num_head("amount"),
                num_head("highest risk"),
            ],
            by_cause,
            table_id="unmet-causes",
        ),
        "<h3>Every unmet need, highest risk first</h3>",
        unmet_table(ranked, names, "unmet-table"),
    )


def _risk(plan: Plan, names: dict[str, str]) -> str:
    rows = [
        [
            r.home_id,
            Cell(names.get(r.home_id, ""), css="nowrap"),
            Cell(f"{r.date:%d/%m}", sort=r.date.isoformat()),
            r.score,
        ]
        + [getattr(r, p) for p in RISK_PARTS]
        for r in latest_risk(plan)
    ]
    return _section(
        "risk",
        note(
            "Each home's score on the last day of the plan, highest first, with the points "
            "of each part; every day's scores are in the workbook and risk.csv."
        ),
        table(
            ["home", "name", "date", num_head("score"), *(num_head(p) for p in RISK_PARTS)],
            rows,
            table_id="risk-table",
        ),
    )
