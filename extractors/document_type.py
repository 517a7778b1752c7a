"""What a whole fax is: a referral, or one of the many things that are not.

Only referrals become referrals. Lab results, consult replies, prior-authorization decisions,
refill and records requests, marketing and lone cover sheets arrive on the same fax line, and
forcing them into a referral would put junk in the review queue. So a referral needs referral
evidence of its own ("Reason for referral:", a referral form, "I am referring"), and a
non-referral type wins when its own evidence is strong and beats the referral evidence. Two
traps: a referral with attached lab results is still a referral (the referral evidence stays),
and a consult reply says "thank you for the referral" (which is reply evidence, not referral
evidence).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from extractors.fields.clinical_rules import WeightedPatterns, load_rules, weighted_patterns
from extractors.page_kind import classify_page
from models.vocab import DocumentType, PageKind

if TYPE_CHECKING:
    from models.document import Page

KindLike = PageKind | tuple[PageKind | None, float | None] | None


@dataclass(frozen=True)
class _Rules:
    types: dict[DocumentType, WeightedPatterns]
    min_score: float
    cover_weight: float
    referral_page_bonus: float


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = load_rules("document_types.yaml")
    return _Rules(
        types={DocumentType(name): weighted_patterns(specs)
               for name, specs in data["types"].items()},
        min_score=float(data["min_score"]),
        cover_weight=float(data["cover_weight"]),
        referral_page_bonus=float(data["referral_page_bonus"]),
    )


def _kind_of(page: Page, given: KindLike) -> PageKind:
    if isinstance(given, tuple):
        given = given[0]
    if isinstance(given, PageKind):
        return given
    if page.kind is not None:
        return page.kind
    return classify_page(page)[0]


def document_scores(texts: Sequence[tuple[str, float]]) -> dict[DocumentType, float]:
    """Evidence per document type over ``(page text, weight)`` pairs, each pattern once."""
    scores: dict[DocumentType, float] = {}
    for doc_type, patterns in _rules().types.items():
        total = 0.0
        for pattern, weight in patterns:
            best = max((w for text, w in texts if pattern.search(text)), default=0.0)
            total += weight * best
        scores[doc_type] = total
    return scores


def classify_document(
    pages: Sequence[Page], page_kinds: Sequence[KindLike] | None = None
) -> tuple[DocumentType, float]:
    """Classify a document from its pages.

    Args:
        pages: the document's read pages.
        page_kinds: per page, a ``PageKind`` or ``(kind, confidence)`` as the classify stage
            computed them; missing ones are taken from ``page.kind`` or computed.

    Returns:
        ``(document type, confidence 0–1)``.
    """
    rules = _rules()
    given = list(page_kinds or [])
    kinds = [_kind_of(p, given[i] if i < len(given) else None) for i, p in enumerate(pages)]
    content = [(p, k) for p, k in zip(pages, kinds, strict=True)
               if k is not PageKind.BLANK and not p.is_blank]
    if not content:
        return DocumentType.BLANK, 0.95
    texts = [(p.text(), rules.cover_weight if k is PageKind.COVER_SHEET else 1.0)
             for p, k in content]
    scores = document_scores(texts)
    referral = scores.pop(DocumentType.REFERRAL)
    referral += rules.referral_page_bonus * min(2, sum(k is PageKind.REFERRAL for _, k in content))
    if all(k is PageKind.COVER_SHEET for _, k in content) and referral < 2 * rules.min_score:
        best_other = max(scores.values(), default=0.0)
        if best_other < rules.min_score:
            return DocumentType.COVER_ONLY, 0.85
    other, other_score = max(scores.items(), key=lambda kv: kv[1])
    if other_score >= rules.min_score and other_score > referral:
        return other, _confidence(other_score, referral)
    if referral >= rules.min_score:
        return DocumentType.REFERRAL, _confidence(referral, other_score)
    if any(k is PageKind.REPORT for _, k in content) and not any(
        k is PageKind.REFERRAL for _, k in content
    ):
        return DocumentType.LAB_RESULT, 0.5
    return DocumentType.OTHER, 0.4


def _confidence(winner: float, runner_up: float) -> float:
    """Confidence from the winner's strength and its margin over the runner-up."""
    margin = (winner - runner_up) / winner if winner > 0 else 0.0
    strength = min(1.0, winner / 8.0)
    return round(min(0.97, 0.5 + 0.3 * margin + 0.17 * strength), 3)
