"""Run the stages in order for one file, without a queue: the CLI's and the tests' path.

ingest → read every page → classify → find → gate → split → extract → triage → check → store.
Every failure ends as a quarantined result with a clear error, never as a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from models.document import Document, FaxMeta
from models.errors import ErrorCode, IntakeError, Rejected, redacted_traceback
from models.evidence import Analysis
from models.fs import safe_name
from models.referral import Referral
from pipeline import quarantine
from pipeline.filestore import FileStore
from pipeline.results import InputStatus, ProcessResult, not_found, refused
from pipeline.stage import StageContext
from pipeline.stages.ingest import bare_document, ingest
from pipeline.stages.read_page import read_page

if TYPE_CHECKING:
    from collections.abc import Callable

    from models.storage import Store

log = logging.getLogger(__name__)

__all__ = ["InputStatus", "ProcessResult", "analyse", "not_found", "process", "refused"]


def analysis_stages() -> tuple[Callable[[Analysis, StageContext], Analysis], ...]:
    """The analysis stages in order; each is ``stage(analysis, ctx) -> Analysis``."""
    from pipeline.stages.check import check
    from pipeline.stages.classify import classify
    from pipeline.stages.extract import extract
    from pipeline.stages.find import find
    from pipeline.stages.gate import gate
    from pipeline.stages.split import split
    from pipeline.stages.triage import triage

    return (classify, find, gate, split, extract, triage, check)


def analyse(document: Document, ctx: StageContext) -> tuple[Document, list[Referral]]:
    """Everything after reading: classify, find, gate, split, extract, triage, check.

    Each stage is ``stage(analysis, ctx) -> Analysis`` (``models.evidence.Analysis``). The
    stages are imported here, on first need: they load spaCy, the ICD-10 index and the
    embedding model, which a call that fails on its input must not pay for.
    """
    from pipeline.stages.received import received_problems

    if document.pages and all(p.unreadable for p in document.pages):
        raise Rejected("no page could be read", code=ErrorCode.CORRUPT_FILE)
    analysis = Analysis(document=document)
    for stage in analysis_stages():
        analysis = stage(analysis, ctx)
    return analysis.document, received_problems(analysis.document, analysis.referrals)


def read_all_pages(document: Document, ctx: StageContext) -> Document:
    """Read every page in order, reporting progress per page."""
    pages = []
    total = document.page_count
    for number in document.page_numbers:
        pages.append(read_page(document, number, ctx))
        ctx.report(f"page {number}/{total}", number / total)
    return document.with_pages(pages)


def _stored_result(store: Store, source: str, name: str, sha256: str) -> ProcessResult | None:
    row = store.document_by_sha(sha256)
    if row is None:
        return None
    store.record_delivery(sha256, name, duplicate=True)
    return ProcessResult(
        source=source,
        sha256=sha256,
        pages=row.page_count,
        status=InputStatus(row.status),
        error=row.error,
        error_code=row.error_code,
        document_id=row.id,
        document_type=row.document_type,
        duplicate=True,
        referrals=store.referrals_of(row.id),
    )


def process(
    path: Path,
    ctx: StageContext,
    store: Store,
    *,
    fax: FaxMeta | None = None,
    source: str | None = None,
) -> ProcessResult:
    """Process one file end to end and store the result; idempotent on the file's sha256.

    The input is first copied into the private file store through a descriptor opened with
    ``O_NOFOLLOW`` on a checked regular file; everything after reads that copy, so the bytes
    hashed are the bytes read. A link, folder, pipe or device is refused unread.

    Args:
        path: The input.
        ctx: Settings and progress sink.
        store: Where results go.
        fax: Metadata from the fax server, if any.
        source: How the caller named the input (echoed in the result); default: ``path``.
    """
    settings = ctx.settings
    shown = source if source is not None else safe_name(str(path))
    name = safe_name(path.name)
    try:
        stored = FileStore(settings.file_store_dir).put(path)
    except FileNotFoundError:
        return not_found(shown)
    except Rejected as exc:
        return refused(shown, exc)
    except OSError:
        error = Rejected("the file cannot be read", code=ErrorCode.UNREADABLE_FILE)
        return refused(shown, error)
    sha256 = stored.sha256
    previous = _stored_result(store, shown, name, sha256)
    if previous is not None:
        return previous
    store.record_delivery(sha256, name, duplicate=False)
    document = bare_document(stored.path, sha256=sha256, fax=fax, source_name=name)
    try:
        document = ingest(document, ctx)
        workdir = settings.pages_dir / str(document.id)
        page_ctx = StageContext(settings=settings, workdir=workdir, report=ctx.report)
        document = read_all_pages(document, page_ctx)
        document, referrals = analyse(document, page_ctx)
    except IntakeError as exc:
        return _quarantine(stored.path, path.suffix, shown, document, store, ctx, exc)
    except Exception as exc:  # a bug: keep the file and say so, without leaking PHI
        log.error("doc=%s internal error: %s", str(document.id)[:8], redacted_traceback(exc))
        error = Rejected(f"{type(exc).__name__} while processing", code=ErrorCode.INTERNAL_ERROR)
        return _quarantine(stored.path, path.suffix, shown, document, store, ctx, error)
    outcome = store.save_processed(document, referrals)
    if not outcome.created:
        referrals = store.referrals_of(outcome.document_id)
    log.info("doc=%s processed; %d referral(s)", outcome.document_id[:8], len(referrals))
    return ProcessResult(
        source=shown,
        sha256=sha256,
        pages=document.page_count,
        status=InputStatus.PROCESSED,
        document_id=outcome.document_id,
        document_type=document.document_type.value if document.document_type else None,
        duplicate=not outcome.created,
        referrals=referrals,
    )


def _quarantine(
    stored: Path,
    suffix: str,
    shown: str,
    document: Document,
    store: Store,
    ctx: StageContext,
    exc: IntakeError,
) -> ProcessResult:
    failure = quarantine.Failure.of(exc)
    quarantine.keep_copy(
        stored, ctx.settings.quarantine_dir, document.sha256, failure, suffix=suffix
    )
    outcome = quarantine.record(store, document, failure)
    return ProcessResult(
        source=shown,
        sha256=document.sha256,
        pages=document.page_count,
        status=InputStatus.QUARANTINED,
        error=failure.message,
        error_code=failure.code,
        document_id=outcome.document_id,
    )
