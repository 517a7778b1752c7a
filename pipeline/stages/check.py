"""Check: completeness (required fields are data, per specialty) and validity of each field."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import phonenumbers
import simple_icd_10_cm as icd
import yaml

from extractors.fields.npi import npi_is_valid
from models.evidence import Analysis
from models.referral import Problem, Referral
from models.vocab import FieldName
from pipeline.stage import StageContext

DEFAULT_REQUIREMENTS = Path(__file__).resolve().parent.parent / "rules" / "requirements.yaml"
_PHONE_FIELDS = (FieldName.PATIENT_PHONE, FieldName.REFERRING_PHONE, FieldName.REFERRING_FAX)
_MAX_AGE_YEARS = 120
_STALE_REFERRAL_DAYS = 365
#: Problem kinds this stage decides (and so replaces when run again); others, such as the
#: gate's doubts or triage's, were raised by earlier stages and are kept.
_OWN_KINDS = frozenset({"missing", "invalid", "low_confidence"})


@lru_cache(maxsize=8)
def load_requirements(path: Path) -> dict[str, Any]:
    """Parsed requirements file (cached: it is read for every referral)."""
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _iso(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _completeness(referral: Referral, rules: dict[str, Any], text: str) -> list[Problem]:
    specialty = referral.value(FieldName.REFERRAL_SPECIALTY)
    extra = (rules.get("specialties") or {}).get(specialty or "", {})
    problems: list[Problem] = []
    for entry in [*rules["default"].get("required", []), *extra.get("required", [])]:
        group = entry if isinstance(entry, list) else [entry]
        if not any(FieldName(name) in referral.fields for name in group):
            problems.append(
                Problem(
                    field=group[0],
                    message=f"required field missing: {' or '.join(group)}",
                    kind="missing",
                )
            )
    folded = text.casefold()
    for mention in extra.get("mentions", []):
        if not any(term.casefold() in folded for term in mention["any"]):
            problems.append(
                Problem(
                    field=FieldName.REFERRAL_CLINICAL_QUESTION,
                    message=mention["message"],
                    kind="missing",
                )
            )
    return problems


def _validity(referral: Referral, today: date) -> list[Problem]:
    problems: list[Problem] = []

    def bad(name: FieldName, message: str) -> None:
        problems.append(Problem(field=name, message=message, kind="invalid"))

    npi = referral.value(FieldName.REFERRING_NPI)
    if npi is not None and not npi_is_valid(str(npi)):
        bad(FieldName.REFERRING_NPI, "NPI fails the check digit")
    dob = referral.value(FieldName.PATIENT_DOB)
    if dob is not None:
        born = _iso(dob)
        if born is None:
            bad(FieldName.PATIENT_DOB, "date of birth is not a date")
        elif born > today:
            bad(FieldName.PATIENT_DOB, "date of birth is in the future")
        elif born < today - timedelta(days=365 * _MAX_AGE_YEARS):
            bad(FieldName.PATIENT_DOB, f"date of birth is more than {_MAX_AGE_YEARS} years ago")
    sent = referral.value(FieldName.REFERRAL_DATE)
    if sent is not None:
        sent_on = _iso(sent)
        if sent_on is None:
            bad(FieldName.REFERRAL_DATE, "referral date is not a date")
        elif sent_on > today + timedelta(days=1):
            bad(FieldName.REFERRAL_DATE, "referral date is in the future")
        elif sent_on < today - timedelta(days=_STALE_REFERRAL_DAYS):
            bad(FieldName.REFERRAL_DATE, "referral is more than a year old")
        elif dob is not None and (born := _iso(dob)) and sent_on < born:
            bad(FieldName.PATIENT_DOB, "date of birth is after the referral date")
    for name in _PHONE_FIELDS:
        value = referral.value(name)
        if value is None:
            continue
        try:
            valid = phonenumbers.is_valid_number(phonenumbers.parse(str(value), None))
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            bad(name, "not a valid phone number")
    for code in referral.value(FieldName.REFERRAL_DIAGNOSES) or []:
        if not icd.is_valid_item(str(code)):
            bad(FieldName.REFERRAL_DIAGNOSES, f"not an ICD-10-CM code: {code}")
    return problems


def field_problems(referral: Referral, today: date) -> list[Problem]:
    """The validity problems of a referral's current values (reviewed values win).

    The review workspace re-checks a corrected referral with exactly the pipeline's rules.
    """
    return _validity(referral, today)


def _low_confidence(referral: Referral, threshold: float) -> list[Problem]:
    return [
        Problem(
            field=name, message=f"low confidence ({field.confidence:.2f})", kind="low_confidence"
        )
        for name, field in referral.fields.items()
        if field.confidence < threshold
    ]


def check(analysis: Analysis, ctx: StageContext) -> Analysis:
    """Check every referral; plausibility is judged on the day the document was received."""
    today = analysis.document.received_at.date()
    checked = [check_referral(r, ctx, today=today) for r in analysis.referrals]
    return analysis.with_referrals(checked)


def check_referral(
    referral: Referral, ctx: StageContext, *, text: str | None = None, today: date | None = None
) -> Referral:
    """Fill ``missing`` (every contract field not found) and this stage's ``problems``.

    Args:
        referral: the extracted referral.
        ctx: stage context (requirements file, confidence threshold).
        text: text for "mentions" rules; default: the referral's own pages (its evidence).
        today: reference date for plausibility (the document's receipt date).
    """
    rules = load_requirements(ctx.settings.requirements_file or DEFAULT_REQUIREMENTS)
    today = today or date.today()
    if text is None:
        text = referral.evidence.text if referral.evidence is not None else ""
    missing = [name for name in FieldName if name not in referral.fields]
    earlier = [p for p in referral.problems if p.kind not in _OWN_KINDS]
    problems = [
        *earlier,
        *_completeness(referral, rules, text),
        *_validity(referral, today),
        *_low_confidence(referral, ctx.settings.low_confidence),
    ]
    return referral.model_copy(update={"missing": missing, "problems": problems})
