"""referral.diagnoses: valid ICD-10-CM codes only, OCR repairs noted, no IDs or phones."""

from __future__ import annotations

import pytest

from extractors.fields.diagnoses import collect_codes, validate_code
from tests.extractors.fields.clinical_helpers import build_page, values

DX = "referral.diagnoses"


def codes(*lines: str) -> dict[str, tuple[float, tuple[str, ...]]]:
    page = build_page(list(lines))
    return {c.value: (c.confidence, c.notes) for c in values(page, "intake_diagnoses", DX)}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I48.91", ("I48.91", False)),
        ("I4891", ("I48.91", False)),  # dot added
        ("148.91", ("I48.91", True)),  # 1 → I
        ("ROO.2", ("R00.2", True)),  # O → 0 in numeric places
        ("RO1.1", ("R01.1", True)),
        ("280.0", ("Z80.0", True)),  # 2 → Z
        ("050.9", ("D50.9", True)),  # 0 → D because O50.9 does not exist
        ("£11.65", ("E11.65", True)),
        ("T10", ("I10", True)),  # a printed letter is replaced only when the code is invalid
        ("T14.90", ("T14.90", False)),
        ("l10", ("I10", True)),
        ("S52501A", ("S52.501A", False)),
        ("B20", ("B20", False)),  # a category that is also a block
        ("I23.99", None),
        ("A1C", None),
        ("B12", None),
    ],
)
def test_validate_code(raw: str, expected: tuple[str, bool] | None) -> None:
    assert validate_code(raw) == expected


def test_codes_in_the_diagnosis_field_with_ocr_repair_noted() -> None:
    found = codes(
        "Patient: Jane Roe   DOB: 01/02/1960",
        "Diagnosis (ICD-10): 148.91 Atrial fibrillation",
        "R00.2 Palpitations",
        "Reason for referral: palpitations",
    )
    assert list(found) == ["R00.2", "I48.91"] or set(found) == {"I48.91", "R00.2"}
    conf, notes = found["I48.91"]
    assert notes == ("ocr_repaired",) and 0.6 <= conf < 0.9
    assert found["R00.2"] == (0.95, ())


def test_code_list_in_prose_after_label() -> None:
    assert set(codes("Review of systems: no fever. Diagnoses: N18.32, I10.")) == {"N18.32", "I10"}


def test_comma_for_dot_is_read_in_a_diagnosis_field() -> None:
    _conf, notes = codes("Dx: R53,1, R47.81")["R53.1"]
    assert notes == ("ocr_repaired",)


def test_dotted_code_elsewhere_is_kept_with_lower_confidence() -> None:
    conf, _ = codes("Assessment and plan discussed.", "Known E11.9, on metformin.")["E11.9"]
    assert 0.6 <= conf <= 0.75


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("Member ID: I10 Group: 5123", id="member-id"),
        pytest.param("Phone: (513) 555-0101", id="phone"),
        pytest.param("Springfield, IL 11046", id="zip"),
        pytest.param("NPI: 1234567893", id="npi"),
        pytest.param("BP 125/79, weight 148.9 lb", id="vitals-repair-needs-context"),
        pytest.param("Vitamin B12 low, A1c 7.2, TSH 1.2", id="lab-names"),
        pytest.param("Room I10 on the second floor", id="undotted-outside-context"),
    ],
)
def test_no_false_positives(line: str) -> None:
    assert codes(line) == {}


def test_phone_inside_a_diagnosis_paragraph_is_not_a_code() -> None:
    found = codes("Diagnoses: N18.32, I10.", "The patient can be reached at (513) 555-0101.")
    assert set(found) == {"N18.32", "I10"}


def test_collect_codes_keeps_first_appearance_order() -> None:
    assert collect_codes(["I10", ["R00.2", "I10"], "E11.9"]) == ["I10", "R00.2", "E11.9"]
