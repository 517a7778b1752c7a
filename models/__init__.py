"""The domain: documents, pages, words with boxes, referrals and their fields."""

from models.document import Document, FaxMeta, Page, Word
from models.errors import ErrorCode, IntakeError, Rejected, Transient
from models.evidence import Analysis, Candidate, Evidence, PageEvidence, RedFlag
from models.geometry import Box, union_all
from models.referral import Field, Problem, Reason, Referral, Source, Triage
from models.vocab import (
    DocumentStatus,
    DocumentType,
    FieldName,
    PageKind,
    ReferralStatus,
    Sex,
    Specialty,
    TextSource,
    Urgency,
)

__all__ = [
    "Analysis",
    "Box",
    "Candidate",
    "Document",
    "DocumentStatus",
    "DocumentType",
    "ErrorCode",
    "Evidence",
    "FaxMeta",
    "Field",
    "FieldName",
    "IntakeError",
    "Page",
    "PageEvidence",
    "PageKind",
    "Problem",
    "Reason",
    "RedFlag",
    "Referral",
    "ReferralStatus",
    "Rejected",
    "Sex",
    "Source",
    "Specialty",
    "TextSource",
    "Transient",
    "Triage",
    "Urgency",
    "Word",
    "union_all",
]
