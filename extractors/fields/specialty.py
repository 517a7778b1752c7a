"""referral.specialty: the specialty a referral is sent to.

On a page the component marks only a *stated* specialty — the value after "Referred to:",
"Specialty:", "Consult:" (read through the synonym lexicon, fuzzily for OCR noise), or a
phrase such as "referring her to your cardiology clinic" / "GI consult requested". Inferring
an unstated specialty needs the whole referral (its question and diagnoses may sit on other
pages), so the pipeline calls :func:`infer_specialty` once per referral.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from extractors.fields.base import add_candidate, page_of
from extractors.fields.clinical_labels import labelled
from extractors.fields.clinical_rules import clean_key, label_patterns, phrase_pattern
from extractors.fields.layout import ocr_confidence
from extractors.fields.option_group import (
    Vocabulary,
    decide,
    find_groups,
    fuzzy_option,
    is_box,
    option_pattern,
)
from extractors.fields.specialty_inference import infer_specialty
from extractors.fields.specialty_lexicon import lexicon, match_specialty
from extractors.fields.specialty_service import read_service
from models.vocab import FieldName, Specialty

__all__ = ["EXTRACTOR", "SpecialtyComponent", "infer_specialty", "match_specialty"]

EXTRACTOR = "fields.specialty@1"
#: An unlisted service is believed only when OCR read its words confidently.
_UNLISTED_MIN_OCR = 0.9
_GLUE_MIN_LEN = 5
KEY = str(FieldName.REFERRAL_SPECIALTY)
_SERVICE = (
    r"(?:clinic|department|dept\.?|service|specialist|team|center|centre|consult\w*|referral"
    r"|evaluation)"
)


@lru_cache(maxsize=1)
def _text_patterns() -> list[tuple[re.Pattern[str], float]]:
    """Free-text phrases that name the specialty, each with its confidence."""
    lex = lexicon()
    any_syn = lex.synonym_re.pattern
    specific = lex.text_synonym_re.pattern
    flags = re.IGNORECASE
    return [
        # "CARDIOLOGY REFERRAL", "GI consult requested", "Neurology consultation request"
        (re.compile(rf"(?P<sp>{specific})\s+(?:referral|consult(?:ation)?)\b", flags), 0.85),
        # "referring him to your cardiology clinic", "refer to the heart clinic"
        (
            re.compile(
                rf"\b(?:refer(?:ring|red)?|send(?:ing)?)\b[^\n]{{0,100}}?\bto\s+(?:the\s+|your\s+|our\s+)?"
                rf"(?:(?P<sp>{specific})\b|(?P<sp2>{any_syn})\s+{_SERVICE})",
                flags,
            ),
            0.8,
        ),
        # "referral to ENT", "consultation with dermatology"
        (
            re.compile(
                rf"\b(?:referral|consult(?:ation)?)\s+(?:to|with)\s+(?:the\s+|your\s+)?"
                rf"(?P<sp>{specific})\b",
                flags,
            ),
            0.82,
        ),
    ]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The specialty option group's vocabulary: every synonym of the lexicon is an option."""
    lex = lexicon()

    def value(word: str) -> str | None:
        found = lex.synonyms.get(clean_key(word))
        return found.value if found is not None else None

    return Vocabulary(
        option=option_pattern(_glueable(lex.phrases)),
        value=value,
        label=label_patterns()[KEY],
        other=Specialty.OTHER.value,
        guess=lambda word, _read: fuzzy_option(word, _long_options(), 65.0),
    )


@lru_cache(maxsize=1)
def _long_options() -> dict[str, str]:
    """Synonyms long enough to be told apart when OCR garbled them, with their values."""
    return {
        syn: specialty.value
        for syn, specialty in lexicon().synonyms.items()
        if len(syn) >= _GLUE_MIN_LEN
    }


def _glueable(synonyms: tuple[str, ...]) -> str:
    """Alternation of the synonyms in which a long one may follow a glued box mark.

    Fax OCR glues an empty box to its option ("ONeurology", "[Endocrinology"); the option
    pattern already requires a boundary before the glued mark. Short synonyms ("ENT", "GI")
    keep their own boundary: "Dent" is not a box and "ENT".
    """
    guard = r"(?<![\w])"
    parts = []
    for syn in sorted(set(synonyms), key=len, reverse=True):
        source = phrase_pattern(syn.strip())
        if len(clean_key(syn).replace(" ", "")) >= _GLUE_MIN_LEN and source.startswith(guard):
            source = source[len(guard) :]
        parts.append(f"(?:{source})")
    return "|".join(parts)


def _prose(value: str) -> bool:
    """A sentence rather than a name: over five words, three of them in lower case.

    "Dr. Alan Smith, Coastal Orthopedics Group" names a practice (its specialty stands);
    "sleep study requested for snoring and daytime fatigue" is a reason.
    """
    words = value.split()
    return len(words) > 5 and sum(w[:1].islower() for w in words) >= 3


