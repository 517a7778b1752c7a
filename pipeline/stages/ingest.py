"""Ingest: identify a file by its bytes and content, and refuse what can never be read."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from extractors.sniff import sniff
from models.document import Document, FaxMeta
from models.errors import ErrorCode, Rejected
from pipeline.stage import StageContext

_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks (faxes can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def bare_document(
    path: Path, *, sha256: str, fax: FaxMeta | None = None, source_name: str | None = None
) -> Document:
    """A Document that only knows its file: what a quarantined input is recorded as."""
    return Document(
        sha256=sha256,
        media_type="application/octet-stream",
        size_bytes=path.stat().st_size if path.is_file() else 0,
        source_name=source_name if source_name is not None else path.name,
        source_path=str(path),
        received_at=datetime.now(UTC),
        page_count=0,
        fax=fax,
    )


def ingest(document: Document, ctx: StageContext) -> Document:
    """Sniff a bare document's file (see :func:`bare_document`): its type and page count.

    The caller hashed the file once already, to know whether it was seen before; the sha256
    comes with the bare document and is not computed again.

    Raises:
        Rejected: the file is missing, empty, corrupt, encrypted, of an unsupported type or
            over the size/page/pixel limits.
    """
    path = Path(document.source_path or "")
    if not document.source_path or not path.is_file():
        raise Rejected("not a regular file", code=ErrorCode.UNSUPPORTED_TYPE)
    settings = ctx.settings
    sniffed = sniff(
        path,
        max_pages=settings.max_pages,
        max_pixels=settings.max_pixels,
        max_bytes=settings.max_file_mb * 1024 * 1024,
        render_dpi=settings.ocr_dpi,
    )
    return document.model_copy(
        update={"media_type": sniffed.media_type, "page_count": sniffed.page_count}
    )
