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

import logging
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

from extractors import pdf_sandbox
from extractors.base import PDF, EngineContext, NoUsableText
from extractors.imaging import page_image_path, write_png_atomic
from extractors.layout import chars_to_pieces, to_words
from extractors.rasterize import render_pdf_page
from models.document import Page, Word
from models.vocab import TextSource

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

_CACHE_SIZE = 8

#: words, usable chars, upright size (pt), clockwise turn applied to the page as displayed,
#: and the upright page image when one was asked for
Extracted = tuple[list[Word], int, tuple[float, float], int, "np.ndarray | None"]
_cache: OrderedDict[tuple[str, int, int, int, int], Extracted] = OrderedDict()
_cache_lock = threading.Lock()  # worker threads share the cache


def _extract(path: Path, page_no: int, image_dpi: int, min_chars: int) -> Extracted:
    """Read the words of one page's text layer (no caching); PDFium runs in the sandbox.

    With ``image_dpi``, the page image for the reviewer comes back in the same round trip
    when the text layer is usable (``min_chars``): one sandbox request per digital page.
    """
    text, boxes, good, (width_pt, height_pt), turn, gray = pdf_sandbox.read_text_page(
        path, page_no, image_dpi=image_dpi, min_chars=min_chars
    )
    words = to_words(chars_to_pieces(text, boxes), width=width_pt, height=height_pt)
    return words, good, (width_pt, height_pt), 90 * turn, gray


def extract_words(path: Path, page_no: int, *, image_dpi: int = 0, min_chars: int = 0) -> Extracted:
    """Words, usable character count, page size (pt), /Rotate and (with ``image_dpi``) the
    page image, cached per file version.

    The key includes size and modification time, so a replaced file is read again.
    """
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, page_no, image_dpi)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    result = _extract(path, page_no, image_dpi, min_chars)
    with _cache_lock:
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def _extracted(path: Path, page_no: int, ctx: EngineContext) -> Extracted:
    image_dpi = ctx.image_dpi if ctx.workdir is not None else 0
    return extract_words(path, page_no, image_dpi=image_dpi, min_chars=ctx.min_text_chars)


class PdfTextEngine:
    """Reads the text layer of digital PDF pages; declines pages without usable text."""

    name = "pdf_text"

    def score(self, media_type: str, path: Path, page_no: int, ctx: EngineContext) -> int | None:
        """50 for a PDF page with at least ``ctx.min_text_chars`` usable characters."""
        if media_type != PDF:
            return None
        good = _extracted(path, page_no, ctx)[1]
        return 50 if good >= ctx.min_text_chars else None

    def read_page(self, path: Path, media_type: str, page_no: int, ctx: EngineContext) -> Page:
        """Words from the text layer, plus the page image when ``ctx.workdir`` is set.

        Raises:
            NoUsableText: fewer than ``ctx.min_text_chars`` usable characters.
            Rejected: ``CORRUPT_FILE`` when PDFium cannot open the page.
        """
        started = time.perf_counter()
        words, good, (width_pt, height_pt), turn, gray = _extracted(path, page_no, ctx)
        if good < ctx.min_text_chars:
            raise NoUsableText(f"{good} usable characters")
        image_path = None
        width_px, height_px = (
            round(width_pt * ctx.image_dpi / 72),
            round(height_pt * ctx.image_dpi / 72),
        )
        if ctx.workdir is not None:
            if gray is None:
                gray = render_pdf_page(path, page_no, ctx.image_dpi, turn=turn).gray
            height_px, width_px = gray.shape  # PDFium may round up by a pixel
            image_path = str(write_png_atomic(gray, page_image_path(ctx.workdir, page_no)))
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
