"""Runs that are value tables: the resources chosen and the step.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as runs:
        runs.add_column(sa.Column("value_resources", sa.Text))
        runs.add_column(sa.Column("value_step", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("runs") as runs:
        for column in ("value_step", "value_resources"):
            runs.drop_column(column)
