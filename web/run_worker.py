"""One run, in a worker process of its own (a what-if study: `web.study_worker`, a value
table: `web.value_worker`): read its scenario from the database, plan and check it
through `carehome plan`'s pipeline (`plan_and_check`: independent authorities by parts, a
re-plan against a previous run's plan folder whole, then the independent checker), write
the plan folder, the workbook and the report under the run's managed folder, and record
the end with the checker's verdict.

A process per run, not a thread: a solve holds its cores and memory, and a cancel is
SIGINT to this process, which `stop_search_on_ctrl_c` turns into the CLI's Ctrl-C: the
search stops and the best plan so far is written and kept (status cancelled).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import traceback
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from constraints.model import ObjectiveRangeError
from scenarios.load import ScenarioError
from scenarios.words import count
from scheduler.analysis.value import BaseFailedError
from scheduler.output.html_report import write_html_report
from scheduler.output.tables import PlanReadError, write_plan
from scheduler.output.workbook import write_workbook
from scheduler.pipeline.checked import plan_and_check
from scheduler.pipeline.planner import NoPlanError
from scheduler.pipeline.replan import load_previous, with_history
from scheduler.plan import InfeasibleError
from scheduler.solve.interrupt import stop_search_on_ctrl_c
from scheduler.solve.settings import SolverSettings
from web.config import DATABASE_ENV
from web.db import Run, RunKind, RunStatus, make_engine
from web.run_files import REPORT, WORKBOOK, plan_dir, run_dir
from web.run_record import DatabaseProgress, finish
from web.scenario_files import stored_scenario
from web.study_worker import plan_study
from web.value_worker import chosen_resources, plan_value

SUPERVISOR_GONE = 75
"""The exit code of a run whose supervisor (a cluster worker) went away (`main`)."""

WORKER_NICENESS = 10
"""How much lower a run's worker process runs than the web process (`os.nice`)."""


def execute_run(run_id: int, database_url: str, runs_dir: str) -> None:
    """The worker process's entry point. Runs at a lower priority than the pages, so that
    people browsing stay served while plans use every core."""
    os.nice(WORKER_NICENESS)
    engine = make_engine(database_url)
    try:
        _execute(engine, run_id, Path(runs_dir))
    except KeyboardInterrupt:
        finish(engine, run_id, RunStatus.CANCELLED, "cancelled before any plan was found")
    except (ScenarioError, PlanReadError, ObjectiveRangeError) as exc:
        finish(engine, run_id, RunStatus.FAILED, f"bad input: {exc}")
    except InfeasibleError as exc:
        finish(engine, run_id, RunStatus.FAILED, f"infeasible: {exc}")
    except (NoPlanError, BaseFailedError) as exc:
        finish(engine, run_id, RunStatus.FAILED, f"no plan: {exc}")
    except Exception as exc:
        traceback.print_exc()
        finish(engine, run_id, RunStatus.FAILED, f"internal error: {type(exc).__name__}: {exc}")
    finally:
        engine.dispose()


def _execute(engine: Engine, run_id: int, runs_dir: Path) -> None:
    with Session(engine) as db:
        run = db.get(Run, run_id)
        if run is None:
            return
        settings = SolverSettings(**json.loads(run.settings))
        base_name = run.version.filename
        scenario = stored_scenario(base_name, run.version.text)
        previous_id, first_open = run.previous_run_id, run.first_open
        whatif = (run.whatif_filename or "", run.whatif_text or "")
        wanted = json.loads(run.value_resources or "[]")
        step = run.value_step or 1
        kind = run.kind
    progress = DatabaseProgress(engine, run_id)
    progress.stage("loading")
    if kind == RunKind.WHATIF:
        plan_study(progress, runs_dir, settings, scenario, base_name, whatif)
        return
    if kind == RunKind.VALUE:
        chosen = chosen_resources(scenario, wanted)
        plan_value(progress, runs_dir, settings, scenario, chosen, step)
        return
    earlier = None
    if previous_id is not None:
        start = first_open or scenario.horizon.start
        earlier = load_previous(plan_dir(runs_dir, previous_id), start)
        scenario = with_history(scenario, earlier.plan)
    with stop_search_on_ctrl_c():
        checked = plan_and_check(
            scenario,
            settings,
            earlier,
            progress=progress,
            on_parts=lambda n: progress.stage(f"planning {count(n, 'independent part')}"),
        )
    progress.stage("writing")
    plan, violations = checked.plan, checked.violations
    folder = run_dir(runs_dir, run_id)
    write_plan(plan, scenario, plan_dir(runs_dir, run_id))
    write_workbook(plan, scenario, folder / WORKBOOK)
    write_html_report(plan, scenario, folder / REPORT)
    interrupted = plan.summary.interrupted
    end = "cancelled: the best plan found so far was kept" if interrupted else "done"
    finish(
        engine,
        run_id,
        RunStatus.CANCELLED if interrupted else RunStatus.DONE,
        "\n".join(str(v) for v in violations),
        violations=len(violations),
        stage=end if checked.parts == 1 else f"{end}: {_by_parts(checked.parts)}",
        best_objective=plan.summary.objective,
    )


def _by_parts(parts: int) -> str:
    """Said on the run's page: a plan by parts is several solves, each with the whole time
    limit, merged into one plan."""
    return f"planned as {count(parts, 'independent part')} (authorities sharing no resource)"


def main(argv: list[str]) -> None:
    """`python -m web.run_worker RUN_ID RUNS_DIR`, the database URL in the environment
    (a command line is readable by every user of the machine): a run started by a
    cluster worker (`web.cluster_run`). Its standard input is a pipe from that worker,
    which the system closes when the worker dies, so the run never outlives it and a
    lost worker cannot leave a search writing behind the run's next state."""
    threading.Thread(target=_end_with_supervisor, name="supervisor", daemon=True).start()
    execute_run(int(argv[1]), os.environ[DATABASE_ENV], argv[2])


def _end_with_supervisor() -> None:
    sys.stdin.buffer.read()
    os._exit(SUPERVISOR_GONE)


if __name__ == "__main__":
    main(sys.argv)
