"""``intake submit``: the hand-off a fax server's completion hook calls.

Fax servers write no metadata file of their own; they run a hook when a fax is complete
(HylaFAX ``faxrcvd``, Asterisk's ``h`` extension after ``ReceiveFAX``). This copies the fax into
the inbox so the watcher can never take half of it: bytes go to a dot-temp name (ignored by
the watcher), are fsynced, and appear under their final name in one step. The metadata
sidecar ``NAME.json`` appears first, so it is there when the document is taken. Both final
names are claimed with ``link()``, which fails rather than overwrite a file of the same name.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from datetime import datetime
from pathlib import Path

from models.document import FaxMeta
from pipeline.inbox import IGNORED_SUFFIXES

_TIFF_DATETIME = "%Y:%m:%d %H:%M:%S"  # what HylaFAX's faxinfo prints for "Received:"


def parse_received(value: str) -> datetime:
    """ISO 8601 or TIFF ``YYYY:MM:DD HH:MM:SS``; a naive time is taken as local time.

    Raises:
        ValueError: neither format.
    """
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        moment = datetime.strptime(value.strip(), _TIFF_DATETIME)
    return moment if moment.tzinfo is not None else moment.astimezone()


def inbox_name(name: str) -> str:
    """A name the watcher will take: no folders, no leading dot, no temporary suffix."""
    base = Path(name).name.lstrip(".") or "fax"
    if base.lower().endswith(IGNORED_SUFFIXES):
        base += ".fax"
    return base


def resolve_inbox(inbox: Path, default: Path) -> Path:
    """Check the folder to watch (or submit to): it must exist and be a folder.

    Only the configured default (``INTAKE_INBOX``) is created when missing: a mistyped path
    would otherwise be created silently, and faxes would land where nothing watches.

    Raises:
        ValueError: not a folder, or missing and not the default (the message says which).
    """
    if inbox.is_dir():
        return inbox
    if inbox.exists() or inbox.is_symlink():
        raise ValueError("the inbox is not a folder")
    if inbox.absolute() != default.absolute():
        raise ValueError(
            "the inbox folder does not exist (only the default INTAKE_INBOX is created)"
        )
    inbox.mkdir(parents=True, exist_ok=True)
    return inbox


def _claim(source: Path, target: Path) -> bool:
    """Give ``source`` the name ``target`` unless that name exists; True on success."""
    try:
        os.link(source, target)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links (some SMB mounts)
        if target.exists():
            return False
        source.replace(target)
        return True
    source.unlink()
    return True


def _temp_copy(inbox: Path, data: bytes | Path) -> Path:
    tmp = inbox / f".intake-{uuid.uuid4().hex}.part"
    try:
        with tmp.open("wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                with data.open("rb") as src:
                    shutil.copyfileobj(src, handle, 1 << 20)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def submit(source: Path, inbox: Path, fax: FaxMeta | None = None, *, name: str = "") -> Path:
    """Copy ``source`` into ``inbox`` atomically, with ``fax`` metadata as a sidecar.

    Args:
        source: The received fax (PDF/TIFF); left where it is.
        inbox: The watched folder.
        fax: Metadata from the fax server; None or empty writes no sidecar.
        name: Name in the inbox (default: the source's); ``-1``, ``-2``… is added if taken.

    Returns:
        The document's path in the inbox.

    Raises:
        OSError: the source cannot be read or the inbox written; nothing is left behind.
    """
    inbox.mkdir(parents=True, exist_ok=True)
    base = inbox_name(name or source.name)
    meta = fax.model_dump(mode="json", exclude_none=True) if fax is not None else {}
    doc_tmp = _temp_copy(inbox, source)
    meta_tmp: Path | None = None
    try:
        stem, suffix = Path(base).stem, Path(base).suffix
        for attempt in range(1000):
            target = inbox / (base if attempt == 0 else f"{stem}-{attempt}{suffix}")
            sidecar = target.with_name(target.name + ".json")
            if target.exists() or (meta and sidecar.exists()):
                continue
            if meta:
                if meta_tmp is None:
                    meta_tmp = _temp_copy(inbox, json.dumps(meta).encode("utf-8"))
                if not _claim(meta_tmp, sidecar):
                    continue
                meta_tmp = None
            if _claim(doc_tmp, target):
                return target
            if meta:
                sidecar.unlink(missing_ok=True)  # ours: the name was taken meanwhile
        raise FileExistsError("no free name in the inbox")
    finally:
        doc_tmp.unlink(missing_ok=True)
        if meta_tmp is not None:
            meta_tmp.unlink(missing_ok=True)
