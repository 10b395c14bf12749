"""The director's daily brief: one printed A4 page on the plan's first day and the next.

A director reads one page, not the report: the day's key figures, the five homes at most
risk and what each gets, and what is left open with why and who could close it. The page
is the report's shell (`scheduler.output.html_page`: same CSP, escaping and table helper) with
print rules of its own (A4 portrait, nothing split across a page) and no script, and it
states nothing that changes between two runs of the same plan (no clock time), so the same
scenario, seed and settings give the same file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape

from scenarios.schema import Scenario
from scenarios.words import count
from scheduler.extract.causes import STAFF_RULES
from scheduler.output.brief_data import (
    Brief,
    CauseLine,
    DayFigures,
    HomeBrief,
    HomeDay,
    build_brief,
)
from scheduler.output.html_page import BASE_CSS, Cell, note, num_head, page, table
from scheduler.output.report_data import kpi_label
from scheduler.plan import Plan, UnmetKind

BRIEF_CSS = (
    BASE_CSS
    + """
body { max-width: 190mm; }
h1 { font-size: 18px; }
h2 { font-size: 14px; margin: 12px 0 4px; }
td.lines { white-space: pre-line; }
table { width: 100%; margin: 2px 0 6px; }
@page { size: A4 portrait; margin: 12mm; }
@media print {
  body { font-size: 8px; padding: 0; max-width: none; }
  h1 { font-size: 14px; }
  h2 { font-size: 11px; margin: 6px 0 2px; break-after: avoid; page-break-after: avoid; }
  p.meta, p.note { margin: 1px 0 3px; }
  main, section, table, tr { break-inside: avoid; page-break-inside: avoid; }
  th { position: static; }
  .scroll { overflow: visible; }
  td, th { padding: 1px 3px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
)
"""The report's screen styles; in print, one A4 portrait page with nothing split."""

WORKERS_SHOWN = 8
"""Workers named in a home's day; the rest are counted, so a busy home cannot push the
brief onto a second page."""

SITES_SHOWN = 4
"""Test sites given a row of their own, the largest first; the rest share one row, so an
authority with many sites keeps to one page."""

_WAIT = "days waited for an isolation bed"
"""`isolation_wait` is the one unmet kind with no KPI of its own to borrow a label from."""


def render_brief(plan: Plan, scenario: Scenario) -> str:
    return render(build_brief(plan, scenario))


def render(brief: Brief) -> str:
    days = " and ".join(
        f"{d:%a %d %b %Y} ({'today' if i == 0 else 'tomorrow'})" for i, d in enumerate(brief.dates)
    )
    header = (
        f"<header><h1>Daily brief: {escape(brief.scenario)}</h1>"
        f'<p class="meta">{escape(days)}; plan status {escape(brief.status)}</p></header>'
    )
    body = "".join(
        [
            _figures(brief),
            _homes(brief),
            _unmet(brief),
            _standby(brief),
            _ppe(brief),
        ]
    )
    return page(f"Daily brief: {brief.scenario}", f"<main>{header}{body}</main>", BRIEF_CSS, "")


def _section(sid: str, title: str, *content: str) -> str:
    return f'<section id="{sid}"><h2>{escape(title)}</h2>{"".join(content)}</section>'


def _day_label(i: int, d: dt.date) -> str:
    return f"{'today' if i == 0 else 'tomorrow'} {d:%d/%m}"


def _day_heads(brief: Brief) -> list[str | Cell]:
    return [num_head(_day_label(i, d)) for i, d in enumerate(brief.dates)]


def _cells(values: Iterable[str]) -> list[Cell]:
    return [Cell(v, css="num") for v in values]


def _figures(brief: Brief) -> str:
    f = brief.figures

    def row(label: str, values: Iterable[str]) -> list[object]:
        return [label, *_cells(values)]

    rows = [
        row(
            "short shifts covered", (f"{d.kpis.shifts_filled} of {d.kpis.shifts_short}" for d in f)
        ),
        row("tests booked / capacity", (_booked(d) for d in f)),
    ]
    by_size = sorted(range(len(f[0].sites)), key=lambda i: (-f[0].sites[i].capacity, i))
    for i in by_size[:SITES_SHOWN]:
        site = f[0].sites[i]
        label = f"  at {site.site_id}" + (f" ({site.name})" if site.name else "")
        rows.append(row(label, (f"{d.sites[i].booked:,} / {d.sites[i].capacity:,}" for d in f)))
    rest = by_size[SITES_SHOWN:]
    if rest:
        rows.append(
            row(
                f"  at {len(rest)} other sites",
                (
                    f"{sum(d.sites[i].booked for i in rest):,} / "
                    f"{sum(d.sites[i].capacity for i in rest):,}"
                    for d in f
                ),
            )
        )
    rows += [
        row(
            "people due a test, tested in time",
            (_of(d.kpis.tests_due_met, d.kpis.tests_due) for d in f),
        ),
        row(
            "isolation requests placed / waiting",
            (f"{d.isolation_placed} placed, {d.isolation_waiting} waiting" for d in f),
        ),
        row("isolation beds in use", (str(d.kpis.isolation_beds_used) for d in f)),
        row("homes in outbreak", (str(d.homes_in_outbreak) for d in f)),
    ]
    return _section(
        "figures",
        "Key figures",
        table(["", *_day_heads(brief)], rows, table_id="figures-table", sortable=False),
    )


def _of(part: int, whole: int) -> str:
    return f"{part:,} of {whole:,}"


def _booked(d: DayFigures) -> str:
    share = f" ({100 * d.kpis.tests_booked / d.test_capacity:.0f} %)" if d.test_capacity else ""
    return f"{d.kpis.tests_booked:,} / {d.test_capacity:,}{share}"


def _homes(brief: Brief) -> str:
    if not brief.homes:
        return _section("homes", "Highest-risk homes today", note("The plan scores no home."))
    rows = [
        [
            i,
            Cell(f"{h.home_id} {h.name}{_age(h)}", css="lines"),
            Cell(f"{h.score}\n{_parts(h)}", css="lines"),
            *(Cell(_home_day(d), css="lines") for d in h.days),
        ]
        for i, h in enumerate(brief.homes, start=1)
    ]
    heads = [_day_label(i, d) for i, d in enumerate(brief.dates)]
    return _section(
        "homes",
        f"The {count(len(brief.homes), 'highest-risk home')} today, and what each gets",
        table(["#", "home", "risk", *heads], rows, table_id="homes-table", sortable=False),
    )


def _age(h: HomeBrief) -> str:
    return f"\ndata {count(h.data_days_old, 'day')} old" if h.data_days_old else ""


def _parts(h: HomeBrief) -> str:
    return ", ".join(f"{name} {points}" for name, points in h.parts)


def _home_day(d: HomeDay) -> str:
    lines = []
    if d.shifts_short:
        shown = d.workers[:WORKERS_SHOWN]
        more = len(d.workers) - len(shown)
        workers = f": {', '.join(shown)}" + (f" and {more} more" if more else "") if shown else ""
        lines.append(f"shifts {d.shifts_filled} of {d.shifts_short} covered{workers}")
    tests = ", ".join(f"{n} {cohort}" for cohort, n in d.tests.items())
    lines.append(f"tests {tests}" if tests else "no tests booked")
    if d.moves:
        lines.append(f"isolation: {', '.join(d.moves)}")
    if d.waiting:
        lines.append(f"waiting for a bed: {', '.join(d.waiting)}")
    return "\n".join(lines)


def _ppe(brief: Brief) -> str:
    """The homes lowest in PPE, by days of cover at the end of today, in one paragraph (the
    brief is one page); nothing without PPE."""
    if not brief.ppe:
        return ""
    heads = [_day_label(i, d) for i, d in enumerate(brief.dates)]
    homes = "; ".join(
        f"{h.home_id} {h.name}: {h.item.replace('_', ' ')} {h.days_cover:.1f} days, dropped "
        + ", ".join(
            f"{head} {n:,}" if n else f"{head} none"
            for head, n in zip(heads, h.dropped, strict=True)
        )
        for h in brief.ppe
    )
    return (
        f'<section id="ppe"><p class="note"><strong>PPE, fewest days of cover tonight:</strong> '
        f"{escape(homes)}</p></section>"
    )


def _kind_label(kind: UnmetKind) -> str:
    return _WAIT if kind == UnmetKind.ISOLATION_WAIT else kpi_label(f"unmet_{kind}")[0]


def _unmet(brief: Brief) -> str:
    if not brief.unmet:
        return _section("unmet", "Left unmet", note("Every need of the plan is met."))
    counts = table(
        ["", *_day_heads(brief), num_head("whole plan")],
        [[_kind_label(u.kind), *u.days, u.plan] for u in brief.unmet],
        table_id="unmet-table",
        sortable=False,
    )
    parts = [counts]
    if brief.causes:
        parts.append(
            table(
                ["main causes", "resource", *_day_heads(brief), "would help"],
                [[_rule(c), c.resource, *c.amounts, c.remedy] for c in brief.causes],
                table_id="causes-table",
                sortable=False,
            )
        )
    return _section("unmet", "Left unmet", *parts)


def _rule(c: CauseLine) -> str:
    words = STAFF_RULES.get(c.rule, c.rule.replace("_", " "))
    return f"{_kind_label(c.kind)}: {words}" if words else _kind_label(c.kind)


def _standby(brief: Brief) -> str:
    if not brief.standby:
        return ""
    rows = [
        [
            Cell(f"{s.worker_id} {s.name}".strip()),
            _blocked(s.rule, s.at),
            *s.shifts,
            ", ".join(s.homes),
        ]
        for s in brief.standby
    ]
    return _section(
        "standby",
        "Who could cover the uncovered shifts",
        note(
            "Workers the plan names next in line for these days' uncovered shifts, each kept "
            "off them by one rule: lifting it would let them take the shifts counted."
        ),
        table(
            ["worker", "kept off by", *_day_heads(brief), "homes"],
            rows,
            table_id="standby-table",
            sortable=False,
        ),
    )


def _blocked(rule: str, at: str) -> str:
    words = STAFF_RULES.get(rule, rule.replace("_", " "))
    return f"{words} ({at})" if at else words
