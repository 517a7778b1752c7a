"""Tables for documents in flight: the job of each document and the arrivals in the inbox.

A document gets a row in ``documents`` only once it is finished (processed or quarantined);
until then its progress lives here. Pages are saved one by one as workers read them, and the
job's ``pages_done`` counter is raised in the same transaction, so exactly one worker sees it
reach ``pages_total`` and triggers assembly (fan-in through the database, not the broker).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.storage.tables import Base


class JobRow(Base):
    """One document being processed: the ingested Document (no pages) and its page counter."""

    __tablename__ = "intake_jobs"

    document_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    document: Mapped[dict] = mapped_column(JSON)
    pages_total: Mapped[int] = mapped_column(Integer)
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class JobPageRow(Base):
    """A page read by a worker, kept until the document is assembled and committed."""

    __tablename__ = "intake_job_pages"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("intake_jobs.document_id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ArrivalRow(Base):
    """One landing of one file in an inbox, so a replay after a crash is not a new delivery.

    ``key`` hashes the file's name, size, mtime and sha256: the same file seen again after a
    restart has the same key; a real re-delivery of the same bytes has another one.
    """

    __tablename__ = "intake_arrivals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    landed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True, index=True
    )
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)


JOB_TABLES = [JobRow.__table__, JobPageRow.__table__, ArrivalRow.__table__]
