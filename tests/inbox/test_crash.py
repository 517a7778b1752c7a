"""SIGKILL at awkward moments, restart, and prove every file was processed exactly once.

Durability lives in the inbox and the database: a file leaves the inbox only after its
result is committed; a restarted watcher rescans, replays are recognised by their arrival key
and sha256, and an unfinished job resumes from the pages already saved.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES
from tests.inbox.conftest import wait_for

FAXES = ["02_cover_form_3page_fax_fine.tif", "13_letter_fax_fine.tif"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "INTAKE_DATA_DIR": str(tmp_path / "data"),
        "INTAKE_INBOX": str(tmp_path / "inbox"),
        "INTAKE_DATABASE_URL": "",
        "INTAKE_BROKER_URL": "",
        "INTAKE_STABLE_S": "0.3",
        "INTAKE_INBOX_POLL_S": "0.1",
        "INTAKE_INBOX_RESCAN_S": "1",
        "INTAKE_WORKER_THREADS": "2",
        "OMP_THREAD_LIMIT": "1",
    }
    env.update(extra)
    return env


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = log.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=handle,
        stderr=handle,
        start_new_session=True,  # its own process group: SIGKILL reaches dramatiq's children
    )


def _kill(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _drop(inbox: Path) -> list[Path]:
    inbox.mkdir(parents=True, exist_ok=True)
    sources = [SAMPLES / "referrals" / name for name in FAXES]
    if not all(p.exists() for p in sources):
        pytest.skip("committed fax samples missing")
    for src in sources:
        shutil.copy(src, inbox / src.name)
    shutil.copy(sources[1], inbox / "redelivered.tif")  # the same bytes, delivered twice
    return sources


def _sqlite(db: Path) -> Callable[[str], int]:
    def query(sql: str) -> int:
        if not db.exists():
            return 0
        try:
            with contextlib.closing(sqlite3.connect(db, timeout=5)) as conn:
                return int(conn.execute(sql).fetchone()[0] or 0)
        except sqlite3.OperationalError:  # tables not created yet
            return 0

    return query


def _assert_exactly_once(query: Callable[[str], int], inbox: Path, archive: Path) -> None:
    assert list(inbox.iterdir()) == []
    assert len(list(archive.iterdir())) == 3  # every delivery kept
    assert query("SELECT count(*) FROM documents WHERE status = 'processed'") == 2
    assert query("SELECT count(*) FROM documents") == 2
    assert query("SELECT count(*) FROM deliveries") == 3  # replays are not deliveries
    assert query("SELECT count(*) FROM deliveries WHERE duplicate") == 1
    processed = "SELECT count(*) FROM audit_log WHERE action = 'document.processed'"
    assert query(processed) == 2  # one commit per document, however many restarts
    per_doc = (
        "SELECT max(n) FROM (SELECT count(DISTINCT created_at) AS n FROM referrals "
        "GROUP BY document_id) AS commits"
    )
    assert query(per_doc) <= 1  # a document's referrals come from one commit
    assert query("SELECT count(*) FROM intake_arrivals WHERE finished_at IS NULL") == 0


@pytest.mark.slow
def test_sigkill_embedded_watcher_then_restart_is_exactly_once(tmp_path):
    """GIVEN ``intake watch`` (embedded) with faxes in its inbox WHEN it is SIGKILLed
    mid-document, then again after a first commit, then at a random moment THEN a final
    restart ends with each document committed once and every file archived."""
    env = _env(tmp_path)
    inbox, log = tmp_path / "inbox", tmp_path / "watch.log"
    _drop(inbox)
    query = _sqlite(tmp_path / "data" / "intake.db")
    kill_points = [
        lambda: query("SELECT count(*) FROM intake_job_pages") >= 1,  # mid-document
        lambda: query("SELECT count(*) FROM documents") >= 1,  # after a first commit
    ]
    for ready in kill_points:
        proc = _spawn(["watch", "-q"], env, log)
        try:
            wait_for(lambda r=ready, p=proc: r() or p.poll() is not None, 120, interval=0.05)
        finally:
            _kill(proc)
    proc = _spawn(["watch", "-q"], env, log)
    time.sleep(random.uniform(0.5, 3.0))
    _kill(proc)
    final = _spawn(["watch", "-q", "--until-idle"], env, log)
    assert final.wait(timeout=240) == 0, log.read_text()[-3000:]
    _assert_exactly_once(query, inbox, tmp_path / "data" / "archive")


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
def test_sigkill_redis_worker_mid_document_then_restart(tmp_path, redis_url, postgres_url):
    """GIVEN a watcher and a separate ``intake worker`` sharing Redis and PostgreSQL WHEN the
    worker is SIGKILLed while a document's pages are half read THEN a restarted worker
    finishes the job and nothing is committed twice."""
    import psycopg

    env = _env(
        tmp_path,
        INTAKE_BROKER_URL=redis_url,
        INTAKE_DATABASE_URL=postgres_url,
        INTAKE_BROKER_HEARTBEAT_S="2",
        INTAKE_STALL_S="6",
    )
    inbox, log = tmp_path / "inbox", tmp_path / "run.log"
    dsn = postgres_url.replace("postgresql+psycopg://", "postgresql://")

    def query(sql: str) -> int:
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                return int(conn.execute(sql).fetchone()[0] or 0)
        except psycopg.errors.UndefinedTable:
            return 0

    for table in ("referrals", "pages", "documents", "deliveries", "audit_log"):
        with contextlib.suppress(psycopg.errors.UndefinedTable), psycopg.connect(dsn) as conn:
            conn.execute(f"DELETE FROM {table}")  # the session database is shared
    with contextlib.suppress(psycopg.errors.UndefinedTable), psycopg.connect(dsn) as conn:
        conn.execute("DELETE FROM intake_arrivals")
        conn.execute("DELETE FROM intake_jobs")
    _drop(inbox)
    watcher = _spawn(["watch", "-q", "--threads", "0"], env, log)
    try:
        worker = _spawn(["worker", "-p", "1", "-t", "2"], env, log)
        try:
            wait_for(lambda: query("SELECT count(*) FROM intake_job_pages") >= 1, 120, 0.05)
        finally:
            _kill(worker)
        assert query("SELECT count(*) FROM documents") < 2
        worker = _spawn(["worker", "-p", "1", "-t", "2"], env, log)
        try:
            wait_for(lambda: not any(inbox.iterdir()), 240, interval=0.3)
        finally:
            _kill(worker)
    finally:
        _kill(watcher)
    _assert_exactly_once(query, inbox, tmp_path / "data" / "archive")
