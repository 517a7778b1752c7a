"""The one way results get in and out of the database.

Saving is idempotent on the file's sha256: the same bytes delivered twice give one document
and one set of referrals, and the second delivery is recorded as a duplicate. The unique
constraint on sha256 makes that hold between concurrent workers too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, make_url, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models.document import Document, Page
from models.fs import create_private_file
from models.referral import Referral
from models.storage import append_only as _append_only  # noqa: F401  (audit guards)
from models.storage import cleanup_tables as _cleanup_tables  # noqa: F401  (clean-up tables)
from models.storage import ops_tables as _ops_tables  # noqa: F401  (tables known to the models)
from models.storage import queue as queue_query
from models.storage import review_tables as _review_tables  # noqa: F401  (staff tables)
from models.storage.migrate import ensure_schema
from models.storage.tables import AuditRow, DeliveryRow, DocumentRow, PageRow, ReferralRow
from models.vocab import DocumentStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SaveOutcome:
    """What a save did: ``created`` is False when the sha256 was already known."""

    document_id: str
    created: bool
    referral_ids: list[str]


def _now() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL + busy timeout: several worker threads/processes share one SQLite file safely;
    secure_delete overwrites deleted rows, so a purged document leaves no bytes in the file."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """SQLAlchemy engine for ``url`` with the per-dialect settings we rely on."""
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            create_private_file(Path(database))  # 0600 from the start; SQLite's -wal follows
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Store:
    """Repository over documents, pages, referrals, deliveries and the audit log."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        ensure_schema(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    # -- writes -------------------------------------------------------------------------
    def record_delivery(self, sha256: str, source_name: str, *, duplicate: bool) -> None:
        """Note that a file arrived (again), whatever becomes of it."""
        with self.session() as s:
            s.add(
                DeliveryRow(
                    sha256=sha256, source_name=source_name, received_at=_now(), duplicate=duplicate
                )
            )

    def save_processed(self, document: Document, referrals: list[Referral]) -> SaveOutcome:
        """Store a processed document with its pages and referrals, once per sha256."""
        existing = self.document_by_sha(document.sha256)
        if existing is not None and existing.status == DocumentStatus.PROCESSED:
            return SaveOutcome(
                existing.id, created=False, referral_ids=self._referral_ids(existing.id)
            )
        try:
            with self.session() as s:
                if existing is not None:  # a quarantined attempt is superseded by a success
                    s.delete(s.get(DocumentRow, existing.id))
                    s.flush()
                s.add(self._document_row(document, DocumentStatus.PROCESSED, None, None))
                s.flush()
                for page in document.pages:
                    s.add(
                        PageRow(
                            document_id=str(document.id),
                            number=page.number,
                            data=page.model_dump(mode="json"),
                        )
                    )
                now = _now()
                for referral in referrals:
                    s.add(self._referral_row(referral, now))
                s.add(
                    self._audit_row(
                        "system",
                        "document.processed",
                        "document",
                        str(document.id),
                        {"referrals": len(referrals)},
                    )
                )
        except IntegrityError:
            row = self.document_by_sha(document.sha256)
            if row is None:
                raise
            log.info("document sha=%s saved concurrently by another worker", document.sha256[:12])
            return SaveOutcome(row.id, created=False, referral_ids=self._referral_ids(row.id))
        return SaveOutcome(
            str(document.id), created=True, referral_ids=[str(r.id) for r in referrals]
        )

    def save_quarantined(self, document: Document, error_code: str, error: str) -> SaveOutcome:
        """Record a document that could not be processed (kept visible to staff)."""
        existing = self.document_by_sha(document.sha256)
        if existing is not None:
            return SaveOutcome(existing.id, created=False, referral_ids=[])
        try:
            with self.session() as s:
                s.add(self._document_row(document, DocumentStatus.QUARANTINED, error_code, error))
                s.add(
                    self._audit_row(
                        "system",
                        "document.quarantined",
                        "document",
                        str(document.id),
                        {"code": error_code},
                    )
                )
        except IntegrityError:
            row = self.document_by_sha(document.sha256)
            if row is None:
                raise
            return SaveOutcome(row.id, created=False, referral_ids=[])
        return SaveOutcome(str(document.id), created=True, referral_ids=[])

    def referral_row(self, referral: Referral) -> ReferralRow:
        """A new row for a referral (to add inside the caller's session)."""
        return self._referral_row(referral, _now())

    def add_referrals(self, referrals: list[Referral]) -> list[str]:
        """Store referrals found later in an already stored document (a re-typed one)."""
        now = _now()
        with self.session() as s:
            for referral in referrals:
                s.add(self._referral_row(referral, now))
        return [str(r.id) for r in referrals]

    def audit(
        self,
        actor: str,
        action: str,
        entity: str,
        entity_id: str,
        detail: dict[str, Any] | None = None,
        origin: str | None = None,
    ) -> None:
        """Append to the audit log. ``detail`` must hold ids and names, never field values."""
        with self.session() as s:
            row = self._audit_row(actor, action, entity, entity_id, detail)
            row.origin = origin
            s.add(row)

    # -- reads --------------------------------------------------------------------------
    def document_by_sha(self, sha256: str) -> DocumentRow | None:
        """The stored document with these bytes, if any."""
        with self._sessions() as s:
            return s.scalars(select(DocumentRow).where(DocumentRow.sha256 == sha256)).first()

    def referrals_of(self, document_id: str) -> list[Referral]:
        """Referrals of a document, in page order."""
        with self._sessions() as s:
            rows = s.scalars(
                select(ReferralRow)
                .where(ReferralRow.document_id == document_id)
                .order_by(ReferralRow.created_at, ReferralRow.id)
            ).all()
            referrals = [Referral.model_validate(r.data) for r in rows]
        return sorted(referrals, key=lambda r: min(r.pages or [0]))

    def pages_of(self, document_id: str) -> list[Page]:
        """Stored pages of a document."""
        with self._sessions() as s:
            rows = s.scalars(
                select(PageRow).where(PageRow.document_id == document_id).order_by(PageRow.number)
            ).all()
            return [Page.model_validate(r.data) for r in rows]

    def queue(
        self,
        status: str | None = "needs_review",
        limit: int = 200,
        offset: int = 0,
        *,
        urgency: str | None = None,
        specialty: str | None = None,
    ) -> list[dict[str, Any]]:
        """A page of referrals for a queue view, most urgent and earliest due first."""
        where = queue_query.QueueFilter(status=status, urgency=urgency, specialty=specialty)
        with self._sessions() as s:
            return queue_query.page(s, where, limit, offset)

    def count_queue(
        self,
        status: str | None = "needs_review",
        *,
        urgency: str | None = None,
        specialty: str | None = None,
    ) -> int:
        """How many referrals :meth:`queue` would list over all pages."""
        where = queue_query.QueueFilter(status=status, urgency=urgency, specialty=specialty)
        with self._sessions() as s:
            return queue_query.count(s, where)

    def count_referrals(self, status: str | None = None) -> int:
        """How many referrals, optionally of one status."""
        query = select(func.count()).select_from(ReferralRow)
        if status:
            query = query.where(ReferralRow.status == status)
        with self._sessions() as s:
            return int(s.scalar(query) or 0)

    def count_deliveries(self, sha256: str) -> int:
        """How many times these bytes arrived."""
        query = select(func.count()).select_from(DeliveryRow).where(DeliveryRow.sha256 == sha256)
        with self._sessions() as s:
            return int(s.scalar(query) or 0)

    # -- rows ---------------------------------------------------------------------------
    def _referral_ids(self, document_id: str) -> list[str]:
        return [str(r.id) for r in self.referrals_of(document_id)]

    @staticmethod
    def _document_row(
        document: Document, status: DocumentStatus, code: str | None, error: str | None
    ) -> DocumentRow:
        return DocumentRow(
            id=str(document.id),
            sha256=document.sha256,
            media_type=document.media_type,
            size_bytes=document.size_bytes,
            source_name=document.source_name,
            received_at=document.received_at,
            page_count=document.page_count,
            status=status.value,
            error_code=code,
            error=error,
            document_type=document.document_type.value if document.document_type else None,
            document_type_confidence=document.document_type_confidence,
            fax=document.fax.model_dump(mode="json") if document.fax else None,
            created_at=_now(),
        )

    @staticmethod
    def _referral_row(referral: Referral, now: datetime) -> ReferralRow:
        triage = referral.triage
        return ReferralRow(
            id=str(referral.id),
            document_id=str(referral.document_id),
            status=referral.status.value,
            urgency=triage.urgency.value if triage else None,
            specialty=triage.specialty.value if triage else None,
            due_by=triage.due_by if triage else None,
            data=referral.model_dump(mode="json"),
            created_at=now,
            updated_at=now,
        )

    @staticmethod
    def _audit_row(
        actor: str, action: str, entity: str, entity_id: str, detail: dict[str, Any] | None
    ) -> AuditRow:
        return AuditRow(
            at=_now(), actor=actor, action=action, entity=entity, entity_id=entity_id, detail=detail
        )
