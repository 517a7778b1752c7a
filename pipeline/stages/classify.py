"""Classify each page: cover sheet, referral form or letter, notes, report…

Only the pages: what the whole document is, is decided later by the gate, from the evidence
the extractors find on these pages.
"""

from __future__ import annotations

from extractors.page_kind import classify_page
from models.evidence import Analysis
from models.vocab import PageKind
from pipeline.stage import StageContext


def classify(analysis: Analysis, ctx: StageContext) -> Analysis:
    """Set ``kind`` on every page of the document."""
    pages = []
    for page in analysis.document.pages:
        if page.is_blank:
            kind, confidence = PageKind.BLANK, 1.0
        else:
            kind, confidence = classify_page(page)
        pages.append(page.model_copy(update={"kind": kind, "kind_confidence": confidence}))
    return analysis.model_copy(update={"document": analysis.document.with_pages(pages)})
