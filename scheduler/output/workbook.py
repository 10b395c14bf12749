"""A plan as one Excel workbook, for planners and rota coordinators who live in Excel.

The table sheets hold exactly the rows and columns of the CSVs (`plan_tables`), so a
workbook and a plan folder can be compared cell by cell; what Excel adds is typing (real
dates, numbers), frozen bold headers, filters, RAG colours, and two grid layouts that match
how a rota and a testing round are read on paper.
"""

from __future__ import annotations

import colorsys
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scenarios.atomic import write_replacing
from scenarios.schema import Scenario
from scheduler.output.report_data import (
    horizon_dates,
    kpi_label,
    latest_risk,
    staff_grid,
    tests_grid,
)
from scheduler.output.tables import (
    ACCOMMODATION,
    HOME_SHEETS,
    ISOLATION,
    PPE_DROPS,
    PPE_STOCK,
    RISK,
    SITE_LISTS,
    STAFF,
    TESTING,
    TRANSPORT,
    UNMET,
    VISITS,
    WORKER_ROSTERS,
    plan_tables,
)
from scheduler.plan import Plan, ShiftAssignment

TABLE_SHEETS: dict[str, str] = {
    "Testing roster": TESTING,
    "Staff roster": STAFF,
    "Isolation": ISOLATION,
    "Staff rooms": ACCOMMODATION,
    "Taxis": TRANSPORT,
    "Visits": VISITS,
    "Unmet needs": UNMET,
    "Risk scores": RISK,
    "Worker rosters": WORKER_ROSTERS,
    "Site lists": SITE_LISTS,
    "Home sheets": HOME_SHEETS,
    "PPE drops": PPE_DROPS,
    "PPE stock": PPE_STOCK,
}
"""Sheet title -> the CSV it mirrors, in the order the sheets appear (the PPE sheets only
for a scenario with PPE, as the CSVs)."""

RAG_FILLS: dict[str, str] = {"red": "FFC7CE", "amber": "FFEB9C", "green": "C6EFCE"}
"""Excel's own "bad / neutral / good" fills, which planners already read as RAG."""

DATE_FORMAT = "yyyy-mm-dd"
_BOLD = Font(bold=True)
_MAX_WIDTH = 60


def write_workbook(
    plan: Plan, scenario: Scenario, path: str | Path, today: dt.date | None = None
) -> Path:
    """Write the workbook atomically; `today` is the date it says it was written."""
    book = build_workbook(plan, scenario, today or dt.date.today())
    return write_replacing(path, lambda staging: book.save(staging))


def build_workbook(plan: Plan, scenario: Scenario, today: dt.date) -> Workbook:
    book = Workbook()
    summary = book.active
    assert summary is not None  # a new workbook always has one sheet
    summary.title = "Summary"
    _fill_table(summary, ["section", "item", "value", "unit"], summary_rows(plan, scenario, today))
    tables = plan_tables(plan, scenario)
    for title, filename in TABLE_SHEETS.items():
        if filename not in tables:
            continue
        frame = tables[filename]
        rows = (
            [_cell(c, v) for c, v in zip(frame.columns, row, strict=True)]
            for row in frame.itertuples(index=False, name=None)
        )
        _fill_table(book.create_sheet(title), list(frame.columns), rows)
    homes = book.create_sheet("Homes")
    records = home_rows(plan, scenario)
    columns = list(records[0])
    _fill_table(homes, columns, ([r[c] for c in columns] for r in records))
    _colour_rag(homes)
    _staff_grid_sheet(book.create_sheet("Staff grid"), plan, scenario)
    _tests_grid_sheet(book.create_sheet("Tests grid"), plan, scenario)
    _deployment_grid_sheet(book.create_sheet("Deployment grid"), plan, scenario)
    return book


def summary_rows(plan: Plan, scenario: Scenario, today: dt.date) -> list[list[Any]]:
    """What plan this is, how well it meets the need, then how the solver did: in the
    order a planner reads them."""
    s = plan.summary
    h = scenario.horizon
    rows: list[list[Any]] = [
        ["plan", "scenario", scenario.name, ""],
        ["plan", "first day", h.start, ""],
        ["plan", "last day", h.end, ""],
        ["plan", "days", h.days, "days"],
        ["plan", "homes", len(scenario.homes), "homes"],
        ["plan", "workers", len(scenario.workers), "workers"],
        ["plan", "written", today, ""],
    ]
    for key, value in s.kpis.items():
        label, unit = kpi_label(key)
        rows.append(["KPI", label, value, unit])
    rows += [
        ["solver", "solver", s.solver, ""],
        ["solver", "status", s.status, ""],
        ["solver", "gap", round(100 * s.gap, 2), "%"],
        ["solver", "objective", s.objective, ""],
        ["solver", "best bound", s.best_bound, ""],
        ["solver", "solve time", round(s.solve_seconds, 2), "s"],
    ]
    rows += [
        [f"tier {st.tier}", st.name, st.objective, f"{st.status}, bound {st.best_bound:,.0f}"]
        for st in s.stages
    ]
    return rows


def home_rows(plan: Plan, scenario: Scenario) -> list[dict[str, Any]]:
    """One row per home of the scenario: what a planner checks a home's priority against."""
    latest = {r.home_id: r.score for r in latest_risk(plan)}
    return [
        {
            "home_id": h.id,
            "home_name": h.name,
            "type": str(h.type),
            "beds": h.beds,
            "residents": h.residents,
            "staff": h.staff,
            "agency_staff": h.agency_staff,
            "cqc_rating": str(h.cqc_rating),
            "rag_overall": str(h.rag.overall),
            "rag_ppe": str(h.rag.ppe),
            "rag_workforce": str(h.rag.workforce),
            "outbreak_status": str(h.outbreak.status),
            "outbreak_since": h.outbreak.since,
            "resident_cases": h.outbreak.resident_cases,
            "staff_cases": h.outbreak.staff_cases,
            "deaths_7d": h.outbreak.deaths_7d,
            "can_isolate": h.can_isolate,
            "locality": h.locality,
            "latest_risk": latest.get(h.id),
        }
        for h in scenario.homes
    ]


