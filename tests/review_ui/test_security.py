"""Every route is closed without a session or token; CSRF; roles; sign-in rate limit."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.review_ui.conftest import PASSWORD, sign_in

OPEN = {"/health", "/login"}


def _routes(app):
    schema = app.openapi()
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method.upper(), path


def _fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_api_route_refuses_a_request_without_session_or_token(workspace):
    client = TestClient(workspace)
    routes = list(_routes(workspace))
    assert len(routes) >= 15
    for method, path in routes:
        if path in OPEN:
            continue
        response = client.request(method, _fill(path), headers={"Accept": "application/json"})
        assert response.status_code == 401, (method, path, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/documents",
        "/upload",
        "/search?q=x",
        "/admin/audit",
        "/referrals/next",
        "/api/openapi.json",
    ],
)
def test_pages_send_a_stranger_to_sign_in(workspace, path):
    response = TestClient(workspace).get(path, follow_redirects=False)
    assert response.status_code in (303, 401)
    if response.status_code == 303:
        assert response.headers["location"].startswith("/login?next=")


def test_health_login_and_static_are_open(workspace):
    client = TestClient(workspace)
    assert client.get("/login").status_code == 200
    assert client.get("/static/htmx.min.js").status_code == 200
    assert client.get("/health").status_code in (200, 503)


def test_session_cookie_is_httponly_and_samesite_lax(workspace):
    client = TestClient(workspace)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    response = client.post(
        "/login",
        data={"username": "ada", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert "intake_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in tests; behind TLS the flag is set


def test_a_post_without_csrf_token_is_refused(admin, referral_id):
    assert admin.post(f"/api/referrals/{referral_id}/claim").status_code == 403
    wrong = {"X-CSRF-Token": "nope"}
    assert admin.post(f"/api/referrals/{referral_id}/claim", headers=wrong).status_code == 403
    ok = admin.post(f"/api/referrals/{referral_id}/claim", headers={"X-CSRF-Token": admin.csrf})
    assert ok.status_code == 200
    assert admin.post("/logout", follow_redirects=False).status_code == 403


def test_bearer_token_works_without_csrf(workspace, referral_id):
    from pipeline import accounts

    token = accounts.issue_token(workspace.state.store, "rita")
    client = TestClient(workspace)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/referrals", headers=headers).status_code == 200
    assert client.post(f"/api/referrals/{referral_id}/claim", headers=headers).status_code == 200
    bad = {"Authorization": "Bearer rit_not-a-token"}
    assert client.get("/api/referrals", headers=bad).status_code == 401


def test_an_intake_user_cannot_reach_admin_pages(intake, admin):
    assert intake.get("/admin/audit").status_code == 403
    assert intake.get("/api/audit").status_code == 403
    assert admin.get("/admin/audit").status_code == 200
    assert admin.get("/api/audit").status_code == 200


def test_only_an_admin_releases_someone_elses_claim(workspace, referral_id):
    rita, ian, ada = (sign_in(workspace, n) for n in ("rita", "ian", "ada"))
    assert (
        rita.post(
            f"/api/referrals/{referral_id}/claim", headers={"X-CSRF-Token": rita.csrf}
        ).status_code
        == 200
    )
    assert (
        ian.post(
            f"/api/referrals/{referral_id}/claim", headers={"X-CSRF-Token": ian.csrf}
        ).status_code
        == 409
    )
    assert (
        ian.post(
            f"/api/referrals/{referral_id}/release", headers={"X-CSRF-Token": ian.csrf}
        ).status_code
        == 409
    )
    assert (
        ada.post(
            f"/api/referrals/{referral_id}/release", headers={"X-CSRF-Token": ada.csrf}
        ).status_code
        == 204
    )
    assert (
        ian.post(
            f"/api/referrals/{referral_id}/claim", headers={"X-CSRF-Token": ian.csrf}
        ).status_code
        == 200
    )


def test_sign_in_is_rate_limited(workspace):
    client = TestClient(workspace)
    codes = []
    for _ in range(7):
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        codes.append(
            client.post(
                "/login", data={"username": "ada", "password": "wrong-guess", "csrf_token": token}
            ).status_code
        )
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    blocked = client.post(
        "/login",
        data={"username": "ada", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert blocked.status_code == 429  # even the right password waits out the window


def _attempt(app, name: str, password: str) -> int:
    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    return client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": token},
        follow_redirects=False,
    ).status_code


def test_failed_sign_ins_are_audited_and_shared_by_every_web_worker(workspace):
    from review_ui.app import create_app

    other_worker = create_app(workspace.state.settings, store=workspace.state.store)
    assert [_attempt(workspace, "ada", "guess-1") for _ in range(3)] == [401] * 3
    assert [_attempt(other_worker, "ada", "guess-2") for _ in range(2)] == [401] * 2
    assert _attempt(other_worker, "ada", PASSWORD) == 429  # 5 failures across both workers
    assert _attempt(workspace, "rita", PASSWORD) == 303  # another name is not blocked
    with workspace.state.store.session() as s:
        from sqlalchemy import select

        from models.storage.tables import AuditRow

        rows = s.scalars(select(AuditRow).where(AuditRow.action == "user.sign_in_failed")).all()
        assert [r.entity_id for r in rows] == ["ada"] * 5
        assert all("guess" not in repr(r.detail) and r.origin for r in rows)


def test_a_good_sign_in_starts_the_count_again(workspace):
    assert [_attempt(workspace, "ian", "nope") for _ in range(4)] == [401] * 4
    assert _attempt(workspace, "ian", PASSWORD) == 303
    assert [_attempt(workspace, "ian", "nope") for _ in range(4)] == [401] * 4
    assert _attempt(workspace, "ian", PASSWORD) == 303


def test_login_without_its_csrf_cookie_is_refused(workspace):
    client = TestClient(workspace)
    response = client.post(
        "/login", data={"username": "ada", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403


def test_passwords_are_argon2_hashes(workspace):
    from sqlalchemy import select

    from models.storage.review_tables import UserRow

    with workspace.state.store.session() as s:
        hashes = s.scalars(select(UserRow.password_hash)).all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(PASSWORD in h for h in hashes)


def test_next_after_sign_in_is_local_only(workspace):
    client = TestClient(workspace)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    response = client.post(
        "/login",
        data={
            "username": "ada",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_access_log_lines_drop_query_strings(workspace):
    import logging

    access = logging.getLogger("uvicorn.access")
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/search?q=Jane+Doe", "1.1", 200),
        None,
    )
    assert all(f.filter(record) for f in access.filters)
    assert "Jane" not in record.getMessage() and "/search" in record.getMessage()
