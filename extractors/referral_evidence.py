"""Is this a referral? Decided from what the extractors found, not from title words.

A referral is a patient identity, a referring provider and a requested service (specialty,
clinical question or reason, urgency) — whatever the page calls itself. EHR printouts with
their title in a dark bar, consultation letters that start "Dear Colleague, thank you for
seeing…", clinic forms with other wordings: all say who, from whom and what for. The
non-referrals that arrive on the same line (lab results, consult replies, prior-auth
decisions, refill and records requests, marketing, misdirected faxes) carry names, dates and
NPIs too, so each of them is recognised by evidence of its own (a result table, "thank you
for referring… I saw", approval/denial language), weighed against the referral's.

A lost referral is the worst outcome, so partial referral evidence without a rival keeps the
referral, at a low confidence and with a doubt for the reviewer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from models.evidence import PageEvidence
from models.vocab import FieldName, PageKind

#: Candidates below this confidence are not evidence (OCR noise reads as names and dates).
MIN_CONFIDENCE = 0.5
IDENTITY = frozenset({FieldName.PATIENT_NAME, FieldName.PATIENT_DOB, FieldName.PATIENT_MRN})
REFERRER = frozenset(
    {FieldName.REFERRING_NAME, FieldName.REFERRING_NPI, FieldName.REFERRING_PRACTICE}
)
REQUEST = frozenset(
    {
        FieldName.REFERRAL_SPECIALTY,
        FieldName.REFERRAL_CLINICAL_QUESTION,
        FieldName.REFERRAL_URGENCY,
    }
)
#: What each part of the evidence is called in a reviewer's doubt.
_PART_NAMES = {"identity": "patient", "referrer": "referring provider", "request": "request"}


@dataclass(frozen=True)
class FieldEvidence:
    """Which parts of a referral the extractors found on a document's pages."""

    identity: bool = False
    referrer: bool = False
    request: bool = False

    @property
    def parts(self) -> int:
        """How many of the three parts were found."""
        return int(self.identity) + int(self.referrer) + int(self.request)

    @property
    def complete(self) -> bool:
        """Patient, referring provider and request: a referral whatever its title."""
        return self.parts == 3

    @property
    def plausible(self) -> bool:
        """A patient and one other part: a referral unless something else claims the pages."""
        return self.identity and self.parts >= 2

    def missing(self) -> list[str]:
        """Reviewer-facing names of the parts not found."""
        return [label for part, label in _PART_NAMES.items() if not getattr(self, part)]


def field_evidence(pages: Iterable[PageEvidence]) -> FieldEvidence:
    """Referral parts found on ``pages``.

    A cover sheet's sender names the referring provider of everything behind it, but a
    cover's "RE:" line names neither the patient nor the request of a referral: covers count
    for the referrer only. Blank pages count for nothing.
    """
    names: set[FieldName] = set()
    for found in pages:
        if found.kind is PageKind.BLANK:
            continue
        cover = found.kind is PageKind.COVER_SHEET
        names.update(
            c.name
            for c in found.candidates
            if c.confidence >= MIN_CONFIDENCE and (not cover or c.name in REFERRER)
        )
    return FieldEvidence(
        identity=bool(names & IDENTITY),
        referrer=bool(names & REFERRER),
        request=bool(names & REQUEST),
    )
