"""The sandbox child: ``python -m extractors.pdf_sandbox_child MEMORY_MB``.

It caps its own address space (``RLIMIT_AS``) before reading anything, ignores Ctrl-C (the
parent decides), then answers :mod:`extractors.pdf_sandbox` requests one at a time from stdin
— page sizes, a page's text layer (with its image), a rendered page — with a JSON header and
raw array bytes on stdout. A bomb ends this process, which is the point; every other failure
is answered as an error code, never with its message text if it is a bug (it may quote PHI).
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Any

import numpy as np

from extractors.pdf_sandbox import _FRAME, MEMORY_MB
from models.errors import ErrorCode, Rejected


def _answer(out: Any, reply: dict[str, Any], *arrays: np.ndarray) -> None:
    """One frame; arrays are written from their own buffers (no copy of a page)."""
    views = [memoryview(np.ascontiguousarray(a).reshape(-1).view(np.uint8)) for a in arrays]
    if arrays:
        reply = {
            **reply,
            "arrays": [{"dtype": str(a.dtype), "shape": list(a.shape)} for a in arrays],
        }
    head = json.dumps(reply).encode()
    out.write(_FRAME.pack(len(head), sum(v.nbytes for v in views)) + head)
    for view in views:
        out.write(view)
    out.flush()


def _handle(request: dict[str, Any], out: Any) -> None:
    from extractors import pdf_native

    path = Path(request["path"])
    op = request["op"]
    page = int(request.get("page", 0))
    if op == "sizes":
        sizes = pdf_native.page_sizes(path, int(request["max_pages"]), int(request["dpi"]))
        _answer(out, {"sizes": sizes})
    elif op == "text":
        text, boxes, good, size, turn = pdf_native.extract_raw(path, page)
        reply = {"text": text, "good": good, "size": list(size), "turn": turn}
        dpi = int(request.get("image_dpi") or 0)
        if dpi and good >= int(request.get("min_chars") or 0):
            _answer(out, reply, boxes, pdf_native.render_gray(path, page, dpi, 90 * turn))
        else:
            _answer(out, reply, boxes)
    elif op == "render":
        gray = pdf_native.render_gray(path, page, float(request["dpi"]), int(request["turn"]))
        _answer(out, {}, gray)
    else:
        _answer(out, {"error": ErrorCode.INTERNAL_ERROR.value, "message": "unknown request"})


def serve(memory_mb: int) -> None:
    """The child's loop: one request at a time from stdin, answers to stdout, until EOF."""
    import resource

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    limit = memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import extractors.pdf_native  # noqa: F401  (loaded before the first request's deadline)

    source, out = sys.stdin.buffer, sys.stdout.buffer
    while head := source.read(_FRAME.size):
        head_len, _ = _FRAME.unpack(head)
        request = json.loads(source.read(head_len))
        try:
            _handle(request, out)
        except Rejected as exc:
            _answer(out, {"error": exc.code.value, "message": str(exc)})
        except MemoryError:
            _answer(out, {"error": ErrorCode.RESOURCE_LIMIT.value, "message": "out of memory"})
        except Exception as exc:  # a bug: its type only, messages may quote the file
            message = f"{type(exc).__name__} in the PDF reader"
            _answer(out, {"error": ErrorCode.INTERNAL_ERROR.value, "message": message})


if __name__ == "__main__":
    serve(int(sys.argv[1]) if len(sys.argv) > 1 else MEMORY_MB)
