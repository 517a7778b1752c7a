"""Re-typing a document: staff say what a document is; a new "referral" is then extracted.

The pages are already read and stored, so extraction re-runs only the analysis stages with
the staff's decision in place of the gate's: classify and find, then split, extract, triage
and check with the document type set to ``referral``. A document the splitter still finds
nothing in becomes one referral of all its non-blank pages, so a re-typed document always
reaches the queue. :func:`referrals_of_pages` serves the review screen's split/merge too.
"""

from __future__ import annotations

from models.clock import as_utc
from models.document import Document, FaxMeta
from models.evidence import Analysis, Evidence
from models.referral import Referral
from models.storage import Store
from models.storage.tables import DocumentRow
from models.vocab import DocumentType, PageKind
from pipeline.stage import StageContext


def stored_document(store: Store, row: DocumentRow) -> Document:
    """The domain document of a stored row, with its read pages."""
    return Document(
        id=row.id,
        sha256=row.sha256,
        media_type=row.media_type,
        size_bytes=row.size_bytes,
        source_name=row.source_name,
        received_at=as_utc(row.received_at),
        page_count=row.page_count,
        fax=FaxMeta.model_validate(row.fax) if row.fax else None,
        pages=store.pages_of(row.id),
    )


def _found(document: Document, ctx: StageContext) -> Analysis:
    """Classify and find, with the document declared a referral (staff decided, not the gate)."""
    from pipeline.stages.classify import classify
    from pipeline.stages.find import find

    analysis = find(classify(Analysis(document=document), ctx), ctx)
    typed = analysis.document.model_copy(update={"document_type": DocumentType.REFERRAL})
    return analysis.model_copy(update={"document": typed})


def _finish(analysis: Analysis, ctx: StageContext) -> list[Referral]:
    from pipeline.stages.check import check
    from pipeline.stages.extract import extract
    from pipeline.stages.triage import triage

    for stage in (extract, triage, check):
        analysis = stage(analysis, ctx)
    return analysis.referrals


def extract_referrals(document: Document, ctx: StageContext) -> list[Referral]:
    """Referrals of a document staff declared a referral."""
    from pipeline.stages.split import split

    analysis = split(_found(document, ctx), ctx)
    if not analysis.referrals:
        pages = [p for p in analysis.pages if p.text]
        if not pages:
            return []
        whole = Referral(
            document_id=document.id,
            pages=[p.number for p in pages],
            evidence=Evidence(pages=pages),
        )
        analysis = analysis.with_referrals([whole])
    return _finish(analysis, ctx)


def referrals_of_pages(
    document: Document, groups: list[list[int]], ctx: StageContext
) -> list[Referral]:
    """One freshly extracted referral per group of page numbers (in the given order)."""
    analysis = _found(document, ctx)
    by_number = {p.number: p for p in analysis.pages}
    covers = [p for p in analysis.pages if p.kind is PageKind.COVER_SHEET]
    referrals = []
    for group in groups:
        own = [by_number[n] for n in sorted(group)]
        shared = [c for c in covers if c.number not in group]
        referrals.append(
            Referral(
                document_id=document.id,
                pages=[p.number for p in own],
                evidence=Evidence(pages=own, shared=shared),
            )
        )
    return _finish(analysis.with_referrals(referrals), ctx)
