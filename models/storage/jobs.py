"""Processing state in the database: what survives a crash of any worker or watcher.

The actors are idempotent because every step is decided here, in a transaction:
``start`` says which pages are still missing, ``save_page`` returns True to exactly one
caller (the one whose page completes the document), ``commit`` and ``quarantine`` go through
the repository that is idempotent on sha256. Callers enqueue only after these return, so no
message leaves a unit of work that failed (enqueue after commit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from models.clock import as_utc
from models.document import Document, Page
from models.referral import Referral
from models.storage.job_tables import ArrivalRow, JobPageRow, JobRow
from models.storage.repository import SaveOutcome, Store
from models.storage.tables import DeliveryRow, DocumentRow


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class StartPlan:
    """What ``start`` found: the job's id and which messages should follow."""

    document_id: str
    pages: list[int] = field(default_factory=list)
    assemble: bool = False
    finished: bool = False


@dataclass(frozen=True)
class Arrival:
    """``new`` is False for a replay of a known landing; ``duplicate`` for known bytes."""

    new: bool
    duplicate: bool


class JobStore:
    """Jobs, pages in flight and inbox arrivals, next to the documents of a :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._sessions = sessionmaker(store.engine, expire_on_commit=False)

    # -- arrivals (the watcher's side) ----------------------------------------------------
    def arrive(self, sha256: str, source_name: str, key: str, landed_at: datetime) -> Arrival:
        """Record a landing and its delivery once per ``key``; replays record nothing."""
        with self._sessions() as s:
            if s.scalar(select(ArrivalRow.id).where(ArrivalRow.key == key)) is not None:
                return Arrival(new=False, duplicate=False)
            known = s.scalar(select(exists().where(DeliveryRow.sha256 == sha256))) or s.scalar(
                select(exists().where(DocumentRow.sha256 == sha256))
            )
        try:
            with self.store.session() as s:
                s.add(ArrivalRow(key=key, sha256=sha256, landed_at=landed_at))
                s.add(
                    DeliveryRow(
                        sha256=sha256,
                        source_name=source_name,
                        received_at=landed_at,
                        duplicate=bool(known),
                    )
                )
        except IntegrityError:
            return Arrival(new=False, duplicate=False)
        return Arrival(new=True, duplicate=bool(known))

    def finish_arrival(self, key: str, outcome: str) -> None:
        """The file left the inbox (``archived`` or ``quarantined``)."""
        with self.store.session() as s:
            s.execute(
                update(ArrivalRow)
                .where(ArrivalRow.key == key, ArrivalRow.finished_at.is_(None))
                .values(finished_at=_now(), outcome=outcome)
            )

    def close_settled_arrivals(self) -> int:
        """Close arrivals whose document is finished (a watcher died before moving the file).

        Returns:
            How many arrivals were closed; run at watcher start, before the rescan.
        """
        closed = 0
        with self.store.session() as s:
            for status, outcome in (("processed", "archived"), ("quarantined", "quarantined")):
                done = select(DocumentRow.id).where(
                    DocumentRow.sha256 == ArrivalRow.sha256, DocumentRow.status == status
                )
                result = s.execute(
                    update(ArrivalRow)
                    .where(ArrivalRow.finished_at.is_(None), done.exists())
                    .values(finished_at=_now(), outcome=outcome)
                )
                closed += int(result.rowcount or 0)  # type: ignore[attr-defined]
        return closed

    def outcomes(self, shas: Iterable[str]) -> dict[str, tuple[str, str | None]]:
        """``sha256 -> (status, error)`` for the documents among ``shas`` that are finished."""
        wanted = sorted(set(shas))
        out: dict[str, tuple[str, str | None]] = {}
        with self._sessions() as s:
            for i in range(0, len(wanted), 500):
                query = select(DocumentRow.sha256, DocumentRow.status, DocumentRow.error).where(
                    DocumentRow.sha256.in_(wanted[i : i + 500])
                )
                out.update({sha: (status, error) for sha, status, error in s.execute(query)})
        return out

    def last_progress(self, sha256: str) -> datetime | None:
        """When the job of these bytes last moved, or None if no worker has started it."""
        with self._sessions() as s:
            value = s.scalar(select(JobRow.updated_at).where(JobRow.sha256 == sha256))
        return as_utc(value) if value is not None else None

    # -- jobs (the workers' side) -----------------------------------------------------------
    def start(self, document: Document) -> StartPlan:
        """Create the job of an ingested document, or say what is missing from a known one."""
        with self._sessions() as s:
            done = s.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == document.sha256))
            if done is not None:
                return StartPlan(done, finished=True)
            job = s.scalars(select(JobRow).where(JobRow.sha256 == document.sha256)).first()
        if job is None:
            now = _now()
            try:
                with self.store.session() as s:
                    s.add(
                        JobRow(
                            document_id=str(document.id),
                            sha256=document.sha256,
                            document=document.model_dump(mode="json"),
                            pages_total=document.page_count,
                            pages_done=0,
                            created_at=now,
                            updated_at=now,
                        )
                    )
                return StartPlan(
                    str(document.id), document.page_numbers, assemble=document.page_count == 0
                )
            except IntegrityError:  # another worker ingested the same bytes just now
                return self.start(document)
        with self._sessions() as s:
            saved = set(
                s.scalars(
                    select(JobPageRow.number).where(JobPageRow.document_id == job.document_id)
                )
            )
        missing = [n for n in range(1, job.pages_total + 1) if n not in saved]
        return StartPlan(job.document_id, missing, assemble=not missing)

    def document(self, document_id: str) -> Document | None:
        """The ingested Document of a job (pages not attached), if the job exists."""
        with self._sessions() as s:
            data = s.scalar(select(JobRow.document).where(JobRow.document_id == document_id))
        return Document.model_validate(data) if data is not None else None

    def document_for_sha(self, sha256: str) -> Document | None:
        """The ingested Document of the job for these bytes, if a worker started one."""
        with self._sessions() as s:
            data = s.scalar(select(JobRow.document).where(JobRow.sha256 == sha256))
        return Document.model_validate(data) if data is not None else None

    def finished(self, document_id: str) -> bool:
        """True once the job's document is committed as processed or quarantined."""
        query = select(
            exists()
            .where(JobRow.document_id == document_id)
            .where(DocumentRow.sha256 == JobRow.sha256)
        )
        with self._sessions() as s:
            return bool(s.scalar(query))

    def save_page(self, document_id: str, page: Page, seconds: float = 0.0) -> bool:
        """Save a read page; True for the one call whose page completes the document.

        A redelivered page (already saved) returns True only if the document is complete,
        so a crash between the last page's commit and the assembly message is repaired.
        """
        jobs = JobRow.__table__
        try:
            with self.store.session() as s:
                s.add(
                    JobPageRow(
                        document_id=document_id,
                        number=page.number,
                        data=page.model_dump(mode="json"),
                        seconds=seconds,
                        read_at=_now(),
                    )
                )
                s.flush()
                done, total = s.execute(
                    jobs.update()
                    .where(jobs.c.document_id == document_id)
                    .values(pages_done=jobs.c.pages_done + 1, updated_at=_now())
                    .returning(jobs.c.pages_done, jobs.c.pages_total)
                ).one()
                return bool(done == total)
        except IntegrityError:
            with self._sessions() as s:
                job = s.get(JobRow, document_id)
                return job is not None and job.pages_done >= job.pages_total

    def pages(self, document_id: str) -> list[Page]:
        """The saved pages of a job, in page order."""
        with self._sessions() as s:
            rows = s.scalars(
                select(JobPageRow.data)
                .where(JobPageRow.document_id == document_id)
                .order_by(JobPageRow.number)
            ).all()
        return [Page.model_validate(data) for data in rows]

    def commit(self, document: Document, referrals: list[Referral]) -> SaveOutcome:
        """Store the assembled document once (idempotent on sha256), then close the job."""
        outcome = self.store.save_processed(document, referrals)
        self._close(str(document.id))
        return outcome

    def quarantine(self, document: Document, code: str, error: str) -> SaveOutcome:
        """Record the document as quarantined (once) and close its job if it has one."""
        outcome = self.store.save_quarantined(document, code, error)
        self._close(str(document.id))
        return outcome

    def _close(self, document_id: str) -> None:
        with self.store.session() as s:
            s.execute(
                update(JobRow)
                .where(JobRow.document_id == document_id, JobRow.finished_at.is_(None))
                .values(finished_at=_now(), updated_at=_now())
            )
            s.execute(delete(JobPageRow).where(JobPageRow.document_id == document_id))
