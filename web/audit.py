"""The audit trail: who did what, to which record, when; one row per action, never edited."""

from __future__ import annotations

from sqlalchemy.orm import Session

from web.db import AuditEvent, User


def record(db: Session, user: User | None, action: str, target: str = "", detail: str = "") -> None:
    """Add the event to `db`'s transaction, so it is kept exactly when the action is."""
    db.add(
        AuditEvent(
            user_id=user.id if user else None, action=action, target=target, detail=detail[:2000]
        )
    )
