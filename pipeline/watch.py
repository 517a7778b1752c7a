"""``intake watch``: the inbox watcher, plus in-process workers in embedded mode.

Embedded (no ``INTAKE_BROKER_URL``): a ``StubBroker`` and worker threads in this process, so
``intake watch`` alone processes a laptop's inbox. Scaled out (Redis): this process only
watches, stores and enqueues, and settles files when their results are committed; ``intake
worker`` processes anywhere do the reading (``--threads N`` adds local workers too).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from pipeline.handoff import resolve_inbox
from pipeline.inbox import InboxWatcher, is_candidate
from pipeline.jobs import Intake
from pipeline.settings import Settings

log = logging.getLogger(__name__)


def _inbox_empty(inbox: Path) -> bool:
    """No file left to take (sub-folders are never taken, so they do not count)."""
    try:
        return not any(
            is_candidate(e.name) and not e.is_dir(follow_symlinks=False)
            for e in os.scandir(inbox)
        )
    except FileNotFoundError:
        return True


def _progress(*, enabled: bool) -> Any:
    """A rich progress bar on a terminal, else nothing."""
    if not enabled:
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )


def run_watch(
    inbox: Path,
    settings: Settings,
    *,
    threads: int | None = None,
    polling: bool | None = None,
    until_idle: bool = False,
    stop: threading.Event | None = None,
    progress: bool = False,
) -> int:
    """Watch ``inbox`` until ``stop`` is set (or SIGINT/SIGTERM, or idle with ``until_idle``).

    Args:
        inbox: Folder to watch.
        settings: Settings of this process (data dir, database, broker, timings).
        threads: In-process worker threads; default: ``INTAKE_WORKER_THREADS`` (or one per
            CPU) in embedded mode, none with Redis.
        polling: Override ``INTAKE_WATCH_POLLING``.
        until_idle: Return once the inbox is empty and nothing is in flight (batch runs).
        stop: Set it to stop the watcher (tests run this function in a thread).
        progress: Show a progress bar of files settled / seen.

    Returns:
        0 on a clean stop.

    Raises:
        ValueError: ``inbox`` is not a folder, or does not exist and is not the default.
    """
    resolve_inbox(inbox, settings.inbox_dir)
    from pipeline.broker import configure_broker, start_worker

    broker = configure_broker(settings)
    from pipeline import actors

    runtime = actors.use(settings)
    if threads is None:
        threads = 0 if settings.broker_url else settings.worker_threads or os.cpu_count() or 1
    worker = start_worker(broker, threads) if threads > 0 else None
    if worker is not None and actors.start_periodic(settings):
        log.info("periodic clean-up and routing every %g min", settings.periodic_minutes)
    closed = runtime.jobs.close_settled_arrivals()
    if closed:
        log.info("inbox: closed %d arrival(s) settled before a restart", closed)
    intake = Intake(runtime, enqueue=lambda path: actors.ingest.send(path))
    watcher = InboxWatcher(
        inbox,
        intake.handle,
        stable_s=settings.stable_s,
        poll_s=settings.inbox_poll_s,
        rescan_s=settings.inbox_rescan_s,
        polling=settings.watch_polling if polling is None else polling,
        on_tick=intake.settle,
        on_refuse=intake.refuse,
    )
    intake.release = watcher.release
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    watcher.start()
    log.info("inbox: watching (threads=%d, polling=%s)", threads, watcher.polling)
    try:
        with _progress(enabled=progress) as bar:
            task = bar.add_task("referrals", total=0) if bar is not None else None
            while not stop.wait(0.5):
                if bar is not None:
                    bar.update(task, total=intake.seen, completed=intake.settled)
                if (
                    until_idle
                    and intake.idle()
                    and not watcher.queued
                    and not len(watcher.tracker)
                    and _inbox_empty(inbox)
                ):
                    break
    finally:
        watcher.stop()
        if worker is not None:
            worker.stop(timeout=30_000)
        broker.close()
    log.info("inbox: stopped; %d file(s) settled", intake.settled)
    return 0
