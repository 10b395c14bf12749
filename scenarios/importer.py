"""A scenario from planners' spreadsheets: `import_scenario` (and back: `scenarios.exporter`).

The tables and their columns are in `scenarios.layout`. The result is validated by the
ordinary scenario parser, so every schema and reference rule holds exactly as for a YAML
file; each of its problems is traced back to the cell it came from, so the planner is
told `homes.csv row 3, column residents: 40 residents exceed 30 beds`, not a YAML path.

"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scenarios.cells import Cell, CellError, Problems
from scenarios.codes import shifts_of
from scenarios.cqc import CQC, CqcQuery, Skipped, cqc_homes
from scenarios.layout import (
    AGENCIES,
    AVAILABILITY,
    DETAILS,
    FACILITIES,
    HOMES,
    PPE_DELIVERIES,
    PPE_DEPOT,
    PPE_HOME_DELIVERIES,
    PPE_HOMES,
    PPE_VANS,
    RECENT_SHIFTS,
    REQUESTS,
    SHORTFALLS,
    SITES,
    TABLES,
    WORKERS,
)
from scenarios.load import ScenarioError, dump_scenario, read_document
from scenarios.origins import Origins, validate_traced
from scenarios.ppe_sheets import SHEETS, PpeRecords, ppe_section
from scenarios.schema import MAX_HORIZON_DAYS, Scenario
from scenarios.sheets import Record, TableSpec, read_column_map, read_records

SECTIONS = {
    "homes": "homes",
    "workers": "workers",
    "sites": "test_sites",
    "facilities": "isolation_facilities",
    "requests": "isolation_requests",
    "agencies": "agencies",
}
"""Table name -> the scenario section it fills."""


@dataclass(frozen=True)
class Sources:
    """The files of one import; only homes (or a CQC query) are required."""

    homes: Path | None = None
    shortfalls: Path | None = None
    workers: Path | None = None
    availability: Path | None = None
    recent_shifts: Path | None = None
    sites: Path | None = None
    facilities: Path | None = None
    requests: Path | None = None
    agencies: Path | None = None
    ppe_homes: Path | None = None
    ppe_depot: Path | None = None
    ppe_deliveries: Path | None = None
    ppe_home_deliveries: Path | None = None
    ppe_vans: Path | None = None
    base: Path | None = None
    column_map: Path | None = None
    cqc: CqcQuery | None = None

    def files(self) -> list[Path]:
        tables = [self.homes, self.shortfalls, self.workers, self.availability]
        tables += [self.recent_shifts]
        tables += [self.sites, self.facilities, self.requests, self.agencies]
        tables += [self.ppe_homes, self.ppe_depot, self.ppe_deliveries]
        tables += [self.ppe_home_deliveries, self.ppe_vans, self.base]
        tables += [self.cqc.path, self.cqc.details] if self.cqc else []
        return [p for p in tables if p is not None]


@dataclass
class Imported:
    scenario: Scenario
    notes: list[str] = field(default_factory=list)
    sources: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    """Directory rows that cannot be a plannable home (with --cqc)."""

    def yaml(self) -> str:
        """The scenario file, headed by where it came from and every default used."""
        head = [f"# Imported by `carehome import` from {', '.join(p.name for p in self.sources)}."]
        head += [f"# {note}" for note in self.notes]
        return "\n".join(head) + "\n\n" + dump_scenario(self.scenario)


# --------------------------------------------------------------------------- import


def import_scenario(sources: Sources) -> Imported:
    """Read every table, collect every problem, validate, and raise `ScenarioError` (one
    line per problem) unless all is well."""
    problems = Problems()
    specs = {**TABLES, DETAILS.name: DETAILS, CQC.name: CQC}
    reading = _Reading(read_column_map(sources.column_map, specs, problems), problems)
    base = _read_base(sources, problems)
    tables = {
        "homes": _read_homes(sources, base, reading),
        "workers": reading.read(sources.workers, WORKERS),
        "sites": reading.read(sources.sites, SITES),
        "facilities": reading.read(sources.facilities, FACILITIES),
        "requests": reading.read(sources.requests, REQUESTS),
        "agencies": reading.read(sources.agencies, AGENCIES),
    }
    shortfalls = reading.read(sources.shortfalls, SHORTFALLS)
    availability = reading.read(sources.availability, AVAILABILITY)
    recent_shifts = reading.read(sources.recent_shifts, RECENT_SHIFTS)

    doc, origins = _sections(sources, base, tables, problems)
    _attach(doc, origins, "homes", "shortfalls", "home", shortfalls, problems)
    _attach_grid(doc, origins, tables["workers"], problems)
    _attach(doc, origins, "workers", "availability", "worker", availability, problems)
    _attach(
        doc, origins, "workers", "home_history.recent_shifts", "worker", recent_shifts, problems
    )
    if "horizon" not in doc:
        _infer_horizon(doc, problems, reading.notes)
    ppe = PpeRecords(
        *(
            reading.read(path, spec) if path is not None else None
            for path, spec in (
                (sources.ppe_homes, PPE_HOMES),
                (sources.ppe_depot, PPE_DEPOT),
                (sources.ppe_deliveries, PPE_DELIVERIES),
                (sources.ppe_vans, PPE_VANS),
                (sources.ppe_home_deliveries, PPE_HOME_DELIVERIES),
            )
        )
    )
    if ppe.given():
        _add_ppe(doc, origins, sources, ppe, problems)
    if sources.cqc is not None and "name" not in doc:
        where = sources.cqc.local_authorities or ("england",)
        doc["name"] = "cqc-" + "-".join(re.sub(r"[^a-z0-9]+", "-", a.lower()) for a in where)
    base_name = sources.base.name if sources.base else "import"
    scenario = validate_traced(doc, origins, base_name, problems)
    return Imported(scenario, reading.notes, sources.files(), reading.skipped)


@dataclass
class _Reading:
    """One import's column names and what reading its tables found: problems and notes are
    collected, never raised, so that the planner sees every one of them at once."""

    column_map: dict[str, dict[str, str]]
    problems: Problems
    notes: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def read(self, path: Path | None, spec: TableSpec) -> list[Record]:
        """The records of one table (none when it is not given)."""
        if path is None:
            return []
        recs, unused = read_records(path, spec, self.column_map, self.problems)
        self.notes.extend(unused)
        return recs


def _read_homes(sources: Sources, base: dict[str, Any], reading: _Reading) -> list[Record]:
    """The homes from the CQC directory or a homes table (one, not both), or none when the
    base file lists them."""
    problems = reading.problems
    if sources.cqc is not None and sources.homes is not None:
        problems.add(
            "give --homes or --cqc, not both (with --cqc, local details go in --cqc-details)"
        )
    if sources.cqc is not None:
        return cqc_homes(sources.cqc, reading.column_map, problems, reading.notes, reading.skipped)
    if sources.homes is not None:
        return reading.read(sources.homes, HOMES)
    if "homes" not in base:
        problems.add("no homes: give --homes FILE (or --cqc FILE --local-authority NAME)")
    return []


def _sections(
    sources: Sources,
    base: dict[str, Any],
    tables: dict[str, list[Record]],
    problems: Problems,
) -> tuple[dict[str, Any], Origins]:
    """The scenario document: the base file with each given table as its section (a
    section given twice is a problem: which one the planner meant is unknown), and where
    each record came from."""
    doc: dict[str, Any] = dict(base)
    origins = Origins()
    for table, section in SECTIONS.items():
        given = bool(tables[table]) or getattr(sources, table) is not None
        given = given or (table == "homes" and sources.cqc is not None)
        if given and section in base and sources.base is not None:
            problems.add(f"{sources.base.name}: {section} are also given by --{table}; keep one")
        if given:
            doc[section] = []
            for record in tables[table]:
                origins.place(f"{section}[{len(doc[section])}]", record)
                doc[section].append(record.data)
    return doc, origins


def _add_ppe(
    doc: dict[str, Any], origins: Origins, sources: Sources, ppe: PpeRecords, problems: Problems
) -> None:
    """The PPE sheets into the base file's `ppe` section (which keeps what no sheet holds);
    a field given by both is a problem, as for a whole section."""
    base = doc.get("ppe") or {}
    name = sources.base.name if sources.base else "base"
    if not isinstance(base, dict):
        problems.add(f"{name}: ppe: must be a mapping (drops_per_van, ...)")
        return
    for option, key in SHEETS.items():
        if getattr(sources, option) is not None and key in base:
            flag = option.replace("_", "-")
            problems.add(f"{name}: ppe.{key} are also given by --{flag}; keep one")
    if sources.ppe_home_deliveries is not None and sources.ppe_homes is None:
        for i, record in enumerate(base.get("homes") or []):
            if isinstance(record, dict) and "deliveries" in record:
                at = f"ppe.homes[{i}].deliveries"
                problems.add(f"{name}: {at} are also given by --ppe-home-deliveries; keep one")
    section, cells, reported = ppe_section(base, ppe, _horizon(doc), problems)
    doc["ppe"] = section
    origins.cells.update(cells)
    origins.reported |= reported


def _horizon(doc: dict[str, Any]) -> tuple[dt.date, int] | None:
    """The document's first day and days, if they read as such (else the parser says why)."""
    horizon = doc.get("horizon")
    if not isinstance(horizon, dict):
        return None
    try:
        start = horizon["start"]
        first = start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start))
        return first, int(horizon["days"])
    except (KeyError, TypeError, ValueError):
        return None


