"""A plan as the tables planners open in Excel, written atomically (`scheduler.outdir`),
and read back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from scenarios.load import dump_scenario
from scenarios.risk import RISK_PARTS, RiskParts
from scenarios.schema import Scenario
from scheduler.handouts import home_sheets, site_lists, worker_rosters
from scheduler.outdir import staged_dir
from scheduler.plan import (
    Change,
    Placement,
    Plan,
    ShiftAssignment,
    Summary,
    TestBooking,
    UnmetNeed,
)

TESTING = "testing_roster.csv"
STAFF = "staff_roster.csv"
ISOLATION = "isolation_placements.csv"
UNMET = "unmet.csv"
RISK = "risk.csv"
SUMMARY = "summary.json"
SCENARIO = "scenario.yaml"
"""The scenario the plan was made from, so a plan folder can be checked, reported on or
re-planned on its own."""
CHANGES = "changes.csv"
"""Only in a re-plan's folder: what moved against the previous plan, and why."""
WORKER_ROSTERS = "worker_rosters.csv"
SITE_LISTS = "site_lists.csv"
HOME_SHEETS = "home_sheets.csv"
HANDOUTS: dict[str, Callable[[Plan, Scenario], pd.DataFrame]] = {
    WORKER_ROSTERS: worker_rosters,
    SITE_LISTS: site_lists,
    HOME_SHEETS: home_sheets,
}
"""The tables sent out to the people who act on the plan (`scheduler.handouts`): written
with the plan, never read back, since they only rearrange what the other tables hold."""
PLAN_FILES = frozenset(
    {TESTING, STAFF, ISOLATION, UNMET, RISK, SUMMARY, SCENARIO, CHANGES, *HANDOUTS}
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
        ["date", "shift", "worker_id", "home_id", "home_name", "role", "risk", "reason"],
    ),
    ISOLATION: (
        Placement,
        [
            "request_id",
            "from_home",
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
            "date",
            "home_id",
            "home_name",
            "kind",
            "detail",
            "amount",
            "risk",
            "cause_family",
            "cause_resource",
            "cause",
            "cause_rule",
            "cause_date",
            "binding",
            "next_in_line",
            "blocked",
            "remedy",
        ],
    ),
    RISK: (RiskParts, ["home_id", "home_name", "date", "score", *RISK_PARTS]),
    CHANGES: (
        Change,
        ["date", "kind", "home_id", "home_name", "detail", "before", "after", "reason"],
    ),
}
_FIELDS = {
    "testing": TESTING,
    "shifts": STAFF,
    "placements": ISOLATION,
    "unmet": UNMET,
    "risk": RISK,
    "changes": CHANGES,
}


def plan_tables(plan: Plan, scenario: Scenario) -> dict[str, pd.DataFrame]:
    names = {h.id: h.name for h in scenario.homes}
    tables = {}
    for attr, filename in _FIELDS.items():
        if filename == CHANGES and not plan.summary.previous:
            continue
        _model, columns = _COLUMNS[filename]
        rows = [r.model_dump(mode="json") for r in getattr(plan, attr)]
        frame = pd.DataFrame(rows, columns=[c for c in columns if c != "home_name"])
        if "home_name" in columns:
            frame.insert(columns.index("home_name"), "home_name", frame["home_id"].map(names))
        tables[filename] = frame
    return tables | {filename: build(plan, scenario) for filename, build in HANDOUTS.items()}


def write_plan(plan: Plan, scenario: Scenario, out_dir: str | Path) -> Path:
    """Write every table into `out_dir` atomically, replacing an earlier plan there."""
    out = Path(out_dir)
    with staged_dir(out, PLAN_FILES, "a plan") as staging:
        for filename, frame in plan_tables(plan, scenario).items():
            frame.to_csv(staging / filename, index=False)
        summary = plan.summary.model_dump(mode="json")
        (staging / SUMMARY).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        (staging / SCENARIO).write_text(dump_scenario(scenario), encoding="utf-8")
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
        if filename == CHANGES and not (folder / filename).exists():
            continue  # not a re-plan
        parts[attr] = _read_rows(folder / filename, model)
    try:
        summary = Summary.model_validate_json((folder / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PlanReadError(f"{folder / SUMMARY}: {str(exc).splitlines()[0]}") from None
    return Plan(summary=summary, **parts)


def _read_rows(path: Path, model: type[BaseModel]) -> list[Any]:
    if not path.exists():
        raise PlanReadError(f"{path}: missing")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    fields = set(model.model_fields)
    rows = []
    for i, record in enumerate(frame.to_dict(orient="records")):
        # An empty cell means "not given": the field's default (None or "") applies.
        data = {k: v for k, v in record.items() if k in fields and v != ""}
        try:
            rows.append(model.model_validate(data))
        except ValueError as exc:
            first = str(exc).splitlines()
            detail = first[1] + ": " + first[2].strip() if len(first) > 2 else first[0]
            raise PlanReadError(f"{path.name} row {i + 2}: {detail}") from None
    return rows
