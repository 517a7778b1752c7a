"""A referral as an HL7 v2.5.1 ``REF^I12`` message (patient referral), for v2-only partners.

Segments: MSH, RF1 (status, priority, type, our referral id), PRD for the referring provider,
PID, IN1 when the payer is known, DG1 per ICD-10-CM code, NTE with the clinical question.
Values are escaped per HL7 (``\\F\\``, ``\\S\\``, ``\\R\\``, ``\\E\\``, ``\\T\\``), so a
name with a caret cannot break the structure. Segments end with a carriage return.
"""

from __future__ import annotations

from datetime import UTC, datetime

from models.referral import Referral
from models.vocab import FieldName

_PRIORITY = {"stat": "S", "urgent": "A", "routine": "R"}


def escape(value: object) -> str:
    """A value with HL7's delimiters escaped (the escape character first)."""
    text = str(value or "").replace("\\", "\\E\\")
    for char, code in (("|", "\\F\\"), ("^", "\\S\\"), ("~", "\\R\\"), ("&", "\\T\\")):
        text = text.replace(char, code)
    return " ".join(text.split())  # no line breaks inside a field


def _name(full: object) -> str:
    parts = str(full or "").replace(",", " ").split()
    if not parts:
        return ""
    if "," in str(full):
        return f"{escape(parts[0])}^{escape(' '.join(parts[1:]))}"
    return f"{escape(parts[-1])}^{escape(' '.join(parts[:-1]))}"


def ref_i12(
    referral: Referral, *, sender: str, receiver: str, control_id: str, now: datetime | None = None
) -> str:
    """The message text for ``referral`` (segments joined by ``\\r``)."""
    v = referral.value
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    triage = referral.triage
    urgency = str(v(FieldName.REFERRAL_URGENCY) or (triage and triage.urgency.value) or "")
    specialty = str(v(FieldName.REFERRAL_SPECIALTY) or (triage and triage.specialty.value) or "")
    dob = str(v(FieldName.PATIENT_DOB) or "").replace("-", "")
    mrn = v(FieldName.PATIENT_MRN)
    segments = [
        f"MSH|^~\\&|{escape(sender)}||{escape(receiver)}||{stamp}||REF^I12^REF_I12|"
        f"{escape(control_id)}|P|2.5.1",
        f"RF1|P|{_PRIORITY.get(urgency, 'R')}|{escape(specialty)}|||{referral.id}^INTAKE|{stamp}",
        f"PRD|RP|{_name(v(FieldName.REFERRING_NAME))}|||{escape(v(FieldName.REFERRING_PHONE))}||"
        f"{escape(v(FieldName.REFERRING_NPI))}^NPI",
        f"PID|1||{escape(mrn)}^^^^MR||{_name(v(FieldName.PATIENT_NAME))}||{dob}|"
        f"{escape(v(FieldName.PATIENT_SEX))}|||{escape(v(FieldName.PATIENT_ADDRESS))}||"
        f"{escape(v(FieldName.PATIENT_PHONE))}",
    ]
    if payer := v(FieldName.INSURANCE_PAYER):
        in1 = [""] * 36  # IN1-1 set id, -3 plan id, -4 company, -8 group, -36 policy number
        in1[0], in1[2], in1[3] = "1", escape(payer), escape(payer)
        in1[7] = escape(v(FieldName.INSURANCE_GROUP_NUMBER))
        in1[35] = escape(v(FieldName.INSURANCE_MEMBER_ID))
        segments.append("IN1|" + "|".join(in1))
    for n, code in enumerate(v(FieldName.REFERRAL_DIAGNOSES) or [], start=1):
        segments.append(f"DG1|{n}||{escape(code)}^^I10")
    if question := v(FieldName.REFERRAL_CLINICAL_QUESTION):
        segments.append(f"NTE|1||{escape(question)}")
    return "\r".join(segments) + "\r"
