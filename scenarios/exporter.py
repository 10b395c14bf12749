"""A scenario as planners' spreadsheets: the tables `scenarios.importer` reads (and the base
YAML with what no table holds), so `import(export(s)) == s`: a planner can edit a scenario
in Excel and import it again."""

from __future__ import annotations

from pathlib import Path

import yaml

from scenarios.atomic import write_text
from scenarios.importer import Sources
from scenarios.layout import (
    AVAILABILITY,
    FACILITIES,
    HOMES,
    RECENT_SHIFTS,
    REQUESTS,
    SHORTFALLS,
    SITES,
    WORKERS,
)
from scenarios.schema import Scenario
from scenarios.sheets import csv_text

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
    "ppe",
)
"""What the base YAML holds when exported: everything no table holds, the agencies (a
short list; `--agencies` reads them from a sheet instead), the staff hotels, room
requests and training and liaison officers (short lists, written in the base file) and
the PPE stock, use, depot and deliveries (nested per home and item, as no one table
holds them)."""


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
# travel times, the agencies and the PPE stock and deliveries (`carehome schema` lists
# every field; left out, a field takes its default).
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
