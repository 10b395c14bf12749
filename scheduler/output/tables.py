"""A plan as the tables planners open in Excel, written atomically (`scheduler.output.outdir`),
and read back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from scenarios.load import dump_scenario, load_scenario
from scenarios.risk import RISK_PARTS, RiskParts
from scenarios.schema import Scenario
from scheduler.extract.unmet_words import unmet_sentence
from scheduler.output.brief import render_brief
from scheduler.output.handouts import home_sheets, site_lists, worker_rosters
from scheduler.output.outdir import staged_dir
from scheduler.plan import (
    Change,
    Placement,
    Plan,
    PpeDrop,
    PpeStock,
    RoomStay,
    ShiftAssignment,
    Summary,
    TaxiTrip,
    TestBooking,
    UnmetNeed,
    Visit,
)

TESTING = "testing_roster.csv"
STAFF = "staff_roster.csv"
ISOLATION = "isolation_placements.csv"
UNMET = "unmet.csv"
"""One row per unmet need for the planner: the columns a filter needs and one sentence."""
UNMET_DETAIL = "unmet_detail.csv"
"""The machine detail of each `unmet.csv` row, keyed by its `id`: the full cause, every
tight rule by name, who was next in line, each blocked worker, the remedy."""
RISK = "risk.csv"
SUMMARY = "summary.json"
SCENARIO = "scenario.yaml"
"""The scenario the plan was made from, so a plan folder can be checked, reported on or
re-planned on its own."""
CHANGES = "changes.csv"
"""Only in a re-plan's folder: what moved against the previous plan, and why."""
PPE_DROPS = "ppe_drops.csv"
"""Only for a scenario with PPE: each van's drops, by stop, item and quantity, and why."""
PPE_STOCK = "ppe_stock.csv"
"""Only for a scenario with PPE: each home's stock of each item at the end of each day."""
PPE_FILES = (PPE_DROPS, PPE_STOCK)
BRIEF = "brief.html"
"""The director's one-page brief on the plan's first two days (`scheduler.output.brief`)."""
ACCOMMODATION = "accommodation.csv"
"""Staff hotel stays: room requests met whole and deployed workers' nights near the home."""
TRANSPORT = "transport.csv"
"""Taxi journeys to and from homes, a pair per worker-shift."""
VISITS = "visits.csv"
"""Officers' IPC training and liaison visits to homes, with travel minutes and reason."""
SINCE_ROOMS = frozenset({ACCOMMODATION, TRANSPORT, VISITS})
"""Tables a plan folder written before staff rooms, taxis or visits lacks: read back as
empty."""
WORKER_ROSTERS = "worker_rosters.csv"
SITE_LISTS = "site_lists.csv"
HOME_SHEETS = "home_sheets.csv"
HANDOUTS: dict[str, Callable[[Plan, Scenario], pd.DataFrame]] = {
    WORKER_ROSTERS: worker_rosters,
    SITE_LISTS: site_lists,
    HOME_SHEETS: home_sheets,
}
"""The tables sent out to the people who act on the plan (`scheduler.output.handouts`): written
with the plan, never read back, since they only rearrange what the other tables hold."""
PLAN_FILES = frozenset(
    {
        TESTING,
        STAFF,
        ISOLATION,
        UNMET,
        UNMET_DETAIL,
        RISK,
        SUMMARY,
        SCENARIO,
        CHANGES,
        BRIEF,
        *PPE_FILES,
        *SINCE_ROOMS,
        *HANDOUTS,
    }
)

_COLUMNS: dict[str, tuple[type[BaseModel], list[str]]] = {
    TESTING: (
        TestBooking,
        [
            "date",
            "site_id",
            "home_id",
            "home_name",
            "cohort",
            "tests",
            "worker_id",
            "request_id",
            "risk",
            "reason",
        ],
    ),
    STAFF: (
        ShiftAssignment,
        [
            "date",
            "shift",
            "worker_id",
            "pool",
            "home_id",
            "home_name",
            "role",
            "source",
            "risk",
            "reason",
        ],
    ),
    ISOLATION: (
        Placement,
        [
            "request_id",
            "from_home",
            "mode",
            "facility_id",
            "admit_date",
            "discharge_date",
            "wait_days",
            "reason",
        ],
    ),
    UNMET: (
        UnmetNeed,
        [
            "id",
            "date",
            "home_id",
            "kind",
            "source",
            "amount",
            "risk",
            "cause_family",
            "summary",
        ],
    ),
    UNMET_DETAIL: (
        UnmetNeed,
        [
            "id",
            "detail",
            "cause_rule",
            "cause_resource",
            "cause",
            "cause_date",
            "binding",
            "next_in_line",
            "blocked",
            "remedy",
        ],
    ),
    ACCOMMODATION: (
        RoomStay,
        [
            "who",
            "home_id",
            "home_name",
            "hotel_id",
            "first_night",
            "nights",
            "reason",
            "request_id",
            "worker_id",
        ],
    ),
    TRANSPORT: (TaxiTrip, ["worker_id", "date", "home_id", "home_name", "journeys", "reason"]),
    VISITS: (
        Visit,
        ["date", "officer_id", "home_id", "home_name", "kind", "travel_minutes", "reason"],
    ),
    RISK: (RiskParts, ["home_id", "home_name", "date", "score", *RISK_PARTS]),
    CHANGES: (
        Change,
        [
            "date",
            "kind",
            "home_id",
            "home_name",
            "worker_id",
            "detail",
            "before",
            "after",
            "reason",
        ],
    ),
    PPE_DROPS: (
        PpeDrop,
        ["date", "van", "stop", "home_id", "home_name", "item", "quantity", "reason"],
    ),
    PPE_STOCK: (
        PpeStock,
        [
            "date",
            "home_id",
            "home_name",
            "item",
            "dropped",
            "own_delivered",
            "used",
            "stock",
            "days_cover",
            "without",
        ],
    ),
}
_FIELDS = {
    "testing": TESTING,
    "shifts": STAFF,
    "placements": ISOLATION,
    "rooms": ACCOMMODATION,
    "taxis": TRANSPORT,
    "visits": VISITS,
    "unmet": UNMET,
    "risk": RISK,
    "changes": CHANGES,
    "ppe_drops": PPE_DROPS,
    "ppe_stock": PPE_STOCK,
}


