"""What duplicate detection looks at in a referral: patient, request, page text, arrival.

A plain record, so proposals can be computed from stored referrals, from generated bench
data or from a test's literal values alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any


def digits(text: Any) -> str:
    """Only the digits of a phone, MRN or member id (what OCR gets right most often)."""
    return re.sub(r"\D", "", str(text or ""))


def ident(text: Any) -> str:
    """An identifier upper-cased with only letters and digits ("ab-123 4" → "AB1234")."""
    return re.sub(r"[^0-9A-Za-z]", "", str(text or "")).upper()


@dataclass(frozen=True)
class Candidate:
    """One referral as duplicate detection sees it (values as extracted, or as reviewed)."""

    id: str
    received_at: datetime
    name: str = ""
    dob: str = ""  # ISO date
    phone: str = ""
    mrn: str = ""
    member_id: str = ""
    specialty: str = ""
    question: str = ""
    text: str = ""  # the referral's page text, for "the same fax re-sent"
    status: str = "needs_review"

    @classmethod
    def from_contract(
        cls, referral: dict[str, Any], received_at: datetime, text: str = ""
    ) -> Candidate:
        """From a referral in the JSON contract's shape (``fields`` → ``value``)."""
        fields = referral.get("fields") or {}

        def value(name: str) -> str:
            found = fields.get(name) or {}
            reviewed = found.get("reviewed_value")
            got = reviewed if reviewed is not None else found.get("value")
            return "" if got is None else str(got)

        triage = referral.get("triage") or {}
        return cls(
            id=str(referral["id"]),
            received_at=received_at,
            name=value("patient.name"),
            dob=value("patient.dob"),
            phone=digits(value("patient.phone"))[-10:],
            mrn=ident(value("patient.mrn")),
            member_id=ident(value("insurance.member_id")),
            specialty=value("referral.specialty") or str(triage.get("specialty") or ""),
            question=value("referral.clinical_question"),
            text=text,
            status=str(referral.get("status") or "needs_review"),
        )
