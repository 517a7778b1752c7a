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
import re
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
_TEMPERATURE = 0.06
_MIN_SIMILARITY = 0.12
#: Weight of the background (history, other services) against the reason for referral.
W_BACKGROUND = 0.2
#: Weight of the pages' clinical prose against the clinical question itself.
W_CONTEXT = 0.6
_CONTEXT_CHARS = 700
_FORM_LINE = re.compile(r"^\s*(?P<label>[A-Za-z][\w /#&().'-]{0,40}?)\s*[:;]\s*(?P<value>.*)$")
_CLINICAL_LABEL = re.compile(
    r"reason|question|hpi|present|assessment|impression|plan|diagnos|finding|complaint"
    r"|indication|problem|concern|summary|request|clinical|symptom|exam|result|note",
    re.IGNORECASE,
)
_BACKGROUND_LABEL = re.compile(
    r"pmh|past|history|medication|meds|allerg|family|social|surgical|comorbid", re.IGNORECASE
)
#: Weight of each diagnosis after the first (the primary diagnosis leads).
W_SECONDARY_DX = 0.5
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
#: Sentences about the patient's background, not the reason for this referral: the history,
#: other specialists who follow the patient ("followed by cardiology for AF").
_BACKGROUND = re.compile(
    r"^\s*(?:(?:past\s+)?(?:medical\s+|surgical\s+)?history\b|p\.?m\.?h\.?x?\b|hx\b"
    r"|background\b|comorbidit|co-morbidit|other\s+(?:problems|conditions)\b|meds\b"
    r"|medications\b|allergies\b|social\b|family\s+history\b)"
    r"|\b(?:followed|seen|managed|treated|known)\s+(?:by|to|in)\b|\bunder\s+the\s+care\s+of\b"
    r"|\bprevious(?:ly)?\b|\bin\s+the\s+past\b|\bhistory\s+of\b",
    re.IGNORECASE,
)


def infer_specialty(
    text: str,
    diagnoses: list[str],
    *,
    context: str = "",
    model_path: str | Path | None = None,
) -> tuple[Specialty, float, str]:
    """Most likely specialty for a referral from its clinical question and diagnoses.

    Args:
        text: the clinical question (or any clinical text of the referral; several pages may
            be joined).
        diagnoses: ICD-10-CM codes, with or without the dot.
        context: the referral's pages' text: its clinical prose (history of the present
            problem, findings, assessment) supports the question at :data:`W_CONTEXT`; form
            fields are left out and history sentences are background.
        model_path: local sentence-embedding model folder; ``None`` for the packaged model.

    Returns:
        ``(specialty, confidence 0–1, evidence)`` where evidence is the keyword or code that
        decided, or ``"semantic similarity"``. ``(Specialty.OTHER, 0.0, "")`` when there is
        nothing to go on.
    """
    text = " ".join((text or "").split())
    codes = [c.strip().upper() for c in diagnoses if c and c.strip()]
    context_focus, context_background = clinical_prose(context) if context else ("", "")
    if not text and not codes and not context_focus:
        return Specialty.OTHER, 0.0, ""
    candidates = [s for s in lexicon().prototypes if s is not Specialty.OTHER]
    shares: list[tuple[float, dict[Specialty, float]]] = []
    focus, background = split_focus(text) if text else ("", "")
    background = " ".join(p for p in (background, context_background) if p)
    kw_share, kw_evidence = _keyword_share(focus, background, context_focus)
    if kw_share:
        shares.append((W_KEYWORDS, kw_share))
    comorbid = _background_only(f"{focus} {context_focus}", background)
    icd_share, icd_evidence = _icd_share(codes, f"{text} {context_focus}", comorbid)
    if icd_share:
        shares.append((W_ICD, icd_share))
    leading = [c for c in codes if not set(icd_specialties(c)) & comorbid][:1] or codes[:1]
    meaning = " ".join(p for p in (focus, context_focus[:_CONTEXT_CHARS]) if p)
    emb_share = _embedding_share(_embedding_text(meaning, leading), candidates, model_path)
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


def split_focus(text: str) -> tuple[str, str]:
    """The referral's own reason (``focus``) and its background sentences (history, others).

    "Left hip fracture after a fall. She is followed by cardiology for AF." is about the hip;
    the second sentence is background that must not outvote it.
    """
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    background = [s for s in sentences if _BACKGROUND.search(s)]
    focus = [s for s in sentences if not _BACKGROUND.search(s) and not _form_noise(s)]
    if not focus:
        return text, ""
    return " ".join(focus), " ".join(background)


