"""Plans a scenario, checks a plan, reads and writes plan folders: the public API.

The sub-packages, in the order a plan passes through them: `pipeline` (from a scenario to
a plan: build, start, solve, re-plan, split by authority), `heuristics` (the greedy start
and baseline), `solve` (the tiers, the backends, whole schedules), `extract` (rows with
reasons, causes of unmet need), `validate` (every hard rule re-checked), `output` (tables,
workbook, report, brief, hand-outs); `analysis` (explain, value, what-if, trace) and
`simulation` ask questions of plans.

Names resolve on first use: the search process imports this package too, and must not
load the planner to run a search.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scheduler.output.tables import read_plan, write_plan
    from scheduler.pipeline.planner import plan_scenario
    from scheduler.plan import Plan
    from scheduler.solve.settings import SolverSettings
    from scheduler.validate import validate_plan

_HOMES = {
    "plan_scenario": "scheduler.pipeline.planner",
    "validate_plan": "scheduler.validate",
    "read_plan": "scheduler.output.tables",
    "write_plan": "scheduler.output.tables",
    "Plan": "scheduler.plan",
    "SolverSettings": "scheduler.solve.settings",
}

__all__ = ["Plan", "SolverSettings", "plan_scenario", "read_plan", "validate_plan", "write_plan"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'scheduler' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
