"""Runs that are what-if studies: a kind, and the study's what-if file.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as runs:
        runs.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="plan"))
        runs.add_column(sa.Column("whatif_filename", sa.String(120)))
        runs.add_column(sa.Column("whatif_text", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("runs") as runs:
        for column in ("whatif_text", "whatif_filename", "kind"):
            runs.drop_column(column)
