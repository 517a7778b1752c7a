"""Leases: one holder at a time, taken over once expired; routing delivers a referral once
even when another process is delivering it; the table's migration from the previous head."""

from __future__ import annotations

import time

from sqlalchemy import create_engine, inspect, select

from models.storage import Store
from models.storage.cleanup_tables import RoutingRow
from models.storage.migrate import current_revision, head_revision, upgrade
from pipeline import leases
from pipeline.routing.rules import parse
from pipeline.routing.run import route, route_one
from tests.cleanup.test_routing import approved, status


def test_a_lease_has_one_holder_and_expires(store):
    assert leases.acquire(store, "x", "a", 60)
    assert not leases.acquire(store, "x", "b", 60)
    leases.release(store, "x", "b")  # not b's to give back
    assert not leases.acquire(store, "x", "b", 60)
    leases.release(store, "x", "a")
    assert leases.acquire(store, "x", "b", 0.05)
    time.sleep(0.1)
    assert leases.acquire(store, "x", "c", 60)  # b died holding it: taken over


def test_a_referral_being_routed_elsewhere_is_skipped_not_sent_twice(store, settings):
    rid = approved(store)
    rules = parse({"rules": [], "default": {"name": "all", "to": {"queue": "all"}}})
    assert leases.acquire(store, f"route:{rid}", "other-worker", 60)
    (out,) = route(store, settings, rules, actor="t")
    assert (out.status, out.reason) == ("skipped", "being routed by another process")
    assert status(store, rid) == "approved"
    with store.session() as s:
        assert s.scalars(select(RoutingRow)).all() == []
    leases.release(store, f"route:{rid}", "other-worker")
    assert route_one(store, settings, rules, rid, actor="t").status == "delivered"
    assert leases.acquire(store, f"route:{rid}", "next", 60)  # released after delivery


def test_upgrade_from_0004_adds_the_leases_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'intake.db'}"
    engine = create_engine(url)
    upgrade(engine, "0004")
    assert "leases" not in inspect(engine).get_table_names()
    engine.dispose()
    store = Store(url)  # what every command does first
    assert current_revision(store.engine) == head_revision() == "0005"
    assert "leases" in inspect(store.engine).get_table_names()
    assert leases.acquire(store, "x", "a", 60)
