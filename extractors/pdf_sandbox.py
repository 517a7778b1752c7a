"""Parse untrusted PDFs in a child process with a memory and a time limit.

A PDF of a few kilobytes can inflate to gigabytes (Flate over Flate) or keep PDFium busy for
minutes; in the worker process that is an abort or a hang for every document in flight.
OCRmyPDF runs Ghostscript as a child process for the same reason. Here each thread that
reads PDFs keeps one long-lived child, ``python -m extractors.pdf_sandbox_child``, whose address
space is capped with ``RLIMIT_AS`` (:data:`MEMORY_MB`), and every request has a deadline
(:data:`TIME_LIMIT_S`). A request that kills the child or runs out of time raises
``Rejected(RESOURCE_LIMIT)`` and the next request starts a fresh child: a hostile file costs
at most its own page. A child per thread (not per page) keeps the digital-PDF speed: the
start-up is paid once, a request costs a pipe round trip.

The child only ever returns plain data: a JSON header and raw array bytes, never pickles, so
even a child subverted by a hostile PDF cannot run code in the parent.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import select
import struct
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import numpy as np

from models.errors import ErrorCode, Rejected

#: Address-space limit of a sandbox child, in MiB (a 200-megapixel page still renders).
MEMORY_MB = 2048
#: Wall-clock limit of one request (open, extract or render one page), in seconds.
TIME_LIMIT_S = 60.0
_FRAME = struct.Struct(">II")  # header length, payload length
_MAX_HEADER = 64 << 20
_PIPE_SIZE = 1 << 20
_ROOT = Path(__file__).resolve().parent.parent
_local = threading.local()
_children: weakref.WeakSet[_Child] = weakref.WeakSet()


def configure(*, memory_mb: int | None = None, time_limit_s: float | None = None) -> None:
    """Set the limits for children started from now on (settings, tests)."""
    global MEMORY_MB, TIME_LIMIT_S
    if memory_mb is not None:
        MEMORY_MB = int(memory_mb)
    if time_limit_s is not None:
        TIME_LIMIT_S = float(time_limit_s)


def _limit_error(why: str) -> Rejected:
    return Rejected(f"reading the PDF {why}", code=ErrorCode.RESOURCE_LIMIT)


class _Child:
    """One sandbox process and its pipes."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH")) if p)
        self.memory_mb = MEMORY_MB
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "extractors.pdf_sandbox_child", str(self.memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
        _widen(self.proc.stdout)
        _children.add(self)

    def close(self) -> None:
        """Stop the child (its stdin closing ends its loop; a kill makes sure)."""
        with contextlib.suppress(OSError):
            self.proc.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)

    def __del__(self) -> None:  # a thread's child goes with the thread
        self.close()

    def request(self, header: dict[str, Any]) -> tuple[dict[str, Any], bytearray]:
        data = json.dumps(header).encode()
        deadline = time.monotonic() + TIME_LIMIT_S
        try:
            self.proc.stdin.write(_FRAME.pack(len(data), 0) + data)  # type: ignore[union-attr]
            self.proc.stdin.flush()  # type: ignore[union-attr]
            fd = self.proc.stdout.fileno()  # type: ignore[union-attr]
            head_len, body_len = _FRAME.unpack(_read(fd, _FRAME.size, deadline))
            if head_len > _MAX_HEADER:
                raise EOFError
            reply = json.loads(_read(fd, head_len, deadline))
            return reply, _read(fd, body_len, deadline)
        except TimeoutError:
            raise
        except (OSError, EOFError, ValueError) as exc:
            raise _limit_error(f"needed more than {self.memory_mb} MB or crashed") from exc


def _read(fd: int, size: int, deadline: float) -> bytearray:
    """Exactly ``size`` bytes from ``fd`` before ``deadline``."""
    out = bytearray(size)
    view = memoryview(out)
    got = 0
    while got < size:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError
        n = os.readv(fd, [view[got:]])
        if not n:
            raise EOFError
        got += n
    return out


