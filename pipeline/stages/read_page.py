"""Read one page into words with boxes: the page-level unit of parallelism."""

from __future__ import annotations

import logging
from pathlib import Path

from extractors.registry import read_page as engine_read_page
from models.document import Document, Page
from models.errors import ErrorCode, Rejected
from pipeline.stage import StageContext

log = logging.getLogger(__name__)


def read_page(document: Document, page_no: int, ctx: StageContext) -> Page:
    """Text layer or OCR for page ``page_no`` of ``document`` (engine chosen by the registry).

    A page of a multi-page document that cannot be decoded (``CORRUPT_FILE``: one damaged
    fax frame) becomes an empty page marked ``unreadable``, so the other pages are still read
    and the referral is kept with a problem naming the page. Anything else (a resource limit,
    a one-page file) still rejects the document.
    """
    if document.source_path is None:
        raise ValueError("document has no source path")
    try:
        page = engine_read_page(
            Path(document.source_path), document.media_type, page_no, ctx.engine_context()
        )
    except Rejected as exc:
        if exc.code is not ErrorCode.CORRUPT_FILE or document.page_count < 2:
            raise
        log.warning("doc=%s page=%d unreadable code=%s", str(document.id)[:8], page_no, exc.code)
        return Page(number=page_no, width_px=0, height_px=0, unreadable=exc.describe())
    log.debug(
        "doc=%s page=%d source=%s words=%d",
        str(document.id)[:8],
        page_no,
        page.text_source.value,
        len(page.words),
    )
    return page
