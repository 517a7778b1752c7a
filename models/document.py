"""Documents as the pipeline reads them: pages of words with boxes.

A page's text is built from its words in reading order, a line per Tesseract/PDF line, so a
character range found by a text extractor maps back to words and, through their boxes, to a
place on the page image. ``Page.text()`` and ``Page.words_for()`` are that single path.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

from models.geometry import Box, union_all
from models.vocab import DocumentType, PageKind, TextSource


class Word(BaseModel):
    """One word with its box and the engine's confidence (0–1; 1.0 for a PDF text layer)."""

    model_config = ConfigDict(frozen=True)

    text: str
    box: Box
    confidence: float = Field(ge=0.0, le=1.0)
    block: int = 0
    line: int = 0


class FaxMeta(BaseModel):
    """What the fax server knew about the call; all optional, none of it trusted blindly."""

    sender_fax: str | None = None
    csid: str | None = None
    received: datetime | None = None
    job_id: str | None = None
    pages_expected: int | None = None


class Page(BaseModel):
    """One page after reading: geometry of the render, how it was read, and its words."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    number: int = Field(ge=1)
    width_px: int
    height_px: int
    dpi: tuple[float, float] = (300.0, 300.0)
    rotation: int = 0
    skew_degrees: float = 0.0
    text_source: TextSource = TextSource.NONE
    ocr_confidence: float | None = None
    kind: PageKind | None = None
    kind_confidence: float | None = None
    image_path: str | None = None
    words: list[Word] = Field(default_factory=list)
    #: Why the page could not be read ("code: reason"), e.g. one corrupt frame of a fax; the
    #: other pages are still read and the referral says which page is missing.
    unreadable: str | None = None

    @cached_property
    def _layout(self) -> tuple[str, list[tuple[int, int]]]:
        """Text with one line per (block, line) and each word's character span."""
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        pos = 0
        prev: tuple[int, int] | None = None
        for word in self.words:
            key = (word.block, word.line)
            if prev is not None:
                sep = " " if key == prev else "\n"
                parts.append(sep)
                pos += 1
            spans.append((pos, pos + len(word.text)))
            parts.append(word.text)
            pos += len(word.text)
            prev = key
        return "".join(parts), spans

    def text(self) -> str:
        """The page's text, lines joined by ``\\n``; offsets are stable for a given word list."""
        return self._layout[0]

    def word_spans(self) -> list[tuple[int, int]]:
        """Character span of each word in ``text()``, parallel to ``words``."""
        return self._layout[1]

    def words_for(self, start: int, end: int) -> list[Word]:
        """Words overlapping the character range ``[start, end)`` of ``text()``."""
        return [
            w
            for w, (s, e) in zip(self.words, self.word_spans(), strict=True)
            if s < end and e > start
        ]

    def box_for(self, start: int, end: int) -> Box | None:
        """Box covering the characters ``[start, end)``, or ``None`` if no word is there."""
        return union_all([w.box for w in self.words_for(start, end)])

    @property
    def is_blank(self) -> bool:
        """True when nothing was read on the page."""
        return not self.words


class Document(BaseModel):
    """One input file: identity, provenance, and its pages once read."""

    id: UUID = Field(default_factory=uuid4)
    sha256: str
    media_type: str
    size_bytes: int
    source_name: str
    source_path: str | None = None
    received_at: datetime
    page_count: int
    fax: FaxMeta | None = None
    pages: list[Page] = Field(default_factory=list)
    document_type: DocumentType | None = None
    document_type_confidence: float | None = None

    @property
    def page_numbers(self) -> list[int]:
        """1-based page numbers."""
        return list(range(1, self.page_count + 1))

    def page(self, number: int) -> Page:
        """Page by 1-based number."""
        return self.pages[number - 1]

    def with_pages(self, pages: list[Page]) -> Document:
        """Copy with the read pages attached."""
        return self.model_copy(update={"pages": pages})
