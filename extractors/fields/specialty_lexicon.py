"""The specialty lexicon (``rules/specialties.yaml``) compiled once: synonyms, keywords, ICD map.

Shared by the stated-specialty component (synonyms after a label) and the inference
(keywords, ICD-10 prefixes, prototype descriptions) so both read one data file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from extractors.fields.clinical_rules import clean_key, compile_phrases, load_rules
from models.vocab import Specialty

_FUZZY_MIN_LEN = 5
_FUZZY_CUTOFF = 86.0
_SHORT_OCR = str.maketrans({"l": "I", "1": "I", "|": "I", "0": "O"})


@dataclass(frozen=True)
class Lexicon:
    """Compiled view of the specialty rules."""

    synonyms: dict[str, Specialty]
    phrases: tuple[str, ...]
    synonym_re: re.Pattern[str]
    text_synonym_re: re.Pattern[str]
    keywords: dict[Specialty, re.Pattern[str]]
    prototypes: dict[Specialty, str]
    icd: dict[str, tuple[Specialty, ...]]
    vascular_re: re.Pattern[str]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The compiled lexicon (cached for the process)."""
    rules = load_rules("specialties.yaml")
    synonyms: dict[str, Specialty] = {}
    keywords: dict[Specialty, re.Pattern[str]] = {}
    prototypes: dict[Specialty, str] = {}
    icd: dict[str, list[Specialty]] = {}
    raw: list[str] = []
    for name, spec in rules["specialties"].items():
        specialty = Specialty(name)
        for syn in spec.get("synonyms", []):
            for form in _ampersand_forms(str(syn)):  # "heart and vascular" = "Heart & Vascular"
                synonyms.setdefault(clean_key(form), specialty)
                raw.append(form)
        if spec.get("keywords"):
            keywords[specialty] = compile_phrases(spec["keywords"])
        prototypes[specialty] = " ".join(str(spec.get("prototype", "")).split())
        for prefix in spec.get("icd", []):
            icd.setdefault(str(prefix).upper().replace(".", ""), []).append(specialty)
    ambiguous = {clean_key(a) for a in rules.get("ambiguous_in_text", [])}
    all_syn = [s for s in raw if clean_key(s)]
    text_syn = [s for s in all_syn if clean_key(s) not in ambiguous and len(clean_key(s)) > 2]
    return Lexicon(
        synonyms=synonyms,
        phrases=tuple(all_syn),
        synonym_re=compile_phrases(all_syn),
        text_synonym_re=compile_phrases(text_syn),
        keywords=keywords,
        prototypes=prototypes,
        icd={k: tuple(v) for k, v in icd.items()},
        vascular_re=compile_phrases(rules.get("vascular_terms", [])),
    )


def _ampersand_forms(phrase: str) -> list[str]:
    """A phrase and its other spelling of "and" ("&"), as departments write either."""
    if " and " in phrase:
        return [phrase, phrase.replace(" and ", " & ")]
    if " & " in phrase:
        return [phrase, phrase.replace(" & ", " and ")]
    return [phrase]


def match_specialty(value: str) -> tuple[Specialty, float, int, int] | None:
    """Read a stated specialty ("Cardiology", "GI", "Heme/Onc", OCR-damaged "Cardiolgy").

    The whole value may be a synonym (also after the usual OCR swaps in short ones: "Gl" is
    "GI"). Otherwise candidates are synonyms found inside the value and fuzzy matches of its
    1–3-word windows against the longer synonyms (short ones like "GI" are too easy to hit by
    chance); the one explaining most of the value wins, so "Or thopaedic Surgery" reads as
    orthopaedic surgery rather than general "Surgery".

    Args:
        value: the text after a "Referred to:"/"Specialty:" label.

    Returns:
        ``(specialty, score 0–1, start, end)`` with the offsets of the matched part of
        ``value``, or ``None``.
    """
    lex = lexicon()
    key = clean_key(value)
    if not key:
        return None
    for variant in (key, clean_key(value.translate(_SHORT_OCR)) if len(key) <= 4 else key):
        if variant in lex.synonyms:
            return lex.synonyms[variant], 1.0, 0, len(value)
    found: list[tuple[Specialty, float, int, int]] = []
    for match in lex.synonym_re.finditer(value):
        specialty = lex.synonyms.get(clean_key(match.group(0)))
        if specialty is not None:
            found.append((specialty, 0.92, match.start(), match.end()))
    exact = list(found)
    choices = [s for s in lex.synonyms if len(s) >= _FUZZY_MIN_LEN]
    for text, start, end in _windows(value):
        hit = process.extractOne(
            clean_key(text), choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
        )
        if hit is None:
            continue
        specialty = lex.synonyms[hit[0]]
        if any(s < end and start < e and sp is not specialty for sp, _, s, e in exact):
            continue  # "Dermatology Clinic" is not a misread "Rheumatology Clinic"
        found.append((specialty, hit[1] / 100, start, end))
    return max(found, key=lambda f: ((f[3] - f[2]) * f[1], f[1]), default=None)


def _windows(value: str) -> list[tuple[str, int, int]]:
    """The whole value and its 1–3-word windows, with offsets."""
    words = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", value)]
    out = [(value, 0, len(value))]
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            start, end = words[i][1], words[i + size - 1][2]
            out.append((value[start:end], start, end))
    return out


def icd_specialties(code: str) -> tuple[Specialty, ...]:
    """Specialties an ICD-10-CM code points to: the longest matching prefix in the lexicon."""
    key = code.upper().replace(".", "")
    for length in range(len(key), 0, -1):
        found = lexicon().icd.get(key[:length])
        if found:
            return found
    return ()
