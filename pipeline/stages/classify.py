"""Classify each page (cover sheet, referral form, notes, report…) and the whole document."""

from __future__ import annotations

from extractors.document_type import classify_document
from extractors.page_kind import classify_page
from models.document import Document
from models.vocab import PageKind
from pipeline.stage import StageContext


def classify(document: Document, ctx: StageContext) -> Document:
    """Set ``kind`` on every page and ``document_type`` on the document."""
    pages = []
    for page in document.pages:
        if page.is_blank:
            kind, confidence = PageKind.BLANK, 1.0
        else:
            kind, confidence = classify_page(page)
        pages.append(page.model_copy(update={"kind": kind, "kind_confidence": confidence}))
    kinds = [(p.kind, p.kind_confidence) for p in pages]
    doc_type, doc_confidence = classify_document(pages, kinds)
    return document.model_copy(
        update={
            "pages": pages,
            "document_type": doc_type,
            "document_type_confidence": doc_confidence,
        }
    )
