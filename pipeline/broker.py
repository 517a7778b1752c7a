"""The one place dramatiq is configured (Polar's rule): broker, middleware, retry policy.

``configure_broker`` must run before :mod:`pipeline.actors` is imported, because dramatiq's
decorator binds an actor to the global broker at import time; :mod:`pipeline.worker` does
exactly that. If the actors are already imported (tests switching brokers, embedded mode after
a Redis run) they are re-declared on the new broker.

Embedded mode (no ``INTAKE_BROKER_URL``): a ``StubBroker`` and an in-process ``dramatiq.Worker``
with threads. Its messages live in memory, which is acceptable because durability lives in the
inbox and the database: a file leaves the inbox only after its result is committed, and on
start the watcher rescans and sha256 turns replays into no-ops.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Middleware, Retries, TimeLimitExceeded
from sqlalchemy.exc import OperationalError

from models.errors import Rejected, Transient
from pipeline.quarantine import Failure
from pipeline.settings import Settings

log = logging.getLogger(__name__)

QUEUES = ("intake", "ocr", "ocr_bulk")
#: Pages of documents longer than this go to the ``ocr_bulk`` lane, consumed side by side with
#: ``ocr``: a one-page fax is not stuck behind the pages of a 200-page one.
BULK_PAGES = 8
QUARANTINE_ACTOR = "intake.quarantine"
PERIODIC_ACTOR = "intake.periodic"
_MAX_BACKOFF_MS = 600_000


def is_transient(exception: BaseException) -> bool:
    """Worth a retry: our ``Transient``, a time limit hit under load, a database hiccup."""
    return isinstance(exception, Transient | TimeLimitExceeded | OperationalError)


class QuarantineNotes(Middleware):
    """Note why a message failed, and quarantine at once what can never succeed.

    It is added after ``Retries``, so its ``after_process_message`` runs first (dramatiq calls
    "after" hooks in reverse) and the note is inside the message that ``Retries`` hands to
    ``on_retry_exhausted``. ``Retries`` does not call ``on_retry_exhausted`` for ``throws``
    errors, so a ``Rejected`` is sent to the quarantine actor from here.
    """

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: dramatiq.Message,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        """Record the failure's code and reason in the message options."""
        if exception is None or message.actor_name == QUARANTINE_ACTOR:
            return
        failure = Failure.of(exception)
        message.options["intake_code"] = failure.code
        message.options["intake_error"] = failure.message
        if isinstance(exception, Rejected):
            target = broker.get_actor(QUARANTINE_ACTOR)
            target.send(message.asdict(), {"code": failure.code, "error": failure.message})


def configure_broker(settings: Settings) -> dramatiq.Broker:
    """Build the broker for ``settings``, make it the global one, and return it."""
    retries = Retries(
        max_retries=settings.max_retries,
        min_backoff=max(1, int(settings.retry_backoff_s * 1000)),
        max_backoff=_MAX_BACKOFF_MS,
        retry_when=lambda count, exc: is_transient(exc) and count < settings.max_retries,
    )
    broker: dramatiq.Broker
    if settings.broker_url:
        broker = RedisBroker(
            url=settings.broker_url,
            heartbeat_timeout=int(settings.broker_heartbeat_s * 1000),
            maintenance_chance=10_000,
        )
    else:
        broker = StubBroker()
    broker.middleware[:] = [m for m in broker.middleware if not isinstance(m, Retries)]
    broker.add_middleware(retries)
    broker.add_middleware(QuarantineNotes())
    for queue in QUEUES:
        broker.declare_queue(queue)
    dramatiq.set_broker(broker)
    actors = sys.modules.get("pipeline.actors")
    if actors is not None:
        actors.declare(broker)
    return broker


def start_worker(broker: dramatiq.Broker, threads: int) -> dramatiq.Worker:
    """An in-process worker over both queues (embedded mode, tests, ``intake watch``)."""
    if not getattr(broker, "_intake_booted", False):
        broker.emit_after("process_boot")  # what the dramatiq CLI does: starts TimeLimit's timer
        broker._intake_booted = True  # type: ignore[attr-defined]
    worker = dramatiq.Worker(broker, queues=set(QUEUES), worker_threads=threads, worker_timeout=100)
    worker.start()
    return worker
