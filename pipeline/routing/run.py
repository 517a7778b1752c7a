"""``intake route``: every approved referral to the destination of the first rule it matches.

Each outcome is recorded in ``routing_deliveries`` (rule, destination kind, status,
attempts, error code) and audited; a delivered referral becomes ``routed``. One that matches
no rule (and there is no default) stays ``approved`` with the reason recorded; one whose
delivery failed stays ``approved`` and is tried again on the next run. A delivered referral
gets its fax-back acknowledgement to the referring office written to
``DATA_DIR/outbox/acknowledgements/<referral id>.pdf`` (0600) for the fax server.

``route_one`` is what the workspace's Route button runs; ``route`` runs every approved one.
Delivering holds the lease ``route:<id>`` (``pipeline.leases``): a worker, a timer and a
click routing the same referral at once deliver it once (the others report ``skipped``).
Capacity is counted from ``routing_deliveries``: delivered rows of every rule sending to the
same destination since the start of the rule's day or week (site time zone).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.document import Page
from models.fs import write_private
from models.referral import Referral
from models.storage import Store
from models.storage.cleanup_tables import RoutingRow
from models.storage.tables import AuditRow, PageRow, ReferralRow
from models.vocab import ReferralStatus
from pipeline import leases
from pipeline.review_actions import load, save
from pipeline.routing.deliver import deliver
from pipeline.routing.rules import Rule, Rules, addressed_to, choose
from pipeline.settings import Settings

log = logging.getLogger(__name__)


class NotRoutable(Exception):
    """The referral is not approved (only approved referrals are routed)."""


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
    why = error or (out.reason if out.status == "unrouted" else None)
    why = why[:128] if why else None  # the column's width: PostgreSQL refuses longer
    with store.session() as s:
        if out.status == "delivered":  # it arrived: recorded whatever happened meanwhile
            s.get(ReferralRow, out.referral, with_for_update=True, populate_existing=True)
            row, referral = load(s, out.referral)
            if row.status == ReferralStatus.APPROVED.value:
                referral.status = ReferralStatus.ROUTED
                save(s, row, referral)
            else:  # merged, expired or rejected during the delivery: that status stands
                out.reason = f"delivered, but the referral became {row.status} meanwhile"
        s.add(
            RoutingRow(
                referral_id=out.referral,
                rule=out.rule or "",
                destination=(out.destination or "")[:32],
                status=out.status,
                attempts=attempts,
                error=why,
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


def page_lines(s: Session, document_id: str, pages: list[int]) -> list[str]:
    """The text lines of a referral's pages, in reading order (what ``provider`` reads)."""
    rows = s.scalars(
        select(PageRow)
        .where(PageRow.document_id == document_id, PageRow.number.in_(pages))
        .order_by(PageRow.number)
    )
    return [line for row in rows for line in Page.model_validate(row.data).text().splitlines()]


