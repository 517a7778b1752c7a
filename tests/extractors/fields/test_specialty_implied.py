"""Issue 6 class 7: an implied specialty comes from the reason and the primary diagnosis, not
from incidental mentions in the history ("followed by cardiology for AF")."""

from __future__ import annotations

import pytest

from extractors.fields.specialty_inference import infer_specialty, split_focus


@pytest.mark.parametrize(
    ("text", "codes", "expected"),
    [
        pytest.param(
            "Thank you for seeing Mrs Hill, 82, who sustained a left hip fracture after a fall "
            "at home. She is followed by cardiology for atrial fibrillation on apixaban.",
            ["S72.002A", "I48.91"], "orthopedics", id="hip-fracture-followed-by-cardiology"),
        pytest.param(
            "Known to neurology for migraine. Now with a new pigmented lesion on the back that "
            "has changed in size.", [], "dermatology", id="known-to-neurology"),
        pytest.param(
            "Worsening memory loss over the past year. History of type 2 diabetes and "
            "hypertension.", ["E11.9", "I10"], "neurology", id="comorbidity-codes-first"),
        pytest.param(
            "I would be grateful for your opinion on this 45 year old man with recurrent kidney "
            "stones. History of hypertension.", [], "urology", id="history-sentence"),
    ],
)
def test_reason_outweighs_history(text: str, codes: list[str], expected: str) -> None:
    specialty, confidence, _ = infer_specialty(text, codes)
    assert specialty.value == expected
    assert confidence < 0.9  # inferred: always for a reviewer's glance


def test_focus_and_background_are_told_apart() -> None:
    focus, background = split_focus(
        "Left hip fracture after a fall. She is followed by cardiology for AF. PMH: CKD."
    )
    assert "hip fracture" in focus
    assert "cardiology" in background and "CKD" in background
