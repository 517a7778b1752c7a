"""Fixtures of the workspace tests: a store with real processed samples, users, clients."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

SAMPLES = ROOT / "samples" / "referrals"
FAX_REFERRAL = SAMPLES / "01_cover_form_digital.pdf"
NON_REFERRAL = SAMPLES / "28_nonref_refill_request.pdf"
LETTER = SAMPLES / "12_letter_digital.pdf"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def processed(tmp_path_factory) -> Path:
    """A data folder holding a referral and a non-referral, processed by the real pipeline."""
    from models.storage import Store
    from pipeline.runner import process
    from pipeline.settings import Settings
    from pipeline.stage import StageContext

    data = tmp_path_factory.mktemp("workspace") / "data"
    settings = Settings(data_dir=data, database_url="")
    store = Store(settings.effective_database_url)
    for path in (FAX_REFERRAL, NON_REFERRAL):
        assert process(path, StageContext(settings=settings), store).status.value == "processed"
    return data


@pytest.fixture
def workspace(processed, tmp_path):
    """A private copy of the processed data (tests change it) and its app."""
    import shutil

    from pipeline import accounts
    from pipeline.settings import Settings
    from review_ui.app import create_app

    data = tmp_path / "data"
    shutil.copytree(processed, data)
    settings = Settings(data_dir=data, database_url="", claim_minutes=30)
    app = create_app(settings)
    for name, role in (("ada", "admin"), ("ian", "intake"), ("rita", "referral_team")):
        accounts.add_user(app.state.store, name, role, PASSWORD)
    return app


def sign_in(app, name: str):
    """A TestClient signed in as ``name``; its ``csrf`` attribute holds the session's token."""
    from fastapi.testclient import TestClient

    client = TestClient(app)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login",
        data={"username": name, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    home = client.get("/")
    client.csrf = re.search(r'name="csrf-token" content="([^"]+)"', home.text).group(1)
    return client


@pytest.fixture
def admin(workspace):
    return sign_in(workspace, "ada")


@pytest.fixture
def intake(workspace):
    return sign_in(workspace, "ian")


@pytest.fixture
def referral_id(admin) -> str:
    items = admin.get("/api/referrals").json()["items"]
    assert items
    return items[0]["id"]
