"""``intake users`` and ``intake review-stats`` as a user runs them; claims expire; the audit
log is append-only on PostgreSQL as on SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from tests.conftest import ROOT
from tests.inbox.conftest import postgres_server  # noqa: F401  (fixture)
from tests.ops.conftest import db_url, fresh_pg  # noqa: F401  (fixtures)

INTAKE = [sys.executable, "-m", "pipeline.cli", "-q"]


def _run(tmp_path, *args, stdin=""):
    env = {**os.environ, "INTAKE_DATA_DIR": str(tmp_path / "data"), "INTAKE_DATABASE_URL": ""}
    return subprocess.run(
        [*INTAKE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_users_add_token_and_review_stats(tmp_path):
    added = _run(
        tmp_path,
        "users",
        "add",
        "ann",
        "--role",
        "intake",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert added.returncode == 0, added.stderr
    assert "a long enough password" not in added.stdout + added.stderr
    again = _run(
        tmp_path,
        "users",
        "add",
        "ann",
        "--role",
        "admin",
        "--password-stdin",
        stdin="another long password\n",
    )
    assert again.returncode == 1 and "taken" in again.stderr
    weak = _run(
        tmp_path, "users", "add", "bob", "--role", "admin", "--password-stdin", stdin="short\n"
    )
    assert weak.returncode == 1 and "at least" in weak.stderr
    bad_role = _run(tmp_path, "users", "add", "bob", "--role", "boss", "--password-stdin")
    assert bad_role.returncode == 2
    token = _run(tmp_path, "users", "token", "ann")
    assert token.returncode == 0 and token.stdout.startswith("rit_")
    assert _run(tmp_path, "users", "token", "nobody").returncode == 1
    stats = _run(tmp_path, "review-stats", "--json")
    assert stats.returncode == 0
    assert json.loads(stats.stdout.splitlines()[-1])["reviewed_fields"] == 0


def test_a_claim_expires(workspace, referral_id):
    from models.review import Role, User
    from pipeline import review_actions as actions

    store = workspace.state.store
    ada = actions.Actor(User(id=1, name="ada", role=Role.ADMIN))
    ian = actions.Actor(User(id=2, name="ian", role=Role.INTAKE))
    actions.claim(store, referral_id, ada, minutes=30)
    with pytest.raises(actions.ClaimedByOther):
        actions.claim(store, referral_id, ian, minutes=30)
    with pytest.raises(actions.ClaimedByOther):
        actions.correct(store, referral_id, ian, {"patient.sex": "F"})
    actions.claim(store, referral_id, ada, minutes=-1)  # renewal that ends in the past
    assert actions.claim(store, referral_id, ian, minutes=30).user == "ian"


def test_audit_log_is_append_only_in_the_database(db_url):  # noqa: F811
    from models.storage import Store

    store = Store(db_url)
    store.audit("tester", "referral.view", "referral", "r1", origin="127.0.0.1")
    for sql in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(sql))
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT actor, origin FROM audit_log")).all() == [
            ("tester", "127.0.0.1")
        ]


def test_cli_roles_are_the_model_roles():
    from models.review import Role
    from pipeline.cli_review import ROLES

    assert tuple(r.value for r in Role) == ROLES
