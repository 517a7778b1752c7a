"""Referring provider NPI: ten digits whose last is a Luhn check digit over "80840" + the rest.

The check digit is what lets us trust an OCR repair ("I23456789З" → "1234567893") and tell
the check stage about a number that was printed or read wrong: an NPI-labelled number that
fails the check is still reported, at low confidence, with ``npi_check_digit_failed``.
"""

from __future__ import annotations

import re
from functools import partial

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.fields.base import add_candidate, page_of, update_candidate
from extractors.fields.layout import labelled_values, ocr_confidence
from extractors.fields.ocrfix import fix_digits
from extractors.fields.reread import DIGITS, request, vote
from models.vocab import FieldName

__all__ = ["NpiComponent", "npi_is_valid"]

EXTRACTOR = "fields.npi@1"
#: Look-alikes repaired in an NPI; few, so that a repair rarely passes the check by chance.
NPI_FIXES = {"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "s": "5", "B": "8"}
_KEYS = {"referring.npi"}
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[0-9OoIlSsB|][0-9OoIlSsB| -]{8,13}[0-9OoIlSsB|](?![0-9])")
_PROSE = re.compile(r"\bNPI\b[\s#:.]*(?:number|no\.?|is)?[\s#:]*", re.IGNORECASE)


def npi_is_valid(npi: str) -> bool:
    """True for a 10-digit NPI whose check digit is right (Luhn over "80840" + first 9 digits).

    >>> npi_is_valid("1234567893")
    True
    """
    if len(npi) != 10 or not npi.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed("80840" + npi[:9])):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == int(npi[9])


def parse_npi(text: str) -> tuple[str, float, tuple[str, ...]] | None:
    """The NPI printed at the start of ``text``, with a validity factor and notes.

    Returns:
        ``(npi, validity, notes)``: validity 1.0 for a clean, checked number; 0.85 when an OCR
        repair was needed to pass the check; 0.3 for ten digits failing the check. ``None``
        when nothing NPI-shaped is there.
    """
    m = _CANDIDATE.search(text[:40])
    if m is None:
        return None
    raw = re.sub(r"[ -]", "", m.group(0))
    if len(raw) != 10:
        return None
    if raw.isdigit():
        if npi_is_valid(raw):
            return raw, 1.0, ()
        return raw, 0.3, ("npi_check_digit_failed",)
    fixed, _ = fix_digits(raw, NPI_FIXES)
    if fixed.isdigit() and npi_is_valid(fixed):
        return fixed, 0.85, ("ocr_digits_fixed",)
    if fixed.isdigit():
        return fixed, 0.25, ("ocr_digits_fixed", "npi_check_digit_failed")
    return None


class NpiComponent:
    """Marks ``referring.npi`` candidates: labelled values, then "NPI 1234567893" in prose."""

    def __init__(self, prose_factor: float = 0.8) -> None:
        """Args: prose_factor: confidence factor for an NPI found in running text."""
        self.prose_factor = prose_factor

    def __call__(self, doc: Doc) -> Doc:
        """Add candidates to ``doc.spans["fields"]``."""
        page = page_of(doc)
        if page is None:
            return doc
        seen: set[int] = set()
        for lv in labelled_values(page, _KEYS):
            option = next(
                (
                    (vs, text, factor, found)
                    for vs, _ve, text, factor in lv.options()
                    if (found := parse_npi(text)) is not None
                ),
                None,
            )
            if option is None:
                continue
            vs, text, factor, (value, validity, notes) = option
            start, end = _value_span(text, vs, value)
            base = lv.score * factor * ocr_confidence(page, start, end)
            span = add_candidate(
                doc,
                start,
                end,
                FieldName.REFERRING_NPI,
                value,
                _confidence(base, validity),
                EXTRACTOR,
                notes,
            )
            if span is None:
                continue
            seen.add(start)
            if validity < 1.0:  # failing or repaired: its crop, read again
                request(doc, start, end, DIGITS, partial(_reread, span, base))
        text = doc.text
        for m in _PROSE.finditer(text):
            if any(abs(m.end() - s) < 3 for s in seen):
                continue
            found = parse_npi(text[m.end() : m.end() + 20])
            if found is None:
                continue
            value, validity, notes = found
            start, end = _value_span(text[m.end() : m.end() + 20], m.end(), value)
            if start in seen:
                continue
            conf = self.prose_factor * ocr_confidence(page, start, end)
            add_candidate(
                doc,
                start,
                end,
                FieldName.REFERRING_NPI,
                value,
                _confidence(conf, validity),
                EXTRACTOR,
                notes,
            )
        return doc


def _confidence(base: float, validity: float) -> float:
    """Confidence of an NPI: a number failing its check digit never above 0.3."""
    conf = base * validity
    return min(conf, 0.3) if validity <= 0.3 else conf


def _reread(span: Span, base: float, texts: list[str]) -> None:
    """A failing or repaired NPI's second readings: a checked reading replaces it.

    Two readings agreeing on a number that passes the check are as good as a clean print
    (0.9); one alone could pass Luhn by chance (1 in 10), so it stays doubtful (0.5).
    """
    checked = [found[0] for t in texts if (found := parse_npi(t)) is not None and found[1] >= 1.0]
    if not checked:
        return
    winner, votes, _ = vote(None, checked)
    validity = 0.9 if votes >= 2 else 0.5
    notes = ("ocr_reread_changed",)
    update_candidate(span, value=winner, confidence=_confidence(base, validity), notes=notes)


def _value_span(text: str, offset: int, value: str) -> tuple[int, int]:
    """Character span of the printed number (before repair) within ``text`` at ``offset``."""
    m = _CANDIDATE.search(text[:40])
    if m is None:
        return offset, offset + len(text)
    return offset + m.start(), offset + m.end()


@Language.factory("intake_npi", default_config={"prose_factor": 0.8}, assigns=["doc.spans"])
def make_npi(nlp: Language, name: str, prose_factor: float) -> NpiComponent:
    """spaCy factory for :class:`NpiComponent`."""
    return NpiComponent(prose_factor)
