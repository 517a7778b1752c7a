"""referral.clinical_question: a labelled field that wraps, or the request in a letter."""

from __future__ import annotations

from tests.extractors.fields.clinical_helpers import build_page, values

CQ = "referral.clinical_question"


def question(lines: list[str], **layout: object) -> tuple[str, float, tuple[str, ...]] | None:
    found = values(build_page(lines, **layout), "intake_clinical_question", CQ)
    return (found[0].value, found[0].confidence, found[0].notes) if found else None


def test_value_after_label_wraps_and_joins_hyphenation() -> None:
    """GIVEN a reason that wraps over three lines with a word hyphenated at a line break
    WHEN read THEN it is one line of text, up to the next label."""
    value, conf, notes = question(
        [
            "Patient: Jane Roe   DOB: 01/02/1960",
            "Reason for Referral: Exertional chest pain for 3 weeks, abnormal",
            "stress test. Please evaluate for coronary artery di-",
            "sease and need for catheterization.",
            "Diagnosis: I20.9 Angina",
        ]
    )
    assert value == (
        "Exertional chest pain for 3 weeks, abnormal stress test. Please evaluate for "
        "coronary artery disease and need for catheterization."
    )
    assert conf >= 0.85 and notes == ("label",)


def test_value_below_label_stops_at_blank_line_gap() -> None:
    value, _, _ = question(
        ["Reason for referral:", "Chronic cough for 6 months,", "not improved with inhalers.",
         "Follow up in clinic as planned"],
        line_gaps={3: 1.5},
    )
    assert value == "Chronic cough for 6 months, not improved with inhalers."


def test_value_stops_at_next_label_on_the_same_line() -> None:
    assert question(["Reason for consult: itchy rash   Urgency: Routine"])[0] == "itchy rash"


def test_short_statement_after_a_full_stop_is_not_part_of_the_question() -> None:
    value, _, _ = question(["Reason for consult:", "Loud snoring; sleep study requested.",
                            "Routine referral"])
    assert value == "Loud snoring; sleep study requested."


def test_medications_label_is_not_the_question() -> None:
    assert question(["Current medications: albuterol, lisinopril"]) is None


def test_letter_generic_request_then_question_paragraph() -> None:
    value, conf, notes = question(
        [
            "Dear Dr. Guzman,",
            "I am referring my patient Robert Moore (DOB 21-Jul-1935) to your clinic for",
            "evaluation and management.",
            "CKD stage 3b with eGFR declining from 48 to 38 over 12 months. Please advise.",
            "Review of systems: No weight loss. Diagnoses: N18.32, I10.",
            "Thank you for seeing this patient.",
        ]
    )
    assert value == "CKD stage 3b with eGFR declining from 48 to 38 over 12 months. Please advise."
    assert 0.7 <= conf < 0.9 and notes == ("letter",)


def test_letter_request_that_names_the_problem() -> None:
    value, _, _ = question(
        ["Dear Colleague,", "I am referring Mrs. Jones for evaluation of new onset atrial",
         "fibrillation. Thank you for seeing her."]
    )
    assert value == "I am referring Mrs. Jones for evaluation of new onset atrial fibrillation."


def test_letter_with_ocr_damage() -> None:
    """GIVEN fax OCR: "I am" read as "lam" and the closing full stop lost
    WHEN read THEN the question paragraph is still found."""
    value, _, _ = question(
        ["Dear Doctor,", "lam referring my patient Ryan Sanders to your Pain Clinic",
         "clinic for evaluation and management",
         "Chronic low back pain with left sciatica, consider epidural steroid injection.",
         "A routine appointment at your earliest convenience is appropriate."]
    )
    assert value == "Chronic low back pain with left sciatica, consider epidural steroid injection."
