"""Re-typing a document: staff say what a document is; a new "referral" is then extracted.

The pages are already read and stored, so extraction re-runs only the analysis stages
(classify pages, find, split, extract, triage, check) with the document type forced to
``referral``; a document the splitter still finds nothing in becomes one referral of all its
non-blank pages, so a re-typed document always reaches the queue.
"""

from __future__ import annotations

from datetime import UTC, datetime

from models.document import Document, FaxMeta
from models.referral import Referral
from models.storage import Store
from models.storage.tables import DocumentRow
from models.vocab import DocumentType
from pipeline.stage import StageContext
from pipeline.stages.check import check
from pipeline.stages.classify import classify
from pipeline.stages.extract import extract
from pipeline.stages.find import find
from pipeline.stages.split import Draft, split
from pipeline.stages.triage import triage


def stored_document(store: Store, row: DocumentRow) -> Document:
    """The domain document of a stored row, with its read pages."""
    return Document(
        id=row.id,
        sha256=row.sha256,
        media_type=row.media_type,
        size_bytes=row.size_bytes,
        source_name=row.source_name,
        received_at=row.received_at
        if row.received_at.tzinfo
        else row.received_at.replace(tzinfo=UTC),
        page_count=row.page_count,
        fax=FaxMeta.model_validate(row.fax) if row.fax else None,
        pages=store.pages_of(row.id),
    )


def extract_referrals(document: Document, ctx: StageContext) -> list[Referral]:
    """Referrals of a document staff declared a referral."""
    document = classify(document, ctx).model_copy(update={"document_type": DocumentType.REFERRAL})
    findings = find(document, ctx)
    drafts = split(document, findings, ctx)
    if not drafts:
        draft = Draft()
        for found in findings:
            if found.text:
                draft.add(found, {})
        drafts = [draft] if draft.pages else []
    referrals = []
    received = document.received_at or datetime.now(UTC)
    for draft in drafts:
        referral = extract(document, draft, ctx)
        referral = triage(referral, document, draft, ctx)
        text = "\n".join(f.text for f in draft.findings)
        referrals.append(check(referral, ctx, text=text, today=received.date()))
    return referrals
