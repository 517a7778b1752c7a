"""Find: run the field extractors and red-flag rules over every readable page, once.

The gate, splitting and extraction all work from this evidence, so the NLP runs once per page
whatever the number of referrals in a fax.
"""

from __future__ import annotations

from extractors.fields.base import candidates
from extractors.fields.red_flags import find_red_flags
from extractors.nlp import build_nlp, make_docs
from models.evidence import Analysis, PageEvidence
from models.vocab import PageKind
from pipeline.stage import StageContext

#: Pages whose evidence never starts or belongs to a referral on their own.
NON_REFERRAL_KINDS = {PageKind.BLANK, PageKind.COVER_SHEET}


def find(analysis: Analysis, ctx: StageContext) -> Analysis:
    """Candidates and red flags for every non-blank page of the document."""
    readable = [page for page in analysis.document.pages if not page.is_blank]
    docs = iter(make_docs(build_nlp(), readable))  # one batch of second readings per fax
    pages: list[PageEvidence] = []
    for page in analysis.document.pages:
        if page.is_blank:
            pages.append(PageEvidence(page))
            continue
        doc = next(docs)
        pages.append(PageEvidence(page, candidates(doc, page.number), find_red_flags(doc)))
    return analysis.model_copy(update={"pages": pages})
