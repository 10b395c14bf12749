"""The HTML report's page shell: inline CSS, the sort script, and an escaping table helper.

The page must work as an email attachment with no network: everything is inline, and a
Content-Security-Policy forbids every fetch, so a stray external reference fails loudly in
a browser (and in the browser test) instead of leaking a request from a planner's inbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

BASE_CSS = """
:root { --ink: #111; --muted: #555; --line: #ccc; --head: #eef2f7; }
* { box-sizing: border-box; }
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Arial, sans-serif;
  color: var(--ink); margin: 0 auto; padding: 16px 24px; max-width: 1400px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid var(--line); }
h3 { font-size: 14px; margin: 14px 0 6px; }
p.meta, p.note { color: var(--muted); margin: 4px 0 10px; }
nav a { margin-right: 12px; color: #0b57a4; text-decoration: none; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
  gap: 8px; margin: 8px 0 12px; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.kpi .value { font-size: 20px; font-weight: 600; display: block; }
.kpi .label { color: var(--muted); font-size: 12px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 4px 0 12px; }
th, td { border: 1px solid var(--line); padding: 2px 6px; text-align: left;
  vertical-align: top; }
th { background: var(--head); position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th.cell, td.cell { text-align: center; white-space: nowrap; min-width: 2.8em; }
td.nowrap { white-space: nowrap; }
td.night { background: #e6e1f5; }
td.day { background: #fdf3d7; }
td.over { background: #f8c9c2; font-weight: 600; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort="ascending"]::after { content: " \\25B2"; }
table.sortable th[aria-sort="descending"]::after { content: " \\25BC"; }
svg.chart { width: 100%; max-width: 760px; height: auto; display: block; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr));
  gap: 8px 16px; }
"""
"""The screen styles every page shares; each page adds its own print rules."""

REPORT_CSS = (
    BASE_CSS
    + """
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { font-size: 9px; padding: 0; max-width: none; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section { break-before: page; page-break-before: always; }
  section#summary { break-before: auto; page-break-before: auto; }
  tr, .kpi, svg.chart { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  th { position: static; }
  .scroll { overflow: visible; }
  td, th { padding: 1px 3px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
)
"""The report prints one section a page on A4 landscape, so a fortnight's grid fits."""

SORT_SCRIPT = """
(function () {
  "use strict";
  function key(cell) {
    var raw = cell.getAttribute("data-sort");
    var text = raw !== null ? raw : cell.textContent.trim();
    var num = Number(text.replace(/[,%\\s]/g, ""));
    return text !== "" && !isNaN(num) ? num : text.toLowerCase();
  }
  function compare(a, b) {
    if (typeof a === typeof b) { return a < b ? -1 : a > b ? 1 : 0; }
    return typeof a === "number" ? -1 : 1;
  }
  function sortBy(table, th, index) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var down = th.getAttribute("aria-sort") === "ascending";
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    for (var i = 0; i < heads.length; i++) { heads[i].removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", down ? "descending" : "ascending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r, s) {
      var c = compare(key(r.cells[index]), key(s.cells[index]));
      return down ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    if (!table.tHead) { return; }
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, index) {
      th.title = "sort";
      th.addEventListener("click", function () { sortBy(table, th, index); });
    });
  });
})();
"""


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell: shown text (escaped on output), optional CSS class, sort key, style
    and tooltip, so callers never build markup from input data by hand."""

    text: object
    css: str = ""
    sort: object | None = None
    style: str = ""
    tip: str = ""

    def html(self, tag: str = "td") -> str:
        attrs = ""
        if self.css:
            attrs += f' class="{escape(self.css)}"'
        if self.sort is not None:
            attrs += f' data-sort="{escape(str(self.sort))}"'
        if self.style:
            attrs += f' style="{escape(self.style)}"'
        if self.tip:
            attrs += f' title="{escape(self.tip)}"'
        text = "" if self.text is None else str(self.text)
        return f"<{tag}{attrs}>{escape(text)}</{tag}>"


def num(value: float | int | None, fmt: str = "{:,.0f}") -> Cell:
    if value is None:
        return Cell("", css="num", sort="")
    return Cell(fmt.format(value), css="num", sort=value)


def num_head(text: str) -> Cell:
    """A header over a numeric column, right-aligned like its numbers."""
    return Cell(text, css="num")


def table(
    header: Sequence[str | Cell],
    rows: Iterable[Sequence[object]],
    table_id: str = "",
    sortable: bool = True,
) -> str:
    """A table in a horizontal scroller; plain values become escaped text cells."""

    def cell(value: object) -> Cell:
        if isinstance(value, Cell):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return num(value)
        return Cell(value)

    head = "".join(cell(h).html("th") for h in header)
    body = "".join("<tr>" + "".join(cell(v).html() for v in row) + "</tr>" for row in rows)
    attrs = f' id="{escape(table_id)}"' if table_id else ""
    css = ' class="sortable"' if sortable else ""
    return (
        f'<div class="scroll"><table{attrs}{css}><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def date_heads(dates: Sequence[dt.date]) -> list[str | Cell]:
    """Short day headers, so a fortnight fits across A4 landscape; the weekday on hover."""
    return [Cell(f"{d:%d/%m}", css="cell", sort=d.isoformat(), tip=f"{d:%A}") for d in dates]


def note(text: str) -> str:
    return f'<p class="note">{escape(text)}</p>'


def page(title: str, body: str, css: str = REPORT_CSS, script: str = SORT_SCRIPT) -> str:
    """The whole document; a page with no script (`script=""`) carries no <script> tag."""
    tail = f"<script>{script}</script>" if script else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{css}</style></head>"
        f"<body>{body}{tail}</body></html>\n"
    )
