"""Page builders for the field-extractor tests: literal text laid out with word boxes.

``make_page`` lays out lines like a monospaced form: every character is one cell of
``CHAR_W`` page widths, so the column a word starts at in the string is where it sits on the
page. Runs of three or more spaces therefore become the wide gaps that separate form cells,
and a value typed under its label in the next string lands in the box below that label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pytest

from models.document import Page, Word
from models.geometry import Box
from models.vocab import TextSource

CHAR_W = 0.008
LINE_H = 0.012
LINE_STEP = 0.02
LEFT = 0.05
TOP = 0.05

PageMaker = Callable[..., Page]


def build_page(
    lines: list[str],
    *,
    confidence: float = 1.0,
    word_confidence: Mapping[str, float] | None = None,
    line_gaps: Mapping[int, float] | None = None,
    number: int = 1,
) -> Page:
    """Lay ``lines`` out as a Page, one Word per whitespace-separated token.

    Args:
        lines: text lines; leading spaces indent, runs of ≥ 3 spaces make cell gaps.
        confidence: engine confidence of every word (OCR pages: below 1).
        word_confidence: per-word-text confidence overrides (e.g. ``{"O3/04/1961": 0.4}``).
        line_gaps: extra vertical space (in line steps) before the given line index.
        number: page number.
    """
    words: list[Word] = []
    y = TOP
    for li, line in enumerate(lines):
        y += (line_gaps or {}).get(li, 0.0) * LINE_STEP
        for m in re.finditer(r"\S+", line):
            x0 = LEFT + m.start() * CHAR_W
            x1 = LEFT + m.end() * CHAR_W
            conf = (word_confidence or {}).get(m.group(), confidence)
            words.append(
                Word(
                    text=m.group(),
                    box=Box.clamped(x0, y, x1, y + LINE_H),
                    confidence=conf,
                    block=0,
                    line=li,
                )
            )
        y += LINE_STEP
    source = TextSource.OCR if confidence < 1.0 else TextSource.TEXT_LAYER
    return Page(number=number, width_px=2550, height_px=3300, text_source=source, words=words)


@pytest.fixture
def make_page() -> PageMaker:
    """``make_page(["Patient Name: Jane Doe   DOB: 03/04/1961"])`` → Page (see build_page)."""
    return build_page


def words_of(page: Page, start: int, end: int) -> list[str]:
    """Texts of the words under a character span: the span → words → box path under test."""
    return [w.text for w in page.words_for(start, end)]


def run_components(page: Page, *factories: str) -> list:
    """Candidates the given field components (``"intake_phone"``, ...) mark on ``page``."""
    from extractors.fields.base import candidates
    from tests.extractors.fields.clinical_helpers import doc_for

    return candidates(doc_for(page, *factories), page.number)


@pytest.fixture
def extract() -> Callable[..., list]:
    """``extract(page, "intake_dates")`` → the candidates that component marks on the page."""
    return run_components


def best(cands: list, name: str):
    """Highest-confidence candidate for field ``name`` (or None)."""
    found = [c for c in cands if str(c.name) == name]
    return max(found, key=lambda c: c.confidence, default=None)
