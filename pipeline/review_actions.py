"""What a reviewer does to a referral: claim, correct, accept, approve, reject; each audited.

Every action checks the claim first (two people never work the same fax), writes the
referral and its audit entry in one transaction, and records field verdicts in
``field_reviews`` so accuracy can be measured from real reviews. Audit details hold field
names and codes, never values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.clock import as_utc
from models.referral import Referral
from models.review import Claim, RejectReason, User
from models.storage import Store
from models.storage.review_tables import ClaimRow, FieldReviewRow, ReferralIndexRow
from models.storage.tables import AuditRow, DocumentRow, ReferralRow
from models.vocab import FieldName, ReferralStatus
from pipeline import review_queue


class ReviewError(Exception):
    """An action that cannot be done now; ``status`` is the HTTP status that fits."""

    status = 409


class NotFound(ReviewError):
    """No such referral or document."""

    status = 404


class ClaimedByOther(ReviewError):
    """Someone else holds the claim."""


class InvalidFields(ValueError):
    """Reviewer values that fail the pipeline's validators; ``errors``: field → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(f"{len(errors)} invalid field(s)")
        self.errors = errors


@dataclass(frozen=True)
class Actor:
    """Who acts and from where (the client address), for the audit log."""

    user: User
    origin: str | None = None


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def audit(
    s: Session, actor: Actor, action: str, entity: str, entity_id: str, **detail: Any
) -> None:
    """Append an audit entry inside the caller's transaction."""
    s.add(
        AuditRow(
            at=now(),
            actor=actor.user.name,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail or None,
            origin=actor.origin,
        )
    )


def load(s: Session, referral_id: str) -> tuple[ReferralRow, Referral]:
    """The row and its domain referral, or :class:`NotFound`."""
    row = s.get(ReferralRow, referral_id)
    if row is None:
        raise NotFound("no such referral")
    return row, Referral.model_validate(row.data)


def save(s: Session, row: ReferralRow, referral: Referral) -> None:
    """Write a changed referral back to its row and refresh its queue facets."""
    row.data = referral.model_dump(mode="json")
    row.status = referral.status.value
    row.updated_at = now()
    review_queue.refresh(s, row)


def claim_of(s: Session, referral_id: str) -> Claim | None:
    """The live claim on a referral (an expired one counts as none)."""
    row = s.get(ClaimRow, referral_id)
    if row is None or as_utc(row.expires_at) <= now():
        return None
    return Claim(user=row.user_name, claimed_at=row.claimed_at, expires_at=row.expires_at)


def _hold(s: Session, referral_id: str, actor: Actor) -> None:
    held = claim_of(s, referral_id)
    if held is not None and held.user != actor.user.name:
        raise ClaimedByOther(f"claimed by {held.user}")


def claim(store: Store, referral_id: str, actor: Actor, minutes: float) -> Claim:
    """Claim (or renew one's claim on) a referral; refused while another holds it."""
    with store.session() as s:
        load(s, referral_id)
        _hold(s, referral_id, actor)
        row = s.get(ClaimRow, referral_id)
        fresh = row is None or row.user_name != actor.user.name
        if row is None:
            row = ClaimRow(referral_id=referral_id)
            s.add(row)
        row.user_id, row.user_name = actor.user.id, actor.user.name
        if fresh:
            row.claimed_at = now()
        row.expires_at = now() + timedelta(minutes=minutes)
        if fresh:
            audit(s, actor, "referral.claim", "referral", referral_id)
        return Claim(user=row.user_name, claimed_at=row.claimed_at, expires_at=row.expires_at)


def release(store: Store, referral_id: str, actor: Actor) -> None:
    """Drop a claim: one's own, or anyone's for an admin."""
    with store.session() as s:
        load(s, referral_id)
        held = claim_of(s, referral_id)
        if held is not None and held.user != actor.user.name and not actor.user.is_admin:
            raise ClaimedByOther(f"claimed by {held.user}")
        s.execute(delete(ClaimRow).where(ClaimRow.referral_id == referral_id))
        audit(s, actor, "referral.release", "referral", referral_id)


def _received(s: Session, row: ReferralRow) -> date:
    doc = s.get(DocumentRow, row.document_id)
    return as_utc(doc.received_at).date() if doc else now().date()


def _verdict(s: Session, referral: Referral, name: FieldName, reviewed: Any, actor: Actor) -> None:
    field = referral.fields.get(name)
    extracted = field.value if field else None
    s.add(
        FieldReviewRow(
            referral_id=str(referral.id),
            field=name.value,
            extracted_value=extracted,
            extracted_confidence=field.confidence if field and field.extractor else None,
            extractor=field.extractor if field else "",
            reviewed_value=reviewed,
            correct=extracted is not None and extracted == reviewed,
            reviewer=actor.user.name,
            at=now(),
        )
    )


