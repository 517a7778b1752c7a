"""A service named after a specialty label, in whatever words: which specialty it is.

"Department: Gastro-intestinal", "Service: Breast Surgery", "Referral To: Urogynecology" and
"Service: Wound Care" all *state* where the referral goes, but the lexicon cannot list every
name a department goes by. The lexicon answers first (whole value, a synonym inside it, or an
OCR-damaged synonym); a name it does not know, or knows only fuzzily, is compared by meaning
(the sentence-embedding model) with each specialty's name and synonyms. A clear winner is that
specialty; a service that resembles none is ``other`` — a real answer on a routing screen,
unlike a guess. Values that name a person or a facility ("Dr. Alan Smith", "Springfield
Medical Center") state no service and are left to inference.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from extractors.fields.specialty_lexicon import lexicon, match_specialty
from models.vocab import Specialty

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

#: Cosine similarity the best specialty must reach, and its lead over the runner-up.
MIN_SIMILARITY = 0.45
MIN_MARGIN = 0.12
_MAX_WORDS = 5
_NOT_A_SERVICE = re.compile(
    r"\d|@|\b(?:dr|md|do|np|pa|rn|mrs?|ms|phd|facp|faafp|dpm|od)\b\.?|,\s*[A-Z]"
    r"|\b(?:hospital|medical|health|healthcare|center|centre|associates|group|practice|llc|inc"
    r"|pc|pllc|university|institute|system|partners|physicians|office|fax|phone|tel)\b",
    re.IGNORECASE,
)


def read_service(value: str) -> tuple[Specialty, float, int, int, str] | None:
    """The specialty a labelled service value names, with a score and how it was read.

    A loose lexicon hit that the meaning does not support ("Interventional Radiology" is not
    "audiology") is an unlisted service, ``other``.

    Returns:
        ``(specialty, score 0–1, start, end, how)`` — ``how`` is ``lexicon``, ``fuzzy``,
        ``meaning`` or ``unlisted`` (a service outside the vocabulary: ``other``) — or
        ``None`` when the value names no service (a person, a facility, a sentence).
    """
    found = match_specialty(value)
    if found is not None and found[1] >= 0.92:
        return (*found, "lexicon")
    stripped = value.strip(" \t:;,.-")
    if not stripped or len(stripped.split()) > _MAX_WORDS or _NOT_A_SERVICE.search(stripped):
        return (*found, "fuzzy") if found is not None else None
    start = value.find(stripped)
    end = start + len(stripped)
    by_meaning = _by_meaning(stripped)
    if by_meaning is not None:
        specialty, score = by_meaning
        if found is not None and found[0] is specialty:
            return (*found, "fuzzy")
        return specialty, score, start, end, "meaning"
    if found is not None and found[1] >= 0.9:
        return (*found, "fuzzy")  # OCR damage ("Cardiolgy"): close to one synonym
    if not re.search(r"[A-Za-z]{3}", stripped):
        return None
    return Specialty.OTHER, 0.8, start, end, "unlisted"


def _by_meaning(value: str) -> tuple[Specialty, float] | None:
    """The specialty whose names are clearly closest in meaning to ``value``, if any."""
    try:
        from extractors.embeddings import encode

        names, matrix = _name_matrix()
        sims = matrix @ encode([value])[0]
    except (OSError, ValueError, ImportError, RuntimeError):
        log.warning("embedding model unavailable; service names read by the lexicon only")
        return None
    order = sims.argsort()[::-1]
    best, second = float(sims[order[0]]), float(sims[order[1]])
    if best < MIN_SIMILARITY or best - second < MIN_MARGIN:
        return None
    return names[int(order[0])], min(0.9, 0.6 + best - second)


@lru_cache(maxsize=1)
def _name_matrix() -> tuple[list[Specialty], np.ndarray]:
    """Embeddings of "<specialty>: <synonyms>" for every specialty, computed once."""
    from extractors.embeddings import encode

    synonyms: dict[Specialty, list[str]] = {}
    for syn, specialty in lexicon().synonyms.items():
        synonyms.setdefault(specialty, []).append(syn)
    names = list(Specialty)
    texts = [
        n.value.replace("_", " ") + ": " + ", ".join(synonyms.get(n, [])[:6]) for n in names
    ]
    return names, encode(texts)
