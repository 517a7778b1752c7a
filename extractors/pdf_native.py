"""Everything that parses PDF bytes with PDFium, meant to run inside the sandbox process.

A PDF is a program for PDFium: a few kilobytes of Flate-over-Flate content inflate to
gigabytes, and object streams are inflated while the file is merely opened. So the functions
here — page sizes from the page tree, the characters of a text layer, a page rendered to
pixels — are called by :mod:`extractors.pdf_sandbox` in a child process with a memory and
time limit, and hand back plain values (text, numbers, arrays). Nothing here builds words or
touches the rest of the pipeline. PDFium keeps global state, so calls go through
``PDFIUM_LOCK`` (a no-op cost in the single-threaded child, kept for direct callers).
"""

from __future__ import annotations

import ctypes
import re
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from models.errors import ErrorCode, Rejected

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

#: Serialises PDFium calls (the library keeps global state).
PDFIUM_LOCK = threading.RLock()

#: Share of non-space characters that may be unreadable (U+FFFD, private use, controls)
#: before a text layer counts as garbage.
MAX_BAD_SHARE = 0.2
#: A page with fewer usable characters than this whose largest image covers more than
#: ``SCAN_IMAGE_SHARE`` of it is a scan carrying a stamped line (an e-fax header): OCR it.
STAMP_MAX_CHARS = 300
SCAN_IMAGE_SHARE = 0.5
#: Device units per PDF point when mapping char boxes through the page transform.
_UNITS = 100
#: Characters that mean a font has no usable Unicode map: U+FFFD, private use, controls.
_BAD_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff]")
_SPACE = re.compile(r"\s")

#: text, boxes, usable chars, upright size (pt), clockwise quarter turns
Raw = tuple[str, np.ndarray, int, tuple[float, float], int]


@contextmanager
def open_pdf(path: Path) -> Iterator[pdfium.PdfDocument]:
    """Open a PDF under the PDFium lock and close it afterwards.

    Raises:
        Rejected: ``CORRUPT_FILE`` if PDFium cannot load it.
    """
    with PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            raise Rejected("PDF cannot be opened", code=ErrorCode.CORRUPT_FILE) from exc
        try:
            yield doc
        finally:
            doc.close()


def check_page_count(count: int, max_pages: int) -> None:
    if count == 0:
        raise Rejected("file has no pages", code=ErrorCode.CORRUPT_FILE)
    if count > max_pages:
        raise Rejected(f"{count} pages, limit {max_pages}", code=ErrorCode.TOO_MANY_PAGES)


def page_sizes(path: Path, max_pages: int, dpi: int) -> list[tuple[int, int]]:
    """Page sizes at ``dpi`` from the page tree, without parsing page contents.

    PDFium opens a file with only an owner password (restrictions, no user password)
    without asking, which is what we want: such files are readable.
    """
    with PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
                raise Rejected("PDF needs a password", code=ErrorCode.ENCRYPTED_PDF) from exc
            raise Rejected("PDF cannot be parsed", code=ErrorCode.CORRUPT_FILE) from exc
        try:
            count = len(doc)
            check_page_count(count, max_pages)
            sizes: list[tuple[int, int]] = []
            rect = pdfium_c.FS_SIZEF()
            for index in range(count):
                if not pdfium_c.FPDF_GetPageSizeByIndexF(doc, index, ctypes.byref(rect)):
                    raise Rejected(f"page {index + 1} has no size", code=ErrorCode.CORRUPT_FILE)
                sizes.append((round(rect.width * dpi / 72), round(rect.height * dpi / 72)))
        finally:
            doc.close()
    return sizes


def _page_transform(page: object, size: tuple[float, float], quarter: int) -> tuple[float, ...]:
    """Affine map from PDF user space to the upright page, in points, top-left origin.

    PDFium's ``FPDF_PageToDevice`` knows the crop box, /Rotate and an extra clockwise
    ``quarter`` turn; three sample points give the affine, which is then applied in Python to
    every character without more C calls.
    """
    width_pt, height_pt = size if quarter % 2 == 0 else size[::-1]
    dev_w, dev_h = round(width_pt * _UNITS), round(height_pt * _UNITS)
    out_x, out_y = ctypes.c_int(), ctypes.c_int()
    pts = []
    for px, py in ((0.0, 0.0), (1000.0, 0.0), (0.0, 1000.0)):
        pdfium_c.FPDF_PageToDevice(page, 0, 0, dev_w, dev_h, quarter, px, py, out_x, out_y)
        pts.append((out_x.value / _UNITS, out_y.value / _UNITS))
    (ox, oy), (ax, ay), (bx, by) = pts
    return ((ax - ox) / 1000, (bx - ox) / 1000, ox, (ay - oy) / 1000, (by - oy) / 1000, oy)


def _map_boxes(raw: np.ndarray, m: tuple[float, ...]) -> np.ndarray:
    """Apply the page transform to ``(left, top, right, bottom)`` user-space boxes."""
    a, b, c, d, e, f = m
    left, top, right, bottom = raw.T
    xa, xb = a * left + b * top + c, a * right + b * bottom + c
    ya, yb = d * left + e * top + f, d * right + e * bottom + f
    empty = (right <= left) | (top <= bottom)  # whitespace / no box: keep zero-area
    out = np.stack([np.minimum(xa, xb), np.minimum(ya, yb), np.maximum(xa, xb), np.maximum(ya, yb)])
    out[:, empty] = 0.0
    return out.T


