"""Where a labelled clinical value starts and where it stops, on one page.

The layout module (``extractors.fields.layout.labelled_values``) finds label → value pairs
with the page geometry; when it is not available, or finds nothing for a key, a text fallback
finds ``Label: value`` on the line. Either way a free-text value (the reason for referral) can
wrap over several lines, so ``extend_field`` follows it down the page until the next label,
section header, checkbox row or blank-line gap.
"""

from __future__ import annotations

import itertools
import logging
import re
import statistics
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from extractors.fields.clinical_rules import clean_key, compile_phrases, load_rules

if TYPE_CHECKING:
    from models.document import Page

log = logging.getLogger(__name__)

MAX_EXTRA_LINES = 4
_TRUST = 88.0
_SHORT_STATEMENT = 3
_GAP_FACTOR = 1.25
_LINE_LABEL = re.compile(
    r"^\s*[A-Za-z][^:\n]{0,30}:(?!\d)|^\s*[A-Za-z][\w/&#().'-]*(?:\s+[\w/&#().'-]+){0,2}\s*;"
)
_FUZZY_LABEL = re.compile(r"^\s*(?P<label>[A-Za-z][\w .|/()-]{9,40}?)\s*[:;]", re.MULTILINE)
_FUZZY_MIN = 78.0
_BOX_MARKS = re.compile(r"^\s*(?:[☐☑☒□■✓✔⊠]|\[\s*[xX✓]?\s*\]|\(\s*[xX]?\s*\))")


@dataclass(frozen=True)
class Line:
    """One text line of a page: its character range and, when known, its vertical extent."""

    start: int
    end: int
    top: float | None = None
    bottom: float | None = None


@dataclass(frozen=True)
class Labelled:
    """A value found after a label: ``[start, end)`` in the page text, and the label's start."""

    key: str
    label_start: int
    start: int
    end: int


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    rules = load_rules("clinical.yaml")
    labels: dict[str, list[str]] = rules["labels"]
    every = [p for phrases in labels.values() for p in phrases] + rules["stop_labels"]
    out = {key: _label_re(phrases) for key, phrases in labels.items()}
    out["_any"] = _label_re(every)
    out["_header"] = re.compile(
        r"^\s*(?:" + compile_phrases(rules["headers"]).pattern + r")\s*:?\s*$", re.IGNORECASE
    )
    return out


def _label_re(phrases: list[str]) -> re.Pattern[str]:
    """``Label:`` — also "Label / Question:", "Label (ICD-10):" and OCR's ';' for ':'."""
    alternation = compile_phrases(phrases).pattern
    suffix = r"(?:\s*/\s*[A-Za-z][\w \-]{0,20}|\s*\([\w\- /]{1,15}\))?"
    return re.compile(
        rf"(?:^|(?<=\s))(?:{alternation}){suffix}\s*[:;\-–]", re.IGNORECASE | re.MULTILINE
    )


@lru_cache(maxsize=8)
def _label_words(key: str) -> tuple[str, ...]:
    return tuple(clean_key(p) for p in load_rules("clinical.yaml")["labels"].get(key, []))


def _trusted_label(key: str, label_text: str) -> bool:
    """True when a label the layout module matched (fuzzily) is one of ours for ``key``.

    The layout lexicon tolerates OCR edits, which can turn "Medications" into "Indications";
    a clinical value taken from the wrong label is worse than none.
    """
    words = _label_words(key)
    if not words:
        return True
    found = process.extractOne(clean_key(label_text), words, scorer=fuzz.token_set_ratio)
    plain = process.extractOne(clean_key(label_text), words, scorer=fuzz.ratio)
    return bool(found and found[1] >= _TRUST) or bool(plain and plain[1] >= _TRUST)


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
    pats = _patterns()
    return bool(
        pats["_header"].match(content)
        or _LINE_LABEL.match(content)
        or pats["_any"].match(content)
        or _BOX_MARKS.match(content)
    )


def next_label(text: str, start: int, end: int) -> int:
    """Offset of the first known label in ``text[start:end]``, or ``end``."""
    match = _patterns()["_any"].search(text, start, end)
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
        return _trim(text, start, end)
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
    return _trim(text, start, end)


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


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t\n,;":
        end -= 1
    return end


def text_labels(text: str, key: str) -> list[Labelled]:
    """``Label: value`` pairs for ``key`` found in the text alone (no geometry).

    When nothing follows the label on its line, the value is taken from the next line
    (label above its value, as in boxed forms).
    """
    out: list[Labelled] = []
    lines = page_lines(text)
    longer = [m.span() for m in _patterns()["_any"].finditer(text)]
    for match in [*_patterns()[key].finditer(text), *_fuzzy_labels(text, key)]:
        if any(s < match.start() and match.end() <= e for s, e in longer):
            continue  # "consult:" inside "Reason for consult:" is not a specialty label
        start = match.end()
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        while start < line_end and text[start] in " \t":
            start += 1
        if start >= line_end:
            nxt = next((ln for ln in lines if ln.start > line_end), None)
            if nxt is None or is_boundary_line(text, nxt):
                continue
            start, line_end = nxt.start, nxt.end
        end = _trim(text, start, next_label(text, start, line_end))
        if end > start:
            out.append(Labelled(key, match.start(), start, end))
    return out


def _fuzzy_labels(text: str, key: str) -> list[re.Match[str]]:
    """Multi-word labels OCR garbled ("Clindigal quastion:") that no exact pattern matched.

    Only labels of two or more words are tried: one-word labels are too close to each other
    ("Medications" / "Indications") to guess.
    """
    exact = _patterns()[key]
    words = [w for w in _label_words(key) if " " in w]
    out: list[re.Match[str]] = []
    for match in _FUZZY_LABEL.finditer(text):
        label = clean_key(match.group("label"))
        if " " not in label or exact.match(text, match.start()):
            continue
        found = process.extractOne(label, words, scorer=fuzz.ratio, score_cutoff=_FUZZY_MIN)
        if found:
            out.append(match)
    return out


def labelled(text: str, key: str, page: Page | None = None) -> list[Labelled]:
    """Values for ``key`` from the layout module when it is present, else from the text."""
    found: list[Labelled] = []
    if page is not None and page.text() == text:
        try:
            from extractors.fields.layout import labelled_values
        except ImportError:
            labelled_values = None
        if labelled_values is not None:
            try:
                for lv in labelled_values(page, [key]):
                    if getattr(lv, "label_key", key) != key:
                        continue
                    if not _trusted_label(key, str(getattr(lv, "label_text", ""))):
                        continue
                    lv_start, lv_end = int(lv.start), int(lv.end)
                    label_start = int(getattr(lv, "label_start", lv_start))
                    if lv_end > lv_start:
                        found.append(Labelled(key, label_start, lv_start, lv_end))
            except Exception:  # layout is best effort here: the text fallback still runs
                log.warning("layout labelled_values failed; using text labels", exc_info=True)
    seen = {(f.start, f.end) for f in found}
    for item in text_labels(text, key):
        if not any(s <= item.start < e for s, e in seen):
            found.append(item)
    return sorted(found, key=lambda f: f.start)
