"""Who is on a referral: patient, insurance, referring clinician, with valid identifiers."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import phonenumbers
from faker import Faker

AREA_CODES: list[str] = json.loads(Path(__file__).with_name("data.json").read_text("utf-8"))[
    "area_codes"
]

PAYERS = (
    "Aetna",
    "Cigna Healthcare",
    "UnitedHealthcare",
    "Humana",
    "Medicare Part B",
    "Anthem Blue Cross",
    "Blue Cross Blue Shield of Texas",
    "Florida Blue",
    "Kaiser Permanente",
    "Molina Healthcare",
    "Tricare East",
    "Oscar Health",
    "Ambetter",
    "WellCare",
    "Harvard Pilgrim",
    "Highmark",
    "Premera Blue Cross",
    "CareFirst BCBS",
    "Priority Health",
    "Medicaid - MassHealth",
    "Geisinger Health Plan",
    "Emblem Health",
    "Independence Blue Cross",
    "Regence BlueShield",
    "Health Net",
    "Meridian Medicaid",
    "Amerigroup",
    "Sentara Health Plans",
)

CREDENTIALS = ("MD", "DO", "MD", "NP", "PA-C", "MD, FACP", "DO, MPH", "FNP-BC", "MD")

PRACTICE_WORDS = (
    ("Lakeside", "Family Medicine"),
    ("Cedar Hollow", "Primary Care"),
    ("North Fork", "Medical Group"),
    ("Harbor View", "Internal Medicine"),
    ("St. Brendan", "Community Clinic"),
    ("Prairie Wind", "Health Center"),
    ("Old Mill", "Family Practice"),
    ("Bayshore", "Physicians"),
    ("Granite Peak", "Medical Associates"),
    ("Willow Creek", "Pediatrics & Adult Care"),
    ("Eastgate", "Health Partners"),
    ("Riverside", "Primary Care Associates"),
    ("Summit", "Family Health"),
    ("Three Rivers", "Medical Clinic"),
    ("Magnolia", "Internists"),
    ("Blue Ridge", "Community Health"),
    ("Fairhaven", "Medical Practice"),
    ("Copper Canyon", "Family Physicians"),
    ("Meadowbrook", "Health"),
    ("Kingsley", "Clinic"),
)


@dataclass
class Patient:
    """The person referred."""

    first: str
    middle: str  # initial or ""
    last: str
    dob: date
    sex: str  # F M X U
    phone: str  # E.164
    street: str
    city: str
    state: str
    zip: str
    mrn: str

    @property
    def name(self) -> str:
        """Truth form: First M. Last."""
        mid = f" {self.middle}." if self.middle else ""
        return f"{self.first}{mid} {self.last}"

    @property
    def address(self) -> str:
        """Truth form: one line."""
        return f"{self.street}, {self.city}, {self.state} {self.zip}"


@dataclass
class Insurance:
    """Payer and identifiers."""

    payer: str
    member_id: str
    group: str


@dataclass
class Referrer:
    """The clinician asking for the referral, and their practice."""

    first: str
    last: str
    credential: str
    npi: str
    practice: str
    phone: str
    fax: str
    street: str
    city: str
    state: str
    zip: str

    @property
    def name(self) -> str:
        """Truth form: First Last (no title, no credential)."""
        return f"{self.first} {self.last}"


def npi(rng: random.Random) -> str:
    """A 10-digit NPI with a valid Luhn check digit over the 80840 prefix."""
    body = str(rng.choice("12")) + "".join(str(rng.randrange(10)) for _ in range(8))
    digits = [int(c) for c in "80840" + body]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return body + str((10 - total % 10) % 10)


def phone(rng: random.Random) -> str:
    """A valid US number in E.164."""
    while True:
        area = rng.choice(AREA_CODES)
        if rng.random() < 0.25:
            number = f"+1{area}55501{rng.randrange(100):02d}"
        else:
            number = f"+1{area}{rng.randint(2, 9)}{rng.randrange(10)}{rng.randrange(10)}"
            number += f"{rng.randrange(10000):04d}"
            if number[5:8] == "555" or number[6:8] == "11":
                continue
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            return number


def _alnum(rng: random.Random, pattern: str) -> str:
    """A = letter, 9 = digit, anything else literal."""
    out = []
    for ch in pattern:
        if ch == "A":
            out.append(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ"))
        elif ch == "9":
            out.append(str(rng.randrange(10)))
        else:
            out.append(ch)
    return "".join(out)


MEMBER_PATTERNS = (
    "AAA999999999",
    "W999999999",
    "999999999",
    "AA99999999",
    "9AA9AA9AA99",
    "AAA99999999",
    "H99999999",
    "99999999999",
    "ZA99999999",
)
GROUP_PATTERNS = ("GRP9999999", "999999", "99999999", "A9999", "AA99999", "9999999999")
MRN_PATTERNS = ("9999999", "99999999", "E99999999", "MR9999999", "9999999999", "A9999999")


def new_patient(
    rng: random.Random, fake: Faker, today: date, sex: str = "", min_age: int = 2
) -> Patient:
    """A patient aged ``min_age``-94 (of ``sex`` when given) with a US address."""
    sex = sex or rng.choices("FMXU", weights=(48, 48, 3, 1))[0]
    if sex == "F" or (sex in "XU" and rng.random() < 0.5):
        first = fake.first_name_female()
    else:
        first = fake.first_name_male()
    middle = rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.4 else ""
    age_days = rng.randint(365 * max(min_age, 2) + 1, 365 * 94)
    street = fake.street_address()
    return Patient(
        first=first,
        middle=middle,
        last=fake.last_name(),
        dob=today - timedelta(days=age_days),
        sex=sex,
        phone=phone(rng),
        street=street,
        city=fake.city(),
        state=fake.state_abbr(include_territories=False),
        zip=fake.zipcode(),
        mrn=_alnum(rng, rng.choice(MRN_PATTERNS)),
    )


def new_insurance(rng: random.Random) -> Insurance:
    """Payer, member ID (6-12 chars) and group number."""
    return Insurance(
        payer=rng.choice(PAYERS),
        member_id=_alnum(rng, rng.choice(MEMBER_PATTERNS)),
        group=_alnum(rng, rng.choice(GROUP_PATTERNS)),
    )


def new_referrer(rng: random.Random, fake: Faker) -> Referrer:
    """A referring clinician at an invented practice."""
    a, b = rng.choice(PRACTICE_WORDS)
    practice = f"{a} {b}" if rng.random() < 0.8 else f"{fake.last_name()} {b}"
    return Referrer(
        first=fake.first_name(),
        last=fake.last_name(),
        credential=rng.choice(CREDENTIALS),
        npi=npi(rng),
        practice=practice,
        phone=phone(rng),
        fax=phone(rng),
        street=fake.street_address(),
        city=fake.city(),
        state=fake.state_abbr(include_territories=False),
        zip=fake.zipcode(),
    )