def text_turn(boxes: np.ndarray) -> int:
    """Clockwise quarter turns (0–3) that make the page's dominant text direction upright.

    Counts the direction from each character to the next (both with a box): text running
    down the page needs three clockwise quarters (one counter-clockwise), text running up
    one. Pairs that jump further than a few character heights (line ends) are ignored.
    """
    x0, y0, x1, y1 = boxes.T
    has = (x1 > x0) & (y1 > y0)
    pair = has[:-1] & has[1:]
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = np.diff(cx)[pair], np.diff(cy)[pair]
    size = np.maximum(x1 - x0, y1 - y0)[:-1][pair]
    near = np.hypot(dx, dy) < 3 * size
    dx, dy = dx[near], dy[near]
    horizontal = np.abs(dx) >= np.abs(dy)
    votes = [
        int(np.count_nonzero(horizontal & (dx >= 0))),
        int(np.count_nonzero(~horizontal & (dy <= 0))),
        int(np.count_nonzero(horizontal & (dx < 0))),
        int(np.count_nonzero(~horizontal & (dy > 0))),
    ]
    best = max(range(4), key=votes.__getitem__)
    return best if votes[best] > 0.6 * sum(votes) and votes[best] >= 10 else 0


def _image_share(page: object, size: tuple[float, float]) -> float:
    """Largest share of the page covered by one image object (a scan is one big image)."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    best = 0.0
    area = max(1.0, size[0] * size[1])
    for index in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = pdfium_c.FPDFPage_GetObject(page, index)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        if pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            cover = (right.value - left.value) * (top.value - bottom.value) / area
            best = max(best, min(1.0, cover))
    return best


def extract_raw(path: Path, page_no: int) -> Raw:
    """Characters of one page's text layer with their upright boxes (points, top-left).

    Returns:
        (text, boxes (n, 4), usable character count, upright size in points, clockwise
        quarter turns applied to make the text upright).
    """
    with open_pdf(path) as doc:
        if not 1 <= page_no <= len(doc):
            raise Rejected("page number out of range", code=ErrorCode.CORRUPT_FILE)
        page = doc[page_no - 1]
        size = page.get_size()
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            text = textpage.get_text_range(0, count) if count else ""
            if len(text) != count:  # surrogates or excluded chars: fall back to per char
                text = "".join(
                    chr(pdfium_c.FPDFText_GetUnicode(textpage, i) or 0xFFFD) for i in range(count)
                )
            rect = pdfium_c.FS_RECTF()
            get_box = pdfium_c.FPDFText_GetLooseCharBox
            raw = np.array(
                [
                    (rect.left, rect.top, rect.right, rect.bottom)
                    if not ch.isspace() and get_box(textpage, i, rect)
                    else (0.0, 0.0, 0.0, 0.0)
                    for i, ch in enumerate(text)
                ],
                dtype=np.float64,
            ).reshape(-1, 4)
            boxes = _map_boxes(raw, _page_transform(page, size, 0))
            turn = text_turn(boxes)
            if turn:
                boxes = _map_boxes(raw, _page_transform(page, size, turn))
            bad = len(_BAD_CHARS.findall(text))
            good = len(text) - len(_SPACE.findall(text)) - bad
            if bad > MAX_BAD_SHARE * max(1, good + bad):
                good = 0
            elif good < STAMP_MAX_CHARS and _image_share(page, size) > SCAN_IMAGE_SHARE:
                good = 0  # a scan with a stamped header line: the body is only pixels
        finally:
            textpage.close()
            page.close()
    width_pt, height_pt = size if turn % 2 == 0 else size[::-1]
    return text, boxes, good, (width_pt, height_pt), turn


def render_gray(path: Path, page_no: int, dpi: float, turn: int = 0) -> np.ndarray:
    """Render 1-based ``page_no`` at ``dpi`` in grayscale.

    Args:
        path: The PDF.
        page_no: 1-based page number.
        dpi: Render resolution.
        turn: Clockwise degrees to turn the page as a viewer shows it (its /Rotate is
            always applied).

    Raises:
        Rejected: ``CORRUPT_FILE`` if the page is missing or cannot be rendered.
    """
    with open_pdf(path) as doc:
        if not 1 <= page_no <= len(doc):
            raise Rejected("page number out of range", code=ErrorCode.CORRUPT_FILE)
        try:
            page = doc[page_no - 1]
            bitmap = page.render(scale=dpi / 72.0, rotation=turn % 360, grayscale=True)
            pixels = bitmap.to_numpy()
            gray = np.array(pixels[:, :, 0] if pixels.ndim == 3 else pixels, copy=True)
            bitmap.close()  # release native memory inside the lock, not in a GC finaliser
            page.close()
        except pdfium.PdfiumError as exc:
            raise Rejected("PDF page cannot be rendered", code=ErrorCode.CORRUPT_FILE) from exc
    return gray
