"""Document types: referrals need referral evidence; non-referrals are never forced in."""

from __future__ import annotations

import pytest

from extractors.document_type import classify_document, decide
from extractors.page_kind import classify_page
from extractors.referral_evidence import FieldEvidence
from models.document import Page
from models.vocab import DocumentType, PageKind
from tests.extractors.fields.clinical_helpers import build_page
from tests.extractors.test_page_kind import COVER, LAB, LETTER, NOTES, REFERRAL

CONSULT_REPLY = [
    "Neuro Consultation Note", "RE: Howard, Jonathan, DOB 6/20/69", "Dear Dr. Lin,",
    "Thank you for the referral of your patient, whom I saw today in Neuro clinic. The reason",
    "for the visit was: new onset unilateral weakness. My assessment and recommendations follow.",
    "We will see the patient back in 3 months; no further action is needed from you.",
]
PRIOR_AUTH = [
    "Prior Authorization Determination", "Member: Douglas Hoffman   Member ID: 264349908",
    "Requesting provider: Scott Payne NPI 1934521323", "Service: Humira 40 mg",
    "Decision: DENIED", "This letter is a coverage determination and is not a referral.",
]
REFILL = [
    "Prescription Refill Request", "Patient: Robinson, Jacqueline   DOB: 1990-01-03",
    "Medication: atorvastatin 20 mg Qty 90 Refills requested: 3",
    "[ ] Approved [ ] Denied [ ] Needs appointment",
]
RECORDS = [
    "Request for Medical Records", "Patient: Scott, Angela P.   DOB: November 6, 1992",
    "Please send records of office visits, labs and imaging from the past two years.",
    "A signed authorization is enclosed.",
]
MARKETING = [
    "LIMITED TIME OFFER!", "Medical Supply: save 40% on exam gloves, paper and toner.",
    "Call today to order. Free shipping on orders over $200.",
    "To be removed from our fax list call 1-800-555-0199.",
]


def classify(*pages: list[str]) -> tuple[DocumentType, float]:
    built = [build_page(lines, number=i + 1) for i, lines in enumerate(pages)]
    return classify_document(built, [classify_page(p) for p in built])


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        pytest.param([COVER, REFERRAL], DocumentType.REFERRAL, id="cover-and-form"),
        pytest.param([LETTER], DocumentType.REFERRAL, id="letter"),
        pytest.param([COVER, REFERRAL, NOTES, LAB], DocumentType.REFERRAL,
                     id="referral-with-attached-labs"),
        pytest.param([LAB], DocumentType.LAB_RESULT, id="lab"),
        pytest.param([CONSULT_REPLY], DocumentType.CONSULT_REPLY, id="consult-reply"),
        pytest.param([PRIOR_AUTH], DocumentType.PRIOR_AUTH, id="prior-auth"),
        pytest.param([REFILL], DocumentType.REFILL_REQUEST, id="refill"),
        pytest.param([RECORDS], DocumentType.RECORDS_REQUEST, id="records"),
        pytest.param([MARKETING], DocumentType.MARKETING, id="marketing"),
        pytest.param([COVER], DocumentType.COVER_ONLY, id="cover-only"),
        pytest.param([COVER, MARKETING], DocumentType.MARKETING, id="cover-then-marketing"),
    ],
)
def test_document_type(pages: list[list[str]], expected: DocumentType) -> None:
    found, confidence = classify(*pages)
    assert found is expected
    assert 0.5 <= confidence <= 0.97


def test_consult_reply_mentioning_referral_is_not_a_referral() -> None:
    assert classify(COVER, CONSULT_REPLY)[0] is DocumentType.CONSULT_REPLY


def test_blank_document() -> None:
    blank = Page(number=1, width_px=100, height_px=100)
    assert classify_document([blank, blank]) == (DocumentType.BLANK, 0.95)


