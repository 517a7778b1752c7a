"""Fixtures for the operations tests: a private PostgreSQL database per test, data helpers."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.inbox.conftest import _pg_connect, postgres_server  # noqa: F401  (fixture)


@pytest.fixture
def fresh_pg(postgres_server: str) -> Iterator[str]:  # noqa: F811
    """URL of a brand-new PostgreSQL database, dropped after the test."""
    name = f"intake_ops_{uuid.uuid4().hex[:12]}"
    conn = _pg_connect()
    conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    try:
        yield f"{postgres_server}/{name}"
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
        conn.close()  # type: ignore[attr-defined]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """An empty database: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'intake.db'}"
    return str(request.getfixturevalue("fresh_pg"))


def referral_json(document_id: str, name: str, *, urgency: str = "routine", hours: int = 0) -> dict:
    """A stored referral as the first schema kept it (the domain model's JSON)."""
    due = datetime(2026, 11, 20, 9, 0, tzinfo=UTC) + timedelta(hours=hours)
    return {
        "id": str(uuid.uuid4()),
        "document_id": document_id,
        "pages": [1],
        "fields": {
            "patient.name": {
                "name": "patient.name",
                "value": name,
                "confidence": 0.9,
                "source": None,
                "extractor": "test",
                "notes": [],
                "reviewed_value": None,
            }
        },
        "missing": [],
        "problems": [],
        "triage": {"urgency": urgency, "specialty": "cardiology", "due_by": due.isoformat()},
        "status": "needs_review",
    }


def run_intake(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``intake ARGS`` in a child process on the embedded database under ``data_dir``; ``env``
    adds settings (no INTAKE_CONFIG from the caller's environment leaks in)."""
    full = {**os.environ, "INTAKE_DATA_DIR": str(data_dir), "INTAKE_DATABASE_URL": ""}
    full.pop("INTAKE_CONFIG", None)
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full,
        timeout=300,
    )
