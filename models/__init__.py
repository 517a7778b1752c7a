"""The domain: documents, pages, words with boxes, referrals and their fields."""

from models.document import Document, FaxMeta, Page, Word
from models.errors import ErrorCode, IntakeError, Rejected, Transient
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
    "Box",
    "Document",
    "DocumentStatus",
    "DocumentType",
    "ErrorCode",
    "FaxMeta",
    "Field",
    "FieldName",
    "IntakeError",
    "Page",
    "PageKind",
    "Problem",
    "Reason",
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