def clinical_prose(context: str) -> tuple[str, str]:
    """The clinical prose of a referral's pages, as (focus, background).

    Form fields ("Patient Name: ...", "Phone: ...") are dropped, a clinical label's value
    ("Assessment: ...") is kept, a history label's value ("PMH: ...") is background; the
    remaining lines are joined so wrapped letter sentences read whole again.
    """
    kept: list[str] = []
    background: list[str] = []
    for line in context.splitlines():
        form = _FORM_LINE.match(line)
        if form and len(form.group("label").split()) <= 4:
            label, value = form.group("label"), form.group("value")
            if _BACKGROUND_LABEL.search(label):
                background.append(value)
                continue
            if not _CLINICAL_LABEL.search(label):
                continue
            line = value
        kept.append(line.strip())
    focus, more_background = split_focus(" ".join(k for k in kept if k))
    if focus == " ".join(k for k in kept if k) and not more_background and _form_noise(focus):
        focus = ""
    return focus, " ".join(p for p in (*background, more_background) if p)


def _form_noise(sentence: str) -> bool:
    """True for form lines (ids, phones, dates, names) rather than clinical prose."""
    words = re.findall(r"[A-Za-z]{2,}", sentence)
    digits = sum(ch.isdigit() for ch in sentence)
    return len(words) < 3 or digits > 0.2 * len(sentence)


def _keyword_share(
    text: str, background: str = "", context: str = ""
) -> tuple[dict[Specialty, float], dict[Specialty, str]]:
    """Share of distinct keyword (and named-specialty) hits per specialty.

    Hits in ``text`` (the question) count fully, in ``context`` (the pages' clinical prose)
    at :data:`W_CONTEXT`, keywords in ``background`` at :data:`W_BACKGROUND`. A specialty
    named in the question counts double; named anywhere else (a letterhead, "known to
    neurology") it counts not at all.
    """
    lex = lexicon()
    hits: Counter[Specialty] = Counter()
    evidence: dict[Specialty, str] = {}
    for match in lex.text_synonym_re.finditer(text):
        specialty = lex.synonyms.get(clean_key(match.group(0)))
        if specialty is not None and specialty is not Specialty.OTHER:
            hits[specialty] += 2
            evidence.setdefault(specialty, match.group(0))
    for weight, part in ((1.0, text), (W_CONTEXT, context), (W_BACKGROUND, background)):
        if not part:
            continue
        for specialty, pattern in lex.keywords.items():
            # "family history of colon cancer", "denies chest pain": not this patient's problem
            live = [m for m in pattern.finditer(part) if not assess(part, *m.span()).excludes]
            found = {m.group(0).lower() for m in live}
            if found:
                hits[specialty] += weight * len(found)
                if weight > W_BACKGROUND:
                    evidence.setdefault(specialty, live[0].group(0))
    total = sum(hits.values())
    return ({s: n / total for s, n in hits.items()} if total else {}), evidence


def _background_only(focus: str, background: str) -> set[Specialty]:
    """Specialties whose keywords appear in the background and nowhere in the reason."""
    if not background:
        return set()
    lex = lexicon()
    return {
        s for s, pattern in lex.keywords.items()
        if pattern.search(background) and not pattern.search(focus)
    }


def _icd_share(
    codes: list[str], text: str, comorbid: set[Specialty] | frozenset[Specialty] = frozenset()
) -> tuple[dict[Specialty, float], dict[Specialty, str]]:
    """Share of diagnosis codes per specialty (ties split), vessels moving I-codes to vascular.

    The first code weighs most; codes of a specialty only the background speaks of
    (comorbidities) weigh little, and the shares then sum to less than one.
    """
    vascular_text = bool(lexicon().vascular_re.search(text))
    weights: Counter[Specialty] = Counter()
    evidence: dict[Specialty, str] = {}
    nominal = 0.0  # what the codes would weigh without comorbidity discounts
    for index, code in enumerate(codes):
        targets = icd_specialties(code)
        if vascular_text and code.startswith("I") and Specialty.CARDIOLOGY in targets:
            targets = (Specialty.VASCULAR_SURGERY,)
        weight = 1.0 if index == 0 else W_SECONDARY_DX  # the primary diagnosis leads
        nominal += weight if targets else 0.0
        if set(targets) & set(comorbid):  # a comorbidity the history mentions, not the reason
            weight *= W_BACKGROUND
        for specialty in targets:
            weights[specialty] += weight / len(targets)
            evidence.setdefault(specialty, code)
    # discounted codes shrink the share itself: comorbidities alone say little
    return ({s: w / nominal for s, w in weights.items()} if nominal else {}), evidence


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
