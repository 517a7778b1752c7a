"""Free-text referral letters: 'Dear Dr ...' requests and 'thank you for seeing' notes."""

from __future__ import annotations

import random

from faker import Faker

from samples.heldout2 import formats as f
from samples.heldout2.case import URGENCY_SENTENCES, Case
from samples.heldout2.clinical import MEDS, SPECIALTY_NAMES
from samples.heldout2.pen import H, Pen, W

HOSPITALS = (
    "University Medical Center",
    "Regional Specialty Clinic",
    "Memorial Hospital",
    "Health Sciences Center",
    "Specialty Associates",
)


def letterhead(pen: Pen, rng: random.Random, case: Case, x0: float, x1: float) -> float:
    """Practice name and address at the top; phone/fax here or in the footer."""
    r = case.referrer
    s = pen.style
    style = rng.randrange(3)
    y = rng.uniform(46, 70)
    phones = f.PHONE_STYLES[rng.randrange(len(f.PHONE_STYLES))]
    contact = f"Tel {f.fmt_phone(r.phone, phones)}  |  Fax {f.fmt_phone(r.fax, phones)}"
    if rng.random() < 0.5:
        contact = f"Phone: {f.fmt_phone(r.phone, phones)}   Fax: {f.fmt_phone(r.fax, phones)}"
    if style == 0:
        pen.text((x0 + x1) / 2, y, r.practice.upper(), s.bold, s.size + 7, "c")
        y += s.size + 6
        pen.text(
            (x0 + x1) / 2, y, f"{r.street} · {r.city}, {r.state} {r.zip}", None, s.size - 1, "c"
        )
        y += s.size + 3
        pen.text((x0 + x1) / 2, y, contact, None, s.size - 1, "c")
        y += 8
        pen.line(x0, y, x1, y, 1.5)
    elif style == 1:
        pen.text(x0, y, r.practice, s.bold, s.size + 6)
        pen.text(x1, y - 10, r.street, None, s.size - 1.5, "r")
        pen.text(x1, y + 2, f"{r.city}, {r.state} {r.zip}", None, s.size - 1.5, "r")
        pen.text(x1, y + 14, contact, None, s.size - 1.5, "r")
        y += 22
        pen.line(x0, y, x1, y, 0.8)
    else:
        pen.bar(x0, y - 20, x1 - x0, 30, r.practice, s.size + 5, grey=0.3)
        y += 24
        pen.text(x0, y, f"{r.street}, {r.city}, {r.state} {r.zip}   {contact}", None, s.size - 1.5)
    case.mark("referring.practice", "referring.phone", "referring.fax")
    return y + 28


def _re_block(pen: Pen, rng: random.Random, case: Case, x: float, y: float) -> float:
    p = case.patient
    s = pen.style
    name = f.patient_name(p, rng.choice(f.NAME_STYLES))
    dob = f.fmt_date(p.dob, f.date_style(rng, p.dob))
    case.mark("patient.name", "patient.dob")
    lines = []
    if rng.random() < 0.5:
        lines.append(f"Re: {name}, DOB {dob}")
    else:
        lines += [f"RE: {name}", f"Date of birth: {dob}"]
    if rng.random() < 0.4:
        lines.append(f"MRN: {p.mrn}")
        case.mark("patient.mrn")
    if rng.random() < 0.3:
        lines.append(f"Sex: {f.SEX_WORDS['long'][p.sex]}")
        case.mark("patient.sex")
    if rng.random() < 0.4:
        lines.append(f"{p.street}, {p.city}, {p.state} {p.zip}")
        case.mark("patient.address")
    if rng.random() < 0.35:
        lines.append(f"Tel: {f.fmt_phone(p.phone, rng.choice(f.PHONE_STYLES))}")
        case.mark("patient.phone")
    if rng.random() < 0.4:
        ins = case.insurance
        lines.append(f"Insurance: {ins.payer}  Member ID {ins.member_id}")
        case.mark("insurance.payer", "insurance.member_id")
    for line in lines:
        pen.text(x, y, line, s.bold if line.upper().startswith("RE") else None, s.size)
        y += s.size * 1.35
    return y + 8