def _read_base(sources: Sources, problems: Problems) -> dict[str, Any]:
    """What no table holds (horizon, policy, travel, name); it may hold whole sections."""
    if sources.base is None:
        return {}
    try:
        data = read_document(sources.base)
    except ScenarioError as exc:
        for line in exc.lines:
            problems.add(line)
        return {}
    if not isinstance(data, dict):
        problems.add(f"{sources.base.name}: must be a mapping of sections (horizon, policy, ...)")
        return {}
    return data


def _attach(
    doc: dict[str, Any],
    origins: Origins,
    section: str,
    key: str,
    owner_key: str,
    recs: list[Record],
    problems: Problems,
) -> None:
    """Rows of a child table (shortfalls, availability, recent shifts) onto their owner's
    list at the dotted `key`, in row order; the owner is named by id in the `owner_key`
    column."""
    if not recs:
        return
    owners = {str(r.get("id")): (i, r) for i, r in enumerate(doc.get(section, []))}
    for record in recs:
        owner_id = record.data.pop(owner_key, None)
        cell = record.cells[owner_key]
        if owner_key in record.errors:
            continue
        if owner_id is None:
            problems.add(f"{cell}: is blank (the {section[:-1]}'s id)")
            continue
        if owner_id not in owners:
            problems.add(f"{cell}: no {section[:-1]} with id '{owner_id}'")
            continue
        i, owner = owners[owner_id]
        *parents, last = key.split(".")
        for part in parents:
            owner = owner.setdefault(part, {})
        entries = owner.setdefault(last, [])
        record.cells.pop(owner_key)
        origins.place(f"{section}[{i}].{key}[{len(entries)}]", record)
        entries.append(record.data)


