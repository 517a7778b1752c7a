"""referral.specialty: stated values through the synonym lexicon; inference for the rest.

Inference uses the packaged sentence-embedding model; these tests load it once per session
(the first call takes a few seconds).
"""

from __future__ import annotations

import pytest

from extractors.fields.specialty import infer_specialty, match_specialty
from models.vocab import Specialty
from tests.extractors.fields.clinical_helpers import build_page, values

SP = "referral.specialty"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("GI", Specialty.GASTROENTEROLOGY),
        ("Gl", Specialty.GASTROENTEROLOGY),  # OCR l for I
        ("Cardiology", Specialty.CARDIOLOGY),
        ("Cardiologist", Specialty.CARDIOLOGY),
        ("Heart", Specialty.CARDIOLOGY),
        ("ENT", Specialty.OTOLARYNGOLOGY),
        ("Ortho", Specialty.ORTHOPEDICS),
        ("OB/GYN", Specialty.OBSTETRICS_GYNECOLOGY),
        ("Heme/Onc", Specialty.HEMATOLOGY_ONCOLOGY),
        ("PM&R", Specialty.PHYSICAL_MEDICINE_REHAB),
        ("Neuro", Specialty.NEUROLOGY),
        ("Cardiolgy", Specialty.CARDIOLOGY),  # OCR-dropped letter
        ("Or thopaedic Surgery", Specialty.ORTHOPEDICS),  # not general "Surgery"
        ("Dr. A. Smith, Dermatologist", Specialty.DERMATOLOGY),
    ],
)
def test_match_specialty(value: str, expected: Specialty) -> None:
    found = match_specialty(value)
    assert found is not None and found[0] is expected


def test_unknown_value_is_not_matched() -> None:
    assert match_specialty("Dr. Jones") is None


def stated(*lines: str) -> list[tuple[str, float, str]]:
    page = build_page(list(lines))
    return [(c.value, c.confidence, page.text()[c.start : c.end])
            for c in values(page, "intake_specialty", SP)]


def test_stated_after_label_is_high_confidence() -> None:
    ((value, conf, text),) = stated("Patient: Jane Roe", "Referred to: GI   DOB: 01/02/1960")
    assert (value, text) == ("gastroenterology", "GI")
    assert conf >= 0.9


def test_letter_phrase_and_form_title() -> None:
    found = stated("I am referring her to your neurology clinic for headaches.")
    assert [(v, t) for v, _, t in found] == [("neurology", "neurology clinic")]
    assert 0.7 <= found[0][1] < 0.9
    assert stated("CARDIOLOGY REFERRAL")[0][0] == "cardiology"


def test_label_inside_a_longer_label_states_nothing() -> None:
    assert stated("Reason for consult:", "Loud snoring, sleep study requested.") == []


@pytest.mark.parametrize(
    ("text", "codes", "expected"),
    [
        ("Chest pain on exertion for 3 weeks, relieved by rest.", [], Specialty.CARDIOLOGY),
        ("Changing mole with irregular borders on the back.", [], Specialty.DERMATOLOGY),
        ("Uncontrolled type 2 diabetes, A1c 11 despite metformin.", [], Specialty.ENDOCRINOLOGY),
        ("", ["M05.79"], Specialty.RHEUMATOLOGY),
        ("Calf claudication at one block.", ["I70.211"], Specialty.VASCULAR_SURGERY),
        ("Loud snoring and witnessed apneas.", [], Specialty.SLEEP_MEDICINE),
        ("Screening colonoscopy, family history of colon cancer.", [],
         Specialty.GASTROENTEROLOGY),
    ],
)
def test_infer_specialty(text: str, codes: list[str], expected: Specialty) -> None:
    specialty, confidence, evidence = infer_specialty(text, codes)
    assert specialty is expected
    assert 0.3 <= confidence <= 0.85  # never as sure as a stated specialty
    assert evidence


def test_nothing_to_go_on() -> None:
    assert infer_specialty("", []) == (Specialty.OTHER, 0.0, "")


def test_inference_without_model_falls_back_to_keywords_and_codes(tmp_path) -> None:
    specialty, confidence, _ = infer_specialty(
        "New onset atrial fibrillation.", ["I48.91"], model_path=tmp_path / "missing"
    )
    assert specialty is Specialty.CARDIOLOGY
    assert confidence > 0.3
