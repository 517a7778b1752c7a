"""Actors under failure: retries with backoff, poison messages, rejects, bugs, time limits.

Each case runs the real watcher, broker and actors — over the embedded ``StubBroker`` and
over real Redis — with failure-injecting page readers in place of OCR (the stages are
swapped where the actors look them up), so every case takes seconds.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from models.document import Document, Page
from models.errors import ErrorCode, Rejected, Transient
from tests.conftest import SAMPLES
from tests.inbox.conftest import fast_settings, wait_for, watching

THREE_PAGES = SAMPLES / "referrals" / "02_cover_form_3page_fax_fine.tif"


@pytest.fixture(params=["stub", pytest.param("redis", marks=pytest.mark.redis)])
def broker_url(request) -> str:
    """Empty for the embedded broker, else a flushed Redis database."""
    if request.param == "stub":
        return ""
    return request.getfixturevalue("redis_url")


class Pages:
    """A fake page reader: ``behaviour(page_no, attempt)`` may raise; counts every call."""

    def __init__(self, behaviour=None) -> None:
        self.calls: Counter[int] = Counter()
        self.behaviour = behaviour
        self._lock = threading.Lock()

    def __call__(self, document: Document, page_no: int, ctx) -> Page:
        with self._lock:
            self.calls[page_no] += 1
            attempt = self.calls[page_no]
        if self.behaviour is not None:
            self.behaviour(page_no, attempt)
        return Page(number=page_no, width_px=100, height_px=100)


@pytest.fixture
def fake_stages(monkeypatch):
    """Swap OCR and analysis for fakes; returns a function installing a page behaviour."""
    assembled: Counter[str] = Counter()

    def analyse(document: Document, ctx):
        assembled[str(document.id)] += 1
        return document, []

    monkeypatch.setattr("pipeline.runner.analyse", analyse)

    def install(behaviour=None) -> Pages:
        pages = Pages(behaviour)
        monkeypatch.setattr("pipeline.stages.read_page.read_page", pages)
        return pages

    install.assembled = assembled  # type: ignore[attr-defined]
    return install


def _run(tmp_path: Path, broker_url: str, **overrides):
    settings = fast_settings(tmp_path, broker_url=broker_url, **overrides)
    settings.inbox_dir.mkdir(parents=True)
    shutil.copy(THREE_PAGES, settings.inbox_dir / "fax.tif")
    with watching(settings, threads=2):
        wait_for(lambda: not any(settings.inbox_dir.iterdir()), 60)
    return settings


def _quarantine_reason(settings) -> str:
    notes = list(settings.quarantine_dir.glob("*.error.txt"))
    assert len(notes) == 1
    return notes[0].read_text()


def _status(settings) -> str:
    from models.storage import Store

    rows = Store(settings.effective_database_url).queue(status=None)
    assert rows == []  # fakes produce no referrals
    from pipeline.jobs import open_runtime

    outcomes = open_runtime(settings).jobs.outcomes([_sha(settings)])
    return outcomes[_sha(settings)][0]


def _sha(settings) -> str:
    from pipeline.stages.ingest import sha256_of

    return sha256_of(THREE_PAGES)


def test_every_page_read_once_and_assembled_once(tmp_path, broker_url, fake_stages):
    pages = fake_stages()
    settings = _run(tmp_path, broker_url)
    assert pages.calls == {1: 1, 2: 1, 3: 1}
    assert list(fake_stages.assembled.values()) == [1]
    assert _status(settings) == "processed"


def test_transient_failure_is_retried_with_backoff(tmp_path, broker_url, fake_stages):
    def flaky(page_no: int, attempt: int) -> None:
        if page_no == 2 and attempt == 1:
            raise Transient("tesseract busy", code=ErrorCode.OCR_TIMEOUT)

    pages = fake_stages(flaky)
    settings = _run(tmp_path, broker_url)
    assert pages.calls == {1: 1, 2: 2, 3: 1}
    assert _status(settings) == "processed"


def test_poison_message_is_quarantined_after_the_last_retry(tmp_path, broker_url, fake_stages):
    def always(page_no: int, _attempt: int) -> None:
        if page_no == 3:
            raise Transient("tesseract keeps timing out", code=ErrorCode.OCR_TIMEOUT)

    pages = fake_stages(always)
    settings = _run(tmp_path, broker_url, max_retries=2)
    assert pages.calls[3] == 3  # first try + 2 retries
    assert _status(settings) == "quarantined"
    assert _quarantine_reason(settings).startswith("ocr_timeout:")
    assert list(fake_stages.assembled.values()) == []


@pytest.mark.parametrize(
    ("error", "code"),
    [
        pytest.param(
            Rejected("page unreadable", code=ErrorCode.CORRUPT_FILE), "corrupt_file", id="rejected"
        ),
        pytest.param(ValueError("a bug"), "internal_error", id="bug"),
    ],
)
def test_permanent_failures_are_quarantined_without_retry(
    tmp_path, broker_url, fake_stages, error, code
):
    def fail(page_no: int, _attempt: int) -> None:
        if page_no == 1:
            raise error

    pages = fake_stages(fail)
    settings = _run(tmp_path, broker_url)
    assert pages.calls[1] == 1
    assert _status(settings) == "quarantined"
    reason = _quarantine_reason(settings)
    assert reason.startswith(f"{code}:")
    assert "a bug" not in reason  # a bug's message may hold PHI; only its type is kept


def test_time_limit_per_page(tmp_path, broker_url, fake_stages):
    def hang(page_no: int, _attempt: int) -> None:
        if page_no == 2:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # Python code: the time limit can interrupt it
                time.sleep(0.01)

    fake_stages(hang)
    started = time.monotonic()
    settings = _run(tmp_path, broker_url, page_time_limit_s=1.0, max_retries=0)
    assert time.monotonic() - started < 25
    assert _status(settings) == "quarantined"
    assert _quarantine_reason(settings).startswith("ocr_timeout:")


def _blank_tiff(path: Path, pages: int) -> Path:
    """A ``pages``-page bilevel TIFF (letter at 200 dpi), different bytes per call."""
    from PIL import Image, ImageDraw

    frames = []
    for i in range(pages):
        frame = Image.new("1", (1700, 2200), 1)
        ImageDraw.Draw(frame).text((100, 100 + i), f"{path.name} {i}", fill=0)
        frames.append(frame)
    frames[0].save(
        path, save_all=True, append_images=frames[1:], compression="group4", dpi=(200, 200)
    )
    return path


def test_a_small_fax_is_not_stuck_behind_a_large_one(tmp_path, broker_url, fake_stages):
    """GIVEN one worker thread busy with a 24-page fax WHEN a 1-page fax lands THEN it is
    committed long before the large one (the large fax's pages go to the bulk lane)."""
    from pipeline.jobs import open_runtime
    from pipeline.stages.ingest import sha256_of

    fake_stages(lambda _page, _attempt: time.sleep(0.25))
    settings = fast_settings(tmp_path, broker_url=broker_url)
    inbox = settings.inbox_dir
    inbox.mkdir(parents=True)
    big = _blank_tiff(tmp_path / "big.tif", 24)
    small = _blank_tiff(tmp_path / "small.tif", 1)
    done: dict[str, float] = {}
    with watching(settings, threads=1):
        shutil.copy(big, inbox / big.name)
        jobs = open_runtime(settings).jobs
        wait_for(lambda: jobs.document_for_sha(sha256_of(big)), 30)
        shutil.copy(small, inbox / small.name)
        for path in (small, big):
            sha = sha256_of(path)
            wait_for(lambda sha=sha: jobs.outcomes([sha]), 60, interval=0.05)
            done[path.name] = time.monotonic()
    assert done["small.tif"] < done["big.tif"] - 2.0
