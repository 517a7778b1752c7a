"""Phone and fax numbers: ``patient.phone``, ``referring.phone``, ``referring.fax`` as E.164.

Which number is which comes from the layout (the label, and the section or letterhead it sits
in: "Fax" in a cover sheet's "From" block is the referring fax), then, for numbers in running
text, from cue words ("can be reached at", "fax"). Every value is parsed and validated with
``phonenumbers``; letter-for-digit OCR errors are repaired only when the result validates.
"""

from __future__ import annotations

import re

import phonenumbers
from spacy.language import Language
from spacy.tokens import Doc

from extractors.fields.base import add_candidate, page_of
from extractors.fields.fax_header import fax_header
from extractors.fields.layout import labelled_values, ocr_confidence, section_of
from extractors.fields.ocrfix import fix_digits
from extractors.fields.prose import cue_before, prose_rules
from extractors.fields.reread import add_checked
from models.vocab import FieldName

__all__ = ["DEFAULT_REGION", "PhoneComponent", "find_phones"]

#: Region for numbers printed without a country code; a deployment outside the US changes it.
DEFAULT_REGION = "US"
EXTRACTOR = "fields.phone@1"
_PHONE_FIXES = {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8"}
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d{3,4}\b)")
_FIELD = {
    "patient.phone": FieldName.PATIENT_PHONE,
    "referring.phone": FieldName.REFERRING_PHONE,
    "referring.fax": FieldName.REFERRING_FAX,
}
_PHONEISH = {
    *_FIELD,
    "referred_to.phone",
    "referred_to.fax",
    "insurance.phone",
    "insurance.fax",
    "patient.fax",
}


_CHARS = "0123456789()-. +"


def _phone_of(text: str) -> str | None:
    """The number a second reading of a phone's crop holds (for the vote)."""
    found = find_phones(text)
    return found[0][2] if found else None


def find_phones(text: str, region: str | None = None) -> list[tuple[int, int, str, bool]]:
    """Valid phone numbers in ``text``: ``(start, end, e164, ocr_fixed)``, in order.

    Tries the text as printed, then with OCR look-alikes inside digit runs replaced (the
    replacement keeps length, so offsets hold for both).
    """
    region = region or DEFAULT_REGION
    # OCR noise, each fix keeping the length: "402,755,7176", "(804))555-0107"
    text = _DIGIT_COMMA.sub("-", text).replace("))", ") ").replace("((", " (")
    out = _matches(text, region, fixed=False)
    fixed, changed = fix_digits(text, _PHONE_FIXES)
    if changed:
        taken = [(s, e) for s, e, _, _ in out]
        for s, e, num, _ in _matches(fixed, region, fixed=True):
            if not any(s < te and e > ts for ts, te in taken):
                out.append((s, e, num, True))
    return sorted(out)


def _matches(text: str, region: str, *, fixed: bool) -> list[tuple[int, int, str, bool]]:
    out = []
    for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        if phonenumbers.is_valid_number(m.number):
            e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            out.append((m.start, m.end, e164, fixed))
    return out


class PhoneComponent:
    """Marks phone/fax candidates from labelled values, then from cues in running text."""

    def __init__(
        self,
        prose_confidence: float = 0.6,
        fix_penalty: float = 0.85,
        header_confidence: float = 0.5,
    ) -> None:
        """Args: prose_confidence: base confidence of a cue-only number; fix_penalty: factor
        for numbers that needed an OCR repair; header_confidence: for the fax header number."""
        self.prose_confidence = prose_confidence
        self.fix_penalty = fix_penalty
        self.header_confidence = header_confidence

    def __call__(self, doc: Doc) -> Doc:
        """Add candidates to ``doc.spans["fields"]``."""
        page = page_of(doc)
        if page is None:
            return doc
        claimed: list[tuple[int, int]] = []
        for lv in labelled_values(page, _PHONEISH):
            found = next(
                (
                    (vs + s, vs + e, number, fixed, factor)
                    for vs, _ve, text, factor in lv.options()
                    for s, e, number, fixed in find_phones(text)[:1]
                    if s <= 6
                ),
                None,
            )
            if found is None:
                continue
            start, end, number, fixed, factor = found
            claimed.append((start, end))
            name = _FIELD.get(lv.label_key)
            if name is None:
                continue
            conf = lv.score * factor * ocr_confidence(page, start, end)
            notes: tuple[str, ...] = ()
            if fixed:
                conf, notes = conf * self.fix_penalty, ("ocr_digits_fixed",)
            add_checked(doc, start, end, name, number, conf, EXTRACTOR, _phone_of, _CHARS, notes)
        self._fax_header(doc, claimed)
        self._prose(doc, claimed)
        return doc

    def _fax_header(self, doc: Doc, claimed: list[tuple[int, int]]) -> None:
        """The sending machine's number in the transmit header is the referring fax (weakly)."""
        page = page_of(doc)
        assert page is not None
        header = fax_header(page)
        if header is None or header.number is None:
            return
        s0, e0 = header.number
        for s, e, number, fixed in find_phones(doc.text[s0:e0]):
            start, end = s0 + s, s0 + e
            claimed.append((start, end))
            conf = self.header_confidence * ocr_confidence(page, start, end)
            notes = ("fax_header", "ocr_digits_fixed") if fixed else ("fax_header",)
            add_candidate(doc, start, end, FieldName.REFERRING_FAX, number, conf, EXTRACTOR, notes)
            return

    def _prose(self, doc: Doc, claimed: list[tuple[int, int]]) -> None:
        """Numbers in running text: a cue word before them, else the section they sit in."""
        page = page_of(doc)
        assert page is not None
        cues = prose_rules()["phone_cues"]
        text = doc.text.replace("\n", " ")  # a number wrapped onto the next line; same offsets
        for s, e, number, fixed in find_phones(text):
            if any(s < ce and e > cs for cs, ce in claimed):
                continue
            section = section_of(page, s)
            name, factor = None, 1.0
            if cue_before(text, s, cues["fax"], window=20):
                name = (
                    FieldName.REFERRING_FAX
                    if section in (None, "referring", "letterhead")
                    else None
                )
            elif cue_before(text, s, cues["patient"]):
                name = FieldName.PATIENT_PHONE
            elif cue_before(text, s, cues["referring"]):
                name = FieldName.REFERRING_PHONE
            elif section in ("referring", "letterhead"):
                name, factor = FieldName.REFERRING_PHONE, 0.8
            elif section == "patient":
                name, factor = FieldName.PATIENT_PHONE, 0.8
            if name is None:
                continue
            conf = self.prose_confidence * factor * ocr_confidence(page, s, e)
            notes: tuple[str, ...] = ("prose",)
            if fixed:
                conf, notes = conf * self.fix_penalty, ("prose", "ocr_digits_fixed")
            add_candidate(doc, s, e, name, number, conf, EXTRACTOR, notes)


@Language.factory(
    "intake_phone",
    default_config={"prose_confidence": 0.6, "fix_penalty": 0.85, "header_confidence": 0.5},
    assigns=["doc.spans"],
)
def make_phone(
    nlp: Language, name: str, prose_confidence: float, fix_penalty: float, header_confidence: float
) -> PhoneComponent:
    """spaCy factory for :class:`PhoneComponent`."""
    return PhoneComponent(prose_confidence, fix_penalty, header_confidence)
