"""/api/cleanup: the referral team sees proposals with evidence, merges, un-merges, dismisses."""

from __future__ import annotations

import pytest

from tests.cleanup.conftest import store_referral

PASSWORD = "correct horse battery"


@pytest.fixture
def clients(store, settings):
    from fastapi.testclient import TestClient

    from pipeline import accounts
    from review_ui.app import create_app

    quiet = settings.model_copy(update={"embedding_model_path": "/nonexistent"})  # fast
    app = create_app(quiet)
    out = {}
    for name, role in (("rita", "referral_team"), ("ian", "intake")):
        accounts.add_user(app.state.store, name, role, PASSWORD)
        token = accounts.issue_token(app.state.store, name)
        out[name] = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    return out


def test_propose_merge_unmerge_and_dismiss(store, clients):
    first = store_referral(store, days_ago=3)
    again = store_referral(store, days_ago=2)
    rita, ian = clients["rita"], clients["ian"]
    assert ian.get("/api/cleanup/proposals").status_code == 403  # intake staff do not merge
    (proposal,) = rita.get("/api/cleanup/proposals").json()
    assert (proposal["referral"], proposal["duplicate_of"]) == (again, first)
    assert "dob_exact" in proposal["evidence"]

    pair = {"referral": again, "duplicate_of": first}
    dismissed = rita.post("/api/cleanup/dismiss", json=pair).json()
    assert rita.get("/api/cleanup/proposals").json() == []  # not proposed again
    rita.post(f"/api/cleanup/actions/{dismissed['id']}/undo")
    assert len(rita.get("/api/cleanup/proposals").json()) == 1

    merged = rita.post("/api/cleanup/merge", json=pair).json()
    assert merged["score"] == proposal["score"] and merged["id"]
    detail = rita.get(f"/api/referrals/{again}").json()
    assert (detail["status"], detail["merged_into"]) == ("merged", first)
    assert rita.post("/api/cleanup/merge", json=pair).status_code == 409  # already merged

    back = rita.post(f"/api/cleanup/actions/{merged['id']}/undo").json()
    assert back["status"] == "needs_review"
    assert rita.get(f"/api/referrals/{again}").json()["merged_into"] is None
    assert rita.get("/api/cleanup/proposals").json() == []  # the un-merge is not redone
