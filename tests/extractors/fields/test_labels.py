"""The label lexicon: loading, normalisation and OCR-tolerant lookup."""

from __future__ import annotations

import pytest

from extractors.fields.labels import load_lexicon, normalise


def test_lexicon_loads_without_ambiguous_wordings() -> None:
    lex = load_lexicon()
    assert len(lex.entries) > 400
    assert {"patient.dob", "insurance.member_id", "referral.date"} <= {
        e.key for e in lex.entries.values()
    }


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("D.O.B.:", "DOB"),
        ("D0B", "dob"),
        ("Dat e of Birth", "Date of Birth"),
        ("Phone#", "Phone #"),
    ],
)
def test_normalise_folds_case_space_punct_lookalikes(printed: str, canonical: str) -> None:
    assert normalise(printed) == normalise(canonical)


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("DOB", "patient.dob"),
        ("D0B", "patient.dob"),
        ("Dat e of Birth", "patient.dob"),
        ("Date of Birht", "patient.dob"),
        ("Birthdate", "patient.dob"),
        ("Member lD", "insurance.member_id"),
        ("Policy #", "insurance.member_id"),
        ("Referring Provlder", "referring.name"),
        ("Reason for Referral", "referral.clinical_question"),
        ("ICD10 Code(s)", "referral.diagnoses"),
        ("Date of Referral", "referral.date"),
    ],
)
def test_lookup_finds_key_despite_ocr_noise(printed: str, key: str) -> None:
    match = load_lexicon().lookup(printed)
    assert match is not None
    assert match.entry.key == key
    assert match.score >= 0.8


def test_short_wordings_need_an_exact_match() -> None:
    """GIVEN "DOS" (one edit from "DOB") WHEN looked up THEN no label: short words collide."""
    assert load_lexicon().lookup("DOS") is None


@pytest.mark.parametrize(
    ("section", "key"),
    [("patient", "patient.phone"), ("referring", "referring.phone"), (None, "patient.phone")],
)
def test_generic_phone_resolves_by_section(section: str | None, key: str) -> None:
    lex = load_lexicon()
    match = lex.lookup("Phone")
    assert match is not None
    resolved, factor = lex.resolve(match.entry, section)
    assert resolved == key
    assert factor == (1.0 if section else 0.5)


def test_box_border_specks_around_a_label_are_ignored() -> None:
    match = load_lexicon().lookup("|addrebs")
    assert match is not None
    assert match.entry.generic == "address"
