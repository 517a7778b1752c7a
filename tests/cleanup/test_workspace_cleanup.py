"""The clean-up and routing screens and their API: who may see and act, what they show."""

from __future__ import annotations

import pytest

from models.storage.tables import AuditRow
from tests.cleanup.conftest import JANE, store_referral
from tests.cleanup.test_routing import CHICAGO, approved

PASSWORD = "correct horse battery"


@pytest.fixture
def app(store, settings, tmp_path):
    from pipeline import accounts
    from review_ui.app import create_app

    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - name: cardio\n    label: Heart Clinic\n    when: {specialty: cardiology}\n"
        "    to: {queue: cardiology}\n"
    )
    quiet = settings.model_copy(
        update={"embedding_model_path": "/nonexistent", "routing_rules": rules}
    )
    made = create_app(quiet)
    for name, role in (("rita", "referral_team"), ("ian", "intake")):
        accounts.add_user(made.state.store, name, role, PASSWORD)
    return made


@pytest.fixture
def rita(app):
    return _client(app, "rita")


@pytest.fixture
def ian(app):
    return _client(app, "ian")


def _client(app, name):
    from fastapi.testclient import TestClient

    from pipeline import accounts

    token = accounts.issue_token(app.state.store, name)
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


def test_duplicates_pages_show_evidence_and_only_the_team_acts(store, rita, ian):
    first = store_referral(store, days_ago=3)
    again = store_referral(store, {**JANE, "patient.dob": "1961-04-20"}, days_ago=2)
    listing = rita.get("/duplicates").text
    assert f'href="/duplicates/{again}/{first}"' in listing
    assert "date of birth with two digits (or day/month) transposed" in listing
    page = rita.get(f"/duplicates/{first}/{again}").text  # either order: duplicate on the left
    assert page.index(f'<a href="/referrals/{again}"') < page.index(f'<a href="/referrals/{first}"')
    assert 'class="matched"' in page and "MRN identical" in page
    assert "/api/cleanup/merge" in page and "/api/documents/" in page  # thumbnails
    seen = ian.get(f"/duplicates/{again}/{first}")
    assert seen.status_code == 200 and "/api/cleanup/merge" not in seen.text  # intake: view only
    with store.session() as s:
        views = s.query(AuditRow).filter(AuditRow.action == "referral.view").count()
    assert views == 4  # each opening audits both referrals

    merged = rita.post("/api/cleanup/merge", json={"referral": again, "duplicate_of": first}).json()
    review = rita.get(f"/referrals/{again}").text
    assert "Merged into" in review and f"/api/cleanup/actions/{merged['id']}/undo" in review
    assert f"/duplicates/{again}/{first}" in rita.get(f"/referrals/{first}").text
    history = rita.get("/cleanup").text
    assert f'data-action-id="{merged["id"]}"' in history and "Undo" in history
    assert "Undo" not in ian.get("/cleanup").text
    assert ian.post(f"/api/cleanup/actions/{merged['id']}/undo").status_code == 403
    (listed,) = rita.get("/api/cleanup/actions").json()
    assert (listed["action"], listed["referral"], listed["undone_at"]) == ("merge", again, None)


def test_route_from_the_workspace_and_the_acknowledgement(store, rita, ian):
    rid = approved(store)
    other = approved(store, {**CHICAGO, "patient.name": "Bo Chan"}, specialty="dermatology")
    pending = store_referral(store, {**JANE, "patient.name": "Al Ng"})
    assert ian.post(f"/api/referrals/{pending}/route").status_code == 409  # not approved
    assert ian.get(f"/api/referrals/{rid}/acknowledgement.pdf").status_code == 409
    page = ian.get(f"/referrals/{rid}").text
    assert f'data-post="/api/referrals/{rid}/route"' in page
    out = ian.post(f"/api/referrals/{rid}/route").json()
    assert out == {
        "referral": rid,
        "rule": "cardio",
        "destination": "queue:cardiology",
        "status": "delivered",
        "reason": "matched rule cardio",
    }
    detail = ian.get(f"/api/referrals/{rid}").json()
    assert detail["status"] == "routed" and detail["routing"][-1]["rule"] == "cardio"
    page = ian.get(f"/referrals/{rid}").text
    assert 'class="delivery delivered"' in page and "acknowledgement.pdf" in page
    pdf = ian.get(f"/api/referrals/{rid}/acknowledgement.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"

    assert ian.post("/api/routing/run").status_code == 403  # route-all: the team
    (left,) = rita.post("/api/routing/run").json()
    assert (left["referral"], left["status"]) == (other, "unrouted")
    assert "no rule matched" in rita.get(f"/referrals/{other}").text


def test_closed_loop_status_recorded_imported_and_shown(store, rita, ian):
    rid = approved(store)
    body = {"state": "Scheduled", "note": "2026-12-03 09:00"}
    assert ian.post(f"/api/referrals/{rid}/loop-status", json=body).status_code == 403
    assert (
        rita.post(f"/api/referrals/{rid}/loop-status", json={"state": "maybe"}).status_code == 422
    )
    now = rita.post(f"/api/referrals/{rid}/loop-status", json=body).json()
    assert (now["state"], now["task_status"], now["rf1_status"]) == (
        "scheduled",
        "in-progress",
        "A",
    )
    csv = f"referral_id,status,date,note\n{rid},completed,2099-01-02,consult note received\n"
    report = rita.post("/api/status/import", files={"file": ("s.csv", csv, "text/csv")}).json()
    assert report == {"imported": 1, "errors": []}
    page = ian.get(f"/referrals/{rid}").text
    assert '<strong class="loop-state">completed</strong>' in page and "consult note" in page
    assert '<code class="task-status">completed</code>' in page
    (item,) = ian.get("/api/referrals", params={"status": "approved"}).json()["items"]
    assert item["loop_state"] == "completed"
    assert "loop-completed" in ian.get("/", params={"status": "approved"}).text
    with store.session() as s:
        audited = s.query(AuditRow).filter(AuditRow.action == "referral.loop_status").count()
    assert audited == 2


def test_every_new_screen_and_route_needs_sign_in(app):
    from fastapi.testclient import TestClient

    anonymous = TestClient(app)
    for path in ("/duplicates", "/cleanup", "/duplicates/a/b"):
        answer = anonymous.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    for path in ("/api/routing/run", "/api/referrals/x/route", "/api/status/import"):
        assert anonymous.post(path).status_code == 401
    assert anonymous.get("/api/cleanup/actions").status_code == 401
    assert anonymous.get("/api/referrals/x/acknowledgement.pdf").status_code == 401
