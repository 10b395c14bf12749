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
    PPE_DELIVERIES,
    PPE_DEPOT,
    PPE_HOME_DELIVERIES,
    PPE_HOMES,
    PPE_VANS,
    RECENT_SHIFTS,
    REQUESTS,
    SHORTFALLS,
    SITES,
    WORKERS,
)
from scenarios.ppe_sheets import SHEETS, ppe_rows
from scenarios.schema import Scenario
from scenarios.sheets import TableSpec, csv_text

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
what of PPE no sheet holds (`drops_per_van`)."""

PPE_FILES: dict[str, tuple[str, TableSpec]] = {
    "ppe_homes": ("ppe-homes.csv", PPE_HOMES),
    "ppe_depot": ("ppe-depot.csv", PPE_DEPOT),
    "ppe_deliveries": ("ppe-deliveries.csv", PPE_DELIVERIES),
    "ppe_vans": ("ppe-vans.csv", PPE_VANS),
    "ppe_home_deliveries": ("ppe-home-deliveries.csv", PPE_HOME_DELIVERIES),
}
"""A PPE sheet's option -> its file and layout; written only for a scenario with PPE."""


def export_tables(scenario: Scenario) -> dict[str, str]:
    """File name -> text of the spreadsheet layout of `scenario`."""
    data = scenario.model_dump(mode="json", by_alias=True)
    homes, workers = data["homes"], data["workers"]
    base = scenario.model_dump(
        mode="json",
        by_alias=True,
        exclude_defaults=True,
        include=set(BASE_SECTIONS),
        exclude={"ppe": set(SHEETS.values())},
    )
    if base.get("ppe") == {}:
        del base["ppe"]  # all of it is in the sheets
    ppe = {
        PPE_FILES[option][0]: csv_text(PPE_FILES[option][1], rows)
        for option, rows in ppe_rows(scenario).items()
    }
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
        **ppe,
        "base.yaml": BASE_HEADER + yaml.safe_dump(base, sort_keys=False, allow_unicode=True),
    }


BASE_HEADER = """\
# What the tables do not hold: the scenario's name, its planning horizon, the policy,
# travel times, the agencies and the PPE drops a van makes a day (`carehome schema`
# lists every field; left out, a field takes its default).
# Import with:
#   carehome import --base base.yaml --homes homes.csv --shortfalls shortfalls.csv \\
#     --workers workers.csv --availability availability.csv \\
#     --recent-shifts recent-shifts.csv --sites sites.csv \\
#     --facilities facilities.csv --requests requests.csv \\
#     --ppe-homes ppe-homes.csv --ppe-depot ppe-depot.csv \\
#     --ppe-deliveries ppe-deliveries.csv --ppe-vans ppe-vans.csv \\
#     --ppe-home-deliveries ppe-home-deliveries.csv -o scenario.yaml

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
        ppe_homes=has("ppe-homes.csv"),
        ppe_depot=has("ppe-depot.csv"),
        ppe_deliveries=has("ppe-deliveries.csv"),
        ppe_vans=has("ppe-vans.csv"),
        ppe_home_deliveries=has("ppe-home-deliveries.csv"),
        base=has("base.yaml"),
    )
