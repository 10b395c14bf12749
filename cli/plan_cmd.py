"""`carehome plan`: a scenario planned, checked independently and written, with exit
codes that say how far to trust the plan."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import NoReturn

import click

from cli.common import (
    DASK_OPTION,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    SEED_OPTION,
    TIME_LIMIT_OPTION,
    default_workers,
    fail,
    handles_errors,
    jobs_option,
)
from cli.progress import PlanProgress
from cli.report import summary_text
from scenarios.load import load_scenario
from scenarios.schema import Scenario
from scenarios.words import count
from scheduler.output.outdir import check_output_dir
from scheduler.output.tables import PLAN_FILES, write_plan
from scheduler.pipeline.checked import CheckedPlan, plan_and_check
from scheduler.pipeline.planner import write_model_file
from scheduler.pipeline.replan import Previous, against_previous
from scheduler.solve.backends import SOLVERS
from scheduler.solve.interrupt import stop_search_on_ctrl_c
from scheduler.solve.settings import PATHS, SolverSettings


@click.command("plan")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option(
    "--out", "out", required=True, type=click.Path(path_type=Path), help="Folder for the tables."
)
@click.option(
    "--solver",
    type=click.Choice(SOLVERS),
    default="cp-sat",
    show_default=True,
    help="cp-sat (OR-Tools), or a MILP solver through PuLP: cbc or highs.",
)
@TIME_LIMIT_OPTION
@click.option(
    "--workers",
    default=default_workers,
    show_default="cores, at most 8",
    type=click.IntRange(min=1),
    help="Search workers (CP-SAT) or threads (CBC, HiGHS).",
)
@SEED_OPTION
@click.option(
    "--gap",
    "relative_gap",
    type=click.FloatRange(min=0.0, max=1.0),
    default=0.0,
    show_default=True,
    help="Stop each tier once its plan is proven within this fraction of optimal.",
)
@click.option(
    "--write-model",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write tier 1's model (hard rules and the risk-weighted objective) as "
    "FILE.mps or FILE.lp, for any MILP solver.",
)
@click.option(
    "--deterministic-time",
    type=click.FloatRange(min=0.01),
    default=None,
    help="Stop each tier after this much CP-SAT deterministic time (reproducible "
    "across machines even when the limit is hit).",
)
@click.option(
    "--lp-bound",
    is_flag=True,
    help="Also solve the LP relaxation of tier 1 (GLOP) for a tighter proven bound and gap; "
    "costs up to --time-limit more seconds.",
)
@click.option(
    "--path",
    type=click.Choice(PATHS),
    default="patterns",
    show_default=True,
    help="How to plan unmet need: 'patterns' gives each worker one whole schedule at one "
    "home and proves how far the plan can be from the best; 'direct' searches the whole "
    "model (the other tiers always are).",
)
@click.option(
    "--xlsx",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the plan as one Excel workbook (summary, rosters, grids, risk).",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Re-plan against this earlier plan folder: keep its decisions before --from, "
    "change as little as possible after, and write changes.csv.",
)
@click.option(
    "--from",
    "first_open",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="With --previous: the first day that may change (default: the scenario's first day).",
)
@jobs_option("Parts of a scenario whose authorities share no resource")
@DASK_OPTION
@click.option(
    "--force",
    is_flag=True,
    help="Replace an earlier plan in --out even when this one fails the independent check.",
)
@click.option("--log", is_flag=True, help="Print the solver's search log.")
@handles_errors
def plan_command(
    scenario: Path,
    out: Path,
    solver: str,
    time_limit: float,
    workers: int,
    seed: int,
    relative_gap: float,
    write_model: Path | None,
    deterministic_time: float | None,
    lp_bound: bool,
    path: str,
    xlsx: Path | None,
    previous: Path | None,
    first_open: dt.datetime | None,
    jobs: int,
    dask: str | None,
    force: bool,
    log: bool,
) -> None:
    """Plan a scenario and write the tables to --out.

    \b
    Writes testing_roster.csv, staff_roster.csv, isolation_placements.csv,
    unmet.csv, risk.csv, summary.json and scenario.yaml, and the hand-outs
    worker_rosters.csv, site_lists.csv and home_sheets.csv; re-checks the plan
    independently; lists every file it wrote.
    \b
    Example:
      carehome plan scenarios/examples/plymouth-2020.yaml --out plan/ --xlsx plan.xlsx
    """
    written: list[Path] = []
    with PlanProgress() as progress:
        s = load_scenario(scenario)
        check_output_dir(out, PLAN_FILES, "a plan")
        if write_model is not None:
            written.append(_write_model(s, write_model))
        settings = SolverSettings(
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            solver=solver,
            relative_gap=relative_gap,
            deterministic_time=deterministic_time,
            lp_bound=lp_bound,
            path=path,
            log=log,
        )
        earlier = None
        if previous is not None:
            opens = first_open.date() if first_open is not None else None
            s, earlier = against_previous(s, previous, opens)
        checked = _plan_checked(s, settings, earlier, jobs, dask, progress)
        if not checked.may_replace(out, force):
            _keep_earlier(checked, out)
        progress.stage("writing")
        written += sorted(write_plan(checked.plan, s, out).iterdir())
        if xlsx is not None:
            # openpyxl only when a workbook is asked for: most plans write none
            from scheduler.output.workbook import write_workbook

            written.append(write_workbook(checked.plan, s, xlsx))
    _report_plan(s, checked, out, written)


def _plan_checked(
    s: Scenario,
    settings: SolverSettings,
    earlier: Previous | None,
    jobs: int,
    dask: str | None,
    progress: PlanProgress,
) -> CheckedPlan:
    """Plan and check, saying how many parts the scenario splits into; Ctrl-C before any
    plan is found exits with nothing written (after one, the plan found is returned)."""
    try:
        with stop_search_on_ctrl_c():
            return plan_and_check(
                s,
                settings,
                earlier,
                jobs,
                dask,
                progress,
                lambda n: click.echo(f"{n} independent parts (authorities sharing no resource)"),
            )
    except KeyboardInterrupt:
        fail(EXIT_INTERRUPTED, ["interrupted before any plan was found; nothing written"])


def _keep_earlier(checked: CheckedPlan, out: Path) -> NoReturn:
    """Exit without writing: a faulty plan does not replace the earlier one in `out`."""
    for v in checked.violations:
        click.echo(f"  {v}", err=True)
    fail(
        EXIT_INTERNAL,
        [
            f"independent check: {count(len(checked.violations), 'violation')}; "
            f"the earlier plan in {out} is kept (--force replaces it)"
        ],
    )


def _write_model(s: Scenario, write_model: Path) -> Path:
    """Write tier 1's model before planning, so a solver elsewhere can start on it even if
    this plan is interrupted."""
    if write_model.suffix.lower() not in (".mps", ".lp"):
        raise click.BadParameter("name a .mps or .lp file", param_hint="--write-model")
    write_model_file(s, write_model)
    click.echo(f"wrote {write_model}")
    return write_model


def _report_plan(s: Scenario, checked: CheckedPlan, out: Path, written: list[Path]) -> None:
    """Print the written plan's summary and files, then exit with the code that says how
    far to trust it: violations, a solver failure (a warning only) or an interruption."""
    result, violations = checked.plan, checked.violations
    click.echo(summary_text(s, result, out))
    click.echo(f"independent check: {count(len(violations), 'violation')}")
    click.echo(f"files written ({len(written)}):")
    for file in written:
        click.echo(f"  {file}")
    for v in violations:
        click.echo(f"  {v}", err=True)
    if result.summary.solver_failure:
        # A plan was found and written (exit 0): the warning says how far to trust it.
        click.echo(
            f"warning: the solver failed ({result.summary.solver_failure}); wrote the best "
            "plan it reported before, never worse than the greedy plan",
            err=True,
        )
    if violations:
        sys.exit(EXIT_INTERNAL)
    if result.summary.interrupted:
        fail(EXIT_INTERRUPTED, ["interrupted: wrote the best plan found so far"])
