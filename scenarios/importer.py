"""A scenario from planners' spreadsheets, and back: `import_scenario` and `export_inputs`.

The tables and their columns are in `scenarios.layout`. The result is validated by the
ordinary scenario parser, so every schema and reference rule holds exactly as for a YAML
file; each of its problems is traced back to the cell it came from, so the planner is
told `homes.csv row 3, column residents: 40 residents exceed 30 beds`, not a YAML path.

Export writes the same tables (and the base YAML with what no table holds), so
`import(export(s)) == s`: a planner can edit a scenario in Excel and import it again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scenarios.atomic import write_text
from scenarios.cells import Cell, CellError, Problems
from scenarios.codes import shifts_of
from scenarios.cqc import CQC, CqcQuery, Skipped, cqc_homes
from scenarios.layout import (
    AGENCIES,
    AVAILABILITY,
    DETAILS,
    FACILITIES,
    HOMES,
    RECENT_SHIFTS,
    REQUESTS,
    SHORTFALLS,
    SITES,
    TABLES,
    WORKERS,
)
from scenarios.load import ScenarioError, dump_scenario, parse_scenario, read_document
from scenarios.schema import MAX_HORIZON_DAYS, Scenario
from scenarios.sheets import Record, TableSpec, csv_text, read_column_map, read_records

SECTIONS = {
    "homes": "homes",
    "workers": "workers",
    "sites": "test_sites",
    "facilities": "isolation_facilities",
    "requests": "isolation_requests",
    "agencies": "agencies",
}
"""Table name -> the scenario section it fills."""

BASE_SECTIONS = (
    "name",
    "description",
    "horizon",
    "policy",
    "travel",
    "agencies",
    "staff_hotels",
    "room_requests",
    "officers",
)
"""What the base YAML holds when exported: everything no table holds, the agencies (a
short list; `--agencies` reads them from a sheet instead) and the staff hotels, room
requests and training and liaison officers (short lists, written in the base file)."""


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
    base: Path | None = None
    column_map: Path | None = None
    cqc: CqcQuery | None = None

    def files(self) -> list[Path]:
        tables = [self.homes, self.shortfalls, self.workers, self.availability]
        tables += [self.recent_shifts]
        tables += [self.sites, self.facilities, self.requests, self.agencies, self.base]
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


# --------------------------------------------------------------------------- origins


@dataclass
class Origins:
    """The cell behind each path of the assembled document, to name it in a problem."""

    cells: dict[str, Cell] = field(default_factory=dict)
    reported: set[Cell] = field(default_factory=set)

    def place(self, path: str, record: Record) -> None:
        """A record's cells; a row with a bad cell has its row-wide problems (which follow
        from the value missing) left out, as the cell's own problem names the cause."""
        self.cells[path] = record.cell
        if any(record.errors.values()):
            self.reported.add(record.cell)
        for key, cell in record.cells.items():
            self.cells[f"{path}.{key}"] = cell
            if key in record.errors:
                self.reported.add(cell)

    def locate(self, path: str) -> Cell | None:
        """The cell of `path` or, failing that, of its nearest recorded parent."""
        while path:
            if path in self.cells:
                return self.cells[path]
            parent = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", path)
            if parent == path:  # no parent to strip (a path that is not ours): give up
                return None
            path = parent
        return None


_SOURCE = "<import>"


def _validate(doc: dict[str, Any], origins: Origins, base: str, problems: Problems) -> Scenario:
    """Through the ordinary parser; its problems named by cell, or by the base file."""
    try:
        scenario = parse_scenario(doc, source=_SOURCE)
    except ScenarioError as exc:
        for line in exc.lines:
            path, _, message = line.removeprefix(f"{_SOURCE}: ").partition(": ")
            plain = re.sub(r" \([^)]*\)", "", path)
            cell = origins.locate(plain)
            if cell is None:
                problems.add(f"{base}: {path}: {message}")
            elif cell in origins.reported:
                continue  # its cell's own problem is already listed
            elif cell.column and plain in origins.cells:
                blank = message == "required field is missing"
                problems.add(f"{cell}: {'is blank' if blank else message}")
            else:
                problems.add(f"{cell}: {path.split('.', 1)[-1]}: {message}")
        problems.raise_if_any()
        raise
    problems.raise_if_any()
    return scenario


# --------------------------------------------------------------------------- import


