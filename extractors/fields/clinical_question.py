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
from extractors.fields.clinical_labels import Labelled, labelled
from extractors.fields.clinical_layout import extend_field, is_boundary_line, page_lines
from extractors.fields.clinical_rules import load_rules, normalise_text
from extractors.fields.layout import ocr_confidence
from models.document import Page
from models.vocab import FieldName

EXTRACTOR = "fields.clinical_question@1"
KEY = str(FieldName.REFERRAL_CLINICAL_QUESTION)
_MIN_CHARS = 3
_MAX_LETTER_CHARS = 600
_MAX_FOLLOW = 3
_SENT_END = re.compile(
    r"[.!?](?=\s|$)(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bvs\.)(?<!\b[A-Z]\.)"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_FOR = re.compile(r"\bf[oe0]r\b", re.IGNORECASE)
_HEADING = re.compile(r"^\s*(?:dear|re\b|regarding|subject|attn|to\s+whom)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _letter_rules() -> dict:
    rules = load_rules("clinical.yaml")
    return {
        "requests": [(re.compile(p["pattern"], re.IGNORECASE), float(p["confidence"]))
                     for p in rules["letter_patterns"]],
        "generic": frozenset(rules["generic_request_words"]),
        "stops": [re.compile(p, re.IGNORECASE) for p in rules["letter_stops"]],
    }


def _sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end, plus starts of label/heading lines (hard breaks)."""
    ends = {m.end() for m in _SENT_END.finditer(text)}
    for line in page_lines(text):
        content = text[line.start : line.end]
        if line.start and (is_boundary_line(text, line) or _HEADING.match(content)):
            ends.add(line.start)
        if _HEADING.match(content):
            ends.add(line.end)
        # fax OCR reads a paragraph's closing full stop as a comma: ",⏎Capital" ends it too
        if content.rstrip().endswith(",") and text[line.end + 1 : line.end + 2].isupper():
            ends.add(line.end)
    return sorted(ends)


def _sentence_at(ends: list[int], pos: int, size: int) -> tuple[int, int]:
    s0 = max((e for e in ends if e <= pos), default=0)
    s1 = min((e for e in ends if e > pos), default=size)
    return s0, s1


def _generic_end(text: str, start: int, end: int) -> int | None:
    """End of a request that names no clinical content ("... for evaluation and management."),
    or ``None`` when the request itself states the problem.

    OCR may drop the closing full stop; a run of generic words that ends a line, with a
    capital letter starting the next, ends the request there.
    """
    fors = list(_FOR.finditer(text, start, end))
    if not fors:
        return None
    generic = _letter_rules()["generic"]
    pos = fors[-1].end()
    for word in _WORD.finditer(text, pos, end):
        if word.group(0).lower() not in generic:
            gap = text[pos : word.start()]
            if "\n" in gap and word.group(0)[0].isupper() and gap.strip(" \t\n.,") == "":
                return word.start()
            return None
        pos = word.end()
    return end


def letter_sentences(text: str) -> list[tuple[int, int, float]]:
    """Where a letter states its question, as ``(start, end, confidence)``, overlaps merged.

    A request sentence that names the problem ("I am referring her for evaluation of new
    atrial fibrillation.") is the question; a generic one ("... for evaluation and
    management.") is followed by the question: up to three sentences, until a courtesy,
    logistics or urgency sentence, a label line or the sign-off.
    """
    rules = _letter_rules()
    ends = _sentence_ends(text)
    spans: list[tuple[int, int, float]] = []
    for pattern, conf in rules["requests"]:
        for match in pattern.finditer(text):
            s0, s1 = _sentence_at(ends, match.start(), len(text))
            generic_end = _generic_end(text, s0, s1)
            if generic_end is None:
                spans.append((*_trimmed(text, s0, s1), conf))
                continue
            if generic_end < s1:  # request and question in one OCR "sentence"
                ends = sorted({*ends, generic_end})
            f0 = f1 = generic_end
            for _ in range(_MAX_FOLLOW):
                n0, n1 = _sentence_at(ends, f1, len(text))
                sentence = text[n0:n1].strip()
                if not sentence or n0 < f1 - 1 or any(p.search(sentence) for p in rules["stops"]):
                    break
                f1 = n1
            if f1 > f0:
                spans.append((*_trimmed(text, f0, f1), conf))
    spans = [(a, b, c) for a, b, c in spans if b - a >= _MIN_CHARS]
    merged: list[tuple[int, int, float]] = []
    for a, b, c in sorted(spans):
        if merged and a <= merged[-1][1] + 2 and b - merged[-1][0] <= _MAX_LETTER_CHARS:
            p0, p1, pc = merged[-1]
            merged[-1] = (p0, max(p1, b), max(pc, c))
        else:
            merged.append((a, b, c))
    return merged


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    return start, _strip_end(text, start, end)


def _strip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t\n,;:":
        end -= 1
    return end


def _evidence(page: Page | None, item: Labelled, end: int, value: str) -> float:
    """How far a labelled question's confidence is earned: label, OCR and sentence shape.

    A label matched by meaning or a value found under it (score < 1), words OCR was unsure
    of, and a value that is not a phrase (fewer than two real words: "d: Renai") all lower
    it, so that a question at ≥ 0.9 is right ≥ 97 % of the time.
    """
    factor = min(1.0, item.score / 0.9) if item.score < 0.9 else 1.0
    if page is not None:
        factor *= min(1.0, ocr_confidence(page, item.start, end) / 0.9)
    words = [w for w in _WORD.findall(value) if len(w) >= 3]
    if len(words) < 2:
        factor *= 0.6
    return factor


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
            conf = self.label_confidence * _evidence(page, item, end, value)
            if add_candidate(doc, item.start, end, FieldName.REFERRAL_CLINICAL_QUESTION, value,
                             conf, EXTRACTOR, ("label",)) is not None:
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