def _signoff(pen: Pen, rng: random.Random, case: Case, x0: float, x1: float, y: float) -> None:
    r = case.referrer
    s = pen.style
    pen.text(
        x0,
        y,
        rng.choice(("Yours sincerely,", "Sincerely,", "Kind regards,", "With thanks,")),
        None,
        s.size,
    )
    y += s.size * 4
    sign = f.doctor(r, rng.choice(("cred", "dr", "plain")))
    pen.text(x0, y, sign, s.bold, s.size)
    case.mark("referring.name")
    y += s.size * 1.4
    if rng.random() < 0.6:
        pen.text(x0, y, f"NPI {r.npi}" if rng.random() < 0.5 else f"NPI: {r.npi}", None, s.size)
        case.mark("referring.npi")
    elif rng.random() < 0.7:
        pen.line(x0, H - 48, x1, H - 48, 0.5)
        pen.text(
            (x0 + x1) / 2,
            H - 36,
            f"{r.practice} · {r.street}, {r.city} · NPI {r.npi}",
            None,
            pen.size(s.size - 2),
            "c",
        )
        case.mark("referring.npi")


def dear_letter(pen: Pen, rng: random.Random, case: Case, fake: Faker) -> None:
    """'Dear Dr ..., I would be grateful if you could see ...' with the specialty usually named."""
    s = pen.style
    x0, x1 = rng.uniform(60, 85), W - rng.uniform(60, 85)
    y = letterhead(pen, rng, case, x0, x1)
    pen.text(x0, y, f.fmt_date(case.referral_date, rng.choice(f.LETTER_DATE_STYLES)), None, s.size)
    case.mark("referral.date")
    y += s.size * 2.6
    consultant = f"Dr. {fake.first_name()} {fake.last_name()}"
    dept = rng.choice(SPECIALTY_NAMES[case.specialty])
    state_specialty = rng.random() < 0.75
    addr = [consultant]
    if state_specialty:
        addr.append(f"Department of {dept}" if rng.random() < 0.5 else f"{dept}")
    addr.append(rng.choice(HOSPITALS))
    for line in addr:
        pen.text(x0, y, line, None, s.size)
        y += s.size * 1.35
    y += 10
    y = _re_block(pen, rng, case, x0, y)
    pen.text(x0, y, f"Dear {consultant.split()[0]} {consultant.split()[-1]},", None, s.size)
    y += s.size * 2
    p = case.patient
    who = {"F": "woman", "M": "man"}.get(p.sex, "patient")
    age = f.age_on(p.dob, case.referral_date)
    opener = rng.choice(
        (
            f"I would be grateful if you could see this {age}-year-old {who}",
            f"I am writing to refer this {age}-year-old {who} for your assessment",
            f"Could you kindly see this {age}-year-old {who}",
        )
    )
    if state_specialty and rng.random() < 0.5:
        opener += f" in the {dept} clinic"
    case.specialty_stated = case.specialty_stated or state_specialty
    if state_specialty:
        case.state_specialty()
    body = [opener + ".", case.scenario.question, case.history()]
    case.history_shown = True
    case.mark("referral.clinical_question")
    if rng.random() < 0.5:
        body.append(_background(rng))
    if rng.random() < 0.5:
        body.append("Current medications: " + ", ".join(rng.sample(MEDS, rng.randint(2, 5))) + ".")
    if rng.random() < 0.5 and case.dx:
        body.append("Diagnoses: " + "; ".join(f"{d} ({c})" for c, d in case.dx) + ".")
        case.mark("referral.diagnoses")
    if _urgency_sentence(rng, case):
        body.append(rng.choice(URGENCY_SENTENCES[case.urgency]))
        case.state_urgency()
    body.append(
        rng.choice(
            (
                "Many thanks for your help.",
                "Thank you for your assistance with her care."
                if p.sex == "F"
                else "Thank you for your help with this patient.",
                "Please do not hesitate to contact me if you need further information.",
            )
        )
    )
    for para in body:
        y = pen.wrap(x0, y, para, x1 - x0, None, s.size, 1.4) + s.size * 0.6
    _signoff(pen, rng, case, x0, x1, y + 6)


