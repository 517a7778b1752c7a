"""Pages that travel with a referral: fax cover, clinic note, medication list, insurance card."""

from __future__ import annotations

import random
from datetime import date, timedelta

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.utils import ImageReader

from samples.heldout2 import formats as f
from samples.heldout2.case import URGENCY_SENTENCES, Case
from samples.heldout2.clinical import ALLERGIES, MEDS, SPECIALTY_NAMES
from samples.heldout2.pen import H, Pen, W
from samples.heldout2.people import Referrer

_CARD_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)
RECIPIENTS = (
    "Central Referral Intake",
    "Specialty Scheduling",
    "New Patient Office",
    "Referral Coordinator",
    "Intake Department",
    "Patient Access Center",
)
CONFIDENTIAL = (
    "CONFIDENTIALITY NOTICE: This facsimile contains protected health information that is "
    "privileged and confidential. If you are not the intended recipient, any review, disclosure, "
    "copying or distribution is prohibited. If you received this in error, please notify the "
    "sender by telephone "
    "and destroy all copies."
)


def cover_sheet(
    pen: Pen,
    rng: random.Random,
    referrer: Referrer,
    cases: list[Case],
    total: int,
    note: str | None = None,
    recipient_fax: str = "",
    day: date | None = None,
) -> None:
    """A fax cover from the referring office; what it prints counts for every case it carries."""
    s = pen.style
    x0 = rng.uniform(50, 80)
    y = rng.uniform(60, 110)
    if rng.random() < 0.5:
        pen.text(x0, y, referrer.practice, s.bold, s.size + 5)
        y += s.size + 8
        pen.text(
            x0,
            y,
            f"{referrer.street}, {referrer.city}, {referrer.state} {referrer.zip}",
            None,
            s.size,
        )
        y += 40
        pen.text(
            W / 2,
            y,
            rng.choice(("FAX", "Fax Transmittal", "FACSIMILE COVER SHEET")),
            s.bold,
            s.size + 14,
            "c",
        )
    else:
        pen.text(x0, y, rng.choice(("FAX", "fax", "Facsimile")), s.bold, s.size + 22)
        y += 30
        pen.text(x0, y, referrer.practice, s.bold, s.size + 2)
    y += 40
    phone_style = rng.choice(f.PHONE_STYLES)
    sent = (day or cases[0].referral_date) + timedelta(days=rng.choice((0, 0, 0, 1, 2)))
    shows_ref_date = len(cases) == 1 and sent == cases[0].referral_date
    rows = [
        ("To", rng.choice(RECIPIENTS)),
        ("Fax", f.fmt_phone(recipient_fax, phone_style)) if recipient_fax else None,
        (
            "From",
            f.doctor(referrer, rng.choice(f.DOCTOR_STYLES))
            if rng.random() < 0.7
            else referrer.practice,
        ),
        ("Phone", f.fmt_phone(referrer.phone, phone_style)),
        ("Fax", f.fmt_phone(referrer.fax, phone_style)),
        ("Date", f.fmt_date(sent, f.date_style(rng))),
        ("Pages", f"{total} (including cover)" if rng.random() < 0.5 else str(total)),
        (
            "Re",
            note
            or rng.choice(
                ("Referral", "New patient referral", "Referrals attached", "Consult request")
            ),
        ),
    ]
    label_x = x0
    widest = pen.width(pen.style.label("Sender Fax"), pen.style.bold, pen.style.size + 1)
    value_x = x0 + max(rng.uniform(70, 110), widest + 12)
    labels = {
        "To": "To",
        "From": "From",
        "Phone": "Phone",
        "Fax": "Fax",
        "Date": "Date",
        "Pages": "Pages",
        "Re": "Re",
    }
    seen_fax = False
    for row in rows:
        if row is None:
            continue
        label, value = row
        shown_label = labels[label]
        if label == "Fax":
            shown_label = (
                "Fax"
                if not seen_fax and recipient_fax
                else "Sender Fax"
                if recipient_fax
                else "Fax"
            )
            seen_fax = True
        pen.text(label_x, y, pen.style.label(shown_label), s.bold, s.size + 1)
        pen.text(value_x, y, value, None, s.size + 1)
        y += s.size * 2.2
    for case in cases:
        case.mark("referring.phone", "referring.fax", "referring.practice")
        if rows[2] and rows[2][1] != referrer.practice:
            case.mark("referring.name")
        if shows_ref_date:
            case.mark("referral.date")
    y += 20
    urgent = len(cases) == 1 and cases[0].urgency == "urgent" and rng.random() < 0.5
    if urgent or rng.random() < 0.5:
        options = ("Urgent", "For Review", "Please Comment", "Please Reply")
        kind = rng.choice(("glyph", "brackets", "xdraw", "tick"))
        x = x0
        for o in options:
            x += pen.option(x, y, o, kind, marked=urgent and o == "Urgent") + 16
        y += 30
        if urgent:  # the sender ticked "Urgent" on the cover: the urgency is stated
            cases[0].state_urgency()
    y = pen.wrap(x0, max(y, H - 180), CONFIDENTIAL, W - 2 * x0, None, pen.size(s.size - 1.5))


