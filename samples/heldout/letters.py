"""Referral letters on letterhead, consultation-style letters and the clinical note after them.

Letters state the question in prose; the specialty is stated only through the recipient's
practice name, a "RE: Referral to ..." line or "to your ... practice", and consultation-style
letters usually do not state it at all while the note mentions other specialties in passing.
"""

from __future__ import annotations

import random

from samples.heldout import clinical
from samples.heldout.case import Case
from samples.heldout.draw import PAGE_W, Pen
from samples.heldout.formats import SEX_WORDS
from samples.heldout.forms import letterhead
from samples.heldout.labels import diagnoses_lines, provider_text
from samples.heldout.values import Values

URGENCY_SENTENCES = {
    "stat": ["Please see this patient STAT.", "This is an emergent referral; please see same day."],
    "urgent": ["I would be grateful for an urgent appointment.", "Urgency: URGENT."],
    "routine": ["This is a routine referral.", "A routine appointment is appropriate."],
}


def _title(case: Case) -> tuple[str, str]:
    """Courtesy title and pronoun from the printed sex (neutral when unknown)."""
    return {"F": ("Ms.", "She"), "M": ("Mr.", "He")}.get(case.person.sex, ("", "They"))


def _recipient(
    pen: Pen, case: Case, rng: random.Random, values: Values, y: float
) -> tuple[float, str]:
    """Addressee block (and the doctor's name); the practice name may state the specialty."""
    doctor = f"Dr. {values.fake.last_name()}"
    spec = case.scenario.specialty
    if case.service is not None and spec != "other" and rng.random() < 0.5:
        practice = f"{values.fake.city().split()[0]} {clinical.PRACTICE_WORD[spec]} Associates"
        case.service = practice
    elif case.service is not None:
        practice = f"{values.fake.city().split()[0]} Specialty Clinic"
    else:
        practice = f"{values.fake.city().split()[0]} {rng.choice(['Medical Center', 'Clinic'])}"
    for line in (doctor, practice, values.fake.street_address(), values.fake.city()):
        pen.text(72, y, line)
        y += pen.size * 1.35
    return y + pen.size, doctor


def _re_block(pen: Pen, case: Case, rng: random.Random, y: float) -> float:
    """RE: name, DOB and whatever identifiers the letter carries."""
    p = case.person
    lines = [f"RE: {case.name()}", f"DOB: {case.d(p.dob)}"]
    for key, text in (
        ("patient.sex", f"Sex: {rng.choice([p.sex, SEX_WORDS[p.sex]])}"),
        ("patient.mrn", f"MRN: {p.mrn}"),
        ("patient.phone", f"Phone: {case.ph(p.phone, rng)}"),
        ("patient.address", f"Address: {p.address}"),
    ):
        if case.shows(key):
            lines.append(text)
    if case.shows("insurance.payer"):
        ins = f"Insurance: {p.payer}, ID {p.member_id}"
        lines.append(ins + (f", Group {p.group}" if case.shows("insurance.group_number") else ""))
    for line in lines:
        pen.text(72, y, line, bold=line.startswith("RE"))
        y += pen.size * 1.35
    return y + pen.size * 0.8


def _signature(pen: Pen, case: Case, rng: random.Random, y: float) -> None:
    r = case.provider
    pen.text(72, y, rng.choice(["Sincerely,", "Kind regards,", "With thanks,"]))
    y += pen.size * 3.5
    pen.text(72, y, f"{r.first} {r.last}, {r.credential}")
    if case.shows("referring.npi"):
        pen.text(72, y + pen.size * 1.35, f"NPI {r.npi}")


def letter(pen: Pen, case: Case, rng: random.Random, values: Values) -> None:
    """A referral letter: letterhead, addressee, RE block, prose question, signature."""
    if not case.shows("insurance.payer"):
        case.omit |= {"insurance.member_id", "insurance.group_number"}
    elif not case.shows("insurance.member_id"):
        case.omit.add("insurance.group_number")
        case.omit.discard("insurance.member_id")
    y = letterhead(pen, case, rng)
    if case.shows("referral.date"):
        pen.text(72, y, case.d(case.ref_date))
        y += pen.size * 2.2
    y, doctor = _recipient(pen, case, rng, values, y)
    y = _re_block(pen, case, rng, y)
    title, pronoun = _title(case)
    who = f"{title} {case.person.last}".strip() if title else case.name()
    x, w = 72, PAGE_W - 144
    pen.text(x, y, f"Dear {doctor},")
    if case.service is not None and not case.service.endswith("Associates"):
        opening = f"I am referring {who} to your {case.service} practice for further evaluation."
    else:
        opening = f"I am referring {who} to you for further evaluation and management."
    gap = pen.size * 1.2  # a blank line between paragraphs
    y = pen.wrap(x, y + pen.size * 2, w, opening) + gap
    y = pen.wrap(x, y, w, case.scenario.question) + gap
    rest = list(case.extra)
    rest.append(f"{pronoun} currently takes {', '.join(rng.sample(clinical.MEDS, 2)).lower()}.")
    y = pen.wrap(x, y, w, " ".join(rest)) + gap
    if case.shows("referral.diagnoses"):
        y = pen.wrap(x, y, w, "Diagnoses: " + "; ".join(diagnoses_lines(case, rng))) + 4
    if case.urgency_printed:
        y = pen.wrap(x, y, w, rng.choice(URGENCY_SENTENCES[case.urgency_printed])) + 4
    y = pen.wrap(x, y, w, "Thank you for seeing this patient. Please do not hesitate to call.")
    _signature(pen, case, rng, y + pen.size)


