"""Routing rule conditions one by one: urgency, payer and in-network, location, receiving
provider, capacity (a full destination passes the referral to the next rule), and MLLP."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime

import hl7
import pdfplumber
import pytest

from pipeline.routing.rules import RulesError, parse
from pipeline.routing.run import acknowledgement_path, period_start, route, route_one
from tests.cleanup.conftest import LETTER
from tests.cleanup.test_routing import CHICAGO, approved, status


def where(store, settings, rules: dict) -> dict[str, tuple]:
    """referral → (rule, status) of a dry run."""
    out = route(store, settings, parse(rules), actor="t", dry_run=True)
    return {r.referral: (r.rule, r.status) for r in out}


def test_urgency_payer_in_network_and_location(store, settings):
    urgent = approved(store, {**CHICAGO, "referral.urgency": "urgent"})
    cigna = approved(store, {**CHICAGO, "patient.name": "Bo Chan", "insurance.payer": "Cigna"})
    texan = approved(
        store,
        {
            **CHICAGO,
            "patient.name": "Al Ng",
            "insurance.payer": "Acme Health",
            "patient.address": "9 Oak Rd, Austin, TX 78701",
        },
    )
    rules = {
        "in_network": ["Aetna", "Cigna"],
        "rules": [
            {"name": "urgent", "when": {"urgency": ["stat", "urgent"]}, "to": {"queue": "fast"}},
            {"name": "cigna", "when": {"payer": "CIGNA"}, "to": {"queue": "cigna"}},
            {"name": "out", "when": {"in_network": False}, "to": {"queue": "auth"}},
            {"name": "tx", "when": {"state": "TX"}, "to": {"queue": "texas"}},
        ],
    }
    got = where(store, settings, rules)
    assert got[urgent] == ("urgent", "would_route")  # first match wins over later rules
    assert got[cigna] == ("cigna", "would_route")
    assert got[texan] == ("out", "would_route")  # Acme Health is not in network
    rules["rules"][2]["when"] = {"in_network": False, "zip_prefix": ["606"]}
    assert where(store, settings, rules)[texan] == ("tx", "would_route")
    with pytest.raises(RulesError, match="in_network"):
        parse({"rules": [{"name": "x", "when": {"in_network": "yes"}, "to": {"queue": "q"}}]})


def test_receiving_provider_is_read_from_the_addressed_line(store, settings):
    patel = approved(store, text="To: Dr. Anita Patel, Heart Clinic\n" + LETTER)
    patella = approved(
        store, {**CHICAGO, "patient.name": "Bo Chan"}, text="Attn: Dr. Patella " + LETTER
    )
    nobody = approved(store, {**CHICAGO, "patient.name": "Al Ng"}, text="Patel " + LETTER)
    rules = {
        "rules": [
            {
                "name": "patel",
                "when": {"provider": ["a. patel", "patel"]},
                "to": {"provider": "Dr Patel"},
            }
        ],
    }
    got = where(store, settings, rules)
    assert got[patel] == ("patel", "would_route")
    assert got[patella] == (None, "unrouted")  # whole words: Patella is someone else
    assert got[nobody] == (None, "unrouted")  # a name in the letter is not the addressee
    (out,) = [r for r in route(store, settings, parse(rules), actor="t") if r.referral == patel]
    assert (out.destination, out.status) == ("provider:Dr Patel", "delivered")


def test_capacity_passes_the_overflow_to_the_next_rule(store, settings):
    ids = [
        approved(store, {**CHICAGO, "patient.name": name}) for name in ("Al Ng", "Bo Chan", "Cy Do")
    ]
    rules = {
        "rules": [
            {
                "name": "cardio-a",
                "when": {"specialty": "cardiology"},
                "to": {"queue": "cardio"},
                "capacity": {"max": 1, "per": "day"},
            },
            {
                "name": "cardio-b",  # the same destination: counted together with cardio-a
                "when": {"urgency": "stat"},
                "to": {"queue": "cardio"},
            },
            {"name": "cardio-overflow", "when": {"specialty": "cardiology"}, "to": {"queue": "x"}},
        ],
        "default": {
            "name": "general",
            "to": {"queue": "general"},
            "capacity": {"max": 1, "per": "week"},
        },
    }
    dry = where(store, settings, rules)
    assert [dry[i][0] for i in ids] == ["cardio-a", "cardio-overflow", "cardio-overflow"]
    first = route_one(store, settings, parse(rules), ids[0], actor="t")
    assert (first.rule, first.status) == ("cardio-a", "delivered")
    rules["rules"].pop()  # no overflow rule: the default takes one, then nothing has room
    out = {r.referral: r for r in route(store, settings, parse(rules), actor="t")}
    assert (out[ids[1]].rule, out[ids[1]].status) == ("general", "delivered")
    assert "cardio-a" in out[ids[1]].reason
    assert out[ids[2]].status == "unrouted" and "capacity" in out[ids[2]].reason
    assert status(store, ids[2]) == "approved"
    with pytest.raises(RulesError, match="capacity"):
        parse(
            {"rules": [{"name": "x", "to": {"queue": "q"}, "capacity": {"max": 1, "per": "hour"}}]}
        )


def test_period_start_is_local_midnight_and_monday(settings):
    berlin = settings.model_copy(update={"timezone": "Europe/Berlin"})
    now = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)  # Friday 00:30 in Berlin
    assert period_start(now, "day", berlin) == datetime(2026, 11, 26, 23, 0, tzinfo=UTC)
    assert period_start(now, "week", berlin) == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)


class MllpServer:
    """A real MLLP listener on 127.0.0.1: answers each message from a script of ACK codes
    (``None``: no answer, the sender times out), then ``AA``; keeps what it received."""

    def __init__(self, codes: list[str | None]):
        self.codes, self.messages = list(codes), []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.target = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\x1c\x0d" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                text = data.lstrip(b"\x0b").split(b"\x1c\x0d")[0].decode()
                message = hl7.parse(text)
                self.messages.append(message)
                code = self.codes.pop(0) if self.codes else "AA"
                if code is None:
                    conn.recv(1)  # hold the line until the sender gives up
                    continue
                control = str(message.segment("MSH")[10])
                ack = f"MSH|^~\\&|RCV||INTAKE||20261126||ACK^I12|A1|P|2.5.1\rMSA|{code}|{control}\r"
                conn.sendall(b"\x0b" + ack.encode() + b"\x1c\x0d")

    def close(self):
        self.sock.close()


@pytest.fixture
def mllp():
    made = []

    def make(codes):
        made.append(MllpServer(codes))
        return made[-1]

    yield make
    for server in made:
        server.close()


def test_mllp_ack_aa_delivers_ae_ar_and_silence_are_retried(store, settings, mllp):
    fast = settings.model_copy(
        update={"route_backoff_s": 0.01, "route_retries": 4, "route_timeout_s": 0.5}
    )
    rid = approved(store)
    server = mllp(["AE", None, "AR"])
    rules = parse({"rules": [], "default": {"name": "v2", "to": {"mllp": server.target}}})
    (out,) = route(store, fast, rules, actor="t")
    assert out.status == "delivered" and status(store, rid) == "routed"
    assert len(server.messages) == 4  # AE, timeout, AR, then AA
    last = server.messages[-1]
    assert str(last.segment("MSH")[9]) == "REF^I12^REF_I12"
    assert str(last.segment("RF1")[6][0][0]) == rid

    other = approved(store, {**CHICAGO, "patient.name": "Bo Chan"})
    refusing = mllp(["AR"] * 2)
    rules = parse({"rules": [], "default": {"name": "v2", "to": {"mllp": refusing.target}}})
    two = fast.model_copy(update={"route_retries": 2})
    (out,) = route(store, two, rules, actor="t")
    assert out.status == "failed" and status(store, other) == "approved"  # never lost
    (again,) = route(store, two, rules, actor="t")
    assert again.status == "delivered" and status(store, other) == "routed"


def test_delivery_writes_the_fax_back_acknowledgement(store, settings):
    rid = approved(store, {**CHICAGO, "referring.fax": "+13125550199"})
    rules = {
        "rules": [],
        "default": {"name": "c", "label": "Cardiology clinic", "to": {"queue": "c"}},
    }
    route(store, settings, parse(rules), actor="t")
    path = acknowledgement_path(settings, rid)
    assert path.stat().st_mode & 0o777 == 0o600
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1
        text = pdf.pages[0].extract_text()
    assert "routed it to: Cardiology clinic" in text and rid[:8] in text
    assert "+13125550199" in text and "Jane Doe" in text
    assert "W123456789" not in text and "Chest pain" not in text  # nothing more than needed
