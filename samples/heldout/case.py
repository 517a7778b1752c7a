"""One patient's referral as content, independent of how a layout prints it, and its truth.

A layout decides what it prints; whatever it leaves out goes into ``omit`` so the truth only
holds fields the page shows. Specialty and urgency are always in the truth: stated when the
page states them, otherwise what a clinician infers from the reason.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from samples.heldout import clinical
from samples.heldout.clinical import Scenario
from samples.heldout.formats import date_style, fmt_date, fmt_name, fmt_phone
from samples.heldout.values import Person, Provider, Values

OPTIONAL = [
    "patient.phone", "patient.address", "patient.mrn", "patient.sex", "insurance.group_number",
    "referring.npi", "referring.fax", "referring.phone", "referral.diagnoses",
]  # fmt: skip


@dataclass
class Case:
    """Everything one referral says, plus how it is printed."""

    person: Person
    provider: Provider
    scenario: Scenario
    ref_date: date
    service: str | None  # the specialty as printed, None when not stated
    urgency_printed: str | None  # "stat"/"urgent"/"routine" when the page states it
    date_style: str
    dob_style: str
    phone_style: str
    name_order: str
    omit: set[str] = field(default_factory=set)
    extra: list[str] = field(default_factory=list)  # negated/historical/incidental sentences

    @property
    def urgency(self) -> str:
        """Stated urgency, else urgent for a current red flag, else routine."""
        return self.urgency_printed or ("urgent" if self.scenario.urgent else "routine")

    def d(self, value: date) -> str:
        """A date in this case's style."""
        return fmt_date(value, self.dob_style if value == self.person.dob else self.date_style)

    def ph(self, e164: str, rng: random.Random) -> str:
        """A phone number in this case's style."""
        return fmt_phone(e164, self.phone_style, rng)

    def name(self) -> str:
        """The patient's name as printed."""
        return fmt_name(self.person, self.name_order)

    def shows(self, name: str) -> bool:
        """Whether the layout should print ``name``."""
        return name not in self.omit

    def truth(self, pages: list[int]) -> dict[str, Any]:
        """The truth entry of this referral."""
        p, r = self.person, self.provider
        values: dict[str, Any] = {
            "patient.name": p.full_name,
            "patient.dob": p.dob.isoformat(),
            "patient.sex": p.sex,
            "patient.phone": p.phone,
            "patient.address": p.address,
            "patient.mrn": p.mrn,
            "insurance.payer": p.payer,
            "insurance.member_id": p.member_id,
            "insurance.group_number": p.group,
            "referring.name": r.full_name,
            "referring.npi": r.npi,
            "referring.practice": r.practice,
            "referring.phone": r.phone,
            "referring.fax": r.fax,
            "referral.clinical_question": self.scenario.question,
            "referral.diagnoses": list(self.scenario.codes),
            "referral.date": self.ref_date.isoformat(),
        }
        fields = {k: v for k, v in values.items() if k not in self.omit}
        fields["referral.specialty"] = self.scenario.specialty
        fields["referral.urgency"] = self.urgency
        return {
            "pages": pages,
            "specialty_stated": self.service is not None,
            "urgency_stated": self.urgency_printed is not None,
            "fields": fields,
        }


def new_case(
    rng: random.Random, values: Values, *, provider: Provider | None = None,
    ref_date: date | None = None, specialty_stated: float = 0.6, urgency_stated: float = 0.6,
) -> Case:  # fmt: skip
    """A random case; probabilities say how often specialty and urgency are printed."""
    if rng.random() < 0.07:
        service, scenario = rng.choice(clinical.OTHER_SERVICES)
        stated: str | None = service
    else:
        scenario = rng.choice(clinical.SCENARIOS)
        stated = (
            clinical.specialty_word(rng, scenario.specialty)
            if rng.random() < specialty_stated
            else None
        )
    ref_date = ref_date or values.ref_date()
    person = values.person(ref_date)
    urgency: str | None = None
    if rng.random() < urgency_stated:
        if scenario.urgent:
            urgency = rng.choices(["urgent", "stat"], weights=[7, 3])[0]
        else:
            urgency = rng.choices(["routine", "urgent"], weights=[8, 2])[0]
    omit = {f for f in OPTIONAL if rng.random() < 0.15}
    if rng.random() < 0.1:
        omit |= {"insurance.payer", "insurance.member_id", "insurance.group_number"}
    extra = []
    if rng.random() < 0.4:
        extra.append(rng.choice(clinical.NEGATED))
    if rng.random() < 0.25:
        extra.append(rng.choice(clinical.HISTORICAL))
    return Case(
        person=person,
        provider=provider or values.provider(),
        scenario=scenario,
        ref_date=ref_date,
        service=stated,
        urgency_printed=urgency,
        date_style=date_style(rng),
        dob_style=date_style(rng, person.dob),
        phone_style=rng.choice(["paren", "dots", "dashes", "ext", "plain_paren", "one_dash"]),
        name_order=rng.choice(["first_last", "last_first", "last_first", "caps"]),
        omit=omit,
        extra=extra,
    )
