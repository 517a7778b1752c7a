"""Schema migrations on real SQLite and PostgreSQL: from the first released schema with data,
from databases made by the pre-migration ``create_all`` code, and models vs migrations."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, inspect, select, text

from models.storage import Store
from models.storage.migrate import (
    FIRST_REVISION,
    MIGRATIONS,
    current_revision,
    head_revision,
    shipped_head,
    upgrade,
)
from tests.conftest import ROOT
from tests.ops.conftest import referral_json

FIRST_TABLES = {
    "documents",
    "pages",
    "referrals",
    "deliveries",
    "audit_log",
    "intake_jobs",
    "intake_job_pages",
    "intake_arrivals",
}


def _first_schema_with_data(url: str, *, legacy: bool, count: int = 3) -> list[str]:
    """A database at the first revision holding ``count`` documents with a referral each.

    With ``legacy`` the version stamp is removed: what the pre-migration code left behind.
    Rows are written with plain inserts on the reflected first-schema tables, as the old code
    stored them, so later revisions of the models cannot make this test pass by accident.
    """
    engine = create_engine(url)
    upgrade(engine, FIRST_REVISION)
    meta = MetaData()
    meta.reflect(engine)
    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    ids = []
    with engine.begin() as conn:
        for i in range(count):
            doc_id = str(uuid.uuid4())
            conn.execute(
                meta.tables["documents"].insert(),
                {
                    "id": doc_id,
                    "sha256": uuid.uuid4().hex * 2,
                    "media_type": "application/pdf",
                    "size_bytes": 100 + i,
                    "source_name": f"fax{i}.pdf",
                    "received_at": now,
                    "page_count": 1,
                    "status": "processed",
                    "document_type": "referral",
                    "fax": {"csid": "CLINIC"},
                    "created_at": now,
                },
            )
            conn.execute(
                meta.tables["pages"].insert(),
                {"document_id": doc_id, "number": 1, "data": {"number": 1}},
            )
            ref = referral_json(doc_id, f"Patient Number{i}", hours=i)
            ids.append(ref["id"])
            conn.execute(
                meta.tables["referrals"].insert(),
                {
                    "id": ref["id"],
                    "document_id": doc_id,
                    "status": "needs_review",
                    "urgency": "routine",
                    "specialty": "cardiology",
                    "due_by": now,
                    "data": ref,
                    "created_at": now,
                    "updated_at": now,
                },
            )
        if legacy:
            conn.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    return ids


@pytest.mark.parametrize("legacy", [False, True], ids=["stamped", "pre-migration"])
def test_upgrade_from_first_schema_keeps_every_referral(db_url, legacy):
    ids = _first_schema_with_data(db_url, legacy=legacy)
    store = Store(db_url)  # what every command does first
    assert current_revision(store.engine) == head_revision()
    assert store.count_referrals() == len(ids)
    kept = {r["id"] for r in store.queue(status=None)}
    assert kept == set(ids)
    for row in store.queue(status=None):
        referral = store.referrals_of(row["document_id"])[0]
        assert referral.value("patient.name").startswith("Patient Number")


def test_partial_pre_migration_database_gets_the_missing_tables(db_url):
    """``intake process`` alone never created the job tables: adoption adds them."""
    ids = _first_schema_with_data(db_url, legacy=True, count=1)
    engine = create_engine(db_url)
    with engine.begin() as conn:
        for name in ("intake_job_pages", "intake_jobs", "intake_arrivals"):
            conn.execute(text(f"DROP TABLE {name}"))
    engine.dispose()
    store = Store(db_url)
    assert set(inspect(store.engine).get_table_names()) >= FIRST_TABLES
    assert store.count_referrals() == len(ids)


def test_models_and_migrations_agree(db_url):
    """A column added to the models without a revision fails here (see README)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from models.storage import job_tables, ops_tables  # noqa: F401  (register every table)
    from models.storage.tables import Base

    store = Store(db_url)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_revisions_are_a_linear_chain_named_by_their_ids():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1
    assert shipped_head() == head_revision()
    for rev in script.walk_revisions():
        assert re.fullmatch(r"\d{4}", rev.revision)
        assert Path(rev.path).name.startswith(f"{rev.revision}_")


def test_db_commands(tmp_path):
    env = {**os.environ, "INTAKE_DATA_DIR": str(tmp_path / "data"), "INTAKE_DATABASE_URL": ""}
    cli = [sys.executable, "-m", "pipeline.cli"]
    before = subprocess.run(
        [*cli, "db", "current"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert before.returncode == 0, before.stderr
    assert "none" in before.stdout
    up = subprocess.run([*cli, "db", "upgrade"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert up.returncode == 0, up.stderr
    after = subprocess.run(
        [*cli, "db", "current"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert after.stdout.split() == [head_revision(), "(head)"]
    engine = create_engine(f"sqlite:///{tmp_path / 'data' / 'intake.db'}")
    with engine.connect() as conn:
        assert (
            conn.execute(select(text("version_num")).select_from(text("alembic_version"))).scalar()
            == head_revision()
        )


def test_a_newer_or_unreachable_database_is_one_line(tmp_path):
    env = {**os.environ, "INTAKE_DATA_DIR": str(tmp_path / "data"), "INTAKE_DATABASE_URL": ""}
    cli = [sys.executable, "-m", "pipeline.cli"]
    assert subprocess.run([*cli, "db", "upgrade"], env=env, cwd=ROOT).returncode == 0
    engine = create_engine(f"sqlite:///{tmp_path / 'data' / 'intake.db'}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    newer = subprocess.run([*cli, "queue"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert newer.returncode == 2 and "newer than this version" in newer.stderr
    assert "Traceback" not in newer.stderr
    down = {**env, "INTAKE_DATABASE_URL": "postgresql+psycopg://x@127.0.0.1:1/none"}
    gone = subprocess.run([*cli, "queue"], capture_output=True, text=True, env=down, cwd=ROOT)
    assert gone.returncode == 1 and "database unreachable" in gone.stderr
    assert "Traceback" not in gone.stderr
