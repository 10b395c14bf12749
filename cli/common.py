"""What every `carehome` command shares: exit codes, error handling, common options and
atomic writes. Commands live in their own modules and import from here."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from constraints.model import ObjectiveRangeError
from scenarios.atomic import UnsafeNameError
from scenarios.load import ScenarioError
from scheduler.output.outdir import OutputDirError
from scheduler.output.tables import PlanReadError
from scheduler.pipeline.executors import local_cluster_workers
from scheduler.pipeline.planner import NoPlanError
from scheduler.plan import InfeasibleError
from scheduler.solve.settings import default_workers

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130
"""Ctrl-C, as shells report it (128 + SIGINT)."""
EXIT_BROKEN_PIPE = 141
"""The reader of the output closed the pipe, as shells report it (128 + SIGPIPE)."""


def fail(code: int, lines: list[str]) -> NoReturn:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


def handles_errors(command: F) -> F:
    """Turn known failures into one line each and an exit code; never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ScenarioError as exc:
            fail(EXIT_BAD_INPUT, exc.lines)
        except (PlanReadError, OutputDirError, UnsafeNameError) as exc:
            fail(EXIT_BAD_INPUT, [str(exc)])
        except ObjectiveRangeError as exc:
            source = kwargs.get("scenario")
            where = f"{Path(source).name}: policy.objective: " if source is not None else ""
            fail(EXIT_BAD_INPUT, [f"{where}{exc}"])
        except InfeasibleError as exc:
            fail(EXIT_INFEASIBLE, [f"infeasible: {exc}"])
        except NoPlanError as exc:
            fail(EXIT_INTERNAL, [f"no plan: {exc}"])
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            # The reader of our output left (`carehome plan ... | head`): stop quietly, as
            # a pipeline expects, without a second error while Python flushes stdout.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_BROKEN_PIPE)
        except Exception as exc:
            if os.environ.get("CAREHOME_DEBUG"):
                raise
            fail(EXIT_INTERNAL, [f"internal error: {type(exc).__name__}: {exc}"])

    return wrapper  # type: ignore[return-value]


SEED_OPTION = click.option(
    "--seed", default=0, show_default=True, type=int, help="Solver random seed."
)
TIME_LIMIT_OPTION = click.option(
    "--time-limit",
    default=20.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Wall seconds for one plan's solve, shared by its objective tiers.",
)


def jobs_option(what: str) -> Callable[[F], F]:
    """`--jobs N`: how many of `what` run at once, one process each."""
    return click.option(
        "--jobs",
        default=default_workers,
        show_default="cores, at most 8",
        type=click.IntRange(min=1),
        help=f"{what} planned at once, one process each.",
    )


def _dask_address(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            local_cluster_workers(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


DASK_HELP = (
    "Plan on this Dask scheduler (tcp://host:8786), or on a LocalCluster of N worker "
    "processes started for the command (local:N), instead of local processes; "
    "needs pip install -e '.[dask]'."
)


def dask_option(help_text: str = DASK_HELP, envvar: str | None = None) -> Callable[[F], F]:
    """`--dask ADDRESS`, its `local:N` form checked as the command line is read."""
    return click.option(
        "--dask",
        default=None,
        metavar="ADDRESS",
        envvar=envvar,
        callback=_dask_address,
        help=help_text,
    )


DASK_OPTION = dask_option()
