"""Fixtures for the inbox and worker tests: real Redis and PostgreSQL (started when absent),
isolated settings, and an embedded ``intake watch`` running in a thread.

Services: a Redis already on 127.0.0.1:6379 is used (a free database number is claimed and
flushed per test); otherwise ``redis-server`` is started on a free port. PostgreSQL on
127.0.0.1:5432 is used if it answers, else the local cluster is started with
``pg_ctlcluster``; each test session gets its own ``intake_test_<hex>`` database, dropped at
the end. Tests skip only when the server binaries are truly absent.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import sample_documents, truth_of

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def wait_for(predicate: Callable[[], object], timeout: float, interval: float = 0.1) -> object:
    """Poll ``predicate`` until it returns something truthy; fail the test on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout:.0f} s")


def _port_open(host: str, port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- Redis ------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``redis://host:port`` of a running Redis; started (and stopped) here when absent."""
    import redis

    if _port_open("127.0.0.1", 6379):
        yield "redis://127.0.0.1:6379"
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    subprocess.run(
        [
            binary,
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
            "--dir",
            str(folder),
            "--pidfile",
            str(folder / "redis.pid"),
        ],
        check=True,
    )
    client = redis.Redis(port=port)
    wait_for(lambda: _ping(client), 10)
    yield f"redis://127.0.0.1:{port}"
    with contextlib.suppress(Exception):
        client.shutdown(nosave=True)


def _ping(client: object) -> bool:
    try:
        return bool(client.ping())  # type: ignore[attr-defined]
    except Exception:
        return False


@pytest.fixture(scope="session")
def _redis_db(redis_server: str) -> Iterator[str]:
    """A Redis database number claimed by this session (empty when claimed)."""
    import redis

    token = uuid.uuid4().hex
    for db in random.sample(range(1, 16), 15):
        client = redis.Redis.from_url(f"{redis_server}/{db}")
        if client.dbsize() == 0 and client.set("intake-test:claim", token, nx=True, ex=7200):
            yield f"{redis_server}/{db}"
            client.flushdb()
            return
    pytest.fail("no free Redis database number (1-15) for the tests")


@pytest.fixture
def redis_url(_redis_db: str) -> str:
    """``redis://…/<db>`` flushed for this test (the session keeps its claim)."""
    import redis

    client = redis.Redis.from_url(_redis_db)
    claim = client.get("intake-test:claim")
    client.flushdb()
    client.set("intake-test:claim", claim or b"x", ex=7200)
    return _redis_db


# -- PostgreSQL -------------------------------------------------------------------------------
def _pg_connect(dbname: str = "test") -> object:
    import psycopg

    return psycopg.connect(
        host="127.0.0.1",
        port=5432,
        user="postgres",
        dbname=dbname,
        connect_timeout=3,
        autocommit=True,
    )


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """Base URL of a running PostgreSQL; the local cluster is started when it is down."""
    import psycopg

    try:
        _pg_connect().close()  # type: ignore[attr-defined]
    except psycopg.OperationalError:
        etc = Path("/etc/postgresql")
        versions = sorted(p.name for p in etc.iterdir()) if etc.is_dir() else []
        if not versions or shutil.which("pg_ctlcluster") is None:
            pytest.skip("PostgreSQL is not installed")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
            check=False,
        )
        wait_for(lambda: _port_open("127.0.0.1", 5432), 30)
    return "postgresql+psycopg://postgres@127.0.0.1:5432"


@pytest.fixture(scope="session")
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh database for this test session, dropped at the end."""
    name = f"intake_test_{uuid.uuid4().hex[:12]}"
    conn = _pg_connect()
    conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    yield f"{postgres_server}/{name}"
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
    conn.close()  # type: ignore[attr-defined]


# -- settings, samples, embedded watcher ------------------------------------------------------
def fast_settings(tmp_path: Path, **overrides: object) -> object:
    """Settings with short timings for tests, data and inbox under ``tmp_path``."""
    from pipeline.settings import Settings

    values: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "inbox": tmp_path / "inbox",
        "database_url": "",
        "broker_url": "",
        "stable_s": 0.3,
        "inbox_poll_s": 0.1,
        "inbox_rescan_s": 1.0,
        "worker_threads": 2,
        "max_retries": 2,
        "retry_backoff_s": 0.05,
        "page_time_limit_s": 120.0,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def small_faxes() -> list[Path]:
    """One-page committed fax samples that are referrals (fast to OCR)."""
    found = [
        p
        for p in sample_documents("referrals")
        if p.suffix == ".tif" and truth_of(p).get("page_count") == 1 and truth_of(p)["referrals"]
    ]
    if not found:
        pytest.skip("no committed one-page fax samples yet")
    return found


@contextlib.contextmanager
def watching(settings: object, **kwargs: object) -> Iterator[threading.Event]:
    """Run ``run_watch`` (embedded mode) in a thread for the duration of the block."""
    from pipeline.watch import run_watch

    stop = threading.Event()
    errors: list[BaseException] = []

    def target() -> None:
        try:
            run_watch(settings.inbox_dir, settings, stop=stop, **kwargs)  # type: ignore[attr-defined]
        except BaseException as exc:  # surfaced in the test
            errors.append(exc)

    thread = threading.Thread(target=target, name="test-watch", daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=60)
    if errors:
        raise errors[0]
