"""Insurance: ``insurance.payer``, ``insurance.member_id``, ``insurance.group_number``.

The payer is taken as printed after a payer label (or the option ticked in a checkbox row);
a small payer lexicon (``rules/payers.yaml``) raises confidence when the value is a known
insurer and finds payers named in letters ("Insurance: Aetna, member ID ..."), but an unknown
payer after a payer label is still accepted. IDs are identifier-shaped values after their label.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.tokens import Doc

from extractors.fields.base import add_candidate, page_of
from extractors.fields.ids import clean_identifier
from extractors.fields.layout import first_valid, labelled_values, ocr_confidence
from extractors.fields.prose import checked_option
from extractors.fields.reread import add_checked
from models.document import Page
from models.vocab import FieldName

__all__ = ["InsuranceComponent", "clean_payer", "known_payer"]

EXTRACTOR = "fields.insurance@1"
PAYERS_PATH = Path(__file__).parent / "rules" / "payers.yaml"
_ID_FIELDS = {
    "insurance.member_id": FieldName.INSURANCE_MEMBER_ID,
    "insurance.group_number": FieldName.INSURANCE_GROUP_NUMBER,
}
_PAYER_END = re.compile(r"\s*(?:[,;()|]|\.\s|\s-\s|\s{2,}|$)")
_PROSE_ID = re.compile(
    r"\b(?P<kind>member|subscriber|policy|group|grp)\b(?:[ \t]+(?:id|number|no\.?|#))?"
    r"[ \t#:.]*(?:is[ \t]+)?(?P<id>[A-Z0-9][A-Z0-9\-]{4,24})\b",
    re.IGNORECASE,
)
_PROSE_PAYER = re.compile(
    r"\b(?:insured\s+(?:through|by|with)|covered\s+by|coverage\s+(?:through|with|is)|"
    r"insurance\s+(?:is|through|with)|health\s+plan\s+is)\s+"
    r"(?P<payer>[A-Z][A-Za-z&'.\-]*(?:\s+[A-Z0-9][A-Za-z0-9&'.\-]*){0,5})"
)
_NOT_PAYER = {
    "none",
    "n/a",
    "na",
    "unknown",
    "see attached",
    "attached",
    "pending",
    "same",
    "yes",
    "no",
    "primary",
    "secondary",
    "other",
}


@lru_cache(maxsize=1)
def _payers() -> tuple[str, ...]:
    data = yaml.safe_load(PAYERS_PATH.read_text(encoding="utf-8"))
    return tuple(data["payers"])


@lru_cache(maxsize=1)
def _payer_patterns() -> tuple[re.Pattern[str], ...]:
    """Known payer names (4+ characters), longest first, each as a whole-word pattern."""
    names = sorted((n for n in _payers() if len(n) >= 4), key=len, reverse=True)
    return tuple(
        re.compile(rf"(?<![A-Za-z]){re.escape(n)}(?![A-Za-z])", re.IGNORECASE) for n in names
    )


def known_payer(text: str) -> float:
    """How closely ``text`` names a known payer, 0–1 (token-set similarity to the lexicon)."""
    found = process.extractOne(
        text, _payers(), scorer=fuzz.token_set_ratio, processor=lambda s: s.lower()
    )
    return 0.0 if found is None else found[1] / 100


def clean_payer(text: str) -> tuple[int, int] | None:
    """Span of the payer name at the start of a labelled value, as printed.

    Stops at a comma, semicolon, parenthesis, sentence end or column gap; rejects values that
    are IDs (mostly digits) or placeholders ("N/A", "See attached").
    """
    box = checked_option(text)
    if box is not None:
        start, end = box
    else:
        m = _PAYER_END.search(text, 1)
        start, end = 0, (m.start() if m else len(text))
    value = text[start:end].strip(" .:")
    if not value or value.lower() in _NOT_PAYER or not any(c.isalpha() for c in value):
        return None
    if sum(c.isdigit() for c in value) * 2 > len(value):
        return None
    start = text.index(value, start)
    return start, start + len(value)


class InsuranceComponent:
    """Marks payer, member ID and group number candidates."""

    def __init__(self, unknown_payer: float = 0.75, prose_confidence: float = 0.5) -> None:
        """Args: unknown_payer: validity of a payer not in the lexicon; prose_confidence:
        confidence of a known payer named in running text without a label."""
        self.unknown_payer = unknown_payer
        self.prose_confidence = prose_confidence

    def __call__(self, doc: Doc) -> Doc:
        """Add candidates to ``doc.spans["fields"]``."""
        page = page_of(doc)
        if page is None:
            return doc
        payer_found = False
        have: set[str] = set()
        for lv in labelled_values(page, {"insurance.payer", *_ID_FIELDS}):
            if lv.label_key == "insurance.payer":
                span = clean_payer(lv.text)
                if span is None:
                    continue
                value = lv.text[span[0] : span[1]]
                known = known_payer(value)
                validity = 1.0 if known >= 0.9 else self.unknown_payer
                start, end = lv.start + span[0], lv.start + span[1]
                conf = lv.score * validity * ocr_confidence(page, start, end)
                notes = ("known_payer",) if known >= 0.9 else ("unknown_payer",)
                payer_found = (
                    bool(
                        add_candidate(
                            doc,
                            start,
                            end,
                            FieldName.INSURANCE_PAYER,
                            value,
                            conf,
                            EXTRACTOR,
                            notes,
                        )
                    )
                    or payer_found
                )
                continue
            found = first_valid(lv, clean_identifier)
            if found is None:
                continue
            offset, ident, factor = found
            start, end = offset + ident.start, offset + ident.end
            conf = lv.score * factor * ident.validity * ocr_confidence(page, start, end)
            add_checked(
                doc, start, end, _ID_FIELDS[lv.label_key], ident.value, conf, EXTRACTOR, _id_of
            )
            have.add(lv.label_key)
        if not payer_found:
            self._prose_payer(doc)
        self._prose_ids(doc, page, have)
        return doc

    def _prose_ids(self, doc: Doc, page: Page, have: set[str]) -> None:
        """IDs stated in a letter: "member W284716655, group 0871234" (no label, no ":")."""
        for m in _PROSE_ID.finditer(doc.text):
            key = (
                "insurance.group_number"
                if m.group("kind").lower()[0] == "g"
                else ("insurance.member_id")
            )
            ident = clean_identifier(m.group("id"))
            if key in have or ident is None or sum(c.isdigit() for c in ident.value) < 4:
                continue
            start = m.start("id") + ident.start
            end = start + len(ident.value)
            conf = self.prose_confidence * 1.2 * ocr_confidence(page, start, end)
            add_candidate(
                doc, start, end, _ID_FIELDS[key], ident.value, conf, EXTRACTOR, ("prose",)
            )
            have.add(key)

    def _prose_payer(self, doc: Doc) -> None:
        """A known payer named in running text, longest name first; else one after a cue
        ("insured through Premera Blue Cross, member ..."), weaker."""
        page = page_of(doc)
        assert page is not None
        text = doc.text
        cued = _PROSE_PAYER.search(text)
        span = clean_payer(cued.group("payer")) if cued is not None else None
        if cued is not None and span is not None:
            span = (cued.start("payer") + span[0], cued.start("payer") + span[1])
        for pattern in _payer_patterns():
            m = pattern.search(text)
            if m is None:
                continue
            s, e = m.span()
            if span is not None and span[0] <= s and e <= span[1]:
                s, e = span  # "insured through Premera Blue Cross": the name as printed
            conf = self.prose_confidence * ocr_confidence(page, s, e)
            add_candidate(
                doc,
                s,
                e,
                FieldName.INSURANCE_PAYER,
                text[s:e],
                conf,
                EXTRACTOR,
                ("prose", "known_payer"),
            )
            return
        if span is not None:
            conf = self.prose_confidence * 0.9 * ocr_confidence(page, *span)
            add_candidate(
                doc,
                *span,
                FieldName.INSURANCE_PAYER,
                text[span[0] : span[1]],
                conf,
                EXTRACTOR,
                ("prose", "cue"),
            )


@Language.factory(
    "intake_insurance",
    default_config={"unknown_payer": 0.75, "prose_confidence": 0.5},
    assigns=["doc.spans"],
)
def make_insurance(
    nlp: Language, name: str, unknown_payer: float, prose_confidence: float
) -> InsuranceComponent:
    """spaCy factory for :class:`InsuranceComponent`."""
    return InsuranceComponent(unknown_payer, prose_confidence)


def _id_of(text: str) -> str | None:
    """The identifier a second reading of a crop holds (for the vote)."""
    found = clean_identifier(text)
    return found.value if found else None
