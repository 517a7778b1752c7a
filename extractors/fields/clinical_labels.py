"""Labelled clinical values on a page: where the value after "Reason for referral:" starts.

The layout module (``extractors.fields.layout.labelled_values``) finds label → value pairs with
the page geometry; its labels are checked against ours (its OCR-tolerant matching can read
"Medications" as "Indications"). A text fallback finds ``Label: value`` — or the value on the
next line — for labels the layout did not report, including multi-word labels OCR garbled.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from extractors.fields.clinical_layout import is_boundary_line, next_label, page_lines, trim_end
from extractors.fields.clinical_rules import clean_key, label_patterns, label_words

if TYPE_CHECKING:
    from models.document import Page

log = logging.getLogger(__name__)

_TRUST = 88.0
_FUZZY_LABEL = re.compile(r"^\s*(?P<label>[A-Za-z][\w .|/()-]{9,40}?)\s*[:;]", re.MULTILINE)
_FUZZY_MIN = 78.0


@dataclass(frozen=True)
class Labelled:
    """A value found after a label: ``[start, end)`` in the page text, and the label's start."""

    key: str
    label_start: int
    start: int
    end: int
    score: float = 1.0  # the layout's label × geometry score; 1.0 for a text-pattern label


def _trusted_label(key: str, label_text: str) -> bool:
    """True when a label the layout module matched (fuzzily) is one of ours for ``key``.

    The layout lexicon tolerates OCR edits, which can turn "Medications" into "Indications";
    a clinical value taken from the wrong label is worse than none.
    """
    words = label_words(key)
    if not words:
        return True
    found = process.extractOne(clean_key(label_text), words, scorer=fuzz.token_set_ratio)
    plain = process.extractOne(clean_key(label_text), words, scorer=fuzz.ratio)
    return bool(found and found[1] >= _TRUST) or bool(plain and plain[1] >= _TRUST)


def text_labels(text: str, key: str) -> list[Labelled]:
    """``Label: value`` pairs for ``key`` found in the text alone (no geometry).

    When nothing follows the label on its line, the value is taken from the next line
    (label above its value, as in boxed forms).
    """
    out: list[Labelled] = []
    lines = page_lines(text)
    longer = [m.span() for m in label_patterns()["_any"].finditer(text)]
    for match in [*label_patterns()[key].finditer(text), *_fuzzy_labels(text, key)]:
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
        end = trim_end(text, start, next_label(text, start, line_end))
        if end > start:
            out.append(Labelled(key, match.start(), start, end))
    return out


def _fuzzy_labels(text: str, key: str) -> list[re.Match[str]]:
    """Multi-word labels OCR garbled ("Clindigal quastion:") that no exact pattern matched.

    Only labels of two or more words are tried: one-word labels are too close to each other
    ("Medications" / "Indications") to guess.
    """
    exact = label_patterns()[key]
    words = [w for w in label_words(key) if " " in w]
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
                    meaning = bool(getattr(lv, "meaning", False))  # not an OCR-fuzzy wording
                    if not meaning and not _trusted_label(key, str(getattr(lv, "label_text", ""))):
                        continue
                    lv_start, lv_end = int(lv.start), int(lv.end)
                    label_start = int(getattr(lv, "label_start", lv_start))
                    if lv_end > lv_start:
                        score = float(getattr(lv, "score", 1.0))
                        found.append(Labelled(key, label_start, lv_start, lv_end, score))
            except Exception as exc:  # best effort here: the text fallback still runs
                # type only: an exception message could quote page text (PHI)
                log.warning("layout labelled_values failed (%s); text labels used",
                            type(exc).__name__)
    seen = {(f.start, f.end) for f in found}
    for item in text_labels(text, key):
        if not any(s <= item.start < e for s, e in seen):
            found.append(item)
    return sorted(found, key=lambda f: f.start)