def _attach_grid(
    doc: dict[str, Any], origins: Origins, workers: list[Record], problems: Problems
) -> None:
    """Per-date availability columns as runs of consecutive days with the same shifts.
    Each cell is read alone by `scenarios.codes`, so no cell changes another's meaning."""
    for i, worker in enumerate(workers):
        runs: list[tuple[dt.date, dt.date, list[str], Cell]] = []
        for when, header, raw in sorted(worker.dated, key=lambda d: d[0]):
            cell = Cell(worker.source, worker.row, header)
            try:
                shifts = list(shifts_of(raw))
            except CellError as exc:
                problems.add(f"{cell}: {exc}")
                continue
            if shifts and runs and runs[-1][2] == shifts and runs[-1][1] + _DAY == when:
                runs[-1] = (runs[-1][0], when, shifts, runs[-1][3])
            elif shifts:
                runs.append((when, when, shifts, cell))
        if not runs:
            continue
        entries = doc["workers"][i].setdefault("availability", [])
        for start, end, shifts, cell in runs:
            path = f"workers[{i}].availability[{len(entries)}]"
            for suffix in ("", ".from", ".to", ".shifts"):
                origins.cells[path + suffix] = cell
            entries.append({"from": start, "to": end, "shifts": shifts})


_DAY = dt.timedelta(days=1)


def _infer_horizon(doc: dict[str, Any], problems: Problems, notes: list[str]) -> None:
    """Without a base file, the horizon spans the tables' dates (at least a week)."""
    dates: list[dt.date] = []
    for home in doc.get("homes", []):
        dates += [s["date"] for s in home.get("shortfalls", []) if "date" in s]
    for worker in doc.get("workers", []):
        for a in worker.get("availability", []):
            dates += [d for d in (a.get("from"), a.get("to")) if isinstance(d, dt.date)]
    dates += [r["earliest"] for r in doc.get("isolation_requests", []) if "earliest" in r]
    if not dates:
        problems.add("no horizon: give --base FILE with `horizon: {start: 2020-06-01, days: 14}`")
        return
    start = min(dates)
    days = min(MAX_HORIZON_DAYS, max(7, (max(dates) - start).days + 1))
    doc["horizon"] = {"start": start, "days": days}
    notes.append(f"horizon (no --base): {days} days from {start}, spanning the tables' dates")