def _widen(pipe: Any) -> None:
    """A 1 MiB pipe buffer: a rendered page crosses in a few reads, not 64 KiB at a time."""
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_SIZE)


def call(header: dict[str, Any]) -> tuple[dict[str, Any], bytearray]:
    """Run one request in this thread's child; restart it after any failure.

    Raises:
        Rejected: what the child reported (``CORRUPT_FILE``, ``ENCRYPTED_PDF``…), or
            ``RESOURCE_LIMIT`` when the child died or ran out of time.
    """
    child: _Child | None = getattr(_local, "child", None)
    if child is None or child.proc.poll() is not None or child.memory_mb != MEMORY_MB:
        if child is not None:
            child.close()
        child = _local.child = _Child()
    try:
        reply, payload = child.request(header)
    except TimeoutError as exc:
        child.close()
        _local.child = None
        raise _limit_error(f"took longer than {TIME_LIMIT_S:g} s") from exc
    except Rejected:
        child.close()
        _local.child = None
        raise
    if "error" in reply:
        raise Rejected(str(reply.get("message", "")), code=ErrorCode(reply["error"]))
    return reply, payload


def arrays_of(reply: dict[str, Any], payload: bytearray) -> list[np.ndarray]:
    """The arrays a reply describes (``arrays``: dtype and shape each), checked against the
    bytes; they share the payload's buffer and are writable."""
    out: list[np.ndarray] = []
    offset = 0
    for spec in reply.get("arrays", []):
        dtype = np.dtype({"uint8": np.uint8, "float64": np.float64}[spec["dtype"]])
        shape = tuple(int(n) for n in spec["shape"])
        size = int(np.prod(shape)) * dtype.itemsize
        if offset + size > len(payload):
            raise _limit_error("returned a damaged answer")
        out.append(np.frombuffer(payload, dtype=dtype, count=size // dtype.itemsize, offset=offset))
        out[-1] = out[-1].reshape(shape)
        offset += size
    if offset != len(payload):
        raise _limit_error("returned a damaged answer")
    return out


def page_sizes(path: Path, max_pages: int, dpi: int) -> list[tuple[int, int]]:
    """:func:`extractors.pdf_native.page_sizes`, in the sandbox."""
    header = {"op": "sizes", "path": str(path.absolute()), "max_pages": max_pages}
    reply, _ = call({**header, "dpi": dpi})
    return [(int(w), int(h)) for w, h in reply["sizes"]]


def read_text_page(
    path: Path, page_no: int, *, image_dpi: int = 0, min_chars: int = 0
) -> tuple[str, np.ndarray, int, tuple[float, float], int, np.ndarray | None]:
    """:func:`extractors.pdf_native.extract_raw` in the sandbox, plus (with ``image_dpi``) the
    upright page rendered for the reviewer when at least ``min_chars`` characters are usable.
    """
    header = {"op": "text", "path": str(path.absolute()), "page": page_no}
    reply, payload = call({**header, "image_dpi": image_dpi, "min_chars": min_chars})
    arrays = arrays_of(reply, payload)
    if not arrays or arrays[0].ndim != 2 or len(arrays[0]) != len(reply["text"]):
        raise _limit_error("returned a damaged answer")
    width, height = reply["size"]
    gray = arrays[1] if len(arrays) > 1 and arrays[1].ndim == 2 else None
    size = (float(width), float(height))
    return str(reply["text"]), arrays[0], int(reply["good"]), size, int(reply["turn"]), gray


def render_gray(path: Path, page_no: int, dpi: float, turn: int = 0) -> np.ndarray:
    """:func:`extractors.pdf_native.render_gray`, in the sandbox (a writable array)."""
    header = {"op": "render", "path": str(path.absolute()), "page": page_no, "dpi": dpi}
    reply, payload = call({**header, "turn": turn})
    arrays = arrays_of(reply, payload)
    if len(arrays) != 1 or arrays[0].ndim != 2:
        raise _limit_error("returned a damaged answer")
    return arrays[0]


@atexit.register
def _stop_all() -> None:
    for child in list(_children):
        child.close()
