"""Patient address as one line: "123 Main St, Springfield, IL 62704".

Forms print the street on one line and "City, ST ZIP" under it, or split City/State/ZIP into
their own labelled boxes; both are joined here. Without a label, a street line followed by a
city-state-ZIP line inside the patient section is taken at lower confidence.
"""

from __future__ import annotations

import re
from itertools import pairwise

from spacy.language import Language
from spacy.tokens import Doc

from extractors.fields.base import add_candidate, page_of
from extractors.fields.labels import normalise
from extractors.fields.layout import (
    LabelledValue,
    following_lines,
    labelled_values,
    ocr_confidence,
    section_of,
)
from extractors.fields.prose import cue_before, prose_rules
from models.document import Page
from models.vocab import FieldName

__all__ = ["AddressComponent", "format_city_line", "split_city_line"]

EXTRACTOR = "fields.address@1"
_CITY_LINE = re.compile(
    r"^(?P<city>[A-Za-z][A-Za-z .'\-]*?)\s*,?\s+(?P<st>[A-Z]{2})\.?,?\s+(?P<zip>\d{5}(?:-\d{4})?)\b"
)
_FULL = re.compile(r",\s*[A-Za-z][A-Za-z .'\-]*,?\s+[A-Z]{2}\.?,?\s+\d{5}(?:-\d{4})?\s*$")
_PROSE_ADDRESS = re.compile(
    r"\d+[A-Za-z]?\s+[A-Za-z0-9 .'#\-]{2,40}?,\s*(?:(?:Apt|Unit|Suite|Ste|#)\.?\s*\w+,\s*)?"
    r"[A-Za-z][A-Za-z .'\-]*?,?\s+[A-Z]{2}\.?,?\s+\d{5}(?:-\d{4})?\b"
)
_STREET = re.compile(r"^(?:\d+[A-Za-z]?(?:-\d+)?\s+\S+|P\.?\s?O\.?\s+Box\s+\d+)", re.IGNORECASE)


def split_city_line(text: str) -> tuple[str, str, str] | None:
    """``(city, state, zip)`` when ``text`` starts with "City, ST 12345"."""
    m = _CITY_LINE.match(text.strip())
    return (m.group("city").strip(" ,"), m.group("st"), m.group("zip")) if m else None


def format_city_line(city: str, state: str, zip_code: str) -> str:
    """The contract's "City, ST ZIP"."""
    return f"{city}, {state} {zip_code}"


def _one_line(street: str, city_line: str | None) -> str:
    street = re.sub(r"\s+", " ", street).strip(" ,;")
    if city_line is None:
        inline = re.search(
            r"[, ]+([A-Za-z][A-Za-z .'\-]*?)\s*,?\s+([A-Z]{2})\.?,?\s+(\d{5}(?:-\d{4})?)\b", street
        )
        if inline:
            head = street[: inline.start()].strip(" ,")
            city = format_city_line(inline.group(1).strip(), inline.group(2), inline.group(3))
            return f"{head}, {city}"
        return street
    parts = split_city_line(city_line)
    return f"{street}, {format_city_line(*parts)}" if parts else street


