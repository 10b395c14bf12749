"""Two plans side by side: their summaries and KPIs, and the rows that differ with the
reason their scenarios give, computed by `scheduler.analysis.compare.compare_plans` (the
re-plan's own change list, so both pages say the same of the same two plans)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from scheduler.analysis.compare import compare_plans
from web.pages.render import finished_plans, get_run, page, run_plan
from web.security import DB, Coordinator

router = APIRouter()

CHOICES = 200
"""Finished runs offered in the pickers, newest first."""
ROWS_SHOWN = 1000
"""Rows that differ listed on the page; two unrelated plans of a city differ in thousands."""


@router.get("/compare", name="compare_page")
def compare(
    request: Request, db: DB, user: Coordinator, first: int | None = None, second: int | None = None
) -> Response:
    """Pick two finished runs; with both picked, show them side by side."""
    choices = db.scalars(finished_plans().limit(CHOICES)).all()
    context: dict[str, Any] = {"choices": choices, "first": first, "second": second}
    if first is not None and second is not None:
        runs = get_run(db, first), get_run(db, second)
        (plan_a, scenario_a, _), (plan_b, scenario_b, _) = (run_plan(request, r) for r in runs)
        pair = compare_plans(plan_a, scenario_a, plan_b, scenario_b)
        context |= {
            "runs": runs,
            "plans": (plan_a, plan_b),
            "scenarios": (scenario_a, scenario_b),
            "pair": pair,
            "rows": pair.changes[:ROWS_SHOWN],
        }
    return page(request, "compare.html", user, **context)
