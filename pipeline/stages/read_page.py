"""Read one page into words with boxes: the page-level unit of parallelism."""

from __future__ import annotations

import logging
from pathlib import Path

from extractors.registry import read_page as engine_read_page
from models.document import Document, Page
from pipeline.stage import StageContext

log = logging.getLogger(__name__)


def read_page(document: Document, page_no: int, ctx: StageContext) -> Page:
    """Text layer or OCR for page ``page_no`` of ``document`` (engine chosen by the registry)."""
    if document.source_path is None:
        raise ValueError("document has no source path")
    page = engine_read_page(
        Path(document.source_path), document.media_type, page_no, ctx.engine_context()
    )
    log.debug(
        "doc=%s page=%d source=%s words=%d",
        str(document.id)[:8],
        page_no,
        page.text_source.value,
        len(page.words),
    )
    return page
