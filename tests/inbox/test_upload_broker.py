"""Uploads with a broker: the web process hands the file to the inbox; workers read it.

Real Redis, real watcher and actors, real pipeline on a committed digital referral: the
upload's status comes from the database, so a second app (another web worker) answers too.
"""

from __future__ import annotations

import io
import re

import pytest

from tests.conftest import SAMPLES
from tests.inbox.conftest import fast_settings, wait_for, watching

LETTER = SAMPLES / "referrals" / "12_letter_digital.pdf"
PASSWORD = "correct horse battery"

pytestmark = pytest.mark.redis


def _signed_in(app):
    from fastapi.testclient import TestClient

    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    response = client.post(
        "/login",
        data={"username": "ada", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    client.csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)
    return client


def test_upload_is_read_by_the_workers_not_the_web_process(tmp_path, redis_url):
    from pipeline import accounts
    from review_ui.app import create_app

    settings = fast_settings(tmp_path, broker_url=redis_url)
    app = create_app(settings)
    accounts.add_user(app.state.store, "ada", "admin", PASSWORD)
    client = _signed_in(app)
    response = client.post(
        "/api/documents",
        headers={"X-CSRF-Token": client.csrf},
        files=[("files", ("letter.pdf", io.BytesIO(LETTER.read_bytes()), "application/pdf"))],
    )
    assert response.status_code == 202
    upload_id = response.json()[0]["id"]
    # handed to the watched inbox, not read here
    inbox_files = [p for p in settings.inbox_dir.iterdir() if not p.name.startswith(".")]
    assert [p.read_bytes() == LETTER.read_bytes() for p in inbox_files] == [True]
    assert client.get(f"/api/uploads/{upload_id}").json()["status"] == "queued"
    assert client.get("/api/referrals").json()["total"] == 0

    with watching(settings, threads=1):
        wait_for(
            lambda: client.get(f"/api/uploads/{upload_id}").json()["status"] == "processed", 240
        )
    done = client.get(f"/api/uploads/{upload_id}").json()
    assert done["document_id"] and len(done["referral_ids"]) == 1
    # another web worker (a second app over the same data) knows the upload too
    other = _signed_in(create_app(settings))
    assert other.get(f"/api/uploads/{upload_id}").json()["referral_ids"] == done["referral_ids"]
    assert other.get("/api/uploads/" + "0" * 32).status_code == 404
    assert other.get("/api/uploads/..%2F..%2Fetc").status_code == 404
