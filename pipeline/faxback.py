"""One-page faxes back to the referring office: the request for missing information and the
acknowledgement that a referral was received and routed.

It carries what the office needs to answer without calling: their fax number, our name and
fax, the patient identifiers they sent (name, DOB, MRN), the list of what is missing or
could not be read, and lines to write the answers on. Built with reportlab, in memory.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from models.referral import Referral
from models.review import FIELD_LABELS as LABELS
from models.vocab import FieldName

_MAX_ITEMS = 14
MARGIN = 0.9 * inch


def needed(referral: Referral) -> list[str]:
    """What to ask for: required-but-missing and invalid fields, each once, labelled."""
    asked: list[str] = []
    for problem in referral.problems:
        if problem.kind in ("missing", "invalid"):
            label = LABELS.get(problem.field, problem.field)
            text = label if problem.kind == "missing" else f"{label} (could not be verified)"
            if problem.kind == "missing" and problem.field == "referral.clinical_question":
                text = problem.message[:1].upper() + problem.message[1:]
            if text not in asked:
                asked.append(text)
    return asked


def _letter(title: str, referral: Referral, clinic_name: str, clinic_fax: str, now: datetime):
    """A page with the shared head (to, from, date, our reference, patient): canvas, y, buffer.

    The patient lines repeat only what the referring office sent (name, DOB, MRN)."""
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=LETTER, pageCompression=1)
    pdf.setTitle(title.capitalize())
    _, height = LETTER
    left, y = MARGIN, height - MARGIN
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(left, y, title.upper())
    y -= 0.35 * inch
    pdf.setFont("Helvetica", 11)
    to_fax = referral.value(FieldName.REFERRING_FAX) or "(fax number not on the referral)"
    lines = [
        f"To: {referral.value(FieldName.REFERRING_PRACTICE) or 'Referring office'}"
        f" - {referral.value(FieldName.REFERRING_NAME) or ''}".rstrip(" -"),
        f"To fax: {to_fax}",
        f"From: {clinic_name}" + (f" - fax {clinic_fax}" if clinic_fax else ""),
        f"Date: {now:%Y-%m-%d}    Our reference: {reference_of(referral)}",
    ]
    for line in lines:
        pdf.drawString(left, y, line[:95])
        y -= 0.24 * inch
    y -= 0.15 * inch
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(left, y, "Patient")
    y -= 0.25 * inch
    pdf.setFont("Helvetica", 11)
    for label, name in (
        ("Name", FieldName.PATIENT_NAME),
        ("Date of birth", FieldName.PATIENT_DOB),
        ("MRN", FieldName.PATIENT_MRN),
    ):
        pdf.drawString(left, y, f"{label}: {referral.value(name) or '-'}"[:95])
        y -= 0.22 * inch
    return pdf, y - 0.15 * inch, buffer


def _finish(pdf: Canvas, buffer: io.BytesIO) -> bytes:
    pdf.setFont("Helvetica", 8)
    pdf.drawString(
        MARGIN,
        0.6 * inch,
        "Confidential: contains protected health information. If received "
        "in error, notify the sender and destroy.",
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def reference_of(referral: Referral) -> str:
    """The short reference the office quotes back (the start of our referral id)."""
    return str(referral.id)[:8]


def missing_info_pdf(
    referral: Referral, *, clinic_name: str, clinic_fax: str, now: datetime | None = None
) -> bytes:
    """The fax-back as PDF bytes (always exactly one page)."""
    now = now or datetime.now(UTC)
    pdf, y, buffer = _letter(
        "request for missing referral information", referral, clinic_name, clinic_fax, now
    )
    width, _ = LETTER
    left = MARGIN
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(left, y, "We cannot schedule this referral until we receive:")
    y -= 0.3 * inch
    pdf.setFont("Helvetica", 11)
    items = needed(referral) or ["Please confirm the referral details by return fax."]
    for item in items[:_MAX_ITEMS]:
        pdf.drawString(left + 0.1 * inch, y, f"[ ] {item}"[:90])
        y -= 0.2 * inch
        pdf.line(left + 0.4 * inch, y, width - left, y)
        y -= 0.18 * inch
    y = max(y - 0.2 * inch, 1.6 * inch)
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(left, y, "Reply: please write the answers above and fax this page back.")
    y -= 0.35 * inch
    pdf.setFont("Helvetica", 11)
    pdf.drawString(left, y, "Completed by: ________________________   Date: ____________")
    y -= 0.3 * inch
    pdf.drawString(left, y, "Signature: ___________________________   Phone: ___________")
    return _finish(pdf, buffer)


def acknowledgement_pdf(
    referral: Referral,
    *,
    routed_to: str,
    clinic_name: str,
    clinic_fax: str,
    now: datetime | None = None,
) -> bytes:
    """ "Received, routed to …, reference …": one page back to the referring office.

    ``routed_to`` is a name fit for the office (a department or provider, never a URL or a
    folder); nothing about the patient is added beyond what the office sent."""
    now = now or datetime.now(UTC)
    pdf, y, buffer = _letter(
        "referral received - acknowledgement", referral, clinic_name, clinic_fax, now
    )
    left = MARGIN
    pdf.setFont("Helvetica", 11)
    for line in (
        f"We received your referral and routed it to: {routed_to}.",
        f"Reference: {reference_of(referral)} (please quote it when you call or fax).",
        "They will contact the patient to schedule; you will hear from us when it is scheduled",
        "or if anything is missing.",
    ):
        pdf.drawString(left, y, line[:95])
        y -= 0.24 * inch
    return _finish(pdf, buffer)
