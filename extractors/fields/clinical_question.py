"""referral.clinical_question: why the patient is referred, as the referrer wrote it.

Forms: the text after "Reason for Referral:" / "Reason for consult:" / "Clinical question:"
down to the end of that field — it often wraps over two to four lines, and stops at the next
label, section header, checkbox row or blank-line gap. Letters: the sentence(s) that carry the
request ("I am referring … for evaluation of …", "Please see … for …").

The value is kept as written, only made one line: whitespace runs become single spaces and a
word hyphenated across a line break is joined.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from extractors.fields.base import add_candidate, page_of
from extractors.fields.clinical_layout import extend_field, labelled, page_lines
from extractors.fields.clinical_rules import load_rules, normalise_text
from extractors.fields.negation import sentence_bounds
from models.vocab import FieldName

EXTRACTOR = "fields.clinical_question@1"
KEY = str(FieldName.REFERRAL_CLINICAL_QUESTION)
_MIN_CHARS = 3
_MAX_LETTER_CHARS = 600


@lru_cache(maxsize=1)
def _letter_patterns() -> list[tuple[re.Pattern[str], float]]:
    return [
        (re.compile(p["pattern"], re.IGNORECASE), float(p["confidence"]))
        for p in load_rules("clinical.yaml")["letter_patterns"]
    ]


def letter_sentences(text: str) -> list[tuple[int, int, float]]:
    """Sentences of a letter that state the request, adjacent ones merged.

    Returns:
        ``(start, end, confidence)`` per request; end excludes the closing full stop.
    """
    found: dict[tuple[int, int], float] = {}
    for pattern, conf in _letter_patterns():
        for match in pattern.finditer(text):
            s0, s1 = sentence_bounds(text, match.start(), match.end())
            while s0 < s1 and text[s0].isspace():
                s0 += 1
            s1 = _strip_end(text, s0, s1)
            if s1 - s0 >= _MIN_CHARS:
                found[(s0, s1)] = max(conf, found.get((s0, s1), 0.0))
    merged: list[tuple[int, int, float]] = []
    for (s0, s1), conf in sorted(found.items()):
        if merged and _adjacent(text, merged[-1][1], s0):
            p0, _p1, pc = merged[-1]
            if s1 - p0 <= _MAX_LETTER_CHARS:
                merged[-1] = (p0, s1, max(pc, conf))
                continue
        merged.append((s0, s1, conf))
    return merged


def _adjacent(text: str, end: int, start: int) -> bool:
    """True when only a full stop and whitespace separate two sentences."""
    return start >= end and not text[end:start].strip(" .\n\t")


def _strip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t\n.,;:":
        end -= 1
    return end


class ClinicalQuestionComponent:
    """Marks the clinical question after its label, and request sentences in letters."""

    def __init__(self, label_confidence: float = 0.9) -> None:
        """Confidence of a value found after a label (letter sentences have their own)."""
        self.label_confidence = label_confidence

    def __call__(self, doc: Doc) -> Doc:
        """Add ``referral.clinical_question`` candidates to ``doc.spans["fields"]``."""
        text = doc.text
        page = page_of(doc)
        lines = page_lines(text, page)
        taken: list[tuple[int, int]] = []
        for item in labelled(text, KEY, page):
            if any(s <= item.start < e for s, e in taken):
                continue
            end = max(item.end, extend_field(text, lines, item.start))
            end = _strip_end(text, item.start, end)
            value = normalise_text(text[item.start : end])
            if len(value) < _MIN_CHARS:
                continue
            if add_candidate(doc, item.start, end, FieldName.REFERRAL_CLINICAL_QUESTION, value,
                             self.label_confidence, EXTRACTOR, ("label",)) is not None:
                taken.append((item.label_start, end))
        for start, end, conf in letter_sentences(text):
            if any(s < end and start < e for s, e in taken):
                continue
            add_candidate(doc, start, end, FieldName.REFERRAL_CLINICAL_QUESTION,
                          normalise_text(text[start:end]), conf, EXTRACTOR, ("letter",))
            taken.append((start, end))
        return doc


@Language.factory(
    "intake_clinical_question",
    default_config={"label_confidence": 0.9},
    assigns=["doc.spans"],
)
def make_clinical_question(
    nlp: Language, name: str, label_confidence: float
) -> ClinicalQuestionComponent:
    """spaCy factory for :class:`ClinicalQuestionComponent`."""
    return ClinicalQuestionComponent(label_confidence)
