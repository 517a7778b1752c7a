"""What a whole fax is: a referral, or one of the many things that are not.

Lab results, consult replies, prior-authorization decisions, refill and records requests,
marketing, misdirected faxes and lone cover sheets arrive on the same fax line as referrals;
forcing them into a referral would put junk in the review queue, and losing a referral is
worse still. So the referral side weighs two kinds of evidence: what the extractors found
(a patient, a referring provider, a request: ``extractors.referral_evidence``) and request
phrasing ("Reason for referral:", "I am referring", "thank you for seeing"), never a title
alone. A non-referral type wins only when its own evidence (a result table, "thank you for
referring… I saw", a decision) reaches ``min_score`` and beats all of that. Its evidence
counts most on the document's first page: attachments behind a referral (labs, a clinic
note) speak like reports and replies. A referral kept against a close rival, or on partial
evidence, carries a doubt for the reviewer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from extractors.fields.clinical_rules import WeightedPatterns, load_rules, weighted_patterns
from extractors.page_kind import classify_page
from extractors.referral_evidence import FieldEvidence
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
    attachment_weight: float
    field_weight: float


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = load_rules("document_types.yaml")
    return _Rules(
        types={DocumentType(name): weighted_patterns(specs)
               for name, specs in data["types"].items()},
        min_score=float(data["min_score"]),
        cover_weight=float(data["cover_weight"]),
        referral_page_bonus=float(data["referral_page_bonus"]),
        attachment_weight=float(data["attachment_weight"]),
        field_weight=float(data["field_weight"]),
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


@dataclass(frozen=True)
class Verdict:
    """What a document is, how sure, and what a reviewer should doubt about it."""

    document_type: DocumentType
    confidence: float
    doubt: str | None = None


def classify_document(
    pages: Sequence[Page],
    page_kinds: Sequence[KindLike] | None = None,
    evidence: FieldEvidence | None = None,
) -> tuple[DocumentType, float]:
    """``(document type, confidence 0–1)`` of a document; see :func:`decide`."""
    verdict = decide(pages, page_kinds, evidence)
    return verdict.document_type, verdict.confidence


def _texts(
    content: list[tuple[Page, PageKind]], rules: _Rules, *, attachment: float
) -> list[tuple[str, float]]:
    """Page texts with their weights: covers count less, and so do pages after the first.

    What a document is, is said at its start: a consult reply thanks for the referral in its
    first lines, while a referral's attached clinic note may well say "I saw the patient".
    """
    texts = []
    lead = True
    for page, kind in content:
        if kind is PageKind.COVER_SHEET:
            texts.append((page.text(), rules.cover_weight))
            continue
        texts.append((page.text(), 1.0 if lead else attachment))
        lead = False
    return texts


def decide(
    pages: Sequence[Page],
    page_kinds: Sequence[KindLike] | None = None,
    evidence: FieldEvidence | None = None,
) -> Verdict:
    """Decide what a document is from its pages and the referral parts found on them.

    Args:
        pages: the document's read pages.
        page_kinds: per page, a ``PageKind`` or ``(kind, confidence)`` as the classify stage
            computed them; missing ones are taken from ``page.kind`` or computed.
        evidence: the referral parts the extractors found (patient, referring provider,
            request); none given means none found.
    """
    rules = _rules()
    fields = evidence or FieldEvidence()
    given = list(page_kinds or [])
    kinds = [_kind_of(p, given[i] if i < len(given) else None) for i, p in enumerate(pages)]
    content = [(p, k) for p, k in zip(pages, kinds, strict=True)
               if k is not PageKind.BLANK and not p.is_blank]
    if not content:
        return Verdict(DocumentType.BLANK, 0.95)
    phrases = document_scores(_texts(content, rules, attachment=1.0)).pop(DocumentType.REFERRAL)
    scores = document_scores(_texts(content, rules, attachment=rules.attachment_weight))
    scores.pop(DocumentType.REFERRAL)
    phrases += rules.referral_page_bonus * min(2, sum(k is PageKind.REFERRAL for _, k in content))
    referral = phrases + rules.field_weight * fields.parts
    other, other_score = max(scores.items(), key=lambda kv: kv[1])
    if (
        all(k is PageKind.COVER_SHEET for _, k in content)
        and phrases < 2 * rules.min_score
        and other_score < rules.min_score
        and not fields.plausible
    ):
        return Verdict(DocumentType.COVER_ONLY, 0.85)
    if other_score >= rules.min_score and other_score > referral:
        return Verdict(other, _confidence(other_score, referral))
    strong = phrases >= rules.min_score or fields.complete
    if strong or fields.plausible:
        confidence = _confidence(referral, other_score)
        doubts = []
        if not strong:  # a patient and one more part, nothing against it: keep, and say so
            confidence = min(confidence, 0.45)
            doubts.append(
                f"taken as a referral on partial evidence (no {' or '.join(fields.missing())} "
                "found)"
            )
        if other_score >= rules.min_score:  # a rival close behind: keep the referral, say so
            confidence = min(confidence, 0.6)
            doubts.append(f"may be a {other.value.replace('_', ' ')} rather than a referral")
        return Verdict(DocumentType.REFERRAL, confidence, "; ".join(doubts) or None)
    if any(k is PageKind.REPORT for _, k in content) and not any(
        k is PageKind.REFERRAL for _, k in content
    ):
        return Verdict(DocumentType.LAB_RESULT, 0.5)
    return Verdict(DocumentType.OTHER, 0.4)


def _confidence(winner: float, runner_up: float) -> float:
    """Confidence from the winner's strength and its margin over the runner-up."""
    margin = (winner - runner_up) / winner if winner > 0 else 0.0
    strength = min(1.0, winner / 8.0)
    return round(min(0.97, 0.5 + 0.3 * margin + 0.17 * strength), 3)
