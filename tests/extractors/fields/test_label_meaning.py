"""Labels no lexicon lists, matched to their field by meaning (class 6 of issue 6)."""

from __future__ import annotations

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from extractors.fields.label_meaning import meaning_of
from extractors.fields.labels import load_lexicon
from extractors.fields.layout import labelled_values


def _by_key(values):
    return {v.label_key: v for v in values}


@pytest.mark.parametrize(
    ("wording", "key"),
    [
        ("Sending Physician", "referring.name"),
        ("Originating Clinic", "referring.practice"),
        ("Plan Group Number", "insurance.group_number"),
        ("Health Plan ID", "insurance.member_id"),
        ("Date Patient Born", "patient.dob"),
        ("Home Street Address", "patient.address"),
        ("Question for the consultant", "referral.clinical_question"),
        ("Provider Office Fax Number", "referring.fax"),
    ],
)
def test_unlisted_wordings_are_matched_by_meaning(wording, key) -> None:
    lex = load_lexicon()
    assert lex.lookup(wording) is None or lex.lookup(wording).score < 1.0  # not a listed one
    found = meaning_of(lex, wording)
    assert found is not None and lex.resolve(found.entry, None)[0] == key
    assert found.score < 0.9  # weaker evidence than a printed lexicon wording


@pytest.mark.parametrize(
    "text",
    [
        "The patient has the following",
        "Blue Cross Blue Shield",
        "Sarah Chen",
        "Cardiology",
        "Lakeside Family Medicine",
        "Medications",
    ],
)
def test_values_and_sentences_are_not_labels(text) -> None:
    found = meaning_of(load_lexicon(), text, bare=True)
    assert found is None or not (found.entry.key or found.entry.generic)


def test_unseen_colon_labels_pair_with_their_values(make_page) -> None:
    page = make_page(
        [
            "Sending Physician: Dr. Maria Lopez, MD   Originating Clinic: Riverside Family Health",
            "Plan Group Number: 0048812   Health Plan ID: XKJ123456789",
            "Date Patient Born: 04/12/1958",
            "Question for the consultant: Please evaluate exertional dyspnea",
        ]
    )
    got = _by_key(labelled_values(page))
    assert got["referring.name"].text == "Dr. Maria Lopez, MD"
    assert got["referring.practice"].text == "Riverside Family Health"
    assert got["insurance.group_number"].text == "0048812"  # not "Number: 0048812"
    assert got["insurance.member_id"].text == "XKJ123456789"  # not the payer ("Health Plan")
    assert got["patient.dob"].text == "04/12/1958"
    assert "referral.date" not in got  # "Date" inside "Date Patient Born" is no referral date
    assert got["referral.clinical_question"].text.startswith("Please evaluate")
    assert all(v.score < 0.9 for v in got.values())


def test_labels_of_things_no_field_holds_take_no_value(make_page) -> None:
    page = make_page(
        [
            "Emergency Contact Phone: 937-555-0199   Appointment Date: 05/06/2026",
            "Allergies: penicillin",
        ]
    )
    keys = {v.label_key for v in labelled_values(page)}
    assert not keys & {"patient.phone", "referral.date", "referring.phone"}


def test_header_row_of_unseen_captions_reads_values_below(make_page) -> None:
    page = make_page(
        [
            "Sending Physician        Originating Clinic          NPI",
            "Dr. Maria Lopez          Riverside Family Health     1234567893",
        ]
    )
    got = _by_key(labelled_values(page))
    assert got["referring.name"].text == "Dr. Maria Lopez"
    assert got["referring.practice"].text == "Riverside Family Health"
    assert got["referring.name"].position == "below"


def test_component_confidence_stays_below_trusted_for_meaning_labels(make_page, extract) -> None:
    page = make_page(
        ["Sending Physician: Dr. Maria Lopez, MD", "Referring Physician: Dr. Ann Bell"]
    )
    cands = [c for c in extract(page, "intake_provider") if str(c.name) == "referring.name"]
    by_value = {c.value: c.confidence for c in cands}
    assert by_value["Maria Lopez"] < 0.9 <= by_value["Ann Bell"]


@pytest.mark.slow
def test_unseen_form_wordings_end_to_end(tmp_path, ctx, store) -> None:
    """A digital referral whose every label is outside the lexicon: fields still come out."""
    from pipeline.runner import process

    path = tmp_path / "unseen.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Helvetica-Bold", 16)
    c.drawString(72, 730, "Specialty Consultation Referral")
    c.setFont("Helvetica", 11)
    rows = [
        ("Person Referred:", "Okafor, Grace"),
        ("Date Patient Born:", "04/12/1958"),
        ("Sending Physician:", "Dr. Maria Lopez, MD"),
        ("Originating Clinic:", "Riverside Family Health"),
        ("Plan Group Number:", "0048812"),
        ("Referral to:", "Cardiology"),
        ("Question for the consultant:", "Please evaluate exertional chest pain and dyspnea."),
    ]
    for i, (label, value) in enumerate(rows):
        c.drawString(72, 690 - 24 * i, label)
        c.drawString(260, 690 - 24 * i, value)
    c.showPage()
    c.save()
    result = process(path, ctx, store).to_contract()
    assert result["referrals"], result["document_type"]
    fields = result["referrals"][0]["fields"]
    assert fields["referring.name"]["value"] == "Maria Lopez"
    assert fields["referring.practice"]["value"] == "Riverside Family Health"
    assert fields["patient.dob"]["value"] == "1958-04-12"
    assert fields["insurance.group_number"]["value"] == "0048812"
    assert fields["referral.clinical_question"]["value"].startswith("Please evaluate exertional")
    assert fields["referring.name"]["confidence"] < 0.9
