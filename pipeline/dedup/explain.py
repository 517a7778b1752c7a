"""A merge proposal's evidence codes in words, each tied to the field it speaks for.

The side-by-side view of two referrals highlights the fields that matched and says how (name
fuzzy, nickname, swapped; DOB transposed; phone, member ID, MRN; specialty; question and page
text similarity), so a reviewer can check the claim against both page images.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FIXED: dict[str, tuple[str | None, str]] = {
    "name_exact": ("patient.name", "name identical"),
    "name_ocr_slip": ("patient.name", "name equal but for an OCR slip"),
    "name_fuzzy": ("patient.name", "name similar (fuzzy match)"),
    "name_swapped": ("patient.name", "first and last name swapped"),
    "nickname": ("patient.name", "a nickname of the same first name"),
    "dob_exact": ("patient.dob", "date of birth identical"),
    "dob_transposed": ("patient.dob", "date of birth with two digits (or day/month) transposed"),
    "mrn_same": ("patient.mrn", "MRN identical"),
    "mrn_slip": ("patient.mrn", "MRN one character off (OCR)"),
    "member_id_same": ("insurance.member_id", "member ID identical"),
    "member_id_slip": ("insurance.member_id", "member ID one character off (OCR)"),
    "phone_same": ("patient.phone", "phone identical"),
    "phone_slip": ("patient.phone", "phone one digit off (OCR)"),
    "specialty_same": ("referral.specialty", "same specialty requested"),
}
_CONTRADICTIONS = {
    "dob_differs": "patient.dob",
    "mrn_differs": "patient.mrn",
    "member_id_differs": "insurance.member_id",
    "name_differs": "patient.name",
    "first_name_differs": "patient.name",
}


@dataclass(frozen=True)
class Evidence:
    """One evidence code, the field it concerns (``None``: the whole request) and its words."""

    code: str
    field: str | None
    text: str
    against: bool = False


def explain(code: str) -> Evidence:
    """The words for one evidence code (unknown codes are shown as they are)."""
    if code in _FIXED:
        field, text = _FIXED[code]
        return Evidence(code, field, text)
    if code in _CONTRADICTIONS:
        return Evidence(code, _CONTRADICTIONS[code], code.replace("_", " "), against=True)
    if m := re.fullmatch(r"page_text_([\d.]+)", code):
        share = f"{float(m.group(1)):.0%}"
        return Evidence(code, None, f"page text {share} alike: the same document again")
    if m := re.fullmatch(r"question_([\d.]+)", code):
        share = f"{float(m.group(1)):.0%}"
        return Evidence(code, "referral.clinical_question", f"clinical question {share} alike")
    if m := re.fullmatch(r"days_apart_(\d+)", code):
        return Evidence(code, None, f"received {m.group(1)} day(s) apart")
    return Evidence(code, None, code.replace("_", " "))


def matched_fields(codes: list[str]) -> dict[str, list[str]]:
    """Field → the words of every evidence code for it (what the view highlights)."""
    out: dict[str, list[str]] = {}
    for code in codes:
        item = explain(code)
        if item.field is not None:
            out.setdefault(item.field, []).append(item.text)
    return out
