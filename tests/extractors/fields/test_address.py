"""Patient address as one line."""

from __future__ import annotations

from tests.extractors.fields.conftest import best, words_of


def test_one_line_address(make_page, extract) -> None:
    page = make_page(["Patient Name: Jane Doe", "Address: 123 Main St, Springfield, IL 62704"])
    found = best(extract(page, "intake_address"), "patient.address")
    assert found.value == "123 Main St, Springfield, IL 62704"
    assert found.confidence >= 0.95


def test_address_without_any_patient_context_is_less_sure(make_page, extract) -> None:
    page = make_page(["Address: 123 Main St, Springfield, IL 62704"])
    found = best(extract(page, "intake_address"), "patient.address")
    assert 0.5 <= found.confidence <= 0.7


def test_two_line_address_is_joined(make_page, extract) -> None:
    page = make_page(
        [
            "Address: 123 Main St             DOB: 03/04/1961",
            "         Springfield IL 62704",
            "Phone: 312-555-0147",
        ]
    )
    found = best(extract(page, "intake_address"), "patient.address")
    assert found.value == "123 Main St, Springfield, IL 62704"
    assert "two_lines" in found.notes
    assert words_of(page, found.start, found.end)[-1] == "62704"


def test_address_below_its_label(make_page, extract) -> None:
    page = make_page(["Home Address", "123 Main St", "Springfield, IL 62704"])
    found = best(extract(page, "intake_address"), "patient.address")
    assert found.value == "123 Main St, Springfield, IL 62704"


def test_separate_city_state_zip_boxes(make_page, extract) -> None:
    page = make_page(["Address: 123 Main St", "City: Springfield     State: IL     Zip: 62704"])
    found = best(extract(page, "intake_address"), "patient.address")
    assert found.value == "123 Main St, Springfield, IL 62704"


def test_unlabelled_block_in_patient_section(make_page, extract) -> None:
    page = make_page(["PATIENT INFORMATION", "Jane Doe", "123 Main St", "Springfield, IL 62704"])
    found = best(extract(page, "intake_address"), "patient.address")
    assert found.value == "123 Main St, Springfield, IL 62704"
    assert found.confidence <= 0.6


def test_referring_address_is_not_the_patients(make_page, extract) -> None:
    page = make_page(["REFERRING PROVIDER", "Address: 9 Oak Ave, Chicago, IL 60601"])
    assert best(extract(page, "intake_address"), "patient.address") is None


def test_unlabelled_one_line_address_in_patient_section(make_page, extract) -> None:
    page = make_page(["Patient: Jane Doe", "123 Main St, Springfield, IL 62704"])
    found = best(extract(page, "intake_address"), "patient.address")
    assert found.value == "123 Main St, Springfield, IL 62704"
    assert found.confidence <= 0.6


def test_address_in_letter_prose_after_a_cue(make_page, extract) -> None:
    """GIVEN a letter stating where the patient lives WHEN read THEN that address, weakly;
    the letterhead's address (no cue) is not the patient's."""
    page = make_page(
        [
            "Bayview Internal Medicine, 1200 Ocean Ave, Santa Cruz, CA 95060",
            "Call (831) 555-0177. He lives at 88 Laurel Street, Santa Cruz, CA 95062.",
        ]
    )
    found = [c for c in extract(page, "intake_address") if str(c.name) == "patient.address"]
    assert [c.value for c in found] == ["88 Laurel Street, Santa Cruz, CA 95062"]
    assert found[0].confidence < 0.9
