"""Planners' spreadsheets (CSV or XLSX) read into records, with every problem named by cell.

A planner fixes a spreadsheet by going to a cell, so each problem names the file, the row
number Excel shows (the header is row 1, the first data row row 2) and the column as the
planner spelled it: ``homes.xlsx row 14, column Beds: 'forty' is not a whole number``.

Headers are matched ignoring case, spaces and punctuation, against each field's name and
its synonyms (``Registered Beds`` is ``beds``); a column map (``--map``) names a field's
column outright. Values are parsed cell by cell and every failure is collected, so one run
lists every problem. Blank rows are skipped, text is stripped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scenarios.cells import (
    Cell,
    CellError,
    Parser,
    Problems,
    date,
    is_blank,
    norm,
    shown,
    text,
)
from scenarios.load import ScenarioError, read_document
from scenarios.sheet_files import HEADER_SEARCH_ROWS, read_sheets

# --------------------------------------------------------------------------- table layouts


@dataclass(frozen=True)
class Column:
    """A field of a table: `key` is its dotted place in the record (`outbreak.since`),
    `header` the name templates and exports use (`outbreak_since`)."""

    key: str
    parse: Parser = text
    synonyms: tuple[str, ...] = ()
    required: bool = False
    header: str = ""

    @property
    def name(self) -> str:
        return self.header or self.key.replace(".", "_")


@dataclass(frozen=True)
class TableSpec:
    """A table's columns; `name` is its section in a column map and its word in messages.
    `date_columns` keeps headers that are dates (a per-date availability grid)."""

    name: str
    columns: tuple[Column, ...]
    date_columns: bool = False


@dataclass
class Row:
    number: int
    values: dict[str, object]
    """Raw value per column name (of the spec) present in the file."""
    dated: list[tuple[dt.date, str, object]] = field(default_factory=list)
    """Per-date grid cells: (date, header as spelled, raw value)."""


@dataclass
class Table:
    source: str
    headers: dict[str, str]
    """Column name (of the spec) -> header as the planner spelled it."""
    rows: list[Row]
    unused: list[str]


@dataclass
class Record:
    """One row parsed: `data` nested by dotted keys, the cell of each key, and the keys
    whose cell did not parse (or whose required column is missing)."""

    source: str
    row: int
    data: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, Cell] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    dated: list[tuple[dt.date, str, object]] = field(default_factory=list)

    @property
    def cell(self) -> Cell:
        return Cell(self.source, self.row)


def set_path(data: dict[str, Any], key: str, value: object) -> None:
    *parents, last = key.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def get_path(data: Mapping[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


# --------------------------------------------------------------------------- reading


def _matchers(spec: TableSpec, mapped: Mapping[str, str]) -> list[tuple[str, set[str]]]:
    """Per column, the header keys it answers to, most specific first: a mapped header
    replaces a column's own names; then exact names; then synonyms."""
    return [
        (c.name, {norm(mapped[c.name])} if c.name in mapped else {norm(c.name), norm(c.key)})
        for c in spec.columns
    ] + [(c.name, {norm(s) for s in c.synonyms}) for c in spec.columns if c.name not in mapped]


def _match(headers: list[object], matchers: list[tuple[str, set[str]]]) -> dict[int, str]:
    """Header position -> column name; each header and each column used once."""
    found: dict[int, str] = {}
    for name, keys in matchers:
        for i, header in enumerate(headers):
            if i not in found and header is not None and norm(shown(header)) in keys:
                found[i] = name
    return found


def read_table(
    path: Path, spec: TableSpec, mapped: Mapping[str, str], problems: Problems
) -> Table | None:
    """The table of `spec` in `path`: in a workbook, the sheet and header row (within the
    first rows) naming most of its columns. None, with problems added, if unusable."""
    try:
        sheets = read_sheets(path)
    except ScenarioError as exc:
        for line in exc.lines:
            problems.add(line)
        return None
    matchers = _matchers(spec, mapped)
    best: tuple[int, str, int, dict[int, str]] | None = None
    tied: list[str] = []
    for sheet, rows in sheets.items():
        for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            found = _match(row, matchers)
            if found and (best is None or len(found) > best[0]):
                best, tied = (len(found), sheet, r, found), [sheet]
            elif found and best and len(found) == best[0] and sheet not in tied:
                tied.append(sheet)
    source = path.name
    if best is None:
        expected = ", ".join(c.name for c in spec.columns if c.required) or spec.columns[0].name
        problems.add(f"{source}: no header row naming a {spec.name} column (such as {expected})")
        return None
    if len(tied) > 1:
        names = " and ".join(f"'{t}'" for t in tied)
        problems.add(f"{source}: sheets {names} both look like the {spec.name} table; keep one")
        return None
    _, sheet, header_row, found = best
    if len(sheets) > 1:
        source = f"{path.name} [{sheet}]"
    rows = sheets[sheet]
    header = rows[header_row]
    return _table(source, spec, mapped, header, rows, header_row, found, problems)


