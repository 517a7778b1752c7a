"""Build small literal Pages and Docs for the clinical field tests.

Each text line becomes one OCR-like line of words with boxes laid out on a monospace grid, so
offsets into ``Page.text()`` and boxes agree as they would after Tesseract. An empty string in
``lines`` leaves a blank-line gap (no words) — how a paragraph break looks on a page.
"""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from models.document import Page, Word
from models.geometry import Box
from models.vocab import TextSource

CHAR_W = 0.008
LINE_H = 0.012
LINE_STEP = 0.018
LEFT = 0.05
TOP = 0.05


def make_page(lines: list[str], *, number: int = 1, confidence: float = 0.95) -> Page:
    """A Page whose ``text()`` is ``"\\n".join`` of the non-empty ``lines``."""
    words: list[Word] = []
    for row, line in enumerate(lines):
        y0 = TOP + row * LINE_STEP
        col = 0
        for token in line.split(" "):
            if token:
                x0 = LEFT + col * CHAR_W
                box = Box.clamped(x0, y0, x0 + len(token) * CHAR_W, y0 + LINE_H)
                words.append(Word(text=token, box=box, confidence=confidence, block=1, line=row))
            col += len(token) + 1
    return Page(
        number=number,
        width_px=1700,
        height_px=2200,
        text_source=TextSource.OCR if words else TextSource.NONE,
        words=words,
    )


def make_doc(nlp: Language, page: Page) -> Doc:
    """A Doc over ``page.text()`` with the page attached, as ``extractors.nlp.make_doc`` does."""
    doc = nlp.make_doc(page.text())
    doc.user_data["page"] = page
    return doc


def run(component_factory: str, lines: list[str], **config: object) -> tuple[Doc, Page]:
    """Run one registered component on a page made from ``lines``."""
    nlp = spacy.blank("en")
    nlp.add_pipe(component_factory, config=dict(config))
    page = make_page(lines)
    doc = make_doc(nlp, page)
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return doc, page


def field_spans(doc: Doc, label: str) -> list:
    """The ``fields`` spans of ``doc`` with the given field name."""
    return [s for s in doc.spans.get("fields", []) if s.label_ == label]
