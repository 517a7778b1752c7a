"""Named, expiring locks in the database, shared by every process and machine.

``acquire`` inserts the lease row; the primary key makes a second holder fail at once
(SQLite and PostgreSQL alike), and a lease past its ``until`` is taken over, so a process that
died holding one blocks nobody for long. Used so two workers (or a worker and the workspace)
never deliver the same referral twice, and so only one periodic chain runs per interval.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from models.storage import Store
from models.storage.cleanup_tables import LeaseRow


def owner_token(kind: str) -> str:
    """A unique owner name (``kind`` and a random part), to release only one's own lease."""
    return f"{kind}:{uuid.uuid4().hex[:16]}"


def acquire(store: Store, name: str, owner: str, seconds: float) -> bool:
    """Take the lease ``name`` for ``seconds``; False while someone else holds it."""
    now = datetime.now(UTC)
    try:
        with store.session() as s:
            s.execute(delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.until < now))
            s.add(LeaseRow(name=name, owner=owner, until=now + timedelta(seconds=seconds)))
    except IntegrityError:
        return False
    return True


def acquire_waiting(
    store: Store, name: str, owner: str, seconds: float, *, patience_s: float, poll_s: float = 0.1
) -> bool:
    """:func:`acquire`, waiting up to ``patience_s`` for the holder to give it back (for
    short critical sections, such as counting a destination's capacity and delivering)."""
    deadline = time.monotonic() + patience_s
    while not acquire(store, name, owner, seconds):
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll_s)
    return True


def release(store: Store, name: str, owner: str) -> None:
    """Give the lease back (only if ``owner`` still holds it)."""
    with store.session() as s:
        s.execute(delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.owner == owner))
