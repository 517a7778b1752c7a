"""Patient name, sex and MRN."""

from __future__ import annotations

import pytest

from extractors.fields.names import clean_person_name
from extractors.fields.patient import parse_sex
from tests.extractors.fields.conftest import best, words_of


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("Jane Doe", "Jane Doe"),
        ("DOE, JANE M", "Jane M Doe"),
        ("Doe, Jane M.", "Jane M. Doe"),
        ("Mrs. Jane Doe", "Jane Doe"),
        ("JOHN O'BRIEN-SMITH", "John O'Brien-Smith"),
        ("MCDONALD, RONALD", "Ronald McDonald"),
        ("VAN DER BERG, ANNA", "Anna van der Berg"),
        ("Jane Doe, DOB 03/04/1961", "Jane Doe"),
        ("Dr. Sarah Chen, MD, FACP", "Sarah Chen"),
        ("HEBERT KARINA M", "Karina M Hebert"),
    ],
)
def test_clean_person_name(printed: str, value: str) -> None:
    name = clean_person_name(printed)
    assert name is not None
    assert name.value == value


@pytest.mark.parametrize("printed", ["see attached", "N/A", "12345", ""])
def test_not_a_name(printed: str) -> None:
    assert clean_person_name(printed) is None


def test_labelled_last_first_name(make_page, extract) -> None:
    page = make_page(["Patient: DOE, JANE   DOB: 03/04/1961"])
    found = best(extract(page, "intake_patient"), "patient.name")
    assert found.value == "Jane Doe"
    assert found.confidence >= 0.95
    assert "last_first" in found.notes
    assert words_of(page, found.start, found.end) == ["DOE,", "JANE"]


def test_separate_first_and_last_name_fields(make_page, extract) -> None:
    page = make_page(["Last Name: Doe     First Name: Jane     MI: Q"])
    found = best(extract(page, "intake_patient"), "patient.name")
    assert found.value == "Jane Q Doe"


def test_name_from_letter_prose(make_page, extract) -> None:
    page = make_page(["I am referring my patient Jane Doe for evaluation of chest pain."])
    found = best(extract(page, "intake_patient"), "patient.name")
    assert found.value == "Jane Doe"
    assert 0.5 <= found.confidence <= 0.8


def test_ocr_noisy_name_label(make_page, extract) -> None:
    page = make_page(["Pat1ent Narne: Jane Doe"])
    assert best(extract(page, "intake_patient"), "patient.name").value == "Jane Doe"


@pytest.mark.parametrize(
    ("printed", "code"),
    [
        ("F", "F"),
        ("Female", "F"),
        ("male", "M"),
        ("[ ] M  [X] F", "F"),
        ("☒ Male ☐ Female", "M"),
        ("Unknown", "U"),
        ("X", "X"),
        ("EF", "F"),
    ],
)
def test_parse_sex(printed: str, code: str) -> None:
    found = parse_sex(printed)
    assert found is not None
    assert found[0] == code


def test_sex_from_label_and_from_prose(make_page, extract) -> None:
    labelled = make_page(["Gender: Female"])
    assert best(extract(labelled, "intake_patient"), "patient.sex").value == "F"
    prose = make_page(["She is a 54-year-old woman with chest pain."])
    found = best(extract(prose, "intake_patient"), "patient.sex")
    assert found.value == "F"
    assert found.confidence < 0.8


def test_mrn_as_printed_without_trailing_punctuation(make_page, extract) -> None:
    page = make_page(["MRN: A-12345.   Chart #: 9"])
    found = best(extract(page, "intake_patient"), "patient.mrn")
    assert found.value == "A-12345"
    assert found.confidence >= 0.95


def test_mrn_must_be_identifier_shaped(make_page, extract) -> None:
    page = make_page(["MRN: Pending"])
    assert best(extract(page, "intake_patient"), "patient.mrn") is None


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("Karina M, Hebert", "Karina M Hebert"),  # "." of the initial read as ","
        ("Michael Campbel!, DOB 19-Jan-1956", "Michael Campbell"),
        ("Matthew Williams, OOB 08-23-1971", "Matthew Williams"),
        ("SaraS. Young", "Sara S. Young"),  # the space before the initial lost
        ("Pollard, AmyJ.", "Amy J. Pollard"),
        ("McDonald Smith", "McDonald Smith"),  # a capital inside a name is not an initial
    ],
)
def test_ocr_noise_in_names(printed: str, value: str) -> None:
    name = clean_person_name(printed)
    assert name is not None
    assert name.value == value


def test_patient_name_after_a_referral_lead_in_on_a_subject_line(make_page, extract) -> None:
    page = make_page(["Re: Referral - Samuel Ortiz, DOB 09/30/1971"])
    names = [c for c in extract(page, "intake_patient") if str(c.name) == "patient.name"]
    assert max(names, key=lambda c: c.confidence).value == "Samuel Ortiz"