def _table(
    source: str,
    spec: TableSpec,
    mapped: Mapping[str, str],
    header: list[object],
    rows: list[list[object]],
    header_row: int,
    found: dict[int, str],
    problems: Problems,
) -> Table:
    headers: dict[str, str] = {}
    for i, name in sorted(found.items()):
        if name in headers:
            problems.add(
                f"{source}: columns '{headers[name]}' and '{shown(header[i])}' both give "
                f"{spec.name} {name}; delete one or name the right one in --map"
            )
        else:
            headers[name] = shown(header[i])
    dated: dict[int, dt.date] = {}
    unused: list[str] = []
    for i, cell in enumerate(header):
        if i in found or cell is None:
            continue
        when = _header_date(cell) if spec.date_columns else None
        twin = next((j for j, other in dated.items() if other == when), None)
        if when is not None and twin is not None:
            problems.add(
                f"{source}: columns '{shown(header[twin])}' and '{shown(cell)}' are both "
                f"{when:%d/%m/%Y}; keep one"
            )
        elif when is not None:
            dated[i] = when
        else:
            unused.append(shown(cell))
    for name, column in mapped.items():
        if name not in headers:
            problems.add(f"{source}: no column '{column}' (the column map's {spec.name} {name})")
    for c in spec.columns:
        if c.required and c.name not in headers and c.name not in mapped:
            synonyms = "".join(f", {s}" for s in c.synonyms[:3])
            problems.add(f"{source}: no {c.name} column (named {c.name}{synonyms})")
    body: list[Row] = []
    for r in range(header_row + 1, len(rows)):
        cells = rows[r]
        if all(v is None for v in cells):
            continue
        values = {found[i]: v for i, v in enumerate(cells) if i in found}
        grid = [(when, shown(header[i]), cells[i]) for i, when in dated.items()]
        body.append(Row(number=r + 1, values=values, dated=grid))
    return Table(source=source, headers=headers, rows=body, unused=unused)


def _header_date(cell: object) -> dt.date | None:
    try:
        return date(cell)
    except CellError:
        return None


def records(table: Table, spec: TableSpec) -> list[Record]:
    """Each row parsed by its columns; a failed cell is named in `errors`, not raised.
    A blank cell, or N/A in a typed column, is no value; a mark such as `-`, `?` or `*`
    is parsed like any other text (and refused where it means nothing), since it may stand
    for none, unknown or see-a-note."""
    result: list[Record] = []
    for row in table.rows:
        record = Record(source=table.source, row=row.number, dated=row.dated)
        for c in spec.columns:
            cell = Cell(table.source, row.number, table.headers.get(c.name, c.name))
            record.cells[c.key] = cell
            if c.name not in table.headers:
                if c.required:
                    record.errors[c.key] = ""  # the missing column is reported once
                continue
            raw = row.values.get(c.name)
            if is_blank(raw) or (c.parse is not text and norm(shown(raw)) == "na"):
                continue
            try:
                set_path(record.data, c.key, c.parse(raw))
            except CellError as exc:
                record.errors[c.key] = f"{cell}: {exc}"
        result.append(record)
    return result


def read_records(
    path: Path,
    spec: TableSpec,
    column_map: Mapping[str, Mapping[str, str]],
    problems: Problems,
    strict: bool = True,
) -> tuple[list[Record], list[str]]:
    """The parsed rows of a table, and notes on the columns no field uses (a misspelt
    optional column is otherwise lost silently). `strict`: every bad cell is a problem;
    otherwise bad cells stay in each record's `errors` for the caller to judge."""
    table = read_table(path, spec, column_map.get(spec.name, {}), problems)
    if table is None:
        return [], []
    recs = records(table, spec)
    for record in recs if strict else ():
        for line in record.errors.values():
            if line:
                problems.add(line)
    notes = []
    if table.unused:
        names = ", ".join(f"'{u}'" for u in table.unused)
        notes.append(
            f"{table.source}: not read: {names} (not {spec.name} columns; "
            "name a field's column in --map if one of them is)"
        )
    return recs, notes


def read_column_map(
    path: Path | None, specs: Mapping[str, TableSpec], problems: Problems
) -> dict[str, dict[str, str]]:
    """A planner's own column names: ``{table: {field: their column}}``, e.g.
    ``homes: {beds: No. of beds}``; a named column replaces the field's usual names."""
    if path is None:
        return {}
    try:
        data = read_document(path)
    except ScenarioError as exc:
        for line in exc.lines:
            problems.add(line)
        return {}
    result: dict[str, dict[str, str]] = {}
    if not isinstance(data, dict):
        problems.add(
            f"{path.name}: must map tables to {{field: column}}, e.g. homes: {{beds: Beds}}"
        )
        return result
    for table, fields in data.items():
        spec = specs.get(str(table))
        if spec is None:
            problems.add(f"{path.name}: {table}: not a table (tables: {', '.join(specs)})")
            continue
        if not isinstance(fields, dict):
            problems.add(f"{path.name}: {table}: must map fields to column names")
            continue
        names = [c.name for c in spec.columns]
        for name, column in fields.items():
            if name not in names:
                problems.add(
                    f"{path.name}: {table}.{name}: not a field (fields: {', '.join(names)})"
                )
            elif not isinstance(column, str | int) or not str(column).strip():
                problems.add(f"{path.name}: {table}.{name}: must be a column name")
            else:
                result.setdefault(str(table), {})[str(name)] = str(column).strip()
    return result


# --------------------------------------------------------------------------- writing


def cell_text(value: object) -> str:
    """A record value as a spreadsheet cell: lists `; `-joined, the empty list `none`, a
    range of days `min-max` (as `days` reads it)."""
    if value is None:
        return ""
    if isinstance(value, dict) and value.keys() == {"min", "max"}:
        return f"{value['min']}-{value['max']}"
    if isinstance(value, list):
        return "; ".join(map(str, value)) if value else "none"
    return str(value)


def csv_text(spec: TableSpec, rows: Iterable[Mapping[str, Any]]) -> str:
    """The rows under the spec's headers, for Excel: UTF-8 with a byte-order mark."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in spec.columns])
    for row in rows:
        writer.writerow([cell_text(get_path(row, c.key)) for c in spec.columns])
    return "\ufeff" + out.getvalue()