def plan_tables(plan: Plan, scenario: Scenario) -> dict[str, pd.DataFrame]:
    names = {h.id: h.name for h in scenario.homes}
    tables: dict[str, pd.DataFrame] = {}
    for attr, filename in _FIELDS.items():
        if filename == CHANGES and not plan.summary.previous:
            continue
        if filename in PPE_FILES and scenario.ppe is None:
            continue
        if filename == UNMET:
            tables |= _unmet_tables(plan, names)
            continue
        _model, columns = _COLUMNS[filename]
        rows = [r.model_dump(mode="json") for r in getattr(plan, attr)]
        frame = pd.DataFrame(rows, columns=[c for c in columns if c != "home_name"])
        if "home_name" in columns:
            frame.insert(columns.index("home_name"), "home_name", frame["home_id"].map(names))
        tables[filename] = frame
    return tables | {filename: build(plan, scenario) for filename, build in HANDOUTS.items()}


def _unmet_tables(plan: Plan, names: dict[str, str]) -> dict[str, pd.DataFrame]:
    """`unmet.csv` and `unmet_detail.csv`, one row each per unmet need, sharing the row's
    `id` (its 1-based place in the plan's order, so the same plan gives the same ids)."""
    rows = [
        u.model_dump(mode="json")
        | {"id": i, "summary": unmet_sentence(u, names.get(u.home_id or ""))}
        for i, u in enumerate(plan.unmet, start=1)
    ]
    return {
        filename: pd.DataFrame(rows, columns=_COLUMNS[filename][1])
        for filename in (UNMET, UNMET_DETAIL)
    }


def write_plan(plan: Plan, scenario: Scenario, out_dir: str | Path) -> Path:
    """Write every table into `out_dir` atomically, replacing an earlier plan there."""
    out = Path(out_dir)
    with staged_dir(out, PLAN_FILES, "a plan") as staging:
        for filename, frame in plan_tables(plan, scenario).items():
            frame.to_csv(staging / filename, index=False)
        summary = plan.summary.model_dump(mode="json")
        (staging / SUMMARY).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        (staging / SCENARIO).write_text(dump_scenario(scenario), encoding="utf-8")
        (staging / BRIEF).write_text(render_brief(plan, scenario), encoding="utf-8")
    return out


class PlanReadError(Exception):
    """A plan folder that cannot be read back; message names the file and row."""


def read_plan(plan_dir: str | Path) -> Plan:
    folder = Path(plan_dir)
    if not folder.is_dir():
        raise PlanReadError(f"{folder}: not a plan folder")
    parts: dict[str, Any] = {}
    for attr, filename in _FIELDS.items():
        model, _columns = _COLUMNS[filename]
        if filename in (CHANGES, *PPE_FILES) and not (folder / filename).exists():
            continue  # not a re-plan, or a scenario without PPE
        if filename in SINCE_ROOMS and not (folder / filename).exists():
            continue
        records = _records(folder / filename)
        if filename == UNMET:
            records = _with_unmet_detail(records, folder)
        parts[attr] = _validated(filename, records, model)
    try:
        summary = Summary.model_validate_json((folder / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PlanReadError(f"{folder / SUMMARY}: {str(exc).splitlines()[0]}") from None
    return Plan(summary=summary, **parts)


def read_plan_folder(plan_dir: str | Path) -> tuple[Plan, Scenario]:
    """A plan and the scenario it was made from, both from its folder: all that a command
    reading only plan folders (explain, trace) needs, with the same errors for both."""
    folder = Path(plan_dir)
    plan = read_plan(folder)
    if not (folder / SCENARIO).is_file():
        raise PlanReadError(f"{folder / SCENARIO}: missing")
    return plan, load_scenario(folder / SCENARIO)


def _records(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise PlanReadError(f"{path}: missing")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]


def _with_unmet_detail(records: list[dict[str, str]], folder: Path) -> list[dict[str, str]]:
    """Each `unmet.csv` row joined with its `unmet_detail.csv` row by `id`; a folder
    written before the split (no `id` column) holds every field in `unmet.csv` already."""
    if not records or "id" not in records[0]:
        return records
    detail = {r.get("id", ""): r for r in _records(folder / UNMET_DETAIL)}
    joined = []
    for i, record in enumerate(records):
        if record["id"] not in detail:
            raise PlanReadError(
                f"{UNMET} row {i + 2}: id {record['id']!r} has no row in {UNMET_DETAIL}"
            )
        joined.append(detail[record["id"]] | record)
    return joined


def _validated(filename: str, records: list[dict[str, str]], model: type[BaseModel]) -> list[Any]:
    fields = set(model.model_fields)
    rows = []
    for i, record in enumerate(records):
        # An empty cell means "not given": the field's default (None or "") applies.
        data = {k: v for k, v in record.items() if k in fields and v != ""}
        try:
            rows.append(model.model_validate(data))
        except ValueError as exc:
            first = str(exc).splitlines()
            detail = first[1] + ": " + first[2].strip() if len(first) > 2 else first[0]
            raise PlanReadError(f"{filename} row {i + 2}: {detail}") from None
    return rows
