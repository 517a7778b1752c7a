"""Job state under concurrency on real PostgreSQL (and the embedded SQLite for comparison),
and the scaled-out path end to end: Redis broker + PostgreSQL + real stages."""

from __future__ import annotations

import shutil
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from models.document import Document, Page
from models.storage import Store
from models.storage.jobs import JobStore
from tests.inbox.conftest import fast_settings, wait_for, watching


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def jobs(request, tmp_path) -> JobStore:
    """A JobStore on a fresh SQLite file or on the session's PostgreSQL database."""
    if request.param == "sqlite":
        return JobStore(Store(f"sqlite:///{tmp_path / 'jobs.db'}"))
    return JobStore(Store(request.getfixturevalue("postgres_url")))


def _document(pages: int) -> Document:
    return Document(
        sha256=uuid.uuid4().hex * 2,
        media_type="image/tiff",
        size_bytes=1,
        source_name="x.tif",
        received_at=datetime.now(UTC),
        page_count=pages,
    )


def _page(number: int) -> Page:
    return Page(number=number, width_px=10, height_px=10)


def _together(count: int, call) -> list:
    """Run ``call(i)`` in ``count`` threads released at the same moment."""
    barrier = threading.Barrier(count)

    def run(i: int):
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_last_page_triggers_assembly_exactly_once(jobs):
    document = _document(8)
    plan = jobs.start(document)
    assert plan.pages == list(range(1, 9))
    results = _together(8, lambda i: jobs.save_page(plan.document_id, _page(i + 1)))
    assert results.count(True) == 1
    assert len(jobs.pages(plan.document_id)) == 8


def test_redelivered_page_is_saved_once(jobs):
    document = _document(2)
    plan = jobs.start(document)
    results = _together(6, lambda _i: jobs.save_page(plan.document_id, _page(1)))
    assert results == [False] * 6  # page 2 still missing
    assert [p.number for p in jobs.pages(plan.document_id)] == [1]
    assert jobs.save_page(plan.document_id, _page(2)) is True
    # a redelivery after completion repairs a lost assembly message
    assert jobs.save_page(plan.document_id, _page(2)) is True


def test_concurrent_ingest_of_the_same_bytes_makes_one_job(jobs):
    document = _document(3)
    copies = [document.model_copy(update={"id": uuid.uuid4()}) for _ in range(6)]
    plans = _together(6, lambda i: jobs.start(copies[i]))
    assert len({p.document_id for p in plans}) == 1
    jobs.save_page(plans[0].document_id, _page(2))
    again = jobs.start(copies[3])
    assert (again.pages, again.assemble) == ([1, 3], False)


def test_commit_is_idempotent_under_concurrency(jobs):
    document = _document(1)
    plan = jobs.start(document)
    jobs.save_page(plan.document_id, _page(1))
    stored = jobs.document(plan.document_id).with_pages(jobs.pages(plan.document_id))
    outcomes = _together(4, lambda _i: jobs.commit(stored, []))
    assert sum(o.created for o in outcomes) == 1
    assert jobs.finished(plan.document_id)
    assert jobs.start(document).finished
    assert jobs.pages(plan.document_id) == []  # in-flight pages are cleaned up


def test_arrivals_tell_replays_from_redeliveries(jobs):
    landed = datetime.now(UTC)
    sha, k1, k2 = uuid.uuid4().hex * 2, uuid.uuid4().hex, uuid.uuid4().hex
    first = jobs.arrive(sha, "fax1.tif", k1, landed)
    replay = jobs.arrive(sha, "fax1.tif", k1, landed)
    again = jobs.arrive(sha, "fax2.tif", k2, landed)
    assert (first.new, first.duplicate) == (True, False)
    assert replay.new is False
    assert (again.new, again.duplicate) == (True, True)
    assert jobs.store.count_deliveries(sha) == 2


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
def test_scaled_out_path_with_redis_and_postgres(tmp_path, redis_url, postgres_url, small_faxes):
    """GIVEN Redis as broker and PostgreSQL as database WHEN faxes land THEN they are
    processed once each, archived, and ``intake status`` reports them."""
    from pipeline.status import collect

    settings = fast_settings(tmp_path, broker_url=redis_url, database_url=postgres_url)
    inbox = settings.inbox_dir
    inbox.mkdir(parents=True)
    for fax in small_faxes[:2]:
        shutil.copy(fax, inbox / fax.name)
    with watching(settings, threads=2):
        wait_for(lambda: not any(inbox.iterdir()), 120, interval=0.3)
    report = collect(settings, inbox)
    assert report["mode"] == "redis"
    assert report["inbox"]["files"] == 0
    assert report["throughput"]["documents"] >= 2
    assert report["throughput"]["latency_p50_s"] is not None
    assert report["queues"]["ocr"]["waiting"] == 0
    assert len(list(settings.archive_dir.iterdir())) == 2


def test_arrivals_of_finished_documents_are_closed_at_start(jobs):
    """A watcher killed after the commit but before moving the file left its arrival open;
    the next start closes it with the document's outcome."""
    document = _document(1)
    landed = datetime.now(UTC)
    done_key, open_key = uuid.uuid4().hex, uuid.uuid4().hex
    jobs.arrive(document.sha256, "x.tif", done_key, landed)
    jobs.arrive(uuid.uuid4().hex * 2, "y.tif", open_key, landed)  # in flight: stays open
    plan = jobs.start(document)
    jobs.save_page(plan.document_id, _page(1))
    jobs.commit(jobs.document(plan.document_id).with_pages(jobs.pages(plan.document_id)), [])
    assert jobs.close_settled_arrivals() >= 1
    assert jobs.close_settled_arrivals() == 0
    from sqlalchemy import select

    from models.storage.job_tables import ArrivalRow

    with jobs.store.session() as s:
        query = select(ArrivalRow.key, ArrivalRow.outcome)
        rows = dict(s.execute(query.where(ArrivalRow.key.in_([done_key, open_key]))).all())
    assert rows == {done_key: "archived", open_key: None}