def clinic_note(
    pen: Pen,
    rng: random.Random,
    case: Case,
    *,
    with_plan: bool,
    state_urgency: bool,
    as_referral: bool = False,
) -> None:
    """A progress note: history (with any red flag), meds, exam, assessment and maybe plan."""
    s = pen.style
    p = case.patient
    x0, x1 = rng.uniform(40, 70), W - rng.uniform(40, 70)
    y = 50
    pen.text(x0, y, case.referrer.practice, s.bold, s.size + 3)
    case.mark("referring.practice")
    y += s.size + 10
    pen.text(
        x0,
        y,
        rng.choice(("Progress Note", "Office Visit", "Clinic Note", "OFFICE VISIT NOTE")),
        s.bold,
        s.size + 2,
    )
    y += s.size + 10
    dob = f.fmt_date(p.dob, f.date_style(rng, p.dob))
    banner = f"{f.patient_name(p, rng.choice(f.NAME_STYLES))}    DOB {dob}"
    pen.text(x0, y, banner, s.bold, s.size)
    case.mark("patient.name", "patient.dob")
    visit = case.referral_date - timedelta(days=0 if as_referral else rng.choice((0, 0, 3, 10)))
    if as_referral:  # the note is the referral: its visit date is the referral date
        case.mark("referral.date")
    pen.text(x1, y, f"Visit: {f.fmt_date(visit, f.date_style(rng))}", None, s.size, "r")
    y += s.size + 4
    pen.line(x0, y, x1, y)
    y += s.size + 8
    age = f.age_on(p.dob, case.referral_date)
    sections = [
        ("Chief Complaint", case.scenario.question.split(",")[0].split(";")[0].rstrip(".") + "."),
        ("History of Present Illness", f"{age}-year-old patient. {case.history()}"),
        ("Medications", "; ".join(rng.sample(MEDS, rng.randint(2, 6)))),
        ("Allergies", rng.choice(ALLERGIES)),
        (
            "Vitals",
            f"BP {rng.randint(104, 162)}/{rng.randint(62, 96)}  HR {rng.randint(56, 104)}  "
            f"T {rng.uniform(97.6, 99.1):.1f} F  SpO2 {rng.randint(93, 100)}%",
        ),
        ("Assessment", "; ".join(desc for _, desc in case.dx) + "."),
    ]
    case.history_shown = True
    if with_plan:
        name = rng.choice(SPECIALTY_NAMES[case.specialty])
        if rng.random() < 0.7:
            plan = f"Referral placed to {name}. {case.scenario.question}"
            case.state_specialty()
        else:
            plan = f"{case.scenario.question} Referral to specialist placed today."
        case.mark("referral.clinical_question")
        if state_urgency:
            plan += " " + rng.choice(URGENCY_SENTENCES[case.urgency])
            case.state_urgency()
        sections.append(("Plan", plan))
    for title, body in sections:
        if y > H - 80:
            break
        pen.text(x0, y, pen.style.label(title), s.bold, s.size)
        y = pen.wrap(x0 + 10, y + s.size * 1.4, body, x1 - x0 - 10, None, s.size) + 6
    y = max(y + 20, H - 70)
    pen.text(x0, y, f"Electronically signed by {f.doctor(case.referrer, 'cred')}", None, s.size - 1)
    case.mark("referring.name")


