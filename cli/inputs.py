"""`carehome import` and `carehome export-inputs`: scenarios to and from spreadsheets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from cli.common import handles_errors
from cli.report import scenario_counts
from scenarios.atomic import write_text
from scenarios.cqc import CqcQuery, Skipped, skip_counts, skipped_csv
from scenarios.exporter import export_inputs
from scenarios.importer import Sources, import_scenario
from scenarios.load import load_scenario

F = TypeVar("F", bound=Callable[..., Any])
FILE = click.Path(dir_okay=False, path_type=Path)


def _table_option(name: str, what: str) -> Callable[[F], F]:
    return click.option(f"--{name}", type=FILE, help=f"{what} (CSV or XLSX).")


@click.command("import")
@_table_option("homes", "One row per home")
@_table_option("shortfalls", "One row per home, date, shift and role short")
@_table_option(
    "workers",
    "One row per worker of any pool (bank, nhs, agency, recruit); may hold per-date "
    "availability columns",
)
@_table_option("availability", "One row per worker and run of days: worker, from, to, shifts")
@_table_option(
    "recent-shifts",
    "One row per worker and day worked before the horizon: worker, date, shift, home",
)
@_table_option("sites", "One row per test site")
@_table_option("facilities", "One row per isolation facility")
@_table_option("requests", "One row per isolation request")
@_table_option("agencies", "One row per staffing agency: id, name, the homes it supplies")
@_table_option("ppe-homes", "One row per home and PPE item: stock (or cover_days) and daily_use")
@_table_option("ppe-depot", "One row per PPE item: the council depot's stock on day one")
@_table_option("ppe-deliveries", "One row per delivery and item: date, item, quantity, source")
@_table_option("ppe-vans", "PPE vans out: one row per date, or one row without a date")
@_table_option(
    "ppe-home-deliveries",
    "One row per delivery and item from a home's own supplier: date, home, item, quantity, "
    "supplier",
)
@click.option("--base", type=FILE, help="YAML with the horizon, policy and travel.")
@click.option(
    "--map", "column_map", type=FILE, help="YAML naming your columns: homes: {beds: Bed count}."
)
@click.option("--cqc", type=FILE, help="CQC's HSCA Active Locations file: homes from it.")
@click.option(
    "--cqc-details", type=FILE, help="With --cqc: staff, residents, outbreaks by Location ID."
)
@click.option(
    "--local-authority",
    "local_authorities",
    multiple=True,
    help="With --cqc: an authority's homes (repeat for several).",
)
@click.option("--all-england", is_flag=True, help="With --cqc: every care home in the file.")
@click.option("-o", "--output", required=True, type=FILE, help="The scenario file to write.")
@handles_errors
def import_command(
    cqc: Path | None,
    cqc_details: Path | None,
    local_authorities: tuple[str, ...],
    all_england: bool,
    output: Path,
    **tables: Path | None,
) -> None:
    """Build a scenario file from spreadsheets; every problem is printed with its file,
    row and column, and nothing is written unless all is well (exit 2).

    \b
    Examples:
      carehome import --base base.yaml --homes homes.xlsx --shortfalls shortfalls.csv \\
        --workers workers.xlsx --sites sites.csv --facilities facilities.csv \\
        --requests requests.csv -o scenario.yaml
      carehome import --cqc HSCA_Active_Locations.xlsx --local-authority Plymouth \\
        --cqc-details local.csv --base base.yaml -o plymouth.yaml

    Templates of every table are in scenarios/templates/.
    """
    query = _cqc_query(cqc, cqc_details, local_authorities, all_england)
    # Each table's option is named as its field of `Sources`, so the files pass straight on.
    result = import_scenario(Sources(**tables, cqc=query))
    # Written before anything is printed: a reader that leaves early (`| head`) ends the
    # printing, never the import.
    write_text(output, result.yaml())
    if query is not None:
        _write_skipped(output, result.skipped)
    for note in result.notes:
        click.echo(note)
    s = result.scenario
    click.echo(f"wrote {output}: {scenario_counts(s)} from {s.horizon.start}")


def _cqc_query(
    cqc: Path | None, details: Path | None, authorities: tuple[str, ...], all_england: bool
) -> CqcQuery | None:
    """The CQC directory to read homes from, if given; its options mean nothing without
    it, so giving them alone is a usage error rather than silently ignored."""
    if cqc is not None:
        return CqcQuery(cqc, authorities, all_england, details)
    if details or authorities or all_england:
        raise click.UsageError("--cqc-details, --local-authority and --all-england need --cqc")
    return None


def skipped_path(output: Path) -> Path:
    """Where the directory rows an import skipped are listed: beside its scenario."""
    return output.with_name(f"{output.stem}.skipped.csv")


def _write_skipped(output: Path, skipped: list[Skipped]) -> None:
    """The list always, so an earlier run's list never stands for this one; a count by
    reason on stderr when rows were skipped."""
    path = write_text(skipped_path(output), skipped_csv(skipped))
    if skipped:
        said = skip_counts(skipped)
        click.echo(
            f"warning: {said}: directory rows that cannot be a plannable home, listed in {path}",
            err=True,
        )


@click.command("export-inputs")
@click.argument("scenario", type=FILE)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@handles_errors
def export_inputs_command(scenario: Path, directory: Path) -> None:
    """Write a scenario as the spreadsheets `carehome import` reads, to edit in Excel.

    \b
    Example:
      carehome export-inputs scenarios/examples/tiny.yaml tiny-inputs/
      carehome import --base tiny-inputs/base.yaml --homes tiny-inputs/homes.csv ...
    """
    written = export_inputs(load_scenario(scenario), directory)
    click.echo(f"wrote {directory}/: {', '.join(p.name for p in written)}")
    click.echo(
        "import again with: carehome import "
        + " ".join(f"--{p.stem} {p}" for p in written)
        + f" -o {scenario.name}"
    )
