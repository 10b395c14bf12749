"""Alembic's environment: migrate the connection the app hands over (`web.db.upgrade`), or,
from the `alembic` command, the database its `sqlalchemy.url` names."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from web.db import Base


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as own:
        context.configure(connection=own, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()


run()
