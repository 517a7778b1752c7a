"""``intake reprocess``: run a stored document again from its original, keeping its history.

After a fix or a setting change an admin re-runs one document (id or sha256) or every
quarantined one. The original comes from the file store (where every input is copied); for
documents stored before that, from their archive or quarantine copy. The whole pipeline runs
again into a private page folder that replaces the old one only on success; the storage side
(:mod:`models.storage.history`) records the previous outcome before replacing it.

Reviewed referrals are never overwritten silently: a document with any is refused unless
``keep_reviewed`` is given, in which case they stay as they are.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.clock import as_utc
from models.document import FaxMeta
from models.errors import IntakeError, redacted_traceback
from models.storage import Store, history
from models.storage.tables import DocumentRow
from models.vocab import DocumentStatus
from pipeline import quarantine
from pipeline.filestore import FileStore, move_file
from pipeline.purge import actor
from pipeline.results import InputStatus, ProcessResult
from pipeline.runner import analyse, read_all_pages
from pipeline.settings import Settings
from pipeline.stage import StageContext, no_progress
from pipeline.stages.ingest import bare_document, ingest

log = logging.getLogger(__name__)


class Refused(Exception):
    """The document has reviewed referrals and ``keep_reviewed`` was not given."""


def archived_copies(archive_dir: Path, sha256: str) -> list[Path]:
    """Originals of ``sha256`` in the archive (``<sha16>-<key>.ext``), not their sidecars."""
    if not archive_dir.is_dir():
        return []
    return sorted(
        p
        for p in archive_dir.glob(f"{sha256[:16]}*")
        if p.is_file() and not p.is_symlink() and not p.name.endswith(".json")
    )


def original_of(settings: Settings, sha256: str) -> Path | None:
    """The stored original: file store first, then a quarantine or archive copy."""
    stored = FileStore(settings.file_store_dir).path_for(sha256)
    if stored.is_file():
        return stored
    found = quarantine.copies_of(settings.quarantine_dir, sha256) or archived_copies(
        settings.archive_dir, sha256
    )
    return found[0] if found else None


def release_quarantine(settings: Settings, sha256: str) -> None:
    """A quarantined original now processed: its copy moves to the archive, its note goes."""
    for copy in quarantine.copies_of(settings.quarantine_dir, sha256):
        quarantine.note_of(copy).unlink(missing_ok=True)
        sidecar = copy.with_name(copy.name + ".json")
        if sidecar.exists():
            move_file(sidecar, settings.archive_dir / sidecar.name)
        move_file(copy, settings.archive_dir / copy.name)


@dataclass
class _Run:
    settings: Settings
    store: Store
    actor: str
    keep_reviewed: bool


def _result(row: DocumentRow, status: InputStatus, **extra: Any) -> ProcessResult:
    values: dict[str, Any] = {"pages": row.page_count, **extra}
    return ProcessResult(
        source=row.id, sha256=row.sha256, status=status, document_id=row.id, **values
    )


def reprocess_one(row: DocumentRow, run: _Run) -> ProcessResult:
    """Run ``row``'s original again and store the outcome (see the module docstring).

    Raises:
        Refused: reviewed referrals and no ``keep_reviewed``.
    """
    settings, store = run.settings, run.store
    reviewed = [r for r in store.referrals_of(row.id) if history.is_reviewed(r)]
    if reviewed and not run.keep_reviewed:
        raise Refused(
            f"{len(reviewed)} referral(s) already reviewed; use --keep-reviewed to keep them"
        )
    original = original_of(settings, row.sha256)
    if original is None:
        error = "original_missing: the original file is no longer stored; deliver it again."
        history.record_failure(store, row.id, "original_missing", error, actor=run.actor)
        return _result(row, InputStatus.QUARANTINED, error=error, error_code="original_missing")
    final = settings.pages_dir / row.id
    scratch = settings.pages_dir / f".{row.id}.reprocess"
    shutil.rmtree(scratch, ignore_errors=True)
    ctx = StageContext(settings=settings, workdir=scratch, report=no_progress)
    fax = FaxMeta.model_validate(row.fax) if row.fax else None
    try:
        fresh = ingest(bare_document(original, sha256=row.sha256, fax=fax), ctx).model_copy(
            update={
                "id": row.id,
                "source_name": row.source_name,
                "received_at": as_utc(row.received_at),
            }
        )
        document, referrals = analyse(read_all_pages(fresh, ctx), ctx)
    except Exception as exc:  # IntakeError: the file's fault; anything else: a bug
        shutil.rmtree(scratch, ignore_errors=True)
        if not isinstance(exc, IntakeError):
            log.error("doc=%s internal error: %s", row.id[:8], redacted_traceback(exc))
        failure = quarantine.Failure.of(exc)
        status = history.record_failure(
            store, row.id, failure.code, failure.message, actor=run.actor
        )
        log.warning("doc=%s reprocess failed code=%s", row.id[:8], failure.code)
        error = failure.message
        if status == DocumentStatus.PROCESSED.value:
            error += " (this run failed; the stored result is kept)"
        return _result(row, InputStatus.QUARANTINED, error=error, error_code=failure.code)
    document = document.with_pages(
        [
            p.model_copy(update={"image_path": _moved(p.image_path, scratch, final)})
            for p in document.pages
        ]
    )
    shutil.rmtree(final, ignore_errors=True)
    if scratch.exists():
        scratch.replace(final)
    now = history.replace_outcome(store, document, referrals, actor=run.actor, keep=reviewed)
    if row.status == DocumentStatus.QUARANTINED.value:
        release_quarantine(settings, row.sha256)
    log.info("doc=%s reprocessed; %d referral(s)", row.id[:8], len(now))
    return _result(
        row,
        InputStatus.PROCESSED,
        pages=document.page_count,
        document_type=document.document_type.value if document.document_type else None,
        referrals=now,
    )


def _moved(image_path: str | None, scratch: Path, final: Path) -> str | None:
    """A page image's path once the scratch folder has become the document's folder."""
    if image_path is None:
        return None
    path = Path(image_path)
    return str(final / path.name) if path.parent == scratch else image_path


def reprocess(
    rows: list[DocumentRow], settings: Settings, store: Store, *, keep_reviewed: bool = False
) -> list[ProcessResult | Refused]:
    """Reprocess each of ``rows``; a refusal is returned in its place, not raised."""
    run = _Run(settings, store, actor(), keep_reviewed)
    out: list[ProcessResult | Refused] = []
    for row in rows:
        try:
            out.append(reprocess_one(row, run))
        except Refused as exc:
            log.warning("doc=%s reprocess refused: reviewed referrals", row.id[:8])
            out.append(exc)
    return out
