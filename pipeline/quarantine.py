"""Quarantine, decided and written in one place for the CLI, the watcher and the workers.

What goes wrong becomes a :class:`Failure` (code and one-line reason with its remedy, never
the text of a bug: it may quote PHI). A failure is then

- *recorded* (:func:`record`): the document row says ``quarantined`` with the code and reason,
  an audit row is added, and a job in flight is closed;
- *filed* beside its original in ``DATA_DIR/quarantine/``: the CLI keeps a copy
  (:func:`keep_copy`), the watcher moves the inbox file there (:func:`move_in`), and an inbox
  entry that is not a regular file is moved there unread (:func:`refuse_entry`).

Every file written here is atomic (temporary name, fsync, rename) and 0600; the ``.error.txt``
goes first, so a file in quarantine always has its reason beside it.

Nothing here makes a failure final: the document row is superseded by a later success of the
same bytes (``Store.save_processed``), and :func:`copies_of` finds the kept originals of a
sha256, so a re-run (``intake reprocess``) can read them again.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractors.base import DOCUMENT_SUFFIXES
from models.errors import ErrorCode, IntakeError, Rejected
from models.fs import copy_private, private_dir, write_private
from pipeline.filestore import move_file

if TYPE_CHECKING:
    from models.document import Document
    from models.storage import SaveOutcome, Store
    from models.storage.jobs import JobStore

log = logging.getLogger(__name__)

NOTE_SUFFIX = ".error.txt"


@dataclass(frozen=True)
class Failure:
    """Why a document is quarantined: a stable ``code`` and ``message`` ("code: reason. remedy")."""

    code: str
    message: str

    @classmethod
    def of(cls, exception: BaseException) -> Failure:
        """The failure an exception stands for; a bug gives its type only (messages may be PHI)."""
        if isinstance(exception, IntakeError):
            return cls(exception.code.value, exception.describe())
        if type(exception).__name__ == "TimeLimitExceeded":  # dramatiq's, without importing it
            error = IntakeError("the page exceeded its time limit", code=ErrorCode.OCR_TIMEOUT)
            return cls(error.code.value, error.describe())
        error = Rejected(f"{type(exception).__name__} while processing")
        return cls(error.code.value, error.describe())

    @classmethod
    def from_info(cls, info: dict[str, Any], options: dict[str, Any] | None = None) -> Failure:
        """From a failed message's notes (see ``pipeline.broker.QuarantineNotes``)."""
        options = options or {}
        code = info.get("code") or options.get("intake_code") or ErrorCode.INTERNAL_ERROR.value
        message = (
            info.get("error") or options.get("intake_error") or "internal_error: retries exhausted"
        )
        return cls(str(code), str(message))


def file_name(sha256: str, suffix: str, key: str = "") -> str:
    """Name of a quarantined original: its sha256 prefix (+ delivery key) and a known suffix.

    The sender's name never appears (it may be PHI, or not even UTF-8); the suffix is kept
    only if it is one of ours.
    """
    suffix = suffix.lower() if suffix.lower() in DOCUMENT_SUFFIXES else ""
    return f"{sha256[:16]}{'-' + key[:8] if key else ''}{suffix}"


def note_of(target: Path) -> Path:
    """The ``.error.txt`` beside a quarantined file."""
    return target.with_name(target.name + NOTE_SUFFIX)


def write_note(target: Path, failure: Failure) -> Path:
    """Write the reason beside ``target`` (atomic, 0600)."""
    return write_private(note_of(target), (failure.message + "\n").encode("utf-8"))


def record(
    store: Store, document: Document, failure: Failure, *, jobs: JobStore | None = None
) -> SaveOutcome:
    """Record ``document`` as quarantined (once per sha256) and close its job, if any."""
    if jobs is not None:
        outcome = jobs.quarantine(document, failure.code, failure.message)
    else:
        outcome = store.save_quarantined(document, failure.code, failure.message)
    log.warning("doc=%s quarantined code=%s", str(document.id)[:8], failure.code)
    return outcome


def keep_copy(
    source: Path, quarantine_dir: Path, sha256: str, failure: Failure, *, suffix: str = ""
) -> Path:
    """Keep a copy of a rejected input (CLI: the original stays where it was).

    ``source`` should be our own stored copy; it is opened as a regular file all the same.
    A copy already there (the same bytes failed before) is kept, its note rewritten.
    """
    target = quarantine_dir / file_name(sha256, suffix or source.suffix)
    write_note(target, failure)
    if target.exists():
        return target
    return copy_private(source, target)


def move_in(
    path: Path,
    quarantine_dir: Path,
    name: str,
    failure: Failure,
    *,
    sidecar: Path | None = None,
) -> Path:
    """Move an inbox file (and its metadata sidecar) into quarantine under ``name``.

    Order: the note, the sidecar, the file, so a crash never leaves a reasonless original.
    """
    target = quarantine_dir / name
    write_note(target, failure)
    if sidecar is not None:
        move_file(sidecar, target.with_name(target.name + ".json"))
    move_file(path, target)
    return target


def refuse_entry(path: Path, quarantine_dir: Path, kind: str) -> Path:
    """Move an inbox entry that is not a regular file into quarantine, without reading it.

    ``rename`` moves a link or a pipe itself, never what it points to. Across file systems a
    rename is impossible and copying would mean reading it: the entry is removed instead, and
    its note says so. Returns the note.
    """
    stamp = os.urandom(4).hex()
    target = quarantine_dir / f"refused-{stamp}"
    error = Rejected(f"the inbox entry is {kind}", code=ErrorCode.NOT_A_FILE)
    failure = Failure.of(error)
    private_dir(quarantine_dir)
    try:
        path.rename(target)
        with contextlib.suppress(OSError, NotImplementedError):  # a link has no mode of its own
            target.chmod(0o600, follow_symlinks=False)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        path.unlink()
        failure = Failure(failure.code, failure.message + " It was removed from the inbox.")
    log.warning("inbox: refused an entry that is not a regular file; code=%s", failure.code)
    return write_note(target, failure)


def copies_of(quarantine_dir: Path, sha256: str) -> list[Path]:
    """Originals of ``sha256`` kept in quarantine (for a re-run), oldest first."""
    if not sha256 or not quarantine_dir.is_dir():
        return []
    found = [
        p
        for p in quarantine_dir.glob(f"{sha256[:16]}*")
        if not p.name.endswith((NOTE_SUFFIX, ".json")) and p.is_file() and not p.is_symlink()
    ]
    return sorted(found, key=lambda p: p.stat().st_mtime_ns)
