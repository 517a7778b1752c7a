"""Defects found reviewing issue 9, each pinned: self-merge, undone actions redone by the next
run, merges racing on PostgreSQL, capacity counted by two processes at once, a delivery that
is not recorded because the referral changed meanwhile, long reasons on PostgreSQL."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from models.storage import Store
from models.storage.cleanup_tables import ReferralStatusUpdateRow, RoutingRow
from models.storage.tables import AuditRow, ReferralRow
from pipeline import leases
from pipeline.cleanup_apply import apply, apply_one, undo
from pipeline.cleanup_plan import Planned, plan
from pipeline.loop_status import current, latest
from pipeline.routing import mllp
from pipeline.routing.rules import parse
from pipeline.routing.run import _capacity_lease, route, route_one
from pipeline.status_import import import_status
from tests.cleanup.conftest import JANE, LETTER, NOW, store_referral
from tests.cleanup.test_routing import CHICAGO, approved, status
from tests.ops.conftest import fresh_pg, postgres_server  # noqa: F401  (fixtures)


def _set_status(store, rid: str, value: str) -> None:
    with store.session() as s:
        row = s.get(ReferralRow, rid)
        row.status = value
        row.data = {**row.data, "status": value}


def test_a_referral_is_never_merged_into_itself(store):
    rid = store_referral(store)
    assert apply_one(store, Planned("merge", rid, 1.0, "x", [], rid), "t") is None
    assert status(store, rid) == "needs_review"


def test_the_next_run_does_not_redo_what_a_person_undid(store, settings):
    first = store_referral(store, days_ago=3)
    refax = store_referral(store, days_ago=2, text=LETTER.replace("m", "rn"))
    old = store_referral(store, {"patient.name": "Bo Chan"}, days_ago=40, specialty="neurology")
    done = store_referral(store, {"patient.name": "Cy Do"}, days_ago=2, specialty="dermatology")
    with store.session() as s:
        s.add(
            ReferralStatusUpdateRow(
                referral_id=done,
                state="completed",
                task_status="completed",
                rf1_status="A",
                occurred_at=NOW - timedelta(days=1),
                imported_at=NOW,
                source="csv",
                actor="t",
            )
        )
    applied = apply(store, plan(store, settings), "t")
    assert {(p.action, p.referral) for p in applied} == {
        ("merge", refax),
        ("expire", old),
        ("close", done),
    }
    assert next(p.duplicate_of for p in applied if p.action == "merge") == first
    for p in applied:
        undo(store, p.id, "t")
    assert plan(store, settings) == []  # un-merged, un-expired, re-opened: it stays so
    assert apply(store, plan(store, settings), "t") == []
    assert {status(store, r) for r in (refax, old, done)} == {"needs_review"}


def test_a_delivery_is_recorded_even_if_the_referral_changed_meanwhile(store, settings):
    rid = approved(store)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # the referral is expired while its delivery is in flight
            self.rfile.read(int(self.headers["Content-Length"]))
            _set_status(store, rid, "expired")
            self.send_response(201)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/fhir"
        rules = parse({"rules": [], "default": {"name": "partner", "to": {"fhir": url}}})
        out = route_one(store, settings, rules, rid, actor="t")
    finally:
        server.shutdown()
        server.server_close()
    assert out.status == "delivered" and "expired" in out.reason
    assert status(store, rid) == "expired"  # the newer status stands
    with store.session() as s:
        row = s.scalars(select(RoutingRow).where(RoutingRow.referral_id == rid)).one()
        assert (row.status, row.rule, row.reference) == ("delivered", "partner", rid)
        audited = s.scalars(select(AuditRow.action).where(AuditRow.entity_id == rid)).all()
    assert "referral.routed" in audited


def test_capacity_is_counted_once_when_two_processes_route_together(store, settings):
    mine, theirs = approved(store), approved(store, {**CHICAGO, "patient.name": "Bo Chan"})
    raw = {
        "rules": [
            {
                "name": "dr",
                "when": {"specialty": "cardiology"},
                "to": {"queue": "dr"},
                "capacity": {"max": 1, "per": "day"},
            }
        ],
        "default": {"name": "general", "to": {"queue": "general"}},
    }
    rules = parse(raw)
    name = _capacity_lease(rules.rules[0])
    assert leases.acquire(store, name, "other-worker", 60)  # it is delivering `theirs` there

    def other_worker() -> None:
        time.sleep(0.4)
        with store.session() as s:
            s.add(
                RoutingRow(
                    referral_id=theirs,
                    rule="dr",
                    destination="queue:dr",
                    status="delivered",
                    attempts=1,
                    at=NOW,
                )
            )
        leases.release(store, name, "other-worker")

    threading.Thread(target=other_worker).start()
    out = route_one(store, settings, rules, mine, actor="t")
    assert (out.rule, out.status) == ("general", "delivered")  # dr's one place was taken
    assert "dr" in out.reason
    assert leases.acquire(store, name, "next", 60)  # given back


@pytest.mark.postgres
def test_merges_racing_on_postgresql_cannot_merge_both_ways(fresh_pg):  # noqa: F811
    store = Store(fresh_pg)
    a = store_referral(store, days_ago=3)
    b = store_referral(store, days_ago=2)
    result: list[object] = []
    with store.session() as s:  # a merge of `a` into `b` is in flight: it holds a's row
        row = s.get(ReferralRow, a, with_for_update=True)
        worker = threading.Thread(
            target=lambda: result.append(
                apply_one(store, Planned("merge", b, 0.9, "x", [], a), "t")
            )
        )
        worker.start()
        worker.join(0.5)
        assert worker.is_alive()  # waits for a's row instead of reading it as still open
        row.status = "merged"
        row.data = {**row.data, "status": "merged"}
    worker.join(10)
    assert result == [None]  # `a` was merged meanwhile: `b` is not merged into it
    assert status(store, b) == "needs_review"


@pytest.mark.postgres
def test_a_long_unrouted_reason_is_recorded_on_postgresql(fresh_pg, settings):  # noqa: F811
    store = Store(fresh_pg)
    rid = approved(store, {**JANE, "patient.address": "1 Main St, Chicago, IL 60614"})
    full = [
        {
            "name": f"cardiology-destination-with-a-long-name-{n}",
            "when": {"specialty": "cardiology"},
            "to": {"queue": f"q{n}"},
            "capacity": {"max": 0},
        }
        for n in range(3)
    ]
    (out,) = route(store, settings, parse({"rules": full}), actor="t")
    assert out.status == "unrouted" and len(out.reason) > 128
    with store.session() as s:
        row = s.scalars(select(RoutingRow).where(RoutingRow.referral_id == rid)).one()
        assert row.error == out.reason[:128]


def test_loop_states_with_other_offsets_keep_their_order(store):
    rid = store_referral(store)
    csv = (
        "referral_id,status,date\n"
        f"{rid},scheduled,2026-11-26T10:00:00+02:00\n"  # 08:00 UTC
        f"{rid},completed,2026-11-26T09:00:00Z\n"
    )
    assert import_status(store, csv.encode(), "t").imported == 2
    with store.session() as s:
        assert latest(s, [rid]) == {rid: "completed"}
        assert current(s, rid)["history"][0]["at"].startswith("2026-11-26T08:00")


def test_an_mllp_receiver_dripping_its_ack_times_out_in_time():
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"\x0bMSH|^~\\&|RCV")
            while not stop.wait(0.1):  # a byte now and then, never the end of the frame
                try:
                    conn.sendall(b"x")
                except OSError:
                    return

    threading.Thread(target=drip, daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(mllp.MllpError, match="ack_timeout"):
            mllp.send(f"127.0.0.1:{server.getsockname()[1]}", "MSH|^~\\&|X", "c1", timeout_s=0.5)
    finally:
        stop.set()
        server.close()
    assert time.monotonic() - started < 2


def test_a_status_by_patient_and_dob_goes_to_the_survivor_not_the_merged_copy(store):
    first = store_referral(store, days_ago=3)
    again = store_referral(store, days_ago=2)  # the re-sent fax: newer, merged into `first`
    assert apply_one(store, Planned("merge", again, 0.9, "x", [], first), "t") is not None
    csv = f"patient,dob,status,date\nJane Doe,{JANE['patient.dob']},scheduled,\n"
    assert import_status(store, csv.encode(), "t").imported == 1
    with store.session() as s:
        assert latest(s) == {first: "scheduled"}


def test_a_fhir_endpoint_answering_with_a_redirect_is_not_a_delivery(store, settings):
    rid = approved(store)
    gets: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(302)
            self.send_header("Location", "/moved")
            self.end_headers()

        def do_GET(self):  # what following the redirect would fetch, Bundle dropped
            gets.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fast = settings.model_copy(update={"route_retries": 1})
    try:
        url = f"http://127.0.0.1:{server.server_port}/fhir"
        rules = parse({"rules": [], "default": {"name": "partner", "to": {"fhir": url}}})
        out = route_one(store, fast, rules, rid, actor="t")
    finally:
        server.shutdown()
        server.server_close()
    assert out.status == "failed" and gets == []
    assert status(store, rid) == "approved"  # tried again on the next run
    with store.session() as s:
        row = s.scalars(select(RoutingRow).where(RoutingRow.referral_id == rid)).one()
        assert row.error == "http_302"
