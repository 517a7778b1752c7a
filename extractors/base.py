"""The engine contract: how a file page becomes a ``Page`` of words with boxes.

Engines are small objects behind a structural ``Protocol`` (paperless-ngx parser registry,
OCRmyPDF plugins): the registry asks each one for a ``score`` and the highest wins, ``None``
declines. Everything an engine may depend on besides the file travels in a frozen
``EngineContext`` so engines never read global settings and stay picklable for page-level
parallelism.

What every engine's ``Page`` means:

- ``rotation``: how far the page as received (a PDF page as a viewer shows it) was turned
  clockwise, 0/90/180/270 — the convention of ``samples/README.md``. The engine turned it
  back, so words, boxes and the page image are upright.
- ``skew_degrees``: small tilt found and removed, counter-clockwise positive.
- ``dpi``: the source's declared resolution (fax "normal" is (204, 98)); PDF pages report
  the resolution they were rendered at. ``width_px``/``height_px``: the upright image the
  words were read from (for a text layer: the page at ``ctx.image_dpi``).
- word boxes: 0–1 of the upright page, so they fit the page image at any resolution.
- words: reading order; one ``(block, line)`` per printed line, so ``Page.text()`` puts a
  label and its value on one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from pathlib import Path

    from models.document import Page

PDF = "application/pdf"
TIFF = "image/tiff"
PNG = "image/png"
JPEG = "image/jpeg"
MEDIA_TYPES = (PDF, TIFF, PNG, JPEG)
IMAGE_TYPES = (TIFF, PNG, JPEG)
#: File name endings a folder scan picks up as documents (the content is sniffed all the same).
DOCUMENT_SUFFIXES = frozenset({".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"})


@dataclass(frozen=True)
class EngineContext:
    """Settings for reading one page, frozen so engines cannot change them for each other.

    Attributes:
        ocr_dpi: Render resolution for PDF pages that need OCR (Tesseract likes ~300 dpi).
        ocr_timeout_s: Hard limit for one Tesseract call; beyond it the page is retried later.
        tesseract_lang: Tesseract language(s), e.g. ``"eng"`` or ``"eng+spa"``.
        min_text_chars: A PDF text layer with fewer non-space characters is treated as
            absent (a scanned page), so the page is OCRed instead.
        workdir: Folder for the page image the review UI shows; ``None`` writes nothing.
        image_dpi: Resolution of that page image.
        tmp_dir: Private folder for Tesseract's input images (PHI); ``None``: ``$TMPDIR``.
    """

    ocr_dpi: int = 300
    ocr_timeout_s: float = 60.0
    tesseract_lang: str = "eng"
    min_text_chars: int = 20
    workdir: Path | None = None
    image_dpi: int = 150
    tmp_dir: Path | None = None


@runtime_checkable
class TextEngine(Protocol):
    """Anything that can turn one page of a file into a ``Page``.

    ``score`` must be cheap and side-effect free: the registry calls it on every engine for
    every page. Return ``None`` to decline, a higher integer to win over other engines
    (built-ins use 10 for OCR and 50 for the PDF text layer; plugins can outbid them).
    """

    name: str

    def score(self, media_type: str, path: Path, page_no: int, ctx: EngineContext) -> int | None:
        """How well this engine fits the page, or ``None`` to decline."""
        ...

    def read_page(self, path: Path, media_type: str, page_no: int, ctx: EngineContext) -> Page:
        """Read 1-based page ``page_no`` of ``path`` into a ``Page``.

        Raises:
            models.errors.Rejected: the page can never be read (quarantine).
            models.errors.Transient: worth retrying (e.g. an OCR timeout under load).
            NoUsableText: a text-layer engine found no usable text; the registry falls back.
        """
        ...


class NoUsableText(Exception):
    """Raised by a text-layer engine when the page has no usable text layer.

    It is the registry's cue for its one explicit fallback (text layer → OCR); it never
    escapes ``extractors.registry.read_page``.
    """