def import_scenario(sources: Sources) -> Imported:
    """Read every table, collect every problem, validate, and raise `ScenarioError` (one
    line per problem) unless all is well."""
    problems = Problems()
    notes: list[str] = []
    skipped: list[Skipped] = []
    specs = {**TABLES, DETAILS.name: DETAILS, CQC.name: CQC}
    column_map = read_column_map(sources.column_map, specs, problems)

    def read(path: Path | None, spec: TableSpec) -> list[Record]:
        if path is None:
            return []
        recs, unused = read_records(path, spec, column_map, problems)
        notes.extend(unused)
        return recs

    base = _read_base(sources, problems)
    if sources.cqc is not None and sources.homes is not None:
        problems.add(
            "give --homes or --cqc, not both (with --cqc, local details go in --cqc-details)"
        )
    if sources.cqc is not None:
        homes = cqc_homes(sources.cqc, column_map, problems, notes, skipped)
    elif sources.homes is not None:
        homes = read(sources.homes, HOMES)
    elif "homes" not in base:
        problems.add("no homes: give --homes FILE (or --cqc FILE --local-authority NAME)")
        homes = []
    else:
        homes = []
    tables = {
        "homes": homes,
        "workers": read(sources.workers, WORKERS),
        "sites": read(sources.sites, SITES),
        "facilities": read(sources.facilities, FACILITIES),
        "requests": read(sources.requests, REQUESTS),
        "agencies": read(sources.agencies, AGENCIES),
    }
    shortfalls = read(sources.shortfalls, SHORTFALLS)
    availability = read(sources.availability, AVAILABILITY)
    recent_shifts = read(sources.recent_shifts, RECENT_SHIFTS)

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
    _attach(doc, origins, "homes", "shortfalls", "home", shortfalls, problems)
    _attach_grid(doc, origins, tables["workers"], problems)
    _attach(doc, origins, "workers", "availability", "worker", availability, problems)
    _attach(
        doc, origins, "workers", "home_history.recent_shifts", "worker", recent_shifts, problems
    )
    if "horizon" not in doc:
        _infer_horizon(doc, problems, notes)
    if sources.cqc is not None and "name" not in doc:
        where = sources.cqc.local_authorities or ("england",)
        doc["name"] = "cqc-" + "-".join(re.sub(r"[^a-z0-9]+", "-", a.lower()) for a in where)
    base_name = sources.base.name if sources.base else "import"
    scenario = _validate(doc, origins, base_name, problems)
    return Imported(scenario, notes, sources.files(), skipped)


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


# --------------------------------------------------------------------------- export


def export_tables(scenario: Scenario) -> dict[str, str]:
    """File name -> text of the spreadsheet layout of `scenario`."""
    data = scenario.model_dump(mode="json", by_alias=True)
    homes, workers = data["homes"], data["workers"]
    base = scenario.model_dump(
        mode="json", by_alias=True, exclude_defaults=True, include=set(BASE_SECTIONS)
    )
    return {
        "homes.csv": csv_text(HOMES, homes),
        "shortfalls.csv": csv_text(
            SHORTFALLS, [{"home": h["id"], **s} for h in homes for s in h["shortfalls"]]
        ),
        "workers.csv": csv_text(WORKERS, workers),
        "availability.csv": csv_text(
            AVAILABILITY, [{"worker": w["id"], **a} for w in workers for a in w["availability"]]
        ),
        "recent-shifts.csv": csv_text(
            RECENT_SHIFTS,
            [{"worker": w["id"], **r} for w in workers for r in w["home_history"]["recent_shifts"]],
        ),
        "sites.csv": csv_text(SITES, data["test_sites"]),
        "facilities.csv": csv_text(FACILITIES, data["isolation_facilities"]),
        "requests.csv": csv_text(REQUESTS, data["isolation_requests"]),
        "base.yaml": BASE_HEADER + yaml.safe_dump(base, sort_keys=False, allow_unicode=True),
    }


BASE_HEADER = """\
# What the tables do not hold: the scenario's name, its planning horizon, the policy,
# travel times and the agencies (`carehome schema` lists every field; left out, a field
# takes its default).
# Import with:
#   carehome import --base base.yaml --homes homes.csv --shortfalls shortfalls.csv \\
#     --workers workers.csv --availability availability.csv \\
#     --recent-shifts recent-shifts.csv --sites sites.csv \\
#     --facilities facilities.csv --requests requests.csv -o scenario.yaml

"""


def export_inputs(scenario: Scenario, directory: Path) -> list[Path]:
    """Write the tables into `directory`, each file atomically (temp file and rename)."""

    written = []
    for name, content in export_tables(scenario).items():
        write_text(directory / name, content)
        written.append(directory / name)
    return written


def sources_in(directory: Path) -> Sources:
    """The sources of an exported folder, to import it again."""

    def has(name: str) -> Path | None:
        path = directory / name
        return path if path.exists() else None

    return Sources(
        homes=has("homes.csv"),
        shortfalls=has("shortfalls.csv"),
        workers=has("workers.csv"),
        availability=has("availability.csv"),
        recent_shifts=has("recent-shifts.csv"),
        sites=has("sites.csv"),
        facilities=has("facilities.csv"),
        requests=has("requests.csv"),
        agencies=has("agencies.csv"),
        base=has("base.yaml"),
    )
