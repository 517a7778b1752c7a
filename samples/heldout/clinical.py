"""Clinical scenarios: what the referral is for, its ICD-10-CM codes and whether it is urgent.

Each scenario's ``question`` is the reason as a clinician writes it; ``urgent`` says whether it
carries a current, non-negated red flag (so urgency is ``urgent`` when the form does not state
one). Negated and historical red flags, and incidental mentions of other specialties, are kept
apart so documents can add them without changing the truth.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Scenario:
    """One reason for referral."""

    specialty: str
    question: str
    codes: tuple[str, ...]
    urgent: bool = False



def _load() -> tuple[list[Scenario], list[tuple[str, Scenario]]]:
    """Read ``scenarios.txt`` (one scenario a line, ``|``-separated)."""
    regular: list[Scenario] = []
    other: list[tuple[str, Scenario]] = []
    text = (Path(__file__).parent / "scenarios.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        spec, service, urgency, codes, question = (part.strip() for part in line.split("|"))
        scenario = Scenario(spec, question, tuple(codes.split()), urgency == "urgent")
        if spec == "other":
            other.append((service, scenario))
        else:
            regular.append(scenario)
    return regular, other


# Services outside the vocabulary (OTHER_SERVICES) have specialty "other" and are always stated.
SCENARIOS, OTHER_SERVICES = _load()

NAMES: dict[str, list[str]] = {
    "allergy_immunology": ["Allergy & Immunology", "Allergy", "Allergy/Immunology"],
    "cardiology": ["Cardiology", "Cardiology", "Cards", "Cardiovascular Medicine"],
    "dermatology": ["Dermatology", "Derm"],
    "endocrinology": ["Endocrinology", "Endo", "Endocrinology & Diabetes"],
    "gastroenterology": ["Gastroenterology", "GI", "Gastro"],
    "general_surgery": ["General Surgery", "Gen Surg", "Surgery (General)"],
    "hematology_oncology": ["Hematology/Oncology", "Heme/Onc", "Oncology", "Hematology"],
    "infectious_disease": ["Infectious Disease", "ID", "Infectious Diseases"],
    "nephrology": ["Nephrology", "Renal", "Kidney Care"],
    "neurology": ["Neurology", "Neuro"],
    "neurosurgery": ["Neurosurgery", "Neurological Surgery", "Spine Surgery"],
    "obstetrics_gynecology": ["OB/GYN", "Obstetrics & Gynecology", "Gynecology"],
    "ophthalmology": ["Ophthalmology", "Eye Clinic", "Ophtho"],
    "orthopedics": ["Orthopedics", "Ortho", "Orthopaedic Surgery"],
    "otolaryngology": ["ENT", "Otolaryngology", "Ear, Nose & Throat"],
    "pain_management": ["Pain Management", "Pain Clinic", "Pain Medicine"],
    "physical_medicine_rehab": ["PM&R", "Physical Medicine & Rehab", "Rehabilitation Medicine"],
    "podiatry": ["Podiatry", "Foot & Ankle (Podiatry)"],
    "psychiatry": ["Psychiatry", "Psych", "Behavioral Health"],
    "pulmonology": ["Pulmonology", "Pulm", "Pulmonary Medicine"],
    "rheumatology": ["Rheumatology", "Rheum"],
    "sleep_medicine": ["Sleep Medicine", "Sleep Clinic"],
    "urology": ["Urology", "Uro"],
    "vascular_surgery": ["Vascular Surgery", "Vascular"],
}

# Word used inside a specialist practice's name ("Coastal Neurology Associates").
PRACTICE_WORD = {
    "allergy_immunology": "Allergy & Asthma", "cardiology": "Heart & Vascular",
    "dermatology": "Dermatology", "endocrinology": "Endocrine",
    "gastroenterology": "Digestive Health", "general_surgery": "Surgical",
    "hematology_oncology": "Cancer", "infectious_disease": "Infectious Disease",
    "nephrology": "Kidney", "neurology": "Neurology", "neurosurgery": "Neurosurgery & Spine",
    "obstetrics_gynecology": "Women's Health", "ophthalmology": "Eye", "orthopedics": "Orthopedic",
    "otolaryngology": "ENT", "pain_management": "Pain", "physical_medicine_rehab": "Rehabilitation",
    "podiatry": "Podiatry", "psychiatry": "Behavioral Health", "pulmonology": "Lung",
    "rheumatology": "Arthritis & Rheumatology", "sleep_medicine": "Sleep", "urology": "Urology",
    "vascular_surgery": "Vein & Vascular",
}  # fmt: skip

NEGATED = [
    "Denies chest pain, syncope or shortness of breath.",
    "No weight loss, no melena, no night sweats.",
    "No fever or chills. No focal weakness.",
    "Denies vision loss or diplopia.",
    "No hematuria. No bowel or bladder changes.",
    "Negative for hemoptysis.",
    "Denies suicidal ideation.",
]
HISTORICAL = [
    "History of stroke in 2015 with no residual deficit.",
    "Remote history of DVT in 2012, completed anticoagulation.",
    "Prior MI in 2018, stented, asymptomatic since.",
    "Breast cancer in 2009, treated, in remission.",
]
INCIDENTAL = [
    ("cardiology", "Followed by cardiology for atrial fibrillation, on apixaban."),
    ("endocrinology", "Sees endocrinology for hypothyroidism, stable on levothyroxine."),
    ("nephrology", "CKD stage 3a followed by nephrology."),
    ("pulmonology", "COPD managed by pulmonology, on tiotropium."),
    ("psychiatry", "Depression treated by psychiatry, stable."),
    ("rheumatology", "Rheumatology follows her for osteoarthritis."),
    ("urology", "BPH followed by urology."),
    ("ophthalmology", "Glaucoma, under ophthalmology care."),
]
MEDS = [
    "Lisinopril 10 mg daily", "Metformin 1000 mg twice daily", "Atorvastatin 40 mg nightly",
    "Amlodipine 5 mg daily", "Levothyroxine 75 mcg daily", "Omeprazole 20 mg daily",
    "Apixaban 5 mg twice daily", "Sertraline 50 mg daily", "Albuterol inhaler as needed",
    "Gabapentin 300 mg three times daily", "Aspirin 81 mg daily", "Furosemide 20 mg daily",
]  # fmt: skip


def pick(rng: random.Random, specialty: str | None = None) -> Scenario:
    """A random scenario, optionally of a given specialty."""
    pool = [s for s in SCENARIOS if specialty is None or s.specialty == specialty]
    return rng.choice(pool)


def specialty_word(rng: random.Random, specialty: str) -> str:
    """The way a form or letter names a specialty (full name or abbreviation)."""
    return rng.choice(NAMES[specialty])


def incidental(rng: random.Random, main: str) -> str:
    """A mention of another specialty that is not the reason for referral."""
    return rng.choice([text for spec, text in INCIDENTAL if spec != main])
