"""Tables of queue clean-up and closed-loop status: reversible actions and status updates.

``cleanup_actions`` records every merge, expiry and closure with what the referral was before,
so ``intake cleanup --undo ACTION_ID`` can put it back; an active merge (not undone) is also
where a merged referral points at its survivor. ``referral_status_updates`` holds the
closed-loop status reported back by the receiving side (HL7 360X states), newest last.
Both sit beside the audit log, which records the same events append-only. ``leases`` are
short locks shared by every process (a referral being delivered, the periodic job's turn).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.storage.tables import Base


class CleanupActionRow(Base):
    """One clean-up action on a referral, and whether (and by whom) it was undone."""

    __tablename__ = "cleanup_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16))  # merge | expire | close
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    duplicate_of: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    previous_status: Mapped[str] = mapped_column(String(16))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    undone_by: Mapped[str | None] = mapped_column(String(128), nullable=True)


class ReferralStatusUpdateRow(Base):
    """A closed-loop status reported for a referral (CSV export or FHIR Task update)."""

    __tablename__ = "referral_status_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16))  # HL7 360X: requested … completed
    task_status: Mapped[str] = mapped_column(String(16))  # FHIR Task.status
    rf1_status: Mapped[str] = mapped_column(String(4))  # HL7 v2 RF1-1 (table 0283)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16))  # csv | fhir
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))


class RoutingRow(Base):
    """Where a referral was sent, by which rule, and how the delivery went (never lost)."""

    __tablename__ = "routing_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    rule: Mapped[str] = mapped_column(String(64))
    destination: Mapped[str] = mapped_column(String(32))  # kind:name, never a URL with secrets
    status: Mapped[str] = mapped_column(String(16))  # delivered | failed | unrouted
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(128), nullable=True)
    reference: Mapped[str | None] = mapped_column(String(64), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LeaseRow(Base):
    """A named lock held by one process until ``until`` (then anyone may take it over)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128))
    until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
