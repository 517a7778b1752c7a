"""Split: group a document's pages into referral drafts, one per patient.

A fax may carry referrals for several patients, each over one or more pages. A page that names
a patient different from the current draft's (DOB, name, MRN), or that states a second, different
clinical question, starts a new draft; pages that name nobody (clinical notes, reports) continue
the current one. Cover sheets belong to no
draft but are shared: their "From" block describes the referring practice for every draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from models.document import Document
from models.vocab import DocumentType, FieldName
from pipeline.stage import StageContext
from pipeline.stages.find import NON_REFERRAL_KINDS, PageFindings

_IDENTITY_MIN_CONFIDENCE = 0.5
_SAME_NAME_RATIO = 80


#: Fields that identify a patient, and how two values are compared.
_IDENTITY = (FieldName.PATIENT_DOB, FieldName.PATIENT_NAME, FieldName.PATIENT_MRN)
#: A field that a referral states once: a second, different one means a second referral.
_ONCE = FieldName.REFERRAL_CLINICAL_QUESTION
_SAME_QUESTION_RATIO = 70


@dataclass
class Draft:
    """Pages believed to hold one patient's referral, with their findings."""

    pages: list[int] = field(default_factory=list)
    findings: list[PageFindings] = field(default_factory=list)
    shared: list[PageFindings] = field(default_factory=list)
    keys: dict[FieldName, str] = field(default_factory=dict)

    def add(self, found: PageFindings, keys: dict[FieldName, str]) -> None:
        """Append a page, adopting the identity values the draft does not know yet."""
        self.pages.append(found.page)
        self.findings.append(found)
        for name, value in keys.items():
            self.keys.setdefault(name, value)


def _keys(found: PageFindings) -> dict[FieldName, str]:
    """The page's most confident identity values and clinical question."""
    keys: dict[FieldName, str] = {}
    for name in (*_IDENTITY, _ONCE):
        best = max(
            (
                c
                for c in found.candidates
                if c.name == name and c.confidence >= _IDENTITY_MIN_CONFIDENCE
            ),
            key=lambda c: c.confidence,
            default=None,
        )
        if best is not None:
            keys[name] = " ".join(str(best.value).casefold().split())
    return keys


def _same(name: FieldName, a: str, b: str) -> bool:
    if name == FieldName.PATIENT_NAME:
        return fuzz.token_sort_ratio(a, b) >= _SAME_NAME_RATIO
    if name == _ONCE:
        return fuzz.token_set_ratio(a, b) >= _SAME_QUESTION_RATIO
    return a == b


def _new_referral(draft: Draft, keys: dict[FieldName, str]) -> bool:
    """Whether a page belongs to another referral than ``draft``.

    One matching identity value keeps the page (an OCR slip in a second value must not split a
    referral); otherwise any differing identity value, or a second, different clinical
    question, starts a new referral.
    """
    shared = [n for n in _IDENTITY if n in keys and n in draft.keys]
    if any(_same(n, keys[n], draft.keys[n]) for n in shared):
        return False
    if shared:
        return True
    return (
        _ONCE in keys and _ONCE in draft.keys and not _same(_ONCE, keys[_ONCE], draft.keys[_ONCE])
    )


def split(document: Document, findings: list[PageFindings], ctx: StageContext) -> list[Draft]:
    """Referral drafts of ``document``; none when the document is not a referral."""
    if document.document_type not in (None, DocumentType.REFERRAL):
        return []
    shared = [f for f in findings if f.kind is not None and f.kind.value == "cover_sheet"]
    drafts: list[Draft] = []
    for found in findings:
        if found.kind in NON_REFERRAL_KINDS or not found.text:
            continue
        keys = _keys(found)
        if not drafts or _new_referral(drafts[-1], keys):
            drafts.append(Draft(shared=shared))
        drafts[-1].add(found, keys)
    if not drafts and shared:  # a referral written on the cover sheet itself
        draft = Draft()
        for found in shared:
            draft.add(found, _keys(found))
        drafts.append(draft)
    return drafts
