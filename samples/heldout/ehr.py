"""EHR "referral order" printouts: dark title bar, patient banner, order table, ICD-10 table.

Printed-by line on top, "Page n of m" footer, an order number with a barcode; the specialty
is a "Referred To:" department (or only a provider's name when unstated), priority a field.
"""

from __future__ import annotations

import random
from datetime import timedelta

import simple_icd_10_cm as icd

from samples.heldout import clinical
from samples.heldout.case import Case
from samples.heldout.draw import PAGE_W, Pen
from samples.heldout.formats import SEX_WORDS
from samples.heldout.labels import urgency_word
from samples.heldout.values import Values

EHR_NAMES = ["EpicCare", "athenaOne", "NextGen", "eClinicalWorks", "Cerner PowerChart"]


def _barcode(pen: Pen, rng: random.Random, x: float, y: float) -> None:
    """Code-39-looking bars (decorative: nothing reads them)."""
    for _ in range(38):
        w = rng.choice((0.8, 0.8, 1.6, 2.4))
        if rng.random() < 0.6:
            pen.rect(x, y, w, 22, fill=0, stroke=False)
        x += w + 0.8


def _footer(pen: Pen, case: Case, page: int, total: int, user: str) -> None:
    """Printed-by line (printed days after the order, so not the referral date) and page n of m."""
    printed = case.ref_date + timedelta(days=1 + page)
    pen.text(54, 770, f"Printed by {user} on {case.d(printed)} 09:4{page}", size=7)
    pen.text(PAGE_W - 54, 770, f"Page {page} of {total}", size=8, align="right")


def _banner(pen: Pen, case: Case, rng: random.Random, y: float) -> float:
    """Grey patient banner: name, DOB, sex, MRN, phone."""
    p = case.person
    pen.rect(36, y, PAGE_W - 72, pen.size * 3.4, fill=0.88, stroke=False)
    pen.text(44, y + pen.size * 1.3, case.name(), bold=True, size=pen.size + 1)
    bits = [f"DOB: {case.d(p.dob)}"]
    if case.shows("patient.sex"):
        bits.append(f"Sex: {SEX_WORDS[p.sex]}")
    if case.shows("patient.mrn"):
        bits.append(f"MRN: {p.mrn}")
    if case.shows("patient.phone"):
        bits.append(f"Ph: {case.ph(p.phone, rng)}")
    pen.text(44, y + pen.size * 2.7, "   ".join(bits), size=pen.size - 0.5)
    return y + pen.size * 4.6


def _rows(pen: Pen, x: float, y: float, rows: list[tuple[str, str]], key_w: float = 150) -> float:
    for key, value in rows:
        pen.text(x, y, key, bold=True)
        pen.text(x + key_w, y, value)
        y += pen.size * 1.5
    return y


def ehr_order(pen: Pen, case: Case, rng: random.Random, values: Values, total: int) -> None:
    """Page 1 of an EHR referral order."""
    p, r = case.person, case.provider
    user = f"{values.fake.user_name()}"
    pen.text(54, 30, f"{rng.choice(EHR_NAMES)} - {r.practice}", size=8)
    pen.bar(40, 26, rng.choice(["REFERRAL ORDER", "Outgoing Referral", "Ambulatory Referral"]))
    y = _banner(pen, case, rng, 74)
    order_no = str(rng.randrange(10**7, 10**8))
    _barcode(pen, rng, PAGE_W - 220, y - 4)
    pen.text(PAGE_W - 220, y + 30, f"Order # {order_no}", size=8)
    rows = [("Order Date:", case.d(case.ref_date))] if case.shows("referral.date") else []
    if case.service is not None:
        rows.append(("Referred To:", rng.choice([case.service, f"{case.service} Dept"])))
    else:
        rows.append(("Referred To Provider:", f"Dr. {values.fake.name()}"))
    if case.urgency_printed:
        rows.append(("Priority:", urgency_word(case, rng)))
    rows.append(("Requesting Provider:", f"{r.last}, {r.first} {r.credential}"))
    if case.shows("referring.npi"):
        rows.append(("Provider NPI:", r.npi))
    rows.append(("Department:", r.practice))
    contact = []
    if case.shows("referring.phone"):
        contact.append(f"P {case.ph(r.phone, rng)}")
    if case.shows("referring.fax"):
        contact.append(f"F {case.ph(r.fax, rng)}")
    if contact:
        rows.append(("Contact:", "  ".join(contact)))
    y = _rows(pen, 54, y + pen.size, rows) + pen.size
    if case.shows("referral.diagnoses"):
        pen.text(54, y, "Diagnoses", bold=True)
        y += pen.size * 0.6
        pen.rect(54, y, PAGE_W - 108, pen.size * 1.5, fill=0.8, stroke=False)
        pen.text(58, y + pen.size * 1.1, "ICD-10 Code", bold=True)
        pen.text(160, y + pen.size * 1.1, "Description", bold=True)
        y += pen.size * 2.7
        for code in case.scenario.codes:
            pen.text(58, y, code)
            y = pen.wrap(160, y, PAGE_W - 220, icd.get_description(code)) + 2
        y += pen.size
    pen.text(54, y, rng.choice(["Reason for Referral:", "Comments:", "Clinical Indication:"]),
             bold=True)  # fmt: skip
    y = pen.wrap(60, y + pen.size * 1.5, PAGE_W - 120, case.scenario.question) + pen.size
    if case.extra:
        y = pen.wrap(60, y, PAGE_W - 120, " ".join(case.extra)) + pen.size
    cov = [(k, v) for key, k, v in (("insurance.payer", "Coverage:", p.payer),
           ("insurance.member_id", "Subscriber ID:", p.member_id),
           ("insurance.group_number", "Group:", p.group)) if case.shows(key)]  # fmt: skip
    if case.shows("patient.address"):
        cov.insert(0, ("Patient Address:", p.address))
    if cov:
        pen.text(54, y, "Patient Coverage / Demographics", bold=True)
        _rows(pen, 54, y + pen.size * 1.6, cov, key_w=120)
    _footer(pen, case, 1, total, user)


def ehr_continuation(pen: Pen, case: Case, rng: random.Random, total: int) -> None:
    """Page 2: the banner again, problem list and medications."""
    y = _banner(pen, case, rng, 40)
    pen.text(54, y, "Active Problem List", bold=True)
    problems = [clinical.incidental(rng, case.scenario.specialty), rng.choice(clinical.HISTORICAL)]
    for item in problems:
        y = pen.wrap(66, y + pen.size * 1.5, PAGE_W - 130, f"- {item}")
    pen.text(54, y + pen.size * 2, "Current Medications", bold=True)
    y += pen.size * 2
    for med in rng.sample(clinical.MEDS, 4):
        y += pen.size * 1.5
        pen.text(66, y, med)
    _footer(pen, case, 2, total, "system")
