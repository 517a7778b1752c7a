"""Patient identity: ``patient.name``, ``patient.sex`` and ``patient.mrn``.

Names come from name labels (one field, or separate first/last fields joined), then from
letter phrasing ("I am referring my patient Jane Doe"). Sex comes from its label, including
checkbox rows ("[X] F  [ ] M"), else from "a 54-year-old woman". The MRN is any
identifier-shaped value after an MRN/chart/account label.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from extractors.fields.base import add_candidate, page_of
from extractors.fields.ids import clean_identifier
from extractors.fields.layout import (
    LabelledValue,
    first_valid,
    labelled_values,
    ocr_confidence,
)
from extractors.fields.names import clean_person_name
from extractors.fields.prose import prose_rules
from extractors.fields.reread import add_checked
from models.document import Page
from models.vocab import FieldName

__all__ = ["PatientComponent", "parse_sex"]

EXTRACTOR = "fields.patient@1"
_KEYS = {
    "patient.name",
    "patient.first_name",
    "patient.last_name",
    "patient.middle_name",
    "patient.sex",
    "patient.mrn",
}
_BOX_GLYPHS = "EO0CDIl[(|"  # what OCR makes of a ticked box before "M"/"F"
_CHECKED = re.compile(r"(?:\[\s*[xX✓✔]\s*\]|\(\s*[xX✓✔]\s*\)|[☒☑■✓✔●◉])\s*([A-Za-z]+)")
_AGE_SEX = re.compile(
    r"\b\d{1,3}\s*[- ]?\s*(?:years?|yrs?|y)\s*[- ]?\s*(?:old|/o|o)?\s*[- ]?\s*"
    r"(?P<w>[A-Za-z]+(?:-[a-z]+)?)",
    re.IGNORECASE,
)
_NAME_START = re.compile(
    r"(?:(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+)?[A-Z][A-Za-z'’\-]+(?:\s+[A-Z][A-Za-z'’\-.]*){1,3}"
)


def _sex_word(word: str) -> str | None:
    w = word.strip(".,;:()").lower()
    for code, words in prose_rules()["sex_words"].items():
        if w in {x.lower() for x in words}:
            return code
    return None


def parse_sex(text: str) -> tuple[str, int, int] | None:
    """Administrative sex (F/M/X/U) stated at the start of a labelled value.

    A checkbox row ("[X] Female [ ] Male") answers with its checked option; otherwise the first
    word decides ("F", "Female", "male").

    Returns:
        ``(code, start, end)`` with offsets in ``text``, or ``None``.
    """
    checked = _CHECKED.search(text[:60])
    if checked:
        code = _sex_word(checked.group(1))
        if code:
            return code, checked.start(1), checked.end(1)
    m = re.match(r"\s*([A-Za-z][A-Za-z\-]*)", text)
    if m is None:
        return None
    word = m.group(1)
    code = _sex_word(word)
    if code is None and len(word) == 2 and word[0] in _BOX_GLYPHS and word[1] in "MF":
        return word[1], m.start(1) + 1, m.end(1)  # "EF": a checkbox read as a letter
    if code is None:
        return None
    return code, m.start(1), m.end(1)


def _conf(page: Page, lv: LabelledValue, start: int, end: int, validity: float) -> float:
    return lv.score * validity * ocr_confidence(page, start, end)


def _id_of(text: str) -> str | None:
    """The identifier a second reading of a crop holds (for the vote)."""
    found = clean_identifier(text)
    return found.value if found else None


class PatientComponent:
    """Marks patient name, sex and MRN candidates (see module docstring)."""

    def __init__(self, prose_confidence: float = 0.7) -> None:
        """Args: prose_confidence: confidence of a value read from letter prose."""
        self.prose_confidence = prose_confidence

    def __call__(self, doc: Doc) -> Doc:
        """Add candidates to ``doc.spans["fields"]``."""
        page = page_of(doc)
        if page is None:
            return doc
        values = labelled_values(page, _KEYS)
        named = self._names(doc, page, values)
        sexed = False
        for lv in values:
            if lv.label_key == "patient.sex":
                found = first_valid(lv, parse_sex)
                if found:
                    offset, (code, s, e), factor = found
                    start, end = offset + s, offset + e
                    conf = _conf(page, lv, start, end, factor)
                    span = add_candidate(
                        doc, start, end, FieldName.PATIENT_SEX, code, conf, EXTRACTOR
                    )
                    sexed = sexed or span is not None
            elif lv.label_key == "patient.mrn":
                ident = first_valid(lv, clean_identifier)
                if ident:
                    offset, found_id, factor = ident
                    start, end = offset + found_id.start, offset + found_id.end
                    conf = _conf(page, lv, start, end, found_id.validity * factor)
                    add_checked(
                        doc,
                        start,
                        end,
                        FieldName.PATIENT_MRN,
                        found_id.value,
                        conf,
                        EXTRACTOR,
                        _id_of,
                    )
        if not named:
            self._prose_name(doc, page)
        if not sexed:
            self._prose_sex(doc, page)
        return doc

    def _names(self, doc: Doc, page: Page, values: list[LabelledValue]) -> bool:
        named = False
        parts: dict[str, LabelledValue] = {}
        for lv in values:
            if lv.label_key in ("patient.first_name", "patient.last_name", "patient.middle_name"):
                parts.setdefault(lv.label_key, lv)
            if lv.label_key != "patient.name":
                continue
            found = first_valid(lv, clean_person_name)
            if found is None:
                continue
            offset, name, factor = found
            start, end = offset + name.start, offset + name.end
            conf = _conf(page, lv, start, end, name.validity * factor)
            named = (
                bool(
                    add_candidate(
                        doc,
                        start,
                        end,
                        FieldName.PATIENT_NAME,
                        name.value,
                        conf,
                        EXTRACTOR,
                        name.notes,
                    )
                )
                or named
            )
        first, last = parts.get("patient.first_name"), parts.get("patient.last_name")
        if first and last:
            fn, ln = clean_person_name(first.text), clean_person_name(last.text)
            if fn and ln:
                mid = parts.get("patient.middle_name")
                mn = clean_person_name(mid.text) if mid else None
                value = " ".join(x.value for x in (fn, mn, ln) if x)
                spans = [(lv.start, lv.end) for lv in (first, last, mid) if lv]
                start, end = min(s for s, _ in spans), max(e for _, e in spans)
                conf = min(first.score, last.score) * 0.95 * ocr_confidence(page, start, end)
                named = (
                    bool(
                        add_candidate(
                            doc,
                            start,
                            end,
                            FieldName.PATIENT_NAME,
                            value,
                            conf,
                            EXTRACTOR,
                            ("joined_first_last",),
                        )
                    )
                    or named
                )
        return named

    def _prose_name(self, doc: Doc, page: Page) -> None:
        """ "my patient Jane Doe", "referring Ms. Jane Doe": a capitalised name after a cue."""
        text = doc.text
        cues = sorted(prose_rules()["patient_name_cues"], key=len, reverse=True)
        rx = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in cues) + r")\b[\s:,]*", re.I)
        for m in rx.finditer(text):
            nm = _NAME_START.match(text, m.end())
            if nm is None:
                continue
            name = clean_person_name(nm.group(0))
            if name is None or name.validity < 1.0:
                continue
            start, end = nm.start() + name.start, nm.start() + name.end
            conf = self.prose_confidence * ocr_confidence(page, start, end)
            add_candidate(
                doc,
                start,
                end,
                FieldName.PATIENT_NAME,
                name.value,
                conf,
                EXTRACTOR,
                (*name.notes, "prose"),
            )
            return

    def _prose_sex(self, doc: Doc, page: Page) -> None:
        """ "a 54-year-old woman", "54 y/o F": sex stated with the age in running text."""
        for m in _AGE_SEX.finditer(doc.text):
            code = _sex_word(m.group("w"))
            if code in ("F", "M", "X"):
                s, e = m.start("w"), m.end("w")
                conf = self.prose_confidence * ocr_confidence(page, s, e)
                add_candidate(doc, s, e, FieldName.PATIENT_SEX, code, conf, EXTRACTOR, ("prose",))
                return


@Language.factory("intake_patient", default_config={"prose_confidence": 0.7}, assigns=["doc.spans"])
def make_patient(nlp: Language, name: str, prose_confidence: float) -> PatientComponent:
    """spaCy factory for :class:`PatientComponent`."""
    return PatientComponent(prose_confidence)
