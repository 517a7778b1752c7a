"""Synthetic people: patients, referring providers, payers.

Everything here is invented with Faker and a seeded ``random.Random`` so that a seed always gives
the same people. Identifiers are *valid in form* (NPI Luhn check digit, dialable-looking US
numbers that ``phonenumbers`` accepts) because the pipeline validates them and a sample that fails
validation would test the wrong thing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import phonenumbers
from faker import Faker

# Real US area codes (geographic), so numbers parse as valid NANP numbers.
AREA_CODES: tuple[str, ...] = (
    "312", "773", "630", "847", "217", "309", "618", "212", "718", "917", "646", "516",
    "617", "781", "508", "215", "267", "412", "614", "216", "513", "313", "248", "414",
    "612", "651", "314", "816", "402", "303", "720", "602", "480", "505", "702", "801",
    "206", "253", "503", "415", "510", "408", "213", "310", "619", "916", "713", "214",
    "512", "210", "404", "770", "305", "407", "813", "904", "704", "919", "615", "901",
    "502", "317", "804", "703", "202", "410", "302", "973", "201", "860", "401", "207",
)

PAYERS: tuple[str, ...] = (
    "Aetna", "Blue Cross Blue Shield of Illinois", "UnitedHealthcare", "Cigna", "Humana",
    "Medicare", "Illinois Medicaid", "Anthem Blue Cross", "Kaiser Permanente", "Tricare",
    "Ambetter", "Molina Healthcare", "Oscar Health", "Wellcare", "Highmark BCBS",
)

CREDENTIALS: tuple[str, ...] = ("MD", "MD", "MD", "DO", "NP", "PA-C", "FNP-C")

PRACTICE_PATTERNS: tuple[str, ...] = (
    "{city} Family Medicine", "{last} Internal Medicine Associates", "{city} Primary Care",
    "Lakeside Family Health", "{last} & {last2} Family Practice", "{city} Community Health Center",
    "Northside Internal Medicine", "{city} Medical Group", "Prairie View Primary Care",
    "{last} Pediatrics and Family Care", "Riverbend Health Partners",
)


def npi_check_digit(first9: str) -> str:
    """Luhn check digit of an NPI: computed over '80840' + the first nine digits (CMS rule)."""
    digits = [int(d) for d in "80840" + first9]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:  # rightmost payload digit is doubled (check digit not yet appended)
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def npi_is_valid(npi: str) -> bool:
    """True if ``npi`` is ten digits with a correct 80840-prefixed Luhn check digit."""
    return len(npi) == 10 and npi.isdigit() and npi_check_digit(npi[:9]) == npi[9]


def make_npi(rng: random.Random) -> str:
    """A random individual-type NPI (starts with 1) with a valid check digit."""
    first9 = "1" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    return first9 + npi_check_digit(first9)


def make_phone(rng: random.Random) -> str:
    """A valid US number in E.164; half use the reserved-for-fiction 555-01xx lines."""
    while True:
        area = rng.choice(AREA_CODES)
        if rng.random() < 0.5:
            local = f"555{rng.randint(100, 199):04d}"
        else:
            exch = rng.randint(200, 999)
            if exch % 100 == 11 or exch == 555:
                continue
            local = f"{exch}{rng.randint(0, 9999):04d}"
        e164 = f"+1{area}{local}"
        if phonenumbers.is_valid_number(phonenumbers.parse(e164)):
            return e164


@dataclass
class Patient:
    """A synthetic patient; ``address`` is the one-line form the truth JSON uses."""

    first: str
    middle: str
    last: str
    dob: date
    sex: str
    phone: str
    street: str
    city: str
    state: str
    zip: str
    mrn: str
    payer: str
    member_id: str
    group_number: str

    @property
    def address(self) -> str:
        return f"{self.street}, {self.city}, {self.state} {self.zip}"

    @property
    def city_line(self) -> str:
        return f"{self.city}, {self.state} {self.zip}"


@dataclass
class Provider:
    """A referring clinician and the practice whose phone/fax appear on the paperwork."""

    first: str
    last: str
    middle: str
    credential: str
    npi: str
    practice: str
    phone: str
    fax: str
    street: str
    city_line: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Natural order without title or credentials: the truth form."""
        mid = f" {self.middle}" if self.middle else ""
        return f"{self.first}{mid} {self.last}"


