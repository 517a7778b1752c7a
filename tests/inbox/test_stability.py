"""The stability tracker and the watcher as units: when is a file complete, and taken once."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from pipeline.inbox import InboxWatcher, StabilityTracker, is_candidate
from tests.inbox.conftest import wait_for


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        pytest.param("fax0001.tif", True, id="tiff"),
        pytest.param("Referral 12.PDF", True, id="pdf-upper"),
        pytest.param("noext", True, id="no-suffix"),
        pytest.param("fax0001.tif.tmp", False, id="tmp"),
        pytest.param("fax0001.part", False, id="part"),
        pytest.param(".fax0001.tif", False, id="dot-file"),
        pytest.param("fax0001.json", False, id="sidecar"),
        pytest.param("fax0001.tif.json", False, id="sidecar-full"),
        pytest.param("abc.pdf.error.txt", False, id="error-note"),
    ],
)
def test_candidate_names(name, taken):
    assert is_candidate(name) is taken


def test_ready_only_after_quiet_period(tmp_path):
    clock = FakeClock()
    tracker = StabilityTracker(stable_s=2.0, clock=clock)
    path = tmp_path / "a.tif"
    path.write_bytes(b"x" * 10)
    tracker.touch(path)
    assert tracker.poll() == []  # first look: signature recorded
    clock.advance(1.0)
    assert tracker.poll() == []  # unchanged but not quiet long enough
    clock.advance(1.5)
    ready = tracker.poll()
    assert [p for p, _ in ready] == [path]
    assert path not in tracker  # handed on: no longer tracked


def test_growing_file_is_not_ready(tmp_path):
    """GIVEN a file written in chunks slower than the poll WHEN each chunk lands THEN the
    quiet period restarts, and the file is ready only once writing stopped."""
    clock = FakeClock()
    tracker = StabilityTracker(stable_s=2.0, clock=clock)
    path = tmp_path / "slow.tif"
    path.write_bytes(b"")
    tracker.touch(path)
    for _ in range(5):
        with path.open("ab") as handle:
            handle.write(b"y" * 100)
        clock.advance(1.5)
        assert tracker.poll() == []
    clock.advance(2.5)  # writing stopped: the last poll saw the final size
    assert [p for p, _ in tracker.poll()] == [path]


def test_write_event_restarts_quiet_period(tmp_path):
    clock = FakeClock()
    tracker = StabilityTracker(stable_s=2.0, clock=clock)
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF")
    tracker.touch(path)
    tracker.poll()
    clock.advance(1.9)
    tracker.touch(path)  # an inotify "modified" event
    clock.advance(1.0)
    assert tracker.poll() == []
    clock.advance(1.1)
    assert [p for p, _ in tracker.poll()] == [path]


def test_vanished_and_non_regular_files_are_dropped(tmp_path):
    clock = FakeClock()
    tracker = StabilityTracker(stable_s=0.0, clock=clock)
    gone = tmp_path / "gone.tif"
    gone.write_bytes(b"1")
    folder = tmp_path / "folder.tif"
    folder.mkdir()
    fifo = tmp_path / "pipe.tif"
    os.mkfifo(fifo)
    for path in (gone, folder, fifo):
        tracker.touch(path)
    gone.unlink()
    assert tracker.poll() == []
    assert len(tracker) == 0


def _collect_watcher(inbox: Path, **kwargs) -> tuple[InboxWatcher, list[Path]]:
    taken: list[Path] = []
    lock = threading.Lock()

    def on_ready(path: Path, _first_seen: float) -> None:
        with lock:
            taken.append(path)

    watcher = InboxWatcher(inbox, on_ready, stable_s=0.3, poll_s=0.05, **kwargs)
    return watcher, taken


@pytest.mark.parametrize("polling", [False, True], ids=["inotify", "polling"])
def test_watcher_takes_existing_dropped_slow_and_renamed_files_once(tmp_path, polling):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "existing.tif").write_bytes(b"a" * 50)
    watcher, taken = _collect_watcher(inbox, rescan_s=0.5, polling=polling)
    watcher.start()
    try:
        (inbox / "dropped.pdf").write_bytes(b"b" * 50)
        (inbox / ".hidden.pdf").write_bytes(b"c")
        (inbox / "upload.part").write_bytes(b"d")
        (inbox / "dropped.pdf.json").write_text("{}")
        tmp = inbox / ".incoming.tmp"
        tmp.write_bytes(b"e" * 50)
        tmp.rename(inbox / "renamed.tif")
        slow = inbox / "slow.tif"
        with slow.open("wb") as handle:
            for _ in range(6):  # 0.6 s of writing, pauses shorter than the quiet period
                handle.write(b"f" * 1000)
                handle.flush()
                time.sleep(0.1)
                assert slow not in {p for p in taken}
        wait_for(lambda: len(taken) >= 4, 10)
        time.sleep(1.2)  # more events, rescans and polls: nothing is taken twice
    finally:
        watcher.stop()
    names = sorted(p.name for p in taken)
    assert names == ["dropped.pdf", "existing.tif", "renamed.tif", "slow.tif"]
    assert (inbox / "slow.tif").stat().st_size == 6000


def test_rescan_alone_finds_files_when_events_never_come(tmp_path, monkeypatch):
    """GIVEN a share where no event ever fires (NFS) THEN the periodic rescan and the
    size/mtime check still take a complete file."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher, taken = _collect_watcher(inbox, rescan_s=0.2, polling=True)
    monkeypatch.setattr(watcher, "notice", lambda _path: None)  # deaf observer
    watcher.start()
    try:
        (inbox / "nfs.tif").write_bytes(b"x" * 10)
        wait_for(lambda: taken, 5)
    finally:
        watcher.stop()
    assert [p.name for p in taken] == ["nfs.tif"]


def test_released_file_with_new_content_is_taken_again(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher, taken = _collect_watcher(inbox, rescan_s=0.2)
    watcher.start()
    try:
        path = inbox / "same-name.tif"
        path.write_bytes(b"1" * 10)
        wait_for(lambda: len(taken) == 1, 5)
        path.unlink()  # the file left the inbox (archived)
        wait_for(lambda: path not in watcher.queued, 5)
        path.write_bytes(b"2" * 20)  # a new fax under the same name
        wait_for(lambda: len(taken) == 2, 5)
    finally:
        watcher.stop()


def test_failed_hand_off_is_retried_on_rescan(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    calls: list[Path] = []

    def flaky(path: Path, _first_seen: float) -> None:
        calls.append(path)
        if len(calls) == 1:
            raise OSError("database briefly away")

    watcher = InboxWatcher(inbox, flaky, stable_s=0.1, poll_s=0.05, rescan_s=0.2)
    watcher.start()
    try:
        (inbox / "a.tif").write_bytes(b"z")
        wait_for(lambda: len(calls) >= 2, 5)
    finally:
        watcher.stop()
    assert {p.name for p in calls} == {"a.tif"}
