"""Split: group a document's pages into referral drafts, one per patient.

A fax may carry referrals for several patients, each over one or more pages. A page that names
a patient different from the current draft's (by DOB, else by name) starts a new draft; pages
that name nobody (clinical notes, reports) continue the current one. Cover sheets belong to no
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


@dataclass
class Draft:
    """Pages believed to hold one patient's referral, with their findings."""

    pages: list[int] = field(default_factory=list)
    findings: list[PageFindings] = field(default_factory=list)
    shared: list[PageFindings] = field(default_factory=list)
    name: str | None = None
    dob: str | None = None

    def add(self, found: PageFindings, name: str | None, dob: str | None) -> None:
        """Append a page, adopting its identity if the draft has none yet."""
        self.pages.append(found.page)
        self.findings.append(found)
        self.name = self.name or name
        self.dob = self.dob or dob


def _best_value(found: PageFindings, name: FieldName) -> str | None:
    best = max(
        (
            c
            for c in found.candidates
            if c.name == name and c.confidence >= _IDENTITY_MIN_CONFIDENCE
        ),
        key=lambda c: c.confidence,
        default=None,
    )
    return str(best.value) if best is not None else None


def _same_patient(draft: Draft, name: str | None, dob: str | None) -> bool:
    if dob and draft.dob:
        return dob == draft.dob
    if name and draft.name:
        return fuzz.token_sort_ratio(name.casefold(), draft.name.casefold()) >= _SAME_NAME_RATIO
    return True


def split(document: Document, findings: list[PageFindings], ctx: StageContext) -> list[Draft]:
    """Referral drafts of ``document``; none when the document is not a referral."""
    if document.document_type not in (None, DocumentType.REFERRAL):
        return []
    shared = [f for f in findings if f.kind is not None and f.kind.value == "cover_sheet"]
    drafts: list[Draft] = []
    for found in findings:
        if found.kind in NON_REFERRAL_KINDS or not found.text:
            continue
        name = _best_value(found, FieldName.PATIENT_NAME)
        dob = _best_value(found, FieldName.PATIENT_DOB)
        if not drafts or ((name or dob) and not _same_patient(drafts[-1], name, dob)):
            drafts.append(Draft(shared=shared))
        drafts[-1].add(found, name, dob)
    if not drafts and shared:  # a referral written on the cover sheet itself
        draft = Draft()
        for found in shared:
            draft.add(
                found,
                _best_value(found, FieldName.PATIENT_NAME),
                _best_value(found, FieldName.PATIENT_DOB),
            )
        drafts.append(draft)
    return drafts
