"""Split: group a document's pages into referrals, one per patient, each with its evidence.

A fax may carry referrals for several patients, each over one or more pages. A page that names
a patient different from the current draft's (DOB, name, MRN), or that states a second,
different clinical question, starts a new referral — if two identity values differ, or the
page asks for something itself (a referral page, a specialty, question or urgency): a clinic
note or lab sheet whose one name OCR misread stays with the referral it follows.
Pages that name nobody (clinical notes, reports) continue the current one. Cover sheets belong
to no referral but are shared: their "From" block describes the referring practice for all.

The result is one :class:`models.referral.Referral` per draft, with no fields yet: its
:class:`models.evidence.Evidence` says what it is built from, and the gate's doubts ride on it
as problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from extractors.referral_evidence import REQUEST
from models.evidence import Analysis, Evidence, PageEvidence
from models.referral import Referral
from models.vocab import DocumentType, FieldName, PageKind
from pipeline.stage import StageContext
from pipeline.stages.find import NON_REFERRAL_KINDS

_IDENTITY_MIN_CONFIDENCE = 0.5
#: Weaker readings of a patient's identity (a name OCR half-read) are compared only when no
#: confident value is shared: they can tell two patients apart, never merge or split alone.
_HINT_MIN_CONFIDENCE = 0.3
_SAME_NAME_RATIO = 80


#: Fields that identify a patient, and how two values are compared.
_IDENTITY = (FieldName.PATIENT_DOB, FieldName.PATIENT_NAME, FieldName.PATIENT_MRN)
#: A field that a referral states once: a second, different one means a second referral.
_ONCE = FieldName.REFERRAL_CLINICAL_QUESTION
_SAME_QUESTION_RATIO = 70


@dataclass
class _Draft:
    """Pages believed to hold one patient's referral, and the identity they name."""

    evidence: Evidence = field(default_factory=Evidence)
    keys: dict[FieldName, str] = field(default_factory=dict)
    hints: dict[FieldName, str] = field(default_factory=dict)

    def add(self, found: PageEvidence, keys: dict[FieldName, str]) -> None:
        """Append a page, adopting the identity values the draft does not know yet."""
        self.evidence.pages.append(found)
        for name, value in keys.items():
            self.keys.setdefault(name, value)
        for name, value in {**_keys(found, _HINT_MIN_CONFIDENCE), **keys}.items():
            self.hints.setdefault(name, value)


def _keys(found: PageEvidence, floor: float = _IDENTITY_MIN_CONFIDENCE) -> dict[FieldName, str]:
    """The page's most confident identity values and clinical question (above ``floor``)."""
    keys: dict[FieldName, str] = {}
    for name in (*_IDENTITY, _ONCE):
        best = max(
            (c for c in found.candidates if c.name == name and c.confidence >= floor),
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


def _new_referral(draft: _Draft, keys: dict[FieldName, str], found: PageEvidence) -> bool:
    """Whether a page belongs to another referral than ``draft``.

    One matching identity value keeps the page (an OCR slip in a second value must not split a
    referral); otherwise any differing identity value, or a second, different clinical
    question, starts a new referral. With no confident value in common, weaker readings of
    the identity on both sides are compared the same way.
    """
    shared = [n for n in _IDENTITY if n in keys and n in draft.keys]
    if any(_same(n, keys[n], draft.keys[n]) for n in shared):
        return False
    if shared:
        return True
    hints = {**_keys(found, _HINT_MIN_CONFIDENCE), **keys}
    weak = [n for n in _IDENTITY if n in hints and n in draft.hints]
    if any(_same(n, hints[n], draft.hints[n]) for n in weak):
        return False
    if weak:
        return True
    return (
        _ONCE in keys and _ONCE in draft.keys and not _same(_ONCE, keys[_ONCE], draft.keys[_ONCE])
    )


def _opens_referral(draft: _Draft, keys: dict[FieldName, str], found: PageEvidence) -> bool:
    """Whether a page starts a referral after ``draft``: it names someone else, and either two
    identity values differ (another patient, not an OCR slip) or the page asks for something
    itself (a referral page, a specialty, question or urgency on it)."""
    if not _new_referral(draft, keys, found):
        return False
    if sum(1 for n in _IDENTITY if n in keys and n in draft.keys) >= 2:
        return True
    if found.kind is PageKind.REFERRAL:
        return True
    return any(
        c.name in REQUEST and c.confidence >= _IDENTITY_MIN_CONFIDENCE for c in found.candidates
    )


def split(analysis: Analysis, ctx: StageContext) -> Analysis:
    """The document's referrals (no fields yet); none when the document is not a referral."""
    document = analysis.document
    if document.document_type not in (None, DocumentType.REFERRAL):
        return analysis.with_referrals([])
    shared = [f for f in analysis.pages if f.kind is PageKind.COVER_SHEET]
    drafts: list[_Draft] = []
    for found in analysis.pages:
        if found.kind in NON_REFERRAL_KINDS or not found.text:
            continue
        keys = _keys(found)
        if not drafts or _opens_referral(drafts[-1], keys, found):
            drafts.append(_Draft(Evidence(shared=list(shared))))
        drafts[-1].add(found, keys)
    if not drafts and shared:  # a referral written on the cover sheet itself
        draft = _Draft()
        for found in shared:
            draft.add(found, _keys(found))
        drafts.append(draft)
    referrals = [
        Referral(
            document_id=document.id,
            pages=draft.evidence.page_numbers,
            problems=list(analysis.doubts),
            evidence=draft.evidence,
        )
        for draft in drafts
    ]
    return analysis.with_referrals(referrals)
