"""The watched inbox: take a file only once it is complete, and only once.

Shaped after paperless-ngx's consumer: events (inotify through watchdog, or watchdog's
``PollingObserver`` where inotify does not fire — NFS/SMB shares) and periodic full rescans
both feed a stability tracker; a file is *ready* once it is a regular file whose size, mtime
and inode have not changed for a quiet period. Temporary names (``*.tmp``, ``*.part``,
dot-files), sidecars (``*.json``) and our own ``*.error.txt`` are never taken. A ``queued``
map remembers what was handed on, so stray events don't queue a file twice; a file leaves it
when it leaves the inbox (``release``). What happens to a ready file is the caller's business
(:mod:`pipeline.jobs`).
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from models.fs import kind_of

log = logging.getLogger(__name__)

IGNORED_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".json", ".error.txt", ".lock")

Signature = tuple[int, int, int]


class _StopRace(logging.Filter):
    """Drop watchdog's harmless error about its inotify thread reading while it stops."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in record.getMessage()


logging.getLogger("watchdog.observers.inotify").addFilter(_StopRace())


def is_candidate(name: str) -> bool:
    """True for names the inbox may take (not hidden, temporary, sidecar or error note)."""
    lowered = name.lower()
    return bool(name) and not name.startswith(".") and not lowered.endswith(IGNORED_SUFFIXES)