_YOUR_CLINIC = re.compile(
    r"\b(?:to|in|at|with)\s+(?:your|the)\s+(?P<raw>[\w/&.-]+(?:\s+[\w/&.-]+){0,2}?)\s+"
    r"(?:clinic|department|dept|service|practice|office|team)\b",
    re.IGNORECASE,
)


class SpecialtyComponent:
    """Marks stated specialties on a page; never guesses (inference is per referral)."""

    def __init__(self, stated_confidence: float = 0.95, phrase_confidence: float = 0.8) -> None:
        """Set the confidence of a value after a label, and the floor for a text phrase."""
        self.stated_confidence = stated_confidence
        self.phrase_confidence = phrase_confidence

    def __call__(self, doc: Doc) -> Doc:
        """Add ``referral.specialty`` candidates to ``doc.spans["fields"]``."""
        text = doc.text
        marked = self._groups(doc)
        groups = list(marked)
        for item in labelled(text, KEY, page_of(doc)):
            if any(s <= item.label_start < e or s <= item.start < e for s, e in groups):
                continue  # a checklist was read as a whole above
            value = text[item.start : item.end]
            found = read_service(value)
            if found is None:
                continue
            specialty, score, s, e, how = found
            page = page_of(doc)
            if (
                how == "unlisted"
                and page is not None
                and page.text() == text
                and (ocr_confidence(page, item.start + s, item.start + e) < _UNLISTED_MIN_OCR)
            ):
                continue  # "Renai" may be a misread "Renal": leave it to inference
            if (e - s) < 0.35 * len(value.strip()) and _prose(value):
                continue  # a synonym inside a sentence ("sleep study requested") states nothing
            notes = () if how == "lexicon" else (how,)
            conf = self.stated_confidence * (1.0 if how == "lexicon" else score * 0.9)
            start, end = item.start + s, item.start + e
            if (
                add_candidate(
                    doc,
                    start,
                    end,
                    FieldName.REFERRAL_SPECIALTY,
                    specialty.value,
                    conf,
                    EXTRACTOR,
                    notes,
                )
                is not None
            ):
                marked.append((start, end))
        for pattern, conf in _text_patterns():
            for match in pattern.finditer(text):
                group = "sp2" if "sp2" in pattern.groupindex and match.group("sp2") else "sp"
                start, end = match.span(group)
                if start < 0 or any(s <= start < e for s, e in marked):
                    continue
                specialty = lexicon().synonyms.get(clean_key(match.group(group)))
                if specialty is None or specialty is Specialty.OTHER:
                    continue
                add_candidate(
                    doc,
                    start,
                    end,
                    FieldName.REFERRAL_SPECIALTY,
                    specialty.value,
                    min(conf, self.phrase_confidence + 0.05),
                    EXTRACTOR,
                    ("phrase",),
                )
                marked.append((start, end))
        for match in _YOUR_CLINIC.finditer(text):  # "to your Heme/One clinic" (OCR)
            start, end = match.span("raw")
            if any(s <= start < e for s, e in marked):
                continue
            found = match_specialty(match.group("raw"))
            if (
                found
                and found[0] is not Specialty.OTHER
                and found[3] - found[2] >= 0.6 * (end - start)
            ):
                add_candidate(
                    doc,
                    start,
                    end,
                    FieldName.REFERRAL_SPECIALTY,
                    found[0].value,
                    self.phrase_confidence * found[1],
                    EXTRACTOR,
                    ("phrase", "fuzzy"),
                )
                marked.append((start, end))
        return doc

    def _groups(self, doc: Doc) -> list[tuple[int, int]]:
        """Read specialty checklists; return their spans (their words state nothing else).

        A list with several options, or any box beside its option, is a question: only its
        marked option answers it, and an unmarked list states no specialty at all.
        """
        text, vocab = doc.text, vocabulary()
        spans: list[tuple[int, int]] = []
        for group in find_groups(text, vocab):
            boxed = any(is_box(c.before) or is_box(c.after) for c in group.choices)
            many_lines = "\n" in text[group.choices[0].start : group.choices[-1].end]
            if len(group.choices) < 2 and not boxed:
                continue
            answers = [a for a in decide(group, text, page_of(doc), vocab) if a.how != "label"]
            if not answers and not (boxed or many_lines or len(group.choices) >= 3):
                continue  # "Specialty: Cardiac Electrophysiology": a value, not a checklist
            spans.append((group.start, group.end))
            for answer in answers:
                value = answer.choice.value or vocab.other
                if value is None:
                    continue
                add_candidate(
                    doc,
                    answer.choice.start,
                    answer.choice.end,
                    FieldName.REFERRAL_SPECIALTY,
                    value,
                    round(answer.confidence * self.stated_confidence / 0.95, 3),
                    EXTRACTOR,
                    (answer.how,),
                )
        return spans


@Language.factory(
    "intake_specialty",
    default_config={"stated_confidence": 0.95, "phrase_confidence": 0.8},
    assigns=["doc.spans"],
)
def make_specialty(
    nlp: Language, name: str, stated_confidence: float, phrase_confidence: float
) -> SpecialtyComponent:
    """spaCy factory for :class:`SpecialtyComponent`."""
    return SpecialtyComponent(stated_confidence, phrase_confidence)
