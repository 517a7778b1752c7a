"""A reviewer's value for a field: normalised and checked with the pipeline's own validators.

The same rules decide what the extractors accept (date parsing, NPI check digit, phone
numbers via ``phonenumbers``, ICD-10-CM via ``simple_icd_10_cm``), so a value a reviewer
types is held to the standard of a value read from a page. Errors name the field, never
echo the value (it may be PHI and messages reach logs).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import phonenumbers

from extractors.fields.dates import parse_date
from extractors.fields.diagnoses import validate_code
from extractors.fields.npi import npi_is_valid
from extractors.fields.phone import DEFAULT_REGION
from models.referral import Field, Referral
from models.vocab import FieldName, Sex, Specialty, Urgency
from pipeline.stages.check import field_problems

_DATES = {FieldName.PATIENT_DOB: "dob", FieldName.REFERRAL_DATE: "event"}
_PHONES = {FieldName.PATIENT_PHONE, FieldName.REFERRING_PHONE, FieldName.REFERRING_FAX}
_CHOICES: dict[FieldName, type] = {
    FieldName.PATIENT_SEX: Sex,
    FieldName.REFERRAL_URGENCY: Urgency,
    FieldName.REFERRAL_SPECIALTY: Specialty,
}
_SEX_WORDS = {"female": "F", "male": "M", "woman": "F", "man": "M", "unknown": "U"}
MAX_TEXT = 1000


class InvalidValue(ValueError):
    """A reviewer's value that fails the field's validator; the message is safe to show."""


def _text(raw: Any) -> str:
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        raise InvalidValue("expected text")
    text = " ".join(str(raw).split())
    if not text:
        raise InvalidValue("empty value")
    if len(text) > MAX_TEXT:
        raise InvalidValue(f"longer than {MAX_TEXT} characters")
    return text


def _diagnoses(raw: Any) -> list[str]:
    items = raw if isinstance(raw, list) else _text(raw).replace(";", ",").split(",")
    codes: list[str] = []
    for item in items:
        token = _text(item)
        found = validate_code(token.upper())
        if found is None or found[1]:
            raise InvalidValue("not an ICD-10-CM code")
        if found[0] not in codes:
            codes.append(found[0])
    if not codes:
        raise InvalidValue("empty value")
    return codes


def normalise(name: FieldName, raw: Any, today: date | None = None) -> Any:
    """The stored form of ``raw`` for ``name`` (ISO date, E.164…); raises InvalidValue."""
    if name == FieldName.REFERRAL_DIAGNOSES:
        return _diagnoses(raw)
    text = _text(raw)
    if name in _DATES:
        parsed = parse_date(text, _DATES[name], today=today)
        if parsed is None or parsed.start != 0 or parsed.end < len(text.rstrip(". ")):
            raise InvalidValue("not a plausible date (YYYY-MM-DD or MM/DD/YYYY)")
        return parsed.iso
    if name in _PHONES:
        try:
            number = phonenumbers.parse(text, DEFAULT_REGION)
        except phonenumbers.NumberParseException as exc:
            raise InvalidValue("not a valid phone number") from exc
        if not phonenumbers.is_valid_number(number):
            raise InvalidValue("not a valid phone number")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if name == FieldName.REFERRING_NPI:
        digits = text.replace(" ", "").replace("-", "")
        if not npi_is_valid(digits):
            raise InvalidValue("NPI must be 10 digits with a valid check digit")
        return digits
    if name in _CHOICES:
        choice = _SEX_WORDS.get(text.lower(), text) if name == FieldName.PATIENT_SEX else text
        vocab = _CHOICES[name]
        for member in vocab:
            if member.value.lower() == choice.lower():
                return member.value
        raise InvalidValue("one of: " + ", ".join(m.value for m in vocab))
    return text


def normalise_all(changes: dict[str, Any], today: date | None = None) -> dict[FieldName, Any]:
    """Every change normalised; raises ``InvalidFields`` listing each bad field's message."""
    out: dict[FieldName, Any] = {}
    errors: dict[str, str] = {}
    for key, raw in changes.items():
        try:
            name = FieldName(key)
        except ValueError:
            errors[key] = "unknown field"
            continue
        try:
            out[name] = normalise(name, raw, today)
        except InvalidValue as exc:
            errors[key] = str(exc)
    if errors:
        raise InvalidFields(errors)
    return out


class InvalidFields(ValueError):
    """Several fields failed; ``errors`` maps field name to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(f"{len(errors)} invalid field(s)")
        self.errors = errors


def apply(referral: Referral, values: dict[FieldName, Any], today: date) -> Referral:
    """The referral with reviewed values set and its problems re-checked for those fields."""
    fields = dict(referral.fields)
    for name, value in values.items():
        old = fields.get(name)
        if old is None:
            old = Field(name=name, value=None, confidence=0.0, extractor="")
        fields[name] = old.model_copy(update={"reviewed_value": value})
    updated = referral.model_copy(update={"fields": fields})
    changed = {str(n) for n in values}
    rechecked = [p for p in field_problems(updated, today) if p.field in changed]
    problems = [p for p in referral.problems if p.field not in changed] + rechecked
    missing = [m for m in referral.missing if m not in values]
    return updated.model_copy(update={"problems": problems, "missing": missing})


def conflicts(referral: Referral, values: dict[FieldName, Any], today: date) -> dict[str, str]:
    """Plausibility problems (a DOB after the referral date…) of the corrected values."""
    checked = apply(referral, values, today)
    return {
        p.field: p.message
        for p in checked.problems
        if p.field in {str(n) for n in values} and p.kind == "invalid"
    }
