"""Credentials and continual learning (SPEC §9): a client's payment and consent to be
listed on the ICF coaching log; a session's status, group size and whether it counts for
ICF; the continuing-education log.

Every new column has a server default, so the rows already in the store read as they did:
clients paid and not yet asked, sessions held, one-to-one and counting.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from coachlog.models import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "clients",
        sa.Column("payment", sa.String(16), nullable=False, server_default="paid"),
    )
    op.add_column("clients", sa.Column("icf_consent", sa.String(8), nullable=True))
    op.add_column("clients", sa.Column("icf_consent_note", sa.Text(), nullable=True))
    op.add_column(
        "sessions",
        sa.Column("status", sa.String(16), nullable=False, server_default="held"),
    )
    op.add_column(
        "sessions",
        sa.Column("group_size", sa.Integer(), nullable=False, server_default="1"),
    )
    op.add_column(
        "sessions",
        sa.Column("counts_for_icf", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.create_table(
        "learning",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("coach", sa.String(120), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("centihours", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("ethics", sa.Boolean(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("provider", sa.String(), nullable=True),
        sa.Column("proof", sa.Text(), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_learning_uid", "learning", ["uid"], unique=True)
    op.create_index("ix_learning_coach", "learning", ["coach"])
    op.create_index("ix_learning_completed_on", "learning", ["completed_on"])


def downgrade() -> None:
    raise NotImplementedError("coachlog migrations are append-only")
