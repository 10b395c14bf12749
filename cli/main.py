"""The `carehome` command: parses arguments, calls one plain function, prints the result.

Exit codes: 0 done, 1 internal error (or violations found by `check`), 2 bad input,
3 hard rules cannot all hold.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cli.common import (
    EXIT_INTERNAL,
    handles_errors,
)
from cli.lazy import LazyGroup
from cli.report import override_notes, scenario_counts
from scenarios.atomic import write_text
from scenarios.generate import generate as make
from scenarios.generate import generate_authorities, plymouth_2020, plymouth_text
from scenarios.load import dump_scenario, load_scenario
from scenarios.schema import Scenario
from scenarios.words import count
from scheduler.output.tables import read_plan
from scheduler.pipeline.replan import kept_against
from scheduler.validate import validate_plan

SUBCOMMANDS = {
    "plan": "cli.plan_cmd:plan_command",
    "whatif": "cli.whatif_cmd:whatif_command",
    "import": "cli.inputs:import_command",
    "export-inputs": "cli.inputs:export_inputs_command",
    "report": "cli.report_cmd:report_command",
    "explain": "cli.explain_cmd:explain_command",
    "value": "cli.explain_cmd:value_command",
    "simulate": "cli.simulate_cmd:simulate_command",
    "trace": "cli.trace_cmd:trace_command",
    "serve": "cli.serve_cmd:serve_command",
    "firstwave": "cli.calibrate_cmd:firstwave_command",
    "calibrate": "cli.calibrate_cmd:calibrate_command",
    "predict": "cli.calibrate_cmd:predict_command",
    "counterfactual": "cli.counterfactual_cmd:counterfactual_command",
}
"""The commands in modules of their own, imported when called."""


@click.group(
    cls=LazyGroup,
    lazy=SUBCOMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
