"""Embedded mode end to end: ``intake watch`` alone (StubBroker + worker threads) on a real
inbox, real stages, real Tesseract, SQLite."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models.storage.tables import AuditRow, DeliveryRow, DocumentRow
from pipeline.handoff import submit
from tests.inbox.conftest import fast_settings, wait_for, watching


def _store(settings):
    """The watcher's store, opened like the watcher does (it may be creating tables now)."""
    from pipeline.jobs import open_runtime

    return open_runtime(settings).jobs.store


def _inbox_files(inbox: Path) -> list[str]:
    return sorted(p.name for p in inbox.iterdir())


def _documents(settings) -> list[DocumentRow]:
    store = _store(settings)
    with store.session() as s:
        return list(s.scalars(select(DocumentRow)).all())


def _write_slowly(source: Path, target: Path, chunks: int = 6, pause: float = 0.15) -> None:
    data = source.read_bytes()
    step = len(data) // chunks + 1
    with target.open("wb") as handle:
        for i in range(0, len(data), step):
            handle.write(data[i : i + step])
            handle.flush()
            time.sleep(pause)


@pytest.mark.slow
def test_embedded_watch_processes_every_kind_of_arrival_once(tmp_path, small_faxes):
    """GIVEN a running ``intake watch`` WHEN faxes are dropped, written slowly in chunks,
    renamed into place, handed off with metadata, re-delivered, and a corrupt file lands
    THEN each distinct fax gives one committed document, the duplicate is recorded but not
    processed, the corrupt file is quarantined with a reason, and the inbox ends empty."""
    if len(small_faxes) < 3:
        pytest.skip("needs three one-page fax samples")
    # the quiet period must outlast the slow writer's pauses even on a loaded machine
    settings = fast_settings(tmp_path, stable_s=1.0)
    inbox = settings.inbox_dir
    inbox.mkdir(parents=True)
    first, slow, renamed = small_faxes[:3]
    shutil.copy(first, inbox / "present-at-start.tif")
    with watching(settings, threads=2):
        _write_slowly(slow, inbox / "slow.tif")
        tmp = inbox / ".renamed.tif.part"
        shutil.copy(renamed, tmp)
        tmp.rename(inbox / "renamed.tif")
        (inbox / "corrupt.tif").write_bytes(b"II*\x00" + b"\x00" * 40)
        wait_for(lambda: len(_documents(settings)) >= 4, 120, interval=0.5)
        # re-delivery of bytes already processed, through the hand-off with metadata
        submit(first, inbox, None, name="again.tif")
        wait_for(lambda: _inbox_files(inbox) == [], 60, interval=0.3)

    docs = {d.sha256: d for d in _documents(settings)}
    assert sorted(d.status for d in docs.values()) == [
        "processed",
        "processed",
        "processed",
        "quarantined",
    ]
    store = _store(settings)
    with store.session() as s:
        processed = s.execute(
            select(AuditRow.entity_id, func.count())
            .where(AuditRow.action == "document.processed")
            .group_by(AuditRow.entity_id)
        ).all()
        deliveries = s.execute(select(DeliveryRow.sha256, DeliveryRow.duplicate)).all()
    assert all(count == 1 for _, count in processed) and len(processed) == 3
    # referrals are committed with their document (how many is the extractors' business)
    assert any(store.referrals_of(d.id) for d in docs.values() if d.status == "processed")
    dup = [sha for sha, duplicate in deliveries if duplicate]
    assert len(deliveries) == 5 and len(dup) == 1
    assert docs[dup[0]].status == "processed"

    archive = sorted(p.name for p in settings.archive_dir.iterdir())
    assert len(archive) == 4  # every delivery kept, the duplicate too
    quarantined = sorted(p.name for p in settings.quarantine_dir.iterdir())
    assert len(quarantined) == 2 and quarantined[1].endswith(".error.txt")
    reason = (settings.quarantine_dir / quarantined[1]).read_text()
    assert reason.split(":")[0] in {"corrupt_file", "unsupported_type", "image_too_small"}
    leftovers = [p for p in settings.data_dir.rglob("*") if p.name.endswith((".tmp", ".part"))]
    assert leftovers == []


@pytest.mark.slow
def test_handoff_metadata_reaches_the_document(tmp_path, small_faxes):
    """The hand-off's fax metadata (sender, CSID, received, job id) is stored on the
    Document that reviewers see."""
    from models.document import FaxMeta
    from pipeline.handoff import parse_received

    settings = fast_settings(tmp_path)
    fax = FaxMeta(
        sender_fax="+15550100123",
        csid="CLINIC FAX",
        received=parse_received("2026:11:20 09:30:00"),
        job_id="q000123",
        pages_expected=1,
    )
    with watching(settings, threads=1):
        submit(small_faxes[-1], settings.inbox_dir, fax)
        wait_for(lambda: _documents(settings), 90, interval=0.5)
        wait_for(lambda: _inbox_files(settings.inbox_dir) == [], 30, interval=0.2)
    (doc,) = _documents(settings)
    assert doc.status == "processed"
    assert doc.fax["sender_fax"] == "+15550100123"
    assert doc.fax["csid"] == "CLINIC FAX"
    assert doc.fax["job_id"] == "q000123"
    assert doc.fax["received"].startswith("2026-11-20T09:30:00")
    assert doc.source_name == small_faxes[-1].name
    archived = sorted(p.suffix for p in settings.archive_dir.iterdir())
    assert archived == [".json", ".tif"]  # the sidecar travels with its document


def test_watch_shows_a_progress_bar_on_a_terminal(tmp_path):
    """``intake watch`` on a terminal draws a progress bar of files settled / seen (stderr)."""
    import os
    import pty
    import subprocess
    import sys

    from tests.conftest import ROOT

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "garbage.pdf").write_bytes(b"not a pdf at all")
    env = {
        **os.environ,
        "INTAKE_DATA_DIR": str(tmp_path / "data"),
        "INTAKE_DATABASE_URL": "",
        "INTAKE_BROKER_URL": "",
        "INTAKE_STABLE_S": "0.2",
        "INTAKE_INBOX_POLL_S": "0.1",
        "COLUMNS": "100",
    }
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "watch", str(inbox), "--until-idle"],
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    assert proc.wait(timeout=60) == 0
    text = output.decode(errors="replace")
    assert "referrals" in text and "1/1" in text
    assert list(inbox.iterdir()) == []
    assert len(list((tmp_path / "data" / "quarantine").glob("*.error.txt"))) == 1
