"""Page kinds from label and keyword evidence, fax header lines ignored."""

from __future__ import annotations

import pytest

from extractors.page_kind import classify_page
from models.document import Page
from models.vocab import PageKind
from tests.extractors.fields.clinical_helpers import build_page

FAX_HEADER = "12/22/2024 18:12 Davidville Primary Care 4805550191 P.002/003"

COVER = [
    FAX_HEADER, "Davidville Primary Care", "FAX TRANSMISSION",
    "To: Referral Coordinator   Fax: (804) 555-0126", "From: Dr. Moore   Phone: (248) 555-0144",
    "Date: July 21, 2024   Pages: 3", "RE: New patient referral",
    "The documents accompanying this transmission contain confidential health information.",
    "If you have received this fax in error, please call us immediately.",
]
REFERRAL = [
    FAX_HEADER, "REFERRAL FORM", "Patient Name: Jane Roe   DOB: 01/02/1960",
    "Referred by: Peter Moore NP   Fax: 480-555-0191", "Refer to: Cardiology",
    "Urgency: [ ] Routine [X] Urgent", "Reason for referral:",
    "Systolic murmur found on routine exam.", "Diagnosis codes: R01.1",
]
NOTES = [
    FAX_HEADER, "Progress Note", "Patient: Jane Roe   DOB: 01/02/1960",
    "HPI: Patient seen in clinic for follow-up of a murmur.",
    "ROS: Denies chest pain; denies syncope.", "Vitals: BP 125/84, HR 72",
    "Assessment/Plan: Referral placed as above.",
]
LAB = [
    "LABORATORY REPORT - FINAL", "Patient: Martinez, Alexis   Collected: 2025-03-14",
    "Test Result Units Reference Range", "Hemoglobin 10.1 L g/dL 12.0-17.0",
    "Potassium 5.0 mmol/L 3.5-5.1",
]
INSURANCE = [
    "Prior Authorization Determination", "Member: Douglas Hoffman   Member ID: 264349908",
    "Service: Humira 40 mg", "Decision: DENIED", "Appeal rights are described on the reverse.",
]
LETTER = [
    "Northside Internal Medicine", "Dear Dr. Guzman,",
    "I am referring my patient Robert Moore to your clinic for evaluation and management.",
    "CKD stage 3b with eGFR declining from 48 to 38 over 12 months.", "Sincerely,",
]


@pytest.mark.parametrize(
    ("lines", "kind"),
    [
        pytest.param(COVER, PageKind.COVER_SHEET, id="cover"),
        pytest.param(REFERRAL, PageKind.REFERRAL, id="referral-form"),
        pytest.param(LETTER, PageKind.REFERRAL, id="referral-letter"),
        pytest.param(NOTES, PageKind.CLINICAL_NOTES, id="notes"),
        pytest.param(LAB, PageKind.REPORT, id="lab"),
        pytest.param(INSURANCE, PageKind.INSURANCE, id="prior-auth"),
    ],
)
def test_kind(lines: list[str], kind: PageKind) -> None:
    found, confidence = classify_page(build_page(lines))
    assert found is kind
    assert 0.6 <= confidence <= 0.97


def test_blank_and_near_blank() -> None:
    empty = Page(number=1, width_px=100, height_px=100)
    assert classify_page(empty) == (PageKind.BLANK, 1.0)
    assert classify_page(build_page([". ,"]))[0] is PageKind.BLANK


def test_little_evidence_is_other_with_low_confidence() -> None:
    kind, confidence = classify_page(build_page(["Lorem ipsum dolor sit amet", "consectetur"]))
    assert kind is PageKind.OTHER and confidence < 0.5


def test_fax_header_line_alone_does_not_make_a_cover() -> None:
    assert classify_page(build_page([FAX_HEADER, *REFERRAL[1:]]))[0] is PageKind.REFERRAL


def test_consultation_letter_with_a_fax_footer_is_a_referral_page() -> None:
    letter = [
        "Riverbend Medical Group", "Fax (217) 555-0135", "RE: Dorothy Keller", "Dear Colleague,",
        "Thank you for seeing Mrs. Keller, who fell at home last week and has hip pain.",
        "Kind regards, Dr. Helen Marsh",
        "CONFIDENTIALITY NOTICE: intended only for the use of the addressee. If you received",
        "this fax in error, please notify the sender.",
    ]
    assert classify_page(build_page(letter))[0] is PageKind.REFERRAL
