"""Doing and undoing clean-up actions: each one recorded, audited and reversible.

A merge changes nothing of either referral but the merged one's status (``merged``): its
pages, fields, reviews and history all stay, and the active action row is what points it at
its survivor. Expire and close change the status likewise. Every action is written with the
referral's previous status, in one transaction with its audit entry, so
``intake cleanup --undo ACTION_ID`` puts the status back — unless the referral has changed
since, which is refused rather than overwritten.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.clock import as_utc
from models.storage import Store
from models.storage.cleanup_tables import CleanupActionRow
from models.storage.review_tables import ClaimRow
from models.storage.tables import AuditRow, ReferralRow
from models.vocab import ReferralStatus
from pipeline.cleanup_plan import Planned
from pipeline.review_actions import load, save

NEW_STATUS = {
    "merge": ReferralStatus.MERGED,
    "expire": ReferralStatus.EXPIRED,
    "close": ReferralStatus.CLOSED,
}
_MERGEABLE = ("needs_review", "approved")


class CleanupError(Exception):
    """An action that cannot be done or undone now (the message says why)."""


def _now() -> datetime:
    return datetime.now(UTC)


def _audit(s: Session, actor: str, action: str, referral_id: str, **detail: object) -> None:
    s.add(
        AuditRow(
            at=_now(),
            actor=actor,
            action=action,
            entity="referral",
            entity_id=referral_id,
            detail=detail or None,
        )
    )


def _claimed(s: Session, referral_id: str) -> bool:
    row = s.get(ClaimRow, referral_id)
    return row is not None and as_utc(row.expires_at) > _now()


def merge_action(s: Session, referral_id: str) -> CleanupActionRow | None:
    """The active (not undone) merge of a merged referral: what Un-merge undoes."""
    return s.scalar(
        select(CleanupActionRow)
        .where(
            CleanupActionRow.referral_id == referral_id,
            CleanupActionRow.action == "merge",
            CleanupActionRow.undone_at.is_(None),
        )
        .order_by(CleanupActionRow.id.desc())
        .limit(1)
    )


def merged_into(s: Session, referral_id: str) -> str | None:
    """The survivor a merged referral points at (its active merge), or ``None``."""
    action = merge_action(s, referral_id)
    return action.duplicate_of if action is not None else None


def absorbed(s: Session, referral_id: str) -> list[str]:
    """Referrals actively merged into ``referral_id`` (shown on the survivor)."""
    return list(
        s.scalars(
            select(CleanupActionRow.referral_id).where(
                CleanupActionRow.duplicate_of == referral_id,
                CleanupActionRow.action == "merge",
                CleanupActionRow.undone_at.is_(None),
            )
        )
    )


def recent(store: Store, *, limit: int = 100, before: int | None = None) -> list[dict]:
    """Clean-up actions, newest first (``before``: an action id, for paging)."""
    query = select(CleanupActionRow).order_by(CleanupActionRow.id.desc()).limit(limit)
    if before is not None:
        query = query.where(CleanupActionRow.id < before)
    with store.session() as s:
        return [
            {
                "id": a.id,
                "at": as_utc(a.at).isoformat(),
                "actor": a.actor,
                "action": a.action,
                "referral": a.referral_id,
                "duplicate_of": a.duplicate_of,
                "score": a.score,
                "evidence": list(a.evidence or []),
                "reason": a.reason,
                "previous_status": a.previous_status,
                "undone_at": as_utc(a.undone_at).isoformat() if a.undone_at else None,
                "undone_by": a.undone_by,
            }
            for a in s.scalars(query)
        ]


def _locked(s: Session, referral_id: str) -> ReferralRow | None:
    """The row, locked until the transaction ends (PostgreSQL ``FOR UPDATE``; SQLite has one
    writer anyway): two merges at once (A into B, B into A) cannot both see the other open."""
    return s.get(ReferralRow, referral_id, with_for_update=True, populate_existing=True)


def _check(s: Session, item: Planned) -> str | None:
    """Why ``item`` cannot be applied now (the queue moved since planning), or ``None``."""
    if item.action == "merge" and item.duplicate_of == item.referral:
        return "a referral cannot be merged into itself"
    ids = sorted({item.referral, item.duplicate_of or item.referral})  # one lock order
    rows = {rid: _locked(s, rid) for rid in ids}
    row = rows[item.referral]
    if row is None:
        return "referral gone"
    if _claimed(s, item.referral):
        return "claimed by a reviewer"
    if item.action == "merge":
        survivor = rows.get(item.duplicate_of or "")
        if row.status not in _MERGEABLE:
            return f"status is {row.status}"
        if survivor is None or survivor.status in ("merged", "expired", "closed", "rejected"):
            return "survivor is no longer open"
    elif row.status in ("merged", "expired", "closed", "rejected"):
        return f"status is {row.status}"
    return None


def apply_one(store: Store, item: Planned, actor: str) -> Planned | None:
    """Apply one planned action; ``None`` when the queue changed and it no longer applies."""
    with store.session() as s:
        if _check(s, item) is not None:
            return None
        row, referral = load(s, item.referral)
        previous = row.status
        referral.status = NEW_STATUS[item.action]
        save(s, row, referral)
        action = CleanupActionRow(
            at=_now(),
            actor=actor,
            action=item.action,
            referral_id=item.referral,
            duplicate_of=item.duplicate_of,
            score=item.score,
            evidence=item.evidence,
            reason=item.reason,
            previous_status=previous,
        )
        s.add(action)
        s.flush()
        detail = {"action_id": action.id, "score": round(item.score, 3), "from": previous}
        if item.duplicate_of:
            detail["duplicate_of"] = item.duplicate_of
            _audit(
                s,
                actor,
                "cleanup.merged_in",
                item.duplicate_of,
                action_id=action.id,
                merged=item.referral,
            )
        _audit(s, actor, f"cleanup.{item.action}", item.referral, **detail)
        item.id = action.id
        return item


def dismiss(store: Store, referral_id: str, duplicate_of: str, actor: str) -> int:
    """A reviewer says two referrals are not the same request: never proposed again (undoable).

    Recorded as a ``dismiss`` action that changes no status; returns its id.
    """
    with store.session() as s:
        row = s.get(ReferralRow, referral_id)
        if row is None or s.get(ReferralRow, duplicate_of) is None:
            raise CleanupError("no such referral")
        action = CleanupActionRow(
            at=_now(),
            actor=actor,
            action="dismiss",
            referral_id=referral_id,
            duplicate_of=duplicate_of,
            evidence=[],
            reason="not the same request (reviewer)",
            previous_status=row.status,
        )
        s.add(action)
        s.flush()
        _audit(s, actor, "cleanup.dismiss", referral_id, action_id=action.id, other=duplicate_of)
        return action.id


def dismissed(s: Session) -> set[frozenset[str]]:
    """Pairs a reviewer said are not duplicates (active dismissals)."""
    rows = s.execute(
        select(CleanupActionRow.referral_id, CleanupActionRow.duplicate_of).where(
            CleanupActionRow.action == "dismiss", CleanupActionRow.undone_at.is_(None)
        )
    )
    return {frozenset((a, b or "")) for a, b in rows}


def undone(s: Session) -> tuple[set[frozenset[str]], set[tuple[str, str]]]:
    """What a person reversed and clean-up must not redo on its own: pairs whose merge was
    undone, and ``(action, referral)`` of undone expiries and closures."""
    rows = s.execute(
        select(
            CleanupActionRow.action, CleanupActionRow.referral_id, CleanupActionRow.duplicate_of
        ).where(CleanupActionRow.undone_at.is_not(None), CleanupActionRow.action != "dismiss")
    )
    pairs: set[frozenset[str]] = set()
    single: set[tuple[str, str]] = set()
    for action, referral_id, duplicate_of in rows:
        if action == "merge":
            pairs.add(frozenset((referral_id, duplicate_of or "")))
        else:
            single.add((action, referral_id))
    return pairs, single


def apply(store: Store, items: list[Planned], actor: str) -> list[Planned]:
    """Apply each planned action in its own transaction; returns those that were done."""
    return [done for item in items if (done := apply_one(store, item, actor)) is not None]


def undo(store: Store, action_id: int, actor: str) -> CleanupActionRow:
    """Reverse one action: the referral gets its previous status back; audited.

    Raises:
        CleanupError: no such action, already undone, or the referral changed since.
    """
    with store.session() as s:
        action = s.get(CleanupActionRow, action_id, with_for_update=True)  # one undo at a time
        if action is None:
            raise CleanupError(f"no clean-up action {action_id}")
        if action.undone_at is not None:
            raise CleanupError(f"clean-up action {action_id} was already undone")
        row, referral = load(s, action.referral_id)
        if action.action == "dismiss":  # no status was changed: the pair may be proposed again
            action.undone_at, action.undone_by = _now(), actor
            _audit(s, actor, "cleanup.undo_dismiss", action.referral_id, action_id=action.id)
            return action
        if row.status != NEW_STATUS[action.action].value:
            raise CleanupError(
                f"referral changed since action {action_id} (status is now {row.status})"
            )
        referral.status = ReferralStatus(action.previous_status)
        save(s, row, referral)
        action.undone_at, action.undone_by = _now(), actor
        _audit(
            s,
            actor,
            f"cleanup.undo_{action.action}",
            action.referral_id,
            action_id=action.id,
            to=action.previous_status,
        )
        return action
