"""Regrouping the pages of a multi-patient fax: split, move a page, merge; all audited."""

from __future__ import annotations

import pytest

from tests.review_ui.conftest import PASSWORD, SAMPLES, sign_in

MULTI = SAMPLES / "09_multi_patient_digital.pdf"  # referrals on pages [2], [3, 4], [5]


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    from models.storage import Store
    from pipeline.runner import process
    from pipeline.settings import Settings
    from pipeline.stage import StageContext

    data = tmp_path_factory.mktemp("multi") / "data"
    settings = Settings(data_dir=data, database_url="")
    result = process(MULTI, StageContext(settings=settings), Store(settings.effective_database_url))
    assert [r.pages for r in result.referrals] == [[2], [3, 4], [5]]
    return data


@pytest.fixture
def client(multi, tmp_path):
    import shutil

    from pipeline import accounts
    from pipeline.settings import Settings
    from review_ui.app import create_app

    shutil.copytree(multi, tmp_path / "data")
    app = create_app(Settings(data_dir=tmp_path / "data", database_url=""))
    accounts.add_user(app.state.store, "ada", "admin", PASSWORD)
    return sign_in(app, "ada")


def _by_pages(client):
    items = client.get("/api/referrals", params={"status": "all"}).json()["items"]
    details = [client.get(f"/api/referrals/{i['id']}").json() for i in items]
    return {tuple(d["pages"]): d for d in details}


def test_split_move_and_merge(client):
    h = {"X-CSRF-Token": client.csrf}
    refs = _by_pages(client)
    two = refs[(3, 4)]
    split = client.post(f"/api/referrals/{two['id']}/split", headers=h, json={"pages": [4]})
    assert split.status_code == 200, split.text
    refs = _by_pages(client)
    assert set(refs) == {(2,), (3,), (4,), (5,)}
    assert refs[(3,)]["id"] == two["id"] and refs[(4,)]["id"] == split.json()["new"]
    assert refs[(3,)]["fields"]["patient.name"]["value"] == two["fields"]["patient.name"]["value"]
    # move page 4 back, then merge page 5's referral into page 2's
    moved = client.post(
        f"/api/referrals/{refs[(4,)]['id']}/pages/4/move", headers=h, json={"to": two["id"]}
    )
    assert moved.status_code == 409  # a move must leave the referral a page: use merge
    merged = client.post(
        f"/api/referrals/{two['id']}/merge", headers=h, json={"other": refs[(4,)]["id"]}
    )
    assert merged.status_code == 200, merged.text
    refs = _by_pages(client)
    assert refs[(3, 4)]["id"] == two["id"]
    assert refs[(4,)]["status"] == "merged"
    moved = client.post(
        f"/api/referrals/{two['id']}/pages/4/move", headers=h, json={"to": refs[(5,)]["id"]}
    )
    assert moved.status_code == 200, moved.text
    refs = _by_pages(client)
    assert (4, 5) in refs and refs[(3,)]["id"] == two["id"]
    actions = [e["action"] for e in client.get(f"/api/audit?entity_id={two['id']}").json()]
    assert {"referral.split", "referral.merge", "referral.move_page"} <= set(actions)


def test_regrouping_is_refused_when_it_makes_no_sense(client):
    h = {"X-CSRF-Token": client.csrf}
    refs = _by_pages(client)
    one = refs[(2,)]["id"]
    assert (
        client.post(f"/api/referrals/{one}/split", headers=h, json={"pages": [2]}).status_code
        == 409
    )
    assert (
        client.post(f"/api/referrals/{one}/split", headers=h, json={"pages": [3]}).status_code
        == 409
    )
    assert (
        client.post(f"/api/referrals/{one}/merge", headers=h, json={"other": one}).status_code
        == 409
    )
    assert (
        client.post(f"/api/referrals/{one}/merge", headers=h, json={"other": "nope"}).status_code
        == 404
    )
    assert (
        client.post(f"/api/referrals/{one}/split", headers=h, json={"pages": []}).status_code == 422
    )
