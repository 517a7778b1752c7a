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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from models.document import FaxMeta
from models.fs import (
    PRIVATE_FILE,
    copy_private,
    open_regular,
    private_dir,
    private_temp,
    write_private,
)

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
    """Write ``data`` to ``target`` through a 0600 temporary file and ``os.replace``."""
    write_private(target, data)


class FileStore:
    """``root/<sha[:2]>/<sha256>`` copies plus ``<sha256>.json`` metadata."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        """Where the copy of these bytes lives (whether or not it exists yet)."""
        return self.root / sha256[:2] / sha256

    def put(self, source: Path) -> StoredFile:
        """Copy ``source`` into the store, hashing while copying; idempotent on content.

        The source is opened with :func:`models.fs.open_regular`: a link, pipe or device is
        refused before a byte is read, and the bytes copied are those of the inode checked.
        The copy is 0600 in 0700 folders.

        Raises:
            Rejected: ``NOT_A_FILE``; nothing is copied.
            OSError: the source vanished or cannot be read; nothing is left behind.
        """
        src_fd = open_regular(source)
        return self.put_fd(src_fd)

    def put_fd(self, src_fd: int) -> StoredFile:
        """:meth:`put` from an open descriptor (closed here)."""
        digest = hashlib.sha256()
        size = 0
        try:
            fd, tmp = private_temp(self.root)
        except BaseException:
            os.close(src_fd)
            raise
        try:
            with os.fdopen(src_fd, "rb") as src, os.fdopen(fd, "wb") as dst:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
                dst.flush()
                os.fsync(dst.fileno())
            sha = digest.hexdigest()
            target = self.path_for(sha)
            if target.exists() and target.stat().st_size == size:
                tmp.unlink()
            else:
                private_dir(target.parent)
                tmp.replace(target)
        except BaseException:
            tmp.unlink(missing_ok=True)
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

    The moved file is 0600 in a 0700 folder: it is tightened before the rename, and when
    that is not possible (another user's file, another device) its bytes are copied to a
    0600 temporary name beside ``target``, fsynced and renamed, and only then is ``source``
    removed: a crash leaves the file in both places, never in neither.
    """
    private_dir(target.parent)
    try:
        source.chmod(PRIVATE_FILE, follow_symlinks=False)
        source.replace(target)
        return
    except (OSError, NotImplementedError) as exc:
        if getattr(exc, "errno", errno.ENOTSUP) not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP):
            raise
    copy_private(source, target)
    source.unlink()