def period_start(now: datetime, per: str, settings: Settings) -> datetime:
    """Start of the calendar day or week (Monday) holding ``now``, in the site's time zone."""
    local = now.astimezone(settings.zone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if per == "week":
        start -= timedelta(days=start.weekday())
    return start.astimezone(UTC)


class _Capacity:
    """Deliveries so far per destination and period, from the table plus this run's plans."""

    def __init__(self, store: Store, settings: Settings, now: datetime) -> None:
        self.store, self.settings, self.now = store, settings, now
        self.planned: Counter[tuple[str, ...]] = Counter()

    def used(self, rules: Rules, rule: Rule) -> int:
        assert rule.capacity is not None
        names = rules.sharing(rule.destination)
        since = period_start(self.now, rule.capacity.per, self.settings)
        with self.store.session() as s:
            done = s.scalar(
                select(func.count())
                .select_from(RoutingRow)
                .where(
                    RoutingRow.status == "delivered",
                    RoutingRow.rule.in_(names),
                    RoutingRow.at >= since,
                )
            )
        return int(done or 0) + self.planned[names]

    def plan(self, rules: Rules, rule: Rule) -> None:
        self.planned[rules.sharing(rule.destination)] += 1


def acknowledgement_path(settings: Settings, referral_id: str) -> Path:
    """Where the fax-back acknowledgement of a routed referral is written."""
    return settings.data_dir / "outbox" / "acknowledgements" / f"{referral_id}.pdf"


def _acknowledge(settings: Settings, referral: Referral, rule: Rule) -> None:
    from pipeline.faxback import acknowledgement_pdf  # reportlab: loaded when first needed

    pdf = acknowledgement_pdf(
        referral,
        routed_to=rule.office_name,
        clinic_name=settings.clinic_name,
        clinic_fax=settings.clinic_fax,
    )
    write_private(acknowledgement_path(settings, str(referral.id)), pdf)


def _lease_seconds(settings: Settings) -> float:
    """Long enough for every attempt of one delivery and its pauses, with a margin."""
    pauses = settings.route_backoff_s * (2**settings.route_retries)
    return settings.route_retries * settings.route_timeout_s + pauses + 60


def _route(
    store: Store,
    settings: Settings,
    rules: Rules,
    rid: str,
    *,
    actor: str,
    dry_run: bool,
    capacity: _Capacity,
) -> Routed:
    if dry_run:
        return _decide(store, settings, rules, rid, actor=actor, dry_run=True, capacity=capacity)
    owner = leases.owner_token("route")
    if not leases.acquire(store, f"route:{rid}", owner, _lease_seconds(settings)):
        return Routed(rid, None, None, "skipped", "being routed by another process")
    try:
        return _decide(store, settings, rules, rid, actor=actor, dry_run=False, capacity=capacity)
    finally:
        leases.release(store, f"route:{rid}", owner)


def _decide(
    store: Store,
    settings: Settings,
    rules: Rules,
    rid: str,
    *,
    actor: str,
    dry_run: bool,
    capacity: _Capacity,
) -> Routed:
    """Choose the rule and deliver (the caller holds the referral's lease)."""
    with store.session() as s:
        row, referral = load(s, rid)
        if row.status != ReferralStatus.APPROVED.value:
            raise NotRoutable(f"status is {row.status}")
        addressed = addressed_to(page_lines(s, row.document_id, list(referral.pages)))
    rule, reason = choose(rules, referral, addressed=addressed, used=capacity.used)
    held = None
    if not dry_run and rule is not None and rule.capacity is not None:
        try:
            rule, reason, held = _hold_capacity(store, settings, rules, rule, referral, addressed)
        except _Busy:  # left approved for the next run
            return Routed(rid, None, None, "skipped", "destination busy (capacity being counted)")
    try:
        return _deliver(
            store,
            settings,
            rules,
            referral,
            rule,
            reason,
            actor=actor,
            dry_run=dry_run,
            capacity=capacity,
        )
    finally:
        if held is not None:
            leases.release(store, *held)


class _Busy(Exception):
    """A capacity-limited destination stayed leased by another process."""


def _capacity_lease(rule: Rule) -> str:
    """The lease held while a capacity-limited destination is counted and delivered to."""
    where = f"{rule.destination.kind}:{rule.destination.target}".encode()
    return f"capacity:{hashlib.sha256(where).hexdigest()[:32]}"


def _hold_capacity(
    store: Store,
    settings: Settings,
    rules: Rules,
    rule: Rule | None,
    referral: Referral,
    addressed: str,
) -> tuple[Rule | None, str, tuple[str, str] | None]:
    """Choose again holding the chosen destination's capacity lease, so two processes cannot
    both take its last place (each counted the other's delivery as not yet made).

    Returns the rule (``None``: nothing has room), the reason and the lease held (if any).

    Raises:
        _Busy: another process kept the destination's lease for a whole delivery's time.
    """
    reason = ""
    seconds = _lease_seconds(settings)
    for _ in range(len(rules.rules) + 2):
        if rule is None or rule.capacity is None:
            return rule, reason, None
        name, owner = _capacity_lease(rule), leases.owner_token("capacity")
        if not leases.acquire_waiting(store, name, owner, seconds, patience_s=seconds):
            raise _Busy
        fresh = _Capacity(store, settings, datetime.now(UTC))
        again, reason = choose(rules, referral, addressed=addressed, used=fresh.used)
        if again == rule:
            return rule, reason, (name, owner)
        leases.release(store, name, owner)
        rule = again
    return None, "every matching destination is at capacity", None


def _deliver(
    store: Store,
    settings: Settings,
    rules: Rules,
    referral: Referral,
    rule: Rule | None,
    reason: str,
    *,
    actor: str,
    dry_run: bool,
    capacity: _Capacity,
) -> Routed:
    """Deliver to ``rule``'s destination (or record why not) and acknowledge."""
    rid = str(referral.id)
    if rule is None:
        out = Routed(rid, None, None, "unrouted", reason)
        if not dry_run:
            _record(store, out, actor, 0, None)
        return out
    label = rule.destination.label
    if dry_run:
        capacity.plan(rules, rule)
        return Routed(rid, rule.name, label, "would_route", reason)
    done = deliver(
        referral,
        rule.destination,
        retries=settings.route_retries,
        backoff_s=settings.route_backoff_s,
        clinic=settings.clinic_name,
        timeout_s=settings.route_timeout_s,
    )
    out = Routed(rid, rule.name, label, "delivered" if done.ok else "failed", reason)
    _record(store, out, actor, done.attempts, done.error)
    if out.status == "delivered" and settings.acknowledge_routing:
        try:
            _acknowledge(settings, referral, rule)
        except OSError as exc:  # the delivery stands; the office can be sent it from the screen
            log.warning("acknowledgement not written (%s)", type(exc).__name__)
    return out


def route_one(
    store: Store, settings: Settings, rules: Rules, referral_id: str, *, actor: str
) -> Routed:
    """Route one approved referral now (the workspace's Route button).

    Raises:
        NotRoutable: it is not approved.
    """
    capacity = _Capacity(store, settings, datetime.now(UTC))
    return _route(
        store, settings, rules, referral_id, actor=actor, dry_run=False, capacity=capacity
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
    capacity = _Capacity(store, settings, datetime.now(UTC))
    results = []
    for rid in ids:
        try:
            out = _route(
                store, settings, rules, rid, actor=actor, dry_run=dry_run, capacity=capacity
            )
        except NotRoutable:  # changed by someone since the list was read
            continue
        results.append(out)
    return results


def deliveries(s: Session, referral_id: str) -> list[dict[str, Any]]:
    """A referral's routing attempts, oldest first (rule, destination, status, attempts…)."""
    rows = s.scalars(
        select(RoutingRow)
        .where(RoutingRow.referral_id == referral_id)
        .order_by(RoutingRow.at, RoutingRow.id)
    )
    return [
        {
            "rule": r.rule,
            "destination": r.destination,
            "status": r.status,
            "attempts": r.attempts,
            "error": r.error,
            "reference": r.reference,
            "at": r.at.isoformat(),
        }
        for r in rows
    ]
