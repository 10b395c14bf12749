"""`carehome report`: a plan folder as an Excel workbook, an emailable HTML page and/or the
director's one-page brief.

The command only reads the folder and calls the writers (`scheduler.output.workbook`,
`scheduler.output.html_report` and `scheduler.output.brief` do the work), so that
`carehome plan --xlsx` can share them.
"""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import handles_errors
from scenarios.atomic import write_text
from scenarios.load import load_scenario
from scheduler.output.brief import render_brief
from scheduler.output.html_report import write_html_report
from scheduler.output.tables import SCENARIO, PlanReadError, read_plan
from scheduler.output.workbook import write_workbook


@click.command("report")
@click.argument("plan_dir", type=click.Path(path_type=Path))
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a self-contained HTML report (no network needed; prints on A4 landscape).",
)
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write an Excel workbook: summary, every table, homes with RAG, rota and test grids.",
)
@click.option(
    "--brief",
    "brief_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the one-page daily brief (A4) on the plan's first two days, as `plan` does.",
)
@handles_errors
def report_command(
    plan_dir: Path, html_path: Path | None, xlsx_path: Path | None, brief_path: Path | None
) -> None:
    """Write a plan folder as a workbook, an HTML report and/or the daily brief (at least one).

    \b
    Example:
      carehome plan scenarios/examples/plymouth-2020.yaml --out plan/
      carehome report plan/ --html report.html --xlsx plan.xlsx
      carehome report plan/ --brief brief.html
    """
    if html_path is None and xlsx_path is None and brief_path is None:
        raise click.UsageError("give --html FILE, --xlsx FILE and/or --brief FILE")
    plan = read_plan(plan_dir)
    if not (plan_dir / SCENARIO).is_file():
        raise PlanReadError(f"{plan_dir / SCENARIO}: missing")
    scenario = load_scenario(plan_dir / SCENARIO)
    if xlsx_path is not None:
        click.echo(f"wrote {write_workbook(plan, scenario, xlsx_path)}")
    if html_path is not None:
        click.echo(f"wrote {write_html_report(plan, scenario, html_path)}")
    if brief_path is not None:
        click.echo(f"wrote {write_text(brief_path, render_brief(plan, scenario))}")
