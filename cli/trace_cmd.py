"""`carehome trace`: who worked at a home that reports an outbreak, and where they go next.

Thin: parses and prints; `scheduler.analysis.trace` reads the plan folders and does the work.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cli.common import handles_errors
from scenarios.atomic import write_text
from scheduler.analysis.trace import read_plan_folders, trace, trace_table, trace_text


@click.command("trace")
@click.argument("plans", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--home", "home_id", required=True, help="The home reporting the outbreak, e.g. h045."
)
@click.option(
    "--date",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day it reports it (YYYY-MM-DD); some plan must cover it.",
)
@click.option(
    "--days",
    default=14,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many days, ending on --date, to look back.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write one row per worker as CSV.",
)
@handles_errors
def trace_command(
    plans: tuple[Path, ...], home_id: str, date: dt.datetime, days: int, out: Path | None
) -> None:
    """Every worker who worked a shift at --home in the --days days ending on --date, with
    those shifts, where each works from --date on (the homes they will enter), whether
    they are inside the quarantine window since the home, and the other homes they worked
    at in the window.

    PLANS are plan folders written by `carehome plan`, or folders holding plan folders
    (every subfolder with a summary.json). Each day is read from the latest plan covering
    it (a re-plan supersedes its previous plan from its --from day); days before every
    plan from the workers' recent shifts in the plans' scenarios.

    \b
    Example:
      carehome trace plan/ plan-noon/ --home h045 --date 2020-06-05 --out trace.csv
    """
    found = trace(read_plan_folders(plans), home_id, date.date(), days)
    click.echo(trace_text(found))
    if out is not None:
        write_text(out, trace_table(found).to_csv(index=False))
        click.echo(f"wrote {out}")
