"""Phones: E.164, label and section decide phone vs fax and whose, OCR repairs."""

from __future__ import annotations

import pytest

from extractors.fields import phone
from extractors.fields.phone import find_phones
from tests.extractors.fields.conftest import best, words_of


def test_labelled_patient_phone(make_page, extract) -> None:
    page = make_page(["Patient Name: Jane Doe", "Phone: (312) 555-0147"])
    found = best(extract(page, "intake_phone"), "patient.phone")
    assert found.value == "+13125550147"
    assert found.confidence >= 0.95
    assert words_of(page, found.start, found.end) == ["(312)", "555-0147"]


def test_section_decides_phone_and_fax(make_page, extract) -> None:
    page = make_page(
        [
            "PATIENT INFORMATION",
            "Phone: 312-555-0147",
            "REFERRING PROVIDER",
            "Phone: 312 555 0100   Fax: 312 555 0101",
        ]
    )
    cands = extract(page, "intake_phone")
    assert best(cands, "patient.phone").value == "+13125550147"
    assert best(cands, "referring.phone").value == "+13125550100"
    assert best(cands, "referring.fax").value == "+13125550101"


def test_fax_cover_from_block(make_page, extract) -> None:
    page = make_page(
        [
            "To: Cardiology Associates          From: Dr. Sarah Chen",
            "Fax: 312-555-1111                  Fax: 312-555-2222",
        ]
    )
    cands = extract(page, "intake_phone")
    faxes = [c.value for c in cands if str(c.name) == "referring.fax"]
    assert faxes == ["+13125552222"]


def test_ocr_digits_fixed(make_page, extract) -> None:
    page = make_page(["Home Phone: (312) 555-O147"], confidence=0.8)
    found = best(extract(page, "intake_phone"), "patient.phone")
    assert found.value == "+13125550147"
    assert "ocr_digits_fixed" in found.notes
    assert found.confidence < 0.8


def test_invalid_number_is_not_a_candidate(make_page, extract) -> None:
    page = make_page(["Phone: 555-0147"])
    assert best(extract(page, "intake_phone"), "patient.phone") is None


def test_prose_cue(make_page, extract) -> None:
    page = make_page(["Thank you. The patient can be reached at 312-555-0147."])
    found = best(extract(page, "intake_phone"), "patient.phone")
    assert found.value == "+13125550147"
    assert found.confidence <= 0.7


def test_default_region_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(phone, "DEFAULT_REGION", "GB")
    assert [p[2] for p in find_phones("Tel 020 7946 0018")] == ["+442079460018"]


def test_fax_header_number_is_a_weak_referring_fax(make_page, extract) -> None:
    page = make_page(
        ["07/04/2024 17:12  Lakeside Family Medicine  3125550101  P.001/003", "", "REFERRAL FORM"]
    )
    found = best(extract(page, "intake_phone"), "referring.fax")
    assert found.value == "+13125550101"
    assert found.notes == ("fax_header",)
    assert found.confidence <= 0.5
