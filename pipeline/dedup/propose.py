"""Merge proposals: pairs of referrals that are the same request, with a score and evidence.

Two referrals are the same request when they are the same patient (``patient.py``) and
either the same document again (the fax re-sent with new noise or another cover page, the
letter faxed and also uploaded: page text nearly identical) or a second referral for the same
specialty within ``window_days``. The same patient referred to another specialty is a new
request, never a duplicate. Pairs are only compared when they share a blocking key (DOB
digits, phone, MRN, member id), so the work grows with the queue, not with its square.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from rapidfuzz import fuzz, utils

from pipeline.dedup.candidate import Candidate
from pipeline.dedup.patient import match_patient

DEFAULT_THRESHOLD = 0.65
DEFAULT_WINDOW_DAYS = 30
SAME_TEXT = 0.9
SURE_TEXT = 0.96
MAX_BUCKET = 200
_MIN_PATIENT = 0.5
_TEXT_CHARS = 6000
#: Statuses a referral can be merged from; a survivor may also be further along.
OPEN = ("needs_review", "approved")
#: Statuses compared at all: a routed referral can still be a survivor.
COMPARED = (*OPEN, "routed")
_PROGRESS = {"routed": 0, "approved": 1, "needs_review": 2}

Embedder = Callable[[list[str]], Any]  # texts → rows of L2-normalised vectors, or None


@dataclass
class Proposal:
    """Merge ``referral`` into ``duplicate_of`` (the survivor) because of ``evidence``."""

    referral: str
    duplicate_of: str
    score: float
    evidence: list[str] = field(default_factory=list)
    reason: str = ""


def _dob_keys(dob: str) -> set[str]:
    """Keys two DOBs share when equal, one adjacent pair of digits apart (a transposition)
    or with day and month swapped — the slips :func:`dob_relation` accepts, and no more."""
    d = dob.replace("-", "")
    keys = {f"dob:{d}", f"dob-dm:{d[:4]}{min(d[4:6], d[6:8])}{max(d[4:6], d[6:8])}"}
    for i in range(len(d) - 1):
        pair = "".join(sorted(d[i : i + 2]))
        keys.add(f"dob{i}:{d[:i]}{pair}{d[i + 2 :]}")
    return keys


def _blocking_keys(c: Candidate) -> set[str]:
    keys = set()
    if len(c.dob) == 10:
        keys |= _dob_keys(c.dob)
    for prefix, value in (("ph", c.phone), ("mrn", c.mrn), ("mem", c.member_id)):
        if len(value) >= 6:
            keys.add(f"{prefix}:{value}")
    return keys


def candidate_pairs(candidates: Sequence[Candidate]) -> list[tuple[Candidate, Candidate]]:
    """Pairs that share at least one blocking key, each once.

    A key shared by more than ``MAX_BUCKET`` referrals (a placeholder phone such as
    000-000-0000, a clinic's default number) identifies nobody and would make the work grow
    with the square of the queue: it pairs nothing (the other keys still do).
    """
    buckets: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(candidates):
        for key in _blocking_keys(c):
            buckets[key].append(i)
    seen: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) <= MAX_BUCKET:
            seen.update(combinations(sorted(members), 2))
    return [(candidates[i], candidates[j]) for i, j in sorted(seen)]


def text_similarity(a: str, b: str) -> float:
    """Page-text similarity 0–1; an extra or missing cover page costs little (token set)."""
    if not a or not b:
        return 0.0
    ratio = fuzz.token_set_ratio(a[:_TEXT_CHARS], b[:_TEXT_CHARS], processor=utils.default_process)
    return ratio / 100


def _question_similarity(a: Candidate, b: Candidate, vectors: dict[str, Any]) -> float:
    if not a.question or not b.question:
        return 0.0
    fuzzy = fuzz.token_set_ratio(a.question, b.question, processor=utils.default_process) / 100
    va, vb = vectors.get(a.id), vectors.get(b.id)
    cosine = float(va @ vb) if va is not None and vb is not None else 0.0
    return max(fuzzy, cosine)


def _order(a: Candidate, b: Candidate) -> tuple[Candidate, Candidate]:
    """(to merge, survivor): the survivor is the one further along, else the earlier one."""
    key_a = (_PROGRESS.get(a.status, 3), a.received_at, a.id)
    key_b = (_PROGRESS.get(b.status, 3), b.received_at, b.id)
    return (b, a) if key_a <= key_b else (a, b)


def _may_be_same_patient(a: Candidate, b: Candidate) -> bool:
    """The cheap test :func:`score_pair` starts with: only such pairs need the model."""
    patient = match_patient(a, b)
    return not patient.contradiction and patient.score >= _MIN_PATIENT


def score_pair(
    a: Candidate, b: Candidate, *, window_days: float, vectors: dict[str, Any] | None = None
) -> Proposal | None:
    """The proposal for one pair, or ``None`` when they are not the same request."""
    patient = match_patient(a, b)
    if patient.contradiction or patient.score < _MIN_PATIENT:
        return None
    text = text_similarity(a.text, b.text)
    question = _question_similarity(a, b, vectors or {})
    days = abs((a.received_at - b.received_at).total_seconds()) / 86400
    same_specialty = bool(a.specialty) and a.specialty == b.specialty
    if not (a.specialty and b.specialty) and question >= 0.85:
        same_specialty = True  # one side's specialty was not read; the same question stands
    evidence = [*patient.evidence]
    if text >= SAME_TEXT:
        evidence.append(f"page_text_{text:.2f}")
        request, reason = 0.75 + 0.25 * text, "same document received again"
    elif same_specialty and days <= window_days:
        request = 0.7 + 0.3 * max(question, text)
        reason = f"same patient and specialty within {window_days:g} days"
    else:
        return None
    if same_specialty:
        evidence.append("specialty_same")
    if question >= 0.5:
        evidence.append(f"question_{question:.2f}")
    evidence.append(f"days_apart_{days:.0f}")
    if patient.score < 0.85 and text < SURE_TEXT:
        return None  # a weak patient match needs the very same document
    merged, survivor = _order(a, b)
    return Proposal(merged.id, survivor.id, round(patient.score * request, 3), evidence, reason)


def propose(
    candidates: Sequence[Candidate],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window_days: float = DEFAULT_WINDOW_DAYS,
    embed: Embedder | None = None,
    exclude: set[frozenset[str]] | None = None,
    pairs: list[tuple[Candidate, Candidate]] | None = None,
) -> list[Proposal]:
    """Merge proposals at or above ``threshold``, best first, each referral merged once.

    A referral already chosen as a survivor can absorb several duplicates; one chosen to be
    merged is not proposed again (nor used as a survivor), so applying every proposal in
    order leaves no chain of merges. Pairs in ``exclude`` (dismissed by a reviewer) are
    never proposed. ``pairs``: :func:`candidate_pairs` of ``candidates`` when the caller
    has them already.
    """
    if pairs is None:
        pairs = candidate_pairs([c for c in candidates if c.status in COMPARED])
    pairs = [(a, b) for a, b in pairs if _may_be_same_patient(a, b)]
    vectors: dict[str, Any] = {}
    if embed is not None:
        asked = {c.id: c for pair in pairs for c in pair if c.question}
        if asked:
            rows = embed([c.question for c in asked.values()])
            if rows is not None:  # None: no model here, rapidfuzz alone
                vectors = dict(zip(asked, rows, strict=True))
    found = [
        p
        for a, b in pairs
        if (p := score_pair(a, b, window_days=window_days, vectors=vectors)) is not None
        and p.score >= threshold
        and frozenset((p.referral, p.duplicate_of)) not in (exclude or set())
    ]
    status = {c.id: c.status for c in candidates}
    found.sort(key=lambda p: (-p.score, p.referral, p.duplicate_of))
    merged: set[str] = set()
    survivors: set[str] = set()
    out = []
    for p in found:
        if p.referral in merged or p.referral in survivors or p.duplicate_of in merged:
            continue
        if status.get(p.referral) not in OPEN:
            continue
        merged.add(p.referral)
        survivors.add(p.duplicate_of)
        out.append(p)
    return out


def embedder(model_path: str | None = None) -> Embedder:
    """The shipped sentence-embedding model as an :data:`Embedder` (loaded on first use)."""
    from extractors.embeddings import encode

    return lambda texts: encode(texts, model_path or None)


def safe_embedder(model_path: str | None = None) -> Embedder:
    """:func:`embedder` that answers ``None`` (rapidfuzz alone, with a warning) when the model
    cannot be loaded, instead of failing the clean-up; torch is imported only when needed."""
    import logging
    from pathlib import Path

    encode = embedder(model_path)

    def embed(texts: list[str]) -> Any:
        try:
            if model_path and not Path(model_path).is_dir():  # say so before importing torch
                raise FileNotFoundError("embedding model folder not found")
            return encode(texts)
        except (OSError, ValueError) as exc:
            logging.getLogger(__name__).warning(
                "embedding model unavailable (%s); question similarity by rapidfuzz only",
                type(exc).__name__,
            )
            return None

    return embed
