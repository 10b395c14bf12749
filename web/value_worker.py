"""A value table in a run's worker process: `carehome value`'s re-plans (the base, then
each resource grown and shrunk by the step) planned one after another with `plan_variant`,
the dual estimates, and the same table (`tabulate`), written as the run's `value.csv`.

In turn, not in parallel: the table holds one of the pool's slots, as a plan does. A
cancel (SIGINT, as for a study) stops the plan being searched; the resources whose two
re-plans had both finished stand, and the rest (the one cut short included, whose
best-so-far plan would misstate its value) are rows marked not computed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scenarios.atomic import write_text
from scenarios.load import ScenarioError
from scenarios.schema import Scenario
from scenarios.words import count
from scheduler.analysis.compare import plan_variant
from scheduler.analysis.value import (
    DUAL_TIME_LIMIT,
    Resource,
    dual_estimates,
    find_resource,
    resources,
    run_name,
    tabulate,
    value_runs,
)
from scheduler.solve.settings import SolverSettings
from web.db import RunStatus
from web.run_files import value_table_path
from web.run_record import DatabaseProgress, finish
from web.study_worker import cancel_on_sigint


def chosen_resources(scenario: Scenario, wanted: list[str]) -> list[Resource]:
    """The resources named (none named: every one), as `carehome value --resource` reads
    them; checked when the run is queued and read again by its worker."""
    try:
        return [find_resource(scenario, w) for w in wanted] if wanted else resources(scenario)
    except ValueError as exc:
        raise ScenarioError([f"resources: {exc}"]) from None


def plan_value(
    progress: DatabaseProgress,
    runs_dir: Path,
    settings: SolverSettings,
    base: Scenario,
    chosen: list[Resource],
    step: int,
) -> None:
    """Plan the value table of `chosen` on `base` and record its end."""
    runs = value_runs(base, chosen, step)
    rows: dict[str, dict[str, Any]] = {}
    done: list[Resource] = []
    with cancel_on_sigint() as asked:
        progress.stage("planning the base")
        rows["base"] = plan_variant("base", base, settings)[0]
        for k, resource in enumerate(chosen, 1):
            if asked.is_set():
                break
            progress.stage(f"planning {resource.id}: resource {k} of {len(chosen)}")
            names = [run_name(resource, delta) for delta in (step, -step)]
            planned = {name: plan_variant(name, runs[name], settings)[0] for name in names}
            if not asked.is_set():
                rows |= planned
                done.append(resource)
        progress.stage("estimating from the LP's duals")
        duals = dual_estimates(base, done, DUAL_TIME_LIMIT) if done else {}
    table = tabulate(chosen, step, rows, duals)
    write_text(value_table_path(runs_dir, progress.run_id), table.to_csv(index=False))
    finish(
        progress.engine,
        progress.run_id,
        RunStatus.CANCELLED if asked.is_set() else RunStatus.DONE,
        stage=f"{len(done)} of {count(len(chosen), 'resource')} valued",
    )