def correct(store: Store, referral_id: str, actor: Actor, changes: dict[str, Any]) -> Referral:
    """Set reviewed values (validated as the pipeline validates); 422-style errors per field."""
    from pipeline import corrections  # loads the extractors' validators (spaCy, ICD-10)

    with store.session() as s:
        row, referral = load(s, referral_id)
        _hold(s, referral_id, actor)
        today = _received(s, row)
        values = corrections.normalise_all(changes, today=today)
        conflicts = corrections.conflicts(referral, values, today)
        if conflicts:
            raise InvalidFields(conflicts)
        for name, value in values.items():
            _verdict(s, referral, name, value, actor)
        updated = corrections.apply(referral, values, today)
        save(s, row, updated)
        audit(s, actor, "referral.edit", "referral", referral_id, fields=sorted(changes))
        return updated


def accept(store: Store, referral_id: str, actor: Actor, name: str) -> Referral:
    """Confirm an extracted value as read (it then counts as correct in review-stats)."""
    from pipeline import corrections

    field_name = FieldName(name)
    with store.session() as s:
        row, referral = load(s, referral_id)
        _hold(s, referral_id, actor)
        field = referral.fields.get(field_name)
        if field is None or field.value is None:
            raise ReviewError("nothing was extracted for this field")
        _verdict(s, referral, field_name, field.value, actor)
        updated = corrections.apply(referral, {field_name: field.value}, _received(s, row))
        save(s, row, updated)
        audit(s, actor, "referral.accept_field", "referral", referral_id, field=name)
        return updated


def _reviewed_names(s: Session, referral_id: str) -> set[str]:
    rows = s.scalars(select(FieldReviewRow.field).where(FieldReviewRow.referral_id == referral_id))
    return set(rows)


def _close(s: Session, row: ReferralRow, referral: Referral, status: ReferralStatus) -> Referral:
    if referral.status != ReferralStatus.NEEDS_REVIEW:
        raise ReviewError(f"referral is already {referral.status.value}")
    updated = referral.model_copy(update={"status": status})
    save(s, row, updated)
    s.execute(delete(ClaimRow).where(ClaimRow.referral_id == row.id))
    return updated


def approve(store: Store, referral_id: str, actor: Actor) -> Referral:
    """Approve: every field not reviewed yet is taken as read (a verdict of 'correct').

    Problems left (a stale referral date…) are the reviewer's judgement to accept; values they
    typed were already held to the validators by :func:`correct`.
    """
    with store.session() as s:
        row, referral = load(s, referral_id)
        _hold(s, referral_id, actor)
        done = _reviewed_names(s, referral_id)
        for name, field in referral.fields.items():
            if name.value not in done and field.value is not None and field.extractor:
                _verdict(s, referral, name, field.value, actor)
        updated = _close(s, row, referral, ReferralStatus.APPROVED)
        audit(s, actor, "referral.approve", "referral", referral_id)
        return updated


def reject(store: Store, referral_id: str, actor: Actor, reason: RejectReason) -> Referral:
    """Reject with a coded reason (kept in the index and the audit entry)."""
    with store.session() as s:
        row, referral = load(s, referral_id)
        _hold(s, referral_id, actor)
        updated = _close(s, row, referral, ReferralStatus.REJECTED)
        facets = s.get(ReferralIndexRow, referral_id)
        if facets is not None:
            facets.reject_reason = reason.value
        audit(s, actor, "referral.reject", "referral", referral_id, reason=reason.value)
        return updated


def history(store: Store, entity_id: str, limit: int = 200) -> list[dict[str, Any]]:
    """Audit entries about one referral or document, oldest first."""
    with store.session() as s:
        rows = s.scalars(
            select(AuditRow).where(AuditRow.entity_id == entity_id).order_by(AuditRow.id)
        ).all()
        return [entry(r) for r in rows[-limit:]]


def entry(row: AuditRow) -> dict[str, Any]:
    """An audit row as the API shows it."""
    return {
        "id": row.id,
        "at": as_utc(row.at).isoformat(),
        "actor": row.actor,
        "action": row.action,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "detail": row.detail,
        "origin": row.origin,
    }


def record(store: Store, actor: Actor, action: str, entity: str, entity_id: str, **kw: Any) -> None:
    """Audit an action that changes nothing (a view, an export)."""
    with store.session() as s:
        audit(s, actor, action, entity, entity_id, **kw)
