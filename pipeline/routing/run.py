"""``intake route``: every approved referral to the destination of the first rule it matches.

Each outcome is recorded in ``routing_deliveries`` (rule, destination kind, status,
attempts, error code) and audited; a delivered referral becomes ``routed``. One that matches
no rule (and there is no default) stays ``approved`` with the reason recorded; one whose
delivery failed stays ``approved`` and is tried again on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from models.storage import Store
from models.storage.cleanup_tables import RoutingRow
from models.storage.tables import AuditRow, ReferralRow
from models.vocab import ReferralStatus
from pipeline.review_actions import load, save
from pipeline.routing.deliver import deliver
from pipeline.routing.rules import Rules, choose
from pipeline.settings import Settings


@dataclass
class Routed:
    """One referral's routing outcome (``status``: delivered, failed, unrouted, would_route)."""

    referral: str
    rule: str | None
    destination: str | None
    status: str
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        """The ``intake route --json`` line: referral, rule, destination, status (+ reason)."""
        return {
            "referral": self.referral,
            "rule": self.rule,
            "destination": self.destination,
            "status": self.status,
            "reason": self.reason,
        }


def _record(store: Store, out: Routed, actor: str, attempts: int, error: str | None) -> None:
    now = datetime.now(UTC)
    with store.session() as s:
        if out.status == "delivered":
            row, referral = load(s, out.referral)
            if row.status != ReferralStatus.APPROVED.value:
                out.status, out.reason = "skipped", f"status changed to {row.status}"
                return
            referral.status = ReferralStatus.ROUTED
            save(s, row, referral)
        s.add(
            RoutingRow(
                referral_id=out.referral,
                rule=out.rule or "",
                destination=(out.destination or "")[:32],
                status=out.status,
                attempts=attempts,
                error=(error or (out.reason if out.status == "unrouted" else None) or None),
                reference=out.referral if out.status == "delivered" else None,
                at=now,
            )
        )
        action = {"delivered": "referral.routed", "failed": "referral.route_failed"}.get(
            out.status, "referral.unrouted"
        )
        detail = {"rule": out.rule, "destination": out.destination, "attempts": attempts}
        if error:
            detail["error"] = error
        s.add(
            AuditRow(
                at=now,
                actor=actor,
                action=action,
                entity="referral",
                entity_id=out.referral,
                detail=detail,
            )
        )


def route(
    store: Store, settings: Settings, rules: Rules, *, actor: str, dry_run: bool = False
) -> list[Routed]:
    """Route every approved referral (oldest first); returns one outcome per referral."""
    with store.session() as s:
        ids = list(
            s.scalars(
                select(ReferralRow.id)
                .where(ReferralRow.status == ReferralStatus.APPROVED.value)
                .order_by(ReferralRow.created_at, ReferralRow.id)
            )
        )
    results = []
    for rid in ids:
        with store.session() as s:
            _, referral = load(s, rid)
        rule, reason = choose(rules, referral)
        if rule is None:
            out = Routed(rid, None, None, "unrouted", reason)
            if not dry_run:
                _record(store, out, actor, 0, None)
            results.append(out)
            continue
        label = rule.destination.label
        if dry_run:
            results.append(Routed(rid, rule.name, label, "would_route", reason))
            continue
        done = deliver(
            referral,
            rule.destination,
            retries=settings.route_retries,
            backoff_s=settings.route_backoff_s,
            clinic=settings.clinic_name,
        )
        out = Routed(rid, rule.name, label, "delivered" if done.ok else "failed", reason)
        _record(store, out, actor, done.attempts, done.error)
        results.append(out)
    return results