def consult_letter(pen: Pen, case: Case, rng: random.Random, values: Values) -> None:
    """"Dear Colleague" letter; the reason in prose, no specialty named."""
    case.service = None
    case.omit |= {"insurance.group_number", "patient.address", "insurance.member_id",
                  "insurance.payer"}  # fmt: skip
    y = letterhead(pen, case, rng)
    if case.shows("referral.date"):
        pen.text(PAGE_W - 72, y, case.d(case.ref_date), align="right")
        y += pen.size * 2.2
    y = _re_block(pen, case, rng, y)
    x, w = 72, PAGE_W - 144
    pen.text(x, y, "Dear Colleague,")
    y = pen.wrap(x, y + pen.size * 2, w, "Thank you for seeing this patient, who I saw in clinic "
                 "recently. My clinical note is attached.") + pen.size * 1.2  # fmt: skip
    y = pen.wrap(x, y, w, case.scenario.question) + pen.size * 1.2
    if case.urgency_printed:
        y = pen.wrap(x, y, w, rng.choice(URGENCY_SENTENCES[case.urgency_printed])) + 4
    y = pen.wrap(x, y, w, "Many thanks for your help with their care.")
    _signature(pen, case, rng, y + pen.size)


def clinical_note(pen: Pen, case: Case, rng: random.Random) -> None:
    """A progress note after a referral: HPI, history with incidental specialties, plan."""
    p = case.person
    x, w = 54, PAGE_W - 108
    pen.text(x, 50, rng.choice(["CLINIC NOTE", "Progress Note", "Office Visit"]), bold=True,
             size=pen.size + 3)  # fmt: skip
    pen.text(x, 50 + pen.size * 1.8, f"Patient: {case.name()}    DOB: {case.d(p.dob)}")
    y = 50 + pen.size * 4
    sections = [
        ("History of present illness", f"{case.scenario.question} {' '.join(case.extra)}"),
        ("Past medical history", " ".join([clinical.incidental(rng, case.scenario.specialty),
                                           rng.choice(clinical.HISTORICAL)])),
        ("Medications", "; ".join(rng.sample(clinical.MEDS, rng.randrange(2, 5)))),
        ("Allergies", rng.choice(["NKDA", "Penicillin (rash)", "Sulfa", "No known allergies"])),
        ("Vitals", f"BP {rng.randrange(110, 160)}/{rng.randrange(65, 95)}, HR "
                   f"{rng.randrange(58, 100)}, SpO2 {rng.randrange(94, 100)}%"),
        ("Assessment and plan", "Referral placed as above. Follow up in clinic after the "
                                "specialist visit."),
    ]  # fmt: skip
    if case.shows("referral.diagnoses") and rng.random() < 0.5:
        sections.insert(5, ("Diagnoses", "; ".join(diagnoses_lines(case, rng, described=True))))
    for heading, body in sections:
        pen.text(x, y, f"{heading}:", bold=True)
        y = pen.wrap(x + 10, y + pen.size * 1.4, w - 10, body) + pen.size * 0.5
    pen.text(x, y + pen.size, f"Electronically signed by {provider_text(case, rng)}")


def med_list(pen: Pen, case: Case, rng: random.Random) -> None:
    """A medication list page, as packets often carry after the referral."""
    x = 54
    pen.text(x, 50, rng.choice(["Medication List", "CURRENT MEDICATIONS"]), bold=True,
             size=pen.size + 3)  # fmt: skip
    pen.text(x, 50 + pen.size * 1.8, f"{case.name()}   DOB {case.d(case.person.dob)}")
    y = 50 + pen.size * 4
    for col, cx in (("Medication", x), ("Sig", x + 230), ("Prescriber", x + 400)):
        pen.text(cx, y, col, bold=True)
    for med in rng.sample(clinical.MEDS, rng.randrange(4, 9)):
        y += pen.size * 1.6
        name, _, sig = med.partition(" ")
        pen.text(x, y, name)
        pen.text(x + 230, y, sig)
        pen.text(x + 400, y, f"Dr. {case.provider.last}")
    pen.text(x, y + pen.size * 3, f"Allergies: {rng.choice(['NKDA', 'Penicillin', 'Codeine'])}")
