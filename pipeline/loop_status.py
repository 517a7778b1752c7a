"""Closed-loop referral status after the HL7 360X states, as FHIR Task.status and HL7 v2 RF1-1.

The receiving side tells us what became of a referral (360X: requested, accepted, declined,
scheduled, no-show, cancelled, completed with the consult note). Each state is kept with its
FHIR ``Task.status`` (what a FHIR partner sends and expects) and its HL7 v2 ``RF1-1``
referral status (table 0283: A accepted, P pending, R rejected, E expired), so the same
history answers both kinds of partner. Every recorded state is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.clock import as_utc
from models.storage.cleanup_tables import ReferralStatusUpdateRow
from models.storage.tables import AuditRow, ReferralRow

#: 360X state → (FHIR Task.status, HL7 v2 RF1-1).
STATES: dict[str, tuple[str, str]] = {
    "requested": ("requested", "P"),
    "accepted": ("accepted", "A"),
    "declined": ("rejected", "R"),
    "scheduled": ("in-progress", "A"),
    "no-show": ("on-hold", "P"),
    "cancelled": ("cancelled", "R"),
    "completed": ("completed", "A"),
}
#: FHIR Task.status → 360X state, for a Task update without a business status we know.
FROM_TASK = {
    "requested": "requested",
    "received": "requested",
    "accepted": "accepted",
    "rejected": "declined",
    "in-progress": "scheduled",
    "on-hold": "no-show",
    "cancelled": "cancelled",
    "completed": "completed",
}
_ALIASES = {
    "noshow": "no-show",
    "canceled": "cancelled",
    "rejected": "declined",
    "booked": "scheduled",
    "done": "completed",
}


class StatusError(ValueError):
    """A status update that cannot be recorded (unknown state, no such referral…)."""


def normalise_state(text: str) -> str:
    """A 360X state from how an export spells it ("No Show", "no_show", "Canceled")."""
    key = re.sub(r"[\s_]+", "-", (text or "").strip().lower())
    key = _ALIASES.get(key.replace("-", ""), _ALIASES.get(key, key))
    if key not in STATES:
        raise StatusError(f"unknown status {text[:20]!r} (use one of {', '.join(STATES)})")
    return key


@dataclass(frozen=True)
class Update:
    """One status update to record for a referral."""

    referral_id: str
    state: str
    occurred_at: datetime
    note: str = ""
    source: str = "csv"


def record(s: Session, update: Update, actor: str) -> ReferralStatusUpdateRow:
    """Store one update and its audit entry, inside the caller's transaction."""
    if s.get(ReferralRow, update.referral_id) is None:
        raise StatusError("no such referral")
    task, rf1 = STATES[update.state]
    now = datetime.now(UTC)
    row = ReferralStatusUpdateRow(
        referral_id=update.referral_id,
        state=update.state,
        task_status=task,
        rf1_status=rf1,
        occurred_at=as_utc(update.occurred_at).astimezone(UTC),  # SQLite drops offsets
        note=update.note,
        source=update.source,
        imported_at=now,
        actor=actor,
    )
    s.add(row)
    s.add(
        AuditRow(
            at=now,
            actor=actor,
            action="referral.loop_status",
            entity="referral",
            entity_id=update.referral_id,
            detail={
                "state": update.state,
                "task_status": task,
                "rf1": rf1,
                "source": update.source,
            },
        )
    )
    return row


def history(s: Session, referral_id: str) -> list[dict[str, Any]]:
    """A referral's closed-loop history, oldest first; the API shows it (notes included)."""
    rows = s.scalars(
        select(ReferralStatusUpdateRow)
        .where(ReferralStatusUpdateRow.referral_id == referral_id)
        .order_by(ReferralStatusUpdateRow.occurred_at, ReferralStatusUpdateRow.id)
    )
    return [
        {
            "state": r.state,
            "task_status": r.task_status,
            "rf1_status": r.rf1_status,
            "at": r.occurred_at.isoformat(),
            "note": r.note,
            "source": r.source,
        }
        for r in rows
    ]


def latest(s: Session, ids: list[str] | None = None) -> dict[str, str]:
    """Each referral's newest state (by when it happened, then import order); of ``ids`` only
    when given (the queue's page)."""
    query = select(ReferralStatusUpdateRow.referral_id, ReferralStatusUpdateRow.state).order_by(
        ReferralStatusUpdateRow.occurred_at, ReferralStatusUpdateRow.id
    )
    if ids is not None:
        query = query.where(ReferralStatusUpdateRow.referral_id.in_(ids))
    return dict(s.execute(query).all())


def current(s: Session, referral_id: str) -> dict[str, Any] | None:
    """The newest state with its history (``None`` when nothing was reported)."""
    past = history(s, referral_id)
    if not past:
        return None
    return {**past[-1], "history": past}
