"""Routing: first match wins, default, no match; deliveries retried against a real endpoint."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import hl7
import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from models.referral import Referral
from models.storage.cleanup_tables import RoutingRow
from models.storage.tables import ReferralRow
from pipeline.routing.hl7v2 import escape, ref_i12
from pipeline.routing.rules import RulesError, parse
from pipeline.routing.run import route
from tests.cleanup.conftest import JANE, store_referral

CHICAGO = {
    **JANE,
    "patient.address": "12 Elm St, Chicago, IL 60614",
    "insurance.payer": "Aetna",
    "insurance.member_id": "W123456789",
    "patient.sex": "F",
    "referral.diagnoses": ["R07.9", "I10"],
    "referring.name": "Amy | Smith^MD",
}


def approved(store, values=None, **kw) -> str:
    rid = store_referral(store, values or CHICAGO, **kw)
    with store.session() as s:
        row = s.get(ReferralRow, rid)
        row.status = "approved"
        row.data = {**row.data, "status": "approved"}
    return rid


def status(store, rid):
    with store.session() as s:
        return s.get(ReferralRow, rid).status


def referral(store, rid) -> Referral:
    with store.session() as s:
        return Referral.model_validate(s.get(ReferralRow, rid).data)


class Endpoint:
    """A FHIR endpoint on 127.0.0.1 answering from a script of status codes (then 200)."""

    def __init__(self, codes: list[int]):
        self.codes, self.bodies = list(codes), []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                outer.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
                code = outer.codes.pop(0) if outer.codes else 200
                self.send_response(code)
                self.send_header("Content-Type", "application/fhir+json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/fhir"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint():
    made = []

    def make(codes):
        made.append(Endpoint(codes))
        return made[-1]

    yield make
    for e in made:
        e.close()


def test_first_match_wins_default_and_no_match(store, settings, tmp_path):
    cardio = approved(store)
    derm = approved(store, {**CHICAGO, "patient.name": "Bo Chan"}, specialty="dermatology")
    west = approved(
        store,
        {**CHICAGO, "patient.name": "Al Ng", "patient.address": "1 Main St, Portland, OR 97201"},
        specialty="dermatology",
    )
    rules = {
        "rules": [
            {
                "name": "cardio-aetna",
                "when": {"specialty": "cardiology", "payer": ["AETNA"]},
                "to": {"queue": "cardiology"},
            },
            {"name": "cardio-any", "when": {"specialty": "cardiology"}, "to": {"queue": "other"}},
            {
                "name": "oregon",
                "when": {"state": ["or"], "zip_prefix": ["972"]},
                "to": {"queue": "west"},
            },
        ]
    }
    dry = route(store, settings, parse(rules), actor="t", dry_run=True)
    got = {r.referral: (r.rule, r.destination, r.status) for r in dry}
    assert got[cardio] == ("cardio-aetna", "queue:cardiology", "would_route")
    assert got[west] == ("oregon", "queue:west", "would_route")
    assert got[derm] == (None, None, "unrouted")
    assert status(store, cardio) == "approved"  # a dry run sends nothing

    done = {r.referral: r for r in route(store, settings, parse(rules), actor="t")}
    assert done[cardio].status == "delivered" and status(store, cardio) == "routed"
    assert done[derm].status == "unrouted" and "no rule matched" in done[derm].reason
    assert status(store, derm) == "approved"  # stays in the queue, with the reason recorded
    with store.session() as s:
        row = s.scalars(select(RoutingRow).where(RoutingRow.referral_id == derm)).one()
        assert row.status == "unrouted" and "no rule matched" in row.error

    rules["default"] = {"name": "general", "to": {"folder": str(tmp_path)}}
    (last,) = route(store, settings, parse(rules), actor="t")
    assert (last.referral, last.rule, last.status) == (derm, "general", "delivered")
    Bundle.model_validate(json.loads((tmp_path / f"{derm}.json").read_text()))
    assert (tmp_path / f"{derm}.json").stat().st_mode & 0o777 == 0o600


def test_fhir_delivery_retried_then_delivered(store, settings, endpoint):
    rid = approved(store)
    server = endpoint([503, 500])
    rules = parse({"rules": [], "default": {"name": "fhir", "to": {"fhir": server.url}}})
    fast = settings.model_copy(update={"route_backoff_s": 0.01, "route_retries": 3})
    (out,) = route(store, fast, rules, actor="t")
    assert out.status == "delivered" and len(server.bodies) == 3
    bundle = Bundle.model_validate(json.loads(server.bodies[-1]))
    assert bundle.type == "transaction"
    with store.session() as s:
        row = s.scalars(select(RoutingRow).where(RoutingRow.referral_id == rid)).one()
        assert (row.attempts, row.status) == (3, "delivered")


def test_failed_delivery_is_kept_and_retried_next_run(store, settings, endpoint):
    rid = approved(store)
    server = endpoint([503] * 2)
    rules = parse({"rules": [], "default": {"name": "fhir", "to": {"fhir": server.url}}})
    fast = settings.model_copy(update={"route_backoff_s": 0.01, "route_retries": 2})
    (out,) = route(store, fast, rules, actor="t")
    assert out.status == "failed" and status(store, rid) == "approved"
    (again,) = route(store, fast, rules, actor="t")
    assert again.status == "delivered" and status(store, rid) == "routed"
    with store.session() as s:
        rows = s.scalars(select(RoutingRow).where(RoutingRow.referral_id == rid)).all()
        assert [(r.status, r.error) for r in rows] == [("failed", "http_503"), ("delivered", None)]
    dead = parse({"rules": [], "default": {"name": "x", "to": {"fhir": "http://127.0.0.1:9/"}}})
    other = approved(store, {**CHICAGO, "patient.name": "Bo Chan"})
    (out,) = route(store, fast, dead, actor="t")
    assert out.status == "failed" and status(store, other) == "approved"


def test_hl7_ref_i12_file_parses(store, settings, tmp_path):
    rid = approved(store)
    rules = parse({"rules": [], "default": {"name": "v2", "to": {"hl7_file": str(tmp_path)}}})
    (out,) = route(store, settings, rules, actor="t")
    assert out.status == "delivered"
    message = hl7.parse((tmp_path / f"{rid}.hl7").read_bytes().decode())  # segments end in \r
    assert str(message.segment("MSH")[9]) == "REF^I12^REF_I12"
    assert str(message.segment("RF1")[6][0][0]) == rid
    pid = message.segment("PID")
    assert str(pid[5][0][0]) == "Doe" and str(pid[7]) == "19610402"
    assert str(message.segment("IN1")[36]) == "W123456789"
    assert [str(d[3][0][0]) for d in message.segments("DG1")] == ["R07.9", "I10"]
    text = ref_i12(referral(store, rid), sender="A|B", receiver="", control_id="1")
    assert escape("A|B") == "A\\F\\B" and "\\S\\MD" in text  # delimiters are escaped
    prd = hl7.parse(text).segment("PRD")
    assert str(prd[1]) == "RP" and str(prd[7][0][1]) == "NPI"  # fields stay in place


def test_bad_rules_are_refused():
    with pytest.raises(RulesError, match="rule 1"):
        parse({"rules": [{"name": "x", "to": {"ftp": "somewhere"}}]})
    with pytest.raises(RulesError, match="unknown condition"):
        parse({"rules": [{"name": "x", "when": {"colour": "red"}, "to": {"queue": "q"}}]})


def test_cli_route_json(tmp_path):
    from models.storage import Store
    from pipeline.settings import Settings
    from tests.ops.conftest import run_intake

    data = tmp_path / "data"
    store = Store(Settings(data_dir=data).effective_database_url)
    rid = approved(store)
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - name: cardio\n    when: {specialty: cardiology}\n    to: {queue: cardiology}\n"
    )
    done = run_intake(data, "route", "--json", **{"INTAKE_ROUTING_RULES": str(rules)})
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stdout)
    assert {k: line[k] for k in ("referral", "rule", "destination", "status")} == {
        "referral": rid,
        "rule": "cardio",
        "destination": "queue:cardiology",
        "status": "delivered",
    }
    assert status(store, rid) == "routed"
    missing = run_intake(data, "route")
    assert missing.returncode == 2 and "no rules" in missing.stderr