PAST = (
    "hypertension",
    "hyperlipidemia",
    "obesity",
    "appendectomy in 2004",
    "tonsillectomy as a child",
    "remote cholecystectomy",
    "seasonal allergies",
    "vitamin D deficiency",
)
SOCIAL = (
    "Lives with spouse, works as a teacher.",
    "Retired, lives alone, independent in ADLs.",
    "Never smoker, drinks alcohol socially.",
    "Works night shifts as a nurse.",
    "Lives with daughter; uses a cane outdoors.",
)


def _background(rng: random.Random) -> str:
    """Past medical and social history: context that names no specialty."""
    past = ", ".join(rng.sample(PAST, rng.randint(1, 3)))
    return f"Past history includes {past}. {rng.choice(SOCIAL)}"


def _urgency_sentence(rng: random.Random, case: Case) -> bool:
    """Whether the letter must or may say how soon."""
    if case.urgency == "stat" or (case.urgency == "urgent" and not case.red_flag):
        return True
    return rng.random() < 0.45


def thanks_letter(pen: Pen, rng: random.Random, case: Case, fake: Faker) -> None:
    """'Thank you for seeing ...' followed by a clinical note; the specialty only implied."""
    s = pen.style
    x0, x1 = rng.uniform(55, 80), W - rng.uniform(55, 80)
    y = letterhead(pen, rng, case, x0, x1)
    pen.text(
        x1, y, f.fmt_date(case.referral_date, rng.choice(f.LETTER_DATE_STYLES)), None, s.size, "r"
    )
    case.mark("referral.date")
    y += s.size * 2
    y = _re_block(pen, rng, case, x0, y)
    pen.text(
        x0,
        y,
        rng.choice(("Dear Doctor,", "Dear Colleague,", f"Dear Dr. {fake.last_name()},")),
        None,
        s.size,
    )
    y += s.size * 2
    p = case.patient
    age = f.age_on(p.dob, case.referral_date)
    who = {"F": "woman", "M": "man"}.get(p.sex, "patient")
    paras = [
        f"Thank you for seeing this pleasant {age}-year-old {who}. {case.scenario.question}",
        "History: " + case.history(),
    ]
    case.history_shown = True
    case.mark("referral.clinical_question")
    paras.append(
        f"Examination: BP {rng.randint(108, 158)}/{rng.randint(64, 94)}, pulse "
        f"{rng.randint(58, 100)}. "
        + rng.choice(
            ("Otherwise unremarkable.", "No acute distress.", "Examination otherwise normal.")
        )
    )
    paras.append("Medications: " + ", ".join(rng.sample(MEDS, rng.randint(2, 5))) + ".")
    if rng.random() < 0.5:
        paras.insert(2, _background(rng))
    if rng.random() < 0.5:
        paras.append("Impression: " + "; ".join(f"{d} ({c})" for c, d in case.dx) + ".")
        case.mark("referral.diagnoses")
    if _urgency_sentence(rng, case):
        paras.append(rng.choice(URGENCY_SENTENCES[case.urgency]))
        case.state_urgency()
    for para in paras:
        y = pen.wrap(x0, y, para, x1 - x0, None, s.size, 1.4) + s.size * 0.6
    _signoff(pen, rng, case, x0, x1, y + 6)


LETTERS = {"letter_dear": dear_letter, "letter_thanks": thanks_letter}
