"""API shapes (pydantic), distinct from tables and domain models: what the OpenAPI shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from models.review import RejectReason
from models.vocab import DocumentType


class ClaimOut(BaseModel):
    """Who holds a referral, until when."""

    user: str
    claimed_at: datetime
    expires_at: datetime


class QueueItem(BaseModel):
    """One row of the work queue."""

    id: str
    document_id: str
    status: str
    urgency: str | None
    specialty: str | None
    due_by: str | None
    overdue: bool
    patient_name: str
    received_at: str
    sender_fax: str | None
    missing: list[str]
    problems: int
    claimed_by: str | None
    #: newest closed-loop state reported by the receiving side (HL7 360X), if any
    loop_state: str | None = None


class QueuePage(BaseModel):
    """A page of the queue, the total and counts per filter value."""

    items: list[QueueItem]
    total: int
    page: int
    per_page: int
    counts: dict[str, Any]


class ReferralOut(BaseModel):
    """The contract's referral plus what review added."""

    id: str
    document_id: str
    pages: list[int]
    fields: dict[str, Any]
    missing: list[str]
    problems: list[dict[str, Any]]
    triage: dict[str, Any] | None
    status: str
    reviewed: dict[str, Any]
    claim: ClaimOut | None
    history: list[dict[str, Any]]
    #: closed-loop status (360X state, FHIR Task.status, HL7 v2 RF1-1) with its history
    loop_status: dict[str, Any] | None = None
    #: the survivor a merged duplicate points at (``intake cleanup``)
    merged_into: str | None = None
    #: the clean-up action of that merge (``POST /api/cleanup/actions/{id}/undo`` un-merges)
    merge_action: int | None = None
    #: referrals merged into this one
    absorbed: list[str] = Field(default_factory=list)
    #: routing attempts, oldest first: rule, destination, status, attempts, error, at
    routing: list[dict[str, Any]] = Field(default_factory=list)


class RejectIn(BaseModel):
    """A coded reason (free text never enters the audit log)."""

    reason: RejectReason


class RetypeIn(BaseModel):
    """What a document really is; ``referral`` extracts referrals from it."""

    document_type: DocumentType


class DocumentOut(BaseModel):
    """A stored input file (quarantined ones included)."""

    id: str
    status: str
    document_type: str | None
    document_type_confidence: float | None
    page_count: int
    received_at: str
    error_code: str | None
    sender_fax: str | None
    referrals: int


class DocumentPage(BaseModel):
    """A page of the documents list."""

    items: list[DocumentOut]
    total: int
    page: int
    per_page: int


class UploadOut(BaseModel):
    """An uploaded file and where its processing stands."""

    id: str
    status: str = Field(description="queued | processing | processed | quarantined | failed")
    document_id: str | None = None
    referral_ids: list[str] = Field(default_factory=list)
    error: str | None = None
    duplicate: bool = False


class SearchOut(BaseModel):
    """Referrals and documents matching a query."""

    referrals: list[QueueItem]
    documents: list[dict[str, Any]]


class AuditEntry(BaseModel):
    """One audit entry (ids, actions and codes; never field values)."""

    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: dict[str, Any] | None
    origin: str | None


class SplitIn(BaseModel):
    """Pages (of this referral) that form a new referral."""

    pages: list[int] = Field(min_length=1, max_length=500)


class MergeIn(BaseModel):
    """The referral (same document) to join into this one."""

    other: str = Field(max_length=36)


class MoveIn(BaseModel):
    """The referral (same document) that receives the page."""

    to: str = Field(max_length=36)


class CleanupActionOut(BaseModel):
    """One clean-up action (ids, score, evidence codes) and whether it was undone."""

    id: int
    at: str
    actor: str
    action: str
    referral: str
    duplicate_of: str | None
    score: float | None
    evidence: list[str]
    reason: str
    previous_status: str
    undone_at: str | None
    undone_by: str | None


class RoutedOut(BaseModel):
    """Where routing sent a referral (``status``: delivered, failed, unrouted, would_route)."""

    referral: str
    rule: str | None
    destination: str | None
    status: str
    reason: str = ""


class LoopStatusIn(BaseModel):
    """A closed-loop state (HL7 360X) reported for a referral, e.g. by phone."""

    state: str = Field(max_length=20, description="requested, accepted, declined, scheduled, …")
    note: str = Field(default="", max_length=2000)
    at: datetime | None = None


class ImportOut(BaseModel):
    """What a status import recorded, and why rows were skipped (line numbers only)."""

    imported: int
    errors: list[dict[str, Any]]
