"""Decide what a file is, by content, and refuse what the pipeline must not try to read.

Names and extensions come from senders and cannot be trusted (a PNG named ``.pdf`` is a
PNG). ``sniff`` reads magic bytes, then opens the file just far enough to count pages and
read page sizes from headers: pixels are never decoded, so a 20,000×20,000 PNG of a few
kilobytes (a decompression bomb) is refused in milliseconds. Every refusal is a ``Rejected``
with its ``ErrorCode``; messages carry numbers only, never the file name.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image, TiffImagePlugin

from extractors import pdf_sandbox
from extractors.base import JPEG, PDF, PNG, TIFF
from extractors.pdf_native import check_page_count
from models.errors import ErrorCode, Rejected

if TYPE_CHECKING:
    from pathlib import Path

#: Smallest side, in pixels, that can hold a line of text.
MIN_SIDE_PX = 50
#: The PDF trailer must appear this close to the end; beyond it the file was cut short.
_EOF_WINDOW = 4096
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"II+\x00", TIFF),  # BigTIFF
    (b"MM\x00+", TIFF),
)
_TIFF_STRIPS = ((273, 279), (324, 325))  # (offsets, byte counts): strips, tiles


@dataclass(frozen=True)
class SniffResult:
    """What a file is and how big its pages are.

    Attributes:
        media_type: ``application/pdf``, ``image/tiff``, ``image/png`` or ``image/jpeg``.
        page_count: Pages (PDF) or frames (TIFF); 1 for PNG/JPEG.
        page_sizes: (width, height) in pixels per page: as stored for images (a fax
            "normal" TIFF is 1728 wide and ~1100 high), at ``render_dpi`` for PDF pages.
    """

    media_type: str
    page_count: int
    page_sizes: list[tuple[int, int]] | None


def media_type_of(head: bytes) -> str | None:
    """Media type from the first bytes of a file, or ``None`` if unsupported.

    A PDF header may follow some junk (PDF readers accept it within the first kilobyte).
    """
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if b"%PDF-" in head[:1024]:
        return PDF
    return None


def sniff(
    path: Path, *, max_pages: int, max_pixels: int, max_bytes: int, render_dpi: int = 300
) -> SniffResult:
    """Identify ``path`` by content and check it against the intake limits.

    Args:
        path: The file to inspect; it is only read.
        max_pages: More pages than this → ``TOO_MANY_PAGES``.
        max_pixels: Any page or frame with more pixels → ``IMAGE_TOO_LARGE``.
        max_bytes: A larger file → ``FILE_TOO_LARGE``.
        render_dpi: Resolution PDF pages will be rasterized at, to apply ``max_pixels``
            and ``MIN_SIDE_PX`` to them too.

    Returns:
        The media type, page count and page sizes.

    Raises:
        Rejected: ``EMPTY_FILE``, ``FILE_TOO_LARGE``, ``UNSUPPORTED_TYPE``, ``CORRUPT_FILE``,
            ``ENCRYPTED_PDF``, ``TOO_MANY_PAGES``, ``IMAGE_TOO_LARGE`` or ``IMAGE_TOO_SMALL``.
    """
    size = path.stat().st_size
    if size == 0:
        raise Rejected("file is empty", code=ErrorCode.EMPTY_FILE)
    if size > max_bytes:
        raise Rejected(f"file has {size} bytes, limit {max_bytes}", code=ErrorCode.FILE_TOO_LARGE)
    with path.open("rb") as fh:
        head = fh.read(1024)
        fh.seek(max(0, size - _EOF_WINDOW))
        tail = fh.read()
    media_type = media_type_of(head)
    if media_type is None:
        raise Rejected("not a PDF, TIFF, PNG or JPEG", code=ErrorCode.UNSUPPORTED_TYPE)
    if media_type == PDF:
        if b"%%EOF" not in tail:
            raise Rejected("PDF is truncated (no end-of-file marker)", code=ErrorCode.CORRUPT_FILE)
        sizes = pdf_sandbox.page_sizes(path, max_pages, render_dpi)  # parsed in a child
    else:
        sizes = _image_sizes(path, media_type, size=size, max_pages=max_pages, tail=tail)
    for number, (width, height) in enumerate(sizes, start=1):
        if width * height > max_pixels:
            raise Rejected(
                f"page {number} has {width}x{height} pixels, limit {max_pixels}",
                code=ErrorCode.IMAGE_TOO_LARGE,
            )
        if min(width, height) < MIN_SIDE_PX:
            raise Rejected(
                f"page {number} is {width}x{height} pixels", code=ErrorCode.IMAGE_TOO_SMALL
            )
    return SniffResult(media_type=media_type, page_count=len(sizes), page_sizes=sizes)


def _image_sizes(
    path: Path, media_type: str, *, size: int, max_pages: int, tail: bytes
) -> list[tuple[int, int]]:
    """Frame sizes from image headers; TIFF strips are checked to lie inside the file.

    Pillow refuses images beyond twice its own pixel limit with ``DecompressionBombError``
    before we can look at them: that is exactly our ``IMAGE_TOO_LARGE``.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            warnings.simplefilter("ignore", UserWarning)  # "Corrupt EXIF data" and friends
            with Image.open(path, formats=[media_type.split("/")[1].upper()]) as image:
                if media_type != TIFF:
                    if media_type == PNG:
                        image.verify()  # chunk CRCs, without inflating pixel data
                    elif b"\xff\xd9" not in tail:
                        raise Rejected("JPEG is truncated", code=ErrorCode.CORRUPT_FILE)
                    return [image.size]
                count = getattr(image, "n_frames", 1)
                check_page_count(count, max_pages)
                sizes = []
                damaged: list[Rejected] = []
                for index in range(count):
                    image.seek(index)
                    try:
                        _check_tiff_strips(image, size)
                    except Rejected as exc:  # one bad frame fails as a page, not the file
                        damaged.append(exc)
                    sizes.append(image.size)
                if len(damaged) == count:
                    raise damaged[0]
                return sizes
    except Image.DecompressionBombError as exc:
        raise Rejected("image exceeds the pixel limit", code=ErrorCode.IMAGE_TOO_LARGE) from exc
    except Rejected:
        raise
    except (OSError, EOFError, ValueError, SyntaxError, KeyError, IndexError) as exc:
        raise Rejected("image cannot be parsed", code=ErrorCode.CORRUPT_FILE) from exc


def _check_tiff_strips(image: Image.Image, size: int) -> None:
    """Refuse a TIFF frame whose pixel data would run past the end of the file."""
    tags = image.tag_v2 if isinstance(image, TiffImagePlugin.TiffImageFile) else {}
    for offsets_tag, counts_tag in _TIFF_STRIPS:
        offsets = tags.get(offsets_tag)
        counts = tags.get(counts_tag)
        if offsets is None:
            continue
        if counts is None:
            raise Rejected("TIFF frame has no byte counts", code=ErrorCode.CORRUPT_FILE)
        offsets = offsets if isinstance(offsets, tuple) else (offsets,)
        counts = counts if isinstance(counts, tuple) else (counts,)
        if any(o + c > size for o, c in zip(offsets, counts, strict=False)):
            raise Rejected("TIFF is truncated", code=ErrorCode.CORRUPT_FILE)
        return
    raise Rejected("TIFF frame has no pixel data", code=ErrorCode.CORRUPT_FILE)