def med_list(pen: Pen, rng: random.Random, case: Case) -> None:
    """A medication list table with the patient header."""
    s = pen.style
    x0, x1 = 50, W - 50
    y = 60
    pen.text(
        x0,
        y,
        rng.choice(("Current Medication List", "MEDICATIONS", "Active Medications")),
        s.bold,
        s.size + 3,
    )
    y += s.size + 12
    pen.text(x0, y, f"Patient: {f.patient_name(case.patient, 'last_first')}", None, s.size)
    case.mark("patient.name")
    y += s.size + 12
    cols = (x0, x0 + 220, x0 + 330, x0 + 420)
    for c, t in zip(cols, ("Medication", "Sig", "Start", "Prescriber"), strict=True):
        pen.text(c + 3, y, t, s.bold, s.size)
    y += 4
    pen.line(x0, y, x1, y)
    for med in rng.sample(MEDS, rng.randint(4, 9)):
        y += s.size * 1.8
        name, _, sig = med.partition(" ")
        start = case.referral_date - timedelta(days=rng.randint(30, 2000))
        pen.text(
            cols[0] + 3,
            y,
            name.capitalize() + " " + sig.split(" ")[0] + " " + sig.split(" ")[1]
            if len(sig.split(" ")) > 1
            else name,
            None,
            s.size,
        )
        pen.text(cols[1] + 3, y, " ".join(sig.split(" ")[2:]) or "as directed", None, s.size)
        pen.text(cols[2] + 3, y, f.fmt_date(start, "mdy_short"), None, s.size)
        pen.text(cols[3] + 3, y, case.referrer.last, None, s.size)
        pen.line(x0, y + 5, x1, y + 5, 0.3)


def insurance_card(pen: Pen, rng: random.Random, case: Case) -> None:
    """A copied insurance card on a page: drawn, or pasted in as a picture (no text layer)."""
    s = pen.style
    x, y = rng.uniform(60, 160), rng.uniform(80, 200)
    w, h = 300, 185
    ins = case.insurance
    lines = [
        ("Member", f.patient_name(case.patient, rng.choice(("first_last", "upper")))),
        (rng.choice(("Member ID", "ID", "Subscriber ID")), ins.member_id),
        (rng.choice(("Group", "Group No", "GRP")), ins.group),
        ("PCP Copay", f"${rng.choice((15, 20, 25, 30, 40))}"),
        ("Rx BIN", str(rng.randint(100000, 999999))),
    ]
    if rng.random() < 0.5:
        pen.c.drawImage(ImageReader(_card_image(rng, ins.payer, lines)), x, H - y - h, w, h)
    else:
        pen.rect(x, y, w, h, 1.5, rng.choice((0.93, 0.97, None)))
        pen.text(x + 12, y + 26, ins.payer, s.bold, 14)
        yy = y + 54
        for label, value in lines:
            pen.text(x + 12, yy, label, None, 9)
            pen.text(x + 110, yy, value, s.bold, 10.5)
            yy += 22
    case.mark("insurance.payer", "insurance.member_id", "insurance.group_number", "patient.name")
    pen.text(x, y + h + 20, "Copy of insurance card (front)", None, 9)


def _card_image(rng: random.Random, payer: str, lines: list[tuple[str, str]]) -> Image.Image:
    """The card as a greyscale photo-copy at about 300 dpi."""
    scale = 300 / 72
    img = Image.new("L", (round(300 * scale), round(185 * scale)), rng.randint(200, 235))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((4, 4, img.width - 5, img.height - 5), radius=40, outline=40, width=5)
    bold = ImageFont.truetype(_CARD_FONTS[1], round(14 * scale))
    regular = ImageFont.truetype(_CARD_FONTS[0], round(9 * scale))
    value = ImageFont.truetype(_CARD_FONTS[1], round(10.5 * scale))
    draw.text((12 * scale, 12 * scale), payer, fill=20, font=bold)
    yy = 42 * scale
    for label, text in lines:
        draw.text((12 * scale, yy), label, fill=30, font=regular)
        draw.text((110 * scale, yy - 2), text, fill=10, font=value)
        yy += 22 * scale
    return img.rotate(rng.uniform(-1.5, 1.5), resample=Image.BICUBIC, fillcolor=255)
