"""The four records: clients, agreements, sessions, promises.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from coachlog.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _record() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    ]


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=True)


def upgrade() -> None:
    op.create_table(
        "clients",
        *_record(),
        sa.Column("coach", sa.String(120), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("pronouns", sa.String(), nullable=True),
        sa.Column("timezone", sa.String(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("preferred_channel", sa.String(), nullable=True),
        _text("communication_style"),
        _text("context"),
        sa.Column("sponsor", sa.String(), nullable=True),
        sa.Column("pitstop_every_sessions", sa.Integer(), nullable=True),
        sa.Column("pitstop_every_weeks", sa.Integer(), nullable=True),
    )
    op.create_index("ix_clients_uid", "clients", ["uid"], unique=True)
    op.create_index("ix_clients_coach", "clients", ["coach"])
    op.create_index("ix_clients_name", "clients", ["name"])

    op.create_table(
        "agreements",
        *_record(),
        sa.Column(
            "client_id",
            sa.Integer(),
            sa.ForeignKey("clients.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        _text("goals"),
        _text("confidentiality"),
        _text("communication"),
        _text("logistics"),
        sa.Column("cadence_days", sa.Integer(), nullable=True),
        _text("coach_responsibilities"),
        _text("client_responsibilities"),
        _text("fees"),
        _text("conflicts_of_interest"),
        _text("sponsor_reporting"),
        sa.UniqueConstraint("client_id", "version"),
    )
    op.create_index("ix_agreements_uid", "agreements", ["uid"], unique=True)
    op.create_index("ix_agreements_client_id", "agreements", ["client_id"])

    op.create_table(
        "sessions",
        *_record(),
        sa.Column(
            "client_id",
            sa.Integer(),
            sa.ForeignKey("clients.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("held_at", UTCDateTime(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        _text("notes"),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("trust_pulse", sa.Integer(), nullable=True),
        _text("reflection"),
        sa.Column("private", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_sessions_uid", "sessions", ["uid"], unique=True)
    op.create_index("ix_sessions_held_at", "sessions", ["held_at"])
    op.create_index("ix_sessions_client_held", "sessions", ["client_id", "held_at"])

    op.create_table(
        "promises",
        *_record(),
        sa.Column(
            "client_id",
            sa.Integer(),
            sa.ForeignKey("clients.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("owner", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("made_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        _text("note"),
        _text("repair"),
        sa.Column("due_history", sa.JSON(), nullable=False),
    )
    op.create_index("ix_promises_uid", "promises", ["uid"], unique=True)
    op.create_index("ix_promises_session_id", "promises", ["session_id"])
    op.create_index("ix_promises_status_due", "promises", ["status", "due_at"])
    op.create_index("ix_promises_client_status", "promises", ["client_id", "status"])


def downgrade() -> None:
    raise NotImplementedError("coachlog migrations are append-only")
