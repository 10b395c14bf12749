"""A plan as the tables planners open in Excel, written atomically, and read back.

Writing goes to a temporary folder beside the target and is renamed into place at the end,
so an interrupted or failed run never leaves a half-written plan folder.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from scenarios.load import dump_scenario
from scenarios.schema import Scenario
from scheduler.plan import (
    RISK_PARTS,
    Placement,
    Plan,
    RiskParts,
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
PLAN_FILES = frozenset({TESTING, STAFF, ISOLATION, UNMET, RISK, SUMMARY, SCENARIO})

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
        ],
    ),
    RISK: (RiskParts, ["home_id", "home_name", "date", "score", *RISK_PARTS]),
}
_FIELDS = {
    "testing": TESTING,
    "shifts": STAFF,
    "placements": ISOLATION,
    "unmet": UNMET,
    "risk": RISK,
}


def plan_tables(plan: Plan, scenario: Scenario) -> dict[str, pd.DataFrame]:
    names = {h.id: h.name for h in scenario.homes}
    tables = {}
    for attr, filename in _FIELDS.items():
        _model, columns = _COLUMNS[filename]
        rows = [r.model_dump(mode="json") for r in getattr(plan, attr)]
        frame = pd.DataFrame(rows, columns=[c for c in columns if c != "home_name"])
        if "home_name" in columns:
            frame.insert(columns.index("home_name"), "home_name", frame["home_id"].map(names))
        tables[filename] = frame
    return tables


def write_plan(plan: Plan, scenario: Scenario, out_dir: str | Path) -> Path:
    """Write every table into `out_dir` atomically, replacing an earlier plan there."""
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for filename, frame in plan_tables(plan, scenario).items():
            frame.to_csv(staging / filename, index=False)
        summary = plan.summary.model_dump(mode="json")
        (staging / SUMMARY).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        (staging / SCENARIO).write_text(dump_scenario(scenario), encoding="utf-8")
        _replace_dir(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


class OutputDirError(Exception):
    """An output folder the planner must not replace."""


def check_output_dir(out: Path) -> None:
    """Refuse a target that is a file, or a folder holding anything but an earlier plan:
    replacing the folder would delete it."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputDirError(f"{out}: exists and is not a folder")
    foreign = sorted(p.name for p in out.iterdir() if p.name not in PLAN_FILES)
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise OutputDirError(
            f"{out}: holds files that are not a plan ({shown}); choose another --out"
        )


def _replace_dir(staging: Path, out: Path) -> None:
    check_output_dir(out)
    if not out.exists():
        os.replace(staging, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
    os.replace(out, old / out.name)
    os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)


class PlanReadError(Exception):
    """A plan folder that cannot be read back; message names the file and row."""


def read_plan(plan_dir: str | Path) -> Plan:
    folder = Path(plan_dir)
    if not folder.is_dir():
        raise PlanReadError(f"{folder}: not a plan folder")
    parts: dict[str, Any] = {}
    for attr, filename in _FIELDS.items():
        model, _columns = _COLUMNS[filename]
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
