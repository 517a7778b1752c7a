"""One referral's facts, and the record of which of them a layout actually printed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from samples.heldout2 import clinical
from samples.heldout2.people import (
    Insurance,
    Patient,
    Referrer,
    new_insurance,
    new_patient,
    new_referrer,
)

TODAY = date(2026, 11, 2)

# How urgency is written when stated: (text, urgency).
URGENCY_WORDS = {
    "stat": ("STAT", "Emergent - same day", "STAT / same day", "Immediate"),
    "urgent": (
        "URGENT",
        "Urgent",
        "Urgent - within 2 weeks",
        "Expedited",
        "ASAP",
        "Urgent (7-10 days)",
        "High priority",
    ),
    "routine": (
        "Routine",
        "ROUTINE",
        "Non-urgent",
        "Routine / next available",
        "Standard",
        "Elective",
    ),
}
# Urgency written as a sentence in letters or notes.
URGENCY_SENTENCES = {
    "stat": (
        "Please see today - this is an emergency referral (STAT).",
        "I would ask that this is treated as STAT.",
    ),
    "urgent": (
        "I would be grateful if this patient could be seen urgently, ideally within 2 weeks.",
        "This is an urgent referral; please see within the next week if possible.",
        "Please expedite this appointment.",
    ),
    "routine": (
        "A routine appointment would be appropriate.",
        "There is no urgency; routine scheduling is fine.",
        "Please schedule at the next routine opening.",
    ),
}


@dataclass
class Case:
    """Everything true about one referral; ``shown`` is what the pages printed."""

    patient: Patient
    insurance: Insurance
    referrer: Referrer
    scenario: clinical.Scenario
    urgency: str
    urgency_text: str  # how the page words it when stated
    red_flag: bool  # the history carries a red flag
    referral_date: date
    dx_count: int
    shown: set[str] = field(default_factory=set)
    specialty_stated: bool = False
    urgency_stated: bool = False
    pages: list[int] = field(default_factory=list)
    history_shown: bool = False

    @property
    def specialty(self) -> str:
        """Vocabulary value."""
        return self.scenario.specialty

    @property
    def dx(self) -> tuple[tuple[str, str], ...]:
        """Diagnoses this referral lists."""
        return self.scenario.dx[: self.dx_count]

    def history(self) -> str:
        """History text, with the red flag when there is one."""
        text = self.scenario.history
        if self.red_flag:
            text += (
                f" Since then she reports {self.scenario.red_flag}."
                if self.patient.sex == "F"
                else f" Since then the patient reports {self.scenario.red_flag}."
            )
        return text

    def mark(self, *names: str) -> None:
        """Record that the page printed these fields."""
        self.shown.update(names)

    def state_specialty(self) -> None:
        """The page names the specialty."""
        self.specialty_stated = True
        self.shown.add("referral.specialty")

    def state_urgency(self) -> None:
        """The page states the urgency."""
        self.urgency_stated = True
        self.shown.add("referral.urgency")

    def truth(self) -> dict:
        """The truth entry: printed fields only, plus specialty and urgency always."""
        p, ins, r = self.patient, self.insurance, self.referrer
        values = {
            "patient.name": p.name,
            "patient.dob": p.dob.isoformat(),
            "patient.sex": p.sex,
            "patient.phone": p.phone,
            "patient.address": p.address,
            "patient.mrn": p.mrn,
            "insurance.payer": ins.payer,
            "insurance.member_id": ins.member_id,
            "insurance.group_number": ins.group,
            "referring.name": r.name,
            "referring.npi": r.npi,
            "referring.practice": r.practice,
            "referring.phone": r.phone,
            "referring.fax": r.fax,
            "referral.clinical_question": self.scenario.question,
            "referral.diagnoses": [code for code, _ in self.dx],
            "referral.date": self.referral_date.isoformat(),
        }
        fields = {k: v for k, v in values.items() if k in self.shown}
        fields["referral.specialty"] = self.specialty
        fields["referral.urgency"] = self.urgency
        order = [*values, "referral.specialty", "referral.urgency"]
        return {
            "pages": sorted(self.pages),
            "specialty_stated": self.specialty_stated,
            "urgency_stated": self.urgency_stated,
            "fields": {k: fields[k] for k in order if k in fields},
        }


def new_case(rng: random.Random, fake: Faker, referrer: Referrer | None = None) -> Case:
    """A fresh case; ``referrer`` shared when one practice faxes several patients."""
    scenario = clinical.pick(rng)
    urgency = rng.choices(["stat", "urgent", "routine"], weights=(8, 34, 58))[0]
    red_flag = urgency != "routine" and rng.random() < 0.7
    return Case(
        patient=new_patient(rng, fake, TODAY, scenario.sex, scenario.min_age),
        insurance=new_insurance(rng),
        referrer=referrer or new_referrer(rng, fake),
        scenario=scenario,
        urgency=urgency,
        urgency_text=rng.choice(URGENCY_WORDS[urgency]),
        red_flag=red_flag,
        referral_date=TODAY - timedelta(days=rng.randint(0, 400)),
        dx_count=rng.randint(1, len(scenario.dx)),
    )


def must_state_urgency(case: Case) -> bool:
    """Urgency must be printed when the content alone would not give it.

    Unstated urgency is ``urgent`` only through a red flag in the history, ``routine``
    otherwise, and never ``stat``.
    """
    if case.urgency == "stat":
        return True
    return case.urgency == "urgent" and not case.red_flag
