"""Synthetic people, payers and identifiers with the shapes real referrals carry.

Everything is made up from a seeded RNG plus Faker. NPIs carry a valid Luhn check digit (with
the 80840 prefix), phone numbers are valid US numbers (fiction 555-01xx lines or real area
codes), member IDs, MRNs and group numbers come in the varied shapes payers and EHRs use.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import date, timedelta

import phonenumbers
from faker import Faker

AREA_CODES = [
    "205", "212", "213", "214", "215", "303", "305", "312", "313", "314", "404", "412", "415",
    "503", "504", "513", "602", "612", "614", "615", "617", "704", "713", "720", "757", "801",
    "813", "816", "901", "904", "913", "919", "954", "971",
]  # fmt: skip

PAYERS = [
    "Aetna", "Cigna", "UnitedHealthcare", "Humana", "Medicare", "Medicaid", "Anthem",
    "Blue Cross Blue Shield", "Kaiser Permanente", "Molina Healthcare", "Tricare",
    "Ambetter", "Oscar Health", "WellCare", "Highmark", "Harvard Pilgrim", "Oxford Health Plans",
    "CareFirst", "Centene", "Priority Health",
]  # fmt: skip

STATES = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
    "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
    "VA", "WA", "WV", "WI", "WY", "DC",
]  # fmt: skip
CREDENTIALS = ["MD", "DO", "M.D.", "D.O.", "NP", "PA-C", "FNP-C", "MD, FACP", "MD, MPH"]


@dataclass
class Person:
    """A patient as the referral prints it."""

    first: str
    middle: str  # initial or ""
    last: str
    dob: date
    sex: str  # F/M/X/U
    phone: str  # E.164
    street: str
    city: str
    state: str
    zip: str
    mrn: str
    payer: str
    member_id: str
    group: str

    @property
    def address(self) -> str:
        """Single-line address, as the contract states it."""
        return f"{self.street}, {self.city}, {self.state} {self.zip}"

    @property
    def full_name(self) -> str:
        """First [M.] Last: the contract's canonical name."""
        mid = f" {self.middle}." if self.middle else ""
        return f"{self.first}{mid} {self.last}"


@dataclass
class Provider:
    """A referring clinician and their practice."""

    first: str
    last: str
    credential: str
    npi: str
    practice: str
    phone: str
    fax: str

    @property
    def full_name(self) -> str:
        """First Last, no title or credentials (the contract's form)."""
        return f"{self.first} {self.last}"


def npi_check_digit(base9: str) -> str:
    """Luhn check digit of a 9-digit NPI base with the 80840 card-issuer prefix."""
    digits = [int(d) for d in "80840" + base9]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:  # rightmost digit of the payload is doubled (check digit is appended)
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid_npi(npi: str) -> bool:
    """Whether a 10-digit NPI passes the Luhn check with prefix 80840."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    return npi_check_digit(npi[:9]) == npi[9]


class Values:
    """Seeded factory of people, providers and identifiers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.fake = Faker("en_US")
        self.fake.seed_instance(rng.randrange(2**31))

    def phone(self) -> str:
        """A valid US number in E.164; about half on the 555-01xx fiction lines."""
        area = self.rng.choice(AREA_CODES)
        if self.rng.random() < 0.5:
            return f"+1{area}55501{self.rng.randrange(100):02d}"
        while True:
            exchange = str(self.rng.randrange(200, 1000))
            number = f"+1{area}{exchange}{self.rng.randrange(10000):04d}"
            if exchange[1:] != "11" and phonenumbers.is_valid_number(phonenumbers.parse(number)):
                return number

    def npi(self) -> str:
        """A Luhn-valid 10-digit NPI starting with 1 or 2."""
        base = str(self.rng.choice((1, 2))) + "".join(str(self.rng.randrange(10)) for _ in range(8))
        return base + npi_check_digit(base)

    def _code(self, shape: str) -> str:
        """Fill a shape: A = letter, 9 = digit, anything else literal."""
        out = []
        for ch in shape:
            if ch == "A":
                out.append(self.rng.choice(string.ascii_uppercase))
            elif ch == "9":
                out.append(str(self.rng.randrange(10)))
            else:
                out.append(ch)
        return "".join(out)

    def mrn(self) -> str:
        """Medical record numbers in EHR-like shapes (6-12 characters)."""
        shape = self.rng.choice(
            ["99999999", "A9999999", "MR999999", "9999999999", "AA99999999", "E99999999999",
             "999999"]
        )  # fmt: skip
        return self._code(shape)

    def member_id(self) -> str:
        """Payer member IDs: letters and digits, 6-12 characters."""
        shape = self.rng.choice(
            ["AAA999999999", "A99999999", "W999999999", "99999999A", "AA9999999", "XAB99999999",
             "9999999999", "ZG9999999"]
        )  # fmt: skip
        return self._code(shape)

    def group(self) -> str:
        """Employer group numbers."""
        return self._code(self.rng.choice(["999999", "GRP99999", "99999-999", "A99999", "9999999"]))

    def person(self, ref_date: date) -> Person:
        """A patient aged 18-92 at the referral date."""
        sex = self.rng.choices("FMXU", weights=[48, 48, 2, 2])[0]
        first = (
            self.fake.first_name_female()
            if sex == "F"
            else self.fake.first_name_male()
            if sex == "M"
            else self.fake.first_name()
        )
        middle = self.rng.choice(string.ascii_uppercase) if self.rng.random() < 0.45 else ""
        dob = ref_date - timedelta(days=self.rng.randrange(18 * 365, 92 * 365))
        street = self.fake.street_address()
        return Person(
            first=first,
            middle=middle,
            last=self.fake.last_name(),
            dob=dob,
            sex=sex,
            phone=self.phone(),
            street=street,
            city=self.fake.city(),
            state=self.rng.choice(STATES),
            zip=self.fake.zipcode(),
            mrn=self.mrn(),
            payer=self.rng.choice(PAYERS),
            member_id=self.member_id(),
            group=self.group(),
        )

    def practice_name(self, kind: str = "primary") -> str:
        """A referring practice's name."""
        town = self.fake.city().split()[0]
        if kind == "primary":
            pattern = self.rng.choice(
                ["{t} Family Medicine", "{t} Primary Care", "{l} Internal Medicine Associates",
                 "{t} Community Health Center", "{t} Medical Group", "{l} & {l2} Family Practice",
                 "{t} Valley Physicians", "{t} Health Partners"]
            )  # fmt: skip
        else:
            pattern = kind
        return pattern.format(t=town, l=self.fake.last_name(), l2=self.fake.last_name())

    def provider(self) -> Provider:
        """A referring clinician with NPI, practice, phone and fax."""
        return Provider(
            first=self.fake.first_name(),
            last=self.fake.last_name(),
            credential=self.rng.choice(CREDENTIALS),
            npi=self.npi(),
            practice=self.practice_name(),
            phone=self.phone(),
            fax=self.phone(),
        )

    def ref_date(self) -> date:
        """A referral date within 2024-2026."""
        return date(2024, 1, 2) + timedelta(days=self.rng.randrange(0, 900))
