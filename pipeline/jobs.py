"""The inbox side of a job: hand a complete file to the workers, and settle it when done.

Durability lives here and in the database, not in the broker:

1. a ready file is copied into the file store (atomic, by sha256) with its metadata, its
   arrival and delivery are recorded, and only then is ``intake.ingest`` enqueued;
2. the file stays in the inbox while workers read it;
3. once its document is committed (processed or quarantined) the file — sidecar first — is
   moved to ``archive/`` or to ``quarantine/`` beside a ``.error.txt``.

Killed at any point, a restarted watcher finds the file again and hands it on again: a known
arrival is not recorded twice, a finished sha256 is only settled, an unfinished one resumes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from models.document import FaxMeta
from models.fs import safe_name
from models.storage import Store
from models.storage.jobs import JobStore
from pipeline import quarantine
from pipeline.datadir import prepare
from pipeline.filestore import FileStore, InputMeta, move_file
from pipeline.inbox import Signature, signature
from pipeline.settings import Settings
from pipeline.stage import StageContext

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What workers and the watcher share in one process: settings, database, file store."""

    settings: Settings
    jobs: JobStore
    files: FileStore

    def context(self, document_id: str | None = None) -> StageContext:
        """A stage context; with a document id, page images go to ``pages/<id>/``."""
        workdir = self.settings.pages_dir / document_id if document_id else None
        return StageContext(settings=self.settings, workdir=workdir)


def open_runtime(settings: Settings, attempts: int = 5) -> Runtime:
    """Connect to the database (creating tables) and the file store.

    Several processes starting at once on an empty PostgreSQL database may race to create the
    same tables; the loser retries.
    """
    prepare(settings)  # private data folder, own OCR temp folder
    for attempt in range(attempts):
        try:
            store = Store(settings.effective_database_url)
            return Runtime(settings, JobStore(store), FileStore(settings.file_store_dir))
        except SQLAlchemyError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


def sidecar_of(path: Path) -> Path | None:
    """``NAME.pdf.json`` or ``NAME.json`` beside an inbox file, if present."""
    for candidate in (path.with_name(path.name + ".json"), path.with_suffix(".json")):
        if candidate != path and candidate.is_file():
            return candidate
    return None


def read_sidecar(path: Path) -> FaxMeta | None:
    """Fax metadata from a sidecar; a damaged one is ignored (the document still counts)."""
    sidecar = sidecar_of(path)
    if sidecar is None:
        return None
    try:
        return FaxMeta.model_validate(json.loads(sidecar.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError):
        log.warning("inbox: ignoring an unreadable metadata sidecar")
        return None


@dataclass
class _InFlight:
    sha256: str
    key: str
    stored: Path
    sent_at: float
    signature: Signature


class Intake:
    """Glue between :class:`pipeline.inbox.InboxWatcher` and the ``intake.ingest`` actor.

    Args:
        runtime: Database, file store and settings.
        enqueue: Sends ``intake.ingest`` for a stored path (injected: no dramatiq here).
    """

    def __init__(self, runtime: Runtime, enqueue: Callable[[str], None]) -> None:
        self.rt = runtime
        self.enqueue = enqueue
        self.release: Callable[[Path], None] = lambda _path: None
        self.inflight: dict[Path, _InFlight] = {}
        self.seen = 0
        self.settled = 0
        self._lock = threading.Lock()

    def handle(self, path: Path, first_seen: float) -> None:
        """A complete file: store it, record its arrival, enqueue it unless already done."""
        sig = signature(path)
        if sig is None:
            return
        stored = self.rt.files.put(path)
        landed = datetime.fromtimestamp(first_seen, UTC)
        name = safe_name(path.name)
        self.rt.files.write_meta(stored.path, InputMeta(name, landed, read_sidecar(path)))
        raw_key = f"{name}|{sig[0]}|{sig[1]}|{sig[2]}|{stored.sha256}"
        key = hashlib.sha256(raw_key.encode()).hexdigest()
        arrival = self.rt.jobs.arrive(stored.sha256, name, key, landed)
        with self._lock:
            busy = any(f.sha256 == stored.sha256 for f in self.inflight.values())
            flight = _InFlight(stored.sha256, key, stored.path, time.monotonic(), sig)
            self.inflight[path] = flight
            self.seen += 1
        log.info(
            "inbox: sha=%s handed on; new arrival=%s, known bytes=%s",
            stored.sha256[:12],
            arrival.new,
            arrival.duplicate,
        )
        if not busy and not self.rt.jobs.outcomes([stored.sha256]):
            self.enqueue(str(stored.path))

    def settle(self) -> int:
        """Move every in-flight file whose document is committed; re-send stalled ones."""
        with self._lock:
            inflight = dict(self.inflight)
        if not inflight:
            return 0
        outcomes = self.rt.jobs.outcomes(f.sha256 for f in inflight.values())
        moved = 0
        resent: set[str] = set()
        for path, flight in inflight.items():
            result = outcomes.get(flight.sha256)
            if result is None:
                self._maybe_resend(flight, resent)
                continue
            status, error = result
            outcome = "archived" if status == "processed" else "quarantined"
            self._move_out(path, flight, outcome, error)
            self.rt.jobs.finish_arrival(flight.key, outcome)
            with self._lock:
                self.inflight.pop(path, None)
                self.settled += 1
            self.release(path)
            moved += 1
            log.info("inbox: sha=%s %s", flight.sha256[:12], outcome)
        return moved

    def idle(self) -> bool:
        """Nothing handed on is waiting for its result."""
        with self._lock:
            return not self.inflight

    def _move_out(self, path: Path, flight: _InFlight, outcome: str, error: str | None) -> None:
        settings = self.rt.settings
        if signature(path) != flight.signature:  # gone, or replaced by another fax meanwhile
            return  # a replacement is released and taken as a new file
        name = quarantine.file_name(flight.sha256, path.suffix, flight.key)
        sidecar = sidecar_of(path)
        if outcome == "quarantined":
            failure = quarantine.Failure("", error or "internal_error: no reason recorded")
            quarantine.move_in(path, settings.quarantine_dir, name, failure, sidecar=sidecar)
            return
        target = settings.archive_dir / name
        if sidecar is not None:
            move_file(sidecar, target.with_name(target.name + ".json"))
        move_file(path, target)

    def refuse(self, path: Path, kind: str) -> None:
        """An inbox entry that is not a regular file: moved to quarantine unread."""
        quarantine.refuse_entry(path, self.rt.settings.quarantine_dir, kind)

    def _maybe_resend(self, flight: _InFlight, resent: set[str]) -> None:
        """Send a stalled job again (a lost message: crashed embedded worker, dead Redis worker
        not yet requeued); ``intake.ingest`` of a known job only sends what is missing."""
        stall_s = self.rt.settings.stall_s
        if time.monotonic() - flight.sent_at < stall_s:
            return
        if flight.sha256 in resent:  # the same bytes under another name: sent once per round
            flight.sent_at = time.monotonic()
            return
        resent.add(flight.sha256)
        progress = self.rt.jobs.last_progress(flight.sha256)
        if progress is not None and (datetime.now(UTC) - progress).total_seconds() < stall_s:
            flight.sent_at = time.monotonic()
            return
        log.warning("inbox: sha=%s made no progress; sent again", flight.sha256[:12])
        flight.sent_at = time.monotonic()
        self.enqueue(str(flight.stored))
