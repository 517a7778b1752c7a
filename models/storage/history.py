"""Re-running a stored document without losing what it had: the storage side of
``intake reprocess``.

The document keeps its id (page images, links and audit entries stay valid). Its current
outcome — status, error, type, and the referrals with all their data — is copied into
``processing_runs`` before it is replaced, in the same transaction as the replacement. A
re-run that fails leaves a processed document as it was and records the failed attempt; a
quarantined one takes the new error (the old one goes to the history). Referrals a person
has reviewed are never replaced silently: the caller decides (refuse, or keep them — then
they stay untouched and new referrals on their pages are not added).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.document import Document
from models.referral import Referral
from models.storage.ops_tables import ProcessingRunRow
from models.storage.repository import Store
from models.storage.tables import AuditRow, DocumentRow, PageRow, ReferralRow
from models.vocab import DocumentStatus, ReferralStatus


def is_reviewed(referral: Referral) -> bool:
    """A person touched it: its status moved on, or a field holds a reviewer's value."""
    if referral.status != ReferralStatus.NEEDS_REVIEW:
        return True
    return any(f.reviewed_value is not None for f in referral.fields.values())


def _now() -> datetime:
    return datetime.now(UTC)


def _record_outcome(s: Session, row: DocumentRow, actor: str, reason: str) -> int:
    """Copy the document's current outcome (with its referrals' data) into the history."""
    referrals = s.scalars(select(ReferralRow.data).where(ReferralRow.document_id == row.id)).all()
    s.add(
        ProcessingRunRow(
            document_id=row.id,
            sha256=row.sha256,
            status=row.status,
            error_code=row.error_code,
            error=row.error,
            document_type=row.document_type,
            page_count=row.page_count,
            referrals=list(referrals),
            outcome_at=row.created_at,
            recorded_at=_now(),
            recorded_by=actor,
            reason=reason,
        )
    )
    return len(referrals)


def _audit(s: Session, actor: str, action: str, document_id: str, detail: dict[str, Any]) -> None:
    s.add(
        AuditRow(
            at=_now(),
            actor=actor,
            action=action,
            entity="document",
            entity_id=document_id,
            detail=detail,
        )
    )


def replace_outcome(
    store: Store,
    document: Document,
    referrals: list[Referral],
    *,
    actor: str,
    keep: list[Referral] | None = None,
) -> list[Referral]:
    """Make ``document`` (same id) processed with ``referrals``, recording the old outcome.

    Args:
        keep: reviewed referrals to leave untouched; new ones sharing a page with them are
            not added.

    Returns:
        The referrals the document has afterwards (kept first, then new).
    """
    keep = keep or []
    kept_ids = {str(r.id) for r in keep}
    kept_pages = {p for r in keep for p in r.pages}
    added = [r for r in referrals if not kept_pages.intersection(r.pages)]
    with store.session() as s:
        row = s.get(DocumentRow, str(document.id))
        if row is None:
            raise LookupError("document not found")
        old_status, old_code = row.status, row.error_code
        _record_outcome(s, row, actor, "reprocess")
        s.execute(delete(PageRow).where(PageRow.document_id == row.id))
        s.execute(
            delete(ReferralRow).where(
                ReferralRow.document_id == row.id, ReferralRow.id.not_in(kept_ids or {""})
            )
        )
        s.flush()
        row.status = DocumentStatus.PROCESSED.value
        row.error_code = row.error = None
        row.media_type = document.media_type
        row.size_bytes = document.size_bytes
        row.page_count = document.page_count
        row.document_type = document.document_type.value if document.document_type else None
        row.document_type_confidence = document.document_type_confidence
        for page in document.pages:
            s.add(
                PageRow(document_id=row.id, number=page.number, data=page.model_dump(mode="json"))
            )
        now = _now()
        for referral in added:
            s.add(Store._referral_row(referral, now))
        _audit(
            s,
            actor,
            "document.reprocessed",
            row.id,
            {
                "from": old_status,
                "from_code": old_code,
                "referrals": len(added),
                "kept_reviewed": len(keep),
            },
        )
    return [*keep, *added]


def record_failure(store: Store, document_id: str, code: str, error: str, *, actor: str) -> str:
    """A re-run failed. A processed document keeps its result; a quarantined one takes the
    new error. Returns the document's status afterwards."""
    with store.session() as s:
        row = s.get(DocumentRow, document_id)
        if row is None:
            raise LookupError("document not found")
        if row.status == DocumentStatus.QUARANTINED.value:
            _record_outcome(s, row, actor, "reprocess")
            row.error_code, row.error = code, error
        else:
            s.add(
                ProcessingRunRow(
                    document_id=row.id,
                    sha256=row.sha256,
                    status=DocumentStatus.QUARANTINED.value,
                    error_code=code,
                    error=error,
                    document_type=None,
                    page_count=0,
                    referrals=[],
                    outcome_at=_now(),
                    recorded_at=_now(),
                    recorded_by=actor,
                    reason="reprocess_failed",
                )
            )
        _audit(s, actor, "document.reprocess_failed", row.id, {"code": code})
        return row.status


def runs_of(store: Store, document_id: str) -> list[ProcessingRunRow]:
    """The recorded earlier outcomes of a document, oldest first."""
    with store.session() as s:
        return list(
            s.scalars(
                select(ProcessingRunRow)
                .where(ProcessingRunRow.document_id == document_id)
                .order_by(ProcessingRunRow.id)
            )
        )


def find_documents(
    store: Store, target: str | None, *, quarantined: bool = False, since: datetime | None = None
) -> list[DocumentRow]:
    """Documents by id, sha256 (or a unique prefix of either, 8+ characters), or every
    quarantined one (received since ``since``)."""
    with store.session() as s:
        if quarantined:
            query = select(DocumentRow).where(DocumentRow.status == "quarantined")
            if since is not None:
                query = query.where(DocumentRow.created_at >= since)
            return list(s.scalars(query.order_by(DocumentRow.created_at)))
        if not target or len(target) < 8:
            return []
        exact = s.scalars(
            select(DocumentRow).where((DocumentRow.id == target) | (DocumentRow.sha256 == target))
        ).all()
        if exact:
            return list(exact)
        prefix = s.scalars(
            select(DocumentRow)
            .where(DocumentRow.id.startswith(target) | DocumentRow.sha256.startswith(target))
            .limit(2)
        ).all()
        return list(prefix) if len(prefix) == 1 else []
