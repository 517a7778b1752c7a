"""The not-a-referral gate end to end: small documents made here, real extractors, real OCR.

Each document is one class the generator never made: an EHR order whose title says nothing
(its words sit in a dark bar), a consultation letter with a clinic note behind it, a referral
with a patient and a request but no sender; and, on the other side, a consult reply, a bare
result table and a misdirected fax, which must never become referrals.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from pipeline.runner import process
from tests.extractors.factories import ghostscript

EHR_ORDER = [
    "Lakeside Family Medicine  |  Printed 03/01/2026 09:14",
    "Patient: Walters, Henrietta      DOB: 02/14/1957      Sex: F",
    "MRN: 4471203      Phone: (312) 555-0147",
    "Ordering Provider: Oscar Lindqvist, MD      NPI: 1234567893",
    "Lakeside Family Medicine   Phone (312) 555-0100   Fax (312) 555-0101",
    "Service: Orthopedics",
    "Reason: right hip pain for six months despite physiotherapy; evaluate for arthroplasty.",
    "Diagnoses: M16.11 Unilateral primary osteoarthritis, right hip",
]
CONSULT_LETTER = [
    "Riverbend Medical Group",
    "14 Elm Street, Springfield, IL 62701   Tel (217) 555-0134   Fax (217) 555-0135",
    "March 1, 2026",
    "Dear Colleague,",
    "Thank you for seeing Mrs. Dorothy Keller, date of birth 05/09/1948, who fell at home last",
    "week and has had left groin pain since. X-ray suggests an impacted femoral neck fracture.",
    "She is followed by cardiology for atrial fibrillation. Her clinic note is attached.",
    "Kind regards,",
    "Dr. Helen Marsh, MD",
]
CLINIC_NOTE = [
    "Clinic Note",
    "Patient: Dorothy Keller   DOB: 05/09/1948",
    "HPI: 77 year old woman seen in clinic after a fall at home. I saw the patient today.",
    "Exam: pain on internal rotation of the left hip. BP 138/82.",
    "Labs: Hemoglobin 11.2 L g/dL 12.0-16.0",
    "      Creatinine 1.1 mg/dL 0.6-1.3",
    "Impression: probable left femoral neck fracture.",
    "Recommendations: orthopedic assessment.",
]
CONSULT_REPLY = [
    "Springfield Orthopedic Associates",
    "March 1, 2026",
    "RE: Dorothy Keller, DOB 05/09/1948",
    "Dear Dr. Marsh,",
    "Thank you for referring Mrs. Keller, whom I saw today in clinic for left hip pain.",
    "Impression: impacted femoral neck fracture. Recommendations: hemiarthroplasty next week.",
    "We will see the patient back after surgery; no further action is needed from you.",
    "Sincerely, Dr. Paul Ng, MD",
]
RESULT_TABLE = [
    "Northwest Diagnostics",
    "Patient: Walters, Henrietta   DOB: 02/14/1957",
    "Ordered by: Oscar Lindqvist, MD",
    "Test                 Result   Units    Range",
    "Hemoglobin           10.1 L   g/dL     12.0-16.0",
    "Platelets            250      K/uL     150-400",
    "Potassium            5.0      mmol/L   3.5-5.1",
]
MISDIRECTED = [
    "Lakeside Family Medicine",
    "To: Referral Coordinator",
    "RE: Henrietta Walters, DOB 02/14/1957",
    "This fax was sent to our office in error; she is not a patient of this practice.",
    "Please update your records. Returning this fax to the sender.",
    "Oscar Lindqvist, MD",
]
PARTIAL = [
    "Patient: Walters, Henrietta      DOB: 02/14/1957",
    "Reason: right hip pain for six months despite physiotherapy; evaluate for arthroplasty.",
]


def _pdf(path: Path, *pages: list[str], band: str | None = None) -> Path:
    """A text-layer PDF; ``band`` puts a white title on a dark bar, EHR style."""
    c = canvas.Canvas(str(path), pagesize=letter)
    for lines in pages:
        y = 740
        if band:
            c.setFillGray(0.15)
            c.rect(50, y - 8, 512, 28, fill=1, stroke=0)
            c.setFillGray(1)
            c.setFont("Helvetica-Bold", 16)
            c.drawString(60, y, band)
            c.setFillGray(0)
            y -= 40
        c.setFont("Helvetica", 10)
        for line in lines:
            c.drawString(60, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


def _run(path: Path, ctx, store) -> dict:
    result = process(path, ctx, store).to_contract()
    assert result["status"] == "processed", result["error"]
    return result


def _doubts(referral: dict) -> list[str]:
    return [p["message"] for p in referral["problems"] if p["field"] == "document_type"]


def test_ehr_order_is_a_referral_by_its_evidence_not_its_title(tmp_path, ctx, store):
    result = _run(_pdf(tmp_path / "order.pdf", EHR_ORDER, band="Order Details"), ctx, store)
    assert result["document_type"] == "referral"
    (referral,) = result["referrals"]
    assert {"patient.name", "referring.npi", "referral.specialty"} <= set(referral["fields"])
    assert not _doubts(referral)


@pytest.mark.slow
def test_faxed_ehr_order_with_a_white_on_dark_title_is_a_referral(tmp_path, ctx, store):
    pdf = _pdf(tmp_path / "order.pdf", EHR_ORDER, band="OUTPATIENT REFERRAL ORDER")
    fax = ghostscript(pdf, tmp_path / "order.tif", "-sDEVICE=tiffg4", "-r204x196")
    result = _run(fax, ctx, store)
    assert result["document_type"] == "referral"
    assert len(result["referrals"]) == 1


def test_consultation_letter_with_a_clinic_note_is_one_referral(tmp_path, ctx, store):
    result = _run(_pdf(tmp_path / "letter.pdf", CONSULT_LETTER, CLINIC_NOTE), ctx, store)
    assert result["document_type"] == "referral"  # not consult_reply, not lab_result
    (referral,) = result["referrals"]
    assert referral["pages"] == [1, 2]
    assert referral["fields"]["patient.name"]["value"] == "Dorothy Keller"


def test_referral_on_partial_evidence_is_kept_with_a_doubt(tmp_path, ctx, store):
    result = _run(_pdf(tmp_path / "partial.pdf", PARTIAL), ctx, store)
    assert result["document_type"] == "referral"
    (referral,) = result["referrals"]
    (doubt,) = _doubts(referral)
    assert "partial evidence" in doubt and "referring provider" in doubt


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(CONSULT_REPLY, "consult_reply", id="consult-reply"),
        pytest.param(RESULT_TABLE, "lab_result", id="bare-result-table"),
        pytest.param(MISDIRECTED, "other", id="misdirected"),
    ],
)
def test_non_referrals_with_patient_and_provider_stay_non_referrals(
    lines, expected, tmp_path, ctx, store
):
    result = _run(_pdf(tmp_path / "doc.pdf", lines), ctx, store)
    assert result["document_type"] == expected
    assert result["referrals"] == []
