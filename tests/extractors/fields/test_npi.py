"""NPI: check digit, OCR repairs only when they pass, failing numbers reported low."""

from __future__ import annotations

import pytest

from extractors.fields.npi import npi_is_valid, parse_npi
from tests.extractors.fields.conftest import best, words_of


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126"])
def test_valid_npis(npi: str) -> None:
    assert npi_is_valid(npi)


@pytest.mark.parametrize("npi", ["1234567890", "123456789", "12345678931", "12345678a3", ""])
def test_invalid_npis(npi: str) -> None:
    assert not npi_is_valid(npi)


def test_ocr_fix_accepted_only_when_check_digit_passes() -> None:
    assert parse_npi("I234S67893") == ("1234567893", 0.85, ("ocr_digits_fixed",))


def test_labelled_npi(make_page, extract) -> None:
    page = make_page(["Referring Provider: Dr. Sarah Chen   NPI: 1234567893"])
    found = best(extract(page, "intake_npi"), "referring.npi")
    assert found.value == "1234567893"
    assert found.confidence >= 0.95
    assert words_of(page, found.start, found.end) == ["1234567893"]


def test_failing_check_digit_is_a_low_confidence_candidate(make_page, extract) -> None:
    page = make_page(["NPI: 1234567890"])
    found = best(extract(page, "intake_npi"), "referring.npi")
    assert found.value == "1234567890"
    assert found.confidence <= 0.3
    assert found.notes == ("npi_check_digit_failed",)


def test_npi_in_prose(make_page, extract) -> None:
    page = make_page(["Sarah Chen, MD | NPI 1234567893"])
    found = best(extract(page, "intake_npi"), "referring.npi")
    assert found.value == "1234567893"
    assert 0.6 <= found.confidence <= 0.9
