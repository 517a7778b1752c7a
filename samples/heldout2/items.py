"""What a referral page lists: labelled items with the words real forms use for each field."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from samples.heldout2 import formats as f
from samples.heldout2.case import Case
from samples.heldout2.clinical import SPECIALTY_NAMES
from samples.heldout2.people import phone

LABELS: dict[str, tuple[str, ...]] = {
    "patient.name": (
        "Patient Name",
        "Patient",
        "Name",
        "Member Name",
        "Pt Name",
        "Full Name",
        "Patient's Name",
    ),
    "patient.dob": ("DOB", "Date of Birth", "Pt DOB", "Birthdate", "Birth Date", "D.O.B."),
    "patient.sex": ("Sex", "Gender", "Sex (M/F)", "Legal Sex"),
    "patient.phone": (
        "Phone",
        "Patient Phone",
        "Home Phone",
        "Cell",
        "Contact #",
        "Tel",
        "Best Phone",
    ),
    "patient.address": (
        "Address",
        "Home Address",
        "Street Address",
        "Mailing Address",
        "Residence",
    ),
    "patient.mrn": (
        "MRN",
        "Medical Record #",
        "Chart #",
        "Patient ID",
        "Med Rec No.",
        "Account/MRN",
    ),
    "insurance.payer": (
        "Insurance",
        "Primary Insurance",
        "Health Plan",
        "Payer",
        "Carrier",
        "Insurance Company",
        "Plan Name",
    ),
    "insurance.member_id": (
        "Member ID",
        "Subscriber #",
        "Policy No.",
        "ID #",
        "Insured ID",
        "Member Number",
        "Policy #",
        "Subscriber ID",
    ),
    "insurance.group_number": ("Group #", "Group No.", "Group Number", "Grp", "Group ID"),
    "referring.name": (
        "Referring Provider",
        "Ordering Physician",
        "Requesting Clinician",
        "Referred by",
        "Referring Physician",
        "PCP",
        "Requested By",
        "Sending Provider",
    ),
    "referring.npi": ("NPI", "NPI #", "Provider NPI", "Referring NPI", "NPI No."),
    "referring.practice": (
        "Practice",
        "Clinic",
        "Practice Name",
        "Facility",
        "Office",
        "Group/Practice",
    ),
    "referring.phone": ("Phone", "Office Phone", "Tel", "Provider Phone", "Office Tel", "Ph"),
    "referring.fax": ("Fax", "Office Fax", "Return Fax", "Fax #", "Fax No.", "Reply Fax"),
    "referral.specialty": (
        "Specialty",
        "Send to",
        "Consulting Service",
        "Referred to",
        "Refer to",
        "Specialty Requested",
        "Service Requested",
        "Referral To",
    ),
    "referral.clinical_question": (
        "Reason for Referral",
        "Reason for Consult",
        "Clinical Question",
        "Reason",
        "Question for Consultant",
        "Services Requested",
        "Reason for Request",
    ),
    "referral.diagnoses": (
        "Diagnosis",
        "Provisional Dx",
        "Dx (ICD-10)",
        "Diagnosis Code(s)",
        "ICD-10",
        "Working Diagnosis",
        "Dx",
    ),
    "referral.urgency": (
        "Urgency",
        "Priority",
        "Acuity",
        "Referral Priority",
        "Scheduling Priority",
    ),
    "referral.date": (
        "Date",
        "Referral Date",
        "Date of Referral",
        "Order Date",
        "Date Requested",
        "Date Sent",
    ),
}

SECTIONS = {
    "patient": (
        "patient.name",
        "patient.last",
        "patient.first",
        "patient.mi",
        "patient.dob",
        "patient.sex",
        "patient.phone",
        "patient.address",
        "patient.street",
        "patient.city",
        "patient.state",
        "patient.zip",
        "patient.mrn",
    ),
    "insurance": (
        "insurance.payer",
        "insurance.member_id",
        "insurance.group_number",
        "insurance.subscriber",
        "insurance.relationship",
    ),
    "referring": (
        "referring.name",
        "referring.npi",
        "referring.practice",
        "referring.phone",
        "referring.fax",
    ),
    "consultant": ("consultant.name", "consultant.practice", "consultant.phone", "consultant.fax"),
    "referral": (
        "referral.specialty",
        "referral.urgency",
        "referral.date",
        "referral.last_visit",
        "referral.diagnoses",
        "referral.clinical_question",
    ),
}
# Labels of the split and decoy items (not truth fields of their own).
EXTRA_LABELS: dict[str, tuple[str, ...]] = {
    "patient.last": ("Last Name", "Patient Last Name", "LAST"),
    "patient.first": ("First Name", "Patient First Name", "FIRST"),
    "patient.mi": ("MI", "M.I.", "Middle Initial"),
    "patient.street": ("Street Address", "Address", "Street"),
    "patient.city": ("City",),
    "patient.state": ("State", "ST"),
    "patient.zip": ("ZIP", "Zip Code", "ZIP"),
    "insurance.subscriber": ("Subscriber Name", "Insured Name", "Policy Holder", "Guarantor"),
    "insurance.relationship": ("Relationship to Patient", "Rel. to Insured", "Relationship"),
    "referral.last_visit": ("Last Office Visit", "Date of Last Visit", "Last Seen", "Visit Date"),
    "consultant.name": (
        "Specialist",
        "Referred to Provider",
        "Consultant",
        "To Provider",
        "Receiving Physician",
    ),
    "consultant.practice": (
        "Specialist Office",
        "Receiving Facility",
        "Location",
        "Consultant Clinic",
    ),
    "consultant.phone": ("Specialist Phone", "Scheduling Phone", "Consultant Phone"),
    "consultant.fax": ("Specialist Fax", "Intake Fax", "Consultant Fax"),
}
SECTION_TITLES = {
    "patient": (
        "Patient Information",
        "Patient Demographics",
        "PATIENT",
        "Member Information",
        "Patient Details",
    ),
    "insurance": ("Insurance", "Insurance Information", "Coverage", "Payer Information"),
    "referring": (
        "Referring Provider",
        "Referring Physician Information",
        "Ordering Provider",
        "Requesting Provider",
        "From (Referring Office)",
    ),
    "consultant": (
        "Referred To",
        "Specialist Information",
        "Consultant",
        "REFERRED TO PROVIDER",
        "Receiving Provider",
    ),
    "referral": (
        "Referral Details",
        "Referral Information",
        "Services Requested",
        "Consult Request",
        "Clinical Information",
    ),
}
OPTIONAL = {
    "patient.sex": 0.7,
    "patient.phone": 0.65,
    "patient.address": 0.55,
    "patient.mrn": 0.45,
    "insurance.payer": 0.8,
    "insurance.member_id": 0.75,
    "insurance.group_number": 0.5,
    "referring.name": 0.95,
    "referring.npi": 0.7,
    "referring.practice": 0.8,
    "referring.phone": 0.75,
    "referring.fax": 0.7,
    "referral.date": 0.85,
    "referral.diagnoses": 0.7,
}


@dataclass
class Item:
    """One labelled value on a page."""

    key: str
    label: str
    value: str
    marks: tuple[str, ...] = ()  # truth fields this item prints (a decoy prints none)


@dataclass
class Plan:
    """What one document prints for one case, and how."""

    items: dict[str, Item]
    name_style: str
    date_style: str
    dob_style: str
    phone_style: str
    doctor_style: str
    sex_words: str
    specialty_name: str
    stated_specialty: bool
    stated_urgency: bool

    def get(self, key: str) -> Item | None:
        """The item of a field, if printed."""
        return self.items.get(key)

    def section(self, name: str) -> list[str]:
        """The printed item keys of one section, in form order."""
        return [k for k in SECTIONS[name] if k in self.items]


def dx_text(case: Case, rng: random.Random) -> str:
    """Diagnoses with their codes, in one of the usual shapes."""
    style = rng.randrange(4)
    parts = []
    for code, desc in case.dx:
        parts.append([f"{code} - {desc}", f"{desc} ({code})", code, f"{code} {desc}"][style])
    return "; ".join(parts)


def make_plan(
    rng: random.Random,
    case: Case,
    *,
    specialty_p: float = 0.85,
    urgency_p: float = 0.7,
    prints_history: bool = False,
    drop: tuple[str, ...] = (),
) -> Plan:
    """Choose printed fields, labels and spellings for ``case``."""
    p = case.patient
    stated_urgency = rng.random() < urgency_p
    if not stated_urgency and (
        case.urgency == "stat"
        or (case.urgency == "urgent" and not (case.red_flag and prints_history))
    ):
        stated_urgency = True
    plan = Plan(
        items={},
        name_style=rng.choice(f.NAME_STYLES),
        date_style=f.date_style(rng),
        dob_style=f.date_style(rng, p.dob),
        phone_style=rng.choice(f.PHONE_STYLES),
        doctor_style=rng.choice(f.DOCTOR_STYLES),
        sex_words=rng.choice(list(f.SEX_WORDS)),
        specialty_name=rng.choice(SPECIALTY_NAMES[case.specialty]),
        stated_specialty=rng.random() < specialty_p,
        stated_urgency=stated_urgency,
    )
    r, ins = case.referrer, case.insurance
    values = {
        "patient.name": f.patient_name(p, plan.name_style),
        "patient.dob": f.fmt_date(p.dob, plan.dob_style),
        "patient.sex": f.SEX_WORDS[plan.sex_words][p.sex],
        "patient.phone": f.fmt_phone(p.phone, plan.phone_style),
        "patient.address": p.address if rng.random() < 0.7 else p.address.upper(),
        "patient.mrn": p.mrn,
        "insurance.payer": ins.payer,
        "insurance.member_id": ins.member_id,
        "insurance.group_number": ins.group,
        "referring.name": f.doctor(r, plan.doctor_style),
        "referring.npi": r.npi,
        "referring.practice": r.practice,
        "referring.phone": f.fmt_phone(r.phone, plan.phone_style) + _extension(rng),
        "referring.fax": f.fmt_phone(r.fax, plan.phone_style),
        "referral.specialty": plan.specialty_name,
        "referral.clinical_question": case.scenario.question,
        "referral.diagnoses": dx_text(case, rng),
        "referral.urgency": case.urgency_text,
        "referral.date": f.fmt_date(case.referral_date, plan.date_style),
    }
    for key, value in values.items():
        if key in drop or rng.random() > OPTIONAL.get(key, 1.0):
            continue
        if key == "referral.specialty" and not plan.stated_specialty:
            continue
        if key == "referral.urgency" and not plan.stated_urgency:
            continue
        label = rng.choice(LABELS[key])
        if (
            key == "patient.name"
            and plan.name_style in ("last_first", "upper_last_first")
            and rng.random() < 0.4
        ):
            label = "Patient (Last, First)"
        plan.items[key] = Item(key, label, value, (key,))
    _split(rng, case, plan)
    _decoys(rng, case, plan)
    return plan


CONSULTANT_FIRST = (
    "Priya",
    "Martin",
    "Elena",
    "Samuel",
    "Grace",
    "Omar",
    "Hannah",
    "Victor",
    "Lena",
    "Tobias",
    "Rosa",
    "Dmitri",
    "Keiko",
    "Andre",
)
CONSULTANT_LAST = (
    "Okafor",
    "Lindqvist",
    "Haddad",
    "Novak",
    "Brennan",
    "Takahashi",
    "Ferreira",
    "Whitcombe",
    "Albright",
    "Castellano",
    "Iverson",
    "Mbeki",
    "Ostrowski",
    "Dunmore",
)
CLINIC_WORDS = ("Northside", "Eastview", "Memorial", "Parkway", "Riverside", "Summit")
RELATIONSHIPS = ("Spouse", "Parent", "Child", "Other")


def _extension(rng: random.Random) -> str:
    """Some offices print their extension after the number (not part of the number)."""
    if rng.random() < 0.15:
        return rng.choice((" ext. ", " x", " Ext ")) + str(rng.randint(100, 4999))
    return ""


def _split(rng: random.Random, case: Case, plan: Plan) -> None:
    """Name and address as separate boxes, the way many paper forms ask for them."""
    p = case.patient
    upper = plan.name_style.startswith("upper")
    if "patient.name" in plan.items and rng.random() < 0.3:
        parts = {"patient.last": p.last, "patient.first": p.first}
        if p.middle:
            parts["patient.mi"] = p.middle
        del plan.items["patient.name"]
        for key, value in parts.items():
            value = value.upper() if upper else value
            plan.items[key] = Item(key, rng.choice(EXTRA_LABELS[key]), value, ("patient.name",))
    if "patient.address" in plan.items and rng.random() < 0.35:
        addr = plan.items.pop("patient.address").value
        street, city, rest = (part.strip() for part in addr.rsplit(",", 2))
        state, zip_code = rest.split()
        for key, value in (
            ("patient.street", street),
            ("patient.city", city),
            ("patient.state", state),
            ("patient.zip", zip_code),
        ):
            plan.items[key] = Item(key, rng.choice(EXTRA_LABELS[key]), value, ("patient.address",))


def _decoys(rng: random.Random, case: Case, plan: Plan) -> None:
    """Values that are not the referral's fields: the specialist it goes to, the subscriber."""
    if rng.random() < 0.35:
        name = f"{rng.choice(CONSULTANT_FIRST)} {rng.choice(CONSULTANT_LAST)}"
        style = rng.choice(("Dr. {}", "{}, MD", "{} MD", "{}"))
        values = {
            "consultant.name": style.format(name),
            "consultant.practice": f"{rng.choice(CLINIC_WORDS)} "
            f"{plan.specialty_name if plan.stated_specialty else 'Specialty'} Clinic",
            "consultant.phone": f.fmt_phone(phone(rng), plan.phone_style),
            "consultant.fax": f.fmt_phone(phone(rng), plan.phone_style),
        }
        for key, value in values.items():
            if key == "consultant.name" or rng.random() < 0.6:
                plan.items[key] = Item(key, rng.choice(EXTRA_LABELS[key]), value)
    if rng.random() < 0.25:  # another date on the page that is not the referral date
        seen = case.referral_date - timedelta(days=rng.randint(3, 120))
        plan.items["referral.last_visit"] = Item(
            "referral.last_visit",
            rng.choice(EXTRA_LABELS["referral.last_visit"]),
            f.fmt_date(seen, plan.date_style),
        )
    if "insurance.payer" in plan.items and rng.random() < 0.25:
        p = case.patient
        first = rng.choice(CONSULTANT_FIRST)
        plan.items["insurance.subscriber"] = Item(
            "insurance.subscriber",
            rng.choice(EXTRA_LABELS["insurance.subscriber"]),
            f"{first} {p.last}" if rng.random() < 0.5 else f"{p.last.upper()}, {first.upper()}",
        )
        plan.items["insurance.relationship"] = Item(
            "insurance.relationship",
            rng.choice(EXTRA_LABELS["insurance.relationship"]),
            rng.choice(RELATIONSHIPS),
        )


def mark_shown(case: Case, plan: Plan, keys: list[str] | None = None) -> None:
    """Record printed items into the case's truth."""
    for key in keys if keys is not None else list(plan.items):
        if key not in plan.items:
            continue
        for name in plan.items[key].marks:
            if name == "referral.specialty":
                case.state_specialty()
            elif name == "referral.urgency":
                case.state_urgency()
            else:
                case.mark(name)
