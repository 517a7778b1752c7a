"""Uploaded files go the way of an inbox file: hashed, de-duplicated, read, stored.

Each upload is saved under ``DATA_DIR/uploads`` and handed to :func:`pipeline.runner.process`
on a single background worker (one document at a time keeps the web process responsive on a
small machine); the browser polls ``GET /api/uploads/{id}`` to show progress until the
referrals appear. Bad files end quarantined with a reason, exactly as from the inbox.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

from models.storage import Store
from pipeline.settings import Settings
from pipeline.stage import StageContext

log = logging.getLogger(__name__)
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Uploads:
    """The upload registry of one app: status per upload id (kept in memory)."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._state: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="upload")

    def submit(self, name: str, stream: BinaryIO, max_bytes: int) -> dict[str, Any]:
        """Save one uploaded file and queue it; returns its initial status."""
        upload_id = uuid.uuid4().hex
        folder = self.settings.data_dir / "uploads" / upload_id
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        safe = _SAFE.sub("_", Path(name or "upload").name)[-120:] or "upload"
        target = folder / safe
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
        status = {"id": upload_id, "status": "queued"}
        if target.stat().st_size > max_bytes:
            shutil.rmtree(folder, ignore_errors=True)
            status.update(status="failed", error="file too large")
        with self._lock:
            self._state[upload_id] = dict(status)
        if status["status"] == "queued":
            self._pool.submit(self._process, upload_id, target)
        return status

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
            shutil.rmtree(path.parent, ignore_errors=True)

    def get(self, upload_id: str) -> dict[str, Any] | None:
        """Current status of an upload, if known."""
        with self._lock:
            found = self._state.get(upload_id)
            return dict(found) if found else None

    def wait(self, timeout: float | None = None) -> None:
        """Block until queued uploads are done (tests, shutdown)."""
        self._pool.submit(lambda: None).result(timeout=timeout)