class AddressComponent:
    """Marks ``patient.address`` candidates."""

    def __init__(self, block_confidence: float = 0.6) -> None:
        """Args: block_confidence: confidence of an unlabelled address block."""
        self.block_confidence = block_confidence

    def __call__(self, doc: Doc) -> Doc:
        """Add candidates to ``doc.spans["fields"]``."""
        page = page_of(doc)
        if page is None:
            return doc
        values = labelled_values(page, {"patient.address", "patient.city_state_zip"})
        city_parts = [lv for lv in values if lv.label_key == "patient.city_state_zip"]
        found = False
        for lv in values:
            if lv.label_key == "patient.address":
                found = self._labelled(doc, page, lv, city_parts) or found
        if not found:
            self._blocks(doc, page)
            self._prose(doc, page)
        return doc

    def _prose(self, doc: Doc, page: Page) -> None:
        """A one-line address in running text after a cue ("she lives at 12 Elm Rd, ...")."""
        text = page.text()
        cues = prose_rules().get("address_cues", [])
        for m in _PROSE_ADDRESS.finditer(text):
            if cue_before(text, m.start(), cues) is None:
                continue
            value = _one_line(m.group(0), None)
            conf = self.block_confidence * ocr_confidence(page, m.start(), m.end())
            add_candidate(
                doc,
                m.start(),
                m.end(),
                FieldName.PATIENT_ADDRESS,
                value,
                conf,
                EXTRACTOR,
                ("prose",),
            )
            return

    def _labelled(
        self, doc: Doc, page: Page, lv: LabelledValue, city_parts: list[LabelledValue]
    ) -> bool:
        text = page.text()
        street, end, validity, notes = lv.text, lv.end, 1.0, ()
        city_line = None
        if split_city_line(street.split(",", 1)[-1]) is None and not re.search(r"\d{5}", street):
            for s, e in following_lines(page, lv, max_lines=2):
                if split_city_line(text[s:e]):
                    city_line, end, notes = text[s:e], e, ("two_lines",)
                    break
                street, end = f"{street} {text[s:e]}", e  # "Apt 4B" on its own line
            if city_line is None:
                city_line = _joined_parts(city_parts)
                if city_line is not None:
                    end = max(end, max(p.end for p in city_parts))
                    notes = ("city_state_zip_fields",)
        value = _one_line(street, city_line)
        if not _STREET.match(value):
            validity *= 0.7
        if not re.search(r", [A-Z]{2} \d{5}", value):
            validity *= 0.7
        conf = lv.score * validity * ocr_confidence(page, lv.start, end)
        return bool(
            add_candidate(
                doc, lv.start, end, FieldName.PATIENT_ADDRESS, value, conf, EXTRACTOR, notes
            )
        )

    def _blocks(self, doc: Doc, page: Page) -> None:
        """A street line directly above a "City, ST ZIP" line in the patient section."""
        lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", page.text())]
        for s1, e1 in lines:  # "123 Main St, Springfield, IL 62704" on one line
            line = page.text()[s1:e1].strip()
            if _STREET.match(line) and _FULL.search(line) and section_of(page, s1) == "patient":
                conf = self.block_confidence * 0.9 * ocr_confidence(page, s1, e1)
                add_candidate(
                    doc,
                    s1,
                    e1,
                    FieldName.PATIENT_ADDRESS,
                    _one_line(line, None),
                    conf,
                    EXTRACTOR,
                    ("unlabelled_line",),
                )
                return
        for (s1, e1), (s2, e2) in pairwise(lines):
            street, city = page.text()[s1:e1].strip(), page.text()[s2:e2].strip()
            if not (_STREET.match(street) and split_city_line(city)):
                continue
            if section_of(page, s1) != "patient":
                continue
            value = _one_line(street, city)
            conf = self.block_confidence * ocr_confidence(page, s1, e2)
            add_candidate(
                doc,
                s1,
                e2,
                FieldName.PATIENT_ADDRESS,
                value,
                conf,
                EXTRACTOR,
                ("unlabelled_block",),
            )
            return


def _joined_parts(parts: list[LabelledValue]) -> str | None:
    """Join separately labelled City / State / ZIP boxes into "City, ST ZIP"."""
    by: dict[str, str] = {}
    for p in parts:
        if split_city_line(p.text):
            return p.text
        label = normalise(p.label_text)
        for key in ("city", "state", "zip"):
            if label.startswith(normalise(key)) and key not in by:
                by[key] = p.text.strip(" ,")
    if {"city", "state", "zip"} <= by.keys():
        return format_city_line(by["city"], by["state"], by["zip"])
    return None


@Language.factory("intake_address", default_config={"block_confidence": 0.6}, assigns=["doc.spans"])
def make_address(nlp: Language, name: str, block_confidence: float) -> AddressComponent:
    """spaCy factory for :class:`AddressComponent`."""
    return AddressComponent(block_confidence)
