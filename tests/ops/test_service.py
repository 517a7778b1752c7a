"""Running it as a service: settings from a config file, one-line setting errors, --version,
-v/-q after the sub-command, INFO/JSON logs without names, health in status and /health."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from pipeline.logs import JsonFormatter, ThirdPartyFilter
from tests.conftest import ROOT, SAMPLES
from tests.hostile import not_private
from tests.ops.conftest import run_intake

DEAD_REDIS = "redis://127.0.0.1:1/0"


def _intake(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_intake(tmp_path / "data", *args, **env)


def test_version_and_flags_after_the_sub_command(tmp_path):
    version = _intake(tmp_path, "--version")
    assert version.returncode == 0 and version.stdout.startswith("intake ")
    quiet = _intake(tmp_path, "db", "upgrade", "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""
    loud = _intake(tmp_path, "queue", "-v")
    assert loud.returncode == 0
    informative = _intake(tmp_path, "-v", "db", "upgrade")
    assert "schema at revision" in informative.stderr


def test_a_bad_setting_is_one_clear_line(tmp_path):
    run = _intake(tmp_path, "queue", INTAKE_MAX_PAGES="lots")
    assert run.returncode == 2
    assert (
        run.stderr.strip().splitlines() == [run.stderr.strip()] and "INTAKE_MAX_PAGES" in run.stderr
    )
    assert "Traceback" not in run.stderr and "pydantic" not in run.stderr
    zone = _intake(tmp_path, "queue", INTAKE_TIMEZONE="Mars/Olympus")
    assert zone.returncode == 2 and "INTAKE_TIMEZONE" in zone.stderr
    missing = _intake(tmp_path, "queue", INTAKE_CONFIG=str(tmp_path / "nope.env"))
    assert missing.returncode == 2 and "INTAKE_CONFIG" in missing.stderr


def test_settings_come_from_the_config_file_under_the_environment(tmp_path):
    config = tmp_path / "intake.env"
    config.write_text(
        f"INTAKE_DATA_DIR={tmp_path / 'configured'}\nINTAKE_TIMEZONE=Asia/Tokyo\n",
        encoding="utf-8",
    )
    env = {**os.environ, "INTAKE_CONFIG": str(config)}
    env.pop("INTAKE_DATA_DIR", None)
    env.pop("INTAKE_TIMEZONE", None)
    run = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "queue"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "times in Asia/Tokyo" in run.stdout
    assert (tmp_path / "configured" / "intake.db").exists()
    # the environment wins over the file
    env["INTAKE_TIMEZONE"] = "Europe/Oslo"
    over = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "queue"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert "times in Europe/Oslo" in over.stdout


@pytest.mark.slow
def test_info_logs_say_what_happened_with_ids_never_names(tmp_path):
    secret = tmp_path / "Doe-Jane-1961.pdf"
    secret.write_bytes((SAMPLES / "referrals" / "12_letter_digital.pdf").read_bytes())
    run = _intake(tmp_path, "process", "--json", str(secret), INTAKE_LOG_FORMAT="json")
    assert run.returncode == 0, run.stderr
    doc_id = json.loads(run.stdout)["document_id"]
    records = [json.loads(line) for line in run.stderr.splitlines()]
    assert {"time", "level", "logger", "message"} <= set(records[0])
    messages = [r["message"] for r in records if r["level"] == "INFO"]
    assert any(doc_id[:8] in m and "processed" in m for m in messages)
    assert "Doe-Jane" not in run.stderr and "Jane" not in run.stderr


def test_third_party_debug_lines_are_filtered():
    keep = ThirdPartyFilter()

    def record(name: str, level: int, msg: str) -> logging.LogRecord:
        return logging.LogRecord(name, level, __file__, 1, msg, None, None)

    assert not keep.filter(record("watchdog.observers", logging.DEBUG, "/in/Doe-Jane.pdf"))
    assert not keep.filter(record("PIL.TiffImagePlugin", logging.WARNING, "tag in Doe.tif"))
    assert not keep.filter(record("urllib3", logging.INFO, "GET /x"))
    assert keep.filter(record("dramatiq.worker", logging.INFO, "worker ready"))
    assert keep.filter(record("uvicorn.error", logging.INFO, "Uvicorn running on …"))
    assert not keep.filter(record("uvicorn.access", logging.INFO, "GET /search?q=Doe 200"))
    assert keep.filter(record("pipeline.jobs", logging.DEBUG, "doc=1234abcd"))
    line = JsonFormatter().format(record("pipeline.x", logging.INFO, "doc=1"))
    assert json.loads(line)["message"] == "doc=1"


def test_status_json_fails_when_the_broker_or_database_is_down(tmp_path):
    ok = _intake(tmp_path, "status", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["health"]["status"] == "ok"
    broker = _intake(tmp_path, "status", "--json", INTAKE_BROKER_URL=DEAD_REDIS)
    assert broker.returncode == 1
    assert json.loads(broker.stdout)["health"]["broker"]["ok"] is False
    database = _intake(
        tmp_path,
        "status",
        "--json",
        INTAKE_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none",
    )
    assert database.returncode == 1, database.stderr
    report = json.loads(database.stdout)
    assert report["health"]["database"]["ok"] is False
    assert "nobody" not in database.stdout  # no URL, no credentials
    assert "Traceback" not in database.stderr


def test_health_route_reports_reachability(settings):
    from fastapi.testclient import TestClient

    from models.storage import Store
    from review_ui.app import create_app

    Store(settings.effective_database_url)
    with TestClient(create_app(settings)) as client:
        good = client.get("/health")
        assert good.status_code == 200
        assert good.json()["database"]["ok"] and good.json()["broker"]["mode"] == "embedded"
    down = settings.model_copy(update={"broker_url": DEAD_REDIS})
    with TestClient(create_app(down)) as client:
        bad = client.get("/health")
        assert bad.status_code == 503 and bad.json()["status"] == "unavailable"


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_intake_serve_answers_health(tmp_path):
    port = _free_port()
    env = {**os.environ, "INTAKE_DATA_DIR": str(tmp_path / "data"), "INTAKE_DATABASE_URL": ""}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240  # start-up on a loaded 2-core machine, not a bound
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "serve did not answer"
                time.sleep(0.3)
        assert response.status_code == 200 and response.json()["status"] == "ok"
        assert (tmp_path / "data" / "intake.db").exists()  # migrated on start
        assert not_private(tmp_path / "data") == []  # PHI folder: private from the start
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_worker_processes_adopt_the_filter_and_json_format():
    """dramatiq configures logging in its worker processes before importing pipeline.worker."""
    from pipeline.logs import adopt_root_handlers

    root = logging.getLogger()
    handler = logging.StreamHandler()
    root.addHandler(handler)
    try:
        adopt_root_handlers("json")
        assert any(isinstance(f, ThirdPartyFilter) for f in handler.filters)
        assert isinstance(handler.formatter, JsonFormatter)
    finally:
        root.removeHandler(handler)
