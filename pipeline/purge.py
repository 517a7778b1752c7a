"""``intake purge``: remove documents everywhere, leaving only a tombstone.

Files: the file-store copy and its metadata, archive and quarantine copies with their notes
and sidecars, the page images (and any unfinished re-run's scratch folder). Rows: see
:mod:`models.storage.purge`. Files go first, rows last: a purge killed half-way is simply run
again (the document is still listed until its rows are gone).

Targets: ids or sha256s, documents received more than ``--older-than DAYS`` ago, or, with
neither, ``INTAKE_RETENTION_DAYS``. ``--dry-run`` lists what would go and touches nothing.
The same bytes delivered again after a purge are processed afresh, as a new document; the
tombstone stays.
"""

from __future__ import annotations

import getpass
import logging
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from models.storage import Store
from models.storage import purge as rows
from pipeline.filestore import FileStore
from pipeline.settings import Settings

log = logging.getLogger(__name__)


def actor() -> str:
    """Who runs the command, for tombstones, history and audit (an OS account, not PHI)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def files_of(settings: Settings, target: rows.Target) -> list[Path]:
    """Every file and folder under the data folders that belongs to ``target``."""
    stored = FileStore(settings.file_store_dir).path_for(target.sha256)
    found = [stored, stored.with_name(stored.name + ".json")]
    for folder in (settings.archive_dir, settings.quarantine_dir):
        if folder.is_dir():
            found.extend(folder.glob(f"{target.sha256[:16]}*"))
    pages = settings.pages_dir
    found.extend([pages / target.document_id, pages / f".{target.document_id}.reprocess"])
    return [p for p in found if p.exists() or p.is_symlink()]


def remove_files(paths: list[Path]) -> int:
    """Delete files and folders; returns how many entries were removed."""
    removed = 0
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            removed += sum(1 for _ in path.rglob("*"))
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        removed += 1
    return removed


def select_targets(
    store: Store, settings: Settings, keys: list[str], older_than_days: int | None
) -> tuple[list[rows.Target], list[str], str]:
    """What to purge, the keys not found, and the reason recorded on the tombstones."""
    if keys:
        found, missing = rows.targets_by_key(store, keys)
        return found, missing, "request"
    days = older_than_days or settings.retention_days
    if not days:
        raise ValueError("give ids or sha256s, --older-than DAYS, or set INTAKE_RETENTION_DAYS")
    cutoff = datetime.now(UTC) - timedelta(days=days)
    reason = "age" if older_than_days else "retention"
    return rows.targets_older_than(store, cutoff), [], reason


def purge(
    store: Store, settings: Settings, targets: list[rows.Target], *, actor: str, reason: str
) -> int:
    """Purge ``targets`` (files, then rows); returns how many files/folders went."""
    removed = 0
    for target in targets:
        removed += remove_files(files_of(settings, target))
        rows.purge_rows(store, target, actor=actor, reason=reason)
        log.info("doc=%s purged (%s)", target.document_id[:8], reason)
    if targets:
        rows.compact(store)
    return removed
