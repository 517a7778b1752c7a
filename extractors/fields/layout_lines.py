"""Text lines and cells: the words of a page regrouped as tokens, lines and gap-split cells.

A form row such as "DOB: 01/02/1960      Sex: F" is one text line but two cells; the wide gap
between them is what tells a label's value where to stop. The gap that separates cells is
measured per page (fonts and fax resolutions differ), never fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from statistics import median
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.document import Page

__all__ = ["Line", "Token", "read_lines"]


@dataclass(frozen=True)
class Token:
    """A word, or the part of one either side of a ":" ("DOB:03/04/1961" is two tokens)."""

    text: str
    start: int
    end: int
    x0: float
    y0: float
    x1: float
    y1: float
    line: int
    seg: int


@dataclass(frozen=True)
class Line:
    """A text line: tokens ``[first, last)`` and its box."""

    first: int
    last: int
    x0: float
    y0: float
    x1: float
    y1: float


def _split_colon(text: str) -> list[tuple[int, str]]:
    """Split "DOB:03/04/1961" after the colon; leave "12:30" alone."""
    out: list[tuple[int, str]] = []
    off = 0
    while True:
        idx = text.find(":", off)
        if idx < 0 or idx == len(text) - 1 or not any(c.isalpha() for c in text[off:idx]):
            out.append((off, text[off:]))
            return out
        out.append((off, text[off : idx + 1]))
        off = idx + 1


def _cell_gap(page: Page) -> float:
    """Horizontal gap (page widths) that separates two cells rather than two words.

    A word space is 0.5–1.4 character widths depending on font and fax resolution, so the
    threshold adapts to the page: twice its typical word gap, and at least 1.8 characters.
    """
    words = page.words
    widths = [w.box.width / len(w.text) for w in words if len(w.text) >= 2 and w.box.width > 0]
    if not widths:
        return 0.02
    cw = median(widths)
    gaps = [
        b.box.x0 - a.box.x1
        for a, b in pairwise(words)
        if (a.block, a.line) == (b.block, b.line) and 0 < b.box.x0 - a.box.x1 < 3 * cw
    ]
    typical = median(gaps) if len(gaps) >= 5 else 0.6 * cw
    return max(1.8 * cw, 2.2 * typical, 0.006)


def read_lines(page: Page) -> tuple[list[Token], list[Line]]:
    """Tokens (words split after an inner ":") with cell numbers, and the lines holding them."""
    words, spans = page.words, page.word_spans()
    gap = _cell_gap(page)
    toks: list[Token] = []
    lines: list[Line] = []
    prev_key: tuple[int, int] | None = None
    line_first = seg = 0
    for w, (s, _e) in zip(words, spans, strict=True):
        key = (w.block, w.line)
        if key != prev_key:
            if toks:
                lines.append(_line(toks, line_first))
            line_first, seg = len(toks), 0
        elif toks and w.box.x0 - toks[-1].x1 > gap:
            seg += 1
        prev_key = key
        n = max(len(w.text), 1)
        for off, piece in _split_colon(w.text):
            x0 = w.box.x0 + w.box.width * off / n
            x1 = w.box.x0 + w.box.width * (off + len(piece)) / n
            toks.append(
                Token(
                    piece,
                    s + off,
                    s + off + len(piece),
                    x0,
                    w.box.y0,
                    x1,
                    w.box.y1,
                    len(lines),
                    seg,
                )
            )
    if toks:
        lines.append(_line(toks, line_first))
    return toks, lines


def _line(toks: list[Token], first: int) -> Line:
    part = toks[first:]
    return Line(
        first,
        len(toks),
        min(t.x0 for t in part),
        min(t.y0 for t in part),
        max(t.x1 for t in part),
        max(t.y1 for t in part),
    )
