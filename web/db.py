"""The app's records: users, scenario versions, runs and the audit trail (SQLAlchemy 2).

The schema is created and changed only by the Alembic migrations in `web/migrations`,
which the app applies (`upgrade head`) every time it starts; a change to these models
comes with a new migration.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Role(StrEnum):
    """Each role may do what the ones before it may: a coordinator views and downloads,
    a planner also uploads, runs, pins and re-plans, an admin also manages users."""

    COORDINATOR = "coordinator"
    PLANNER = "planner"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


class RunKind(StrEnum):
    """A plan of a version, a what-if study of it (`carehome whatif`'s variants planned
    in turn) or its value table (`carehome value`'s re-plans in turn): all wait in one
    queue and take the pool's slots alike."""

    PLAN = "plan"
    WHATIF = "whatif"
    VALUE = "value"


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class ScenarioVersion(Base):
    """A scenario as it was planned: every upload, example and edit (a pin, an outbreak)
    is a new version, never a change to an old one, so each run's input stays on record."""

    __tablename__ = "scenario_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    """Where it came from, in words: uploaded, an example, or the edit made to its parent."""
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("scenario_versions.id"))
    based_on_run_id: Mapped[int | None] = mapped_column(Integer)
    """The run whose plan an edit was made on, offered as the previous plan of a re-plan
    (not a foreign key: runs refer to versions, and SQLite cannot add one afterwards)."""
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)

    author: Mapped[User] = relationship()


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=RunKind.PLAN)
    version_id: Mapped[int] = mapped_column(ForeignKey("scenario_versions.id"))
    whatif_filename: Mapped[str | None] = mapped_column(String(120))
    whatif_text: Mapped[str | None] = mapped_column(Text)
    """A study's what-if file as sent (its `base:` ignored: the version is the base)."""
    value_resources: Mapped[str | None] = mapped_column(Text)
    """A value table's resources as a JSON list of ids (empty: every resource)."""
    value_step: Mapped[int | None] = mapped_column(Integer)
    """A value table's step: how many units each resource grows and shrinks by."""
    previous_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    first_open: Mapped[dt.date | None] = mapped_column(Date)
    settings: Mapped[str] = mapped_column(Text)
    """The run's `SolverSettings` as JSON."""
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.QUEUED, index=True)
    stage: Mapped[str] = mapped_column(String(100), default="")
    best_objective: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text, default="")
    """Why a run failed, or the independent check's violations, one per line."""
    violations: Mapped[int | None] = mapped_column(Integer)
    pid: Mapped[int | None] = mapped_column(Integer)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    version: Mapped[ScenarioVersion] = relationship()
    author: Mapped[User] = relationship()


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(80), default="")
    detail: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()


def make_engine(url: str) -> Engine:
    """An engine for `url`; on SQLite, WAL and a busy timeout let the worker processes
    write progress while the app reads."""
    sqlite = url.startswith("sqlite")
    engine = create_engine(url, connect_args={"timeout": 30} if sqlite else {})
    if sqlite:

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema (Alembic `upgrade head`)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
