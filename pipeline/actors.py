"""Thin dramatiq actors around the stages: ids and paths in, idempotent, enqueue after commit.

``intake.ingest`` (stored path) → one ``intake.read_page`` per missing page (document id,
page number) → the page that completes the document sends ``intake.assemble`` (document id),
which classifies, splits, extracts, triages, checks and commits. ``intake.periodic`` runs
clean-up and routing and re-sends itself with a delay (``INTAKE_PERIODIC_MINUTES``).
Every decision about what to send next is made by :class:`models.storage.jobs.JobStore` in a
committed transaction, so a redelivered message finds its work done and sends nothing new
(or repairs a lost message).

Failures: ``Rejected`` is never retried and goes to ``intake.quarantine`` straight away
(:class:`pipeline.broker.QuarantineNotes`); transient errors are retried with backoff, and
after the last retry — or at once for a bug — ``on_retry_exhausted`` quarantines the
document. The stages never see any of this.

Import this module only after :func:`pipeline.broker.configure_broker`.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dramatiq

from models.document import Document
from models.errors import Rejected
from pipeline import quarantine as quarantine_
from pipeline.broker import BULK_PAGES, PERIODIC_ACTOR, QUARANTINE_ACTOR
from pipeline.jobs import Runtime, open_runtime
from pipeline.quarantine import Failure
from pipeline.settings import Settings, get_settings
from pipeline.stages import ingest as ingest_stage
from pipeline.stages import read_page as read_page_stage

log = logging.getLogger(__name__)

_runtime: Runtime | None = None
_runtime_lock = threading.Lock()


def use(settings: Settings) -> Runtime:
    """Make the actors of this process use ``settings`` (embedded mode, tests)."""
    global _runtime
    with _runtime_lock:
        _runtime = open_runtime(settings)
        return _runtime


def runtime() -> Runtime:
    """This process's runtime, opened from the environment on first use (worker processes)."""
    if _runtime is None:
        return use(get_settings())
    return _runtime


def _send_page(rt: Runtime, document_id: str, page_no: int, pages: int) -> None:
    """Queue one page, with the page time limit; long documents go to the bulk lane."""
    limit_ms = int(rt.settings.page_time_limit_s * 1000)
    message = read_page.message_with_options(args=(document_id, page_no), time_limit=limit_ms)
    if pages > BULK_PAGES:
        message = message.copy(queue_name="ocr_bulk")
    read_page.broker.enqueue(message)


@dramatiq.actor(
    actor_name="intake.ingest",
    queue_name="intake",
    throws=(Rejected,),
    on_retry_exhausted=QUARANTINE_ACTOR,
)
def ingest(stored_path: str) -> None:
    """Sniff a stored input and start (or resume) its job."""
    rt = runtime()
    path = Path(stored_path)
    meta = rt.files.read_meta(path)
    stored = ingest_stage.bare_document(path, sha256=path.name, fax=meta.fax)  # named by sha256
    document = ingest_stage.ingest(stored, rt.context())
    update: dict[str, Any] = {"source_name": meta.source_name}
    if meta.landed_at is not None:
        update["received_at"] = meta.landed_at
    plan = rt.jobs.start(document.model_copy(update=update))
    if plan.finished:
        return
    log.info("doc=%s ingested; %d page(s) to read", plan.document_id[:8], len(plan.pages))
    for number in plan.pages:
        _send_page(rt, plan.document_id, number, document.page_count)
    if plan.assemble:
        assemble.send(plan.document_id)


@dramatiq.actor(
    actor_name="intake.read_page",
    queue_name="ocr",
    priority=10,
    throws=(Rejected,),
    on_retry_exhausted=QUARANTINE_ACTOR,
)
def read_page(document_id: str, page_no: int) -> None:
    """Read one page (the unit of parallelism); the last page triggers assembly."""
    rt = runtime()
    document = rt.jobs.document(document_id)
    if document is None or rt.jobs.finished(document_id):
        return
    started = time.perf_counter()
    page = read_page_stage.read_page(document, page_no, rt.context(document_id))
    seconds = time.perf_counter() - started
    log.debug("doc=%s page=%d read in %.2fs", document_id[:8], page_no, seconds)
    if rt.jobs.save_page(document_id, page, seconds):
        assemble.send(document_id)


