"""The app: database, sessions, limits, the worker pool and the pages, put together."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.middleware.sessions import SessionMiddleware

from web.config import WebConfig
from web.dask_pool import DaskRunPool
from web.db import User, make_engine, upgrade
from web.forms import problem_lines
from web.limits import MAX_BODY, SecurityHeaders
from web.login_limits import LoginLimits
from web.pages import account, compare, plan_views, runs, scenarios, studies, trace, value
from web.pages.render import TEMPLATES
from web.run_pool import RunPool
from web.security import LoginRequired

STATIC = Path(__file__).resolve().parent / "static"
ROUTERS = (
    account.router,
    scenarios.router,
    runs.router,
    studies.router,
    value.router,
    plan_views.router,
    compare.router,
    trace.router,
)
"""Every page's router; `tests/test_web_access.py` checks each route's role from these."""
SESSION_HOURS = 10
"""A working day: a session ends at the latest this long after its last login."""


def create_app(config: WebConfig) -> FastAPI:
    """The app on `config`'s database (brought to the newest schema now) and data folder."""
    engine = make_engine(config.url)
    pool = _run_pool(config, engine)  # first: an unreachable cluster leaves nothing written
    config.runs_dir.mkdir(parents=True, exist_ok=True)
    upgrade(engine)
    # No generated API pages: every route is a page for people, behind its role.
    app = FastAPI(
        title="carehome-scheduler",
        lifespan=_lifespan(engine, pool),
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    _keep_state(app, config, engine, pool)
    _add_middleware(app, config)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _add_error_pages(app)
    return app


def _run_pool(config: WebConfig, engine: Engine) -> RunPool:
    """Worker processes here, or on the Dask cluster of `config.dask` (connected now:
    `web.dask_pool.ClusterError` if it cannot be reached)."""
    if not config.dask:
        return RunPool(
            engine, config.url, str(config.runs_dir), config.run_slots, config.cancel_grace_seconds
        )
    return DaskRunPool(
        engine,
        config.url,
        str(config.runs_dir.resolve()),  # the cluster's workers have another working folder
        config.run_slots,
        config.cancel_grace_seconds,
        config.dask,
    )


def _lifespan(
    engine: Engine, pool: RunPool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The pool runs while the app serves; stopping the app settles its runs first."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        pool.start()
        try:
            yield
        finally:
            pool.stop()
            engine.dispose()

    return lifespan


def _keep_state(app: FastAPI, config: WebConfig, engine: Engine, pool: RunPool) -> None:
    """What the routes reach through `request.app.state`."""
    app.state.config = config
    app.state.engine = engine
    app.state.sessions = sessionmaker(engine, expire_on_commit=False)
    app.state.pool = pool
    app.state.login_limits = LoginLimits()
    with Session(engine) as db:
        users = db.scalar(select(func.count()).select_from(User)) or 0
    app.state.setup_token = None if users else secrets.token_urlsafe(24)
    """Shown once by `carehome serve` while no user exists: the first-run page needs it."""


def _add_middleware(app: FastAPI, config: WebConfig) -> None:
    """Sessions, the body limit and the security headers, on every request."""
    app.add_middleware(
        SessionMiddleware,
        secret_key=config.signing_key(),
        session_cookie="carehome_session",
        max_age=SESSION_HOURS * 3600,
        same_site="lax",
        https_only=config.cookies_https_only,
    )
    app.add_middleware(RequestBodyLimitMiddleware, max_body_size=MAX_BODY)
    app.add_middleware(SecurityHeaders)


def _add_error_pages(app: FastAPI) -> None:
    """No one logged in: the login page; any refusal or bad form: a page saying why."""

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse(request.url_for("login_page"), status_code=303)

    @app.exception_handler(HTTPException)
    async def error_page(request: Request, exc: HTTPException) -> Response:
        return TEMPLATES.TemplateResponse(
            request,
            "error.html",
            {"status": exc.status_code, "detail": exc.detail},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def bad_form(request: Request, exc: RequestValidationError) -> Response:
        return TEMPLATES.TemplateResponse(
            request,
            "error.html",
            {"status": 400, "detail": problem_lines(exc.errors())},
            status_code=400,
        )
