"""PDF text layer → ``Page`` (``TextSource.TEXT_LAYER``), at a few milliseconds a page.

Digital referrals (EHR exports, e-fax PDFs with text) carry exact text; reading it is ~100×
cheaper than OCR and error-free. pdfplumber would do the grouping for us but costs
~50–70 ms a page; PDFium's text page API gives every character with its box in ~2 ms, and
``extractors.layout`` groups them into words and printed lines.

A page whose text layer is missing or unusable (a scanned page, a scan whose only text is a
stamped fax header, a font without a Unicode map that extracts as garbage) raises
``NoUsableText``: the registry then OCRs it. ``score``
already checks, using a small cache so the page is extracted once, not twice.
"""

from __future__ import annotations

import ctypes
import logging
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pypdfium2.raw as pdfium_c

from extractors.base import PDF, EngineContext, NoUsableText
from extractors.imaging import page_image_path, write_png_atomic
from extractors.layout import chars_to_pieces, to_words
from extractors.rasterize import open_pdf, render_pdf_page
from models.document import Page, Word
from models.errors import ErrorCode, Rejected
from models.vocab import TextSource

log = logging.getLogger(__name__)

#: Share of non-space characters that may be unreadable (U+FFFD, private use, controls)
#: before a text layer counts as garbage.
MAX_BAD_SHARE = 0.2
#: A page with fewer usable characters than this whose largest image covers more than
#: ``SCAN_IMAGE_SHARE`` of it is a scan carrying a stamped line (an e-fax header): OCR it.
STAMP_MAX_CHARS = 300
SCAN_IMAGE_SHARE = 0.5
#: Device units per PDF point when mapping char boxes through the page transform.
_UNITS = 100
_CACHE_SIZE = 8
#: Characters that mean a font has no usable Unicode map: U+FFFD, private use, controls.
_BAD_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff]")
_SPACE = re.compile(r"\s")

#: words, usable chars, upright size (pt), clockwise turn applied to the page as displayed
Extracted = tuple[list[Word], int, tuple[float, float], int]
_cache: OrderedDict[tuple[str, int, int, int], Extracted] = OrderedDict()
_cache_lock = threading.Lock()  # worker threads share the cache


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


def _extract(path: Path, page_no: int) -> Extracted:
    """Read the words of one page's text layer (no caching)."""
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
    words = to_words(chars_to_pieces(text, boxes), width=width_pt, height=height_pt)
    return words, good, (width_pt, height_pt), 90 * turn


def extract_words(path: Path, page_no: int) -> Extracted:
    """Words, usable character count, page size (pt) and /Rotate, cached per file version.

    The key includes size and modification time, so a replaced file is read again.
    """
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, page_no)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    result = _extract(path, page_no)
    with _cache_lock:
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


class PdfTextEngine:
    """Reads the text layer of digital PDF pages; declines pages without usable text."""

    name = "pdf_text"

    def score(self, media_type: str, path: Path, page_no: int, ctx: EngineContext) -> int | None:
        """50 for a PDF page with at least ``ctx.min_text_chars`` usable characters."""
        if media_type != PDF:
            return None
        good = extract_words(path, page_no)[1]
        return 50 if good >= ctx.min_text_chars else None

    def read_page(self, path: Path, media_type: str, page_no: int, ctx: EngineContext) -> Page:
        """Words from the text layer, plus the page image when ``ctx.workdir`` is set.

        Raises:
            NoUsableText: fewer than ``ctx.min_text_chars`` usable characters.
            Rejected: ``CORRUPT_FILE`` when PDFium cannot open the page.
        """
        started = time.perf_counter()
        words, good, (width_pt, height_pt), turn = extract_words(path, page_no)
        if good < ctx.min_text_chars:
            raise NoUsableText(f"{good} usable characters")
        image_path = None
        width_px, height_px = (
            round(width_pt * ctx.image_dpi / 72),
            round(height_pt * ctx.image_dpi / 72),
        )
        if ctx.workdir is not None:
            raster = render_pdf_page(path, page_no, ctx.image_dpi, turn=turn)
            height_px, width_px = raster.gray.shape  # PDFium may round up by a pixel
            image_path = str(write_png_atomic(raster.gray, page_image_path(ctx.workdir, page_no)))
        log.debug(
            "text layer page %d: %d words in %.1f ms",
            page_no,
            len(words),
            (time.perf_counter() - started) * 1000,
        )
        return Page(
            number=page_no,
            width_px=width_px,
            height_px=height_px,
            dpi=(float(ctx.image_dpi), float(ctx.image_dpi)),
            rotation=-turn % 360,
            text_source=TextSource.TEXT_LAYER,
            ocr_confidence=None,
            image_path=image_path,
            words=words,
        )
