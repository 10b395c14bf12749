"""`carehome serve`: the planner as a web app for the planning team (see docs/webapp.md).

Thin: reads the options into a `WebConfig`, creates the first admin when asked, and runs
`web.app.create_app` under uvicorn.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from cli.common import EXIT_BAD_INPUT, dask_option, fail
from web.config import DASK_ENV, DATABASE_ENV, SECRET_ENV, WebConfig
from web.users import PASSWORD_ENV, add_first_admin


@click.command("serve")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("carehome-web"),
    show_default=True,
    help="The app's folder: runs' plan folders, the secret key, the SQLite database.",
)
@click.option(
    "--database-url",
    envvar=DATABASE_ENV,
    default="",
    help=f"A SQLAlchemy database URL (e.g. postgresql+psycopg://user@host/db; also "
    f"${DATABASE_ENV}); default: SQLite in --data.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--runs-at-once",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Plans solved at the same time, one worker process each.",
)
@dask_option(
    f"Run the plans on this Dask scheduler (tcp://host:8786), or on a LocalCluster of N "
    f"worker processes started with the app (local:N), instead of worker processes here "
    f"(also ${DASK_ENV}); the cluster's workers must reach the same database and see the "
    f"same --data folder at the same path.",
    envvar=DASK_ENV,
)
@click.option(
    "--secure-cookies/--no-secure-cookies",
    default=None,
    help="Send the session cookie over HTTPS only (default: on unless --host is loopback).",
)
@click.option(
    "--create-admin",
    "admin_name",
    default=None,
    metavar="NAME",
    help=f"Create an admin account NAME (password from ${PASSWORD_ENV} or a prompt) and exit.",
)
def serve_command(
    data_dir: Path,
    database_url: str,
    host: str,
    port: int,
    runs_at_once: int,
    dask: str | None,
    secure_cookies: bool | None,
    admin_name: str | None,
) -> None:
    """Run the web app: upload scenarios, plan, pin and re-plan, read and download plans.

    \b
    Example:
      carehome serve                       # http://127.0.0.1:8000, SQLite in carehome-web/
      carehome serve --create-admin alice  # then log in as alice
    """
    config = WebConfig(
        data_dir=data_dir,
        database_url=database_url,
        host=host,
        port=port,
        run_slots=runs_at_once,
        dask=dask or "",
        secret_key=os.environ.get(SECRET_ENV, ""),
        secure_cookies=secure_cookies,
    )
    if admin_name is not None:
        password = os.environ.get(PASSWORD_ENV) or click.prompt(
            f"password for {admin_name}", hide_input=True, confirmation_prompt=True
        )
        try:
            add_first_admin(config, admin_name, password)
        except ValueError as exc:
            fail(EXIT_BAD_INPUT, [f"--create-admin: {exc}"])
        click.echo(f"created admin {admin_name}")
        return
    import uvicorn

    from web.app import create_app
    from web.dask_pool import ClusterError

    try:
        app = create_app(config)
    except ClusterError as exc:
        fail(EXIT_BAD_INPUT, [str(exc)])
    if app.state.setup_token is not None:
        click.echo(
            f"no account yet: open http://{host}:{port}/setup?token={app.state.setup_token} "
            "on this machine to create the first admin, or run carehome serve --create-admin"
        )
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
