"""Dates: formats, OCR repairs, plausibility, and the dates component."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.fields.dates import parse_date
from tests.extractors.fields.conftest import best, words_of

TODAY = date(2025, 1, 15)


@pytest.mark.parametrize(
    "printed",
    [
        "03/04/1961",
        "3/4/1961",
        "1961-03-04",
        "March 4, 1961",
        "4 Mar 1961",
        "04-Mar-1961",
        "Mar. 4th, 1961",
        "03.04.1961",
        "03 / 04 / 1961",
    ],
)
def test_formats(printed: str) -> None:
    parsed = parse_date(printed, "dob", TODAY)
    assert parsed is not None
    assert parsed.iso == "1961-03-04"
    assert parsed.validity == 1.0


def test_two_digit_birth_year_pivots_to_the_past() -> None:
    parsed = parse_date("3/4/61", "dob", TODAY)
    assert parsed is not None
    assert parsed.iso == "1961-03-04"
    assert "two_digit_year" in parsed.notes
    young = parse_date("3/4/19", "dob", TODAY)
    assert young is not None
    assert young.iso == "2019-03-04"


def test_ocr_letters_in_digits_are_fixed_and_noted() -> None:
    parsed = parse_date("O3/O4/l961", "dob", TODAY)
    assert parsed is not None
    assert parsed.iso == "1961-03-04"
    assert parsed.notes == ("ocr_digits_fixed",)
    assert parsed.validity < 1.0


@pytest.mark.parametrize("printed", ["02/30/1961", "03/04/2030", "1/2/1850", "13/13/1961", "N/A"])
def test_impossible_or_implausible_birth_dates(printed: str) -> None:
    assert parse_date(printed, "dob", TODAY) is None


def test_day_first_only_when_month_first_is_impossible() -> None:
    parsed = parse_date("25/12/1970", "dob", TODAY)
    assert parsed is not None
    assert parsed.iso == "1970-12-25"
    assert "day_first" in parsed.notes


def test_component_marks_dob_and_referral_date(make_page, extract) -> None:
    page = make_page(["Patient: Jane Doe   DOB: 03/04/1961", "Date of Referral: 07/21/2024"])
    cands = extract(page, "intake_dates")
    dob = best(cands, "patient.dob")
    assert dob.value == "1961-03-04"
    assert dob.confidence >= 0.9
    assert words_of(page, dob.start, dob.end) == ["03/04/1961"]
    assert best(cands, "referral.date").value == "2024-07-21"


def test_component_confidence_reflects_ocr(make_page, extract) -> None:
    page = make_page(["DOB: O3/04/1961"], confidence=0.6)
    dob = best(extract(page, "intake_dates"), "patient.dob")
    assert dob.value == "1961-03-04"
    assert 0.3 <= dob.confidence <= 0.55
    assert "ocr_digits_fixed" in dob.notes


def test_letter_date_line_is_a_weak_referral_date(make_page, extract) -> None:
    page = make_page(["Lakeside Family Medicine", "", "July 21, 2024", "", "Dear Colleague,"])
    found = best(extract(page, "intake_dates"), "referral.date")
    assert found.value == "2024-07-21"
    assert 0.4 <= found.confidence <= 0.7


def test_invalid_labelled_date_gives_no_candidate(make_page, extract) -> None:
    page = make_page(["DOB: 02/30/1961"])
    assert best(extract(page, "intake_dates"), "patient.dob") is None


def test_fax_noise_in_separators() -> None:
    parsed = parse_date("1961~03-~04", "dob", TODAY)
    assert parsed is not None
    assert parsed.iso == "1961-03-04"


def test_date_in_sub_boxes_is_joined(make_page, extract) -> None:
    """GIVEN a DOB printed in MM | DD | YYYY boxes (separate cells) WHEN read THEN one date."""
    page = make_page(
        [
            "Patient Name        Birth date (MM DD YYYY)      Sex",
            "Grace Okafor        04    12    1958             F",
        ]
    )
    dob = [c for c in extract(page, "intake_dates") if str(c.name) == "patient.dob"]
    assert [c.value for c in dob] == ["1958-04-12"]
    assert "sub_boxes" in dob[0].notes