def test_nothing_recognisable_is_other_not_referral() -> None:
    found, confidence = classify(["Lorem ipsum dolor sit amet", "consectetur adipiscing"])
    assert found is DocumentType.OTHER and confidence < 0.5


def test_page_kinds_may_be_given_as_kinds_or_pairs_or_omitted() -> None:
    pages = [build_page(COVER, number=1), build_page(REFERRAL, number=2)]
    kinds = [PageKind.COVER_SHEET, PageKind.REFERRAL]
    assert classify_document(pages, kinds)[0] is DocumentType.REFERRAL
    assert classify_document(pages, [(k, 0.9) for k in kinds])[0] is DocumentType.REFERRAL
    assert classify_document(pages)[0] is DocumentType.REFERRAL


ORDER = [  # an EHR order whose title (in a dark bar) was not read: no referral wording left
    "Patient: Walters, Henrietta   DOB: 02/14/1957", "Ordering Provider: Oscar Lindqvist, MD",
    "Service: Orthopedics", "Reason: right hip pain, evaluate for arthroplasty",
]
COMPLETE = FieldEvidence(identity=True, referrer=True, request=True)


def test_complete_field_evidence_makes_a_referral_whatever_the_title() -> None:
    page = build_page(ORDER)
    assert decide([page]).document_type is not DocumentType.REFERRAL  # words alone: no
    verdict = decide([page], evidence=COMPLETE)
    assert verdict.document_type is DocumentType.REFERRAL and verdict.doubt is None


def test_partial_evidence_keeps_the_referral_with_a_doubt() -> None:
    verdict = decide([build_page(ORDER)], evidence=FieldEvidence(identity=True, request=True))
    assert verdict.document_type is DocumentType.REFERRAL
    assert verdict.confidence < 0.5 and "referring provider" in (verdict.doubt or "")


def test_a_patient_alone_is_not_a_referral() -> None:
    verdict = decide([build_page(ORDER)], evidence=FieldEvidence(identity=True))
    assert verdict.document_type is not DocumentType.REFERRAL


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        pytest.param([CONSULT_REPLY], DocumentType.CONSULT_REPLY, id="consult-reply"),
        pytest.param([PRIOR_AUTH], DocumentType.PRIOR_AUTH, id="prior-auth"),
        pytest.param([REFILL], DocumentType.REFILL_REQUEST, id="refill"),
        pytest.param([RECORDS], DocumentType.RECORDS_REQUEST, id="records"),
        pytest.param([LAB], DocumentType.LAB_RESULT, id="lab"),
    ],
)
def test_own_evidence_beats_a_full_set_of_referral_fields(pages, expected) -> None:
    built = [build_page(lines, number=i + 1) for i, lines in enumerate(pages)]
    assert decide(built, evidence=COMPLETE).document_type is expected


def test_reply_language_in_an_attached_note_does_not_make_a_reply() -> None:
    letter = ["Dear Colleague,", "Thank you for seeing Mrs. Keller, who fell last week.",
              "Kind regards, Dr. Helen Marsh"]
    note = ["Clinic Note", "I saw the patient today after a fall.",
            "Impression: hip fracture.", "Recommendations: orthopedic assessment."]
    pages = [build_page(letter, number=1), build_page(note, number=2)]
    assert decide(pages).document_type is DocumentType.REFERRAL
    # the same words leading a document do speak for a reply
    assert decide([build_page(note)]).document_type is DocumentType.CONSULT_REPLY


def test_misdirected_fax_is_other_but_a_confidentiality_footer_is_not_misdirection() -> None:
    misdirected = ["RE: Henrietta Walters", "This fax was sent to our office in error.",
                   "She is not a patient of this practice."]
    assert decide([build_page(misdirected)], evidence=COMPLETE).document_type is (
        DocumentType.OTHER
    )
    footer = [*ORDER, "If this fax was sent to you in error, please call the sender."]
    assert decide([build_page(footer)], evidence=COMPLETE).document_type is (
        DocumentType.REFERRAL
    )
