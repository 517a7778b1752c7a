"""Find: run the field extractors and red-flag rules over every readable page, once.

Splitting and extraction both work from these findings, so the NLP runs once per page
whatever the number of referrals in a fax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extractors.fields.base import Candidate, candidates
from extractors.fields.red_flags import find_red_flags
from extractors.nlp import build_nlp, make_doc
from models.document import Document
from models.vocab import PageKind
from pipeline.stage import StageContext

#: Pages whose findings never start or belong to a referral on their own.
NON_REFERRAL_KINDS = {PageKind.BLANK, PageKind.COVER_SHEET}


@dataclass(frozen=True)
class PageFindings:
    """What the extractors found on one page."""

    page: int
    kind: PageKind | None
    candidates: list[Candidate]
    red_flags: list[Any] = field(default_factory=list)
    text: str = ""


def find(document: Document, ctx: StageContext) -> list[PageFindings]:
    """Candidates and red flags for every non-blank page of ``document``."""
    nlp = build_nlp()
    findings: list[PageFindings] = []
    for page in document.pages:
        if page.is_blank:
            findings.append(PageFindings(page.number, page.kind, []))
            continue
        doc = make_doc(nlp, page)
        findings.append(
            PageFindings(
                page=page.number,
                kind=page.kind,
                candidates=candidates(doc, page.number),
                red_flags=list(find_red_flags(doc)),
                text=page.text(),
            )
        )
    return findings
