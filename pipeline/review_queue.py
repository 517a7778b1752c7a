"""The work queue and search: referrals filtered, counted and paged in SQL.

Filters and search read ``referral_index``, a derived table of facets (patient name, DOB,
MRN, phones, practice, sending fax, missing fields) kept beside each referral, so a queue of
10,000 referrals is a couple of indexed queries, not 10,000 JSON documents parsed per request.
Rows missing from the index (referrals the pipeline stored since) are added on the next read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from models.clock import as_utc
from models.storage import Store
from models.storage.review_tables import ClaimRow, ReferralIndexRow
from models.storage.tables import DocumentRow, ReferralRow
from pipeline.loop_status import latest

URGENCY_RANK = {"stat": 0, "urgent": 1, "routine": 2}
_NAME_FIELDS = ("patient.name",)
_PHONE_FIELDS = ("patient.phone", "referring.phone", "referring.fax")


def digits(text: Any) -> str:
    """Only the digits of a phone or fax number (what search compares)."""
    return re.sub(r"\D", "", str(text or ""))


def _value(data: dict[str, Any], name: str) -> Any:
    found = (data.get("fields") or {}).get(name) or {}
    reviewed = found.get("reviewed_value")
    return reviewed if reviewed is not None else found.get("value")


def facets(row: ReferralRow, doc: DocumentRow, index: ReferralIndexRow | None = None) -> Any:
    """The index row of a referral (new, or ``index`` refreshed in place)."""
    data = row.data
    index = index or ReferralIndexRow(referral_id=row.id)
    index.document_id = row.document_id
    index.status = row.status
    index.urgency = row.urgency
    index.specialty = row.specialty
    index.due_by = row.due_by
    index.urgency_rank = URGENCY_RANK.get(row.urgency or "", 3)
    index.patient_name = str(_value(data, "patient.name") or "")[:256]
    index.dob = str(_value(data, "patient.dob") or "")[:10]
    index.mrn = str(_value(data, "patient.mrn") or "")[:64]
    index.phones = " ".join(digits(_value(data, n)) for n in _PHONE_FIELDS)[:128]
    index.practice = str(_value(data, "referring.practice") or "")[:256]
    index.sender_fax = digits((doc.fax or {}).get("sender_fax"))[:32]
    index.received_at = doc.received_at
    index.missing = ",".join(data.get("missing") or [])
    index.problems = len(data.get("problems") or [])
    return index


def sync_index(store: Store) -> int:
    """Index referrals stored since the last read; returns how many were added."""
    with store.session() as s:
        known = s.scalar(select(func.count()).select_from(ReferralIndexRow))
        if known == s.scalar(select(func.count()).select_from(ReferralRow)):
            return 0
        rows = s.execute(
            select(ReferralRow, DocumentRow)
            .join(DocumentRow, DocumentRow.id == ReferralRow.document_id)
            .outerjoin(ReferralIndexRow, ReferralIndexRow.referral_id == ReferralRow.id)
            .where(ReferralIndexRow.referral_id.is_(None))
        ).all()
        for row, doc in rows:
            s.add(facets(row, doc))
        return len(rows)


def refresh(s: Session, row: ReferralRow) -> None:
    """Re-derive one referral's facets after a change (inside the caller's transaction)."""
    doc = s.get(DocumentRow, row.document_id)
    if doc is not None:
        index = s.get(ReferralIndexRow, row.id)
        if index is None:
            s.add(facets(row, doc))
        else:
            facets(row, doc, index)


@dataclass
class QueueFilter:
    """What the queue shows; every field optional. ``status=None`` means all statuses."""

    status: str | None = "needs_review"
    urgency: str | None = None
    specialty: str | None = None
    missing: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    sender_fax: str | None = None
    claimed_by: str | None = None
    overdue: bool = False
    ids: list[str] | None = field(default=None)


def _where(query: Select[Any], f: QueueFilter, now: datetime, *, skip: str = "") -> Select[Any]:
    if f.status and skip != "facets":
        query = query.where(ReferralIndexRow.status == f.status)
    if f.urgency and skip != "facets":
        query = query.where(ReferralIndexRow.urgency == f.urgency)
    if f.specialty and skip != "facets":
        query = query.where(ReferralIndexRow.specialty == f.specialty)
    if f.missing:
        query = query.where(ReferralIndexRow.missing.contains(f.missing))
    if f.received_from:
        start = datetime.combine(f.received_from, time.min, tzinfo=UTC)
        query = query.where(ReferralIndexRow.received_at >= start)
    if f.received_to:
        end = datetime.combine(f.received_to, time.max, tzinfo=UTC)
        query = query.where(ReferralIndexRow.received_at <= end)
    if f.sender_fax and digits(f.sender_fax):
        query = query.where(ReferralIndexRow.sender_fax.contains(digits(f.sender_fax)))
    if f.claimed_by:
        query = query.where(ClaimRow.user_name == f.claimed_by, ClaimRow.expires_at > now)
    if f.overdue:
        query = query.where(ReferralIndexRow.due_by < now)
    if f.ids is not None:
        query = query.where(ReferralIndexRow.referral_id.in_(f.ids))
    return query


def _base(columns: list[Any], *, claims: bool = True) -> Select[Any]:
    query = select(*columns).select_from(ReferralIndexRow)
    if claims:
        query = query.outerjoin(ClaimRow, ClaimRow.referral_id == ReferralIndexRow.referral_id)
    return query


_FACETS = ("status", "urgency", "specialty")


def _counts(s: Session, f: QueueFilter, now: datetime) -> tuple[int, dict[str, Any]]:
    """The total and the counts per facet value, from one grouped scan of the index.

    Each facet's counts ignore that facet's own filter (so the status menu shows how many
    are approved while the queue shows needs_review) and honour every other filter.
    """
    late = case((ReferralIndexRow.due_by < now, 1), else_=0)
    columns = [ReferralIndexRow.status, ReferralIndexRow.urgency, ReferralIndexRow.specialty]
    query = _where(
        _base([*columns, late, func.count()], claims=bool(f.claimed_by)), f, now, skip="facets"
    ).group_by(*columns, late)
    groups = s.execute(query).all()
    wanted = {"status": f.status, "urgency": f.urgency, "specialty": f.specialty}

    def keeps(group: Any, skip: str) -> bool:
        return all(
            wanted[name] in (None, group[i]) for i, name in enumerate(_FACETS) if name != skip
        )

    counts: dict[str, Any] = {name: {} for name in _FACETS}
    for group in groups:
        for i, name in enumerate(_FACETS):
            if keeps(group, name):
                counts[name][group[i]] = counts[name].get(group[i], 0) + group[4]
    inside = [g for g in groups if keeps(g, "")]
    counts["overdue"] = sum(g[4] for g in inside if g[3])
    return sum(g[4] for g in inside), counts


def list_referrals(
    store: Store, f: QueueFilter, *, page: int = 1, per_page: int = 50
) -> dict[str, Any]:
    """One page of the queue (most urgent, then earliest due), the total, counts per filter."""
    sync_index(store)
    now = datetime.now(UTC)
    per_page = max(1, min(per_page, 200))
    page = max(1, page)
    columns = [
        ReferralIndexRow.referral_id.label("id"),
        ReferralIndexRow.document_id,
        ReferralIndexRow.status,
        ReferralIndexRow.urgency,
        ReferralIndexRow.specialty,
        ReferralIndexRow.due_by,
        ReferralIndexRow.patient_name,
        ReferralIndexRow.received_at,
        ReferralIndexRow.sender_fax,
        ReferralIndexRow.missing,
        ReferralIndexRow.problems,
        ClaimRow.user_name,
        ClaimRow.expires_at,
    ]
    query = (
        _where(_base(columns), f, now)
        .order_by(
            ReferralIndexRow.urgency_rank, ReferralIndexRow.due_by, ReferralIndexRow.referral_id
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    with store.session() as s:
        rows = s.execute(query).all()
        total, counts = _counts(s, f, now)
        states = latest(s, [r.id for r in rows])
    items = [{**_item(r, now), "loop_state": states.get(r.id)} for r in rows]
    return {
        "items": items,
        "total": total,
        "page": page,
        "per_page": per_page,
        "counts": counts,
    }


def _aware(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


def _item(r: Any, now: datetime) -> dict[str, Any]:
    due = _aware(r.due_by)
    claim_live = r.user_name and _aware(r.expires_at) > now
    return {
        "id": r.id,
        "document_id": r.document_id,
        "status": r.status,
        "urgency": r.urgency,
        "specialty": r.specialty,
        "due_by": due.isoformat() if due else None,
        "overdue": bool(due and due < now and r.status == "needs_review"),
        "patient_name": r.patient_name,
        "received_at": _aware(r.received_at).isoformat(),
        "sender_fax": r.sender_fax or None,
        "missing": [m for m in r.missing.split(",") if m],
        "problems": r.problems,
        "claimed_by": r.user_name if claim_live else None,
    }


def rank_order() -> Any:
    """SQL expression ordering urgencies stat < urgent < routine (for other callers)."""
    return case(URGENCY_RANK, value=ReferralRow.urgency, else_=3)
