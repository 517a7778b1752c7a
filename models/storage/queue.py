"""The review queue as a paged, filtered query: what ``intake queue`` (and later the review
workspace) lists. Most urgent and earliest due first; ties by arrival, then id, so pages
never overlap or skip a row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models.clock import as_utc
from models.storage.tables import DocumentRow, ReferralRow


@dataclass(frozen=True)
class QueueFilter:
    """Which referrals to list; None means any."""

    status: str | None = "needs_review"
    urgency: str | None = None
    specialty: str | None = None

    def apply(self, query: Select[Any]) -> Select[Any]:
        """``query`` restricted to this filter."""
        if self.status:
            query = query.where(ReferralRow.status == self.status)
        if self.urgency:
            query = query.where(ReferralRow.urgency == self.urgency)
        if self.specialty:
            query = query.where(ReferralRow.specialty == self.specialty)
        return query


def _aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes for UTC columns."""
    if value is None:
        return None
    return as_utc(value)


def _received(document: DocumentRow) -> datetime | None:
    fax = document.fax or {}
    if fax.get("received"):
        try:
            return _aware(datetime.fromisoformat(str(fax["received"])))
        except ValueError:
            pass
    return _aware(document.received_at)


def count(session: Session, where: QueueFilter) -> int:
    """How many referrals match ``where``."""
    query = where.apply(select(func.count()).select_from(ReferralRow))
    return int(session.scalar(query) or 0)


def page(session: Session, where: QueueFilter, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """One page of the queue, as plain dicts (no PHI beyond the document's source name)."""
    query = where.apply(
        select(ReferralRow, DocumentRow)
        .join(DocumentRow, DocumentRow.id == ReferralRow.document_id)
        .order_by(
            ReferralRow.due_by.is_(None),
            ReferralRow.due_by,
            ReferralRow.created_at,
            ReferralRow.id,
        )
        .limit(limit)
        .offset(offset)
    )
    return [
        {
            "id": row.id,
            "document_id": row.document_id,
            "source": document.source_name,
            "status": row.status,
            "urgency": row.urgency,
            "specialty": row.specialty,
            "received": _received(document),
            "due_by": _aware(row.due_by),
            "pages": row.data.get("pages", []),
            "problems": len(row.data.get("problems", [])),
            "missing": len(row.data.get("missing", [])),
        }
        for row, document in session.execute(query).all()
    ]
