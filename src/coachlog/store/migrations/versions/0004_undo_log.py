"""The undo log (SPEC §3b): one row per command that changed the store, with what it
needs to put the rows back, and the clients each step touched (for `client forget`).

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from coachlog.models import UTCDateTime

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "undo_steps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("coach", sa.String(120), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("command", sa.String(60), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("undoable", sa.Boolean(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_undo_steps_coach", "undo_steps", ["coach"])
    op.create_table(
        "undo_step_clients",
        sa.Column(
            "step_id",
            sa.Integer(),
            sa.ForeignKey("undo_steps.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("client_id", sa.Integer(), primary_key=True),
    )
    op.create_index("ix_undo_step_clients_client_id", "undo_step_clients", ["client_id"])


def downgrade() -> None:
    raise NotImplementedError("coachlog migrations are append-only")
