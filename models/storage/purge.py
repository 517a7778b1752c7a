"""Removing a document's rows for good (the storage side of ``intake purge``).

Everything keyed by the document's id or sha256 goes in one transaction — the document, its
pages and referrals with their review rows (claims, field reviews with the reviewers'
values, the queue index with the patient's name, clean-up actions and closed-loop status
updates, including actions on another referral that compared it with this one), deliveries,
inbox arrivals, jobs and their pages, the re-run history —
and a tombstone (id, sha256, when, who, why) takes its place, with an audit entry. Audit
entries stay: they hold ids and codes, never values. On SQLite, deleted rows are overwritten
(``secure_delete``, set on every connection) and the write-ahead log is checkpointed and
truncated, so the file keeps no copy of them. On PostgreSQL the tables that held the rows
are vacuumed at once (dead rows removed from pages and indexes; no exclusive lock, unlike
``VACUUM FULL``) instead of waiting for autovacuum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select, text

from models.clock import as_utc
from models.storage.cleanup_tables import CleanupActionRow, ReferralStatusUpdateRow, RoutingRow
from models.storage.job_tables import ArrivalRow, JobPageRow, JobRow
from models.storage.ops_tables import ProcessingRunRow, TombstoneRow
from models.storage.repository import Store
from models.storage.review_tables import ClaimRow, FieldReviewRow, ReferralIndexRow
from models.storage.tables import AuditRow, DeliveryRow, DocumentRow, PageRow, ReferralRow


@dataclass(frozen=True)
class Target:
    """A document to purge: what the tombstone keeps, plus when it was received."""

    document_id: str
    sha256: str
    received_at: datetime


def _target(row: DocumentRow) -> Target:
    return Target(row.id, row.sha256, as_utc(row.received_at))


def targets_by_key(store: Store, keys: list[str]) -> tuple[list[Target], list[str]]:
    """Documents named by id or sha256 (exact); returns (found, keys not found)."""
    found: list[Target] = []
    missing: list[str] = []
    with store.session() as s:
        for key in keys:
            row = s.scalars(
                select(DocumentRow).where((DocumentRow.id == key) | (DocumentRow.sha256 == key))
            ).first()
            if row is None:
                missing.append(key)
            else:
                found.append(_target(row))
    return found, missing


def targets_older_than(store: Store, cutoff: datetime) -> list[Target]:
    """Documents received before ``cutoff``, oldest first."""
    with store.session() as s:
        rows = s.scalars(
            select(DocumentRow)
            .where(DocumentRow.received_at < cutoff)
            .order_by(DocumentRow.received_at)
        ).all()
        return [_target(r) for r in rows]


def purge_rows(store: Store, target: Target, *, actor: str, reason: str) -> None:
    """Delete every row of ``target`` and leave its tombstone, in one transaction."""
    doc_id, sha = target.document_id, target.sha256
    with store.session() as s:
        job_ids = select(JobRow.document_id).where(
            (JobRow.sha256 == sha) | (JobRow.document_id == doc_id)
        )
        s.execute(delete(JobPageRow).where(JobPageRow.document_id.in_(job_ids)))
        s.execute(delete(JobRow).where((JobRow.sha256 == sha) | (JobRow.document_id == doc_id)))
        s.execute(delete(ArrivalRow).where(ArrivalRow.sha256 == sha))
        s.execute(delete(DeliveryRow).where(DeliveryRow.sha256 == sha))
        s.execute(delete(ProcessingRunRow).where(ProcessingRunRow.document_id == doc_id))
        referral_ids = select(ReferralRow.id).where(ReferralRow.document_id == doc_id)
        for review_table in (  # values, names, notes (the clean-up tables cascade anyway)
            ClaimRow,
            FieldReviewRow,
            ReferralIndexRow,
            CleanupActionRow,
            ReferralStatusUpdateRow,
            RoutingRow,
        ):
            s.execute(delete(review_table).where(review_table.referral_id.in_(referral_ids)))
        # a clean-up action's evidence may quote the values of both referrals it compared
        s.execute(
            delete(CleanupActionRow).where(
                CleanupActionRow.referral_id.in_(referral_ids)
                | CleanupActionRow.duplicate_of.in_(referral_ids)
            )
        )
        s.execute(delete(PageRow).where(PageRow.document_id == doc_id))
        s.execute(delete(ReferralRow).where(ReferralRow.document_id == doc_id))
        s.execute(delete(DocumentRow).where(DocumentRow.id == doc_id))
        now = datetime.now(UTC)
        s.add(
            TombstoneRow(
                document_id=doc_id, sha256=sha, purged_at=now, purged_by=actor, reason=reason
            )
        )
        s.add(
            AuditRow(
                at=now,
                actor=actor,
                action="document.purged",
                entity="document",
                entity_id=doc_id,
                detail={"reason": reason},
            )
        )


_PURGED_TABLES = (
    JobPageRow, JobRow, ArrivalRow, DeliveryRow, ProcessingRunRow, ClaimRow, FieldReviewRow,
    ReferralIndexRow, CleanupActionRow, ReferralStatusUpdateRow, RoutingRow, PageRow,
    ReferralRow, DocumentRow,
)


def compact(store: Store) -> None:
    """Leave no stale copy of purged rows in the database's own files.

    SQLite: fold the write-ahead log into the file and truncate it. PostgreSQL: ``VACUUM``
    the tables rows were deleted from (it cannot run inside a transaction: autocommit).
    """
    dialect = store.engine.dialect.name
    if dialect == "sqlite":
        with store.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    elif dialect == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in _PURGED_TABLES:
                conn.execute(text(f'VACUUM "{table.__tablename__}"'))


def tombstones(store: Store, sha256: str | None = None) -> list[TombstoneRow]:
    """Tombstones, optionally of one sha256, oldest first."""
    query = select(TombstoneRow).order_by(TombstoneRow.id)
    if sha256:
        query = query.where(TombstoneRow.sha256 == sha256)
    with store.session() as s:
        return list(s.scalars(query))
