"""The periodic dramatiq job: clean-up and routing, re-sent with a delay, one chain only.

Run over dramatiq's in-memory ``StubBroker`` with a real in-process worker, and over real
Redis, as the inbox actor tests do."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.storage import Store
from models.storage.tables import AuditRow, ReferralRow
from tests.cleanup.conftest import JANE, store_referral
from tests.cleanup.test_routing import CHICAGO, approved
from tests.inbox.conftest import _redis_db, fast_settings, redis_server, redis_url, wait_for

__all__ = ["_redis_db", "redis_server", "redis_url"]  # fixtures used by the Redis case


def _status(store, rid):
    with store.session() as s:
        return s.get(ReferralRow, rid).status


def _runs(store) -> int:
    with store.session() as s:
        return s.scalar(
            select(func.count()).select_from(AuditRow).where(AuditRow.action == "periodic.run")
        )


def _seeded(tmp_path, broker_url=""):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: []\ndefault: {name: all, to: {queue: general}}\n")
    settings = fast_settings(tmp_path, broker_url=broker_url, routing_rules=rules)
    store = Store(settings.effective_database_url)
    stale = store_referral(store, {**JANE, "patient.name": "Al Ng"}, days_ago=45)
    ready = approved(store, CHICAGO)
    return settings, store, stale, ready


@pytest.fixture
def broker_url(request) -> str:
    return request.getfixturevalue("redis_url") if request.param == "redis" else ""


@pytest.mark.parametrize(
    "broker_url", ["stub", pytest.param("redis", marks=pytest.mark.redis)], indirect=True
)
def test_periodic_job_cleans_routes_and_comes_back(tmp_path, broker_url):
    from pipeline.broker import configure_broker, start_worker

    settings, store, stale, ready = _seeded(tmp_path, broker_url)
    settings = settings.model_copy(update={"periodic_minutes": 0.6 / 60})  # every 0.6 s
    broker = configure_broker(settings)
    from pipeline import actors

    actors.use(settings)
    worker = start_worker(broker, 1)
    try:
        assert actors.start_periodic(settings)
        wait_for(lambda: _runs(store) >= 2, 30)  # ran, and ran again after its delay
    finally:
        worker.stop(timeout=10_000)
        broker.close()
    assert _status(store, stale) == "expired"
    assert _status(store, ready) == "routed"
    with store.session() as s:
        actors_seen = set(s.scalars(select(AuditRow.actor).where(AuditRow.entity == "referral")))
    assert "job:periodic" in actors_seen  # its actions are audited under its own name


def test_a_second_chain_ends_and_merges_wait_for_the_team(tmp_path):
    from pipeline.broker import configure_broker

    settings, store, _stale, _ = _seeded(tmp_path)
    first = store_referral(store, days_ago=3)
    again = store_referral(store, days_ago=2)
    broker = configure_broker(settings)
    from pipeline import actors

    actors.use(settings)
    actors.periodic(60.0)  # called in-process: one pass, then the next message sent
    assert broker.queues["intake.DQ"].qsize() == 1
    actors.periodic(60.0)  # a second chain finds the pass just made: ends, sends nothing
    assert broker.queues["intake.DQ"].qsize() == 1 and _runs(store) == 1
    assert (_status(store, first), _status(store, again)) == ("needs_review", "needs_review")

    sure = settings.model_copy(update={"auto_merge_threshold": 0.6, "embedding_model_path": "/x"})
    from pipeline.periodic import run_once

    counts = run_once(store, sure)
    assert counts["cleanup"] == {"merge": 1} and _status(store, again) == "merged"
    broker.close()


def test_the_chain_survives_a_database_error_taking_its_turn(tmp_path):
    from pipeline.broker import configure_broker

    settings, _store, _stale, _ = _seeded(tmp_path)
    broker = configure_broker(settings)
    from pipeline import actors

    actors.use(settings)
    with actors.runtime().jobs.store.engine.begin() as conn:  # the lease cannot be taken
        conn.exec_driver_sql("DROP TABLE leases")
    actors.periodic(60.0)
    assert broker.queues["intake.DQ"].qsize() == 1  # the next pass is still on its way
    broker.close()


def test_a_merge_below_the_auto_threshold_does_not_hold_back_a_closure(tmp_path):
    from models.storage.cleanup_tables import ReferralStatusUpdateRow
    from pipeline.periodic import run_once
    from tests.cleanup.conftest import LETTER, NOW

    settings, store, _stale, _ = _seeded(tmp_path)
    store_referral(store, days_ago=3)
    refax = store_referral(  # proposed as its duplicate, scoring below 0.95
        store, {**JANE, "patient.name": "Doe, Jarne"}, days_ago=2, text=LETTER.replace("m", "rn")
    )
    with store.session() as s:
        s.add(
            ReferralStatusUpdateRow(
                referral_id=refax,
                state="completed",
                task_status="completed",
                rf1_status="A",
                occurred_at=NOW,
                imported_at=NOW,
                source="csv",
                actor="t",
            )
        )
    sure = settings.model_copy(update={"auto_merge_threshold": 0.95, "embedding_model_path": "/x"})
    counts = run_once(store, sure)
    assert "merge" not in counts["cleanup"]
    assert _status(store, refax) == "closed"  # the receiving side said it is done
