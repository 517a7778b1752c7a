"""Review workspace: staff, sign-in, claims, field reviews, queue index; append-only audit.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.storage.append_only import GUARD_SQL

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Six new tables, a client-address column on the audit log, and its append-only guard."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_users_name", "users", ["name"], unique=True)
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_api_tokens_token_sha256", "api_tokens", ["token_sha256"], unique=True)
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "web_sessions",
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_sha256"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "claims",
        sa.Column("referral_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(64), nullable=False),
        sa.Column("claimed_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("referral_id"),
    )
    op.create_index("ix_claims_user_id", "claims", ["user_id"])
    op.create_index("ix_claims_user_name", "claims", ["user_name"])
    op.create_index("ix_claims_expires_at", "claims", ["expires_at"])
    op.create_table(
        "field_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("referral_id", sa.String(36), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("extracted_value", sa.JSON(), nullable=True),
        sa.Column("extracted_confidence", sa.Float(), nullable=True),
        sa.Column("extractor", sa.String(64), nullable=False),
        sa.Column("reviewed_value", sa.JSON(), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_field_reviews_referral_id", "field_reviews", ["referral_id"])
    op.create_index("ix_field_reviews_field", "field_reviews", ["field"])
    op.create_table(
        "referral_index",
        sa.Column("referral_id", sa.String(36), nullable=False),
        sa.Column("document_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=True),
        sa.Column("specialty", sa.String(32), nullable=True),
        sa.Column("due_by", _TS, nullable=True),
        sa.Column("urgency_rank", sa.Integer(), nullable=False),
        sa.Column("patient_name", sa.String(256), nullable=False),
        sa.Column("dob", sa.String(10), nullable=False),
        sa.Column("mrn", sa.String(64), nullable=False),
        sa.Column("phones", sa.String(128), nullable=False),
        sa.Column("practice", sa.String(256), nullable=False),
        sa.Column("sender_fax", sa.String(32), nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column("missing", sa.Text(), nullable=False),
        sa.Column("problems", sa.Integer(), nullable=False),
        sa.Column("reject_reason", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("referral_id"),
    )
    for column in ("status", "urgency_rank", "dob", "mrn", "sender_fax", "received_at"):
        op.create_index(f"ix_referral_index_{column}", "referral_index", [column])
    op.create_index(
        "ix_referral_index_queue", "referral_index", ["status", "urgency_rank", "due_by"]
    )
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("origin", sa.String(64), nullable=True))
    for sql in GUARD_SQL.get(op.get_bind().dialect.name, []):
        op.execute(sql)


def downgrade() -> None:
    """Drop the workspace tables (the audit guard and column stay: history is kept)."""
    for table in (
        "referral_index",
        "field_reviews",
        "claims",
        "web_sessions",
        "api_tokens",
        "users",
    ):
        op.drop_table(table)