class PeopleFactory:
    """Makes patients and providers from one seed; Faker and ``rng`` are both seeded."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.fake = Faker("en_US")
        self.fake.seed_instance(rng.randint(0, 2**31))

    def _street(self, *, apt: bool) -> str:
        f = self.fake
        street = f"{f.building_number()} {f.street_name()}"
        if apt:
            street += self.rng.choice([f" Apt {self.rng.randint(1, 30)}{self.rng.choice('ABCD')}",
                                       f" Apt {self.rng.randint(100, 999)}",
                                       f" Unit {self.rng.randint(1, 20)}"])
        return street

    def member_id(self, payer: str) -> str:
        r = self.rng
        if payer == "Medicare":  # MBI-like: 11 chars, no S L O I B Z
            al = "ACDEFGHJKMNPQRTUVWXY"
            return (f"{r.randint(1, 9)}{r.choice(al)}{r.choice(al + '0123456789')}{r.randint(0, 9)}"
                    f"{r.choice(al)}{r.choice(al + '0123456789')}{r.randint(0, 9)}"
                    f"{r.choice(al)}{r.choice(al)}{r.randint(0, 9)}{r.randint(0, 9)}")
        prefix = "".join(r.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(r.choice([0, 1, 3])))
        return prefix + "".join(str(r.randint(0, 9)) for _ in range(r.choice([8, 9, 10, 11])))

    def patient(self) -> Patient:
        r, f = self.rng, self.fake
        sex = r.choices(["F", "M", "X", "U"], weights=[48, 48, 2, 2])[0]
        first = f.first_name_female() if sex == "F" else f.first_name_male() if sex == "M" \
            else f.first_name_nonbinary()
        middle = f"{r.choice('ABCDEFGHJKLMNPRSTW')}." if r.random() < 0.35 else ""
        dob = date(1935, 1, 1) + timedelta(days=r.randint(0, 365 * 70))
        state = f.state_abbr(include_territories=False)
        payer = r.choice(PAYERS)
        group = "" if payer in ("Medicare", "Illinois Medicaid") else \
            r.choice(["", "GRP"]) + str(r.randint(10000, 9999999))
        return Patient(
            first=first, middle=middle, last=f.last_name(), dob=dob, sex=sex,
            phone=make_phone(r), street=self._street(apt=r.random() < 0.25), city=f.city(),
            state=state, zip=f.zipcode_in_state(state), mrn=self._mrn(), payer=payer,
            member_id=self.member_id(payer), group_number=group,
        )

    def _mrn(self) -> str:
        r = self.rng
        style = r.randint(0, 2)
        if style == 0:
            return str(r.randint(1000000, 99999999))
        if style == 1:
            return f"MRN{r.randint(100000, 999999)}"
        return f"{r.choice('EHK')}{r.randint(100000000, 999999999)}"

    def provider(self) -> Provider:
        r, f = self.rng, self.fake
        first, last = f.first_name(), f.last_name()
        city = f.city()
        practice = r.choice(PRACTICE_PATTERNS).format(city=city, last=last, last2=f.last_name())
        state = f.state_abbr(include_territories=False)
        middle = f"{r.choice('ABCDEJKLMRST')}." if r.random() < 0.2 else ""
        return Provider(
            first=first, last=last, middle=middle,
            credential=r.choice(CREDENTIALS), npi=make_npi(r), practice=practice,
            phone=make_phone(r), fax=make_phone(r),
            street=f"{f.building_number()} {f.street_name()}" + (
                f", Suite {r.randint(100, 450)}" if r.random() < 0.5 else ""),
            city_line=f"{city}, {state} {f.zipcode_in_state(state)}",
        )

    def person_name(self) -> str:
        """A name for cover-sheet recipients, signers and other distractors."""
        return self.fake.name_nonbinary() if self.rng.random() < 0.1 else self.fake.name()

    def company(self) -> str:
        return self.fake.company()