def signature(path: Path) -> Signature | None:
    """(size, mtime_ns, inode) of a regular file, None for anything else or a vanished file.

    ``lstat``: a link is never followed, not even to look at it.
    """
    try:
        st = path.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def entry_kind(path: Path) -> str | None:
    """What an inbox entry is when it is not a regular file ("a symbolic link", "a folder"…);
    None for a regular file or a vanished one."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else kind_of(mode)


@dataclass
class _Seen:
    signature: Signature | None
    changed_at: float
    first_seen: float


class StabilityTracker:
    """Candidates under observation until their signature has been quiet for ``stable_s``."""

    def __init__(self, stable_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.stable_s = stable_s
        self._clock = clock
        self._seen: dict[Path, _Seen] = {}

    def __contains__(self, path: Path) -> bool:
        return path in self._seen

    def __len__(self) -> int:
        return len(self._seen)

    def touch(self, path: Path, *, changed: bool = True) -> None:
        """Watch ``path``; ``changed`` (an event said it was written) restarts the quiet period."""
        now = self._clock()
        seen = self._seen.get(path)
        if seen is None:
            self._seen[path] = _Seen(None, now, time.time())
        elif changed:
            seen.changed_at = now

    def forget(self, path: Path) -> None:
        """Stop watching ``path`` (it was deleted or moved away)."""
        self._seen.pop(path, None)

    def poll(self) -> list[tuple[Path, float]]:
        """Check every candidate once; return the ready ones with their first-seen wall time.

        A ready file is no longer tracked: the caller queues it (or touches it again).
        """
        now = self._clock()
        ready: list[tuple[Path, float]] = []
        for path, seen in list(self._seen.items()):
            sig = signature(path)
            if sig is None:
                self._seen.pop(path)
            elif sig != seen.signature:
                seen.signature, seen.changed_at = sig, now
            elif now - seen.changed_at >= self.stable_s:
                self._seen.pop(path)
                ready.append((path, seen.first_seen))
        return ready


class _Events(FileSystemEventHandler):
    """Translate watchdog events into tracker updates (top-level files only)."""

    def __init__(self, watcher: InboxWatcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        kind = event.event_type
        src = Path(os.fsdecode(event.src_path))
        if kind in ("deleted", "moved"):
            self.watcher.release(src)
        if kind == "moved":
            self.watcher.notice(Path(os.fsdecode(event.dest_path)))
        elif kind in ("created", "modified", "closed"):
            self.watcher.notice(src)


class InboxWatcher:
    """Watch ``inbox`` and call ``on_ready(path, first_seen)`` once per complete file.

    Args:
        inbox: The folder fax servers drop files into (top level only).
        on_ready: Called from the watcher thread; it must not block for long. If it raises,
            the file is released and looked at again on the next rescan.
        stable_s: Quiet period before a file counts as complete.
        poll_s: How often candidates are checked (and the polling observer's interval).
        rescan_s: Full rescan interval: the safety net for missed events.
        polling: Use watchdog's ``PollingObserver`` (network shares) instead of inotify.
        on_tick: Called after every check, from the same thread (settling finished work).
        on_refuse: Called with an entry that is not a regular file (a link, a pipe, a
            device) and its kind; it must take it out of the inbox without reading it.
            Sub-folders are ignored.
    """

    def __init__(
        self,
        inbox: Path,
        on_ready: Callable[[Path, float], None],
        *,
        stable_s: float = 3.0,
        poll_s: float = 1.0,
        rescan_s: float = 60.0,
        polling: bool = False,
        on_tick: Callable[[], None] | None = None,
        on_refuse: Callable[[Path, str], None] | None = None,
    ) -> None:
        self.inbox = inbox
        self.on_ready = on_ready
        self.poll_s = poll_s
        self.rescan_s = rescan_s
        self.polling = polling
        self.on_tick = on_tick
        self.on_refuse = on_refuse
        self.tracker = StabilityTracker(stable_s)
        self.queued: dict[Path, Signature | None] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._observer: BaseObserver | None = None

    def notice(self, path: Path) -> None:
        """An event about ``path``: track it unless it is not ours or already queued."""
        if path.parent != self.inbox or not is_candidate(path.name):
            return
        kind = entry_kind(path)
        if kind == "a folder":
            return
        if kind is not None:
            self._refuse(path, kind)
            return
        with self._lock:
            if path not in self.queued:
                self.tracker.touch(path)

    def release(self, path: Path) -> None:
        """``path`` left the inbox, or must be looked at afresh: forget it everywhere."""
        with self._lock:
            self.queued.pop(path, None)
            self.tracker.forget(path)

    def scan(self) -> int:
        """Full rescan: track every candidate not yet queued, drop queued files that are gone.

        Entries that are not regular files are refused (sub-folders are left alone).

        Returns:
            Number of candidate files in the inbox.
        """
        try:
            entries = [
                e
                for e in os.scandir(self.inbox)
                if is_candidate(e.name) and not e.is_dir(follow_symlinks=False)
            ]
        except FileNotFoundError:
            entries = []
        present: set[Path] = set()
        for entry in entries:
            path = Path(entry.path)
            kind = None if entry.is_file(follow_symlinks=False) else entry_kind(path)
            if kind is None:
                present.add(path)
            else:
                self._refuse(path, kind)
        with self._lock:
            for path, sig in list(self.queued.items()):
                if path not in present or signature(path) != sig:
                    self.queued.pop(path)  # gone, or replaced by another file of that name
            for path in present:
                if path not in self.queued:
                    self.tracker.touch(path, changed=False)
        return len(present)

    def _refuse(self, path: Path, kind: str) -> None:
        self.release(path)
        if self.on_refuse is None:
            return
        try:
            self.on_refuse(path, kind)
        except OSError:
            log.exception("inbox: an entry that is not a file could not be moved away")

    def check(self) -> int:
        """One round: hand on every ready file. Returns how many were handed on."""
        with self._lock:
            ready = [(p, t) for p, t in self.tracker.poll() if p not in self.queued]
            for path, _ in ready:
                self.queued[path] = signature(path)
        for path, first_seen in ready:
            try:
                self.on_ready(path, first_seen)
            except Exception:
                log.exception("inbox: hand-off failed; the file is retried on the next rescan")
                self.release(path)
        return len(ready)

    def start(self) -> None:
        """Start the observer and the checking thread; existing files are scanned at once.

        The inbox must exist (see :func:`pipeline.handoff.resolve_inbox`).
        """
        self._observer = self._start_observer()
        self._thread = threading.Thread(target=self._run, name="intake-inbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching; files not yet handed on stay in the inbox for the next start."""
        self._stop.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _start_observer(self) -> BaseObserver:
        handler = _Events(self)
        if not self.polling:
            try:
                observer: BaseObserver = Observer()
                observer.schedule(handler, str(self.inbox), recursive=False)
                observer.start()
                return observer
            except OSError as exc:  # inotify watch/instance limits reached
                log.warning("inbox: inotify unavailable (%s); polling instead", exc.errno)
        observer = PollingObserver(timeout=self.poll_s)
        observer.schedule(handler, str(self.inbox), recursive=False)
        observer.start()
        return observer

    def _run(self) -> None:
        last_scan = 0.0
        while not self._stop.is_set():
            if time.monotonic() - last_scan >= self.rescan_s or last_scan == 0.0:
                self.scan()
                last_scan = time.monotonic()
            self.check()
            if self.on_tick is not None:
                try:
                    self.on_tick()
                except Exception:
                    log.exception("inbox: settling failed; retried on the next tick")
            self._stop.wait(self.poll_s)
