"""Vocabulary of the review workspace: roles, reject reasons, and the shapes of a review.

These are domain values shared by the pipeline's review logic and the web layer; their string
values appear in the API and the audit log, so they are a contract like ``models.vocab``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel


class Role(StrEnum):
    """What a member of staff may do: ``admin`` also sees the audit log and releases claims."""

    INTAKE = "intake"
    REFERRAL_TEAM = "referral_team"
    ADMIN = "admin"


class RejectReason(StrEnum):
    """Coded reasons a referral is rejected (the code, never free text, goes to the audit)."""

    NOT_A_REFERRAL = "not_a_referral"
    DUPLICATE = "duplicate"
    WRONG_RECIPIENT = "wrong_recipient"
    SERVICE_NOT_OFFERED = "service_not_offered"
    INSURANCE_NOT_ACCEPTED = "insurance_not_accepted"
    PATIENT_DECLINED = "patient_declined"
    ILLEGIBLE = "illegible"
    OTHER = "other"


class User(BaseModel):
    """A signed-in member of staff as the rest of the code sees them."""

    id: int
    name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        """Admins see the audit log and may release anyone's claim."""
        return self.role == Role.ADMIN


class Claim(BaseModel):
    """Who is working a referral and until when."""

    user: str
    claimed_at: datetime
    expires_at: datetime
