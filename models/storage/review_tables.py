"""Tables of the review workspace: users, sign-in, claims, corrections and a search index.

Kept apart from the pipeline's tables (``tables.py``) so the pipeline never depends on them;
they share its ``Base`` so one schema (and one Alembic history) covers both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.storage.tables import Base


class UserRow(Base):
    """A member of staff who signs in. ``password_hash`` is an argon2id hash, never a password."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiTokenRow(Base):
    """A bearer token for another system; only its sha256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class SessionRow(Base):
    """A signed-in browser: the cookie holds a random token whose sha256 is the key here."""

    __tablename__ = "web_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ClaimRow(Base):
    """Who is working a referral, until when: two people never work the same fax."""

    __tablename__ = "claims"

    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    user_name: Mapped[str] = mapped_column(String(64), index=True)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class FieldReviewRow(Base):
    """A reviewer's verdict on one field: the value kept beside the extracted one it replaced.

    ``correct`` is True when the reviewer accepted the extracted value as it was; these rows
    are what ``intake review-stats`` measures accuracy and calibration from.
    """

    __tablename__ = "field_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(64), index=True)
    extracted_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    extracted_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    extractor: Mapped[str] = mapped_column(String(64), default="")
    reviewed_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    correct: Mapped[bool] = mapped_column(Boolean)
    reviewer: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReferralIndexRow(Base):
    """Denormalised facets of a referral for queue filters and search (derived, rebuildable)."""

    __tablename__ = "referral_index"
    __table_args__ = (Index("ix_referral_index_queue", "status", "urgency_rank", "due_by"),)

    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[str] = mapped_column(String(36), default="")
    status: Mapped[str] = mapped_column(String(16), default="", index=True)
    urgency: Mapped[str | None] = mapped_column(String(16), nullable=True)
    specialty: Mapped[str | None] = mapped_column(String(32), nullable=True)
    due_by: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    urgency_rank: Mapped[int] = mapped_column(Integer, index=True)
    patient_name: Mapped[str] = mapped_column(String(256), default="")
    dob: Mapped[str] = mapped_column(String(10), default="", index=True)
    mrn: Mapped[str] = mapped_column(String(64), default="", index=True)
    phones: Mapped[str] = mapped_column(String(128), default="")
    practice: Mapped[str] = mapped_column(String(256), default="")
    sender_fax: Mapped[str] = mapped_column(String(32), default="", index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    missing: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[int] = mapped_column(Integer, default=0)
    reject_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
