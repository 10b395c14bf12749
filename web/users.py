"""Making accounts: by an admin on the users page, on the first-run page, and by
`carehome serve --create-admin`."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from web.audit import record
from web.config import WebConfig
from web.db import Role, User, make_engine, upgrade
from web.security import hash_password

PASSWORD_ENV = "CAREHOME_ADMIN_PASSWORD"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,63}")


def create_user(db: Session, name: str, password: str, role: Role) -> User:
    """A new active user; `ValueError` names the field that is wrong."""
    if not NAME.fullmatch(name):
        raise ValueError("name: 2 to 64 letters, digits, '.', '_', '@' or '-'")
    if db.scalar(select(User).where(User.name == name)) is not None:
        raise ValueError(f"name: {name!r} is taken")
    user = User(name=name, password_hash=hash_password(password), role=role, active=True)
    db.add(user)
    db.flush()
    return user


def add_first_admin(config: WebConfig, name: str, password: str) -> None:
    """An admin account on `config`'s database (migrated first); `ValueError` says why not."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(config.url)
    try:
        upgrade(engine)
        with Session(engine) as db:
            user = create_user(db, name, password, Role.ADMIN)
            record(db, user, "admin created", f"user {user.name}", "carehome serve --create-admin")
            db.commit()
    finally:
        engine.dispose()
