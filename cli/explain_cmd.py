"""`carehome explain` (why one home got what it got, from a plan folder) and `carehome
value` (what one more unit of each resource buys, by re-planning and by LP duals).

Thin: the commands parse and print; `scheduler.analysis.explain` and
`scheduler.analysis.value` do the work.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from cli.common import SEED_OPTION, handles_errors
from scenarios.atomic import write_text
from scenarios.load import ScenarioError, load_scenario
from scenarios.words import count
from scheduler.analysis.compare import local_executor
from scheduler.analysis.explain import explain_home, explain_text
from scheduler.analysis.value import find_resource, resources, value_table
from scheduler.solve.settings import SolverSettings


@click.command("explain")
@click.argument("plan_dir", type=click.Path(path_type=Path))
@click.option("--home", "home_id", required=True, help="The home's id, e.g. h045.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@handles_errors
def explain_command(plan_dir: Path, home_id: str, as_json: bool) -> None:
    """Why one home got what it got: risk and its parts, needs and what met them day by day,
    the binding cause of each unmet need and the cheapest change that would have helped.

    \b
    Example:
      carehome plan scenarios/examples/plymouth-2020.yaml --out plan/
      carehome explain plan/ --home h045
    """
    report = explain_home(plan_dir, home_id)
    click.echo(json.dumps(report, indent=2) if as_json else explain_text(report))


@click.command("value")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option(
    "--resource",
    "wanted",
    multiple=True,
    help="A site, facility, bank role or pool (e.g. local, care-hotel, role:carer, "
    "pool:nhs); repeatable. "
    "Default: every one.",
)
@click.option("--step", default=10, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--time-limit",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Wall seconds for each re-plan.",
)
@click.option("--jobs", default=2, show_default=True, type=click.IntRange(min=1))
@SEED_OPTION
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Also write CSV.")
@handles_errors
def value_command(
    scenario: Path,
    wanted: tuple[str, ...],
    step: int,
    time_limit: float,
    jobs: int,
    seed: int,
    out: Path | None,
) -> None:
    """How the objective and KPIs move when one resource grows or shrinks by --step
    (re-planned), with the LP relaxation's dual estimate; sorted by value per unit.

    \b
    Example:
      carehome value scenarios/examples/plymouth-2020.yaml --resource local --step 10
    """
    s = load_scenario(scenario)
    try:
        chosen = [find_resource(s, w) for w in wanted] if wanted else resources(s)
    except ValueError as exc:
        raise ScenarioError([f"--resource: {exc}"]) from None
    settings = SolverSettings(time_limit=time_limit, workers=1, seed=seed)
    started = time.perf_counter()
    if jobs > 1:
        with local_executor(jobs) as executor:
            table = value_table(s, settings, chosen, step, executor, dual_time_limit=60)
    else:
        table = value_table(s, settings, chosen, step, dual_time_limit=60)
    click.echo(table.to_string(index=False, na_rep="-"))
    click.echo(
        f"{count(len(chosen), 'resource')} x 2 steps + base planned in "
        f"{time.perf_counter() - started:.0f} s"
    )
    if out is not None:
        write_text(out, table.to_csv(index=False))
        click.echo(f"wrote {out}")
