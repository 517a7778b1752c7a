"""Stored referrals for the clean-up tests, built from the domain models (no OCR needed)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

from models.document import Document, Page, Word
from models.geometry import Box
from models.referral import Field, Referral, Triage
from models.storage import Store
from models.vocab import FieldName, Specialty, Urgency

NOW = datetime.now(UTC)
JANE = {
    "patient.name": "Jane Doe",
    "patient.dob": "1961-04-02",
    "patient.mrn": "4471932",
    "patient.phone": "+13125550142",
    "insurance.member_id": "XKB123456789",
    "referral.clinical_question": "Chest pain on exertion, evaluate for coronary artery disease.",
}
LETTER = (
    "Referral to cardiology. Patient Jane Doe DOB 1961-04-02 MRN 4471932. Chest pain on "
    "exertion for three weeks relieved by rest, please evaluate for coronary artery disease. "
    "Current medications lisinopril and aspirin. Thank you for seeing this patient."
)


def store_referral(
    store: Store,
    values: dict[str, str] | None = None,
    *,
    days_ago: float = 1,
    specialty: str = "cardiology",
    text: str = LETTER,
) -> str:
    """Save a one-page document with one referral; returns the referral id."""
    values = JANE if values is None else values
    received = NOW - timedelta(days=days_ago)
    words = [
        Word(text=w, box=Box(x0=0.1, y0=0.1, x1=0.2, y1=0.12), confidence=0.9, line=i // 12)
        for i, w in enumerate(text.split())
    ]
    doc = Document(
        sha256=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
        media_type="application/pdf",
        size_bytes=100,
        source_name="x.pdf",
        received_at=received,
        page_count=1,
        pages=[Page(number=1, width_px=100, height_px=100, words=words)],
    )
    referral = Referral(
        document_id=doc.id,
        pages=[1],
        fields={
            FieldName(k): Field(name=FieldName(k), value=v, confidence=0.9)
            for k, v in values.items()
        },
        triage=Triage(urgency=Urgency.ROUTINE, specialty=Specialty(specialty), due_by=received),
    )
    store.save_processed(doc, [referral])
    return str(referral.id)
