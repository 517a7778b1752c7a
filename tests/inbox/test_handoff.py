"""``intake submit``: the fax server's hook copies a fax in atomically, metadata first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from models.document import FaxMeta
from pipeline.handoff import inbox_name, parse_received, submit
from pipeline.inbox import is_candidate
from pipeline.jobs import read_sidecar
from tests.conftest import ROOT


@pytest.fixture
def fax_file(tmp_path: Path) -> Path:
    path = tmp_path / "spool" / "fax000123.tif"
    path.parent.mkdir()
    path.write_bytes(b"II*\x00" + os.urandom(2000))
    return path


def test_submit_copies_bytes_and_writes_sidecar(tmp_path, fax_file):
    inbox = tmp_path / "inbox"
    meta = FaxMeta(sender_fax="+15550100999", csid="ACME", job_id="42", pages_expected=3)
    target = submit(fax_file, inbox, meta)
    assert target == inbox / "fax000123.tif"
    assert target.read_bytes() == fax_file.read_bytes()
    assert fax_file.exists()  # the fax server keeps its own copy
    sidecar = json.loads((inbox / "fax000123.tif.json").read_text())
    assert sidecar == {
        "sender_fax": "+15550100999",
        "csid": "ACME",
        "job_id": "42",
        "pages_expected": 3,
    }
    assert read_sidecar(target) == meta
    assert sorted(p.name for p in inbox.iterdir()) == ["fax000123.tif", "fax000123.tif.json"]


def test_sidecar_is_in_place_before_the_document(tmp_path, fax_file, monkeypatch):
    """GIVEN a watcher that might look at any moment THEN whenever the document's final
    name exists, its sidecar exists too (the order of the two renames)."""
    from pipeline import handoff

    inbox = tmp_path / "inbox"
    seen: list[tuple[str, bool]] = []
    real_claim = handoff._claim

    def spy(source: Path, target: Path) -> bool:
        ok = real_claim(source, target)
        seen.append((target.name, (inbox / "fax000123.tif.json").exists()))
        return ok

    monkeypatch.setattr(handoff, "_claim", spy)
    submit(fax_file, inbox, FaxMeta(csid="X"))
    assert seen == [("fax000123.tif.json", True), ("fax000123.tif", True)]


def test_taken_name_gets_a_suffix_and_nothing_is_overwritten(tmp_path, fax_file):
    inbox = tmp_path / "inbox"
    first = submit(fax_file, inbox, FaxMeta(job_id="1"))
    second = submit(fax_file, inbox, FaxMeta(job_id="2"))
    assert (first.name, second.name) == ("fax000123.tif", "fax000123-1.tif")
    assert read_sidecar(first).job_id == "1"
    assert read_sidecar(second).job_id == "2"
    assert not [p for p in inbox.iterdir() if p.name.startswith(".")]


def test_no_metadata_no_sidecar(tmp_path, fax_file):
    inbox = tmp_path / "inbox"
    submit(fax_file, inbox, None)
    assert [p.name for p in inbox.iterdir()] == ["fax000123.tif"]


def test_missing_source_leaves_nothing_behind(tmp_path):
    inbox = tmp_path / "inbox"
    with pytest.raises(OSError):
        submit(tmp_path / "absent.tif", inbox, FaxMeta(csid="X"))
    assert list(inbox.iterdir()) == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param("fax1.tif", "fax1.tif", id="plain"),
        pytest.param("../../etc/fax1.tif", "fax1.tif", id="no-folders"),
        pytest.param(".hidden.pdf", "hidden.pdf", id="dot"),
        pytest.param("upload.part", "upload.part.fax", id="temp-suffix"),
        pytest.param("meta.json", "meta.json.fax", id="json"),
    ],
)
def test_inbox_names_are_always_taken_by_the_watcher(given, expected):
    assert inbox_name(given) == expected
    assert is_candidate(inbox_name(given))


def test_received_formats():
    iso = parse_received("2026-11-20T09:30:00Z")
    assert iso == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    tiff = parse_received("2026:11:20 09:30:00")  # HylaFAX faxinfo
    assert tiff.tzinfo is not None and (tiff.year, tiff.hour) == (2026, 9)
    with pytest.raises(ValueError):
        parse_received("yesterday")


def test_cli_submit(tmp_path, fax_file):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "submit",
            str(fax_file),
            "--inbox",
            str(inbox),
            "--sender-fax",
            "5550100",
            "--csid",
            "REMOTE",
            "--received",
            "2026-11-20T09:30:00+00:00",
            "--job-id",
            "77",
            "--pages",
            "2",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert Path(out.stdout.strip()) == inbox / "fax000123.tif"
    meta = read_sidecar(inbox / "fax000123.tif")
    assert meta == FaxMeta(
        sender_fax="5550100",
        csid="REMOTE",
        received=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        job_id="77",
        pages_expected=2,
    )
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "submit",
            str(fax_file),
            "--inbox",
            str(inbox),
            "--received",
            "not a date",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert bad.returncode == 1 and "ValueError" in bad.stderr


def test_cli_status_and_worker_without_broker(tmp_path):
    """``intake status --json`` reports on an empty installation; ``intake worker`` without
    a broker says how to run embedded instead of starting nothing."""
    env = {
        **os.environ,
        "INTAKE_DATA_DIR": str(tmp_path / "data"),
        "INTAKE_DATABASE_URL": "",
        "INTAKE_BROKER_URL": "",
    }
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "waiting.tif").write_bytes(b"x")
    (tmp_path / "inbox" / ".partial.tmp").write_bytes(b"x")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "status",
            "--json",
            "--inbox",
            str(tmp_path / "inbox"),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    report = json.loads(out.stdout)
    assert report["mode"] == "embedded"
    assert report["inbox"]["files"] == 1
    assert report["in_flight"] == {"files": 0, "documents": 0, "pages_done": 0, "pages_total": 0}
    assert report["failures"]["total"] == 0
    table = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "status", "--inbox", str(tmp_path / "inbox")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    assert "inbox backlog" in table.stdout and "1 file(s)" in table.stdout
    worker = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "worker"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert worker.returncode == 2 and "INTAKE_BROKER_URL" in worker.stderr
