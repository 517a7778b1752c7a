"""Where a free-text clinical value stops: lines, labels and blank-line gaps on one page.

A reason for referral often wraps over two to four lines; ``extend_field`` follows it down the
page until the next label, section header, checkbox row or blank-line gap (a vertical gap well
above the page's usual line spacing, from the words' boxes when the text came from a Page).
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from extractors.fields.clinical_rules import label_patterns, load_rules

if TYPE_CHECKING:
    from models.document import Page

MAX_EXTRA_LINES = 4
_SHORT_STATEMENT = 3
_GAP_FACTOR = 1.25
# a line starting "Label:" — at most five words before the colon (prose has more)
_LINE_LABEL = re.compile(r"^\s*(?=[^:\n]{1,35}:)[A-Za-z][^:\s]*(?:[ \t]+[^:\s]+){0,4}[ \t]*:(?!\d)")
_SEMI_LABEL = re.compile(r"^\s*(?P<word>[A-Za-z][\w/-]{3,})(?:\s+[\w()\\/.-]+){0,3}?\s*[:;]")
_BOX_MARKS = re.compile(r"^\s*(?:[☐☑☒□■✓✔⊠]|\[\s*[xX✓]?\s*\]|\(\s*[xX]?\s*\))")


@dataclass(frozen=True)
class Line:
    """One text line of a page: its character range and, when known, its vertical extent."""

    start: int
    end: int
    top: float | None = None
    bottom: float | None = None


def page_lines(text: str, page: Page | None = None) -> list[Line]:
    """The lines of ``text``, with their vertical extent when ``page`` built that text."""
    ranges: list[tuple[int, int]] = []
    pos = 0
    for part in text.split("\n"):
        ranges.append((pos, pos + len(part)))
        pos += len(part) + 1
    if page is None or not page.words or page.text() != text:
        return [Line(s, e) for s, e in ranges]
    lines: list[Line] = []
    spans = page.word_spans()
    i = 0
    for start, end in ranges:
        tops: list[float] = []
        bottoms: list[float] = []
        while i < len(spans) and spans[i][0] < end + 1:
            if spans[i][0] >= start:
                tops.append(page.words[i].box.y0)
                bottoms.append(page.words[i].box.y1)
            i += 1
        lines.append(Line(start, end, min(tops, default=None), max(bottoms, default=None)))
    return lines


def is_boundary_line(text: str, line: Line) -> bool:
    """True when ``line`` starts something new: a label, a section header or a checkbox row."""
    content = text[line.start : line.end]
    if not content.strip():
        return True
    pats = label_patterns()
    return bool(
        pats["_header"].match(content)
        or _LINE_LABEL.match(content)
        or pats["_any"].match(content)
        or _BOX_MARKS.match(content)
        or _garbled_label(content)
    )


def _garbled_label(content: str) -> bool:
    """A line starting with an OCR-damaged known label: "Diagnosia (TCD-10); R53,1"."""
    match = _SEMI_LABEL.match(content)
    if match is None:
        return False
    word = match.group("word").lower()
    return process.extractOne(word, _label_heads(), scorer=fuzz.ratio, score_cutoff=85) is not None


@lru_cache(maxsize=1)
def _label_heads() -> tuple[str, ...]:
    """First words (≥ 4 letters) of every known label."""
    rules = load_rules("clinical.yaml")
    phrases = [p for ps in rules["labels"].values() for p in ps] + rules["stop_labels"]
    return tuple(sorted({w for p in phrases if len(w := p.split()[0].lower()) >= 4}))


def next_label(text: str, start: int, end: int) -> int:
    """Offset of the first known label in ``text[start:end]``, or ``end``."""
    match = label_patterns()["_any"].search(text, start, end)
    return match.start() if match else end


def extend_field(
    text: str, lines: list[Line], start: int, *, max_extra: int = MAX_EXTRA_LINES
) -> int:
    """End offset of a free-text value that starts at ``start`` and may wrap over lines.

    The value runs to the end of its line (or the next label on it), then over following lines
    while none of them starts a new label, header or checkbox row and no blank-line gap
    (a vertical gap well above the usual line spacing) separates them.
    """
    idx = next((k for k, ln in enumerate(lines) if ln.start <= start <= ln.end), None)
    if idx is None:
        return start
    end = next_label(text, start, lines[idx].end)
    if end < lines[idx].end:
        return trim_end(text, start, end)
    spacing = _line_spacing(lines)
    for k in range(idx + 1, min(idx + 1 + max_extra, len(lines))):
        prev, line = lines[k - 1], lines[k]
        if is_boundary_line(text, line):
            break
        if text[prev.start : prev.end].rstrip().endswith((".", "?", "!")) and len(
            text[line.start : line.end].split()
        ) <= _SHORT_STATEMENT:
            break  # "… requested." then "Routine referral": a new statement, not a wrap
        gap = _gap(prev, line)
        if spacing and gap is not None and gap > spacing * _GAP_FACTOR:
            break
        end = next_label(text, line.start, line.end)
        if end < line.end:
            break
    return trim_end(text, start, end)


def _gap(above: Line, below: Line) -> float | None:
    """Vertical white space between two lines, when both have boxes."""
    if above.bottom is None or below.top is None:
        return None
    return below.top - above.bottom


def _line_spacing(lines: list[Line]) -> float | None:
    """Typical gap between consecutive lines (median), from their boxes."""
    gaps = [g for a, b in itertools.pairwise(lines) if (g := _gap(a, b)) is not None and g >= 0]
    heights = [ln.bottom - ln.top for ln in lines if ln.top is not None and ln.bottom is not None]
    if not heights:
        return None
    gap = statistics.median(gaps) if gaps else 0.0
    return max(gap, 0.6 * statistics.median(heights))


def trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t\n,;":
        end -= 1
    return end


