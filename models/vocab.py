"""Closed vocabularies of the JSON contract. Their string values are the contract: never rename."""

from __future__ import annotations

from enum import StrEnum


class FieldName(StrEnum):
    """Every field a referral can carry, as named in the JSON contract."""

    PATIENT_NAME = "patient.name"
    PATIENT_DOB = "patient.dob"
    PATIENT_SEX = "patient.sex"
    PATIENT_PHONE = "patient.phone"
    PATIENT_ADDRESS = "patient.address"
    PATIENT_MRN = "patient.mrn"
    INSURANCE_PAYER = "insurance.payer"
    INSURANCE_MEMBER_ID = "insurance.member_id"
    INSURANCE_GROUP_NUMBER = "insurance.group_number"
    REFERRING_NAME = "referring.name"
    REFERRING_NPI = "referring.npi"
    REFERRING_PRACTICE = "referring.practice"
    REFERRING_PHONE = "referring.phone"
    REFERRING_FAX = "referring.fax"
    REFERRAL_SPECIALTY = "referral.specialty"
    REFERRAL_CLINICAL_QUESTION = "referral.clinical_question"
    REFERRAL_DIAGNOSES = "referral.diagnoses"
    REFERRAL_URGENCY = "referral.urgency"
    REFERRAL_DATE = "referral.date"


class Specialty(StrEnum):
    """Specialties a referral can be routed to."""

    ALLERGY_IMMUNOLOGY = "allergy_immunology"
    CARDIOLOGY = "cardiology"
    DERMATOLOGY = "dermatology"
    ENDOCRINOLOGY = "endocrinology"
    GASTROENTEROLOGY = "gastroenterology"
    GENERAL_SURGERY = "general_surgery"
    HEMATOLOGY_ONCOLOGY = "hematology_oncology"
    INFECTIOUS_DISEASE = "infectious_disease"
    NEPHROLOGY = "nephrology"
    NEUROLOGY = "neurology"
    NEUROSURGERY = "neurosurgery"
    OBSTETRICS_GYNECOLOGY = "obstetrics_gynecology"
    OPHTHALMOLOGY = "ophthalmology"
    ORTHOPEDICS = "orthopedics"
    OTOLARYNGOLOGY = "otolaryngology"
    PAIN_MANAGEMENT = "pain_management"
    PHYSICAL_MEDICINE_REHAB = "physical_medicine_rehab"
    PODIATRY = "podiatry"
    PSYCHIATRY = "psychiatry"
    PULMONOLOGY = "pulmonology"
    RHEUMATOLOGY = "rheumatology"
    SLEEP_MEDICINE = "sleep_medicine"
    UROLOGY = "urology"
    VASCULAR_SURGERY = "vascular_surgery"
    OTHER = "other"


class Urgency(StrEnum):
    """Triage urgency, most urgent first."""

    STAT = "stat"
    URGENT = "urgent"
    ROUTINE = "routine"


class Sex(StrEnum):
    """Administrative sex as the referral states it (X: non-binary, U: unknown)."""

    F = "F"
    M = "M"
    X = "X"
    U = "U"


class TextSource(StrEnum):
    """Where a page's words came from."""

    TEXT_LAYER = "text_layer"
    OCR = "ocr"
    NONE = "none"  # blank page: nothing to read


class PageKind(StrEnum):
    """What a page is, as far as routing is concerned."""

    COVER_SHEET = "cover_sheet"
    REFERRAL = "referral"
    CLINICAL_NOTES = "clinical_notes"
    REPORT = "report"
    INSURANCE = "insurance"
    BLANK = "blank"
    OTHER = "other"


class DocumentType(StrEnum):
    """What a whole document is; only ``referral`` yields referrals."""

    REFERRAL = "referral"
    LAB_RESULT = "lab_result"
    CONSULT_REPLY = "consult_reply"
    PRIOR_AUTH = "prior_auth"
    REFILL_REQUEST = "refill_request"
    RECORDS_REQUEST = "records_request"
    MARKETING = "marketing"
    COVER_ONLY = "cover_only"
    BLANK = "blank"
    OTHER = "other"


class ReferralStatus(StrEnum):
    """Life cycle of a referral in the queue."""

    NEEDS_REVIEW = "needs_review"
    APPROVED = "approved"
    ROUTED = "routed"
    CLOSED = "closed"
    EXPIRED = "expired"
    MERGED = "merged"
    REJECTED = "rejected"


class DocumentStatus(StrEnum):
    """Outcome of processing one input file."""

    PROCESSED = "processed"
    QUARANTINED = "quarantined"
