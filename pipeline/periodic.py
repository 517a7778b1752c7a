"""One pass of the periodic housekeeping: clean-up, then routing of approved referrals.

The dramatiq actor ``intake.periodic`` (``pipeline.actors``) runs :func:`run_once` and sends
itself again ``INTAKE_PERIODIC_MINUTES`` later, so no scheduler is needed. It closes and
expires as ``intake cleanup`` does; it merges only proposals scoring at least
``INTAKE_AUTO_MERGE_THRESHOLD`` (unset: never — duplicates wait for the referral team's
Duplicates screen); it routes when ``INTAKE_ROUTING_RULES`` is set. Each pass is audited as
``periodic.run`` with its counts. A pass first takes the lease ``periodic`` for nine tenths of
the interval (``pipeline.leases``): a second chain of messages (two workers both kicked one
off) finds it held, and ends.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from models.storage import Store
from models.storage.tables import AuditRow
from pipeline import leases
from pipeline.settings import Settings

log = logging.getLogger(__name__)
ACTOR = "job:periodic"
ACTION = "periodic.run"
LEASE = "periodic"


def turn(store: Store, interval_s: float) -> bool:
    """Whether this chain runs now: it took the ``periodic`` lease (held by no other chain)."""
    return leases.acquire(store, LEASE, leases.owner_token("periodic"), 0.9 * interval_s)


def run_once(store: Store, settings: Settings) -> dict[str, Any]:
    """Clean up, then route; returns (and audits) the counts of what was done."""
    from pipeline.cleanup_apply import apply
    from pipeline.cleanup_plan import plan

    threshold = settings.auto_merge_threshold
    embed = None
    if threshold is not None:
        from pipeline.dedup.propose import safe_embedder

        embed = safe_embedder(settings.embedding_model_path)
    planned = plan(
        store, settings, embed=embed, merges=threshold is not None, min_merge_score=threshold or 0
    )
    done = Counter(p.action for p in apply(store, planned, ACTOR))
    routed: Counter[str] = Counter()
    if settings.routing_rules is not None:
        from pipeline.routing.rules import RulesError, load
        from pipeline.routing.run import route

        try:
            rules = load(settings.routing_rules)
        except RulesError as exc:
            log.error("periodic: routing skipped: %s", exc)
        else:
            routed = Counter(r.status for r in route(store, settings, rules, actor=ACTOR))
    counts = {"cleanup": dict(done), "route": dict(routed)}
    with store.session() as s:
        s.add(
            AuditRow(
                at=datetime.now(UTC),
                actor=ACTOR,
                action=ACTION,
                entity="queue",
                entity_id="-",
                detail=counts,
            )
        )
    log.info("periodic: cleanup %s, route %s", dict(done) or "-", dict(routed) or "-")
    return counts
