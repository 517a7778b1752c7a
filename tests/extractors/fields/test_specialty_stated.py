"""Issue 6 class 3: a stated specialty in other words — abbreviations, department and service
lines (services outside the vocabulary are ``other``), practice names, "your GI practice"."""

from __future__ import annotations

import pytest

from tests.extractors.fields.clinical_helpers import build_page, values

KEY = "referral.specialty"


def stated(*lines: str) -> list[tuple[str, float]]:
    page = build_page(list(lines))
    return [(c.value, c.confidence) for c in values(page, "intake_specialty", KEY)]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Referral To: Heme/Onc", "hematology_oncology"),
        ("Refer to: Pulm/CC", "pulmonology"),
        ("Service: Nephro", "nephrology"),
        ("Dept: Neuro", "neurology"),
        ("Consult: Ortho", "orthopedics"),
        ("Specialty: OB/GYN", "obstetrics_gynecology"),
        ("Specialty: PM&R", "physical_medicine_rehab"),
        ("Referral to: Onc", "hematology_oncology"),
        ("Specialty: Cardiac Electrophysiology", "cardiology"),
        ("Department: Gastro-intestinal", "gastroenterology"),
        ("Service requested: Breast Surgery", "general_surgery"),
        ("Referred to: Springfield Neurology Associates", "neurology"),
        ("Referred to: Lakeside Orthopaedic Group", "orthopedics"),
    ],
)
def test_stated_in_other_words(line: str, expected: str) -> None:
    found = stated(line)
    assert found and found[0][0] == expected


@pytest.mark.parametrize(
    "line",
    ["Department: Wound Care", "Service: Interventional Radiology", "Service requested: Hospice"],
)
def test_a_service_outside_the_vocabulary_is_other(line: str) -> None:
    found = stated(line)
    assert [v for v, _ in found] == ["other"]
    assert found[0][1] < 0.9  # a reviewer should glance at it


@pytest.mark.parametrize(
    "line", ["Referred To: Dr. Alan Smith", "Referred to: Springfield Medical Center"]
)
def test_a_person_or_facility_states_no_specialty(line: str) -> None:
    assert stated(line) == []


def test_your_practice_phrase() -> None:
    assert stated("Please see her in your GI practice for a colonoscopy.")[0][0] == (
        "gastroenterology"
    )
