"""The JSON API on real processed samples: review actions, exports, documents, search, audit."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.review_ui.conftest import LETTER


def _h(client):
    return {"X-CSRF-Token": client.csrf}


def test_referral_detail_has_contract_reviewed_claim_history(admin, referral_id):
    detail = admin.get(f"/api/referrals/{referral_id}").json()
    assert {
        "fields",
        "missing",
        "problems",
        "triage",
        "status",
        "reviewed",
        "claim",
        "history",
    } <= set(detail)
    assert detail["fields"]["patient.name"]["value"]
    assert detail["history"][-1]["action"] == "referral.view"


def test_invalid_fields_get_a_message_each(admin, referral_id):
    response = admin.patch(
        f"/api/referrals/{referral_id}/fields",
        headers=_h(admin),
        json={
            "patient.dob": "31/31/1961",
            "referring.npi": "1234567890",
            "patient.phone": "555",
            "referral.diagnoses": "Q99.999",
            "patient.colour": "x",
        },
    )
    assert response.status_code == 422
    errors = response.json()["detail"]["errors"]
    assert set(errors) == {
        "patient.dob",
        "referring.npi",
        "patient.phone",
        "referral.diagnoses",
        "patient.colour",
    }
    assert "check digit" in errors["referring.npi"]


def test_a_correction_is_stored_beside_the_extracted_value(admin, referral_id, workspace):
    before = admin.get(f"/api/referrals/{referral_id}").json()
    extracted = before["fields"]["patient.dob"]["value"]
    response = admin.patch(
        f"/api/referrals/{referral_id}/fields",
        headers=_h(admin),
        json={
            "patient.dob": "04/02/1961",
            "referring.npi": "1234567893",
            "patient.phone": "(207) 795-5814",
            "referral.diagnoses": "I48.91, K21.9",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["reviewed"]["patient.dob"] == "1961-04-02"
    assert body["reviewed"]["patient.phone"] == "+12077955814"
    assert body["reviewed"]["referral.diagnoses"] == ["I48.91", "K21.9"]
    assert body["fields"]["patient.dob"]["value"] == extracted  # the extracted value stays
    with workspace.state.store.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT extracted_value, extracted_confidence, extractor, "
                "reviewed_value, correct FROM field_reviews "
                "WHERE field = 'patient.dob'"
            )
        ).one()
    assert json.loads(row[0]) == extracted and row[1] is not None and row[2]
    assert json.loads(row[3]) == "1961-04-02" and not row[4]
    edit = [h for h in body["history"] if h["action"] == "referral.edit"][-1]
    assert "1961" not in json.dumps(edit)  # field names in the audit, never values


def test_approve_reject_and_review_stats(admin, referral_id, workspace, capsys):
    assert (
        admin.post(f"/api/referrals/{referral_id}/approve", headers=_h(admin)).json()["status"]
        == "approved"
    )
    again = admin.post(
        f"/api/referrals/{referral_id}/reject", headers=_h(admin), json={"reason": "duplicate"}
    )
    assert again.status_code == 409
    from pipeline.review_stats import collect

    stats = collect(workspace.state.store)
    assert stats["reviewed_fields"] >= 10 and stats["accuracy"] == 1.0
    assert stats["calibration"] and stats["ece"] is not None


def test_reject_needs_a_coded_reason(admin, referral_id):
    bad = admin.post(
        f"/api/referrals/{referral_id}/reject", headers=_h(admin), json={"reason": "because"}
    )
    assert bad.status_code == 422
    ok = admin.post(
        f"/api/referrals/{referral_id}/reject",
        headers=_h(admin),
        json={"reason": "wrong_recipient"},
    )
    assert ok.json()["status"] == "rejected"
    assert ok.json()["history"][-1]["detail"] == {"reason": "wrong_recipient"}


def test_fhir_bundle_validates(admin, referral_id):
    from fhir.resources.R4B.bundle import Bundle

    response = admin.get(f"/api/referrals/{referral_id}/fhir")
    assert response.headers["content-type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate(response.json())
    kinds = {e.resource.get_resource_type() for e in bundle.entry}
    assert kinds >= {
        "Patient",
        "Coverage",
        "Practitioner",
        "Organization",
        "ServiceRequest",
        "Task",
        "DocumentReference",
    }


def test_missing_info_pdf_is_one_page_to_the_referrer(admin, referral_id):
    import pdfplumber

    detail = admin.get(f"/api/referrals/{referral_id}").json()
    response = admin.get(f"/api/referrals/{referral_id}/missing-info.pdf")
    assert response.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        assert len(pdf.pages) == 1
        words = pdf.pages[0].extract_text()
    assert detail["fields"]["referring.fax"]["value"] in words
    assert detail["fields"]["patient.name"]["value"] in words
    assert "fax this page back" in words


def test_page_image_and_documents_list(admin, referral_id):
    detail = admin.get(f"/api/referrals/{referral_id}").json()
    png = admin.get(f"/api/documents/{detail['document_id']}/pages/{detail['pages'][0]}.png")
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
    assert admin.get(f"/api/documents/{detail['document_id']}/pages/99.png").status_code == 404
    others = admin.get("/api/documents").json()
    assert [d["document_type"] for d in others["items"]] == ["refill_request"]
    assert admin.get("/api/documents?kind=all").json()["total"] == 2


def test_retype_a_non_referral_extracts_a_referral(admin):
    doc = admin.get("/api/documents").json()["items"][0]
    confirm = admin.post(
        f"/api/documents/{doc['id']}/type",
        headers=_h(admin),
        json={"document_type": "refill_request"},
    )
    assert confirm.json()["referral_ids"] == []
    response = admin.post(
        f"/api/documents/{doc['id']}/type", headers=_h(admin), json={"document_type": "referral"}
    )
    assert response.status_code == 200 and len(response.json()["referral_ids"]) == 1
    assert admin.get("/api/referrals").json()["total"] == 2
    actions = [e["action"] for e in admin.get(f"/api/audit?entity_id={doc['id']}").json()]
    assert actions[:2] == ["document.retype", "document.confirm_type"]


@pytest.mark.slow
def test_upload_then_find_by_name_with_a_typo(admin):
    response = admin.post(
        "/api/documents",
        headers=_h(admin),
        files=[
            ("files", (LETTER.name, LETTER.read_bytes(), "application/pdf")),
            ("files", ("junk.pdf", b"not a pdf", "application/pdf")),
        ],
    )
    assert response.status_code == 202
    ids = [u["id"] for u in response.json()]
    admin.app.state.uploads.wait(timeout=300)
    done = [admin.get(f"/api/uploads/{i}").json() for i in ids]
    assert done[0]["status"] == "processed" and done[0]["referral_ids"]
    assert done[1]["status"] == "quarantined" and done[1]["error"]
    truth = json.loads(LETTER.with_suffix("").with_suffix(".truth.json").read_text())
    first, *_, last = truth["referrals"][0]["fields"]["patient.name"].split()
    typo = f"{last}, {first[0]}{first[2]}{first[1]}{first[3:]}"  # order swapped, letters swapped
    found = admin.get("/api/search", params={"q": typo}).json()["referrals"]
    assert done[0]["referral_ids"][0] in [r["id"] for r in found]


def test_search_by_dob_phone_and_practice(admin, referral_id):
    detail = admin.get(f"/api/referrals/{referral_id}").json()
    fields = detail["fields"]
    for q in (
        fields["patient.dob"]["value"],
        fields["referring.fax"]["value"][-10:],
        fields["referring.practice"]["value"],
    ):
        ids = [r["id"] for r in admin.get("/api/search", params={"q": q}).json()["referrals"]]
        assert referral_id in ids, q


def test_queue_filters_counts_and_paging(admin):
    page = admin.get("/api/referrals", params={"urgency": "stat"}).json()
    assert page["total"] == 0 and page["counts"]["urgency"]
    everything = admin.get("/api/referrals", params={"status": "all", "per_page": 1}).json()
    assert everything["per_page"] == 1 and len(everything["items"]) == 1
    assert admin.get("/api/referrals", params={"claimed_by": "nobody"}).json()["total"] == 0


def test_audit_log_has_no_update_or_delete_path(workspace, admin):
    from sqlalchemy import select

    from models.storage.append_only import AuditImmutable
    from models.storage.tables import AuditRow

    methods = {m for p, ms in workspace.openapi()["paths"].items() if "audit" in p for m in ms}
    assert methods == {"get"}
    store = workspace.state.store
    with pytest.raises(AuditImmutable), store.session() as s:
        s.scalars(select(AuditRow)).first().actor = "someone else"
    with pytest.raises(AuditImmutable), store.session() as s:
        s.delete(s.scalars(select(AuditRow)).first())
    for sql in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(sql))
    assert admin.get("/api/audit").json()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    changes=st.dictionaries(
        st.sampled_from(
            [
                "patient.dob",
                "referring.npi",
                "patient.phone",
                "referral.diagnoses",
                "patient.sex",
                "referral.urgency",
                "patient.name",
                "bogus",
            ]
        ),
        st.one_of(st.text(max_size=30), st.integers(), st.none(), st.lists(st.text(max_size=8))),
        max_size=4,
    )
)
def test_no_5xx_for_any_patch(admin_once, changes):
    client, rid = admin_once
    response = client.patch(f"/api/referrals/{rid}/fields", headers=_h(client), json=changes)
    assert response.status_code < 500, response.text


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "status",
                "urgency",
                "specialty",
                "missing",
                "received_from",
                "sender_fax",
                "claimed_by",
                "overdue",
                "page",
                "per_page",
                "q",
                "kind",
            ]
        ),
        st.text(max_size=12),
        max_size=5,
    )
)
def test_no_5xx_for_any_query(admin_once, params):
    client, _ = admin_once
    for path in ("/api/referrals", "/api/documents", "/api/search", "/api/audit"):
        assert client.get(path, params=params).status_code < 500


@pytest.fixture(scope="module")
def admin_once(processed, tmp_path_factory):
    """One signed-in admin for the property tests (hypothesis reruns the body, not fixtures)."""
    import shutil

    from pipeline import accounts
    from pipeline.settings import Settings
    from review_ui.app import create_app
    from tests.review_ui.conftest import PASSWORD, sign_in

    data = tmp_path_factory.mktemp("prop") / "data"
    shutil.copytree(processed, data)
    app = create_app(Settings(data_dir=data, database_url=""))
    accounts.add_user(app.state.store, "ada", "admin", PASSWORD)
    client = sign_in(app, "ada")
    return client, client.get("/api/referrals").json()["items"][0]["id"]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_5xx_on_any_route_of_the_schema(admin_once, data):
    """Every operation of the OpenAPI schema, with arbitrary path values and JSON bodies."""
    import re as _re

    client, rid = admin_once
    routes = [
        (m.upper(), p)
        for p, ms in client.app.openapi()["paths"].items()
        for m in ms
        if p != "/health"
    ]
    method, path = data.draw(st.sampled_from(routes))
    value = data.draw(
        st.one_of(
            st.just(rid),
            st.text(
                alphabet=st.characters(
                    blacklist_categories=["Cs", "Cc"], blacklist_characters="/?#%"
                ),
                min_size=1,
                max_size=20,
            ),
        )
    )
    url = _re.sub(r"\{[^}]+\}", lambda _m: value, path)  # value is text, not a template
    body = data.draw(
        st.one_of(
            st.none(),
            st.dictionaries(
                st.text(max_size=20),
                st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none()),
                max_size=3,
            ),
        )
    )
    headers = {"X-CSRF-Token": client.csrf}
    if method in ("POST", "PATCH") and path == "/api/documents":
        response = client.post(
            url, headers=headers, files=[("files", ("x.pdf", b"%PDF-1", "application/pdf"))]
        )
    elif body is None:
        response = client.request(method, url, headers=headers)
    else:
        response = client.request(method, url, headers=headers, json=body)
    assert response.status_code < 500, (method, url, response.status_code)
