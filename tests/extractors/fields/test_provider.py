"""Referring provider name and practice."""

from __future__ import annotations

import pytest

from tests.extractors.fields.conftest import best


def test_labelled_provider_without_title_or_credentials(make_page, extract) -> None:
    page = make_page(["Referring Provider: Dr. Sarah Chen, MD, FACP"])
    found = best(extract(page, "intake_provider"), "referring.name")
    assert found.value == "Sarah Chen"
    assert found.confidence >= 0.95


def test_fax_cover_from_person_and_practice(make_page, extract) -> None:
    person = make_page(["From: Dr. Sarah Chen"])
    assert best(extract(person, "intake_provider"), "referring.name").value == "Sarah Chen"
    org = make_page(["From: Lakeside Family Medicine"])
    cands = extract(org, "intake_provider")
    assert best(cands, "referring.name") is None
    assert best(cands, "referring.practice").value == "Lakeside Family Medicine"


def test_letter_signature(make_page, extract) -> None:
    page = make_page(
        [
            "Thank you for seeing her.",
            "Sincerely,",
            "",
            "Sarah Chen, MD",
            "Lakeside Family Medicine",
        ]
    )
    cands = extract(page, "intake_provider")
    name = best(cands, "referring.name")
    assert name.value == "Sarah Chen"
    assert 0.6 <= name.confidence <= 0.8
    assert best(cands, "referring.practice").value == "Lakeside Family Medicine"


def test_practice_label_and_letterhead(make_page, extract) -> None:
    page = make_page(["Lakeside Family Medicine", "", "Clinic: Lakeside Family Medicine, LLC"])
    cands = [c for c in extract(page, "intake_provider") if str(c.name) == "referring.practice"]
    by_note = {c.notes: c for c in cands}
    assert by_note[()].value == "Lakeside Family Medicine"
    assert by_note[("letterhead",)].confidence < by_note[()].confidence


def test_form_title_is_not_a_practice(make_page, extract) -> None:
    page = make_page(["REFERRAL FORM", "Patient: Jane Doe"])
    assert best(extract(page, "intake_provider"), "referring.practice") is None


def test_fax_header_sender_is_a_weak_practice(make_page, extract) -> None:
    page = make_page(
        ["07/04/2024 17:12  Lakeside Family Medicine  3125550101  P.001/003", "", "REFERRAL FORM"]
    )
    found = best(extract(page, "intake_provider"), "referring.practice")
    assert found.value == "Lakeside Family Medicine"
    assert found.confidence < 0.5


def test_practice_line_under_the_provider_name(make_page, extract) -> None:
    page = make_page(
        ["Referring Provider:", "Daniel Reed DO", "Riverbend Health Partners, 1 Main St"]
    )
    found = best(extract(page, "intake_provider"), "referring.practice")
    assert found.value == "Riverbend Health Partners"


@pytest.mark.parametrize(
    "letterhead", ["Summit Gastroenterology", "Riverbend Pulmonary & Sleep", "Harbor Eye Clinic"]
)
def test_specialty_practice_letterheads_are_practices(make_page, extract, letterhead) -> None:
    page = make_page([letterhead, "22 Main St, Reno, NV 89501", "", "Dear Colleague,"])
    practices = [c for c in extract(page, "intake_provider") if str(c.name) == "referring.practice"]
    assert [c.value for c in practices] == [letterhead]


def test_recipient_address_below_a_letters_date_is_not_the_practice(make_page, extract) -> None:
    """GIVEN a letter with no text letterhead: date, then the recipient's inside address
    WHEN read THEN the recipient's clinic is not taken as the referring practice."""
    page = make_page(
        [
            "November 3, 2026",
            "Santa Cruz Gastroenterology Associates",
            "250 Mission St, Santa Cruz, CA 95060",
            "",
            "Dear Colleague,",
        ]
    )
    assert best(extract(page, "intake_provider"), "referring.practice") is None
