"""The data folder: private from the first byte, and no temp files left from killed runs.

Every command that writes under ``DATA_DIR`` (``process``, ``watch``, ``worker``) calls
:func:`prepare` first (and sets a 077 umask as a second line of defence: every writer also
sets its mode explicitly). It creates or tightens the data folder to 0700 and the folders and
files we keep in it to 0700/0600 (data written by an older version), and gives this process
its own OCR temp folder, ``DATA_DIR/tmp/<host>-<pid>``. Tesseract's input images are PHI;
``$TMPDIR`` is shared, and a killed run left them there. Temp folders of processes on this
host that are no longer alive are removed here, so a ``kill -9`` leaks nothing past the next
start. Folders of other hosts (a data folder on NFS) are left to their own hosts.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import socket
from pathlib import Path

from extractors import pdf_sandbox
from models.fs import private_dir, tighten
from pipeline.settings import Settings

log = logging.getLogger(__name__)

#: What we write directly under the data folder; only these are tightened, never whatever
#: else an admin keeps there.
OWNED = (
    "intake.db",
    "intake.db-wal",
    "intake.db-shm",
    "files",
    "pages",
    "archive",
    "quarantine",
    "tmp",
    "inbox",
)


def _host() -> str:
    return socket.gethostname().replace("-", "_") or "host"


def process_tmp_dir(settings: Settings) -> Path:
    """This process's private OCR temp folder (not created here)."""
    return settings.data_dir / "tmp" / f"{_host()}-{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_tmp(settings: Settings) -> int:
    """Remove temp folders of dead processes of this host; returns how many."""
    root = settings.data_dir / "tmp"
    if not root.is_dir():
        return 0
    removed = 0
    host = _host()
    for entry in root.iterdir():
        name, _, pid = entry.name.rpartition("-")
        if name != host or not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += 1
    return removed


def prepare(settings: Settings) -> Path:
    """Make the data folder private and this process's temp folder; returns the latter.

    Also the process-wide limits of the PDF sandbox (a start-up concern like the folders).
    """
    pdf_sandbox.configure(
        memory_mb=settings.pdf_memory_mb, time_limit_s=settings.pdf_time_limit_s
    )
    data = settings.data_dir
    private_dir(data)
    tighten(data)
    for name in OWNED:
        tighten(data / name)
    removed = clean_stale_tmp(settings)
    if removed:
        log.info("data: removed %d temp folder(s) of stopped processes", removed)
    own = private_dir(process_tmp_dir(settings))
    atexit.register(shutil.rmtree, own, ignore_errors=True)
    return own
