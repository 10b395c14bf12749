"""The `carehome` command: parses arguments, calls one plain function, prints the result.

Exit codes: 0 done, 1 internal error (or violations found by `check`), 2 bad input,
3 hard rules cannot all hold.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from cli.calibrate_cmd import calibrate_command, firstwave_command, predict_command
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
from cli.explain_cmd import explain_command, value_command
from cli.inputs import export_inputs_command, import_command
from cli.progress import PlanProgress
from cli.report import override_notes, scenario_counts, summary_text
from cli.report_cmd import report_command
from cli.serve_cmd import serve_command
from cli.simulate_cmd import simulate_command
from cli.trace_cmd import trace_command
from cli.whatif_cmd import whatif_command
from scenarios.atomic import write_text
from scenarios.generate import generate as make
from scenarios.generate import generate_authorities, plymouth_2020, plymouth_text
from scenarios.load import dump_scenario, load_scenario
from scenarios.schema import Scenario
from scenarios.words import count
from scheduler.output.outdir import check_output_dir
from scheduler.output.tables import PLAN_FILES, read_plan, write_plan
from scheduler.output.workbook import write_workbook
from scheduler.pipeline.checked import CheckedPlan, plan_and_check
from scheduler.pipeline.planner import write_model_file
from scheduler.pipeline.replan import Previous, against_previous, kept_against
from scheduler.solve.backends import SOLVERS
from scheduler.solve.interrupt import stop_search_on_ctrl_c
from scheduler.solve.settings import PATHS, SolverSettings
from scheduler.validate import validate_plan


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="carehome-scheduler")
def main() -> None:
    """Plan COVID-19 test slots, staff-bank workers and isolation beds across care homes.

    \b
    Example:
      carehome plan scenarios/examples/plymouth-2020.yaml --out plan/
    """


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@handles_errors
def validate(scenario: Path) -> None:
    """Check a scenario file; print every problem, one per line.

    \b
    Example:
      carehome validate scenarios/examples/tiny.yaml
    """
    s = load_scenario(scenario)
    click.echo(f"{scenario.name}: ok ({scenario_counts(s)})")
    for note in override_notes(s):
        click.echo(note)


@main.command()
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
def plan(
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


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.argument("plan_dir", type=click.Path(path_type=Path))
@click.option(
    "--previous",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="A re-plan's previous plan folder, whose decisions it keeps (default: the folder "
    "its summary.json names).",
)
@handles_errors
def check(scenario: Path, plan_dir: Path, previous: Path | None) -> None:
    """Re-check every hard rule of a plan folder against its scenario, without the solver.

    Prints each violation and exits 1 if there is any. A re-plan is also checked against
    its previous plan: every decision dated before its first open day is kept.

    \b
    Example:
      carehome check scenarios/examples/plymouth-2020.yaml plan/
    """
    s = load_scenario(scenario)
    plan = read_plan(plan_dir)
    violations = validate_plan(s, plan, kept_against(plan_dir, plan, previous))
    for v in violations:
        click.echo(str(v))
    click.echo(count(len(violations), "violation"))
    if violations:
        sys.exit(EXIT_INTERNAL)


@main.command()
def schema() -> None:
    """Print the scenario file's JSON Schema.

    \b
    Example:
      carehome schema > scenario.schema.json
    """
    click.echo(json.dumps(Scenario.model_json_schema(by_alias=True), indent=2))


@main.command()
@click.option("--homes", default=95, show_default=True, type=click.IntRange(min=1))
@click.option("--workers", default=120, show_default=True, type=click.IntRange(min=0))
@click.option("--days", default=14, show_default=True, type=click.IntRange(1, 56))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option(
    "--authorities",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Split the homes and workers over this many local authorities, each with its own "
    "sites, bank and facilities.",
)
@click.option(
    "--shared-every",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="With --authorities: one regional test site shared by each run of this many authorities.",
)
@click.option(
    "--preset",
    type=click.Choice(["plymouth-2020"]),
    default=None,
    help="A named example instead of --homes/--workers/--days.",
)
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path))
@handles_errors
def generate(
    homes: int,
    workers: int,
    days: int,
    seed: int,
    authorities: int,
    shared_every: int,
    preset: str | None,
    output: Path,
) -> None:
    """Write a deterministic synthetic scenario (same arguments, same file).

    \b
    Example:
      carehome generate --homes 400 --workers 600 --days 14 --seed 1 -o county.yaml
      carehome generate --homes 2000 --workers 2500 --authorities 15 -o region.yaml
    """
    if preset == "plymouth-2020":
        s = plymouth_2020()
    elif authorities > 1 or shared_every:
        s = generate_authorities(authorities, homes, workers, days, seed, shared_every=shared_every)
    else:
        s = make(homes, workers, days, seed)
    text = plymouth_text() if preset == "plymouth-2020" else dump_scenario(s)
    if output.suffix.lower() == ".json":
        text = json.dumps(s.model_dump(mode="json", by_alias=True, exclude_defaults=True), indent=2)
    write_text(output, text)
    click.echo(
        f"wrote {output} ({count(len(s.homes), 'home')}, {count(len(s.workers), 'worker')}, "
        f"{count(s.horizon.days, 'day')})"
    )


for command in (
    whatif_command,
    import_command,
    export_inputs_command,
    report_command,
    explain_command,
    value_command,
    simulate_command,
    trace_command,
    serve_command,
    firstwave_command,
    calibrate_command,
    predict_command,
):
    main.add_command(command)
