"""Clinical content: per specialty, what is asked, the history that implies it, codes, red flags.

Questions and histories never name the specialty, so a referral whose specialty is not stated
elsewhere is ``specialty_stated: false`` and the content alone implies it.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Scenario:
    """One clinical reason for referral."""

    specialty: str
    question: str  # the reason / question as a referral form states it
    history: str  # a short history, in a clinic-note voice
    dx: tuple[tuple[str, str], ...]  # (ICD-10-CM code, description)
    red_flag: str  # a phrase that makes it urgent when added to the history
    sex: str = ""  # "F" or "M" when the scenario only fits one
    min_age: int = 0


_DATA = json.loads((Path(__file__).with_name("data.json")).read_text(encoding="utf-8"))
SCENARIOS: tuple[Scenario, ...] = tuple(
    Scenario(
        specialty=d["specialty"],
        question=d["question"],
        history=d["history"],
        dx=tuple((code, desc) for code, desc in d["dx"]),
        red_flag=d["red_flag"],
        sex=d.get("sex", ""),
        min_age=d.get("min_age", 0),
    )
    for d in _DATA["scenarios"]
)

# How a form or letter may name each specialty (the routing vocabulary seen on real paperwork).
SPECIALTY_NAMES: dict[str, tuple[str, ...]] = {
    "allergy_immunology": (
        "Allergy & Immunology",
        "Allergy/Immunology",
        "Allergist",
        "Allergy Clinic",
    ),
    "cardiology": (
        "Cardiology",
        "Cardiovascular Medicine",
        "Cardiology Clinic",
        "Heart & Vascular - Cardiology",
    ),
    "dermatology": ("Dermatology", "Derm", "Dermatology Clinic", "Skin / Dermatology"),
    "endocrinology": ("Endocrinology", "Endocrine", "Endocrinology, Diabetes & Metabolism", "Endo"),
    "gastroenterology": (
        "Gastroenterology",
        "GI",
        "GI / Hepatology",
        "Digestive Health (Gastroenterology)",
    ),
    "general_surgery": (
        "General Surgery",
        "Surgery - General",
        "Gen Surg",
        "General & Hernia Surgery",
    ),
    "hematology_oncology": ("Hematology/Oncology", "Heme/Onc", "Oncology", "Hematology"),
    "infectious_disease": ("Infectious Disease", "ID Clinic", "Infectious Diseases", "ID"),
    "nephrology": (
        "Nephrology",
        "Renal",
        "Kidney Clinic (Nephrology)",
        "Nephrology & Hypertension",
    ),
    "neurology": ("Neurology", "Neuro", "Neurology Clinic", "General Neurology"),
    "neurosurgery": ("Neurosurgery", "Neurological Surgery", "Spine Neurosurgery", "NSGY"),
    "obstetrics_gynecology": (
        "OB/GYN",
        "Gynecology",
        "Obstetrics & Gynecology",
        "Women's Health - GYN",
    ),
    "ophthalmology": ("Ophthalmology", "Eye Clinic", "Ophthalmology / Eye", "Ophth"),
    "orthopedics": ("Orthopedics", "Orthopaedic Surgery", "Ortho", "Orthopedics & Sports Medicine"),
    "otolaryngology": ("ENT", "Otolaryngology", "Ear, Nose & Throat", "ENT / Head & Neck"),
    "pain_management": ("Pain Management", "Pain Clinic", "Interventional Pain", "Pain Medicine"),
    "physical_medicine_rehab": (
        "PM&R",
        "Physical Medicine & Rehabilitation",
        "Physiatry",
        "Rehab Medicine",
    ),
    "podiatry": ("Podiatry", "Foot & Ankle (Podiatry)", "Podiatric Medicine", "Podiatrist"),
    "psychiatry": ("Psychiatry", "Behavioral Health - Psychiatry", "Psych", "Adult Psychiatry"),
    "pulmonology": ("Pulmonology", "Pulmonary", "Pulmonary Medicine", "Lung Clinic"),
    "rheumatology": ("Rheumatology", "Rheum", "Rheumatology Clinic", "Arthritis & Rheumatology"),
    "sleep_medicine": ("Sleep Medicine", "Sleep Clinic", "Sleep Center", "Sleep Disorders"),
    "urology": ("Urology", "Uro", "Urology Associates", "Urologic Surgery"),
    "vascular_surgery": (
        "Vascular Surgery",
        "Vascular",
        "Vascular & Endovascular Surgery",
        "Vein & Artery Clinic",
    ),
}

# Short names for checkbox grids (one line each).
GRID_NAMES: dict[str, str] = {k: v[0] for k, v in SPECIALTY_NAMES.items()}

MEDS = (
    "lisinopril 10 mg daily",
    "metformin 1000 mg BID",
    "atorvastatin 40 mg nightly",
    "amlodipine 5 mg daily",
    "levothyroxine 75 mcg daily",
    "omeprazole 20 mg daily",
    "sertraline 100 mg daily",
    "albuterol HFA 2 puffs q4h PRN",
    "aspirin 81 mg daily",
    "gabapentin 300 mg TID",
    "losartan 50 mg daily",
    "hydrochlorothiazide 25 mg daily",
    "vitamin D3 2000 IU daily",
    "montelukast 10 mg nightly",
    "tamsulosin 0.4 mg daily",
    "apixaban 5 mg BID",
    "furosemide 20 mg daily",
    "insulin glargine 22 units nightly",
)

ALLERGIES = (
    "NKDA",
    "Penicillin (rash)",
    "Sulfa",
    "Codeine (nausea)",
    "Latex",
    "No known allergies",
)


def pick(rng: random.Random) -> Scenario:
    """A scenario, every specialty about equally likely."""
    specialty = rng.choice(sorted(SPECIALTY_NAMES))
    return rng.choice([s for s in SCENARIOS if s.specialty == specialty])
