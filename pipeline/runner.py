"""Run the stages in order for one file, without a queue: the CLI's and the tests' path.

ingest → read every page → classify → find → gate → split → extract → triage → check → store.
Every failure ends as a quarantined result with a clear error, never as a traceback.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.document import Document, FaxMeta
from models.errors import ErrorCode, IntakeError, Rejected, redacted_traceback
from models.evidence import Analysis
from models.referral import Referral
from models.storage import Store
from models.vocab import DocumentStatus
from pipeline.stage import StageContext
from pipeline.stages.check import check
from pipeline.stages.classify import classify
from pipeline.stages.extract import extract
from pipeline.stages.find import find
from pipeline.stages.gate import gate
from pipeline.stages.ingest import bare_document, ingest, sha256_of
from pipeline.stages.read_page import read_page
from pipeline.stages.split import split
from pipeline.stages.triage import triage

log = logging.getLogger(__name__)


@dataclass
class ProcessResult:
    """Outcome of one input file, convertible to the JSON contract."""

    source: str
    sha256: str
    pages: int
    status: DocumentStatus
    error: str | None = None
    error_code: str | None = None
    document_id: str | None = None
    document_type: str | None = None
    duplicate: bool = False
    referrals: list[Referral] = field(default_factory=list)

    def to_contract(self) -> dict[str, Any]:
        """One line of ``intake process --json``."""
        return {
            "source": self.source,
            "sha256": self.sha256,
            "pages": self.pages,
            "status": self.status.value,
            "error": self.error,
            "document_id": self.document_id,
            "document_type": self.document_type,
            "duplicate": self.duplicate,
            "referrals": [r.to_contract() for r in self.referrals],
        }


#: The analysis stages, in order: each is ``stage(analysis, ctx) -> Analysis``.
ANALYSIS_STAGES = (classify, find, gate, split, extract, triage, check)


def analyse(document: Document, ctx: StageContext) -> tuple[Document, list[Referral]]:
    """Everything after reading: classify, find, gate, split, extract, triage, check."""
    analysis = Analysis(document=document)
    for stage in ANALYSIS_STAGES:
        analysis = stage(analysis, ctx)
    return analysis.document, analysis.referrals


def read_all_pages(document: Document, ctx: StageContext) -> Document:
    """Read every page in order, reporting progress per page."""
    pages = []
    total = document.page_count
    for number in document.page_numbers:
        pages.append(read_page(document, number, ctx))
        ctx.report(f"page {number}/{total}", number / total)
    return document.with_pages(pages)


def quarantine_copy(path: Path, quarantine_dir: Path, sha256: str, error: str) -> None:
    """Keep a copy of a rejected input with a ``.error.txt`` saying why (never moves it)."""
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    target = quarantine_dir / f"{sha256[:16]}{path.suffix.lower()}"
    if path.exists() and not target.exists():
        shutil.copy2(path, target)
    target.with_name(target.name + ".error.txt").write_text(error + "\n", encoding="utf-8")


def _stored_result(store: Store, path: Path, sha256: str) -> ProcessResult | None:
    row = store.document_by_sha(sha256)
    if row is None:
        return None
    store.record_delivery(sha256, path.name, duplicate=True)
    return ProcessResult(
        source=path.name,
        sha256=sha256,
        pages=row.page_count,
        status=DocumentStatus(row.status),
        error=row.error,
        error_code=row.error_code,
        document_id=row.id,
        document_type=row.document_type,
        duplicate=True,
        referrals=store.referrals_of(row.id),
    )


def process(
    path: Path, ctx: StageContext, store: Store, *, fax: FaxMeta | None = None
) -> ProcessResult:
    """Process one file end to end and store the result; idempotent on the file's sha256."""
    settings = ctx.settings
    try:
        sha256 = sha256_of(path)
    except OSError:
        return ProcessResult(
            path.name,
            "",
            0,
            DocumentStatus.QUARANTINED,
            error="unreadable_file: the file cannot be read",
            error_code="unreadable_file",
        )
    stored = _stored_result(store, path, sha256)
    if stored is not None:
        return stored
    store.record_delivery(sha256, path.name, duplicate=False)
    document = bare_document(path, sha256=sha256, fax=fax)
    try:
        document = ingest(document, ctx)
        workdir = settings.pages_dir / str(document.id)
        page_ctx = StageContext(settings=settings, workdir=workdir, report=ctx.report)
        document = read_all_pages(document, page_ctx)
        document, referrals = analyse(document, page_ctx)
    except IntakeError as exc:
        return _quarantine(path, document, store, settings.quarantine_dir, exc)
    except Exception as exc:  # a bug: keep the file and say so, without leaking PHI
        log.error("doc=%s internal error: %s", str(document.id)[:8], redacted_traceback(exc))
        error = Rejected(f"{type(exc).__name__} while processing", code=ErrorCode.INTERNAL_ERROR)
        return _quarantine(path, document, store, settings.quarantine_dir, error)
    outcome = store.save_processed(document, referrals)
    if not outcome.created:
        referrals = store.referrals_of(outcome.document_id)
    return ProcessResult(
        source=path.name,
        sha256=sha256,
        pages=document.page_count,
        status=DocumentStatus.PROCESSED,
        document_id=outcome.document_id,
        document_type=document.document_type.value if document.document_type else None,
        duplicate=not outcome.created,
        referrals=referrals,
    )


def _quarantine(
    path: Path, document: Document, store: Store, quarantine_dir: Path, exc: IntakeError
) -> ProcessResult:
    message = exc.describe()
    log.warning("doc=%s quarantined code=%s", str(document.id)[:8], exc.code.value)
    quarantine_copy(path, quarantine_dir, document.sha256, message)
    outcome = store.save_quarantined(document, exc.code.value, message)
    return ProcessResult(
        source=path.name,
        sha256=document.sha256,
        pages=document.page_count,
        status=DocumentStatus.QUARANTINED,
        error=message,
        error_code=exc.code.value,
        document_id=outcome.document_id,
    )
