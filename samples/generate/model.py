"""What a layout produces: page-drawing callables plus the ground truth of what they print.

A ``Case`` is one referral's facts; a layout prints some of them and records exactly the fields it
printed (``Case.fields``), so the truth never claims a value the document does not show.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from samples.generate.clinical import Item, pick_item
from samples.generate.formats import Styler
from samples.generate.people import Patient, PeopleFactory, Provider

PageFn = Callable[[Canvas], None]

ALL_FIELDS: tuple[str, ...] = (
    "patient.name", "patient.dob", "patient.sex", "patient.phone", "patient.address",
    "patient.mrn", "insurance.payer", "insurance.member_id", "insurance.group_number",
    "referring.name", "referring.npi", "referring.practice", "referring.phone", "referring.fax",
    "referral.specialty", "referral.clinical_question", "referral.diagnoses", "referral.urgency",
    "referral.date",
)


@dataclass
class Ctx:
    """Per-document generation context: the seeded RNG, people, and variant constraints."""

    rng: random.Random
    people: PeopleFactory
    variant: str
    today: date

    @property
    def min_font(self) -> float:
        """Normal-resolution fax (98 lpi) smears 9 pt text; keep such documents at >= 10 pt."""
        return 10.0 if self.variant in ("fax_normal",) else 9.0


@dataclass
class Case:
    """Facts of one referral, and how its urgency is conveyed."""

    patient: Patient
    provider: Provider
    item: Item
    referral_date: date
    urgency_mode: str  # "checkbox" | "words" | "none"
    stated_urgency: str | None
    specialty_stated: bool
    style: Styler
    negations: tuple[str, ...] = ()
    printed: set[str] = field(default_factory=set)

    @property
    def urgency(self) -> str:
        """Truth urgency: stated, else urgent for a red flag, else routine."""
        if self.stated_urgency:
            return self.stated_urgency
        return "urgent" if self.item.red_flag else "routine"

    def mark(self, *names: str) -> None:
        """Record that the layout printed these fields."""
        self.printed.update(names)

    def fields(self) -> dict[str, Any]:
        """Truth values of the printed fields (plus specialty, urgency always)."""
        p, d = self.patient, self.provider
        values: dict[str, Any] = {
            "patient.name": f"{p.first} {p.middle} {p.last}" if p.middle else f"{p.first} {p.last}",
            "patient.dob": p.dob.isoformat(), "patient.sex": p.sex, "patient.phone": p.phone,
            "patient.address": p.address, "patient.mrn": p.mrn, "insurance.payer": p.payer,
            "insurance.member_id": p.member_id, "insurance.group_number": p.group_number,
            "referring.name": d.name, "referring.npi": d.npi, "referring.practice": d.practice,
            "referring.phone": d.phone, "referring.fax": d.fax,
            "referral.specialty": self.item.specialty,
            "referral.clinical_question": self.item.question,
            "referral.diagnoses": list(self.item.codes), "referral.urgency": self.urgency,
            "referral.date": self.referral_date.isoformat(),
        }
        keep = self.printed | {"referral.specialty", "referral.urgency"}
        return {k: values[k] for k in ALL_FIELDS if k in keep and values[k] not in ("", [])}


@dataclass
class Doc:
    """A generated document before rendering."""

    layout: str
    document_type: str
    pages: list[PageFn]
    referrals: list[tuple[list[int], Case]] = field(default_factory=list)
    sender: tuple[str, str] | None = None  # (practice, fax E.164) for the fax transmit line
    rotations: dict[int, int] = field(default_factory=dict)

    def truth_referrals(self) -> list[dict[str, Any]]:
        return [{"pages": pages, "specialty_stated": case.specialty_stated,
                 "urgency_stated": case.stated_urgency is not None,
                 "fields": case.fields()} for pages, case in self.referrals]


def new_case(ctx: Ctx, *, provider: Provider | None = None, red_flag: bool | None = None,
             urgency_modes: tuple[str, ...] = ("checkbox", "words", "none"),
             specialty: str | None = None, negations: tuple[str, ...] = ()) -> Case:
    """A random referral; urgency is stated in ~2/3 of cases (by checkbox or words)."""
    r = ctx.rng
    item = pick_item(r, red_flag=red_flag, specialty=specialty)
    mode = r.choice(urgency_modes)
    stated = None
    if mode != "none":
        stated = r.choices(["routine", "urgent", "stat"], weights=[55, 35, 10])[0]
        if item.red_flag and stated == "routine":
            stated = "urgent"
    return Case(
        patient=ctx.people.patient(), provider=provider or ctx.people.provider(), item=item,
        referral_date=ctx.today - timedelta(days=r.randint(0, 6)), urgency_mode=mode,
        stated_urgency=stated, specialty_stated=r.random() < 0.7, style=Styler(r),
        negations=negations,
    )