@dramatiq.actor(
    actor_name="intake.assemble",
    queue_name="intake",
    throws=(Rejected,),
    on_retry_exhausted=QUARANTINE_ACTOR,
)
def assemble(document_id: str) -> None:
    """Classify … check the read document and commit it with its referrals, once."""
    rt = runtime()
    document = rt.jobs.document(document_id)
    if document is None or rt.jobs.finished(document_id):
        return
    pages = rt.jobs.pages(document_id)
    if len(pages) < document.page_count:
        return  # a stray message; the last page will send another
    from pipeline import runner  # heavy (spaCy, ICD-10): imported on first use, not at start

    document, referrals = runner.analyse(document.with_pages(pages), rt.context(document_id))
    outcome = rt.jobs.commit(document, referrals)
    log.info(
        "doc=%s committed; %d referral(s), created=%s",
        document_id[:8],
        len(outcome.referral_ids),
        outcome.created,
    )


@dramatiq.actor(actor_name=QUARANTINE_ACTOR, queue_name="intake", max_retries=5)
def quarantine(message: dict[str, Any], info: dict[str, Any]) -> None:
    """Record the document of a failed message as quarantined (the watcher moves the file).

    Args:
        message: The failed message (``Message.asdict()``), with our notes in its options.
        info: ``{"code", "error"}`` from :class:`~pipeline.broker.QuarantineNotes`, or
            ``{"retries", "max_retries"}`` from dramatiq's ``on_retry_exhausted``.
    """
    rt = runtime()
    failure = Failure.from_info(info, message.get("options"))
    args = message.get("args") or []
    if not args:
        return
    if message.get("actor_name") == "intake.ingest":
        document = _document_of_file(rt, Path(args[0]))
    else:
        document = rt.jobs.document(str(args[0]))
    if document is None:
        return
    quarantine_.record(rt.jobs.store, document, failure, jobs=rt.jobs)


@dramatiq.actor(actor_name=PERIODIC_ACTOR, queue_name="intake", max_retries=0)
def periodic(interval_s: float) -> None:
    """Clean-up and routing (:mod:`pipeline.periodic`), then the next run ``interval_s`` later.

    A pass that fails is logged and the chain goes on; a chain finding another one's turn
    (the ``periodic`` lease) ends here, so several workers kicking it off leave one chain.
    """
    from pipeline import periodic as periodic_

    rt = runtime()
    try:
        mine = periodic_.turn(rt.jobs.store, interval_s)
    except Exception as exc:  # a database blip must not end the only chain: try next time
        log.error("periodic: turn not taken (%s)", type(exc).__name__)
        mine = None
    if mine is False:
        log.info("periodic: another chain holds this turn; this one ends")
        return
    try:
        if mine:
            periodic_.run_once(rt.jobs.store, rt.settings)
    except Exception as exc:  # the chain must survive one bad pass
        log.error("periodic: pass failed (%s)", type(exc).__name__)
    finally:
        if interval_s > 0:
            periodic.send_with_options(args=(interval_s,), delay=int(interval_s * 1000))


def start_periodic(settings: Settings) -> bool:
    """Kick off the periodic chain when ``INTAKE_PERIODIC_MINUTES`` is set; True if sent."""
    if settings.periodic_minutes <= 0:
        return False
    periodic.send(settings.periodic_minutes * 60)
    return True


def _document_of_file(rt: Runtime, path: Path) -> Document:
    """What a file that failed before (or during) ingest is recorded as."""
    meta = rt.files.read_meta(path)
    known = rt.jobs.document_for_sha(path.name)
    if known is not None:
        return known
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return Document(
        sha256=path.name,
        media_type="application/octet-stream",
        size_bytes=size,
        source_name=meta.source_name,
        source_path=str(path),
        received_at=meta.landed_at or datetime.now(UTC),
        page_count=0,
        fax=meta.fax,
    )


def declare(broker: dramatiq.Broker) -> None:
    """Bind every actor to ``broker`` (called by ``configure_broker`` on a broker switch)."""
    for actor in (ingest, read_page, assemble, quarantine, periodic):
        actor.broker = broker
        broker.declare_actor(actor)
