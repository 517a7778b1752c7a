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
        size_bytes=path.stat().st_size,
        source_name=source_name if source_name is not None else path.name,
        source_path=str(path),
        received_at=datetime.now(UTC),
        page_count=0,
        fax=fax,
    )


def ingest(
    path: Path, ctx: StageContext, *, fax: FaxMeta | None = None, sha256: str | None = None
) -> Document:
    """Hash (unless ``sha256`` is known) and sniff ``path``; a Document with no pages read yet.

    Raises:
        Rejected: the file is missing, empty, corrupt, encrypted, of an unsupported type or
            over the size/page/pixel limits.
    """
    if not path.is_file():
        raise Rejected("not a regular file", code=ErrorCode.UNSUPPORTED_TYPE)
    settings = ctx.settings
    sniffed = sniff(
        path,
        max_pages=settings.max_pages,
        max_pixels=settings.max_pixels,
        max_bytes=settings.max_file_mb * 1024 * 1024,
        render_dpi=settings.ocr_dpi,
    )
    document = bare_document(path, sha256=sha256 or sha256_of(path), fax=fax)
    return document.model_copy(
        update={"media_type": sniffed.media_type, "page_count": sniffed.page_count}
    )