def _cell(column: str, value: Any) -> Any:
    """A CSV value as a typed Excel value: ISO dates as dates, NaN/None as an empty cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if (column == "date" or column.endswith("_date")) and isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    return value


def _fill_table(ws: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Header in bold and frozen, dates formatted, widths fitted, a filter over it all."""
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = _BOLD
    widths = [len(h) for h in header]
    for row in rows:
        _append(ws, row)
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _shown_width(value))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, _MAX_WIDTH)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def _append(ws: Worksheet, values: Sequence[Any]) -> None:
    """Append a row of input data as data: text is never a formula (a home named
    "=HYPERLINK(...)" stays text), characters Excel cannot store are dropped, and dates
    get a date format."""
    ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
        elif isinstance(cell.value, dt.date):
            cell.number_format = DATE_FORMAT


def _shown_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return len(DATE_FORMAT)
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    return len(str(value))


def _colour_rag(ws: Worksheet) -> None:
    """Fill each cell of a `rag_*` column with the colour its rating names."""
    for column in ws.iter_cols(min_row=1):
        if not str(column[0].value).startswith("rag_"):
            continue
        for cell in column[1:]:
            colour = RAG_FILLS.get(str(cell.value))
            if colour is not None:
                cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)


def _grid_header(ws: Worksheet, first: list[str], dates: list[dt.date], last: list[str]) -> None:
    ws.append([*first, *dates, *last])
    for cell in ws[1]:
        cell.font = _BOLD
        cell.alignment = Alignment(horizontal="center")
        if isinstance(cell.value, dt.date):
            cell.number_format = "ddd dd/mm"
    ws.freeze_panes = f"{get_column_letter(len(first) + 1)}2"  # ws.cell() would add a row


def _staff_grid_sheet(ws: Worksheet, plan: Plan, scenario: Scenario) -> None:
    grid = staff_grid(plan, scenario)
    _grid_header(ws, ["worker_id", "worker_name"], grid.dates, ["shifts"])
    for wid, name in grid.workers:
        cells = [grid.cells.get((wid, d)) for d in grid.dates]
        _append(ws, [wid, name, *cells, sum(c.count(";") + 1 for c in cells if c)])
    _fit_grid(ws, first_widths=[10, 20], cell_width=12)


def _tests_grid_sheet(ws: Worksheet, plan: Plan, scenario: Scenario) -> None:
    grid = tests_grid(plan, scenario)
    _grid_header(ws, ["home_id", "home_name"], grid.dates, ["total"])
    for hid, name in grid.homes:
        cells = [grid.tests.get((hid, d)) for d in grid.dates]
        _append(ws, [hid, name, *cells, grid.total(hid)])
    _fit_grid(ws, first_widths=[10, 24], cell_width=10)


def home_fills(scenario: Scenario) -> dict[str, PatternFill]:
    """A pale colour per home, by its place in the scenario: hues a golden-ratio turn apart,
    so homes near each other in the list differ most, and a home keeps its colour from one
    day's plan to the next while the scenario's list of homes stays the same."""
    fills = {}
    for i, h in enumerate(scenario.homes):
        red, green, blue = colorsys.hsv_to_rgb((i * 0.618033988749895) % 1.0, 0.30, 0.98)
        colour = f"{round(red * 255):02X}{round(green * 255):02X}{round(blue * 255):02X}"
        fills[h.id] = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
    return fills


def _deployment_grid_sheet(ws: Worksheet, plan: Plan, scenario: Scenario) -> None:
    """The deployed workers only, in the worker rosters' order (name, then id), each shift
    cell "shift home name" filled with its home's colour, so a coordinator sees at a glance
    who is where; the Staff grid lists every worker by home id."""
    names = {w.id: w.name for w in scenario.workers}
    homes = {h.id: h.name for h in scenario.homes}
    fills = home_fills(scenario)
    days: dict[str, dict[dt.date, list[ShiftAssignment]]] = defaultdict(lambda: defaultdict(list))
    for s in sorted(plan.shifts, key=lambda s: (s.date, s.shift)):
        days[s.worker_id][s.date].append(s)
    dates = horizon_dates(scenario)
    _grid_header(ws, ["worker_id", "worker_name"], dates, ["shifts"])
    for wid in sorted(days, key=lambda w: (names.get(w, ""), w)):
        worked = days[wid]
        cells = [
            "; ".join(f"{s.shift} {homes.get(s.home_id, s.home_id)}" for s in worked[d])
            if d in worked
            else None
            for d in dates
        ]
        _append(ws, [wid, names.get(wid, ""), *cells, sum(map(len, worked.values()))])
        for column, d in enumerate(dates, start=3):
            if d in worked and worked[d][0].home_id in fills:
                ws.cell(row=ws.max_row, column=column).fill = fills[worked[d][0].home_id]
    _fit_grid(ws, first_widths=[10, 20], cell_width=18)


def _fit_grid(ws: Worksheet, first_widths: list[int], cell_width: int) -> None:
    for i in range(1, ws.max_column + 1):
        values = [c.value for c in ws[get_column_letter(i)]][1:]
        fitted = max((_shown_width(v) for v in values), default=0) + 2
        base = first_widths[i - 1] if i <= len(first_widths) else cell_width
        ws.column_dimensions[get_column_letter(i)].width = min(max(base, fitted), _MAX_WIDTH)
    ws.auto_filter.ref = ws.dimensions
