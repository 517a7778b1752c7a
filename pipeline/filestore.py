"""Content-addressed copies of every input, shared by all workers.

The watcher owns the inbox; workers on other machines never see it. So each stable inbox file
is copied here first, under its sha256, and messages carry the copy's path. Copies are written
to a temporary name in the same folder, fsynced, then renamed into place, so a reader never
sees half a file and a crash leaves at most a stray ``.tmp`` behind. The same bytes delivered
twice share one copy. Beside each copy, ``<sha256>.json`` keeps what the first delivery said
about it (inbox name, landing time, fax metadata) — never logged, it may be PHI.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from models.document import FaxMeta

_CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredFile:
    """A copy in the store: its hash, path and size."""

    sha256: str
    path: Path
    size: int


@dataclass(frozen=True)
class InputMeta:
    """What the first delivery of some bytes said about them."""

    source_name: str
    landed_at: datetime | None = None
    fax: FaxMeta | None = None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the ``.json`` file beside the copy."""
        return {
            "source_name": self.source_name,
            "landed_at": self.landed_at.isoformat() if self.landed_at else None,
            "fax": self.fax.model_dump(mode="json", exclude_none=True) if self.fax else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InputMeta:
        """Inverse of :meth:`to_json`."""
        landed = data.get("landed_at")
        return cls(
            source_name=str(data.get("source_name") or ""),
            landed_at=datetime.fromisoformat(landed) if landed else None,
            fax=FaxMeta.model_validate(data["fax"]) if data.get("fax") else None,
        )


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file and ``os.replace``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class FileStore:
    """``root/<sha[:2]>/<sha256>`` copies plus ``<sha256>.json`` metadata."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        """Where the copy of these bytes lives (whether or not it exists yet)."""
        return self.root / sha256[:2] / sha256

    def put(self, source: Path) -> StoredFile:
        """Copy ``source`` into the store, hashing while copying; idempotent on content.

        Raises:
            OSError: the source vanished or cannot be read; nothing is left behind.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".", suffix=".tmp")
        size = 0
        try:
            with source.open("rb") as src, os.fdopen(fd, "wb") as dst:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
                dst.flush()
                os.fsync(dst.fileno())
            sha = digest.hexdigest()
            target = self.path_for(sha)
            if target.exists() and target.stat().st_size == size:
                Path(tmp).unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return StoredFile(sha, target, size)

    def meta_path(self, stored: Path) -> Path:
        """The ``.json`` beside a stored copy."""
        return stored.with_name(stored.name + ".json")

    def write_meta(self, stored: Path, meta: InputMeta) -> None:
        """Keep the first delivery's metadata; later deliveries of the same bytes keep theirs
        in the ``deliveries`` table only."""
        target = self.meta_path(stored)
        if not target.exists():
            write_atomic(target, json.dumps(meta.to_json()).encode("utf-8"))

    def read_meta(self, stored: Path) -> InputMeta:
        """Metadata of a stored copy; a missing or damaged file gives a neutral default."""
        try:
            data = json.loads(self.meta_path(stored).read_text(encoding="utf-8"))
            return InputMeta.from_json(data)
        except (OSError, ValueError, TypeError):
            return InputMeta(source_name=stored.name)


def move_file(source: Path, target: Path) -> None:
    """Move ``source`` to ``target`` atomically, also across file systems (inbox on NFS).

    Across devices the bytes are copied to a temporary name beside ``target``, fsynced and
    renamed, and only then is ``source`` removed: a crash leaves the file in both places,
    never in neither.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        source.replace(target)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copy2(source, tmp)
        with Path(tmp).open("rb") as handle:
            os.fsync(handle.fileno())
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    source.unlink()
