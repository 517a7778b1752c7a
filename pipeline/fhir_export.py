"""An approved referral as a FHIR R4 transaction Bundle, validated with ``fhir.resources``.

``fhir.resources`` ships R4B models (R4 with errata; the resources used here are the same on
the wire), and every Bundle we return has been parsed by them, so a schema error is a 500 in
our tests, never a surprise in the receiving EHR. Reviewed values win over extracted ones.
"""

from __future__ import annotations

import uuid
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from models.referral import Referral
from models.vocab import FieldName

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
MRN_TYPE = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}
_SEX = {"F": "female", "M": "male", "X": "other", "U": "unknown"}
_TASK_STATUS = {
    "needs_review": "requested",
    "approved": "accepted",
    "routed": "in-progress",
    "closed": "completed",
    "rejected": "rejected",
    "expired": "cancelled",
    "merged": "cancelled",
}


def _urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def _name(text: str) -> dict[str, Any]:
    parts = text.replace(",", " ").split()
    if len(parts) < 2:
        return {"text": text}
    return {"text": text, "family": parts[-1], "given": parts[:-1]}


def _patient(ref: Referral) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient"}
    if name := ref.value(FieldName.PATIENT_NAME):
        patient["name"] = [_name(str(name))]
    if dob := ref.value(FieldName.PATIENT_DOB):
        patient["birthDate"] = str(dob)
    if sex := ref.value(FieldName.PATIENT_SEX):
        patient["gender"] = _SEX.get(str(sex), "unknown")
    if phone := ref.value(FieldName.PATIENT_PHONE):
        patient["telecom"] = [{"system": "phone", "value": str(phone)}]
    if address := ref.value(FieldName.PATIENT_ADDRESS):
        patient["address"] = [{"text": str(address)}]
    if mrn := ref.value(FieldName.PATIENT_MRN):
        patient["identifier"] = [{"type": MRN_TYPE, "value": str(mrn)}]
    return patient


def _referrer(ref: Referral) -> tuple[dict[str, Any], dict[str, Any]]:
    practitioner: dict[str, Any] = {"resourceType": "Practitioner"}
    if name := ref.value(FieldName.REFERRING_NAME):
        practitioner["name"] = [_name(str(name))]
    if npi := ref.value(FieldName.REFERRING_NPI):
        practitioner["identifier"] = [{"system": NPI_SYSTEM, "value": str(npi)}]
    organization: dict[str, Any] = {"resourceType": "Organization"}
    organization["name"] = str(ref.value(FieldName.REFERRING_PRACTICE) or "Referring practice")
    telecom = [
        {"system": system, "value": str(value)}
        for system, field in (
            ("phone", FieldName.REFERRING_PHONE),
            ("fax", FieldName.REFERRING_FAX),
        )
        if (value := ref.value(field))
    ]
    if telecom:
        organization["telecom"] = telecom
    return practitioner, organization


def _entry(url: str, resource: dict[str, Any]) -> dict[str, Any]:
    kind = resource["resourceType"]
    return {"fullUrl": url, "resource": resource, "request": {"method": "POST", "url": kind}}


def build_bundle(ref: Referral, page_urls: list[str]) -> dict[str, Any]:
    """The transaction Bundle as JSON (validated): Patient, Coverage, Practitioner,
    Organization, DocumentReference, ServiceRequest and Task."""
    urls = {
        k: _urn() for k in ("patient", "coverage", "payer", "pract", "org", "doc", "sr", "task")
    }
    patient_ref = {"reference": urls["patient"]}
    practitioner, organization = _referrer(ref)
    entries = [_entry(urls["patient"], _patient(ref)), _entry(urls["pract"], practitioner)]
    entries.append(_entry(urls["org"], organization))
    coverage_ref = []
    if payer := ref.value(FieldName.INSURANCE_PAYER):
        entries.append(_entry(urls["payer"], {"resourceType": "Organization", "name": str(payer)}))
        coverage: dict[str, Any] = {
            "resourceType": "Coverage",
            "status": "active",
            "beneficiary": patient_ref,
            "payor": [{"reference": urls["payer"]}],
        }
        if member := ref.value(FieldName.INSURANCE_MEMBER_ID):
            coverage["subscriberId"] = str(member)
        if group := ref.value(FieldName.INSURANCE_GROUP_NUMBER):
            coverage["class"] = [
                {
                    "type": {"coding": [{"code": "group"}]},
                    "value": str(group),
                }
            ]
        entries.append(_entry(urls["coverage"], coverage))
        coverage_ref = [{"reference": urls["coverage"]}]
    document = {
        "resourceType": "DocumentReference",
        "status": "current",
        "subject": patient_ref,
        "description": "Referral as received (page images)",
        "content": [
            {"attachment": {"contentType": "image/png", "url": url, "title": f"page {n}"}}
            for n, url in enumerate(page_urls, start=1)
        ]
        or [{"attachment": {"contentType": "image/png", "title": "no page image"}}],
    }
    entries.append(_entry(urls["doc"], document))
    urgency = ref.value(FieldName.REFERRAL_URGENCY) or (ref.triage and ref.triage.urgency.value)
    specialty = ref.value(FieldName.REFERRAL_SPECIALTY) or (
        ref.triage and ref.triage.specialty.value
    )
    request: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "status": "active" if ref.status.value in ("approved", "routed") else "draft",
        "intent": "order",
        "priority": {"stat": "stat", "urgent": "urgent"}.get(str(urgency), "routine"),
        "subject": patient_ref,
        "requester": {"reference": urls["pract"]},
        "supportingInfo": [{"reference": urls["doc"]}],
        "insurance": coverage_ref or None,
    }
    if date := ref.value(FieldName.REFERRAL_DATE):
        request["authoredOn"] = str(date)
    if specialty:
        request["performerType"] = {"text": str(specialty).replace("_", " ")}
    reasons = [
        {"coding": [{"system": ICD10CM, "code": str(code)}]}
        for code in ref.value(FieldName.REFERRAL_DIAGNOSES) or []
    ]
    if question := ref.value(FieldName.REFERRAL_CLINICAL_QUESTION):
        reasons.append({"text": str(question)})
    if reasons:
        request["reasonCode"] = reasons
    entries.append(_entry(urls["sr"], {k: v for k, v in request.items() if v is not None}))
    task = {
        "resourceType": "Task",
        "status": _TASK_STATUS.get(ref.status.value, "requested"),
        "intent": "order",
        "focus": {"reference": urls["sr"]},
        "for": patient_ref,
        "identifier": [{"system": "urn:referral-intake:referral", "value": str(ref.id)}],
    }
    entries.append(_entry(urls["task"], task))
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
    return Bundle.model_validate(bundle).model_dump(mode="json", exclude_none=True)
