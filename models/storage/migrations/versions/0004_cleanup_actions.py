"""Queue clean-up: reversible clean-up actions, closed-loop status updates, routing outcomes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Three new tables; no existing table changes (referrals keep their shape)."""
    op.create_table(
        "cleanup_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("referral_id", sa.String(36), nullable=False),
        sa.Column("duplicate_of", sa.String(36), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("previous_status", sa.String(16), nullable=False),
        sa.Column("undone_at", _TS, nullable=True),
        sa.Column("undone_by", sa.String(128), nullable=True),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("at", "referral_id", "duplicate_of"):
        op.create_index(f"ix_cleanup_actions_{column}", "cleanup_actions", [column])
    op.create_table(
        "referral_status_updates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("referral_id", sa.String(36), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("task_status", sa.String(16), nullable=False),
        sa.Column("rf1_status", sa.String(4), nullable=False),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("imported_at", _TS, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_referral_status_updates_referral_id", "referral_status_updates", ["referral_id"]
    )
    op.create_table(
        "routing_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("referral_id", sa.String(36), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("destination", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(128), nullable=True),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_routing_deliveries_referral_id", "routing_deliveries", ["referral_id"])
    op.create_index("ix_routing_deliveries_at", "routing_deliveries", ["at"])


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("routing_deliveries")
    op.drop_table("referral_status_updates")
    op.drop_table("cleanup_actions")
