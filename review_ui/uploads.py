"""Uploaded files go the way of an inbox file: hashed, de-duplicated, read, stored.

Each upload is saved under ``DATA_DIR/uploads/<id>`` with its sha256 beside it. Embedded
(no broker), it is handed to :func:`pipeline.runner.process` on a single background worker
(one document at a time keeps the web process responsive on a small machine). With a broker
the web process reads nothing: the file is handed to the watched inbox
(:func:`pipeline.handoff.submit`) and the dramatiq workers read it, as any fax. Either way
the browser polls ``GET /api/uploads/{id}``; the status comes from the database (the
document with that sha256), so any web worker can answer it, also after a restart. Bad files
end quarantined with a reason, exactly as from the inbox.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

from models.fs import write_private
from models.storage import Store
from pipeline.settings import Settings
from pipeline.stage import StageContext

log = logging.getLogger(__name__)
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_UPLOAD_ID = re.compile(r"[0-9a-f]{32}")
_SHA_FILE = "sha256"
_KEEP_S = 24 * 3600


class Uploads:
    """The upload registry of one app: status per upload id (kept in memory)."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._state: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="upload")
        self._prune()

    def _prune(self) -> None:
        """Forget uploads older than a day: the browser polls a status for minutes, not days."""
        folder = self.settings.data_dir / "uploads"
        cutoff = time.time() - _KEEP_S
        for entry in folder.iterdir() if folder.is_dir() else ():
            try:
                if entry.is_dir() and entry.stat().st_mtime < cutoff:
                    shutil.rmtree(entry, ignore_errors=True)
            except OSError:
                continue

    def submit(self, name: str, stream: BinaryIO, max_bytes: int) -> dict[str, Any]:
        """Save one uploaded file and queue it; returns its initial status."""
        upload_id = uuid.uuid4().hex
        folder = self.settings.data_dir / "uploads" / upload_id
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        safe = _SAFE.sub("_", Path(name or "upload").name)[-120:] or "upload"
        target = folder / safe
        digest = hashlib.sha256()
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        status = {"id": upload_id, "status": "queued"}
        if target.stat().st_size > max_bytes:
            shutil.rmtree(folder, ignore_errors=True)
            status.update(status="failed", error="file too large")
            with self._lock:
                self._state[upload_id] = dict(status)
            return status
        write_private(folder / _SHA_FILE, digest.hexdigest().encode("ascii"))
        with self._lock:
            self._state[upload_id] = dict(status)
        if self.settings.broker_url:
            self._hand_off(upload_id, target)
        else:
            self._pool.submit(self._process, upload_id, target)
        return status

    def _hand_off(self, upload_id: str, path: Path) -> None:
        """Broker mode: the inbox watcher takes the file and the workers read it."""
        from pipeline.handoff import submit

        try:
            submit(path, self.settings.inbox_dir, name=path.name)
        except OSError as exc:
            log.error("upload=%s hand-off failed: %s", upload_id[:8], type(exc).__name__)
            self._set(upload_id, status="failed", error="inbox_unavailable")
            return
        path.unlink(missing_ok=True)  # the inbox holds it now; the sha256 file stays

    def _set(self, upload_id: str, **values: Any) -> None:
        with self._lock:
            self._state[upload_id].update(values)

    def _process(self, upload_id: str, path: Path) -> None:
        from pipeline.runner import process

        self._set(upload_id, status="processing")
        try:
            result = process(path, StageContext(settings=self.settings), self.store)
            self._set(
                upload_id,
                status=result.status.value,
                document_id=result.document_id,
                referral_ids=[str(r.id) for r in result.referrals],
                error=result.error_code,
                duplicate=result.duplicate,
            )
        except Exception as exc:  # never lose the upload silently; no message (PHI)
            log.error("upload=%s failed: %s", upload_id[:8], type(exc).__name__)
            self._set(upload_id, status="failed", error="internal_error")
        finally:
            path.unlink(missing_ok=True)

    def get(self, upload_id: str) -> dict[str, Any] | None:
        """Current status of an upload: this process's own record, else the database's."""
        with self._lock:
            found = self._state.get(upload_id)
        if found and found["status"] != "queued":
            return dict(found)
        stored = self._from_database(upload_id)
        return stored or (dict(found) if found else None)

    def _from_database(self, upload_id: str) -> dict[str, Any] | None:
        """Status of the document with the upload's sha256 (another worker may have read it)."""
        if not _UPLOAD_ID.fullmatch(upload_id):
            return None
        sha_file = self.settings.data_dir / "uploads" / upload_id / _SHA_FILE
        try:
            sha256 = sha_file.read_text("ascii").strip()
        except OSError:
            return None
        row = self.store.document_by_sha(sha256)
        if row is None:
            return {"id": upload_id, "status": "queued"}
        ids = [str(r.id) for r in self.store.referrals_of(row.id)]
        return {
            "id": upload_id,
            "status": row.status,
            "document_id": row.id,
            "referral_ids": ids,
            "error": row.error_code,
        }

    def wait(self, timeout: float | None = None) -> None:
        """Block until queued uploads are done (tests, shutdown)."""
        self._pool.submit(lambda: None).result(timeout=timeout)
