"""Tables for running the service over time: the history of re-runs and purge tombstones.

``processing_runs`` keeps every outcome of a document that is no longer its current one (a
reprocess replaced it, or a reprocess failed and left the stored result in place), with the
referrals it had, so a re-run never loses what was there. ``tombstones`` is all that remains
of a purged document: its id and sha256, when, by whom and why — no name, no content.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.storage.tables import Base


class ProcessingRunRow(Base):
    """One outcome of a document that was superseded (or a re-run that did not replace it)."""

    __tablename__ = "processing_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(36), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    document_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    referrals: Mapped[list] = mapped_column(JSON, default=list)
    outcome_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(32))


class TombstoneRow(Base):
    """What is left of a purged document."""

    __tablename__ = "tombstones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(36), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    purged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    purged_by: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(32))
