"""Label wordings that different practices and EHRs print for the same field."""

from __future__ import annotations

import random

import simple_icd_10_cm as icd

from samples.heldout.case import Case

LABELS: dict[str, list[str]] = {
    "patient.name": ["Patient Name", "Pt Name", "Patient", "Name (Last, First)",
                     "Patient Legal Name", "Name"],
    "patient.dob": ["DOB", "D.O.B.", "Birth Date", "Date of Birth"],
    "patient.sex": ["Sex", "Gender", "Sex"],
    "patient.phone": ["Phone", "Home Phone", "Pt Phone", "Contact #", "Cell"],
    "patient.address": ["Address", "Home Address", "Street Address", "Patient Address"],
    "patient.mrn": ["MRN", "Chart #", "Medical Record No.", "Patient ID"],
    "insurance.payer": ["Insurance", "Primary Insurance", "Payer", "Insurance Carrier",
                        "Health Plan"],
    "insurance.member_id": ["Member #", "Subscriber ID", "Policy No.", "Member ID", "ID #"],
    "insurance.group_number": ["Group #", "Group No.", "Grp #", "Group Number"],
    "referring.name": ["Requesting Clinician", "Ordering Provider", "Referred by",
                       "Referring MD", "Referring Provider", "Physician"],
    "referring.npi": ["NPI", "NPI #", "Provider NPI"],
    "referring.practice": ["Practice/Clinic", "Practice", "Clinic Name", "Referring Office"],
    "referring.phone": ["Office Phone", "Phone", "Tel", "Office Tel"],
    "referring.fax": ["Fax", "Office Fax", "Return Fax", "Fax #"],
    "referral.clinical_question": ["Reason for Referral", "Consult Question",
                                   "Clinical Indication", "Reason for Consult",
                                   "Clinical Question"],
    "referral.diagnoses": ["Dx", "Diagnosis Code(s)", "ICD-10", "Diagnosis", "Diagnoses"],
    "referral.date": ["Date", "Referral Date", "Date of Referral", "Date Sent"],
}  # fmt: skip
SPECIALTY_LINE = ["Referral To", "Department", "Service", "Refer to", "Specialty"]
SPECIALTY_GROUP = ["Specialty requested", "Refer to", "Referral for", "Specialty"]
URGENCY_WORDS = {"stat": ["STAT", "Emergent", "Same day"], "urgent": ["Urgent", "URGENT"],
                 "routine": ["Routine", "Non-urgent"]}  # fmt: skip


def pick_labels(rng: random.Random) -> dict[str, str]:
    """One wording per field for a whole form."""
    return {name: rng.choice(options) for name, options in LABELS.items()}


def name_for(lab: dict[str, str], case: Case) -> str:
    """The patient's name, in "Last, First" order when the label asks for it."""
    p = case.person
    if lab["patient.name"].startswith("Name (Last"):
        return f"{p.last}, {p.first}" + (f" {p.middle}." if p.middle else "")
    return case.name()


def provider_text(case: Case, rng: random.Random) -> str:
    """The referring clinician as a form prints them (title/credential vary)."""
    r = case.provider
    return rng.choice(
        [f"Dr. {r.first} {r.last}", f"{r.first} {r.last}, {r.credential}",
         f"{r.last}, {r.first} {r.credential}", f"{r.first} {r.last}"]
    )  # fmt: skip


def diagnoses_lines(case: Case, rng: random.Random, *, described: bool | None = None) -> list[str]:
    """ICD-10-CM codes as printed, with or without their descriptions."""
    if described is None:
        described = rng.random() < 0.5
    if not described:
        return [", ".join(case.scenario.codes)]
    sep = rng.choice([" - ", "  ", ": "])
    return [f"{code}{sep}{icd.get_description(code)}" for code in case.scenario.codes]


def urgency_word(case: Case, rng: random.Random) -> str:
    """The printed word for the stated urgency."""
    assert case.urgency_printed
    return rng.choice(URGENCY_WORDS[case.urgency_printed])


def specialty_options(rng: random.Random, case: Case, size: int) -> tuple[list[str], int | None]:
    """A specialty checklist of ``size`` entries; index of the marked one (None: unmarked).

    Out-of-vocabulary services appear as their own entry or as a filled-in "Other: ..." line.
    """
    from samples.heldout.clinical import NAMES

    options = sorted(rng.sample([NAMES[s][0] for s in NAMES], size - 1))
    target = case.service
    if target is not None and case.scenario.specialty == "other" and rng.random() < 0.5:
        target = f"Other: {target}"
    elif target is not None and target not in options:
        options[rng.randrange(len(options))] = target
    tail = target if target is not None and target.startswith("Other") else "Other: ________"
    options.append(tail)
    return options, options.index(target) if target is not None else None
