"""Infer the specialty a referral is for when the referral does not state it.

Three kinds of evidence, each turned into a share over specialties and then weighted:

* meaning — cosine similarity of the clinical question (plus the diagnoses' ICD-10 titles)
  to a short prototype description per specialty, with a sentence-embedding model;
* keywords — clinical words of a specialty found in the text ("palpitations", "A1c");
* ICD-10 — the diagnosis codes' prefixes ("I48" → cardiology, "M05" → rheumatology), with
  I-chapter codes going to vascular surgery when the text is about vessels.

The confidence reflects the margin between the best and the runner-up, and stays below a
stated specialty's: an inferred value always deserves a reviewer's glance.
"""

from __future__ import annotations

import logging
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from extractors.fields.clinical_rules import clean_key
from extractors.fields.negation import assess
from extractors.fields.specialty_lexicon import icd_specialties, lexicon
from models.vocab import Specialty

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

W_EMBEDDING = 0.45
W_KEYWORDS = 0.35
W_ICD = 0.40
MAX_CONFIDENCE = 0.85
_TEMPERATURE = 0.04
_MIN_SIMILARITY = 0.12


def infer_specialty(
    text: str, diagnoses: list[str], *, model_path: str | Path | None = None
) -> tuple[Specialty, float, str]:
    """Most likely specialty for a referral from its clinical question and diagnoses.

    Args:
        text: the clinical question (or any clinical text of the referral; several pages may
            be joined).
        diagnoses: ICD-10-CM codes, with or without the dot.
        model_path: local sentence-embedding model folder; ``None`` for the packaged model.

    Returns:
        ``(specialty, confidence 0–1, evidence)`` where evidence is the keyword or code that
        decided, or ``"semantic similarity"``. ``(Specialty.OTHER, 0.0, "")`` when there is
        nothing to go on.
    """
    text = " ".join((text or "").split())
    codes = [c.strip().upper() for c in diagnoses if c and c.strip()]
    if not text and not codes:
        return Specialty.OTHER, 0.0, ""
    candidates = [s for s in lexicon().prototypes if s is not Specialty.OTHER]
    shares: list[tuple[float, dict[Specialty, float]]] = []
    kw_share, kw_evidence = _keyword_share(text)
    if kw_share:
        shares.append((W_KEYWORDS, kw_share))
    icd_share, icd_evidence = _icd_share(codes, text)
    if icd_share:
        shares.append((W_ICD, icd_share))
    emb_share = _embedding_share(_embedding_text(text, codes), candidates, model_path)
    if emb_share:
        shares.append((W_EMBEDDING, emb_share))
    if not shares:
        return Specialty.OTHER, 0.2, ""
    total = sum(w for w, _ in shares)
    combined = {s: sum(w * share.get(s, 0.0) for w, share in shares) / total for s in candidates}
    ranked = sorted(combined.items(), key=lambda kv: kv[1], reverse=True)
    (best, p1), (_, p2) = ranked[0], ranked[1]
    confidence = 0.3 + 0.55 * ((p1 - p2) / max(p1, 1e-9)) * min(1.0, p1 / 0.5)
    evidence = kw_evidence.get(best) or icd_evidence.get(best) or "semantic similarity"
    return best, round(min(MAX_CONFIDENCE, confidence), 3), evidence


def _keyword_share(text: str) -> tuple[dict[Specialty, float], dict[Specialty, str]]:
    """Share of distinct keyword (and named-specialty) hits per specialty in ``text``."""
    lex = lexicon()
    hits: Counter[Specialty] = Counter()
    evidence: dict[Specialty, str] = {}
    for match in lex.text_synonym_re.finditer(text):
        specialty = lex.synonyms.get(clean_key(match.group(0)))
        if specialty is not None and specialty is not Specialty.OTHER:
            hits[specialty] += 2
            evidence.setdefault(specialty, match.group(0))
    for specialty, pattern in lex.keywords.items():
        # "family history of colon cancer", "denies chest pain": not this patient's problem
        live = [m for m in pattern.finditer(text) if not assess(text, *m.span()).excludes]
        found = {m.group(0).lower() for m in live}
        if found:
            hits[specialty] += len(found)
            evidence.setdefault(specialty, live[0].group(0))
    total = sum(hits.values())
    return ({s: n / total for s, n in hits.items()} if total else {}), evidence


def _icd_share(
    codes: list[str], text: str
) -> tuple[dict[Specialty, float], dict[Specialty, str]]:
    """Share of diagnosis codes per specialty (ties split), vessels moving I-codes to vascular."""
    vascular_text = bool(lexicon().vascular_re.search(text))
    weights: Counter[Specialty] = Counter()
    evidence: dict[Specialty, str] = {}
    for code in codes:
        targets = icd_specialties(code)
        if vascular_text and code.startswith("I") and Specialty.CARDIOLOGY in targets:
            targets = (Specialty.VASCULAR_SURGERY,)
        for specialty in targets:
            weights[specialty] += 1.0 / len(targets)
            evidence.setdefault(specialty, code)
    total = sum(weights.values())
    return ({s: w / total for s, w in weights.items()} if total else {}), evidence


def _embedding_text(text: str, codes: list[str]) -> str:
    """The question plus the codes' ICD-10 titles: the titles carry meaning the codes hide."""
    titles: list[str] = []
    if codes:
        try:
            import simple_icd_10_cm as icd

            for code in codes[:8]:
                if icd.is_valid_item(code):
                    titles.append(icd.get_description(code))
        except Exception as exc:  # titles are a bonus; never fail the inference over them
            log.debug("ICD-10 titles unavailable (%s)", type(exc).__name__)
    return ". ".join(p for p in [text, *titles] if p)


def _embedding_share(
    text: str, candidates: list[Specialty], model_path: str | Path | None
) -> dict[Specialty, float]:
    """Softmax over cosine similarities to the prototypes; empty if the model is unusable."""
    if not text:
        return {}
    try:
        import numpy as np

        from extractors.embeddings import encode

        protos = _prototype_matrix(tuple(candidates), str(model_path or ""))
        sims = protos @ encode([text], model_path)[0]
    except (OSError, ValueError, ImportError, RuntimeError):
        log.warning("embedding model unavailable; specialty from keywords and codes only")
        return {}
    if float(sims.max()) < _MIN_SIMILARITY:
        return {}
    weights = np.exp((sims - sims.max()) / _TEMPERATURE)
    weights /= weights.sum()
    return {s: float(w) for s, w in zip(candidates, weights, strict=True)}


@lru_cache(maxsize=4)
def _prototype_matrix(candidates: tuple[Specialty, ...], model_path: str) -> np.ndarray:
    """Embeddings of the prototype descriptions, computed once per model."""
    from extractors.embeddings import encode

    protos = lexicon().prototypes
    return encode([protos[s] for s in candidates], model_path or None)
