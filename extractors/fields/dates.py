"""Dates: ``patient.dob`` and ``referral.date`` as ISO ``YYYY-MM-DD``.

Parsing lives in ``date_parse.py``; this module finds the labelled values and date lines,
dates printed in sub-boxes (MM | DD | YYYY), and re-reads doubtful OCR dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from spacy.language import Language
from spacy.tokens import Doc

from extractors.fields.base import add_candidate, page_of
from extractors.fields.date_parse import ParsedDate, parse_date
from extractors.fields.layout import LabelledValue, labelled_values, line_span, ocr_confidence
from extractors.fields.reread import add_checked, reread_unparsed
from models.document import Page
from models.vocab import FieldName

__all__ = ["DatesComponent", "ParsedDate", "parse_date"]

EXTRACTOR = "fields.dates@1"
_DATE_CHARS = "0123456789/-."
_SUB_BOXES = re.compile(r"(\d{1,2})[\s|]+(\d{1,2})[\s|]+(\d{4}|\d{2})(?!\d)")


def _add_reread(doc: Doc, start: int, end: int, name: FieldName, iso: str, conf: float) -> None:
    """A date the page OCR lost, found by the second readings of its crop."""
    add_candidate(doc, start, end, name, iso, conf, EXTRACTOR, ("ocr_reread",))


def _iso_parser(kind: str) -> Callable[[str], str | None]:
    """Text → ISO date of the given kind, for voting over second readings."""

    def parse(text: str) -> str | None:
        found = parse_date(text[:40], kind)
        return found.iso if found is not None and found.start <= 12 else None

    return parse


class DatesComponent:
    """Marks ``patient.dob`` and ``referral.date`` candidates.

    Labelled values first; then, for the referral date, a line that is nothing but a date near
    the top of a page (a letter's date line) at lower confidence.
    """

    def __init__(self, dateline_confidence: float = 0.6) -> None:
        """Args: dateline_confidence: confidence of an unlabelled letter date line."""
        self.dateline_confidence = dateline_confidence

    def __call__(self, doc: Doc) -> Doc:
        """Add candidates to ``doc.spans["fields"]``."""
        page = page_of(doc)
        if page is None:
            return doc
        used: set[int] = set()
        for lv in labelled_values(page, {"patient.dob", "referral.date"}):
            kind = "dob" if lv.label_key == "patient.dob" else "event"
            found = next(
                (
                    (vs, parsed, factor)
                    for vs, _ve, text, factor in lv.options()
                    if (parsed := parse_date(text[:40], kind)) is not None and parsed.start <= 12
                ),
                None,
            )
            name = FieldName.PATIENT_DOB if kind == "dob" else FieldName.REFERRAL_DATE
            if found is None and self._sub_boxes(doc, page, lv, name, kind):
                used.add(lv.start)
                continue
            if found is None:  # OCR lost the date: its crop, read again
                again = partial(_add_reread, doc, lv.start, lv.end, name)
                reread_unparsed(doc, lv.start, lv.end, _iso_parser(kind), _DATE_CHARS, again)
                continue
            vs, parsed, factor = found
            start, end = vs + parsed.start, vs + parsed.end
            conf = lv.score * factor * parsed.validity * ocr_confidence(page, start, end)
            chars = "" if any(c.isalpha() for c in page.text()[start:end]) else _DATE_CHARS
            add_checked(
                doc,
                start,
                end,
                name,
                parsed.iso,
                conf,
                EXTRACTOR,
                _iso_parser(kind),
                chars,
                parsed.notes,
            )
            used.add(start)
        self._date_lines(doc, used)
        return doc

    @staticmethod
    def _sub_boxes(doc: Doc, page: Page, lv: LabelledValue, name: FieldName, kind: str) -> bool:
        """A date printed in sub-boxes (MM | DD | YYYY): its parts are separate cells.

        The layout gives the first box as the value; the rest of its line holds the others.
        """
        span = line_span(page, lv.start)
        if span is None:
            return False
        m = _SUB_BOXES.match(page.text(), lv.start, min(span[1], lv.start + 30))
        parsed = parse_date("/".join(m.groups()), kind) if m else None
        if m is None or parsed is None:
            return False
        conf = lv.score * 0.9 * parsed.validity * ocr_confidence(page, lv.start, m.end())
        notes = (*parsed.notes, "sub_boxes")
        add_candidate(doc, lv.start, m.end(), name, parsed.iso, conf, EXTRACTOR, notes)
        return True

    def _date_lines(self, doc: Doc, used: set[int]) -> None:
        page = page_of(doc)
        assert page is not None
        text = doc.text
        for w, (s, _e) in zip(page.words, page.word_spans(), strict=True):
            if w.box.y0 > 0.45 or s in used:
                continue
            span = line_span(page, s)
            if span is None or span[0] != s:
                continue
            line = text[span[0] : span[1]]
            parsed = parse_date(line, "event")
            if parsed is None or parsed.start > 0 or len(line) - parsed.end > 2:
                continue
            start, end = s + parsed.start, s + parsed.end
            if start in used:
                continue
            conf = self.dateline_confidence * parsed.validity * ocr_confidence(page, start, end)
            add_candidate(
                doc,
                start,
                end,
                FieldName.REFERRAL_DATE,
                parsed.iso,
                conf,
                EXTRACTOR,
                (*parsed.notes, "date_line"),
            )
            used.add(start)


@Language.factory(
    "intake_dates", default_config={"dateline_confidence": 0.6}, assigns=["doc.spans"]
)
def make_dates(nlp: Language, name: str, dateline_confidence: float) -> DatesComponent:
    """spaCy factory for :class:`DatesComponent`."""
    return DatesComponent(dateline_confidence)
